"""Steps 5–6 of the simulator's story (see :mod:`cxkit.study.simulate`) and what the study
hands over: the surveys (:func:`_surveys`), the outcomes (:func:`_outcomes`), the event and
customer tables and the truth (:func:`_truth`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._sessions import (
    EMAIL_CLICK_SHARE,
    TUTORIAL_SHARE,
    _session_truth,
    _step_probabilities,
    expected_pages,
)
from ._story import (
    CHANNELS,
    DAYS_PER_MONTH,
    REGION_LOYALTY,
    _add,
    _codebook,
    _csr_weights,
    _launch_dates,
    _World,
)
from ._value import _csr_by_event_month, _csr_spend_by_month, _csr_value_truth, _failure_value_truth

# Item centres and error SDs: each item = round(centre + construct + error), clipped to the scale.
ITEMS = {
    "needs": (5.0, (0.55, 0.65, 0.80)), "ease": (4.8, (0.60, 0.70, 0.75)),
    "enjoy": (4.3, (0.60, 0.70, 0.90)), "cog": (4.2, (0.60, 0.70, 0.80)),
    "emo": (4.4, (0.55, 0.65, 0.75)), "beh": (4.0, (0.60, 0.70, 0.85)),
    "csr": (3.8, (0.60, 0.65, 0.70, 0.85)), "loy": (4.2, (0.55, 0.65, 0.75)),
}
LATENT_OF = {"needs": "NEEDS", "ease": "EASE", "enjoy": "ENJOY", "cog": "COG", "emo": "EMO",
             "beh": "BEH", "csr": "PCSR", "loy": "LOY"}


# ------------------------------------------------------------------------------------------
# 5. surveys
# ------------------------------------------------------------------------------------------
def _engagement_counts(w: _World, who: np.ndarray, until: np.ndarray, days: float = 90.0):
    """Engagement-level events of customers ``who`` in the ``days`` before ``until``."""
    book = _codebook()
    engagement = np.flatnonzero((book["catalogue"]["level"] == "engagement").to_numpy())
    idx = np.concatenate([ev[0] for ev in w.events])
    day = np.concatenate([ev[1] for ev in w.events])
    tp = np.concatenate([ev[2] for ev in w.events])
    keep = np.isin(tp, engagement)
    key = np.sort(idx[keep] * 1e5 + day[keep])
    hi = np.searchsorted(key, who * 1e5 + until)
    lo = np.searchsorted(key, who * 1e5 + until - days)
    return hi - lo


def _constructs(w: _World, who, when, rng) -> dict:
    """Latent constructs (scale points, centred) of customers ``who`` at days ``when``."""
    c, e = w.c, w.effects
    n = who.size
    out = {k: c[k + "0"][who] + rng.normal(0, 0.30, n) for k in ("NEEDS", "EASE", "ENJOY")}
    launched = c["launch_day"][who] <= when
    gamma = c["tau"][who] / (e["csr_perception_on_loyalty"]
                             + e["csr_perception_on_satisfaction"] * e["satisfaction_on_loyalty"])
    gamma = np.nan_to_num(gamma)  # both paths switched off: no effect to transmit
    out["PCSR"] = 0.3 * c["prosocial"][who] + launched * gamma + rng.normal(0, 0.6, n)
    failed = c["fail_day"][who] < when
    damage = np.where(c["resolved"][who], e["failure_resolved_on_satisfaction"],
                      e["failure_unresolved_on_satisfaction"])
    out["SAT"] = (e["needs_on_satisfaction"] * out["NEEDS"] + e["ease_on_satisfaction"]
                  * out["EASE"] + e["enjoy_on_satisfaction"] * out["ENJOY"]
                  + e["csr_perception_on_satisfaction"] * out["PCSR"] + failed * damage
                  + rng.normal(0, 0.5, n))
    eng = _engagement_counts(w, who, when) / 3.0
    out["engagement_per_month"] = eng
    trend = e["loyalty_trend"] * (when > w.day(w.launch))
    out["LOY"] = (e["needs_on_loyalty"] * out["NEEDS"] + e["ease_on_loyalty"] * out["EASE"]
                  + e["enjoy_on_loyalty"] * out["ENJOY"] + e["satisfaction_on_loyalty"]
                  * out["SAT"] + e["csr_perception_on_loyalty"] * out["PCSR"]
                  + e["engagement_effect"] * (eng - e["engagement_rate"]) + e["affinity_on_loyalty"]
                  * c["affinity"][who] + np.vectorize(REGION_LOYALTY.get)(c["region"][who])
                  + trend + rng.normal(0, 0.45, n))
    centred = eng - e["engagement_rate"]  # engagement events per month about their mean
    out["COG"] = 0.5 * c["affinity"][who] + 0.02 * centred + rng.normal(0, 0.6, n)
    out["EMO"] = 0.6 * c["affinity"][who] + rng.normal(0, 0.55, n)
    out["BEH"] = 0.3 * c["affinity"][who] + 0.05 * centred + rng.normal(0, 0.5, n)
    return out


def _likert(rng, centre, latent, sd, low=1, high=7):
    return np.clip(np.rint(centre + latent + rng.normal(0, sd, latent.size)), low, high)


def _surveys(w: _World) -> dict:
    rng, c, e = w.rng, w.c, w.effects
    waves = {1: w.day(w.launch) - 92, 2: w.day(w.launch) + 273}
    frames, population = [], {}
    for wave, day in waves.items():
        eligible = np.flatnonzero((c["signup"] <= day - 90) & (c["obs_end"] > day + 14))
        when = day + rng.random(eligible.size) * 14
        lat = _constructs(w, eligible, when, rng)
        if wave == 1:
            population = lat
        invited = rng.random(eligible.size) < e["invite_share"]
        logit = (np.log(e["response_rate"] / (1 - e["response_rate"]))
                 + e["nonresponse"] * (lat["SAT"] - lat["SAT"].mean()))
        answered = invited & (rng.random(eligible.size) < 1 / (1 + np.exp(-logit)))
        pick = np.flatnonzero(answered)
        rows = {"customer_id": _ids(eligible[pick] + w.id_offset), "wave": wave,
                "survey_date": (w.start + pd.to_timedelta(when[pick], unit="D")).normalize()}
        for prefix, (centre, sds) in ITEMS.items():
            latent = lat[LATENT_OF[prefix]][pick]
            for k, sd in enumerate(sds, start=1):
                rows[f"{prefix}_{k}"] = _likert(rng, centre, latent, sd)
        rows["csat"] = _likert(rng, 4.9, lat["SAT"][pick], 0.7)
        rows["nps"] = _likert(rng, 7.0, 1.6 * lat["LOY"][pick], 1.2, 0, 10)
        frames.append(pd.DataFrame(rows))
        _add(w, eligible[pick], when[pick] + 0.5, "survey_response")
    survey = pd.concat(frames, ignore_index=True)
    for col in survey.columns[3:]:
        survey[col] = survey[col].astype("int64")
    return {"survey": survey, "wave_days": waves, "population": population}


# ------------------------------------------------------------------------------------------
# 6. outcomes
# ------------------------------------------------------------------------------------------
def _outcomes(w: _World) -> None:
    rng, c = w.rng, w.c
    everyone = np.arange(w.n)
    when = np.maximum(c["obs_end"] - 1e-3, c["obs_start"])
    lat = _constructs(w, everyone, when, rng)
    c["final_nps"] = _likert(rng, 7.0, 1.6 * lat["LOY"], 1.2, 0, 10).astype(int)
    c["referred"] = rng.random(w.n) < 1 / (1 + np.exp(-(-2.2 + 0.8 * lat["LOY"])))
    idx, day = c["purchase_idx"], c["purchase_day"]
    first = np.full(w.n, np.inf)
    np.minimum.at(first, idx, day)
    repeat = np.where(c["new"][idx], day > first[idx], True)
    c["n_repurchases"] = np.bincount(idx[repeat], minlength=w.n)


# ------------------------------------------------------------------------------------------
# tables and truth
# ------------------------------------------------------------------------------------------
def _ids(idx) -> np.ndarray:
    return np.char.add("C", np.char.zfill(np.asarray(idx + 1).astype(str), 5))


def _strings(names, codes):
    """A pandas ``str`` column of ``names[codes]`` (codes < 0: missing), built by Arrow."""
    import pyarrow as pa

    codes = np.asarray(codes)
    column = pa.array(np.asarray(names, dtype=object)).take(pa.array(codes, mask=codes < 0))
    return pd.Series(column, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _event_table(w: _World) -> pd.DataFrame:
    from ._sessions import CAUSES

    book = _codebook()
    cat = book["catalogue"]
    idx = np.concatenate([ev[0] for ev in w.events])
    day = np.concatenate([ev[1] for ev in w.events])
    tp = np.concatenate([ev[2] for ev in w.events])
    ch = np.concatenate([ev[3] for ev in w.events])
    value = np.concatenate([ev[4] for ev in w.events])
    cause = np.concatenate([ev[5] for ev in w.events])
    keep = (day >= np.maximum(w.c["obs_start"][idx], 0)) & (day < w.c["obs_end"][idx])
    idx, day, tp, ch, value, cause = (x[keep] for x in (idx, day, tp, ch, value, cause))
    channel = np.where(ch < 0, book["default_channel"][tp], ch)
    seconds = np.floor(day * 86400 + 1e-6).astype("int64")
    # ties within a second keep the order the story produced them in (a session's steps)
    order = np.lexsort((np.arange(idx.size), seconds, idx))
    idx, tp = idx[order], tp[order]
    events = pd.DataFrame({
        "customer_id": _strings(_ids(np.arange(w.n) + w.id_offset), idx),
        "timestamp": (w.start.tz_localize("UTC")
                      + pd.to_timedelta(seconds[order], unit="s")).astype("datetime64[ns, UTC]"),
        "touchpoint": _strings(book["touchpoints"], tp),
        "channel": _strings(CHANNELS, channel[order]), "value": value[order]})
    for col in ("level", "stage", "direction"):
        events[col] = _strings(cat[col].to_numpy(dtype=object), tp)
    for col in ("controllable", "moment_of_truth"):
        events[col] = pd.array(cat[col].to_numpy(dtype=bool)[tp], dtype="boolean")
    events["latent_cause"] = _strings(CAUSES, cause[order])
    return events


def _customer_table(w: _World) -> pd.DataFrame:
    c = w.c

    def to_date(days):
        out = w.start + pd.to_timedelta(np.where(np.isfinite(days), days, np.nan), unit="D")
        return out.normalize()

    return pd.DataFrame({
        "customer_id": _ids(np.arange(w.n) + w.id_offset),
        "segment": c["segment"], "age_band": c["age_band"], "region": c["region"],
        "preferred_channel": c["preferred_channel"], "signup_date": to_date(c["signup"]),
        "latent_affinity": c["affinity"].round(4), "latent_prosocial": c["prosocial"].round(4),
        "email_arm": c["email_arm"], "ad_holdout": c["ad_holdout"], "csr_aware": c["csr_aware"],
        "churned": np.isfinite(c["churn_day"]), "churn_date": to_date(c["churn_day"]),
        "n_repurchases": c["n_repurchases"], "referred": c["referred"], "nps": c["final_nps"],
    })


def _purchase_truth(w: _World) -> dict:
    """Expected extra purchases per customer-month k months after the launch.

    The CSR policy acts at the last funnel step as one cause of a noisy-OR; its expected extra
    purchases in a session that reached that step are P(purchase) − P(purchase without the
    policy). Summed by customer and month since the launch in their region and averaged over the
    customers of launched regions who are active during the whole calendar month (the rows an
    event study of monthly purchases uses); given the sessions and the steps they reached.
    """
    return _csr_by_event_month(w, int(np.ceil(w.horizon / DAYS_PER_MONTH)))


def _email_truth(w: _World) -> float:
    """Expected extra engagement-level events per customer from the campaign's extra e-mails.

    Each e-mail is opened (``email_open``), clicked (``email_click``) and leads to a web session
    (visit, product pages, tutorial, cart, checkout) with the story's probabilities, which change
    only at the price rise; the arm receives two extra e-mails for every one of the control arm.
    """
    from ._story import EXPOSURES

    c = w.c
    everyone = np.arange(w.n)
    web = np.zeros(w.n, dtype=np.int64)
    a, b = c["obs_start"], c["obs_end"]
    extra_rate = 2 * EXPOSURES["email_received"] / DAYS_PER_MONTH
    total = np.zeros(w.n)
    for lo, hi, t in ((a, np.minimum(b, w.price_day), w.price_day - 1),
                      (np.maximum(a, w.price_day), b, w.price_day)):
        p_cart, p_checkout, _ = _step_probabilities(w, everyone, np.full(w.n, t), web)
        session = 1 + expected_pages() + TUTORIAL_SHARE + p_cart * (1 + p_checkout)
        per_email = c["email_open"] * (1 + EMAIL_CLICK_SHARE * (1 + session))
        total += per_email * extra_rate * np.clip(hi - lo, 0, None)
    return float(total.mean())


def _item_loadings(latent, centre, sds, low=1, high=7) -> np.ndarray:
    """Standardised loadings of a one-factor model of the population's item correlations.

    Each item is ``clip(round(centre + latent + N(0, sd)), low, high)``: given the latent its
    mean and variance are exact sums over the scale points (normal CDFs), so the items'
    covariances in the population follow exactly (rounding and the scale's limits included).
    With three items a one-factor model is just identified, λ_i = sqrt(r_ij r_ik / r_jk); with
    more each item's value is averaged over the triads it belongs to.
    """
    from scipy.special import ndtr

    points = np.arange(low, high + 1, dtype=float)
    upper = np.r_[points[:-1] + 0.5, np.inf]
    lower = np.r_[-np.inf, points[1:] - 0.5]
    z = centre + np.asarray(latent, float)[:, None]
    means, within = [], []
    for sd in sds:
        p = ndtr((upper - z) / sd) - ndtr((lower - z) / sd)
        mean = p @ points
        means.append(mean)
        within.append(np.mean(p @ points ** 2 - mean ** 2))
    cov = np.cov(np.array(means), bias=True) + np.diag(within)
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    k = len(sds)
    out = []
    for i in range(k):
        others = [j for j in range(k) if j != i]
        out.append(np.mean([np.sqrt(corr[i, j] * corr[i, m] / corr[j, m])
                            for a, j in enumerate(others) for m in others[a + 1:]]))
    return np.array(out)


def _truth(w: _World, results: dict) -> dict:
    e = w.effects
    _, relative = _csr_weights(w)
    by_segment = {s: e["csr_effect"] * r for s, r in relative.items()}
    resolved_share = e["complaint_share"] * e["resolution_share"]
    failure = (resolved_share * e["failure_resolved_on_satisfaction"]
               + (1 - resolved_share) * e["failure_unresolved_on_satisfaction"])
    layers = ("needs", "ease", "enjoy")
    pyramid = {k: e[f"{k}_on_loyalty"] + e["satisfaction_on_loyalty"] * e[f"{k}_on_satisfaction"]
               for k in layers}
    paths = {f"{src}->{dst}": e[f"{src}_on_{dst}"] for dst in ("satisfaction", "loyalty")
             for src in layers}
    paths.update({"csr_perception->satisfaction": e["csr_perception_on_satisfaction"],
                  "csr_perception->loyalty": e["csr_perception_on_loyalty"],
                  "satisfaction->loyalty": e["satisfaction_on_loyalty"],
                  "engagement->loyalty": e["engagement_effect"]})
    # the e-mail arm does not change how long customers stay, so its expected effect on the
    # count of engagement events is the extra e-mails' events times each customer's active time
    email = _email_truth(w)
    population = results["population"]
    loadings = {}
    for prefix, (centre, sds) in ITEMS.items():
        values = _item_loadings(population[LATENT_OF[prefix]], centre, sds)
        loadings.update({f"{prefix}_{k}": float(v) for k, v in enumerate(values, start=1)})
    launches = {r: (None if d is None else d.date().isoformat())
                for r, d in _launch_dates(w).items()}
    purchases = _purchase_truth(w)
    return {
        "effect_csr_on_loyalty": float(e["csr_effect"]),
        "effect_csr_by_segment": {k: float(v) for k, v in by_segment.items()},
        "effect_engagement_on_loyalty": float(e["engagement_effect"]),
        "effect_email_on_engagement": email,
        "effect_service_failure_on_satisfaction": float(failure),
        "effect_service_failure_on_satisfaction_by_resolution": {
            "resolved": float(e["failure_resolved_on_satisfaction"]),
            "unresolved": float(e["failure_unresolved_on_satisfaction"])},
        "pyramid_weights": {k: round(float(v), 12) for k, v in pyramid.items()},
        "structural_paths": {k: float(v) for k, v in paths.items()},
        "loadings": loadings,
        "churn_hazard_ratios": {"service_failure_resolved": float(e["hr_failure_resolved"]),
                                "service_failure_unresolved": float(e["hr_failure_unresolved"]),
                                "latent_affinity_per_sd": float(e["hr_affinity"])},
        "csr_launch_by_region": launches,
        "effect_csr_on_purchases_by_event_month": purchases,
        # customer value (see cxkit.study._value for the derivations)
        "effect_csr_on_spend_by_event_month": _csr_spend_by_month(w, len(purchases)),
        "effect_csr_on_value": _csr_value_truth(w),
        "effect_service_failure_on_value": _failure_value_truth(w),
        "survey_waves": {str(k): (w.start + pd.Timedelta(days=v)).date().isoformat()
                         for k, v in results["wave_days"].items()},
        "effects": {k: float(v) for k, v in e.items()},
        **_session_truth(w),
    }
