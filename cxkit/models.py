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
  untreated groups would have moved in parallel. Valid here when the policy switches on between
  the same two periods for every treated group; staggered adoption over several periods is
  refused, because two-way fixed effects is then biased when effects differ across groups
  (Goodman-Bacon, 2021).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._report import DataError

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
        customer appears in several periods). Without it, heteroskedasticity-robust (HC1)
        standard errors are used.
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
    if method == "did":
        _refuse_staggered(frame, treatment, group, time)
    if method in ("ipw", "aipw"):
        return _weighting(frame, treatment, outcome, confounders, method=method, level=level,
                          seed=seed, propensity_model=propensity_model,
                          outcome_model=outcome_model, folds=folds, trim=trim)
    import statsmodels.formula.api as smf

    terms = [] if method == "naive" else [_term(frame, c) for c in confounders]
    if method == "did":
        terms += [f"C(Q('{group}'))", f"C(Q('{time}'))"]
    formula = f"Q('{outcome}') ~ Q('{treatment}')" + "".join(f" + {t}" for t in terms)
    model = smf.ols(formula, data=frame)
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


def _refuse_staggered(frame, treatment, group, time):
    periods = np.sort(frame[time].unique())
    on = frame[frame[treatment] == 1]
    first = on.groupby(group)[time].min()
    if first.nunique() > 1 or (len(periods) > 2 and len(first)):
        raise DataError(
            "the policy switches on at different periods across groups, or there are more "
            "than two periods: two-way fixed effects is biased under staggered adoption with "
            "heterogeneous effects (Goodman-Bacon 2021); compare two periods around a common "
            "switch instead", column=[treatment, time],
            expected="two periods with the policy off everywhere in the first")
    off_first = frame[frame[time] == periods[0]][treatment].eq(0).all()
    if not off_first:
        raise DataError("the policy is already on in the first period", column=treatment,
                        expected="no treated rows in the first period")


# ------------------------------------------------------------------------------------------
# weighting estimators
# ------------------------------------------------------------------------------------------
def _design(frame: pd.DataFrame, confounders: list[str]) -> np.ndarray:
    """Confounders as a numeric matrix: text and booleans one-hot encoded (first level dropped)."""
    if not confounders:
        return np.ones((len(frame), 1))
    x = pd.get_dummies(frame[confounders], drop_first=True, dtype=float)
    return x.to_numpy(dtype=float)


def _weighting(frame, treatment, outcome, confounders, *, method, level, seed,
               propensity_model, outcome_model, folds, trim) -> EffectResult:
    from scipy.stats import norm
    from sklearn.base import clone
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    x = _design(frame, confounders)
    t = frame[treatment].to_numpy(dtype=int)
    y = frame[outcome].to_numpy(dtype=float)
    ps_model = propensity_model if propensity_model is not None else \
        LogisticRegression(max_iter=1000)
    out_model = outcome_model if outcome_model is not None else LinearRegression()
    n = len(frame)
    e = np.empty(n)
    mu1, mu0 = np.empty(n), np.empty(n)
    if method == "ipw":
        e[:] = clone(ps_model).fit(x, t).predict_proba(x)[:, 1]
    else:
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train, test in split.split(x, t):
            e[test] = clone(ps_model).fit(x[train], t[train]).predict_proba(x[test])[:, 1]
            for arm, mu in ((1, mu1), (0, mu0)):
                rows = train[t[train] == arm]
                mu[test] = clone(out_model).fit(x[rows], y[rows]).predict(x[test])
    trimmed = int(((e < trim) | (e > 1 - trim)).sum())
    e = np.clip(e, trim, 1 - trim)
    diagnostics = {"outcome_sd": float(np.std(y, ddof=1)), "propensity_trimmed": trimmed,
                   "propensity_min": float(e.min()), "propensity_max": float(e.max())}
    if method == "ipw":
        import statsmodels.api as sm

        weights = t / e + (1 - t) / (1 - e)
        fit = sm.WLS(y, sm.add_constant(t.astype(float)), weights=weights).fit(cov_type="HC1")
        estimate, se = float(fit.params[1]), float(fit.bse[1])
    else:
        fit = None
        psi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
        estimate, se = float(psi.mean()), float(psi.std(ddof=1) / np.sqrt(n))
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
