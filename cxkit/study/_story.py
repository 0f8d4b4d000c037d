"""Steps 1–4 of the simulator's story (see :mod:`cxkit.study.simulate`): who the customers
are and what they do.

1. customers (:func:`_draw_customers`); 2. the CSR policy (:func:`_csr_rollout`); 3. service
failures and churn (:func:`_failures_and_churn`); 4. journey events (:func:`_journey_events`,
with :func:`_purchases` and :func:`_service_and_exit`). Each step draws from the world's one
random generator in a fixed order, so the same seed gives the same study; a step moved or
reordered would change every table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12

SEGMENTS = ("budget", "mainstream", "premium", "conscious")
SEGMENT_SHARES = (0.30, 0.35, 0.15, 0.20)
SEGMENT_PROSOCIAL_MEAN = {"budget": -0.6, "mainstream": -0.1, "premium": 0.2, "conscious": 1.2}
SEGMENT_PURCHASE_FACTOR = {"budget": 0.8, "mainstream": 1.0, "premium": 1.3, "conscious": 1.0}
SEGMENT_BASKET_EUR = {"budget": 35.0, "mainstream": 60.0, "premium": 140.0, "conscious": 75.0}
AGE_BANDS = ("18-29", "30-44", "45-59", "60+")
AGE_SHARES = (0.22, 0.30, 0.28, 0.20)
REGIONS = ("north_west", "north_east", "centre", "south", "islands")
REGION_SHARES = (0.27, 0.20, 0.20, 0.23, 0.10)
#: months after ``csr_launch`` at which each region adopts the policy (None: never)
REGION_LAUNCH_OFFSET_MONTHS = {"north_west": 0, "centre": 0, "north_east": 6, "south": 12,
                               "islands": None}
#: regional differences in baseline loyalty (scale points): launched regions start higher
REGION_LOYALTY = {"north_west": 0.20, "north_east": 0.10, "centre": 0.0, "south": -0.20,
                  "islands": -0.30}
CHANNELS_PREFERRED = ("web", "app", "store", "phone")
#: P(preferred channel | age band): the young are digital, the old prefer store and phone
CHANNEL_BY_AGE = {"18-29": (0.40, 0.45, 0.12, 0.03), "30-44": (0.42, 0.33, 0.20, 0.05),
                  "45-59": (0.40, 0.15, 0.33, 0.12), "60+": (0.25, 0.05, 0.45, 0.25)}

#: The effects of the story and their defaults. Pass any of them to :func:`simulate_study`.
# (touchpoint, share) of engagement-level events by preferred channel
ENGAGEMENT_MIX = {
    "web": {"web_visit": .26, "product_page_view": .20, "tutorial_video_view": .04,
            "cart_add": .06, "email_open": .14, "email_click": .08, "app_open": .06,
            "app_feature_use": .04, "social_like": .08, "social_share": .03,
            "review_written": .01},
    "app": {"web_visit": .08, "product_page_view": .08, "tutorial_video_view": .04,
            "cart_add": .05, "email_open": .08, "email_click": .05, "app_open": .28,
            "app_feature_use": .22, "social_like": .08, "social_share": .03,
            "review_written": .01},
    "store": {"web_visit": .22, "product_page_view": .16, "tutorial_video_view": .05,
              "cart_add": .03, "email_open": .24, "email_click": .12, "app_open": .04,
              "app_feature_use": .02, "social_like": .09, "social_share": .02,
              "review_written": .01},
    "phone": {"web_visit": .24, "product_page_view": .14, "tutorial_video_view": .06,
              "cart_add": .02, "email_open": .30, "email_click": .14, "app_open": .02,
              "app_feature_use": .01, "social_like": .04, "social_share": .02,
              "review_written": .01},
}
EMAIL_EXTRA_MIX = {"email_open": .45, "email_click": .30, "web_visit": .15,
                   "product_page_view": .10}
# experience-level exposures: touchpoint → events per month while active
EXPOSURES = {"ad_impression": 0.5, "social_ad_impression": 0.3, "influencer_post_view": 0.15,
             "online_review_read": 0.15, "word_of_mouth_received": 0.10,
             "email_received": 0.5}
PURCHASE_RATE = 0.35  # purchases per month at average affinity


@dataclass
class _World:
    """Everything the steps share: the random generator, the calendar and the customers."""

    rng: np.random.Generator
    effects: dict
    start: pd.Timestamp
    end: pd.Timestamp
    launch: pd.Timestamp
    n: int
    horizon: float = 0.0  # study length in days
    c: dict = field(default_factory=dict)  # customer arrays, indexed 0..n-1
    events: list = field(default_factory=list)  # (customer index, day, touchpoint, channel, value)

    def day(self, when) -> float:
        return (pd.Timestamp(when) - self.start) / pd.Timedelta(days=1)



# ------------------------------------------------------------------------------------------
# 1. customers
# ------------------------------------------------------------------------------------------
def _draw_customers(w: _World) -> None:
    rng, n, c = w.rng, w.n, w.c
    c["segment"] = rng.choice(np.array(SEGMENTS), size=n, p=SEGMENT_SHARES)
    c["age_band"] = rng.choice(np.array(AGE_BANDS), size=n, p=AGE_SHARES)
    c["region"] = rng.choice(np.array(REGIONS), size=n, p=REGION_SHARES)
    channel = np.empty(n, dtype=object)
    for band, probs in CHANNEL_BY_AGE.items():
        mask = c["age_band"] == band
        channel[mask] = rng.choice(np.array(CHANNELS_PREFERRED), size=mask.sum(), p=probs)
    c["preferred_channel"] = channel.astype(str)
    c["affinity"] = rng.standard_normal(n)
    c["prosocial"] = (np.vectorize(SEGMENT_PROSOCIAL_MEAN.get)(c["segment"])
                      + rng.standard_normal(n))
    # 60 % were customers before the window; the others sign up during it
    existing = rng.random(n) < 0.6
    signup = np.where(existing, -rng.random(n) * 3 * 365.25,
                      rng.random(n) * max(w.horizon - 60, 1))
    c["signup"] = signup
    c["new"] = ~existing
    c["obs_start"] = np.maximum(signup, 0.0)
    c["email_arm"] = (rng.random(n) < 0.5).astype(int)
    # the CX pyramid layers: stable perceptions of the offer, correlated, unrelated to affinity
    cov = 0.8 ** 2 * (0.4 * np.ones((3, 3)) + 0.6 * np.eye(3))
    layers = rng.multivariate_normal(np.zeros(3), cov, size=n)
    c["NEEDS0"], c["EASE0"], c["ENJOY0"] = layers.T
    c["eng_rate"] = (w.effects["engagement_rate"] / DAYS_PER_MONTH
                     * np.exp(w.effects["affinity_on_engagement"] * c["affinity"]
                              - w.effects["affinity_on_engagement"] ** 2 / 2))


# ------------------------------------------------------------------------------------------
# 2. the CSR policy
# ------------------------------------------------------------------------------------------
def _launch_dates(w: _World) -> dict:
    out = {}
    for region, months in REGION_LAUNCH_OFFSET_MONTHS.items():
        out[region] = None if months is None else w.launch + pd.DateOffset(months=months)
    return out


def _csr_response(b: float, prosocial):
    """How strongly a customer responds to the policy: a logistic curve in prosociality."""
    return 1 / (1 + np.exp(-b * (np.asarray(prosocial) - 0.5)))


def _segment_csr_response(b: float) -> dict:
    """Mean response in each segment (prosociality ~ N(segment mean, 1)), by Gauss–Hermite."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    return {s: float(np.sum(weights * _csr_response(b, SEGMENT_PROSOCIAL_MEAN[s] + nodes)))
            for s in SEGMENTS}


def _csr_weights(w: _World) -> tuple[np.ndarray, dict]:
    """Individual CSR effects relative to the population mean (mean 1), and segment means."""
    b = w.effects["csr_prosocial_slope"]
    by_segment = _segment_csr_response(b)
    z = sum(share * by_segment[s] for s, share in zip(SEGMENTS, SEGMENT_SHARES, strict=True))
    return (_csr_response(b, w.c["prosocial"]) / z,
            {s: v / z for s, v in by_segment.items()})


def _csr_rollout(w: _World) -> None:
    c, e = w.c, w.effects
    launch_day = {r: (np.inf if d is None else w.day(d)) for r, d in _launch_dates(w).items()}
    c["launch_day"] = np.vectorize(launch_day.get)(c["region"]).astype(float)
    weights, _ = _csr_weights(w)
    # tau: the customer's effect of the policy on loyalty intention (points)
    c["tau"] = e["csr_effect"] * weights
    p_aware = 1 / (1 + np.exp(-(-0.3 + e["aware_prosocial"] * (c["prosocial"] - 0.05)
                                + e["aware_affinity"] * c["affinity"])))
    c["aware_if_launched"] = w.rng.random(w.n) < p_aware


# ------------------------------------------------------------------------------------------
# 3. service failures and churn
# ------------------------------------------------------------------------------------------
def _failures_and_churn(w: _World) -> None:
    rng, c, e, n = w.rng, w.c, w.effects, w.n
    fail = c["obs_start"] + rng.exponential(DAYS_PER_MONTH / e["failure_rate"], size=n)
    complained = rng.random(n) < e["complaint_share"]
    resolved = complained & (rng.random(n) < e["resolution_share"])
    hr_fail = np.where(resolved, e["hr_failure_resolved"], e["hr_failure_unresolved"])
    hazard = (e["churn_rate"] / DAYS_PER_MONTH) * e["hr_affinity"] ** c["affinity"]
    draw = rng.exponential(1.0, size=n)
    before = hazard * np.maximum(fail - c["obs_start"], 0)
    churn = np.where(draw < before, c["obs_start"] + draw / hazard,
                     fail + (draw - before) / (hazard * hr_fail))
    c["churn_day"] = np.where(churn < w.horizon, churn, np.inf)
    c["obs_end"] = np.minimum(c["churn_day"], w.horizon)
    c["fail_day"] = np.where((fail < c["obs_end"]), fail, np.inf)
    c["complained"], c["resolved"] = complained, resolved
    c["csr_aware"] = c["aware_if_launched"] & (c["launch_day"] < c["obs_end"])


# ------------------------------------------------------------------------------------------
# 4. journey events
# ------------------------------------------------------------------------------------------
def _poisson(rng, rate, t0, t1):
    """Event times of independent Poisson processes, one per row: (row index, time)."""
    length = np.clip(np.asarray(t1, float) - np.asarray(t0, float), 0, None)
    length[~np.isfinite(length)] = 0
    counts = rng.poisson(np.asarray(rate) * length)
    idx = np.repeat(np.arange(len(length)), counts)
    return idx, np.asarray(t0, float)[idx] + rng.random(idx.size) * length[idx]


def _add(w: _World, idx, day, touchpoint, channel=None, value=None):
    idx = np.asarray(idx)
    if idx.size == 0:
        return
    tp = np.broadcast_to(np.asarray(touchpoint, dtype=object), idx.shape)
    ch = np.broadcast_to(np.asarray(channel, dtype=object), idx.shape)
    val = np.broadcast_to(np.asarray(np.nan if value is None else value, dtype=float), idx.shape)
    w.events.append((idx, np.asarray(day, float), tp, ch, val))


def _mixed_touchpoints(rng, idx, groups, mix_by_group):
    out = np.empty(idx.size, dtype=object)
    for group, mix in mix_by_group.items():
        mask = groups[idx] == group
        out[mask] = rng.choice(np.array(list(mix)), size=mask.sum(),
                               p=np.array(list(mix.values())) / sum(mix.values()))
    return out


def _journey_events(w: _World) -> None:
    rng, c, e = w.rng, w.c, w.effects
    a, b = c["obs_start"], c["obs_end"]
    # engagement: baseline, plus the e-mail campaign's extra events for its arm
    idx, day = _poisson(rng, c["eng_rate"], a, b)
    _add(w, idx, day, _mixed_touchpoints(rng, idx, c["preferred_channel"], ENGAGEMENT_MIX))
    extra_rate = c["eng_rate"] * e["email_effect"] * c["email_arm"]
    idx, day = _poisson(rng, extra_rate, a, b)
    _add(w, idx, day, _mixed_touchpoints(rng, idx, np.zeros(w.n, int), {0: EMAIL_EXTRA_MIX}))
    # experience: exposures; the e-mail arm receives three times the marketing e-mails
    for touchpoint, per_month in EXPOSURES.items():
        rate = np.full(w.n, per_month / DAYS_PER_MONTH)
        if touchpoint == "email_received":
            rate = rate * (1 + 2 * c["email_arm"])
        idx, day = _poisson(rng, rate, a, b)
        _add(w, idx, day, touchpoint)
    after = np.maximum(a, c["launch_day"])
    aware = c["aware_if_launched"]
    for touchpoint, per_month in (("csr_news_exposure", 0.30), ("csr_report_view", 0.12),
                                  ("cause_campaign_view", 0.10)):
        rate = np.where(aware | (touchpoint == "cause_campaign_view"), per_month, 0.0)
        idx, day = _poisson(rng, rate / DAYS_PER_MONTH, after, b)
        _add(w, idx, day, touchpoint)
    notice = w.day(w.launch + pd.DateOffset(months=3))
    got = np.flatnonzero((a <= notice) & (b > notice))
    _add(w, got, notice + rng.random(got.size), "price_change_notice")
    _purchases(w)
    _service_and_exit(w)


def _launch_months(w: _World, months: int) -> np.ndarray:
    """Day numbers of the first ``months + 1`` month starts from each customer's launch."""
    out = np.full((w.n, months + 1), np.inf)
    for region, date in _launch_dates(w).items():
        if date is None:
            continue
        days = [w.day(date + pd.DateOffset(months=k)) for k in range(months + 1)]
        out[w.c["region"] == region] = days
    return out


def _ramp(w: _World, k):
    """Share of the full purchase effect reached in month k after the launch (k = 0, 1, ...)."""
    ramp = max(int(w.effects["csr_purchase_ramp_months"]), 1)
    return np.minimum(1.0, (np.asarray(k) + 1) / ramp)


def _purchase_base_rate(w: _World) -> np.ndarray:
    c = w.c
    return (PURCHASE_RATE / DAYS_PER_MONTH * np.exp(0.3 * c["affinity"] - 0.045)
            * np.vectorize(SEGMENT_PURCHASE_FACTOR.get)(c["segment"]))


def _purchases(w: _World) -> None:
    rng, c, e = w.rng, w.c, w.effects
    a, b = c["obs_start"], c["obs_end"]
    base = _purchase_base_rate(w)
    ramp = max(int(e["csr_purchase_ramp_months"]), 1)
    bounds = _launch_months(w, ramp)
    # before the launch, then one piece per month of the ramp, then the full effect
    pieces = [(a, bounds[:, 0], 0.0)]
    pieces += [(bounds[:, k], bounds[:, k + 1], _ramp(w, k)) for k in range(ramp)]
    pieces += [(bounds[:, ramp], b, 1.0)]
    idx_parts, day_parts = [], []
    for t0, t1, share in pieces:
        rate = base * np.exp(e["csr_on_purchases"] * c["tau"] * share)
        i, d = _poisson(rng, rate, np.clip(t0, a, b), np.clip(t1, a, b))
        idx_parts.append(i)
        day_parts.append(d)
    idx, day = np.concatenate(idx_parts), np.concatenate(day_parts)
    # new customers open an account and buy on sign-up day
    new = np.flatnonzero(c["new"] & (c["signup"] < b))
    _add(w, new, c["signup"][new], "account_signup", "web")
    idx, day = np.concatenate([new, idx]), np.concatenate([c["signup"][new] + 0.01, day])
    channel = np.where(c["preferred_channel"][idx] == "phone", "web",
                       c["preferred_channel"][idx]).astype(object)
    basket = np.vectorize(SEGMENT_BASKET_EUR.get)(c["segment"][idx])
    value = np.round(basket * rng.lognormal(-0.18, 0.6, size=idx.size), 2)
    _add(w, idx, day, "purchase", channel, value)
    store = channel == "store"
    _add(w, idx[store], day[store] - 0.02, "store_visit")
    advice = store & (rng.random(idx.size) < 0.4)
    _add(w, idx[advice], day[advice] - 0.01, "sales_advice")
    online = ~store & (day + 2.5 < c["obs_end"][idx])
    _add(w, idx[online], day[online] + 1 + rng.random(online.sum()) * 3, "delivery")
    returned = rng.random(idx.size) < 0.05
    _add(w, idx[returned], day[returned] + 5 + rng.random(returned.sum()) * 10, "return_request")
    # (returns scheduled after churn are simply not observed)
    w.c["purchase_idx"], w.c["purchase_day"] = idx, day


def _service_and_exit(w: _World) -> None:
    rng, c = w.rng, w.c
    a, b = c["obs_start"], c["obs_end"]
    for touchpoint, per_month in (("support_call", 0.04), ("support_chat", 0.06),
                                  ("store_visit", 0.10)):
        idx, day = _poisson(rng, np.full(w.n, per_month / DAYS_PER_MONTH), a, b)
        _add(w, idx, day, touchpoint)
    failed = np.flatnonzero(np.isfinite(c["fail_day"]))
    _add(w, failed, c["fail_day"][failed], "service_failure")
    comp = failed[c["complained"][failed]]
    comp_day = c["fail_day"][comp] + rng.random(comp.size) * 2
    keep = comp_day < b[comp]
    comp, comp_day = comp[keep], comp_day[keep]
    _add(w, comp, comp_day, "complaint", np.where(rng.random(comp.size) < 0.6, "phone", "chat"))
    res = comp[c["resolved"][comp]]
    res_day = comp_day[c["resolved"][comp]] + 1 + rng.random(res.size) * 6
    keep = res_day < b[res]
    _add(w, res[keep], res_day[keep], "complaint_resolved")
    # loyalty programme: more likely for customers who like the brand
    joins = rng.random(w.n) < 1 / (1 + np.exp(-(-1.0 + 0.8 * c["affinity"])))
    join_day = a + rng.random(w.n) * np.maximum(b - a, 0)
    member = np.flatnonzero(joins & (b > a))
    _add(w, member, join_day[member], "loyalty_program_join", "app")
    idx, day = _poisson(rng, np.full(member.size, 0.15 / DAYS_PER_MONTH), join_day[member],
                        b[member])
    _add(w, member[idx], day, "reward_redeemed", "app")
    fans = 0.03 / DAYS_PER_MONTH * np.exp(c["affinity"])
    idx, day = _poisson(rng, fans, a, b)
    _add(w, idx, day, "brand_event")
    gone = np.flatnonzero(np.isfinite(c["churn_day"]))
    _add(w, gone, c["churn_day"][gone] - 1e-3, "cancellation")
