"""Cox proportional hazards regression: how much a covariate multiplies the hazard of churn.

:func:`cox` fits the model with statsmodels' ``PHReg`` and returns a :class:`CoxResult`
(hazard ratios with intervals, a proportional-hazards check from scaled Schoenfeld residuals,
a forest plot). With ``entry=`` it takes counting-process data, one row per customer and
period, so covariates may change over time; :func:`cxkit.models.churn.churn_episodes` builds
such a table for the service-failure question.

The other retention tools live beside it: churn episodes in :mod:`cxkit.models.churn`, the
repeat-purchase summary in :mod:`cxkit.models.value`, Kaplan–Meier curves in
:mod:`cxkit.metrics` and their figure in :mod:`cxkit.plots.retention`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result

__all__ = ["CoxResult", "cox"]


# ------------------------------------------------------------------------------------------
# Cox proportional hazards
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class CoxResult(Result):
    """A fitted Cox proportional hazards model (from :func:`cox`).

    Attributes
    ----------
    hazard_ratios : DataFrame
        One row per model term: ``covariate``, ``hazard_ratio``, ``ci_low``, ``ci_high``,
        ``coef``, ``se``, ``p_value`` (see :func:`cox`).
    fit : statsmodels PHRegResults
        The statsmodels results behind the table (``params``, ``cov_params()``,
        ``schoenfeld_residuals``, ``summary()``, ``baseline_cumulative_hazard`` ...).
    n : int
        Rows used (periods, for counting-process data).
    n_events : int
        Rows ending in the event.
    duration, event : str
        Column names of the exit time and the event flag.
    entry, strata : str or None
        Column names of the entry time and of the strata, if given.
    conf_level : float
        Confidence level of the intervals (formerly ``level``, which still reads it with a
        ``FutureWarning`` until cxkit 0.3.0).
    ties : str
        How tied event times were handled (``"efron"`` or ``"breslow"``).
    reference_levels : dict
        For each text covariate, the level its hazard ratios are relative to.
    tests : DataFrame
        The global likelihood-ratio, Wald and score tests that every hazard ratio is 1 (see
        :attr:`CoxResult.tests`).
    """

    hazard_ratios: pd.DataFrame
    fit: object = field()  # a field without default (the base class has fit = None)
    n: int
    n_events: int
    duration: str
    event: str
    entry: str | None
    strata: str | None
    conf_level: float
    ties: str
    reference_levels: dict = field(default_factory=dict)

    _label_columns = ("covariate",)
    _estimate_column = "hazard_ratio"

    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """The hazard-ratio table (a copy): covariate, hazard_ratio, ci_low, ci_high, coef, se,
        p_value."""
        return self.hazard_ratios.copy()

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Confidence intervals of the hazard ratios (the scale of :meth:`to_frame`), one row
        per term (index ``covariate``; columns ``lower``, ``upper``).

        The bounds are :math:`\\exp(\\hat\\beta \\pm z\\,\\mathrm{se})`, the exponential of
        statsmodels' ``fit.conf_int(alpha=1 - conf_level)`` on the log-hazard scale (for the
        log hazard ratios themselves, take ``numpy.log`` of them or call ``fit.conf_int()``).
        At the fitted level they are the ``ci_low`` and ``ci_high`` of :meth:`to_frame`.

        Parameters
        ----------
        conf_level : float, optional
            The confidence level; by default the one the model was fitted at.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from cxkit.models import cox
        >>> rng = np.random.default_rng(1)
        >>> arm = rng.integers(0, 2, 2000)
        >>> data = pd.DataFrame({"arm": arm, "churned": 1,
        ...                      "months": rng.exponential(12 / np.where(arm == 1, 2.0, 1.0))})
        >>> fit = cox(data, duration="months", event="churned", covariates="arm")
        >>> fit.conf_int(0.9).round(2)
                   lower  upper
        covariate
        arm         1.85   2.16
        """
        level = self.conf_level if conf_level is None else _check.conf_level(conf_level)
        bounds = np.exp(np.asarray(self.fit.conf_int(alpha=1 - level), dtype=float))
        return pd.DataFrame({"lower": bounds[:, 0], "upper": bounds[:, 1]},
                            index=pd.Index(self.hazard_ratios["covariate"], name="covariate"))

    @property
    def tests(self) -> pd.DataFrame:
        """Global tests that every hazard ratio is 1 (all :math:`\\beta = 0`), as R's
        ``summary(coxph(...))`` prints them.

        Returns
        -------
        DataFrame
            Three rows, ``likelihood ratio``, ``Wald`` and ``score``, with columns

            - ``test``: the test's name;
            - ``statistic``: its chi-square statistic;
            - ``df``: its degrees of freedom, the number of model terms;
            - ``p_value``: a small value is evidence that at least one covariate changes the
              hazard of churn.

        Notes
        -----
        With :math:`\\ell(\\beta)` the log partial likelihood of the fitted model (the same
        ties approximation, strata and entry times; statsmodels' ``fit.model.loglike``),
        :math:`U(\\beta)` its gradient and :math:`I(\\beta)` minus its Hessian
        (``fit.model.score``, ``fit.model.hessian``),

        .. math::

            \\text{LR} = 2\\bigl(\\ell(\\hat\\beta) - \\ell(0)\\bigr), \\quad
            \\text{Wald} = \\hat\\beta^\\top \\hat V^{-1} \\hat\\beta, \\quad
            \\text{score} = U(0)^\\top I(0)^{-1}\\, U(0),

        where :math:`\\hat V` is the covariance matrix of :math:`\\hat\\beta`
        (``fit.cov_params()``); each is chi-square with :math:`p` degrees of freedom when no
        covariate matters [1]_. The score test is R's "Score (logrank) test": with one
        grouping covariate, Breslow ties and no tied churn times it is the log-rank test. The
        three agree in large samples; where they do not (few events, large effects), trust the
        likelihood ratio: the Wald test understates large effects.

        References
        ----------
        .. [1] Therneau, T. M., & Grambsch, P. M. (2000). *Modeling Survival Data: Extending
           the Cox Model*, section 3.4. Springer.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from cxkit.models import cox
        >>> rng = np.random.default_rng(1)
        >>> arm = rng.integers(0, 2, 300)
        >>> data = pd.DataFrame({"arm": arm, "churned": 1,
        ...                      "months": rng.exponential(12 / np.where(arm == 1, 1.5, 1.0))})
        >>> fit = cox(data, duration="months", event="churned", covariates="arm")
        >>> fit.tests.round(3)
                       test  statistic  df  p_value
        0  likelihood ratio      8.993   1    0.003
        1              Wald      8.982   1    0.003
        2             score      9.068   1    0.003
        """
        return self._tests.copy()

    @cached_property
    def _tests(self) -> pd.DataFrame:
        return _global_tests(self.fit)

    def summary(self) -> str:
        """The hazard ratios with their intervals, one line per term, and the global tests
        (:attr:`tests`), as text."""
        head = (f"Cox proportional hazards ({self.ties} ties): {self.n} rows, "
                f"{self.n_events} events")
        if self.strata is not None:
            head += f", stratified by {self.strata}"
        width = max(len("covariate"), *(len(c) for c in self.hazard_ratios["covariate"]))
        lines = [head, f"{'covariate':<{width}}  hazard ratio  {self.conf_level:.0%} CI"
                       f"            p"]
        for row in self.hazard_ratios.itertuples(index=False):
            lines.append(f"{row.covariate:<{width}}  {row.hazard_ratio:12.3f}  "
                         f"{row.ci_low:6.3f} to {row.ci_high:6.3f}  {_p(row.p_value):>6}")
        if self.reference_levels:
            lines.append("reference levels: " + ", ".join(
                f"{k} = {v}" for k, v in self.reference_levels.items()))
        lines.append("global tests that every hazard ratio is 1:")
        for row in self.tests.itertuples(index=False):
            lines.append(f"  {row.test:<16}  {row.statistic:8.2f} on {row.df} df, "
                         f"p {_p(row.p_value, sign=True)}")
        return "\n".join(lines)

    def ph_test(self, transform: str = "rank") -> pd.DataFrame:
        """Check proportional hazards with scaled Schoenfeld residuals (Grambsch & Therneau).

        Parameters
        ----------
        transform : {"rank", "km", "identity", "log"}
            The function of event time :math:`g(t)` the residuals are correlated with: the rank
            of the event times (default), one minus the Kaplan–Meier estimate just before each
            event time (``"km"``, robust to a few very late events), the time itself or its
            logarithm.

        Returns
        -------
        DataFrame
            One row per model term and a last row ``GLOBAL`` (all terms jointly), with columns

            - ``covariate``: the term (as in :attr:`hazard_ratios`) or ``GLOBAL``;
            - ``rho``: correlation of the term's scaled Schoenfeld residuals with
              :math:`g(t)` (NaN for ``GLOBAL``); positive means the log hazard ratio grows
              with time;
            - ``chisq``: the test statistic, chi-square under proportional hazards;
            - ``df``: its degrees of freedom (1, or the number of terms for ``GLOBAL``);
            - ``p_value``: a small value is evidence that the term's hazard ratio changes
              over time.

        Notes
        -----
        If the hazard ratio of covariate :math:`j` drifts over time, :math:`\\beta_j(t) =
        \\beta_j + \\theta_j g(t)`, the scaled Schoenfeld residuals :math:`r^*_k = d\\,V
        r_k + \\hat\\beta` at the :math:`d` event times :math:`t_k` satisfy
        :math:`E(r^*_{kj}) \\approx \\beta_j(t_k)` [1]_, where :math:`r_k` is the Schoenfeld
        residual (covariates of the row that had the event minus their risk-weighted mean
        over the risk set, ``fit.schoenfeld_residuals``) and :math:`V` the model's covariance
        matrix. A trend of :math:`r^*_{kj}` in :math:`g(t_k)` is the sign of non-proportional
        hazards. With :math:`x_k = g(t_k) - \\bar g`, the score test of :math:`\\theta_j = 0`
        is approximated by

        .. math::

            \\chi^2_j = \\frac{\\bigl(\\sum_k x_k\\, (d\\,V r_k)_j\\bigr)^2}
                             {d\\, V_{jj} \\sum_k x_k^2}
            \\quad\\text{and}\\quad
            \\chi^2_\\text{global} = \\frac{d\\,\\bigl(\\sum_k x_k r_k\\bigr)^\\top V
                                         \\bigl(\\sum_k x_k r_k\\bigr)}{\\sum_k x_k^2},

        with 1 and :math:`p` degrees of freedom. These are the formulas of R's ``cox.zph``
        before survival 3.0 and of lifelines' ``proportional_hazard_test``. A test is only a
        screen: with many events a tiny, harmless drift is "significant"; look at the size of
        ``rho`` and, if needed, at a plot of the residuals against time. A remedy is to stratify
        on the covariate (``strata=``) or to let its effect change by period (counting-process
        rows with an interaction).

        References
        ----------
        .. [1] Grambsch, P. M., & Therneau, T. M. (1994). Proportional hazards tests and
           diagnostics based on weighted residuals. *Biometrika*, 81(3), 515–526.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from cxkit.models import cox
        >>> rng = np.random.default_rng(5)
        >>> x = rng.integers(0, 2, 600)
        >>> data = pd.DataFrame({"x": x, "months": rng.exponential(1 / np.exp(0.7 * x)),
        ...                      "churned": 1})
        >>> test = cox(data, duration="months", event="churned", covariates=["x"]).ph_test()
        >>> test["covariate"].tolist()
        ['x', 'GLOBAL']
        >>> bool(test["p_value"].iloc[0] > 0.05)
        True
        """
        from scipy.stats import chi2, rankdata

        fit = self.fit
        residuals = np.asarray(fit.schoenfeld_residuals, dtype=float)
        status = np.asarray(fit.model.status, dtype=float)
        rows = np.flatnonzero((status == 1) & np.isfinite(residuals).all(axis=1))
        times = np.asarray(fit.model.endog, dtype=float)[rows]
        order = np.argsort(times, kind="stable")
        times, residuals = times[order], residuals[rows][order]
        _check.one_of(transform, ("rank", "km", "identity", "log"), "transform")
        if transform == "rank":
            g = rankdata(times)
        elif transform == "identity":
            g = times
        elif transform == "log":
            if (times <= 0).any():
                raise ValueError("transform='log' needs event times above 0")
            g = np.log(times)
        else:  # "km"
            g = 1 - self._km_just_before(times)
        x = g - g.mean()
        var = np.asarray(fit.cov_params(), dtype=float)
        d = len(rows)
        sxx = float(x @ x)
        names = self.hazard_ratios["covariate"].tolist()
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = residuals @ var * d
            trend = x @ scaled
            chisq = trend ** 2 / (np.diag(var) * d * sxx)
            rho = [float(np.corrcoef(x, scaled[:, j])[0, 1]) if sxx > 0 else np.nan
                   for j in range(len(names))]
            total = x @ residuals
            global_chisq = float(total @ var @ total * d / sxx)
        p = len(names)
        table = pd.DataFrame({"covariate": names, "rho": rho, "chisq": chisq, "df": 1,
                              "p_value": chi2.sf(chisq, 1)})
        overall = pd.DataFrame({"covariate": ["GLOBAL"], "rho": [np.nan],
                                "chisq": [global_chisq], "df": [p],
                                "p_value": [chi2.sf(global_chisq, p)]})
        return pd.concat([table, overall], ignore_index=True)

    def _km_just_before(self, times: np.ndarray) -> np.ndarray:
        """Kaplan–Meier estimate S(t−) of the data the model was fitted to, at ``times``."""
        from statsmodels.duration.survfunc import SurvfuncRight

        model = self.fit.model
        entry = None if model.entry is None else np.asarray(model.entry, dtype=float)
        km = SurvfuncRight(np.asarray(model.endog, dtype=float),
                           np.asarray(model.status, dtype=float), entry=entry)
        step = np.searchsorted(km.surv_times, times, side="left") - 1
        return np.where(step < 0, 1.0, km.surv_prob[step.clip(0)])

    def plot(self, ax=None):
        """Forest plot of the hazard ratios and their intervals on a log axis; returns the Axes
        (drawn by :func:`cxkit.plots.hazard_ratios`).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from cxkit.models import cox
        >>> rng = np.random.default_rng(0)
        >>> data = pd.DataFrame({"x": rng.normal(size=300), "churned": 1,
        ...                      "months": rng.exponential(size=300)})
        >>> ax = cox(data, duration="months", event="churned", covariates=["x"]).plot()
        >>> ax.get_xscale()
        'log'
        """
        from ..plots.retention import hazard_ratios

        return hazard_ratios(self, ax=ax)


@shared_docs
@old_keywords()
def cox(data: pd.DataFrame, *, duration: str, event: str, covariates, entry: str | None = None,
        strata: str | None = None, conf_level: float = 0.95, ties: str = "efron",
        level: float | None = None) -> CoxResult:
    """Cox proportional hazards regression: hazard ratios of churn with intervals.

    Parameters
    ----------
    data : DataFrame
        One row per customer, or, with ``entry``, one row per customer and period
        (counting-process data, e.g. from :func:`cxkit.models.churn_episodes`).
    duration : str
        Time at which the row ends: churn, or the end of observation (censoring), or, with
        ``entry``, the end of the period. Numbers of at least 0 (strictly above ``entry``).
    event : str
        Whether the row ends in the event (``True``/1: the customer churned at ``duration``)
        or is censored (``False``/0).
    covariates : str or list of str
        Columns whose hazard ratios are estimated. Numbers enter as they are (the hazard ratio
        is per unit), true/false as 1/0, and text (or categorical) columns are one-hot encoded:
        one term ``column[level]`` per level except the reference level — the first category
        of a pandas ``Categorical``, otherwise the first level in sorted order (pass a
        ``Categorical`` to choose it). The reference levels are in
        ``result.reference_levels``.
    entry : str, optional
        Time at which the row's period starts (counting-process data): the row is at risk on
        the interval (entry, duration], so a covariate may take a different value in each
        period (time-varying covariates), or a customer may join the risk set late (delayed
        entry, left truncation). Numbers of at least 0.
    strata : str, optional
        Column whose groups each get their own baseline hazard (the hazard ratios are shared).
        Use it for a covariate that breaks proportional hazards and whose effect you do not
        need.
    {doc:conf_level}
    ties : {"efron", "breslow"}
        Approximation of the partial likelihood for tied event times. Efron's (the default, as
        in R's ``coxph``) is the more accurate when durations are whole days or months.
    {doc:level}

    Returns
    -------
    CoxResult
        ``.hazard_ratios``: one row per term with columns

        - ``covariate``: the column name, or ``column[level]`` for a level of a text column;
        - ``hazard_ratio``: :math:`\\exp(\\hat\\beta)`, the factor by which the hazard of
          churn is multiplied per unit of the covariate (or for the level against the
          reference level);
        - ``ci_low``, ``ci_high``: its interval, :math:`\\exp(\\hat\\beta \\pm z\\,
          \\mathrm{se})`;
        - ``coef``: :math:`\\hat\\beta`, the log hazard ratio;
        - ``se``: its standard error (inverse information);
        - ``p_value``: Wald test of :math:`\\beta = 0`.

        and ``.fit`` (the statsmodels ``PHRegResults``), ``.summary()``, ``.to_frame()``,
        ``.conf_int()`` (the hazard ratios' intervals), ``.tests`` (the global
        likelihood-ratio, Wald and score tests, as R's ``summary(coxph(...))``),
        ``.ph_test()`` and ``.plot()``.

    Raises
    ------
    DataError
        A column is absent; missing values in the columns used; durations or entries that are
        not numbers, negative or infinite; an entry at or after its duration; events that are
        not true/false or 1/0; no event at all; a covariate that does not vary or covariates
        that are collinear.

    Notes
    -----
    The Cox model [1]_ leaves the baseline hazard :math:`h_0(t)` unspecified and models the
    hazard of a customer with covariates :math:`x(t)` as

    .. math::

        h(t \\mid x) = h_0(t) \\exp\\bigl(x(t)^\\top \\beta\\bigr),

    so :math:`e^{\\beta_j}` is the hazard ratio of covariate :math:`j`, the same at every
    time (*proportional hazards*; check it with :meth:`CoxResult.ph_test`, after Grambsch &
    Therneau [3]_). :math:`\\beta` is
    estimated by maximising the partial likelihood

    .. math::

        L(\\beta) = \\prod_{k} \\frac{\\exp(x_k(t_k)^\\top\\beta)}
                                  {\\sum_{i \\in R(t_k)} \\exp(x_i(t_k)^\\top\\beta)}

    over the event times :math:`t_k`, where the risk set :math:`R(t)` holds the rows with
    :math:`\\text{entry} < t \\le \\text{duration}`. The fit is statsmodels'
    ``PHReg(duration, X, status=event, entry=entry, strata=strata, ties=ties)``. statsmodels
    counts a row as at risk from its entry time *inclusive*; so that a customer split into
    periods at a time when someone else churns is not counted twice, each entry is passed as
    the next floating-point number above it, which gives the (entry, duration] risk sets of
    the counting-process convention (Andersen & Gill [2]_; R's ``coxph(Surv(start, stop,
    event) ~ ...)``). Splitting a customer's time into periods with the same covariates then
    leaves the estimates unchanged.

    Standard errors are model-based. With one row per customer and period they are still
    valid: a customer has at most one event and the periods add up to the customer's
    partial-likelihood contribution.

    References
    ----------
    .. [1] Cox, D. R. (1972). Regression models and life-tables. *Journal of the Royal
       Statistical Society B*, 34(2), 187–220.
    .. [2] Andersen, P. K., & Gill, R. D. (1982). Cox's regression model for counting
       processes: a large sample study. *The Annals of Statistics*, 10(4), 1100–1120.
    .. [3] Grambsch, P. M., & Therneau, T. M. (1994). Proportional hazards tests and
       diagnostics based on weighted residuals. *Biometrika*, 81(3), 515–526.

    Examples
    --------
    Churn times with a known hazard ratio of 2 for the e-mail arm:

    >>> import numpy as np, pandas as pd
    >>> from cxkit.models import cox
    >>> rng = np.random.default_rng(1)
    >>> arm = rng.integers(0, 2, 2000)
    >>> months = rng.exponential(12 / np.where(arm == 1, 2.0, 1.0))
    >>> data = pd.DataFrame({"arm": arm, "months": np.minimum(months, 24),
    ...                      "churned": months < 24,
    ...                      "segment": rng.choice(["budget", "premium"], 2000)})
    >>> fit = cox(data, duration="months", event="churned", covariates=["arm", "segment"])
    >>> fit.hazard_ratios[["covariate", "hazard_ratio", "ci_low", "ci_high"]].round(2)
              covariate  hazard_ratio  ci_low  ci_high
    0               arm          2.00    1.82     2.20
    1  segment[premium]          0.97    0.89     1.06
    >>> fit.reference_levels
    {'segment': 'budget'}
    """
    from statsmodels.duration.hazard_regression import PHReg

    conf_level = _check.conf_level(conf_level)
    covariates = _check.as_list(covariates, "covariates")
    _check.one_of(ties, ("efron", "breslow"), "ties")
    used = [duration, event, *covariates] + [c for c in (entry, strata) if c is not None]
    _check.table(data, used)
    _check.complete(data, list(dict.fromkeys(used)))
    time = _check.durations(data, duration).to_numpy()
    status = _check.flags(data, event, missing=False).to_numpy()
    if status.sum() == 0:
        raise DataError("no row ends in the event: there is nothing to model", column=event,
                        expected="at least one event (True/1)")
    start = None
    if entry is not None:
        start = _check.durations(data, entry).to_numpy()
        _check.refuse_rows(start >= time, f"{entry} at or after {duration}: a period must "
                           "have positive length", [entry, duration], f"{entry} < {duration}")
        # PHReg counts a row at risk from its entry time inclusive; the next float above the
        # entry gives the counting-process risk set (entry, duration].
        start = np.nextafter(start, np.inf)
    groups = None if strata is None else pd.factorize(data[strata])[0]
    design, reference = _design(data, covariates)
    fit = PHReg(time, design, status=status, entry=start, strata=groups, ties=ties).fit()
    coef = np.asarray(fit.params, dtype=float)
    se = np.asarray(fit.bse, dtype=float)
    bounds = np.exp(np.asarray(fit.conf_int(alpha=1 - conf_level), dtype=float))
    table = pd.DataFrame({"covariate": list(design.columns), "hazard_ratio": np.exp(coef),
                          "ci_low": bounds[:, 0], "ci_high": bounds[:, 1],
                          "coef": coef, "se": se,
                          "p_value": np.asarray(fit.pvalues, dtype=float)})
    return CoxResult(hazard_ratios=table, fit=fit, n=len(data), n_events=int(status.sum()),
                     duration=duration, event=event, entry=entry, strata=strata,
                     conf_level=conf_level, ties=ties, reference_levels=reference)


def _global_tests(fit) -> pd.DataFrame:
    """Likelihood-ratio, Wald and score tests of beta = 0 from a statsmodels PHReg fit."""
    from scipy.stats import chi2

    model = fit.model
    beta = np.asarray(fit.params, dtype=float)
    zero = np.zeros_like(beta)
    likelihood_ratio = 2 * (float(model.loglike(beta)) - float(model.loglike(zero)))
    wald = _quadratic_form(beta, np.asarray(fit.cov_params(), dtype=float))
    score = _quadratic_form(np.asarray(model.score(zero), dtype=float),
                            -np.asarray(model.hessian(zero), dtype=float))
    statistic = np.array([likelihood_ratio, wald, score])
    return pd.DataFrame({"test": ["likelihood ratio", "Wald", "score"],
                         "statistic": statistic, "df": len(beta),
                         "p_value": chi2.sf(statistic, len(beta))})


def _quadratic_form(vector: np.ndarray, matrix: np.ndarray) -> float:
    """vector' matrix^-1 vector; NaN when the matrix is singular."""
    try:
        return float(vector @ np.linalg.solve(matrix, vector))
    except np.linalg.LinAlgError:
        return float("nan")


def _p(value: float, sign: bool = False) -> str:
    """A p-value as the summaries print it: three decimals, or below 0.001."""
    if value < 0.001:
        return "< 0.001" if sign else "<0.001"
    return f"= {value:.3f}" if sign else f"{value:.3f}"


def _design(data: pd.DataFrame, covariates: list[str]) -> tuple[pd.DataFrame, dict]:
    """Covariates as numbers: booleans as 1/0, text one-hot (reference level dropped)."""
    columns, reference = {}, {}
    for name in covariates:
        values = data[name].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(values):
            columns[name] = values.astype(float)
        elif pd.api.types.is_numeric_dtype(values):
            columns[name] = _check.numbers(data, name, finite=True)
        else:
            levels = values.astype("category").cat.remove_unused_categories()
            categories = list(levels.cat.categories)
            if len(categories) < 2:
                raise DataError(f"a single value ({categories[0]!r}) in every row", column=name,
                                expected="a covariate that varies")
            reference[name] = categories[0]
            for category in categories[1:]:
                columns[f"{name}[{category}]"] = (levels == category).astype(float)
    design = pd.DataFrame(columns)
    constant = [c for c in design.columns if design[c].nunique() < 2]
    if constant:
        raise DataError("covariate does not vary", column=constant,
                        expected="a covariate that takes at least two values")
    centred = design.to_numpy() - design.to_numpy().mean(axis=0)
    if np.linalg.matrix_rank(centred) < design.shape[1]:
        raise DataError("covariates are collinear (one is a combination of the others)",
                        column=covariates, expected="covariates that are not collinear")
    return design, reference


# ``cxkit.retention`` (cxkit 0.1) is an alias of this module; the names it held that now live
# in the modules beside this one stay reachable through it.
_MOVED = {"churn_episodes": "churn", "EPISODE_TRAITS": "churn",
          "repeat_purchase_summary": "value", "UNIT_DAYS": "value"}


def __getattr__(name):
    if name in _MOVED:
        from . import churn, value

        return getattr({"churn": churn, "value": value}[_MOVED[name]], name)
    if name == "plot_retention":
        from ..plots.retention import plot_retention

        return plot_retention
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
