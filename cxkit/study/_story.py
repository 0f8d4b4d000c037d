"""Steps 1–4 of the simulator's story (see :mod:`cxkit.study.simulate`): who the customers
are and what they do.

1. customers (:func:`_draw_customers`); 2. the CSR policy (:func:`_csr_rollout`); 3. service
failures and churn (:func:`_failures_and_churn`); 4. journey events live in
:mod:`cxkit.study._sessions` (sessions, funnels, exposures), which also calls
:func:`_service_and_exit` from here. Each step draws from the world's one
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

#: channels of the data contract, in the order of the event table's channel codes
CHANNELS = ("email", "web", "app", "store", "phone", "chat", "social", "media")
#: who caused a purchase: the customer's own (organic) session, the sign-up purchase, the CSR
#: policy, or one of the exposures of :data:`cxkit.study._sessions.EXPOSURE_CAUSES`
CAUSE_BASE = ("baseline", "signup", "csr_policy")
# experience-level exposures: touchpoint → events per month while active
EXPOSURES = {"ad_impression": 0.25, "social_ad_impression": 0.15, "influencer_post_view": 0.08,
             "online_review_read": 0.08, "word_of_mouth_received": 0.06,
             "email_received": 0.20}
#: the paid advertising a randomised hold-out group never sees
AD_TOUCHPOINTS = ("ad_impression", "social_ad_impression")
#: months from the app launch to adoption (exponential mean) by age band; customers who prefer
#: the app adopt twice as fast
APP_ADOPTION_MONTHS = {"18-29": 3.0, "30-44": 6.0, "45-59": 12.0, "60+": 36.0}


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
    app_day: float = 0.0  # day of the app launch
    ux_day: float = 0.0  # day of the checkout redesign in the app
    price_day: float = 0.0  # day of the price rise
    id_offset: int = 0  # customer i is called C<i + 1 + id_offset> (chunked runs)
    c: dict = field(default_factory=dict)  # customer arrays, indexed 0..n-1
    # (customer index, day, touchpoint code, channel code or -1, value, cause code or -1)
    events: list = field(default_factory=list)

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
    beta = w.effects["affinity_on_engagement"]
    c["activity"] = np.exp(beta * c["affinity"] - beta ** 2 / 2)  # mean 1
    c["eng_rate"] = w.effects["engagement_rate"] / DAYS_PER_MONTH * c["activity"]
    # a randomised hold-out group sees none of the firm's paid ads
    c["ad_holdout"] = (rng.random(n) < w.effects["ad_holdout_share"]).astype(int)
    # app adoption after the launch: faster for the young and for those who prefer the app
    months = np.vectorize(APP_ADOPTION_MONTHS.get)(c["age_band"])
    months = np.where(c["preferred_channel"] == "app", months / 2, months)
    c["adopt_day"] = w.app_day + rng.exponential(months * DAYS_PER_MONTH)


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
# events: every event is stored as codes (touchpoint, channel, cause) for speed
# ------------------------------------------------------------------------------------------
_CODEBOOK = {}


def _codebook() -> dict:
    """Catalogue arrays and name → code lookups (read once)."""
    if not _CODEBOOK:
        from ..catalogue import catalogue

        cat = catalogue()
        names = cat["touchpoint"].to_numpy(dtype=object)
        _CODEBOOK.update(
            catalogue=cat, touchpoints=names,
            tp={t: k for k, t in enumerate(names)},
            channel={ch: k for k, ch in enumerate(CHANNELS)},
            default_channel=np.array([CHANNELS.index(ch) for ch in cat["channel"]]))
    return _CODEBOOK


def _tp(name: str) -> int:
    return _codebook()["tp"][name]


def _encode(values, lookup: dict, size: int) -> np.ndarray:
    if values is None:
        return np.full(size, -1, dtype=np.int16)
    if isinstance(values, str):
        return np.full(size, lookup[values], dtype=np.int16)
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return np.broadcast_to(values.astype(np.int16), (size,))
    return np.array([lookup[v] for v in values.tolist()], dtype=np.int16)


def _poisson(rng, rate, t0, t1):
    """Event times of independent Poisson processes, one per row: (row index, time)."""
    length = np.clip(np.asarray(t1, float) - np.asarray(t0, float), 0, None)
    length[~np.isfinite(length)] = 0
    counts = rng.poisson(np.asarray(rate) * length)
    idx = np.repeat(np.arange(len(length)), counts)
    return idx, np.asarray(t0, float)[idx] + rng.random(idx.size) * length[idx]


def _add(w: _World, idx, day, touchpoint, channel=None, value=None, cause=None):
    """Record events: ``touchpoint``/``channel`` as names or codes (channel None: catalogue)."""
    idx = np.asarray(idx)
    if idx.size == 0:
        return
    book = _codebook()
    val = np.broadcast_to(np.asarray(np.nan if value is None else value, dtype=float), idx.shape)
    w.events.append((idx, np.broadcast_to(np.asarray(day, float), idx.shape),
                     _encode(touchpoint, book["tp"], idx.size),
                     _encode(channel, book["channel"], idx.size), val,
                     _encode(cause, {}, idx.size)))


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


def _service_and_exit(w: _World) -> None:
    rng, c = w.rng, w.c
    a, b = c["obs_start"], c["obs_end"]
    for touchpoint, per_month in (("support_call", 0.04), ("support_chat", 0.06)):
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
    # the programme lives in the app once the customer has adopted it, on the web before
    app, web = CHANNELS.index("app"), CHANNELS.index("web")
    _add(w, member, join_day[member], "loyalty_program_join",
         np.where(join_day[member] >= c["adopt_day"][member], app, web))
    idx, day = _poisson(rng, np.full(member.size, 0.15 / DAYS_PER_MONTH), join_day[member],
                        b[member])
    _add(w, member[idx], day, "reward_redeemed",
         np.where(day >= c["adopt_day"][member[idx]], app, web))
    fans = 0.03 / DAYS_PER_MONTH * np.exp(c["affinity"])
    idx, day = _poisson(rng, fans, a, b)
    _add(w, idx, day, "brand_event")
    gone = np.flatnonzero(np.isfinite(c["churn_day"]))
    _add(w, gone, c["churn_day"][gone] - 1e-3, "cancellation")
