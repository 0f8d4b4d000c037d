"""A simulated CX study whose true effects are known.

The story, step by step (one function each, in the order they run):

1. **Customers** (:func:`_draw_customers`). Each customer belongs to a *segment* (budget,
   mainstream, premium, conscious), an age band, a *region* and has a preferred channel. Two
   traits are never observed by a real analyst and are kept in columns starting with
   ``latent_``: **affinity** for the brand (how much they liked it already) and
   **prosociality** (how much they care about social and environmental causes; higher in the
   *conscious* segment). Some were customers before the study window, others sign up during it.
   Half of them, at random, are put in the **e-mail campaign** (``email_arm``).
2. **The CSR policy** (:func:`_csr_rollout`). The firm launches a corporate social responsibility
   policy region by region: two regions at ``csr_launch``, one six months later, one a year
   later (after the study ends) and one never, so before/after comparisons have a comparison
   group. Within a launched region some customers become explicitly **aware** of it (they read
   the news or the report); awareness is self-selected: prosocial customers and customers who
   liked the brand already are more likely to notice.
3. **Moments of truth and churn** (:func:`_failures_and_churn`). A **service failure** strikes
   customers at random. Most complain; some complaints are resolved. An unresolved failure
   multiplies the churn hazard (a resolved one barely does) and lowers satisfaction. Churned
   customers leave and produce no more events (*survivorship*).
4. **Journey events** (:func:`_journey_events`). While active, customers produce events at
   every level of the touchpoint catalogue: *engagement* (one-way behaviour: browsing, opening
   and clicking e-mails, app use) at a rate that grows with affinity and with the e-mail
   campaign; *interactions* (purchases, store visits, support contacts, complaints, surveys,
   cancellation); *experience* (advertising, news, word of mouth, deliveries, service failures
   and, after the launch, CSR news and reports). After the launch, purchases rise with the
   customer's CSR effect.
5. **Surveys** (:func:`_surveys`). Two waves, one before the launch and one after. At each
   wave a random share of active customers is invited; whether they answer depends on how
   satisfied they are (*non-response*). Answers come from latent constructs:

   - the CX pyramid layers (Manning & Bodine): meets **needs**, **ease**, **enjoy**;
   - **perceived CSR**, lifted by the launch in the customer's region — strongly for prosocial
     customers, hardly for others (*heterogeneity*: each customer's effect follows a logistic
     curve in prosociality, so it is bounded and never negative);
   - **satisfaction** = pyramid layers + perceived CSR − service-failure damage;
   - **loyalty intention** = pyramid layers + satisfaction + perceived CSR + behavioural
     engagement (engagement-level events per month in the 90 days before the survey) +
     **affinity** (the confounder: it also drives engagement) + region + a market-wide trend;
   - engagement's cognitive, emotional and behavioural dimensions (*coinvolgimento*).

   Each construct is measured by Likert items (1–7) with known loadings; ``csat`` (1–7) and
   ``nps`` (0–10) are single items.
6. **Outcomes** (:func:`_outcomes`): churn, repurchases, referrals and a final NPS for everyone.

Every effect is a keyword argument of :func:`simulate_study` (see :data:`DEFAULT_EFFECTS`), so
an effect can be switched off (``csr_effect=0`` is a true null) and ``truth`` reports what was
used.
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
DEFAULT_EFFECTS = {
    # CSR policy (non-interaction factor)
    "csr_effect": 0.40,            # average effect of the launch on loyalty intention (points)
    "csr_prosocial_slope": 1.5,    # heterogeneity: effect ∝ logistic(slope × prosociality)
    "csr_on_purchases": 0.50,      # log purchase-rate change per point of loyalty effect
    "csr_purchase_ramp_months": 6, # the purchase effect builds up over this many months
    "aware_prosocial": 0.9,        # self-selection into awareness (logit per SD)
    "aware_affinity": 0.7,
    # engagement and the e-mail experiment
    "engagement_effect": 0.15,     # loyalty points per engagement event per month
    "email_effect": 0.30,          # relative rise of the engagement-event rate in the e-mail arm
    "engagement_rate": 2.5,        # engagement events per month at average affinity
    "affinity_on_engagement": 0.5, # log-rate per SD of affinity
    "affinity_on_loyalty": 0.5,    # loyalty points per SD of affinity (the confounder)
    # moments of truth: service failures and complaint handling
    "failure_rate": 0.03,          # service failures per customer-month
    "complaint_share": 0.70,       # share of failures followed by a complaint
    "resolution_share": 0.60,      # share of complaints resolved
    "failure_resolved_on_satisfaction": -0.20,    # satisfaction points
    "failure_unresolved_on_satisfaction": -1.00,
    # churn (monthly hazard, proportional hazards)
    "churn_rate": 0.012,
    "hr_failure_resolved": 1.10,
    "hr_failure_unresolved": 2.50,
    "hr_affinity": 0.67,           # hazard ratio per SD of affinity
    # survey
    "invite_share": 0.80,          # share of active customers invited at each wave
    "response_rate": 0.50,         # response rate at average satisfaction
    "nonresponse": 0.8,            # logit slope of responding per satisfaction point (0: at random)
    "loyalty_trend": -0.15,        # market-wide change in loyalty between the waves (points)
    # structural paths (survey constructs, in scale points)
    "needs_on_satisfaction": 0.35, "ease_on_satisfaction": 0.30, "enjoy_on_satisfaction": 0.15,
    "csr_perception_on_satisfaction": 0.30,
    "needs_on_loyalty": 0.20, "ease_on_loyalty": 0.10, "enjoy_on_loyalty": 0.15,
    "satisfaction_on_loyalty": 0.40, "csr_perception_on_loyalty": 0.30,
}

# Item centres and error SDs: each item = round(centre + construct + error), clipped to the scale.
ITEMS = {
    "needs": (5.0, (0.55, 0.65, 0.80)), "ease": (4.8, (0.60, 0.70, 0.75)),
    "enjoy": (4.3, (0.60, 0.70, 0.90)), "cog": (4.2, (0.60, 0.70, 0.80)),
    "emo": (4.4, (0.55, 0.65, 0.75)), "beh": (4.0, (0.60, 0.70, 0.85)),
    "csr": (3.8, (0.60, 0.65, 0.70, 0.85)), "loy": (4.2, (0.55, 0.65, 0.75)),
}
LATENT_OF = {"needs": "NEEDS", "ease": "EASE", "enjoy": "ENJOY", "cog": "COG", "emo": "EMO",
             "beh": "BEH", "csr": "PCSR", "loy": "LOY"}

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
class Study:
    """A simulated CX study: events, customers, survey and the true parameters.

    Attributes
    ----------
    events : DataFrame
        Journey events in the canonical schema (see :func:`cxkit.load_journeys`).
    customers : DataFrame
        One row per customer: observed traits, ``latent_*`` traits a real analysis cannot use,
        exposures (``email_arm``, ``csr_aware``) and outcomes.
    survey : DataFrame
        One row per respondent and wave (Likert items, ``csat``, ``nps``).
    truth : dict
        Every true parameter (see :func:`simulate_study`).
    """

    events: pd.DataFrame
    customers: pd.DataFrame
    survey: pd.DataFrame
    truth: dict = field(repr=False)

    def __repr__(self) -> str:
        return (f"Study({len(self.customers)} customers, {len(self.events)} events, "
                f"{len(self.survey)} survey responses in {self.survey['wave'].nunique()} waves)")

    def survey_panel(self) -> pd.DataFrame:
        """The survey with what an analyst would join to it, ready for effect estimates.

        Adds to each survey row the customer's observed traits (``segment``, ``age_band``,
        ``region``, ``preferred_channel``, ``email_arm``, ``csr_aware``), the scale scores
        ``loyalty`` (mean of ``loy_1..3``) and ``csr_perception`` (mean of ``csr_1..4``), and
        ``csr_in_force`` (1 when the CSR policy had been launched in the customer's region by the
        survey date). Latent traits are not joined.

        Examples
        --------
        >>> import cxkit
        >>> panel = cxkit.simulate_study(500, seed=1).survey_panel()
        >>> panel.groupby("wave")["csr_in_force"].max().tolist()
        [0, 1]
        """
        traits = ["customer_id", "segment", "age_band", "region", "preferred_channel",
                  "email_arm", "csr_aware"]
        panel = self.survey.merge(self.customers[traits], on="customer_id", how="left",
                                  validate="many_to_one")
        panel["loyalty"] = panel[["loy_1", "loy_2", "loy_3"]].mean(axis=1)
        panel["csr_perception"] = panel[[f"csr_{k}" for k in range(1, 5)]].mean(axis=1)
        launch = pd.to_datetime(panel["region"].map(self.truth["csr_launch_by_region"]))
        panel["csr_in_force"] = (launch <= panel["survey_date"]).astype(int)
        return panel


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


def simulate_study(n_customers: int = 5000, *, seed: int = 0, start="2024-01-01",
                   end="2025-12-31", csr_launch="2025-01-01", progress: bool | None = None,
                   **effects) -> Study:
    """Simulate one company's customers: journeys, survey and the truth behind them.

    Parameters
    ----------
    n_customers : int
        Number of customers.
    seed : int
        Seed of the random generator: the same seed gives identical tables.
    start, end : date-like
        The study window (events are recorded between them).
    csr_launch : date-like
        First launch of the CSR policy (two regions launch then, others later or never).
    progress : bool, optional
        Show a progress bar (tqdm); by default only for 50,000 customers or more.
    **effects
        Any key of :data:`DEFAULT_EFFECTS`, e.g. ``csr_effect=0`` for a true null.

    Returns
    -------
    Study
        ``events``, ``customers``, ``survey`` and ``truth``. ``truth`` holds:
        ``effect_csr_on_loyalty`` (average effect of the launch on loyalty intention, in
        points of the 1–7 loyalty items), ``effect_csr_by_segment`` (dict),
        ``effect_engagement_on_loyalty`` (points per engagement-level event per month in the
        90 days before the survey), ``effect_email_on_engagement`` (engagement-level events per
        customer over the window), ``effect_service_failure_on_satisfaction`` (csat points,
        averaged over complaint resolution; ``..._by_resolution`` splits it),
        ``pyramid_weights`` (total effects of needs, ease, enjoy on loyalty),
        ``structural_paths`` (every direct path), ``loadings`` (standardised loading of each
        item in the wave-1 population, rounding included), ``churn_hazard_ratios``,
        ``csr_launch_by_region`` (ISO date or None), ``survey_waves`` and ``effects`` (all
        parameters used).

    Examples
    --------
    >>> import cxkit
    >>> study = cxkit.simulate_study(500, seed=1)
    >>> study
    Study(500 customers, ... events, ... survey responses in 2 waves)
    >>> round(study.truth["effect_csr_on_loyalty"], 2)
    0.4
    >>> sorted(study.events["level"].unique())
    ['engagement', 'experience', 'interaction']
    """
    unknown = sorted(set(effects) - set(DEFAULT_EFFECTS))
    if unknown:
        raise TypeError(f"unknown effect(s) {unknown}; known: {', '.join(DEFAULT_EFFECTS)}")
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    world = _World(rng=np.random.default_rng(seed), effects={**DEFAULT_EFFECTS, **effects},
                   start=pd.Timestamp(start), end=pd.Timestamp(end),
                   launch=pd.Timestamp(csr_launch), n=int(n_customers))
    world.horizon = world.day(world.end) + 1  # the end date is the last day observed
    if not (0 < world.day(world.launch) - 92 and world.day(world.launch) + 287 < world.horizon):
        raise ValueError("csr_launch must leave at least 3 months before it and 9 months after "
                         "it inside the study window (the two survey waves)")
    steps = [_draw_customers, _csr_rollout, _failures_and_churn, _journey_events, _surveys,
             _outcomes]
    if progress is None:
        progress = n_customers >= 50_000
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="simulating", unit="step")
    results = {}
    for step in steps:
        results.update(step(world) or {})
    return Study(events=_event_table(world), customers=_customer_table(world),
                 survey=results["survey"], truth=_truth(world, results))


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


# ------------------------------------------------------------------------------------------
# 5. surveys
# ------------------------------------------------------------------------------------------
def _engagement_counts(w: _World, who: np.ndarray, until: np.ndarray, days: float = 90.0):
    """Engagement-level events of customers ``who`` in the ``days`` before ``until``."""
    from ..catalogue import catalogue

    cat = catalogue()
    engagement = set(cat.loc[cat["level"] == "engagement", "touchpoint"])
    idx = np.concatenate([ev[0] for ev in w.events])
    day = np.concatenate([ev[1] for ev in w.events])
    tp = np.concatenate([ev[2] for ev in w.events])
    keep = np.isin(tp, list(engagement))
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
                  + e["engagement_effect"] * (eng - 3.0) + e["affinity_on_loyalty"]
                  * c["affinity"][who] + np.vectorize(REGION_LOYALTY.get)(c["region"][who])
                  + trend + rng.normal(0, 0.45, n))
    out["COG"] = 0.5 * c["affinity"][who] + 0.05 * eng + rng.normal(0, 0.6, n)
    out["EMO"] = 0.6 * c["affinity"][who] + rng.normal(0, 0.55, n)
    out["BEH"] = 0.3 * c["affinity"][who] + 0.15 * eng + rng.normal(0, 0.5, n)
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
        rows = {"customer_id": _ids(eligible[pick]), "wave": wave,
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


def _event_table(w: _World) -> pd.DataFrame:
    from ..catalogue import catalogue

    cat = catalogue().set_index("touchpoint")
    idx = np.concatenate([ev[0] for ev in w.events])
    day = np.concatenate([ev[1] for ev in w.events])
    tp = np.concatenate([ev[2] for ev in w.events]).astype(str)
    ch = np.concatenate([ev[3] for ev in w.events])
    value = np.concatenate([ev[4] for ev in w.events])
    keep = (day >= np.maximum(w.c["obs_start"][idx], 0)) & (day < w.c["obs_end"][idx])
    idx, day, tp, ch, value = idx[keep], day[keep], tp[keep], ch[keep], value[keep]
    channel = np.where(pd.isna(ch), cat["channel"].reindex(tp).to_numpy(), ch).astype(str)
    seconds = np.floor(day * 86400).astype("int64")
    order = np.lexsort((tp, seconds, idx))
    events = pd.DataFrame({
        "customer_id": _ids(idx[order]),
        "timestamp": (w.start.tz_localize("UTC")
                      + pd.to_timedelta(seconds[order], unit="s")).astype("datetime64[ns, UTC]"),
        "touchpoint": tp[order], "channel": channel[order], "value": value[order]})
    for col in ("level", "stage", "direction"):
        events[col] = events["touchpoint"].map(cat[col])
    for col in ("controllable", "moment_of_truth"):
        events[col] = events["touchpoint"].map(cat[col]).astype("boolean")
    return events


def _customer_table(w: _World) -> pd.DataFrame:
    c = w.c

    def to_date(days):
        out = w.start + pd.to_timedelta(np.where(np.isfinite(days), days, np.nan), unit="D")
        return out.normalize()

    return pd.DataFrame({
        "customer_id": _ids(np.arange(w.n)),
        "segment": c["segment"], "age_band": c["age_band"], "region": c["region"],
        "preferred_channel": c["preferred_channel"], "signup_date": to_date(c["signup"]),
        "latent_affinity": c["affinity"].round(4), "latent_prosocial": c["prosocial"].round(4),
        "email_arm": c["email_arm"], "csr_aware": c["csr_aware"],
        "churned": np.isfinite(c["churn_day"]), "churn_date": to_date(c["churn_day"]),
        "n_repurchases": c["n_repurchases"], "referred": c["referred"], "nps": c["final_nps"],
    })


def _purchase_truth(w: _World) -> dict:
    """Expected extra purchases per customer-month k months after the launch.

    Averaged over the customers of launched regions who are active during the whole calendar
    month (the rows an event study of monthly purchases uses).
    """
    c, e = w.c, w.effects
    months = int(np.ceil(w.horizon / DAYS_PER_MONTH))
    bounds = _launch_months(w, months)
    base = _purchase_base_rate(w)
    out = {}
    for k in range(months):
        start, stop = bounds[:, k], bounds[:, k + 1]
        active = (c["obs_start"] <= start) & (c["obs_end"] >= stop) & (stop <= w.horizon)
        if active.sum() == 0:
            break
        with np.errstate(invalid="ignore"):  # never-launched regions: inf - inf
            extra = base * (stop - start) * (np.exp(e["csr_on_purchases"] * c["tau"]
                                                     * _ramp(w, k)) - 1)
        out[str(k)] = round(float(extra[active].mean()), 12)
    return out


def _truth(w: _World, results: dict) -> dict:
    e, c = w.effects, w.c
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
    # count of engagement events is the extra rate times each customer's active time
    active = np.maximum(c["obs_end"] - c["obs_start"], 0)
    email = float(np.mean(c["eng_rate"] * e["email_effect"] * active))
    population = results["population"]
    loadings = {}
    for prefix, (_, sds) in ITEMS.items():
        var = np.var(population[LATENT_OF[prefix]])
        for k, sd in enumerate(sds, start=1):
            loadings[f"{prefix}_{k}"] = float(np.sqrt(var / (var + sd ** 2 + 1 / 12)))
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
        "survey_waves": {str(k): (w.start + pd.Timedelta(days=v)).date().isoformat()
                         for k, v in results["wave_days"].items()},
        "effects": {k: float(v) for k, v in e.items()},
    }
