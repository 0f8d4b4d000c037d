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
  consistent if either model is right. The default.
- ``did``: difference-in-differences with group and time fixed effects (two-way fixed effects),
  for a dated policy switched on in some groups. An effect if, without the policy, treated and
  untreated groups would have moved in parallel. With two periods (policy off everywhere in the
  first) it is the classic 2×2 regression with group and period fixed effects. With staggered
  adoption over more periods, two-way fixed effects is biased when effects differ across groups
  or over time (Goodman-Bacon, 2021), so ``did`` then uses Gardner's two-stage estimator
  (``did2s``, through pyfixest), which compares treated rows only with not-yet-treated ones; see
  also :func:`event_study`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._report import DataError
from .loyalty import loyalty_model  # noqa: F401

METHODS = ("naive", "regression", "ipw", "aipw", "did")


@dataclass(frozen=True)
class EffectResult:
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
    level : float
        Confidence level of the interval.
    fit : object
        The statsmodels results object behind the estimate (coefficients, diagnostics).
    """

    estimate: float
    ci_low: float
    ci_high: float
    se: float
    method: str
    n: int
    treatment: str
    outcome: str
    level: float
    fit: object = None
    diagnostics: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One-row table: method, treatment, outcome, estimate, se, ci_low, ci_high, n."""
        return pd.DataFrame([{"method": self.method, "treatment": self.treatment,
                              "outcome": self.outcome, "estimate": self.estimate, "se": self.se,
                              "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n}])

    def summary(self) -> str:
        """The estimate and interval in one sentence."""
        return (f"{self.method}: effect of {self.treatment} on {self.outcome} = "
                f"{self.estimate:.3f} ({self.level:.0%} CI {self.ci_low:.3f} to "
                f"{self.ci_high:.3f}; n = {self.n})")

    def __repr__(self) -> str:
        return f"EffectResult({self.summary()})"

    def sensitivity(self, *, q: float = 1.0) -> pd.DataFrame:
        """How strong an unmeasured confounder would have to be to explain the effect away.

        Returns a tidy table (``measure``, ``value``, ``meaning``) with the E-value of the
        estimate and of the interval limit nearest to zero (VanderWeele & Ding, 2017; for a
        continuous outcome through the standardised difference, RR ≈ exp(0.91 d)) and, when the
        estimate comes from a regression (``naive``, ``regression``, ``did``), the robustness
        values RV_q and RV_q,α and the treatment's partial R² with the outcome (Cinelli &
        Hazlett, 2020). See :func:`sensitivity`.
        """
        return sensitivity(self, q=q)


def effect(data: pd.DataFrame, *, treatment: str, outcome: str, confounders: Sequence[str] = (),
           method: str = "aipw", seed: int | None = None, level: float = 0.95,
           group: str | None = None, time: str | None = None, cluster: str | None = None,
           propensity_model=None, outcome_model=None, folds: int = 5,
           trim: float = 0.01) -> EffectResult:
    """Estimate the effect of a binary treatment on an outcome, with an interval.

    Parameters
    ----------
    data : DataFrame
        One row per unit (or unit and period for ``did``).
    treatment : str
        A 0/1 (or boolean) column.
    outcome : str
        A numeric column.
    confounders : sequence of str
        Columns adjusted for (``regression`` and ``did``); text columns enter as categories.
    method : {"aipw", "ipw", "regression", "naive", "did"}
        See the module's description for what each assumes.
    seed : int, optional
        Seed of the fold split of ``aipw`` (the other methods are not random).
    level : float
        Confidence level.
    group, time : str
        ``did`` only: the column of the groups the policy is assigned to (e.g. ``"region"``)
        and of the periods (e.g. ``"wave"``); both enter as fixed effects.
    cluster : str, optional
        Column whose values are clusters for the standard errors (e.g. ``"customer_id"`` when a
        customer appears in several periods), for every method. Without it,
        heteroskedasticity-robust (HC1) standard errors are used (for ``aipw``: the standard
        deviation of the doubly robust score).
    propensity_model, outcome_model : scikit-learn estimators, optional
        ``ipw`` / ``aipw`` only. Defaults: ``LogisticRegression(max_iter=1000)`` for the
        propensity and ``LinearRegression()`` for the outcome (fitted separately for treated and
        untreated rows). Any estimator with ``fit`` and ``predict_proba`` / ``predict`` works.
    folds : int
        ``aipw`` only: cross-fitting folds.
    trim : float
        ``ipw`` / ``aipw`` only: propensities are kept within [trim, 1 − trim]; how many were
        trimmed is in ``result.diagnostics``.

    Returns
    -------
    EffectResult
        ``estimate``, ``ci_low``, ``ci_high``, ``se``, ``method``, ``n``; ``.summary()``,
        ``.to_frame()`` and the statsmodels results in ``.fit``.

    Raises
    ------
    DataError
        Missing columns, a treatment that is not 0/1, no treated or no untreated rows, missing
        values in the columns used, or staggered adoption with ``did``.

    Notes
    -----
    ``aipw`` averages, over rows, the doubly robust score
    :math:`\\psi_i = \\hat\\mu_1(X_i) - \\hat\\mu_0(X_i) + T_i (Y_i - \\hat\\mu_1(X_i))/\\hat e(X_i)
    - (1 - T_i)(Y_i - \\hat\\mu_0(X_i))/(1 - \\hat e(X_i))`, with nuisance models predicted out of
    fold; its standard error is :math:`\\mathrm{sd}(\\psi)/\\sqrt{n}`. ``ipw`` fits a weighted
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
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    confounders = list(confounders)
    extra = [c for c in (group, time, cluster) if c is not None]
    if method == "did" and (group is None or time is None):
        raise ValueError("method='did' needs group= (e.g. 'region') and time= (e.g. 'wave')")
    frame = _checked(data, treatment, outcome, confounders + extra)
    if method == "did" and _is_staggered(frame, treatment, group, time):
        return _did2s(frame, treatment, outcome, confounders, group, time, cluster, level)
    if method in ("ipw", "aipw"):
        return _weighting(frame, treatment, outcome, confounders, method=method, level=level,
                          seed=seed, propensity_model=propensity_model,
                          outcome_model=outcome_model, folds=folds, trim=trim,
                          cluster=cluster)
    import statsmodels.formula.api as smf

    terms = [] if method == "naive" else [_term(frame, c) for c in confounders]
    if method == "did":
        terms += [f"C(Q('{group}'))", f"C(Q('{time}'))"]
    formula = f"Q('{outcome}') ~ Q('{treatment}')" + "".join(f" + {t}" for t in terms)
    model = smf.ols(formula, data=frame)
    if np.linalg.matrix_rank(model.exog) < model.exog.shape[1]:
        raise DataError("the effect is not identified: the treatment (or a confounder) is a "
                        "linear combination of the other terms, e.g. a treatment assigned by "
                        "region with region among the confounders", column=[treatment,
                                                                           *confounders],
                        expected="a treatment that varies within the confounders' levels")
    if cluster is not None:
        codes = pd.factorize(frame[cluster])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes})
    else:
        fit = model.fit(cov_type="HC1")
    name = f"Q('{treatment}')"
    low, high = fit.conf_int(alpha=1 - level).loc[name]
    return EffectResult(estimate=float(fit.params[name]), ci_low=float(low),
                        ci_high=float(high), se=float(fit.bse[name]), method=method,
                        n=int(fit.nobs), treatment=treatment, outcome=outcome, level=level,
                        fit=fit, diagnostics={"outcome_sd": float(frame[outcome].std()),
                                              "t": float(fit.tvalues[name]),
                                              "dof": float(fit.df_resid)})


def _checked(data, treatment, outcome, others) -> pd.DataFrame:
    needed = [treatment, outcome, *others]
    absent = [c for c in dict.fromkeys(needed) if c not in data.columns]
    if absent:
        raise DataError("column(s) not in the data", column=absent,
                        expected="columns " + ", ".join(map(str, data.columns)))
    frame = data[list(dict.fromkeys(needed))].reset_index(drop=True)
    missing = frame.isna().any(axis=1)
    if missing.any():
        cols = [c for c in frame.columns if frame[c].isna().any()]
        raise DataError("missing values in the columns used; drop or impute them first and say "
                        "so", column=cols, rows=(np.flatnonzero(missing) + 1).tolist(),
                        expected="complete rows")
    values = frame[treatment]
    if pd.api.types.is_bool_dtype(values):
        frame[treatment] = values.astype(int)
    elif not set(pd.unique(values)) <= {0, 1}:
        raise DataError("treatment is not binary", column=treatment,
                        rows=(np.flatnonzero(~values.isin([0, 1])) + 1).tolist(),
                        expected="0/1 or True/False")
    counts = frame[treatment].value_counts()
    if counts.get(1, 0) == 0 or counts.get(0, 0) == 0:
        raise DataError("the treatment does not vary", column=treatment,
                        expected="both treated (1) and untreated (0) rows")
    if pd.api.types.is_bool_dtype(frame[outcome]):
        frame[outcome] = frame[outcome].astype(float)
    elif not pd.api.types.is_numeric_dtype(frame[outcome]):
        raise DataError("outcome is not numeric", column=outcome, expected="numbers")
    return frame


def _term(frame, column) -> str:
    numeric = pd.api.types.is_numeric_dtype(frame[column]) and \
        not pd.api.types.is_bool_dtype(frame[column])
    return f"Q('{column}')" if numeric else f"C(Q('{column}'))"


def _is_staggered(frame, treatment, group, time) -> bool:
    """True unless two periods with the policy off everywhere in the first (the 2×2 case)."""
    ordered = frame.sort_values(time)
    switched_off = ordered.groupby(group)[treatment].apply(
        lambda d: bool((d.diff().fillna(0) < 0).any()))
    if switched_off.any():
        raise DataError("the policy switches off again in some group(s): "
                        + ", ".join(map(str, switched_off[switched_off].index)),
                        column=[treatment, group],
                        expected="a policy that stays on once adopted")
    periods = np.sort(frame[time].unique())
    first_off = frame.loc[frame[time] == periods[0], treatment].eq(0).all()
    if not first_off:
        raise DataError("the policy is already on in the first period", column=treatment,
                        expected="no treated rows in the first period")
    return len(periods) > 2


def _identifiable(frame, treatment, unit):
    """Keep units with at least two untreated rows; return the frame and how many were left out.

    Two-stage DiD learns each unit's level from its untreated rows, so a unit with none (always
    treated in the panel) cannot be used, and pyfixest drops singletons from the first stage.
    """
    untreated = frame.loc[frame[treatment] == 0].groupby(unit).size()
    usable = untreated.index[untreated >= 2]
    keep = frame[unit].isin(usable)
    return frame.loc[keep].reset_index(drop=True), int(frame.loc[~keep, unit].nunique())


def _did2s(frame, treatment, outcome, confounders, group, time, cluster, level):
    import pyfixest as pf
    from scipy.stats import norm

    frame, dropped = _identifiable(frame, treatment, group)
    # integer cluster codes: pyfixest's variance step compares cluster labels, slow for text ids
    data = frame.assign(_y=frame[outcome], _d=frame[treatment], _g=frame[group],
                        _t=frame[time], _c=pd.factorize(frame[cluster or group])[0])
    first = " + ".join(_term(frame, c) for c in confounders) or "0"
    fit = pf.did2s(data, yname="_y", first_stage=f"~ {first} | _g + _t",
                   second_stage="~ _d", treatment="_d", cluster="_c")
    row = fit.tidy().loc["_d"]
    z = norm.ppf(0.5 + level / 2)
    estimate, se = float(row["Estimate"]), float(row["Std. Error"])
    return EffectResult(estimate=estimate, ci_low=estimate - z * se, ci_high=estimate + z * se,
                        se=se, method="did", n=len(frame), treatment=treatment,
                        outcome=outcome, level=level, fit=fit,
                        diagnostics={"estimator": "did2s (Gardner 2021)",
                                     "outcome_sd": float(frame[outcome].std()),
                                     "groups_set_aside": dropped})


# ------------------------------------------------------------------------------------------
# weighting estimators
# ------------------------------------------------------------------------------------------
def _design(frame: pd.DataFrame, confounders: list[str]) -> np.ndarray:
    """Confounders as a numeric matrix: text and booleans one-hot encoded (first level dropped)."""
    if not confounders:
        return np.ones((len(frame), 1))
    x = pd.get_dummies(frame[confounders], drop_first=True, dtype=float)
    return x.to_numpy(dtype=float)


def _nuisances(x, t, y, *, cross_fit, seed, folds, propensity_model, outcome_model):
    """Propensity and outcome predictions; out of fold (cross-fitted) when ``cross_fit``."""
    from sklearn.base import clone
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    ps_model = propensity_model if propensity_model is not None else \
        LogisticRegression(max_iter=1000)
    out_model = outcome_model if outcome_model is not None else LinearRegression()
    n = len(t)
    e, mu1, mu0 = np.empty(n), np.full(n, np.nan), np.full(n, np.nan)
    if not cross_fit:
        e[:] = clone(ps_model).fit(x, t).predict_proba(x)[:, 1]
        return e, mu1, mu0
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in split.split(x, t):
        e[test] = clone(ps_model).fit(x[train], t[train]).predict_proba(x[test])[:, 1]
        for arm, mu in ((1, mu1), (0, mu0)):
            rows = train[t[train] == arm]
            mu[test] = clone(out_model).fit(x[rows], y[rows]).predict(x[test])
    return e, mu1, mu0


def _weighting(frame, treatment, outcome, confounders, *, method, level, seed,
               propensity_model, outcome_model, folds, trim, cluster=None) -> EffectResult:
    from scipy.stats import norm

    x = _design(frame, confounders)
    t = frame[treatment].to_numpy(dtype=int)
    y = frame[outcome].to_numpy(dtype=float)
    n = len(frame)
    e, mu1, mu0 = _nuisances(x, t, y, cross_fit=method == "aipw", seed=seed, folds=folds,
                             propensity_model=propensity_model, outcome_model=outcome_model)
    trimmed = int(((e < trim) | (e > 1 - trim)).sum())
    if trimmed > 0.05 * n:
        import warnings

        warnings.warn(f"{trimmed} of {n} propensities ({trimmed / n:.0%}) fall outside "
                      f"[{trim}, {1 - trim}]: treated and untreated rows barely overlap in the "
                      "confounders (positivity fails), so the estimate leans on extrapolation",
                      UserWarning, stacklevel=3)
    e = np.clip(e, trim, 1 - trim)
    diagnostics = {"outcome_sd": float(np.std(y, ddof=1)), "propensity_trimmed": trimmed,
                   "propensity_min": float(e.min()), "propensity_max": float(e.max())}
    if method == "ipw":
        import statsmodels.api as sm

        weights = t / e + (1 - t) / (1 - e)
        model = sm.WLS(y, sm.add_constant(t.astype(float)), weights=weights)
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(
            frame[cluster])[0]}) if cluster is not None else model.fit(cov_type="HC1")
        estimate, se = float(fit.params[1]), float(fit.bse[1])
    else:
        fit = None
        psi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
        estimate = float(psi.mean())
        if cluster is not None:  # rows of one cluster (e.g. a customer's waves) are not independent
            sums = pd.Series(psi - estimate).groupby(pd.factorize(frame[cluster])[0]).sum()
            se = float(np.sqrt((sums ** 2).sum()) / n)
        else:
            se = float(psi.std(ddof=1) / np.sqrt(n))
        diagnostics["folds"] = folds
    z = norm.ppf(0.5 + level / 2)
    return EffectResult(estimate=estimate, ci_low=estimate - z * se, ci_high=estimate + z * se,
                        se=se, method=method, n=n, treatment=treatment, outcome=outcome,
                        level=level, fit=fit, diagnostics=diagnostics)


# ------------------------------------------------------------------------------------------
# sensitivity to unmeasured confounding
# ------------------------------------------------------------------------------------------
def sensitivity(result: EffectResult, *, q: float = 1.0, alpha: float | None = None
                ) -> pd.DataFrame:
    """E-value and robustness values of an estimated effect.

    Parameters
    ----------
    result : EffectResult
        From :func:`effect`.
    q : float
        Share of the estimate a confounder would have to remove for the robustness value
        (``q = 1``: bring it to zero).
    alpha : float, optional
        Significance level of RV_q,α; by default ``1 - result.level``.

    Returns
    -------
    DataFrame
        ``measure``, ``value``, ``meaning``. Measures: ``e_value`` and ``e_value_ci`` (always);
        ``partial_r2_treatment``, ``rv_q`` and ``rv_q_alpha`` (regression-based methods).

    Notes
    -----
    *E-value* (VanderWeele & Ding, 2017): the minimum strength of association, on the risk-ratio
    scale, that an unmeasured confounder would need with both treatment and outcome to explain
    the estimate away: :math:`E = RR + \\sqrt{RR(RR-1)}` (with :math:`RR \\ge 1`; the inverse
    is taken for protective effects). For a continuous outcome the standardised difference
    :math:`d = \\hat\\tau / \\mathrm{sd}(Y)` is converted with :math:`RR \\approx e^{0.91 d}`.

    *Robustness value* (Cinelli & Hazlett, 2020): with :math:`f = t/\\sqrt{\\mathrm{dof}}` the
    treatment's partial Cohen's f, :math:`RV_q = \\tfrac12(\\sqrt{f_q^4 + 4 f_q^2} - f_q^2)`,
    :math:`f_q = q|f|`: a confounder explaining RV_q of the residual variance of both treatment
    and outcome would remove 100·q % of the estimate. RV_q,α uses
    :math:`f_{q,\\alpha} = q|f| - |t^*_{\\alpha,\\mathrm{dof}-1}|/\\sqrt{\\mathrm{dof}-1}` and is 0
    when the interval already includes zero.

    References
    ----------
    VanderWeele, T. J., & Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. *Annals of Internal Medicine*, 167(4), 268–274.
    Cinelli, C., & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. *JRSS B*, 82(1), 39–67.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=500); t = (x + rng.normal(size=500) > 0).astype(int)
    >>> data = pd.DataFrame({"x": x, "t": t, "y": 0.5 * t + x + rng.normal(size=500)})
    >>> fit = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"],
    ...                    method="regression")
    >>> table = cxkit.sensitivity(fit).set_index("measure")["value"]
    >>> bool(table["e_value"] > table["e_value_ci"] > 1)
    True
    """
    from scipy.stats import t as student

    rows = []
    sd = result.diagnostics.get("outcome_sd")
    if sd:
        nearest = 0.0 if result.ci_low <= 0 <= result.ci_high else \
            min((result.ci_low, result.ci_high), key=abs)
        for name, value in (("e_value", result.estimate), ("e_value_ci", nearest)):
            rows.append((name, _e_value(value / sd),
                         "risk ratio a hidden confounder needs with treatment and outcome to "
                         + ("explain the estimate away" if name == "e_value"
                            else "move the interval to include zero")))
    if "t" in result.diagnostics:
        t_value, dof = result.diagnostics["t"], result.diagnostics["dof"]
        alpha = 1 - result.level if alpha is None else alpha
        f = abs(t_value) / np.sqrt(dof)
        f_alpha = q * f - abs(student.ppf(alpha / 2, dof - 1)) / np.sqrt(dof - 1)
        rows += [
            ("partial_r2_treatment", t_value ** 2 / (t_value ** 2 + dof),
             "share of the outcome's residual variance the treatment explains"),
            ("rv_q", _rv(q * f), f"confounder strength (partial R² with treatment and outcome) "
             f"that removes {q:.0%} of the estimate"),
            ("rv_q_alpha", _rv(f_alpha) if f_alpha > 0 else 0.0,
             "confounder strength that makes the interval include zero"),
        ]
    return pd.DataFrame(rows, columns=["measure", "value", "meaning"])


def _e_value(d: float) -> float:
    rr = float(np.exp(0.91 * abs(d)))
    return rr + float(np.sqrt(rr * (rr - 1)))


def _rv(f: float) -> float:
    return 0.5 * (np.sqrt(f ** 4 + 4 * f ** 2) - f ** 2)


# ------------------------------------------------------------------------------------------
# several methods, several groups
# ------------------------------------------------------------------------------------------
def compare_effects(data: pd.DataFrame, *, treatment: str, outcome: str,
                    methods: Sequence[str] = ("naive", "regression", "ipw", "aipw"),
                    truth: float | None = None, **options) -> pd.DataFrame:
    """Run several methods on the same question; a forest plot with :func:`plot_effects`.

    Parameters
    ----------
    data, treatment, outcome
        As in :func:`effect`.
    methods : sequence of str
        Methods of :func:`effect` to run.
    truth : float, optional
        The true effect (simulated data): added as a column for the plot.
    **options
        Passed to :func:`effect` (``confounders``, ``seed``, ``group``, ``time``...). Options a
        method does not use are ignored by it.

    Returns
    -------
    DataFrame
        One row per method: the columns of :meth:`EffectResult.to_frame` (+ ``truth``).

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=400); t = (x + rng.normal(size=400) > 0).astype(int)
    >>> data = pd.DataFrame({"x": x, "t": t, "y": t + 2 * x + rng.normal(size=400)})
    >>> table = cxkit.compare_effects(data, treatment="t", outcome="y", confounders=["x"],
    ...                               methods=("naive", "aipw"), seed=0, truth=1.0)
    >>> table["method"].tolist()
    ['naive', 'aipw']
    """
    frames = [effect(data, treatment=treatment, outcome=outcome, method=m, **options).to_frame()
              for m in methods]
    table = pd.concat(frames, ignore_index=True)
    if truth is not None:
        table["truth"] = truth
    return table


def effects_by(data: pd.DataFrame, by: str, *, treatment: str, outcome: str,
               method: str = "aipw", **options) -> pd.DataFrame:
    """Conditional average effects: :func:`effect` within each group of ``by``.

    Returns
    -------
    DataFrame
        One row per group: ``by``, then the columns of :meth:`EffectResult.to_frame`.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(2)
    >>> g = rng.choice(["a", "b"], 600); t = rng.integers(0, 2, 600)
    >>> y = np.where(g == "a", 1.0, 3.0) * t + rng.normal(size=600)
    >>> data = pd.DataFrame({"g": g, "t": t, "y": y})
    >>> cxkit.effects_by(data, "g", treatment="t", outcome="y", method="naive")[
    ...     ["g", "estimate", "ci_low", "ci_high"]].round(1)
       g  estimate  ci_low  ci_high
    0  a       1.0     0.7      1.2
    1  b       3.1     2.9      3.4
    """
    if by not in data.columns:
        raise DataError("column not in the data", column=by,
                        expected="columns " + ", ".join(map(str, data.columns)))
    rows = []
    for value, part in data.groupby(by, sort=True):
        result = effect(part, treatment=treatment, outcome=outcome, method=method, **options)
        rows.append(result.to_frame().assign(**{by: value}))
    table = pd.concat(rows, ignore_index=True)
    return table[[by] + [c for c in table.columns if c != by]]


def cate(data: pd.DataFrame, by: str, *, treatment: str, outcome: str,
         confounders: Sequence[str] = (), seed: int | None = None, folds: int = 5,
         trim: float = 0.01, level: float = 0.95, propensity_model=None,
         outcome_model=None) -> pd.DataFrame:
    """Conditional average effects by group with a DR-learner (Kennedy, 2023).

    Nuisance models (propensity, and the outcome under each arm) are fitted on *all* rows with
    cross-fitting, on the ``confounders`` plus ``by``; each row gets the doubly robust
    pseudo-outcome :math:`\\psi_i` of :func:`effect` (``aipw``), and the effect in a group is
    the mean of its pseudo-outcomes — the DR-learner with the group indicators as its second
    stage. Unlike :func:`effects_by`, which refits everything inside each group, the models
    borrow strength across groups, which helps small groups.

    Parameters
    ----------
    data, treatment, outcome, confounders, seed, folds, trim, level
        As in :func:`effect`.
    by : str
        The effect modifier whose groups get an effect (e.g. ``"segment"``).
    propensity_model, outcome_model : scikit-learn estimators, optional
        As in :func:`effect` (a random forest lets the outcome model find interactions).

    Returns
    -------
    DataFrame
        One row per group: ``by``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``,
        ``method`` (``"dr-learner"``), ``treatment``, ``outcome``. Plot it with
        :func:`plot_effects` (``label=by``).

    References
    ----------
    Kennedy, E. H. (2023). Towards optimal doubly robust estimation of heterogeneous causal
    effects. *Electronic Journal of Statistics*, 17(2), 3008–3049.
    Künzel, S. R., et al. (2019). Metalearners for estimating heterogeneous treatment effects
    using machine learning. *PNAS*, 116(10), 4156–4165.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(5)
    >>> g = rng.choice(["a", "b"], 2000); x = rng.normal(size=2000)
    >>> t = (x + rng.normal(size=2000) > 0).astype(int)
    >>> y = np.where(g == "a", 0.5, 2.0) * t + x + rng.normal(size=2000)
    >>> data = pd.DataFrame({"g": g, "x": x, "t": t, "y": y})
    >>> cxkit.cate(data, "g", treatment="t", outcome="y", confounders=["x"], seed=0)[
    ...     ["g", "estimate"]].round(1)
       g  estimate
    0  a       0.5
    1  b       2.0
    """
    from scipy.stats import norm

    frame = _checked(data, treatment, outcome, list(dict.fromkeys([*confounders, by])))
    x = _design(frame, list(dict.fromkeys([*confounders, by])))
    t = frame[treatment].to_numpy(dtype=int)
    y = frame[outcome].to_numpy(dtype=float)
    e, mu1, mu0 = _nuisances(x, t, y, cross_fit=True, seed=seed, folds=folds,
                             propensity_model=propensity_model, outcome_model=outcome_model)
    e = np.clip(e, trim, 1 - trim)
    psi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
    z = norm.ppf(0.5 + level / 2)
    table = pd.Series(psi).groupby(frame[by].to_numpy()).agg(["mean", "std", "size"])
    se = table["std"] / np.sqrt(table["size"])
    return pd.DataFrame({by: table.index, "estimate": table["mean"].to_numpy(),
                         "se": se.to_numpy(), "ci_low": (table["mean"] - z * se).to_numpy(),
                         "ci_high": (table["mean"] + z * se).to_numpy(),
                         "n": table["size"].to_numpy(), "method": "dr-learner",
                         "treatment": treatment, "outcome": outcome})


def plot_effects(table: pd.DataFrame, *, label: str = "method", ax=None):
    """Forest plot of effect estimates with intervals (and the truth, when given).

    ``table`` comes from :func:`compare_effects` or :func:`effects_by` (``label`` names the
    column shown on the vertical axis). Returns the matplotlib Axes.

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> table = pd.DataFrame({"method": ["naive", "aipw"], "estimate": [2.0, 1.1],
    ...                       "ci_low": [1.8, 0.9], "ci_high": [2.2, 1.3], "truth": 1.0})
    >>> ax = cxkit.plot_effects(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['naive', 'aipw']
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 * len(table) + 1.5))
    y = np.arange(len(table))[::-1]
    ax.errorbar(table["estimate"], y, xerr=[table["estimate"] - table["ci_low"],
                                           table["ci_high"] - table["estimate"]],
                fmt="o", color="black", capsize=3)
    ax.set_yticks(y, labels=table[label].astype(str))
    ax.axvline(0, color="grey", lw=0.8)
    if "truth" in table:
        truths = table["truth"].to_numpy(dtype=float)
        if np.allclose(truths, truths[0]):
            ax.axvline(truths[0], color="tab:red", ls="--", label="truth")
        else:
            ax.scatter(truths, y, marker="x", color="tab:red", label="truth", zorder=3)
        ax.legend(loc="best")
    ax.set_xlabel(f"effect on {table['outcome'].iloc[0]}" if "outcome" in table else "effect")
    return ax


# ------------------------------------------------------------------------------------------
# staggered adoption: panels and event studies
# ------------------------------------------------------------------------------------------
def activity_panel(events: pd.DataFrame, customers: pd.DataFrame, *,
                   touchpoint: str = "purchase", start=None, end=None,
                   traits: Sequence[str] = ()) -> pd.DataFrame:
    """Customer × month counts of one touchpoint, for the months a customer was active.

    A month enters for a customer when the customer was a customer for the whole month: signed
    up before it began and had not churned before it ended (so partial months at the edges
    neither dilute nor inflate the counts).

    Parameters
    ----------
    events : DataFrame
        Journey events (canonical schema).
    customers : DataFrame
        ``customer_id``, ``signup_date`` and ``churn_date`` (NaT when still a customer), plus
        any ``traits`` to carry along.
    touchpoint : str
        The touchpoint counted (``"purchase"`` by default).
    start, end : date-like, optional
        The window (default: the events' first and last day).
    traits : sequence of str
        Customer columns added to every row (e.g. ``"region"``).

    Returns
    -------
    DataFrame
        ``customer_id``, ``month`` (first day of the month), ``period`` (months since the first
        month of the window, 0, 1, ...), ``count`` (events of the touchpoint), then ``traits``.

    Examples
    --------
    >>> import cxkit
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> panel = cxkit.activity_panel(study.events, study.customers, traits=["region"])
    >>> list(panel.columns)
    ['customer_id', 'month', 'period', 'count', 'region']
    """
    missing = [c for c in ("customer_id", "signup_date", "churn_date", *traits)
               if c not in customers.columns]
    if missing:
        raise DataError("column(s) not in the customer table", column=missing,
                        expected="customer_id, signup_date, churn_date and the traits asked for")
    stamps = events["timestamp"].dt.tz_localize(None) if events["timestamp"].dt.tz else \
        events["timestamp"]
    first = pd.Timestamp(start) if start is not None else stamps.min().normalize()
    last = pd.Timestamp(end) if end is not None else stamps.max().normalize()
    months = pd.period_range(first, last, freq="M")
    month_start = months.to_timestamp()
    month_end = (months + 1).to_timestamp()
    keep = (month_start >= first) & (month_end <= last + pd.Timedelta(days=1))
    cust = customers.reset_index(drop=True)
    churn = cust["churn_date"].fillna(pd.Timestamp.max.normalize())
    grid_c = np.repeat(np.arange(len(cust)), keep.sum())
    grid_m = np.tile(np.flatnonzero(keep), len(cust))
    active = (cust["signup_date"].to_numpy()[grid_c] <= month_start.to_numpy()[grid_m]) & \
        (churn.to_numpy()[grid_c] >= month_end.to_numpy()[grid_m])
    panel = pd.DataFrame({"customer_id": cust["customer_id"].to_numpy()[grid_c[active]],
                          "month": month_start[grid_m[active]],
                          "period": grid_m[active] - int(np.flatnonzero(keep)[0])})
    hits = events.loc[events["touchpoint"] == touchpoint, ["customer_id"]].assign(
        month=stamps[events["touchpoint"] == touchpoint].dt.to_period("M").dt.to_timestamp())
    counts = hits.groupby(["customer_id", "month"]).size().rename("count")
    panel = panel.join(counts, on=["customer_id", "month"])
    panel["count"] = panel["count"].fillna(0).astype("int64")
    if traits:
        panel = panel.merge(cust[["customer_id", *traits]], on="customer_id", how="left")
    return panel


@dataclass(frozen=True)
class EventStudyResult:
    """Effects by time relative to adoption (leads and lags), with intervals.

    Attributes
    ----------
    coefficients : DataFrame
        ``event_time`` (periods since adoption; -1 is the reference), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``.
    estimator : str
        ``"did2s"`` (robust to staggered adoption) or ``"twfe"`` (dynamic two-way fixed effects).
    n : int
        Rows used.
    fit : object
        The pyfixest model behind the estimates.
    units_set_aside : int
        Units left out because fewer than two of their rows are untreated: their own level
        cannot be learnt from untreated periods (always-treated units and singletons).
    """

    coefficients: pd.DataFrame
    estimator: str
    outcome: str
    n: int
    level: float
    fit: object = None
    units_set_aside: int = 0

    def to_frame(self) -> pd.DataFrame:
        return self.coefficients.assign(estimator=self.estimator)

    def summary(self) -> str:
        post = self.coefficients[self.coefficients["event_time"] >= 0]
        pre = self.coefficients[self.coefficients["event_time"] < -1]
        return (f"{self.estimator} event study of {self.outcome}: mean effect after adoption "
                f"{post['estimate'].mean():.3f} over {len(post)} periods; largest |lead| "
                f"{pre['estimate'].abs().max() if len(pre) else float('nan'):.3f}; n = {self.n}")

    def plot(self, *, truth=None, ax=None):
        """Leads and lags with intervals; ``truth``: a mapping event time → true effect."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        c = self.coefficients
        ax.errorbar(c["event_time"], c["estimate"], yerr=[c["estimate"] - c["ci_low"],
                                                          c["ci_high"] - c["estimate"]],
                    fmt="o", capsize=2, label=self.estimator)
        if truth is not None:
            k = sorted(int(t) for t in truth)
            ax.plot(k, [truth[str(t)] if str(t) in truth else truth[t] for t in k], "r--",
                    label="truth")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="grey", ls=":", lw=0.8)
        ax.set_xlabel("periods since adoption")
        ax.set_ylabel(f"effect on {self.outcome}")
        ax.legend(loc="upper left")
        return ax


def event_study(data: pd.DataFrame, *, outcome: str, unit: str, time: str, cohort: str,
                estimator: str = "did2s", cluster: str | None = None, leads: int | None = None,
                lags: int | None = None, level: float = 0.95) -> EventStudyResult:
    """Event study around a dated policy adopted at different times (staggered adoption).

    Parameters
    ----------
    data : DataFrame
        A panel: one row per unit and period (e.g. from :func:`activity_panel`).
    outcome, unit, time : str
        The outcome, the unit id and the integer period columns.
    cohort : str
        The period in which the unit's group adopted the policy (NaN for never or not within
        the panel).
    estimator : {"did2s", "twfe"}
        ``did2s``: Gardner's two-stage difference-in-differences — unit and period effects are
        estimated on not-yet-treated rows only, then the outcome net of them is regressed on
        event-time dummies; unbiased with staggered timing and effects that vary by cohort and
        over time. Its leads are a weak pre-trend check: the first stage is fitted on the very
        untreated rows the leads are measured on, so they sit near zero partly by construction.
        ``twfe``: the dynamic two-way fixed-effects regression, shown for comparison:
        with staggered timing it uses already-treated units as controls and can show spurious
        leads and distorted lags (Sun & Abraham, 2021).
    cluster : str, optional
        Cluster for standard errors (default: ``unit``).
    leads, lags : int, optional
        Keep event times in [-leads, lags] (others are binned into the end points).
    level : float
        Confidence level.

    Returns
    -------
    EventStudyResult

    References
    ----------
    Gardner, J. (2021). Two-stage differences in differences. arXiv:2207.05943.
    Sun, L., & Abraham, S. (2021). Estimating dynamic treatment effects in event studies with
    heterogeneous treatment effects. *Journal of Econometrics*, 225(2), 175–199.
    Borusyak, K., Jaravel, X., & Spiess, J. (2024). Revisiting event-study designs. *Review of
    Economic Studies*. The estimation runs on pyfixest (``did2s``, ``feols``).

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> rows = [(u, t, [4, 7, np.nan][u % 3]) for u in range(300) for t in range(10)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "g"])
    >>> panel["y"] = 0.1 * panel["t"] + (panel["t"] >= panel["g"]) + rng.normal(size=len(panel))
    >>> es = cxkit.event_study(panel, outcome="y", unit="unit", time="t", cohort="g")
    >>> es.coefficients.set_index("event_time").loc[[-3, 0, 2], "estimate"].round(1).tolist()
    [0.0, 1.1, 1.0]
    """
    import pyfixest as pf
    from scipy.stats import norm

    if estimator not in ("did2s", "twfe"):
        raise ValueError(f"estimator must be 'did2s' or 'twfe', not {estimator!r}")
    frame = _checked_panel(data, [outcome, unit, time], cohort)
    rel = frame[time] - frame[cohort]
    if lags is not None:
        rel = rel.where(rel.isna() | (rel <= lags), lags)
    if leads is not None:
        rel = rel.where(rel.isna() | (rel >= -leads), -leads)
    frame["_rel"] = rel.fillna(-1).astype(int)  # never treated: the reference period
    frame["_treated"] = (frame[cohort].notna() & (frame[time] >= frame[cohort])).astype(int)
    cluster = cluster or unit
    frame, dropped = _identifiable(frame, "_treated", unit)
    # plain names for pyfixest's formulas, whatever the user's columns are called
    for new, old in (("_y", outcome), ("_unit", unit), ("_time", time)):
        frame[new] = frame[old]
    # integer cluster codes: pyfixest's variance step compares cluster labels, slow for text ids
    frame["_cluster"] = pd.factorize(frame[cluster])[0]
    if estimator == "did2s":
        fit = pf.did2s(frame, yname="_y", first_stage="~ 0 | _unit + _time",
                       second_stage="~ i(_rel, ref=-1)", treatment="_treated",
                       cluster="_cluster")
    else:
        fit = pf.feols("_y ~ i(_rel, ref=-1) | _unit + _time", frame,
                       vcov={"CRV1": "_cluster"})
    tidy = fit.tidy()
    z = norm.ppf(0.5 + level / 2)
    times = tidy.index.str.extract(r"::(-?\d+(?:\.\d+)?)", expand=False).astype(float)
    coefs = pd.DataFrame({"event_time": times.astype(int).to_numpy(),
                          "estimate": tidy["Estimate"].to_numpy(),
                          "se": tidy["Std. Error"].to_numpy()})
    coefs["ci_low"] = coefs["estimate"] - z * coefs["se"]
    coefs["ci_high"] = coefs["estimate"] + z * coefs["se"]
    reference = pd.DataFrame([{"event_time": -1, "estimate": 0.0, "se": 0.0, "ci_low": 0.0,
                               "ci_high": 0.0}])
    coefs = pd.concat([coefs, reference]).sort_values("event_time").reset_index(drop=True)
    return EventStudyResult(coefficients=coefs, estimator=estimator, outcome=outcome,
                            n=len(frame), level=level, fit=fit, units_set_aside=dropped)


def _checked_panel(data, columns, cohort) -> pd.DataFrame:
    needed = [*columns, cohort]
    absent = [c for c in needed if c not in data.columns]
    if absent:
        raise DataError("column(s) not in the data", column=absent,
                        expected="columns " + ", ".join(map(str, data.columns)))
    frame = data.reset_index(drop=True).copy()
    missing = frame[columns].isna().any(axis=1)
    if missing.any():
        raise DataError("missing values", column=[c for c in columns if frame[c].isna().any()],
                        rows=(np.flatnonzero(missing) + 1).tolist(), expected="complete rows")
    for col in (columns[2], cohort):
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise DataError("not a period number", column=col,
                            expected="integer periods (e.g. months since the start)")
    return frame
