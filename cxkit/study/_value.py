"""The truth of customer value in the simulator (see :mod:`cxkit.study.simulate`): what the CSR
launch and a service failure do to purchases, spend and discounted value.

Both derivations use only the story's own quantities; neither draws a random number, so adding
them changed no table of the study.

**Money.** A purchase's amount is the segment's basket (:data:`SEGMENT_BASKET_EUR`) times a
lognormal(−0.18, 0.6) factor whose mean is exp(−0.18 + 0.6²/2) = 1, rounded to the cent: the
expected amount of a purchase is the basket (to within half a cent). **Value** is spend
discounted continuously at :data:`VALUE_DISCOUNT_RATE` a year — an amount paid ``s`` days after
the event counts ``(1 + rate) ** (-s / 365.25)`` — over the :data:`VALUE_HORIZON_MONTHS`
months after it (a month is 365.25 / 12 days).

**The CSR launch** (:func:`_csr_value_truth`) acts on purchases only, as one cause of the
noisy-OR at the last funnel step (it changes neither churn nor the sessions): its expected extra
purchases in a session that reached that step are P(purchase) − P(purchase without the
policy), given the sessions and the steps they reached, as in
``truth["effect_csr_on_purchases_by_event_month"]``. Extra spend is that times the basket.
Like that key, it leaves out the few sessions and conversions that the policy's *news*
(``csr_news_exposure``, seen by aware customers) causes: ``truth["attribution"]`` counts them
(74 expected purchases in the bundled sample, against 1,392 caused by the policy itself), so an
estimator of the launch's total effect sits about 5 % above these keys.

**A service failure** (:func:`_failure_value_truth`) acts on value only through churn: it
multiplies the customer's churn hazard by ``hr_failure_unresolved`` (or ``hr_failure_resolved``)
from the day it strikes and changes nothing in the sessions or the funnel, so **purchases per
active month are unchanged** (exactly 0 effect). With ``h`` the customer's churn hazard before
the failure (``churn_rate`` per month × ``hr_affinity ** affinity``) and ``λ(t)`` the expected
purchases per day while active (:func:`_purchase_rate`), a customer still active at the failure
day ``f`` buys, in expectation, ``∫₀ᴴ λ(f + s) exp(−HR·h·s) ds`` over the horizon ``H`` (HR = 1
without the failure), times the basket for spend, times the discount factor for value.
"""

from __future__ import annotations

import numpy as np

from ._sessions import (
    EMAIL_CLICK_SHARE,
    ENGAGEMENT_PER_SESSION,
    EXPOSURE_CAUSES,
    WINDOW_DAYS,
    _channel_weights,
    _csr_share,
    _exposure_scale,
    _last_step,
    _step_probabilities,
)
from ._story import (
    AD_TOUCHPOINTS,
    DAYS_PER_MONTH,
    EXPOSURES,
    SEGMENT_BASKET_EUR,
    _launch_months,
    _World,
)

#: months after the event over which value is summed
VALUE_HORIZON_MONTHS = 12
#: annual discount rate of value (continuous discounting: (1 + rate) ** (−years))
VALUE_DISCOUNT_RATE = 0.10
#: CSR news reaches aware customers at this many exposures per month after the launch
CSR_NEWS_PER_MONTH = 0.30


def discount(days, rate: float = VALUE_DISCOUNT_RATE):
    """Discount factor of an amount paid ``days`` after the event."""
    return (1.0 + rate) ** (-np.asarray(days, float) / 365.25)


def _basket(w: _World, idx) -> np.ndarray:
    return np.vectorize(SEGMENT_BASKET_EUR.get, otypes=[float])(w.c["segment"][idx])


def _csr_session_extra(w: _World):
    """Every candidate session of the last step: customer, start day and the expected extra
    purchases the CSR policy causes in it (0 where the last step was not reached)."""
    last = w.c["last_step"]
    idx, survive, _ = _last_step(w)
    extra = np.where(last["reached"], survive / (1 - last["fire"][:, 1]) - survive, 0.0)
    return idx, w.c["sessions"]["start"][last["session"]], extra


def _csr_value_truth(w: _World) -> dict:
    """Extra purchases, spend and value per customer over the horizon after the launch.

    Customers of the regions whose whole horizon after their launch lies in the window, active
    on their launch day (churned customers count with the purchases they no longer make).
    """
    c = w.c
    months = VALUE_HORIZON_MONTHS
    bounds = _launch_months(w, months)
    launch, stop = bounds[:, 0], bounds[:, months]
    who = (stop <= w.horizon) & (c["obs_start"] <= launch) & (c["obs_end"] > launch)
    idx, t, extra = _csr_session_extra(w)
    inside = who[idx] & (t >= launch[idx]) & (t < stop[idx])
    idx, t, extra = idx[inside], t[inside], extra[inside]
    money = extra * _basket(w, idx)
    n = int(who.sum())
    per = (lambda x: float(x.sum() / n)) if n else (lambda x: float("nan"))
    return {"horizon_months": months, "annual_discount_rate": VALUE_DISCOUNT_RATE,
            "regions": sorted(set(c["region"][who].tolist())), "customers": n,
            "purchases": per(extra), "spend": per(money),
            "value": per(money * discount(t - launch[idx]))}


def _csr_spend_by_month(w: _World, months: int) -> dict:
    """``effect_csr_on_purchases_by_event_month`` in money: extra spend per customer-month."""
    return _csr_by_event_month(w, months, money=True, digits=9)


def _csr_by_event_month(w: _World, months: int, *, money: bool = False,
                        digits: int = 12) -> dict:
    """The policy's expected extra purchases (``money=True``: spend) per customer-month, k months
    after the launch in the customer's region, averaged over the customers active during the
    whole calendar month k (the rows an event study of monthly purchases uses)."""
    c = w.c
    bounds = _launch_months(w, months)
    idx, t, extra = _csr_session_extra(w)
    if money:
        extra = extra * _basket(w, idx)
    k = (bounds[idx] <= t[:, None]).sum(axis=1) - 1
    ok = (k >= 0) & (k < months)
    per = np.zeros((w.n, months))
    np.add.at(per, (idx[ok], k[ok]), extra[ok])
    out = {}
    for k in range(months):
        start, stop = bounds[:, k], bounds[:, k + 1]
        active = (c["obs_start"] <= start) & (c["obs_end"] >= stop) & (stop <= w.horizon)
        if active.sum() == 0:
            break
        out[str(k)] = round(float(per[active, k].mean()), digits)
    return out


# ------------------------------------------------------------------------------------------
# the expected purchase rate of an active customer
# ------------------------------------------------------------------------------------------
def _exposure_rates(w: _World, idx, t) -> dict:
    """Exposures per day of each cause of :data:`EXPOSURE_CAUSES` for customers ``idx`` at days
    ``t``, and the length of the conversion window (t − WINDOW_DAYS, t] they can fill (an
    exposure needs the customer active and, for CSR news, the policy launched)."""
    c = w.c
    rates, windows = {}, {}
    base = np.maximum(c["obs_start"][idx], 0.0)
    for tp in EXPOSURE_CAUSES:
        if tp == "csr_news_exposure":
            first = np.maximum(base, c["launch_day"][idx])
            rate = CSR_NEWS_PER_MONTH / DAYS_PER_MONTH * c["aware_if_launched"][idx]
        else:
            first = base
            rate = np.full(idx.size, EXPOSURES[tp] / DAYS_PER_MONTH)
            if tp == "email_received":
                rate = rate * (1 + 2 * c["email_arm"][idx])
            if tp in AD_TOUCHPOINTS:
                rate = rate * (1 - c["ad_holdout"][idx])
        rates[tp] = np.where(t >= first, rate, 0.0)
        windows[tp] = np.clip(t - first, 0.0, WINDOW_DAYS)
    return rates, windows


def _purchase_rate(w: _World, idx, t) -> np.ndarray:
    """Expected purchases per day of active customers ``idx`` at days ``t`` (sign-up purchases
    aside), from the story's rates and probabilities.

    Sessions start at rate (organic) ``eng_rate / ENGAGEMENT_PER_SESSION`` plus, for every
    exposure but e-mail, the exposure's rate × its session probability × P(delay < window);
    e-mails start web sessions at rate × P(open) × P(click). A session's channel follows
    :func:`_channel_weights`; it reaches the last step with P(cart) × P(checkout) (web, app) or
    always (store), where it buys unless every cause fails: the session's own (P(base)), the
    CSR policy and each exposure in the window before it. Exposures are Poisson, so the count of
    type j in the window is Poisson(rate_j × window_j) whatever started the session (the
    exposure that started it is not among them, as in the story), and
    E[(1 − lift_j) ** N_j] = exp(−rate_j × window_j × lift_j).
    The small edges the story trims (sessions in the customer's last two hours, exposure
    sessions delayed beyond the window) are left out.
    """
    c, e = w.c, w.effects
    idx, t = np.asarray(idx), np.asarray(t, float)
    rates, windows = _exposure_rates(w, idx, t)
    sessions = c["eng_rate"][idx] / ENGAGEMENT_PER_SESSION
    keep = 1.0
    for tp, (p_session, lift, delay) in EXPOSURE_CAUSES.items():
        scale = _exposure_scale(w, tp)
        keep = keep * np.exp(-rates[tp] * windows[tp] * lift * scale)
        if tp != "email_received":
            sessions = sessions + rates[tp] * p_session * scale * (1 - np.exp(-WINDOW_DAYS / delay))
    email = rates["email_received"] * c["email_open"][idx] * EMAIL_CLICK_SHARE
    q_csr = 1 - np.exp(-e["csr_on_purchases"] * c["tau"][idx] * _csr_share(w, idx, t))
    weights = _channel_weights(w, idx, t)
    rate = np.zeros(idx.size)
    for chan in range(3):
        code = np.full(idx.size, chan)
        p_cart, p_checkout, p_base = _step_probabilities(w, idx, t, code)
        reach = 1.0 if chan == 2 else p_cart * p_checkout
        buy = reach * (1 - (1 - p_base) * (1 - q_csr) * keep)
        rate += sessions * weights[:, chan] * buy + (email * buy if chan == 0 else 0.0)
    return rate


def _failure_value_truth(w: _World, step: float = 1.0) -> dict:
    """Expected purchases, spend and value over the horizon after a service failure, by what
    followed it, per customer whose failure left the whole horizon (calendar months from the
    failure's moment, as :func:`cxkit.models.value_after` counts them) inside the window.

    The integral over the horizon is the midpoint rule on steps of at most ``step`` days (the
    rate moves by a fraction of a percent within a day).
    """
    import pandas as pd

    c, e = w.c, w.effects
    failed = np.flatnonzero(np.isfinite(c["fail_day"]))
    when = w.start + pd.to_timedelta(c["fail_day"][failed], unit="D")
    stop = ((when + pd.DateOffset(months=VALUE_HORIZON_MONTHS)) - w.start) / pd.Timedelta(days=1)
    keep = np.asarray(stop) <= w.horizon
    who, length = failed[keep], (np.asarray(stop) - c["fail_day"][failed])[keep]
    steps = int(np.ceil(VALUE_HORIZON_MONTHS * DAYS_PER_MONTH / step)) + 1
    grid = (np.arange(steps) + 0.5) / steps
    hazard = e["churn_rate"] / DAYS_PER_MONTH * e["hr_affinity"] ** c["affinity"][who]
    ratios = {"none": 1.0, "resolved": e["hr_failure_resolved"],
              "unresolved": e["hr_failure_unresolved"]}
    totals = {k: np.zeros((who.size, 3)) for k in ratios}
    for lo in range(0, who.size, 500):
        part = slice(lo, lo + 500)
        i = who[part]
        s = length[part][:, None] * grid  # days since the failure, midpoints of the steps
        rate = _purchase_rate(w, np.repeat(i, steps), (c["fail_day"][i][:, None] + s).ravel())
        rate = rate.reshape(i.size, steps) * (length[part][:, None] / steps)
        for name, hr in ratios.items():
            alive = np.exp(-hr * hazard[part][:, None] * s)
            bought = (rate * alive).sum(axis=1)
            totals[name][part, 0] = bought
            totals[name][part, 1] = bought * _basket(w, i)
            totals[name][part, 2] = (rate * alive * discount(s)).sum(axis=1) * _basket(w, i)
    mean = {k: v.mean(axis=0) if who.size else np.full(3, np.nan) for k, v in totals.items()}
    measures = ("purchases", "spend", "value")

    def contrast(a, b):
        return {m: float(mean[a][j] - mean[b][j]) for j, m in enumerate(measures)}

    return {"horizon_months": VALUE_HORIZON_MONTHS, "annual_discount_rate": VALUE_DISCOUNT_RATE,
            "failures": int(who.size),
            "purchases_per_active_month": {"unresolved_vs_none": 0.0, "resolved_vs_none": 0.0,
                                           "unresolved_vs_resolved": 0.0},
            "unresolved_vs_none": contrast("unresolved", "none"),
            "resolved_vs_none": contrast("resolved", "none"),
            "unresolved_vs_resolved": contrast("unresolved", "resolved"),
            "without_failure": {m: float(mean["none"][j]) for j, m in enumerate(measures)}}
