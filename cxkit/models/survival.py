"""Retention and churn: Cox regression, churn episodes from journey data, retention curves and
the repeat-purchase summary of buy-till-you-die models.

- :func:`cox` fits a Cox proportional hazards model with statsmodels' ``PHReg`` and returns a
  :class:`CoxResult` (hazard ratios with intervals, a proportional-hazards check from scaled
  Schoenfeld residuals, a forest plot). With ``entry=`` it takes counting-process data, one row
  per customer and period, so covariates may change over time.
- :func:`churn_episodes` builds that counting-process table for the service-failure question
  (does an unresolved failure drive customers away, and does resolving it help?) from observed
  data only: the journey events and the customer table.
- :func:`plot_retention` draws Kaplan–Meier curves of :func:`cxkit.metrics.retention_curve`
  as steps with interval bands.
- :func:`repeat_purchase_summary` turns a purchase log into the frequency / recency / T /
  monetary value table of Fader, Hardie & Lee (2005), the input of BG/NBD, Pareto/NBD and
  Gamma–Gamma models.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._report import DataError

__all__ = ["CoxResult", "churn_episodes", "cox", "plot_retention", "repeat_purchase_summary"]

#: Observed customer traits :func:`churn_episodes` copies to every period by default (the
#: columns of the customer table of :func:`cxkit.simulate_study` an analyst can see).
EPISODE_TRAITS = ("segment", "region", "preferred_channel", "age_band", "email_arm")

#: Length of each :func:`repeat_purchase_summary` unit in days (a month is a twelfth of a
#: Julian year, as in :mod:`cxkit.study.simulate`).
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

_ONE_DAY = pd.Timedelta(days=1)


# ------------------------------------------------------------------------------------------
# Cox proportional hazards
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoxResult:
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
    level : float
        Confidence level of the intervals.
    ties : str
        How tied event times were handled (``"efron"`` or ``"breslow"``).
    reference_levels : dict
        For each text covariate, the level its hazard ratios are relative to.
    """

    hazard_ratios: pd.DataFrame
    fit: object
    n: int
    n_events: int
    duration: str
    event: str
    entry: str | None
    strata: str | None
    level: float
    ties: str
    reference_levels: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The hazard-ratio table (a copy): covariate, hazard_ratio, ci_low, ci_high, coef, se,
        p_value."""
        return self.hazard_ratios.copy()

    def summary(self) -> str:
        """The hazard ratios with their intervals, one line per term, as text."""
        head = (f"Cox proportional hazards ({self.ties} ties): {self.n} rows, "
                f"{self.n_events} events")
        if self.strata is not None:
            head += f", stratified by {self.strata}"
        width = max(len("covariate"), *(len(c) for c in self.hazard_ratios["covariate"]))
        lines = [head, f"{'covariate':<{width}}  hazard ratio  {self.level:.0%} CI"
                       f"            p"]
        for row in self.hazard_ratios.itertuples(index=False):
            p = "<0.001" if row.p_value < 0.001 else f"{row.p_value:.3f}"
            lines.append(f"{row.covariate:<{width}}  {row.hazard_ratio:12.3f}  "
                         f"{row.ci_low:6.3f} to {row.ci_high:6.3f}  {p:>6}")
        if self.reference_levels:
            lines.append("reference levels: " + ", ".join(
                f"{k} = {v}" for k, v in self.reference_levels.items()))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CoxResult(\n{self.summary()}\n)"

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
        if transform == "rank":
            g = rankdata(times)
        elif transform == "identity":
            g = times
        elif transform == "log":
            if (times <= 0).any():
                raise ValueError("transform='log' needs event times above 0")
            g = np.log(times)
        elif transform == "km":
            g = 1 - self._km_just_before(times)
        else:
            raise ValueError("transform must be 'rank', 'km', 'identity' or 'log', not "
                             f"{transform!r}")
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
        """Forest plot of the hazard ratios and their intervals on a log axis; returns the Axes.

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
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        table = self.hazard_ratios
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.45 * len(table) + 1.5))
        y = np.arange(len(table))[::-1]
        hr = table["hazard_ratio"].to_numpy()
        ax.errorbar(hr, y, xerr=[hr - table["ci_low"].to_numpy(),
                                 table["ci_high"].to_numpy() - hr],
                    fmt="o", color="black", capsize=3)
        ax.set_xscale("log")
        ax.axvline(1.0, color="grey", lw=0.8)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y, labels=table["covariate"].astype(str))
        ax.set_xlabel(f"hazard ratio ({self.level:.0%} CI, log scale)")
        return ax


def cox(data: pd.DataFrame, *, duration: str, event: str, covariates, entry: str | None = None,
        strata: str | None = None, level: float = 0.95, ties: str = "efron") -> CoxResult:
    """Cox proportional hazards regression: hazard ratios of churn with intervals.

    Parameters
    ----------
    data : DataFrame
        One row per customer, or, with ``entry``, one row per customer and period
        (counting-process data, e.g. from :func:`churn_episodes`).
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
    level : float
        Confidence level of the intervals.
    ties : {"efron", "breslow"}
        Approximation of the partial likelihood for tied event times. Efron's (the default, as
        in R's ``coxph``) is the more accurate when durations are whole days or months.

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
    from scipy.stats import norm
    from statsmodels.duration.hazard_regression import PHReg

    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    if not covariates:
        raise ValueError("covariates must name at least one column")
    if ties not in ("efron", "breslow"):
        raise ValueError(f"ties must be 'efron' or 'breslow', not {ties!r}")
    level = _check_level(level)
    used = [duration, event, *covariates] + [c for c in (entry, strata) if c is not None]
    _require_columns(data, used, "data")
    _refuse_missing(data, list(dict.fromkeys(used)))
    time = _times(data, duration)
    status = _event_flags(data, event)
    if status.sum() == 0:
        raise DataError("no row ends in the event: there is nothing to model", column=event,
                        expected="at least one event (True/1)")
    start = None
    if entry is not None:
        start = _times(data, entry)
        _refuse_rows(start >= time, f"{entry} at or after {duration}: a period must have "
                     "positive length", [entry, duration], f"{entry} < {duration}")
        # PHReg counts a row at risk from its entry time inclusive; the next float above the
        # entry gives the counting-process risk set (entry, duration].
        start = np.nextafter(start, np.inf)
    groups = None if strata is None else pd.factorize(data[strata])[0]
    design, reference = _design(data, covariates)
    fit = PHReg(time, design, status=status, entry=start, strata=groups, ties=ties).fit()
    coef = np.asarray(fit.params, dtype=float)
    se = np.asarray(fit.bse, dtype=float)
    z = float(norm.ppf(0.5 + level / 2))
    table = pd.DataFrame({"covariate": list(design.columns), "hazard_ratio": np.exp(coef),
                          "ci_low": np.exp(coef - z * se), "ci_high": np.exp(coef + z * se),
                          "coef": coef, "se": se,
                          "p_value": np.asarray(fit.pvalues, dtype=float)})
    return CoxResult(hazard_ratios=table, fit=fit, n=len(data), n_events=int(status.sum()),
                     duration=duration, event=event, entry=entry, strata=strata, level=level,
                     ties=ties, reference_levels=reference)


def _design(data: pd.DataFrame, covariates: list[str]) -> tuple[pd.DataFrame, dict]:
    """Covariates as numbers: booleans as 1/0, text one-hot (reference level dropped)."""
    columns, reference = {}, {}
    for name in covariates:
        values = data[name].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(values):
            columns[name] = values.astype(float)
        elif pd.api.types.is_numeric_dtype(values):
            numeric = values.astype(float)
            _refuse_rows(~np.isfinite(numeric.to_numpy()), "infinite value", name,
                         "finite numbers")
            columns[name] = numeric
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


# ------------------------------------------------------------------------------------------
# churn episodes: counting-process data for the service-failure question
# ------------------------------------------------------------------------------------------
def churn_episodes(events: pd.DataFrame, customers: pd.DataFrame, *, end, start=None,
                   traits: Sequence[str] = EPISODE_TRAITS) -> pd.DataFrame:
    """Counting-process table of churn after service failures, built from observed data only.

    Each customer's follow-up is split into periods at their first service failure and at
    the resolution of their complaint, so that :func:`cox` with ``entry="entry"`` estimates
    how much an unresolved (and a resolved) failure multiplies the hazard of churn.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime) and ``touchpoint``; only
        ``service_failure`` and ``complaint_resolved`` events are used.
    customers : DataFrame
        One row per customer with ``customer_id``, ``signup_date``, ``churned`` (true/false)
        and ``churn_date`` (a date; may be missing when ``churned`` is false), plus the
        ``traits`` columns (the customer table of :func:`cxkit.simulate_study` and
        :func:`cxkit.datasets.load_sample`).
    end : date-like
        The last day observed (inclusive): customers still active are censored at the end of
        this day; a churn dated after it is not observed.
    start : date-like, optional
        The first day observed. Customers who signed up earlier are followed from this day.
        By default the calendar day of the earliest event in ``events``.
    traits : sequence of str
        Customer columns copied to every period (covariates that do not change).

    Returns
    -------
    DataFrame
        One row per customer and period, sorted by customer and time, with columns

        - ``customer_id``;
        - ``entry``, ``exit``: the period (entry, exit], in days since the customer's time
          origin, the later of ``signup_date`` and ``start``;
        - ``churned``: 1 when the customer churned at ``exit`` (only on the last period),
          else 0;
        - ``failure_unresolved``: 1 from the first service failure until a
          ``complaint_resolved`` event follows it (for good, if none does), else 0;
        - ``failure_resolved``: 1 from that ``complaint_resolved`` event on, else 0;
        - the ``traits`` columns.

        ``attrs`` holds ``start``, ``end``, ``n_customers`` (customers in the table),
        ``excluded`` (customers left out, by reason: signed up after ``end``, churned before
        ``start``) and ``failures_of_unknown_customers`` (``service_failure`` events of
        customers not in the table, not used).

    Raises
    ------
    DataError
        A column is absent; timestamps or dates that are not dates; duplicate customer ids;
        missing sign-up dates or churn flags; a churned customer without a churn date; a churn
        date before the sign-up date.

    Notes
    -----
    Time is measured in days from each customer's origin :math:`o_i = \\max(\\text{signup}_i,
    \\text{start})`. ``churn_date`` is a calendar day, so the churn is placed at the end of that
    day, :math:`\\text{exit}_i = \\text{churn\\_date}_i + 1\\,\\text{day} - o_i` (a customer
    who churns on the day they sign up gets one day of follow-up); a customer still active is
    censored at :math:`\\text{end} + 1\\,\\text{day} - o_i`. Failure and resolution times keep
    their time of day. With :math:`f_i` the first ``service_failure`` and :math:`r_i` the first
    ``complaint_resolved`` after it (both in days from :math:`o_i`), the periods are

    .. math::

        (0, f_i]:\\ \\text{no failure};\\quad
        (f_i, r_i]:\\ \\text{failure\\_unresolved} = 1;\\quad
        (r_i, \\text{exit}_i]:\\ \\text{failure\\_resolved} = 1,

    leaving out those that do not exist (no failure, no resolution before exit). A failure
    before the origin puts the customer in the failed state from the start. Later failures
    are not counted: the state is defined by the first one.

    *Why the resolved state starts at the resolution, not at the failure.* Whether a complaint
    will be resolved is known only when it is; coding a customer as "resolved" from the day of
    the failure would use the future (look-ahead): a customer who churns between failure and
    resolution never gets a resolution, so the churns in that window would all land in the
    unresolved group, and the resolved group would be credited with days in which it could not
    have churned (*immortal time*): both make resolution look better than it is. Here the
    days between failure and resolution count as unresolved, which is what the customer lived
    through, and the covariates at any time use only the events up to that time.

    The time origin is study time (days since the customer was first observed). For a
    constant hazard, as in :func:`cxkit.simulate_study`, this is harmless; if the hazard
    depends on tenure, use days since sign-up as the time scale with delayed entry for
    customers who joined before ``start`` (add the tenure at the origin to ``entry`` and
    ``exit``). Dates are compared as UTC calendar days (time-zone-aware timestamps are
    converted to UTC).

    A trait that drives churn but is not among the covariates (brand affinity, in the
    simulator) biases the hazard ratios of failures towards 1 even when it is unrelated to who
    fails: after a failure the fragile customers leave first, so the failed customers still at
    risk are increasingly the loyal ones (unmeasured *frailty*). Adjust for what you can
    observe (``traits``); for a trait unrelated to who fails, the hazard ratio of the
    remaining model understates the effect of a failure on an individual customer.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import churn_episodes, cox
    >>> study = cxkit.simulate_study(500, seed=1)
    >>> episodes = churn_episodes(study.events, study.customers, end="2025-12-31")
    >>> episodes.columns.tolist()[:6]
    ['customer_id', 'entry', 'exit', 'churned', 'failure_unresolved', 'failure_resolved']
    >>> int(episodes.groupby("customer_id")["churned"].sum().max())
    1
    >>> fit = cox(episodes, duration="exit", entry="entry", event="churned",
    ...           covariates=["failure_unresolved", "failure_resolved"])
    >>> fit.hazard_ratios["covariate"].tolist()
    ['failure_unresolved', 'failure_resolved']
    """
    traits = [traits] if isinstance(traits, str) else list(traits)
    _require_columns(events, ["customer_id", "timestamp", "touchpoint"], "events")
    _require_columns(customers, ["customer_id", "signup_date", "churned", "churn_date",
                                 *traits], "customers")
    ids = customers["customer_id"].reset_index(drop=True)
    _refuse_rows(ids.duplicated(keep=False).to_numpy(), "customer id appears more than once",
                 "customer_id", "one row per customer", table="customers")
    _refuse_rows(ids.isna().to_numpy(), "missing customer id", "customer_id",
                 "an id on every row", table="customers")
    stamps = _utc_naive(events["timestamp"], "timestamp", "events")
    start = stamps.min().normalize() if start is None else _utc_naive_day(start, "start")
    end = _utc_naive_day(end, "end")
    if pd.isna(start):
        raise DataError("the events table has no timestamps to take the start from",
                        column="timestamp", expected="events, or start=")
    if end < start:
        raise ValueError(f"end ({end.date()}) is before start ({start.date()})")

    signup = _utc_naive(customers["signup_date"], "signup_date", "customers")
    _refuse_rows(signup.isna().to_numpy(), "missing sign-up date", "signup_date",
                 "a date on every row", table="customers")
    churned = _event_flags(customers, "churned").astype(bool)
    churn_day = _utc_naive(customers["churn_date"], "churn_date", "customers").dt.normalize()
    _refuse_rows(churned & churn_day.isna().to_numpy(), "churned without a churn date",
                 ["churned", "churn_date"], "a churn_date for every churned customer",
                 table="customers")
    _refuse_rows((churned & (churn_day < signup.dt.normalize())).to_numpy(),
                 "churn date before the sign-up date", ["signup_date", "churn_date"],
                 "churn_date on or after signup_date", table="customers")

    origin = signup.where(signup > start, start)
    censor_at = end + _ONE_DAY
    seen_churn = churned & (churn_day <= end).to_numpy()
    exit_time = churn_day.where(seen_churn, censor_at - _ONE_DAY) + _ONE_DAY
    after_end = (origin >= censor_at).to_numpy()
    before_start = (seen_churn & (exit_time <= origin)).to_numpy() & ~after_end
    keep = ~(after_end | before_start)
    people = pd.DataFrame({"customer_id": ids, "origin": origin,
                           "exit": (exit_time - origin) / _ONE_DAY,
                           "churned": seen_churn.astype(int)})
    people = people.join(customers[traits].reset_index(drop=True))[keep]

    failure, resolution = _failure_and_resolution(events, stamps)
    people = people.merge(failure, on="customer_id", how="left")
    people = people.merge(resolution, on="customer_id", how="left")
    periods = _periods(people)
    out = periods.merge(people[["customer_id", "churned", *traits]], on="customer_id",
                        how="left", suffixes=("_row", ""))
    out["churned"] = (out["churned"].astype(bool) & out["last"]).astype(int)
    out = out[["customer_id", "entry", "exit", "churned", "failure_unresolved",
               "failure_resolved", *traits]]
    out = out.sort_values(["customer_id", "entry"], kind="stable").reset_index(drop=True)
    unknown = ((events["touchpoint"] == "service_failure")
               & ~events["customer_id"].isin(ids)).to_numpy()
    out.attrs = {"start": start, "end": end, "n_customers": int(keep.sum()),
                 "excluded": {"signed up after end": int(after_end.sum()),
                              "churned before start": int(before_start.sum())},
                 "failures_of_unknown_customers": int(unknown.sum())}
    return out


def _failure_and_resolution(events: pd.DataFrame, stamps: pd.Series):
    """First service failure per customer and the first complaint resolution after it."""
    touchpoint = events["touchpoint"].reset_index(drop=True)
    ids = events["customer_id"].reset_index(drop=True)
    is_failure = (touchpoint == "service_failure").to_numpy()
    failure = (pd.DataFrame({"customer_id": ids[is_failure], "failure_at": stamps[is_failure]})
               .groupby("customer_id", as_index=False)["failure_at"].min())
    is_resolution = (touchpoint == "complaint_resolved").to_numpy()
    resolved = pd.DataFrame({"customer_id": ids[is_resolution],
                             "resolved_at": stamps[is_resolution]})
    resolved = resolved.merge(failure, on="customer_id")
    resolution = (resolved[resolved["resolved_at"] > resolved["failure_at"]]
                  .groupby("customer_id", as_index=False)["resolved_at"].min())
    return failure, resolution


def _periods(people: pd.DataFrame) -> pd.DataFrame:
    """Split each customer's (0, exit] at the failure and the resolution (days from origin)."""
    exit_ = people["exit"].to_numpy(dtype=float)

    def days(column):
        at = ((people[column] - people["origin"]) / _ONE_DAY).to_numpy(dtype=float)
        at = np.clip(at, 0.0, None)  # before the origin: in that state from the start
        return np.where(at < exit_, at, np.nan)  # at or after exit: never reached

    fail = days("failure_at")
    resolve = np.where(np.isnan(fail), np.nan, days("resolved_at"))
    before_end = np.where(np.isnan(fail), exit_, fail)
    unresolved_end = np.where(np.isnan(resolve), exit_, resolve)
    ids = people["customer_id"].to_numpy()
    pieces = [(np.zeros_like(exit_), before_end, 0, 0),
              (fail, unresolved_end, 1, 0),
              (resolve, exit_, 0, 1)]
    frames = []
    for entry, stop, unresolved, resolved in pieces:
        ok = ~np.isnan(entry) & (entry < stop)
        frames.append(pd.DataFrame({"customer_id": ids[ok], "entry": entry[ok],
                                    "exit": stop[ok], "failure_unresolved": unresolved,
                                    "failure_resolved": resolved, "last": stop[ok] == exit_[ok]}))
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------------------------------
# Kaplan–Meier curves
# ------------------------------------------------------------------------------------------
def plot_retention(curve_table: pd.DataFrame, *, by=None, ax=None):
    """Retention curves as steps with their interval bands; returns the Axes.

    Parameters
    ----------
    curve_table : DataFrame
        From :func:`cxkit.metrics.retention_curve` (Kaplan–Meier with pointwise intervals):
        columns ``time``, ``estimate``, ``ci_low``, ``ci_high`` and the ``by`` column(s).
    by : str or list of str, optional
        The group column(s) of the table: one curve per group, labelled by its value(s).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Each curve is the Kaplan–Meier estimate [1]_ :math:`\\hat S(t) = \\prod_{t_j \\le t}
    (1 - d_j / n_j)`, drawn as a right-continuous step function, with its pointwise interval
    as a shaded band; times beyond a group's last follow-up (``estimate`` NaN) are not drawn.

    References
    ----------
    .. [1] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. *Journal of the American Statistical Association*, 53(282), 457–481.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import plot_retention
    >>> customers = cxkit.simulate_study(500, seed=1).customers
    >>> customers["days"] = ((customers["churn_date"].fillna("2026-01-01")
    ...     - customers["signup_date"].clip(lower="2024-01-01")).dt.days)
    >>> curve = cxkit.metrics.retention_curve(customers, duration="days", event="churned",
    ...                                       by="email_arm")
    >>> ax = plot_retention(curve, by="email_arm")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['0', '1']
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    _require_columns(curve_table, ["time", "estimate", "ci_low", "ci_high", *by],
                     "curve_table")
    if by:
        groups = list(curve_table.groupby(by, sort=False, dropna=False, observed=True))
    else:
        if curve_table["time"].duplicated().any():
            raise DataError("the table holds several curves (repeated times)", column="time",
                            expected="by= naming the group column(s)")
        groups = [((), curve_table)]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    colours = sns.color_palette(n_colors=max(len(groups), 1))
    for (key, part), colour in zip(groups, colours, strict=True):
        part = part.sort_values("time")
        part = part[part["estimate"].notna()]
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(map(str, key)) if by else None
        ax.step(part["time"], part["estimate"], where="post", color=colour, label=label)
        ax.fill_between(part["time"], part["ci_low"], part["ci_high"], step="post",
                        color=colour, alpha=0.2, lw=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time")
    ax.set_ylabel("share retained")
    if by:
        ax.legend(title=", ".join(by))
    return ax


# ------------------------------------------------------------------------------------------
# repeat purchases: the input of buy-till-you-die models
# ------------------------------------------------------------------------------------------
def repeat_purchase_summary(events: pd.DataFrame, *, calibration_end, unit: str = "W",
                            touchpoint="purchase", value: str | None = "value") -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer, for buy-till-you-die models.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime), ``touchpoint`` and, for
        the monetary value, ``value``.
    calibration_end : date-like
        Last day of the calibration period (inclusive: purchases on that day count). Purchases
        after it are left out; customers whose first purchase is after it are not in the
        table and are counted in ``attrs``.
    unit : {"W", "D", "M"}
        Unit of ``recency`` and ``T``: weeks (7 days, as in Fader, Hardie & Lee's CDNOW
        data), days, or months of 365.25 / 12 = 30.4375 days.
    touchpoint : str or list of str
        The touchpoint value(s) that mark a purchase.
    value : str or None
        Column of the purchase amount; ``None`` leaves out ``monetary_value``.

    Returns
    -------
    DataFrame
        One row per customer with a first purchase on or before ``calibration_end``, sorted
        by ``customer_id``, with columns

        - ``customer_id``;
        - ``frequency``: repeat purchases, the number of distinct purchase days after the
          first purchase day (several purchases on one day count once);
        - ``recency``: time from the first to the last purchase day, in ``unit`` (0 without a
          repeat purchase);
        - ``T``: time from the first purchase day to ``calibration_end``, in ``unit``;
        - ``monetary_value``: mean amount of the repeat purchase days, each day's amounts
          summed first; the first purchase day is excluded; 0 without a repeat purchase.

        ``attrs`` holds ``calibration_end``, ``unit`` and
        ``n_first_purchase_after_calibration_end`` (customers left out because their first
        purchase is after the calibration period).

    Raises
    ------
    DataError
        A column is absent; timestamps that are not dates or are missing; no purchase events;
        purchases with a missing customer id or amount.

    Notes
    -----
    The table is the sufficient statistics :math:`(x, t_x, T)` of the Pareto/NBD and BG/NBD
    models and :math:`(x, \\bar m_x)` of the Gamma–Gamma spend model [1]_ [2]_, with the same
    conventions as ``lifetimes.utils.summary_data_from_transaction_data(...,
    monetary_value_col="value", observation_period_end=calibration_end, freq="D",
    freq_multiplier=k)`` with :math:`k` = 1, 7 or 30.4375 days per unit, and column for column
    as ``pymc_marketing.clv.rfm_summary``; the output feeds either package unchanged. With
    :math:`d_1 < \\dots < d_{x+1}` a customer's distinct purchase days up to the calibration end
    :math:`d_c`, and :math:`k` the days per unit,

    .. math::

        x = \\#\\{\\text{days}\\} - 1,\\quad
        t_x = \\frac{d_{x+1} - d_1}{k},\\quad
        T = \\frac{d_c - d_1}{k},\\quad
        \\bar m_x = \\frac{1}{x}\\sum_{j=2}^{x+1} \\sum_{\\text{purchases on } d_j} \\text{value}.

    Purchases are always grouped by calendar day; ``unit`` only rescales the times. (In
    lifetimes, ``freq="W"`` would also group purchases by calendar week and count whole
    weeks; ``freq="D", freq_multiplier=7`` is its documented way to reproduce the CDNOW
    summary, which is what ``unit="W"`` does.) Days are calendar days of the timestamps' own
    time zone (UTC for tables from :func:`cxkit.load_journeys`); a naive ``calibration_end`` is
    read in that time zone.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
       easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.
    .. [2] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
       curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.models import repeat_purchase_summary
    >>> log = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-08 10:00",
    ...                                  "2024-01-08 17:30", "2024-01-15 12:00",
    ...                                  "2024-01-03 08:15", "2024-02-10 11:00"]),
    ...     "touchpoint": "purchase", "value": [20.0, 10.0, 5.0, 30.0, 50.0, 9.0]})
    >>> summary = repeat_purchase_summary(log, calibration_end="2024-01-29", unit="W")
    >>> summary
      customer_id  frequency  recency         T  monetary_value
    0           a          2      2.0  4.000000            22.5
    1           b          0      0.0  3.714286             0.0
    >>> summary.attrs["n_first_purchase_after_calibration_end"]
    1
    """
    if unit not in UNIT_DAYS:
        raise ValueError(f"unit must be one of {', '.join(UNIT_DAYS)}, not {unit!r}")
    touchpoints = [touchpoint] if isinstance(touchpoint, str) else list(touchpoint)
    needed = ["customer_id", "timestamp", "touchpoint"] + ([value] if value else [])
    _require_columns(events, needed, "events")
    is_purchase = events["touchpoint"].isin(touchpoints).to_numpy()
    if not is_purchase.any():
        raise DataError(f"no purchase events (touchpoint {', '.join(map(repr, touchpoints))})",
                        column="touchpoint", expected="at least one purchase")
    purchases = events.reset_index(drop=True)[is_purchase]
    _refuse_rows(_positions(is_purchase, purchases["customer_id"].isna()),
                 "purchase without a customer id", "customer_id", "an id on every purchase",
                 table="events", n=len(events))
    stamps = purchases["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(stamps):
        raise DataError("timestamps are not dates", column="timestamp",
                        expected="a datetime column (see cxkit.load_journeys)")
    _refuse_rows(_positions(is_purchase, stamps.isna()), "purchase without a timestamp",
                 "timestamp", "a timestamp on every purchase", table="events", n=len(events))
    cutoff = pd.Timestamp(calibration_end)
    tz = getattr(stamps.dt, "tz", None)
    if cutoff.tzinfo is not None:
        cutoff = cutoff.tz_convert(tz) if tz is not None else cutoff.tz_convert("UTC")
    cutoff = cutoff.tz_localize(None).normalize()
    days = stamps.dt.tz_localize(None).dt.normalize() if tz is not None else \
        stamps.dt.normalize()
    table = pd.DataFrame({"customer_id": purchases["customer_id"].to_numpy(),
                          "day": days.to_numpy()})
    if value:
        amounts = purchases[value]
        if not pd.api.types.is_numeric_dtype(amounts) or pd.api.types.is_bool_dtype(amounts):
            raise DataError("purchase amounts are not numbers", column=value,
                            expected="numbers (or value=None to leave out monetary_value)")
        _refuse_rows(_positions(is_purchase, amounts.isna()), "purchase without an amount",
                     value, "an amount on every purchase (or value=None)", table="events",
                     n=len(events))
        table["amount"] = amounts.to_numpy(dtype=float)
    everyone = table["customer_id"].unique()
    table = table[table["day"] <= cutoff]
    by_day = table.groupby(["customer_id", "day"], as_index=False, sort=True).sum()
    per = by_day.groupby("customer_id", sort=True)
    first, last = per["day"].min(), per["day"].max()
    frequency = per.size() - 1
    k = UNIT_DAYS[unit]
    out = pd.DataFrame({"customer_id": first.index,
                        "frequency": frequency.to_numpy().astype("int64"),
                        "recency": ((last - first) / _ONE_DAY).to_numpy() / k,
                        "T": ((cutoff - first) / _ONE_DAY).to_numpy() / k})
    if value:
        repeat = by_day[by_day["day"] > by_day["customer_id"].map(first)]
        mean = repeat.groupby("customer_id")["amount"].mean()
        out["monetary_value"] = out["customer_id"].map(mean).fillna(0.0).to_numpy(dtype=float)
    out.attrs = {"calibration_end": cutoff, "unit": unit,
                 "n_first_purchase_after_calibration_end": int(len(everyone) - len(out))}
    return out


# ------------------------------------------------------------------------------------------
# input checks
# ------------------------------------------------------------------------------------------
def _require_columns(data, columns: list[str], table: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{table} must be a pandas DataFrame, not {type(data).__name__}")
    absent = [c for c in dict.fromkeys(columns) if c not in data.columns]
    if absent:
        raise DataError(f"column(s) not in the {table} table", column=[str(c) for c in absent],
                        expected="columns " + ", ".join(map(repr, dict.fromkeys(columns)))
                        + "; available: " + ", ".join(map(str, data.columns)))
    if len(data) == 0:
        raise DataError(f"the {table} table has no rows", expected="at least one row")


def _refuse_rows(mask, problem: str, column, expected: str, *, table: str | None = None,
                 n: int | None = None) -> None:
    """Raise a DataError naming the 1-based rows where ``mask`` is true."""
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        where = f" in the {table} table" if table else ""
        raise DataError(problem + where, column=column,
                        rows=(np.flatnonzero(mask) + 1).tolist(), expected=expected)


def _positions(selected: np.ndarray, mask: pd.Series) -> np.ndarray:
    """Spread ``mask`` (over the selected rows) back to all rows of the table."""
    out = np.zeros(len(selected), dtype=bool)
    out[np.flatnonzero(selected)] = np.asarray(mask, dtype=bool)
    return out


def _refuse_missing(data: pd.DataFrame, columns: list[str]) -> None:
    frame = data[columns].reset_index(drop=True)
    missing = frame.isna()
    if missing.to_numpy().any():
        cols = [c for c in columns if missing[c].any()]
        _refuse_rows(missing.any(axis=1).to_numpy(), "missing values in the columns used; "
                     "drop or impute them first and say so", cols, "complete rows")


def _times(data: pd.DataFrame, column: str) -> np.ndarray:
    values = data[column].reset_index(drop=True)
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise DataError("times are not numbers", column=column,
                        expected="numbers of at least 0 (days, months ...)")
    times = values.to_numpy(dtype=float)
    _refuse_rows(~np.isfinite(times), "infinite time", column, "finite numbers")
    _refuse_rows(times < 0, "negative time", column, "times of at least 0")
    return times


def _event_flags(data: pd.DataFrame, column: str) -> np.ndarray:
    values = data[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        _refuse_rows(values.isna().to_numpy(), "missing event flag", column, "True/False")
        return values.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(values):
        raise DataError("event flags are not true/false", column=column,
                        expected="True/False or 1/0")
    flags = values.to_numpy(dtype=float)
    _refuse_rows(~np.isin(flags, [0.0, 1.0]), "event flag not true/false", column,
                 "True/False or 1/0")
    return flags


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1, not {level!r}")
    return float(level)


def _utc_naive(values: pd.Series, column: str, table: str) -> pd.Series:
    """A datetime column as naive UTC times (aware ones converted), positional index."""
    values = values.reset_index(drop=True)
    if not pd.api.types.is_datetime64_any_dtype(values):
        if values.isna().all():
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        raise DataError(f"not dates in the {table} table", column=column,
                        expected="a datetime column (convert with pandas.to_datetime)")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def _utc_naive_day(when, name: str) -> pd.Timestamp:
    stamp = pd.Timestamp(when)
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, not {when!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()
