"""A simulated CX study whose true effects are known.

The story, step by step (one function each, in the order they run):

1. **Customers** (:func:`_story._draw_customers`). Each customer belongs to a *segment* (budget,
   mainstream, premium, conscious), an age band, a *region* and has a preferred channel. Two traits
   are never observed by a real analyst and are kept in columns starting with ``latent_``:
   **affinity** for the brand (how much they liked it already) and **prosociality** (how much they
   care about social and environmental causes; higher in the *conscious* segment). Some were
   customers before the study window, others sign up during it. Half of them, at random, are put in
   the **e-mail campaign** (``email_arm``).
2. **The CSR policy** (:func:`_story._csr_rollout`). The firm launches a corporate social
   responsibility policy region by region: two regions at ``csr_launch``, one six months later, one
   a year later (after the study ends) and one never, so before/after comparisons have a comparison
   group. Within a launched region some customers become explicitly **aware** of it (they read the
   news or the report); awareness is self-selected: prosocial customers and customers who liked the
   brand already are more likely to notice.
3. **Moments of truth and churn** (:func:`_story._failures_and_churn`). A **service failure**
   strikes customers at random. Most complain; some complaints are resolved. An unresolved failure
   multiplies the churn hazard (a resolved one barely does) and lowers satisfaction. Churned
   customers leave and produce no more events (*survivorship*).
4. **Journey events** (:func:`_sessions._journey_events`). While active, customers are exposed to
   advertising, social posts, reviews, word of mouth, marketing e-mails and, after the launch, CSR
   news; they visit in **sessions** (web, app, store) that their own interest or an exposure
   starts, and a browsing session walks the **funnel** ``product_page_view`` → ``cart_add`` →
   ``checkout_start`` → ``purchase``, each step conditional on the previous one. The steps get
   easier with the customer's latent *ease*, harder after a **price rise**, and the app's
   **checkout redesign** (``ux_change``) eases the step from cart to checkout in the app only.
   Channels shift towards digital over time and to the **app** after its launch
   (``app_launch``), adopted faster by the young. At the last step the session's cause, every
   exposure of the past week and the CSR policy act as independent causes (a noisy-OR); the
   cause credited with each purchase is kept in the events' ``latent_cause`` column and
   summed in ``truth["attribution"]``. A random tenth of customers (``ad_holdout``) sees no
   paid ads. The distributions are documented in :mod:`cxkit.study._sessions`. Customers also
   call or chat with customer care, complain, join the loyalty programme and cancel.
5. **Surveys** (:func:`_measure._surveys`). Two waves, one before the launch and one after. At
   each wave a random share of active customers is invited; whether they answer depends on how
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
6. **Outcomes** (:func:`_measure._outcomes`): churn, repurchases, referrals and a final NPS for
   everyone.

The steps live in private modules beside this one, in the order above: steps 1–3 in
:mod:`cxkit.study._story`, step 4 in :mod:`cxkit.study._sessions`, steps 5–6, the tables and the
truth in :mod:`cxkit.study._measure`.
Each step draws from one random generator in turn, so the same seed gives the same study.

Every effect is a keyword argument of :func:`simulate_study` (see :data:`DEFAULT_EFFECTS`), so
an effect can be switched off (``csr_effect=0`` is a true null) and ``truth`` reports what was
used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._measure import (
    ITEMS,
    LATENT_OF,
    _customer_table,
    _event_table,
    _outcomes,
    _surveys,
    _truth,
)
from ._sessions import (
    CAUSES,
    EXPOSURE_CAUSES,
    FUNNEL_LOGIT,
    GAP_WEIBULL,
    PAGES,
    SESSION_CHANNEL_WEIGHTS,
    WINDOW_DAYS,
    _journey_events,
)
from ._story import (
    AD_TOUCHPOINTS,
    AGE_BANDS,
    AGE_SHARES,
    APP_ADOPTION_MONTHS,
    CHANNEL_BY_AGE,
    CHANNELS_PREFERRED,
    DAYS_PER_MONTH,
    EXPOSURES,
    REGION_LAUNCH_OFFSET_MONTHS,
    REGION_LOYALTY,
    REGION_SHARES,
    REGIONS,
    SEGMENT_BASKET_EUR,
    SEGMENT_PROSOCIAL_MEAN,
    SEGMENT_PURCHASE_FACTOR,
    SEGMENT_SHARES,
    SEGMENTS,
    _csr_rollout,
    _draw_customers,
    _failures_and_churn,
    _World,
)

__all__ = [
    # the simulator
    "Study", "simulate_study", "DEFAULT_EFFECTS",
    # the fixed parameters of the story (defined beside the steps that use them)
    "AD_TOUCHPOINTS", "AGE_BANDS", "AGE_SHARES", "APP_ADOPTION_MONTHS", "CAUSES",
    "CHANNEL_BY_AGE", "CHANNELS_PREFERRED", "DAYS_PER_MONTH", "EXPOSURES", "EXPOSURE_CAUSES",
    "FUNNEL_LOGIT", "GAP_WEIBULL", "ITEMS", "LATENT_OF", "PAGES", "SESSION_CHANNEL_WEIGHTS",
    "WINDOW_DAYS", "REGION_LAUNCH_OFFSET_MONTHS", "REGION_LOYALTY", "REGION_SHARES", "REGIONS",
    "SEGMENT_BASKET_EUR", "SEGMENT_PROSOCIAL_MEAN", "SEGMENT_PURCHASE_FACTOR", "SEGMENT_SHARES",
    "SEGMENTS",
]

DEFAULT_EFFECTS = {
    # CSR policy (non-interaction factor)
    "csr_effect": 0.40,            # average effect of the launch on loyalty intention (points)
    "csr_prosocial_slope": 1.5,    # heterogeneity: effect ∝ logistic(slope × prosociality)
    "csr_on_purchases": 0.50,      # CSR as a cause of purchase at the last funnel step:
                                   # P(fires) = 1 - exp(-csr_on_purchases × loyalty effect × ramp)
    "csr_purchase_ramp_months": 6, # the purchase effect builds up over this many months
    "aware_prosocial": 0.9,        # self-selection into awareness (logit per SD)
    "aware_affinity": 0.7,
    # engagement and the e-mail experiment
    "engagement_effect": 0.05,     # loyalty points per engagement event per month
    "email_effect": 0.30,          # how engaging e-mails are: P(open) = 0.8 × email_effect at
                                   # average affinity; the arm gets 3× the e-mails
    "engagement_rate": 8.0,        # engagement events per month of organic sessions at average
                                   # affinity (sessions arrive at a quarter of this rate)
    "affinity_on_engagement": 0.5, # log-rate per SD of affinity
    "affinity_on_loyalty": 0.5,    # loyalty points per SD of affinity (the confounder)
    # sessions, funnels and friction (logits of the funnel steps)
    "ease_on_funnel": 0.60,        # per scale point of latent ease, every step
    "price_effect": -0.40,         # adding to the cart after the price rise
    "ux_effect": 0.80,             # cart → checkout in the app after the checkout redesign
    "digital_trend": 0.25,         # log-odds of web and app against the store, per year
    # exposures as causes (multipliers of EXPOSURE_CAUSES' probabilities) and the ad hold-out
    "exposure_effect": 1.0,        # all exposures except e-mails and paid ads
    "ad_effect": 1.0,              # paid ads (ad_impression, social_ad_impression)
    "ad_holdout_share": 0.10,      # randomised share of customers who see no paid ads
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



@dataclass
class Study:
    """A simulated CX study: events, customers, survey and the true parameters.

    Attributes
    ----------
    events : DataFrame or Path
        Journey events in the canonical schema (see :func:`cxkit.load_journeys`); for a run
        with ``to=`` (see :func:`simulate_study`), the path of the Parquet file holding them.
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
        events = (f"events in {self.events.name}" if not isinstance(self.events, pd.DataFrame)
                  else f"{len(self.events)} events")
        return (f"Study({len(self.customers)} customers, {events}, "
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


def simulate_study(n_customers: int = 5000, *, seed: int = 0, start="2024-01-01",
                   end="2025-12-31", csr_launch="2025-01-01", app_launch="2024-07-01",
                   ux_change="2025-03-01", progress: bool | None = None, to=None,
                   chunk_size: int = 10_000, **effects) -> Study:
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
        First launch of the CSR policy (two regions launch then, others later or never). Prices
        rise three months later (``price_change_notice``).
    app_launch : date-like
        Launch of the app: no app sessions before it; customers adopt it afterwards, the young
        first (:data:`APP_ADOPTION_MONTHS`).
    ux_change : date-like
        The app's checkout redesign: from then on the step from ``cart_add`` to
        ``checkout_start`` is easier in the app (``ux_effect``), nowhere else.
    progress : bool, optional
        Show a progress bar (tqdm); by default only for 50,000 customers or more.
    to : path, optional
        Stream the events to this Parquet file instead of keeping them in memory (for millions
        of customers: 1,000,000 customers make about 180 million events). Customers are
        simulated in chunks of ``chunk_size``, each with its own random generator spawned from
        ``seed`` (``numpy.random.SeedSequence(seed).spawn``), and each chunk's events are
        appended to the file (same schema, sorted by customer then time; customer ids run on
        across chunks). The customers and the survey are kept in memory and also written
        beside it (``<stem>.customers.parquet``, ``<stem>.survey.parquet``).

        A chunked run is a **different random draw** from the in-memory run with the same seed
        (same distributions, different numbers), and it is deterministic by ``seed`` and
        ``chunk_size`` together. Chunks are independent studies of ``chunk_size`` customers:
        the survey's non-response centres satisfaction on its chunk's mean.
        In ``truth``, ``attribution``'s counts and incremental conversions
        (``conversions``, ``exposure_conversions``, ``by_cause``, ``by_touchpoint``,
        ``by_channel``, ``ad_holdout``) are **summed over the chunks**; the other
        sample-dependent keys (``funnel_step_rates``, ``channel_shares_by_month``,
        ``effect_app_launch_on_digital_share``, ``effect_ux_on_checkout``,
        ``effect_email_on_engagement``, ``loadings``, ``effect_csr_on_purchases_by_event_month``,
        ``effect_csr_on_spend_by_event_month``, ``effect_csr_on_value``,
        ``effect_service_failure_on_value``)
        are those of the **first chunk** (expected values over its customers, so within one
        chunk's sampling error of the population's); the parameters are the same in every
        chunk. ``truth["chunks"]`` lists the chunk sizes, the events written per chunk and the
        three paths.
    chunk_size : int
        Customers per chunk when ``to`` is given (ignored otherwise). Memory grows with it:
        a chunk's events (about 180 per customer) are built in memory before they are
        written; ``benchmarks/simulate.py`` measured a peak of 0.8 GB for 100,000 customers in
        chunks of 10,000 and 1.3 GB in chunks of 20,000, at the same speed, and for 1,000,000
        customers 1.1 GB (chunks of 10,000) and 1.6 GB (20,000), about 3 minutes on 2 cores.
    **effects
        Any key of :data:`DEFAULT_EFFECTS`, e.g. ``csr_effect=0`` for a true null.

    Returns
    -------
    Study
        ``events`` (a DataFrame, or the path ``to``), ``customers``, ``survey`` and ``truth``.
        ``truth`` holds:
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
        parameters used). Customer value (derivations in :mod:`cxkit.study._value`):
        ``effect_csr_on_purchases_by_event_month`` and ``effect_csr_on_spend_by_event_month``
        (extra purchases and € per active customer-month, by months since the launch),
        ``effect_csr_on_value`` (extra purchases, spend and value per customer active at the
        launch over the 12 months after it, discounted at 10 % a year) and
        ``effect_service_failure_on_value`` (the same over the 12 months after a service
        failure, unresolved or resolved against none and against each other; a failure acts
        through churn only, so purchases per active month do not change).

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

    Streamed to Parquet in chunks:

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> big = cxkit.simulate_study(300, seed=1, to=folder / "events.parquet", chunk_size=100)
    >>> big
    Study(300 customers, events in events.parquet, ... survey responses in 2 waves)
    >>> big.truth["chunks"]["customers"]
    [100, 100, 100]
    >>> sum(big.truth["chunks"]["events"]) == len(cxkit.load_journeys(big.events))
    True
    """
    unknown = sorted(set(effects) - set(DEFAULT_EFFECTS))
    if unknown:
        raise TypeError(f"unknown effect(s) {unknown}; known: {', '.join(DEFAULT_EFFECTS)}")
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    dates = {"start": start, "end": end, "csr_launch": csr_launch, "app_launch": app_launch,
             "ux_change": ux_change}
    effects = {**DEFAULT_EFFECTS, **effects}
    if progress is None:
        progress = n_customers >= 50_000
    if to is not None:
        return _simulate_chunks(int(n_customers), seed, dates, effects, to=to,
                                chunk_size=chunk_size, progress=progress)
    world = _world(int(n_customers), np.random.default_rng(seed), dates, effects)
    steps = [_draw_customers, _csr_rollout, _failures_and_churn, _journey_events, _surveys,
             _outcomes]
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="simulating", unit="step")
    results = {}
    for step in steps:
        results.update(step(world) or {})
    return Study(events=_event_table(world), customers=_customer_table(world),
                 survey=results["survey"], truth=_truth(world, results))


def _world(n: int, rng, dates: dict, effects: dict, id_offset: int = 0) -> _World:
    """The simulator's state before the first step, with the dates checked."""
    start, end = dates["start"], dates["end"]
    world = _World(rng=rng, effects=effects, start=pd.Timestamp(start), end=pd.Timestamp(end),
                   launch=pd.Timestamp(dates["csr_launch"]), n=n, id_offset=id_offset)
    world.horizon = world.day(world.end) + 1  # the end date is the last day observed
    world.app_day, world.ux_day = world.day(dates["app_launch"]), world.day(dates["ux_change"])
    world.price_day = world.day(world.launch + pd.DateOffset(months=3))
    for name, day in (("app_launch", world.app_day), ("ux_change", world.ux_day)):
        if not 0 <= day < world.horizon:
            raise ValueError(f"{name} must lie inside the study window ({start} to {end})")
    if not (0 < world.day(world.launch) - 92 and world.day(world.launch) + 287 < world.horizon):
        raise ValueError("csr_launch must leave at least 3 months before it and 9 months after "
                         "it inside the study window (the two survey waves)")
    return world


# ------------------------------------------------------------------------------------------
# chunked runs: events streamed to Parquet (simulate_study(..., to=...))
# ------------------------------------------------------------------------------------------
def _beside(path, what: str):
    """``events.parquet`` → ``events.<what>.parquet`` in the same folder."""
    return path.with_name(f"{path.stem}.{what}{path.suffix}")


def _simulate_chunks(n: int, seed: int, dates: dict, effects: dict, *, to, chunk_size,
                     progress: bool) -> Study:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .. import _check

    path = _check.parquet_target(to)
    chunk_size = _check.count(chunk_size, "chunk_size", minimum=1)
    _world(1, np.random.default_rng(0), dates, effects)  # check the dates before writing
    sizes = [min(chunk_size, n - lo) for lo in range(0, n, chunk_size)]
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    chunks = zip(np.cumsum([0, *sizes[:-1]]), sizes, seeds, strict=True)
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, total=len(sizes), desc="simulating", unit="chunk")
    customers, surveys, truths, rows, writer, schema = [], [], [], [], None, None
    try:
        for offset, size, child in chunks:
            world = _world(int(size), np.random.default_rng(child), dates, effects,
                           id_offset=int(offset))
            results = {}
            for step in (_draw_customers, _csr_rollout, _failures_and_churn, _journey_events,
                         _surveys, _outcomes):
                results.update(step(world) or {})
            table = pa.Table.from_pandas(_event_table(world), schema=schema,
                                         preserve_index=False)
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table)
            rows.append(table.num_rows)
            del table
            customers.append(_customer_table(world))
            surveys.append(results["survey"])
            truths.append(_truth(world, results))
            del world, results
    finally:
        if writer is not None:
            writer.close()
    customers = pd.concat(customers, ignore_index=True)
    survey = pd.concat(surveys, ignore_index=True)
    customers.to_parquet(_beside(path, "customers"), index=False)
    survey.to_parquet(_beside(path, "survey"), index=False)
    truth = truths[0]
    truth["attribution"] = _summed_attribution([t["attribution"] for t in truths], n)
    truth["chunks"] = {"chunk_size": chunk_size, "customers": sizes, "events": rows,
                       "seed": seed, "events_path": str(path),
                       "customers_path": str(_beside(path, "customers")),
                       "survey_path": str(_beside(path, "survey"))}
    return Study(events=path, customers=customers, survey=survey, truth=truth)


def _summed_attribution(parts: list, n: int) -> dict:
    """``truth["attribution"]`` of the whole population: counts and incremental sums added."""
    out = parts[0]
    for key in ("conversions", "exposure_conversions"):
        out[key] = sum(p[key] for p in parts)
    out["by_cause"] = {k: sum(p["by_cause"][k] for p in parts) for k in out["by_cause"]}
    for group in ("by_touchpoint", "by_channel"):
        out[group] = {k: {"conversions": sum(p[group][k]["conversions"] for p in parts),
                          "incremental": float(sum(p[group][k]["incremental"] for p in parts))}
                      for k in out[group]}
    hold = out["ad_holdout"]
    hold["customers"] = sum(p["ad_holdout"]["customers"] for p in parts)
    hold["incremental"] = float(sum(p["ad_holdout"]["incremental"] for p in parts))
    exposed = n - hold["customers"]
    hold["incremental_per_customer"] = hold["incremental"] / exposed if exposed else float("nan")
    return out
