"""Effect estimates with intervals: how much does a treatment change a loyalty outcome?

The estimators here hand the regression work to statsmodels and return a small result object
(:class:`EffectResult`) with the estimate, its interval, the method and the number of rows used.
Each method answers the same question under different assumptions — say which one you believe:

- ``naive``: difference in means between treated and untreated rows. An effect only if the
  treatment was randomised (an experiment); otherwise correlation.
- ``regression``: the treatment coefficient of an OLS regression of the outcome on the treatment
  and the ``confounders`` (regression adjustment). An effect if every common cause of treatment
  and outcome is among the confounders and the model is linear in them.
- ``did``: difference-in-differences with group and time fixed effects (two-way fixed effects),
  for a dated policy switched on in some groups. An effect if, without the policy, treated and
  untreated groups would have moved in parallel. Valid here when the policy switches on between
  the same two periods for every treated group; staggered adoption over several periods is
  refused, because two-way fixed effects is then biased when effects differ across groups
  (Goodman-Bacon, 2021).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._report import DataError

METHODS = ("naive", "regression", "did")


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


def effect(data: pd.DataFrame, *, treatment: str, outcome: str, confounders: Sequence[str] = (),
           method: str = "regression", seed: int | None = None, level: float = 0.95,
           group: str | None = None, time: str | None = None,
           cluster: str | None = None) -> EffectResult:
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
    method : {"naive", "regression", "did"}
        See the module's description for what each assumes.
    seed : int, optional
        Unused by these methods (they are not random); accepted so that every method of the
        kit has the same signature.
    level : float
        Confidence level.
    group, time : str
        ``did`` only: the column of the groups the policy is assigned to (e.g. ``"region"``)
        and of the periods (e.g. ``"wave"``); both enter as fixed effects.
    cluster : str, optional
        Column whose values are clusters for the standard errors (e.g. ``"customer_id"`` when a
        customer appears in several periods). Without it, heteroskedasticity-robust (HC1)
        standard errors are used.

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
    ``did`` fits :math:`y_{it} = \\alpha_{g(i)} + \\lambda_t + \\tau D_{it} + X_{it}\\beta +
    \\varepsilon_{it}` by OLS; with two periods and the policy off everywhere in the first,
    :math:`\\hat\\tau` is the classic 2×2 difference in differences.

    References
    ----------
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
                        fit=fit)


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
