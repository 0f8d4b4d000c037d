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
              "naive_csr", "naive_aware")
#: the estimators of the README's table
DEFAULT = ("experiment", "aipw", "did", "cox", "naive_csr", "naive_aware")
#: switched-off versions of the effects each estimator targets
NULL_EFFECTS = {"email_effect": 0.0, "csr_effect": 0.0, "hr_failure_unresolved": 1.0}


def _engagement_table(study) -> pd.DataFrame:
    events = study.events
    counts = events.loc[events["level"] == "engagement"].groupby("customer_id").size()
    customers = study.customers
    start = pd.Timestamp(study.truth["survey_waves"]["1"]).replace(month=1, day=1)
    tenure = (start - customers["signup_date"]).dt.days.clip(lower=0) / 365.25
    return customers.assign(engagement=counts.reindex(customers["customer_id"], fill_value=0)
                            .to_numpy(), tenure_years=tenure.to_numpy())


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
              estimators=("experiment", "aipw", "did", "cox", "naive_csr", "naive_aware"),
              bootstrap: int = 999) -> pd.DataFrame:
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
    0  experiment   13.0
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
    >>> sorted(set(rows["estimator"]))[:3]
    ['aipw', 'cox', 'did']
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
