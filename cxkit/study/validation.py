"""Validation study: do the kit's estimators recover the simulator's truth?

Each replicate simulates a study with its own seed, twice — once with the story's effects and
once with them switched off — and runs the estimators a researcher would use on the observed
tables only:

- ``experiment``: the e-mail campaign's effect on engagement-level events (difference in means);
- ``aipw``: the same effect, doubly robust with observed customer traits as covariates;
- ``did``: the CSR launch's effect on loyalty intention (difference in differences on the two
  survey waves, launched vs not-yet-launched regions);
- ``cs``: the same effect by Callaway & Sant'Anna (customers seen in both waves as the panel's
  units, never-treated regions as controls);
- ``did_region`` and ``did_region_wild``: the DiD with standard errors clustered on the five
  regions, the analytic interval and the wild cluster bootstrap one (999 draws, Webb
  weights): the few-cluster case;
- ``cox``: the churn hazard ratio of an unresolved service failure (time-varying covariate);
- ``ux_did``: the app's checkout redesign, its effect on starting the checkout after adding to
  the cart (difference in differences on sessions with a cart: app vs web, before vs after);
- ``ad_holdout``: the paid ads' effect on purchases per customer (the randomised hold-out
  group vs everyone else, a difference in means);
- ``naive_csr`` and ``naive_aware``: the comparisons the story warns against (wave-2 regions with
  vs without the policy; CSR-aware vs unaware customers in launched regions).

Across replicates it reports bias, RMSE, 95 % interval coverage and, from the switched-off
studies, the false-positive rate (intervals that exclude the null).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models import effect
from .simulate import simulate_study

#: traits a realistic analysis may adjust for
COVARIATES = ("segment", "age_band", "region", "preferred_channel")
#: every estimator a replicate can run
ESTIMATORS = ("experiment", "aipw", "did", "cs", "did_region", "did_region_wild", "cox",
              "ux_did", "ad_holdout", "naive_csr", "naive_aware")
#: the estimators of the README's table
DEFAULT = ("experiment", "aipw", "did", "cox", "ux_did", "ad_holdout", "naive_csr",
           "naive_aware")
#: switched-off versions of the effects each estimator targets
NULL_EFFECTS = {"email_effect": 0.0, "csr_effect": 0.0, "hr_failure_unresolved": 1.0,
                "ux_effect": 0.0, "ad_effect": 0.0}


def _engagement_table(study) -> pd.DataFrame:
    events = study.events
    counts = events.loc[events["level"] == "engagement"].groupby("customer_id").size()
    customers = study.customers
    start = pd.Timestamp(study.truth["survey_waves"]["1"]).replace(month=1, day=1)
    tenure = (start - customers["signup_date"]).dt.days.clip(lower=0) / 365.25
    return customers.assign(engagement=counts.reindex(customers["customer_id"], fill_value=0)
                            .to_numpy(), tenure_years=tenure.to_numpy())


def cart_sessions(events: pd.DataFrame) -> pd.DataFrame:
    """Sessions with a ``cart_add`` on the web or in the app, and whether checkout started.

    A session starts at a ``web_visit``, ``app_open`` or ``store_visit`` (the simulator starts
    sessions nowhere else) and holds the customer's events up to the next start.

    Returns
    -------
    DataFrame
        One row per session with a cart: ``customer_id``, ``channel``, ``start`` and
        ``checkout`` (1 if a ``checkout_start`` followed the cart).

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.study.validation import cart_sessions
    >>> carts = cart_sessions(cxkit.simulate_study(300, seed=1).events)
    >>> list(carts.columns), sorted(carts["channel"].unique())
    (['customer_id', 'channel', 'start', 'checkout'], ['app', 'web'])
    """
    customer = events["customer_id"].to_numpy()
    touchpoint = events["touchpoint"].to_numpy()
    is_start = np.isin(touchpoint, ["web_visit", "app_open", "store_visit"])
    number = np.cumsum(is_start)
    owner = np.r_[np.array([""], dtype=object), customer[is_start].astype(object)][number]
    rows = events.assign(session=np.where(owner == customer, number, 0))
    rows = rows[rows["session"] > 0]
    first = rows.groupby("session")[["customer_id", "channel", "timestamp"]].first()
    steps = rows[rows["touchpoint"].isin(["cart_add", "checkout_start"])]
    flags = pd.crosstab(steps["session"], steps["touchpoint"]).reindex(
        columns=["cart_add", "checkout_start"], fill_value=0)
    table = first.join(flags, how="inner")
    table = table[(table["cart_add"] > 0) & table["channel"].isin(["web", "app"])]
    return pd.DataFrame({"customer_id": table["customer_id"], "channel": table["channel"],
                         "start": table["timestamp"],
                         "checkout": (table["checkout_start"] > 0).astype(int)}
                        ).reset_index(drop=True)


def _ux_did(study):
    ux = study.truth["effect_ux_on_checkout"]
    carts = cart_sessions(study.events)
    after = (carts["start"] >= pd.Timestamp(ux["date"], tz="UTC")).astype(int)
    carts = carts.assign(after=after, redesigned=after * (carts["channel"] == "app"))
    return effect(carts, treatment="redesigned", outcome="checkout", method="did",
                  group="channel", time="after", cluster="customer_id")


def _ad_holdout(study):
    customers = study.customers
    purchases = study.events[study.events["touchpoint"] == "purchase"]
    per = purchases.groupby("customer_id").size().reindex(customers["customer_id"],
                                                          fill_value=0)
    frame = pd.DataFrame({"purchases": per.to_numpy(),
                          "ads": 1 - customers["ad_holdout"].to_numpy()})
    return effect(frame, treatment="ads", outcome="purchases", method="naive")


def _cox_unresolved(study):
    from ..models import churn_episodes, cox

    episodes = churn_episodes(study.events, study.customers,
                              end=pd.Timestamp(study.events["timestamp"].max()).tz_localize(None))
    fit = cox(episodes, duration="exit", entry="entry", event="churned",
              covariates=["failure_resolved", "failure_unresolved"])
    row = fit.hazard_ratios.set_index("covariate").loc["failure_unresolved"]
    return float(np.log(row["hazard_ratio"])), float(np.log(row["ci_low"])), \
        float(np.log(row["ci_high"]))


def replicate(seed: int, *, n_customers: int = 5000, null: bool = False,
              estimators=DEFAULT, bootstrap: int = 999) -> pd.DataFrame:
    """One replicate: simulate with ``seed`` and estimate; tidy rows per estimator.

    Returns
    -------
    DataFrame
        ``seed``, ``null``, ``estimator``, ``estimate``, ``ci_low``, ``ci_high``, ``truth``
        (hazard ratios on the log scale).

    Examples
    --------
    >>> from cxkit.study.validation import replicate
    >>> rows = replicate(1, n_customers=1500, estimators=("experiment",))
    >>> rows[["estimator", "truth"]].round(1)
        estimator  truth
    0  experiment    5.2
    """
    study = simulate_study(n_customers, seed=seed, **(NULL_EFFECTS if null else {}))
    truth = study.truth
    rows = []

    def add(name, result, true_value):
        rows.append({"estimator": name, "estimate": result.estimate, "ci_low": result.ci_low,
                     "ci_high": result.ci_high, "truth": true_value})

    if {"experiment", "aipw"} & set(estimators):
        table = _engagement_table(study)
        if "experiment" in estimators:
            add("experiment", effect(table, treatment="email_arm", outcome="engagement",
                                     method="naive"), truth["effect_email_on_engagement"])
        if "aipw" in estimators:
            add("aipw", effect(table, treatment="email_arm", outcome="engagement",
                               confounders=[*COVARIATES, "tenure_years"], method="aipw",
                               seed=seed), truth["effect_email_on_engagement"])
    panel = study.survey_panel()
    launched = panel.groupby("region")["csr_in_force"].transform("max") == 1
    if "did" in estimators:
        add("did", effect(panel, treatment="csr_in_force", outcome="loyalty", method="did",
                          group="region", time="wave", cluster="customer_id"),
            truth["effect_csr_on_loyalty"])
    if "cs" in estimators:
        add("cs", effect(panel, treatment="csr_in_force", outcome="loyalty", method="cs",
                         group="customer_id", time="wave"), truth["effect_csr_on_loyalty"])
    if {"did_region", "did_region_wild"} & set(estimators):
        few = effect(panel, treatment="csr_in_force", outcome="loyalty", method="did",
                     group="region", time="wave", cluster="region", seed=seed,
                     bootstrap=bootstrap)
        if "did_region" in estimators:
            add("did_region", few, truth["effect_csr_on_loyalty"])
        if "did_region_wild" in estimators:
            wild = few.diagnostics["wild_bootstrap"]
            rows.append({"estimator": "did_region_wild", "estimate": few.estimate,
                         "ci_low": wild["ci_low"], "ci_high": wild["ci_high"],
                         "truth": truth["effect_csr_on_loyalty"]})
    if "naive_csr" in estimators:
        add("naive_csr", effect(panel[panel["wave"] == 2], treatment="csr_in_force",
                                outcome="loyalty", method="naive"),
            truth["effect_csr_on_loyalty"])
    if "naive_aware" in estimators:
        # awareness has no effect of its own in the story: the truth is zero
        aware = panel[(panel["wave"] == 2) & launched]
        add("naive_aware", effect(aware, treatment="csr_aware", outcome="loyalty",
                                  method="naive"), 0.0)
    if "ux_did" in estimators:
        add("ux_did", _ux_did(study), truth["effect_ux_on_checkout"]["effect_on_checkout_per_cart"])
    if "ad_holdout" in estimators:
        add("ad_holdout", _ad_holdout(study),
            truth["attribution"]["ad_holdout"]["incremental_per_customer"])
    if "cox" in estimators:
        estimate, low, high = _cox_unresolved(study)
        rows.append({"estimator": "cox", "estimate": estimate, "ci_low": low, "ci_high": high,
                     "truth": float(np.log(truth["churn_hazard_ratios"]
                                           ["service_failure_unresolved"]))})
    return pd.DataFrame(rows).assign(seed=seed, null=null)[
        ["seed", "null", "estimator", "estimate", "ci_low", "ci_high", "truth"]]


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Bias, RMSE, coverage and false-positive rate by estimator.

    Returns
    -------
    DataFrame
        One row per estimator: ``truth`` (mean true value), ``mean_estimate``, ``bias``,
        ``relative_bias`` (bias / truth), ``mcse_bias`` (Monte-Carlo standard error of the
        bias), ``rmse``, ``coverage`` (share of 95 % intervals containing the truth),
        ``mcse_coverage``, ``false_positive_rate`` (share of intervals excluding the null in the
        switched-off studies; NaN when none were run) and ``reps``.
    """
    rows = []
    for name, part in results.groupby("estimator", sort=False):
        on = part[~part["null"]]
        off = part[part["null"]]
        error = on["estimate"] - on["truth"]
        covered = (on["ci_low"] <= on["truth"]) & (on["truth"] <= on["ci_high"])
        null_value = off["truth"] if name != "naive_aware" else 0.0
        positive = ((off["ci_low"] > null_value) | (off["ci_high"] < null_value)) \
            if len(off) else pd.Series(dtype=bool)
        n = len(on)
        truth = float(on["truth"].mean())
        rows.append({
            "estimator": name, "truth": truth, "mean_estimate": float(on["estimate"].mean()),
            "bias": float(error.mean()),
            "relative_bias": float(error.mean() / truth) if truth else np.nan,
            "mcse_bias": float(error.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan,
            "rmse": float(np.sqrt((error ** 2).mean())), "coverage": float(covered.mean()),
            "mcse_coverage": float(np.sqrt(covered.mean() * (1 - covered.mean()) / n)),
            "false_positive_rate": float(positive.mean()) if len(off) else np.nan,
            "reps": n})
    return pd.DataFrame(rows)


def validation_study(reps: int = 200, *, n_customers: int = 5000, first_seed: int = 1000,
                     processes: int = 1, progress: bool = False,
                     estimators: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Run ``reps`` replicates with and without the effects; all rows (see :func:`summarise`).

    ``processes`` > 1 spreads the replicates over worker processes. ``estimators``: a subset
    of :data:`ESTIMATORS` (default: those of the README's table, :data:`DEFAULT`).

    Examples
    --------
    >>> from cxkit.study.validation import validation_study, summarise
    >>> rows = validation_study(2, n_customers=1500)
    >>> sorted(set(rows["estimator"]))[:4]
    ['ad_holdout', 'aipw', 'cox', 'did']
    """
    jobs = [(seed, null) for seed in range(first_seed, first_seed + reps)
            for null in (False, True)]
    if processes > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(processes) as pool:
            frames = list(pool.map(_job, jobs, [n_customers] * len(jobs),
                                   [estimators] * len(jobs), chunksize=2))
    else:
        frames = []
        iterator = jobs
        if progress:
            from tqdm.auto import tqdm

            iterator = tqdm(jobs, desc="replicates")
        for job in iterator:
            frames.append(_job(job, n_customers, estimators))
    return pd.concat(frames, ignore_index=True)


def _job(job, n_customers, estimators=None):
    seed, null = job
    chosen = DEFAULT if estimators is None else tuple(estimators)
    if null:  # the naive comparisons have no switched-off version
        chosen = tuple(e for e in chosen if not e.startswith("naive"))
    return replicate(seed, n_customers=n_customers, null=null, estimators=chosen)
