"""Effect estimates with intervals: how much does a treatment change a loyalty outcome?

The estimators here hand the regression work to statsmodels and return a small result object
(:class:`EffectResult`) with the estimate, its interval, the method and the number of rows used.
Each method answers the same question under different assumptions — say which one you believe:

- ``naive``: difference in means between treated and untreated rows. An effect only if the
  treatment was randomised (an experiment); otherwise correlation.
- ``regression``: the treatment coefficient of an OLS regression of the outcome on the treatment
  and the ``confounders`` (regression adjustment). An effect if every common cause of treatment
  and outcome is among the confounders and the model is linear in them.
- ``ipw``: inverse probability weighting — a propensity model (logistic regression by default)
  predicts treatment from the confounders; rows are weighted by the inverse of the probability
  of the treatment they got (Hajek weights). An effect under the same assumption as
  ``regression`` (no unmeasured confounding) but with the model on the treatment side.
- ``aipw``: augmented IPW, doubly robust and cross-fitted (Chernozhukov et al., 2018): outcome
  and propensity models are fitted on other folds than the rows they predict; the estimate is
  consistent if either model is right. The cross-fitting is repeated over 20 random splits and
  the median taken, so that the answer does not depend on the seed. The default.
- ``did``: difference-in-differences with group and time fixed effects (two-way fixed effects),
  for a dated policy switched on in some groups. An effect if, without the policy, treated and
  untreated groups would have moved in parallel. With two periods (policy off everywhere in the
  first) it is the classic 2×2 regression with group and period fixed effects. With staggered
  adoption over more periods, two-way fixed effects is biased when effects differ across groups
  or over time (Goodman-Bacon, 2021), so ``did`` then uses Gardner's two-stage estimator
  (``did2s``, through pyfixest), which compares treated rows only with not-yet-treated ones; see
  :mod:`cxkit.models.did` and :func:`~cxkit.models.did.event_study`. Units never untreated
  are set aside with a warning and counted in the summary.
- ``cs``: Callaway & Sant'Anna (2021) for staggered adoption: each cohort compared period by
  period with never-treated (``control="never"``) or not-yet-treated units, the group-time
  effects averaged over treated cohort-periods (the ``simple`` aggregation; ``dynamic`` and
  ``group`` through :meth:`EffectResult.aggregate`), through moderndid
  (:mod:`cxkit.models.cs`).

How sensitive an estimate is to unmeasured confounding: :mod:`cxkit.models.sensitivity`;
effects by group and several methods side by side: :mod:`cxkit.models.heterogeneity`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from . import _causal, _wild
from . import cs as _cs
from .did import cs_effect, did_effect
from .sensitivity import sensitivity

__all__ = ["EffectResult", "effect"]

METHODS = ("naive", "regression", "ipw", "aipw", "did", "cs")


@dataclass(frozen=True, repr=False)
class EffectResult(Result):
    """An estimated effect with its interval.

    Attributes
    ----------
    estimate, ci_low, ci_high, se : float
        The effect, its confidence interval and standard error (outcome units).
    method : str
        The estimator used.
    n : int
        Rows used.
    treatment, outcome : str
        Column names.
    conf_level : float
        Confidence level of the interval (``level`` before 0.2; the old name still works and
        warns).
    fit : object
        The library's results object behind the estimate: statsmodels (``naive``,
        ``regression``, ``ipw``, the 2×2 ``did``), the two stages of the staggered ``did``
        (:class:`~cxkit.models.did.ImputationFit`), moderndid's group-time effects
        (``cs``), ``None`` for ``aipw``.
    diagnostics : dict
        What the estimator reports beside the estimate (outcome sd, t value, trimmed
        propensities ...).

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> data = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0], "y": [3.0, 5.0, 4.0, 1.0, 2.0, 3.0]})
    >>> result = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    >>> result.conf_int(conf_level=0.9).round(2).loc["t"].tolist()
    [0.66, 3.34]
    """

    estimate: float
    ci_low: float
    ci_high: float
    se: float
    method: str
    n: int
    treatment: str
    outcome: str
    conf_level: float
    fit: object = None
    diagnostics: dict = field(default_factory=dict)

    _label_columns = ("treatment",)

    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """One-row table: method, treatment, outcome, estimate, se, ci_low, ci_high, n; with
        few clusters also wild_ci_low, wild_ci_high, wild_p_value (the wild cluster
        bootstrap)."""
        row = {"method": self.method, "treatment": self.treatment, "outcome": self.outcome,
               "estimate": self.estimate, "se": self.se, "ci_low": self.ci_low,
               "ci_high": self.ci_high, "n": self.n}
        wild = self.diagnostics.get("wild_bootstrap")
        if wild:
            row.update(wild_ci_low=wild["ci_low"], wild_ci_high=wild["ci_high"],
                       wild_p_value=wild["p_value"])
        return pd.DataFrame([row])

    def summary(self) -> str:
        """The estimate and interval in one sentence (for ``aipw``, over how many
        cross-fitting splits)."""
        splits = self.diagnostics.get("repetitions")
        over = "" if not splits else "; one cross-fitting split" if splits == 1 else \
            f"; median over {splits} cross-fitting splits"
        aside = self.diagnostics.get("units_set_aside", 0)
        if aside:
            over += (f"; {aside} unit(s) never untreated set aside, "
                     f"{self.diagnostics['treated_share_set_aside']:.1%} of treated rows")
        wild = self.diagnostics.get("wild_bootstrap")
        if wild:  # few clusters: the bootstrap interval leads, the analytic one beside it
            return (f"{self.method}: effect of {self.treatment} on {self.outcome} = "
                    f"{self.estimate:.3f} ({_wild.describe(wild, self.conf_level)}; "
                    f"analytic CI {self.ci_low:.3f} to {self.ci_high:.3f}, not used with so "
                    f"few clusters; n = {self.n}{over})")
        return (f"{self.method}: effect of {self.treatment} on {self.outcome} = "
                f"{self.estimate:.3f} ({self.conf_level:.0%} CI {self.ci_low:.3f} to "
                f"{self.ci_high:.3f}; n = {self.n}{over})")

    def aggregate(self, aggregation: str = "group", *, bands: bool = False,
                  bootstrap: int = 1000, seed: int | None = None) -> pd.DataFrame:
        """``method="cs"`` only: the group-time effects averaged ``"simple"`` (over all
        treated cohort-periods), ``"dynamic"`` (by event time) or ``"group"`` (by cohort,
        labelled by its first period), with pointwise intervals at ``conf_level``.

        Returns a table: ``aggregation``, ``label`` (``"overall"`` in the first row, then
        the event time or cohort), ``estimate``, ``se``, ``ci_low``, ``ci_high``. With
        ``bands=True``: standard errors from the multiplier bootstrap (``bootstrap`` draws,
        ``seed``, as R's ``did``) and the simultaneous band ``band_low``, ``band_high``."""
        if self.method != "cs":
            raise ValueError(f"aggregate() needs a result of method='cs', not {self.method!r}")
        _check.one_of(aggregation, _cs.AGGREGATIONS, "aggregation")
        return _cs.aggregate(self.fit, aggregation, conf_level=self.conf_level,
                             labels=self.diagnostics.get("period_labels"), bands=bands,
                             bootstrap=_check.count(bootstrap, "bootstrap", minimum=100),
                             seed=seed)

    def __repr__(self) -> str:
        return f"EffectResult({self.summary()})"

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Lower and upper bounds of the effect (columns ``lower``, ``upper``; one row named by
        the treatment). At another level than the one fitted, statsmodels' own
        ``conf_int(alpha=...)`` where the estimate is a statsmodels regression, otherwise the
        normal approximation from ``se`` (as the estimators' own intervals)."""
        if conf_level is None or not hasattr(self.fit, "conf_int"):
            return super().conf_int(conf_level)
        level = _check.conf_level(conf_level)
        # the treatment's row by name: patsy puts categorical terms (did's fixed effects)
        # before numeric ones, so it is not always the first after the intercept
        names = list(getattr(self.fit.model, "exog_names", None) or [])
        row = names.index(f"Q({self.treatment!r})") if f"Q({self.treatment!r})" in names else 1
        low, high = np.asarray(self.fit.conf_int(alpha=1 - level))[row]
        return pd.DataFrame({"lower": [float(low)], "upper": [float(high)]},
                            index=pd.Index([self.treatment], name="treatment"))

    def sensitivity(self, *, q: float = 1.0) -> pd.DataFrame:
        """How strong an unmeasured confounder would have to be to explain the effect away.

        Returns a tidy table (``measure``, ``value``, ``meaning``) with the E-value of the
        estimate and of the interval limit nearest to zero (VanderWeele & Ding, 2017; for a
        continuous outcome through the standardised difference, RR ≈ exp(0.91 d)) and, when the
        estimate comes from a regression (``naive``, ``regression``, ``did``), the robustness
        values RV_q and RV_q,α and the treatment's partial R² with the outcome (Cinelli &
        Hazlett, 2020). See :func:`~cxkit.models.sensitivity.sensitivity`.
        """
        return sensitivity(self, q=q)


@old_keywords()
@shared_docs(extra={**_causal.DOCS, **_wild.DOCS})
def effect(data: pd.DataFrame, *, treatment: str, outcome: str, confounders: Sequence[str] = (),
           method: str = "aipw", seed: int | None = None, conf_level: float = 0.95,
           group: str | None = None, time: str | None = None, cluster: str | None = None,
           propensity_model=None, outcome_model=None, folds: int = 5,
           repetitions: int = 20, trim: float = 0.01, control: str = "never",
           bootstrap: int = _wild.NBOOT) -> EffectResult:
    """Estimate the effect of a binary treatment on an outcome, with an interval.

    Parameters
    ----------
    data : DataFrame
        One row per unit (or unit and period for ``did``).
    {doc:treatment}
    {doc:outcome}
    {doc:confounders}
        Used by every method but ``naive``.
    method : {"aipw", "ipw", "regression", "naive", "did", "cs"}
        See the module's description for what each assumes.
    {doc:fold_seed}
        ``aipw`` and the wild cluster bootstrap of ``did`` are random.
    {doc:conf_level}
        (``level=`` before 0.2: still accepted, with a FutureWarning.)
    group, time : str
        ``did`` and ``cs`` only: the column of the groups the policy is assigned to (e.g.
        ``"region"``) and of the periods (e.g. ``"wave"``); both enter as fixed effects. Periods are
        numbers, dates (or pandas Periods) or an ordered categorical, used in its
        categories' order; text labels such as ``"Q42010"`` are refused, because their text
        order is not their time order (make them dates, or
        ``pd.Categorical(values, categories=[...], ordered=True)``).
    control : {"never", "notyet"}
        ``cs`` only: the comparison group, units never treated within the panel (default),
        or also units not yet treated. A group's cohort is its first period with the
        treatment on.
    {doc:cluster}
        For every method. Without it, heteroskedasticity-robust (HC1) standard errors are used
        (for ``aipw``: from the spread of the doubly robust scores, see Notes).
    {doc:nuisance_models}
    {doc:folds}
    {doc:repetitions}
    {doc:trim}
        How many were trimmed is in ``result.diagnostics`` (for ``aipw``: the median over the
        splits).
    bootstrap : int
        ``did`` only: draws of the wild cluster bootstrap added when the standard errors are
        clustered (``cluster``, or ``group`` for staggered adoption) on fewer than 30
        clusters (default 9999; 0: none). Webb weights below 12 clusters, Rademacher
        otherwise; the restricted wild cluster bootstrap (WCR-11) for the regression, a score
        bootstrap for did2s (:mod:`cxkit.models._wild`). Its interval and p-value are in
        ``diagnostics["wild_bootstrap"]`` and ``to_frame()`` (``wild_ci_low``,
        ``wild_ci_high``, ``wild_p_value``), and the summary reports them.

    Returns
    -------
    EffectResult
        ``estimate``, ``ci_low``, ``ci_high``, ``se``, ``method``, ``n``; ``.summary()``,
        ``.to_frame()``, ``.conf_int()`` and the library's results in ``.fit``.

    Raises
    ------
    DataError
        Missing columns, a treatment that is not 0/1, no treated or no untreated rows, missing
        values in the columns used; with ``did``, a policy that switches off again, or
        periods that are text labels or an unordered categorical.

    Notes
    -----
    ``aipw`` averages, over rows, the doubly robust score
    :math:`\\psi_i = \\hat\\mu_1(X_i) - \\hat\\mu_0(X_i) + T_i (Y_i - \\hat\\mu_1(X_i))/\\hat e(X_i)
    - (1 - T_i)(Y_i - \\hat\\mu_0(X_i))/(1 - \\hat e(X_i))`, with nuisance models predicted out of
    fold; within one split :math:`s` into folds the estimate :math:`\\hat\\theta_s` is the mean
    score and its variance :math:`\\hat\\sigma^2_s = \\mathrm{var}(\\psi)/n` (with ``cluster``:
    the sum of squared cluster sums of :math:`\\psi_i - \\hat\\theta_s` over :math:`n^2`). Over
    ``repetitions`` random splits the estimate is :math:`\\tilde\\theta =
    \\mathrm{median}_s \\hat\\theta_s` and its variance :math:`\\mathrm{median}_s(\\hat\\sigma^2_s
    + (\\hat\\theta_s - \\tilde\\theta)^2)` (Chernozhukov et al., 2018, sec. 3.4); the range
    of the splits' estimates is in ``result.diagnostics``. ``ipw`` fits a weighted
    regression of the outcome on the treatment with weights :math:`T/\\hat e + (1-T)/(1-\\hat e)`
    and robust standard errors (conservative: they ignore that the propensity is estimated).

    ``did`` fits :math:`y_{it} = \\alpha_{g(i)} + \\lambda_t + \\tau D_{it} + X_{it}\\beta +
    \\varepsilon_{it}` by OLS; with two periods and the policy off everywhere in the first,
    :math:`\\hat\\tau` is the classic 2×2 difference in differences.

    References
    ----------
    Chernozhukov, V., et al. (2018). Double/debiased machine learning for treatment and
    structural parameters. *The Econometrics Journal*, 21(1), C1–C68.
    Robins, J. M., Rotnitzky, A., & Zhao, L. P. (1994). Estimation of regression coefficients
    when some regressors are not always observed. *JASA*, 89(427), 846–866.
    Angrist, J. D., & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*, ch. 3 and 5.
    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
    *Journal of Econometrics*, 225(2), 254–277.

    Examples
    --------
    >>> import cxkit
    >>> study = cxkit.simulate_study(3000, seed=2)
    >>> panel = study.survey_panel()
    >>> did = cxkit.effect(panel, treatment="csr_in_force", outcome="loyalty", method="did",
    ...                    group="region", time="wave", cluster="customer_id")
    >>> did.ci_low < study.truth["effect_csr_on_loyalty"] < did.ci_high
    True
    """
    _check.one_of(method, METHODS, "method")
    conf_level = _check.conf_level(conf_level)
    confounders = list(confounders)
    extra = [c for c in (group, time, cluster) if c is not None]
    if method in ("did", "cs") and (group is None or time is None):
        raise ValueError(f"method={method!r} needs group= (e.g. 'region') and time= "
                         "(e.g. 'wave')")
    if method == "aipw":
        _check.count(folds, "folds", minimum=2)
        _check.count(repetitions, "repetitions", minimum=1)
    frame = _causal.treatment_frame(data, treatment, outcome, confounders + extra)
    if method == "did":
        fields = did_effect(frame, treatment, outcome, confounders, group=group, time=time,
                            cluster=cluster, conf_level=conf_level, bootstrap=bootstrap,
                            seed=seed)
    elif method == "cs":
        fields = cs_effect(frame, treatment, outcome, confounders, group=group, time=time,
                           cluster=cluster, conf_level=conf_level, control=control)
    elif method in ("ipw", "aipw"):
        fields = _weighting(frame, treatment, outcome, confounders, method=method,
                            conf_level=conf_level, seed=seed, propensity_model=propensity_model,
                            outcome_model=outcome_model, folds=folds,
                            repetitions=repetitions, trim=trim, cluster=cluster)
    else:
        terms = [] if method == "naive" else [_causal.term(frame, c) for c in confounders]
        fields = _causal.ols_effect(frame, treatment, outcome, terms, confounders=confounders,
                                    cluster=cluster, conf_level=conf_level)
    return EffectResult(method=method, treatment=treatment, outcome=outcome,
                        conf_level=conf_level, **fields)


# ------------------------------------------------------------------------------------------
# weighting estimators
# ------------------------------------------------------------------------------------------
def _weighting(frame, treatment, outcome, confounders, *, method, conf_level, seed,
               propensity_model, outcome_model, folds, repetitions, trim, cluster=None) -> dict:
    x = _causal.design(frame, confounders)
    t = frame[treatment].to_numpy(dtype=int)
    y = frame[outcome].to_numpy(dtype=float)
    n = len(frame)
    diagnostics = {"outcome_sd": float(np.std(y, ddof=1))}
    if method == "ipw":
        import statsmodels.api as sm

        e = _causal.nuisances(x, t, y, propensity_model=propensity_model)[0]
        trimmed = int(((e < trim) | (e > 1 - trim)).sum())
        e = np.clip(e, trim, 1 - trim)
        weights = t / e + (1 - t) / (1 - e)
        model = sm.WLS(y, sm.add_constant(t.astype(float)), weights=weights)
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": _causal.cluster_codes(
            frame, cluster)}) if cluster is not None else model.fit(cov_type="HC1")
        estimate, se = float(fit.params[1]), float(fit.bse[1])
    else:
        fit = None
        psi, e = _causal.repeated_scores(x, t, y, folds=folds, repetitions=repetitions,
                                         seed=seed, trim=trim,
                                         propensity_model=propensity_model,
                                         outcome_model=outcome_model)
        trimmed = int(round(np.median(((e < trim) | (e > 1 - trim)).sum(axis=1))))
        estimates = psi.mean(axis=1)
        if cluster is not None:  # rows of one cluster (e.g. a customer's waves) are not independent
            codes = _causal.cluster_codes(frame, cluster)
            variances = [(pd.Series(p - m).groupby(codes).sum() ** 2).sum() / n ** 2
                         for p, m in zip(psi, estimates, strict=True)]
        else:
            variances = psi.var(axis=1, ddof=1) / n
        estimate, variance = _causal.split_median(estimates, variances)
        se = float(np.sqrt(variance))
        diagnostics.update(folds=folds, repetitions=repetitions,
                           split_estimate_min=float(estimates.min()),
                           split_estimate_max=float(estimates.max()))
        e = np.clip(e, trim, 1 - trim)
    if trimmed > 0.05 * n:
        # stacklevel: the user's call of effect(), through old_keywords' wrapper
        warnings.warn(f"{trimmed} of {n} propensities ({trimmed / n:.0%}) fall outside "
                      f"[{trim}, {1 - trim}]: treated and untreated rows barely overlap in the "
                      "confounders (positivity fails), so the estimate leans on extrapolation",
                      UserWarning, stacklevel=4)
    diagnostics.update(propensity_trimmed=trimmed, propensity_min=float(e.min()),
                       propensity_max=float(e.max()))
    z = _causal.z_value(conf_level)
    return {"estimate": estimate, "ci_low": estimate - z * se, "ci_high": estimate + z * se,
            "se": se, "n": n, "fit": fit, "diagnostics": diagnostics}
