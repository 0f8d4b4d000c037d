"""Customer behaviour with its uncertainty: churn rate, repeat-purchase rate and the
Kaplan–Meier retention curve.

Each takes the table first and returns one row per group (``by=``; one row per group and time
for the retention curve); see :mod:`cxkit.metrics` for the columns every metric shares and the
rule for missing and invalid values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._deprecated import old_keywords
from .._docstrings import shared_docs
from ._common import DOCS, by_groups, share

__all__ = ["churn_rate", "repeat_rate", "retention_curve"]


@shared_docs(extra=DOCS)
@old_keywords()
def churn_rate(data: pd.DataFrame, column: str = "churned", *, by=None,
               conf_level: float = 0.95, level: float | None = None) -> pd.DataFrame:
    """Churn rate: the share of customers who left, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    column : str
        Whether the customer churned: ``True``/``False`` (or 1/0), missing allowed.
    {doc:by}
    {doc:conf_level}
    {doc:level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {doc:head_columns}
        {doc:share_columns}

        ``estimate`` is a share between 0 and 1.

    Raises
    ------
    {doc:raises}
        Values other than true/false or 1/0, e.g. text such as ``"yes"`` (the error names the
        rows).

    Notes
    -----
    With :math:`x` churned customers among :math:`n`, the churn rate is :math:`\\hat p = x/n`
    over whatever window the column was built on; it ignores *when* customers left and
    treats customers observed for a short time like the others. For time to churn with
    censoring use :func:`retention_curve`.
    {doc:wilson}

    References
    ----------
    {doc:wilson_refs}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> customers = pd.DataFrame({"churned": [True, False, False, True, False, False],
    ...                           "csr_aware": [False, True, True, False, True, False]})
    >>> metrics.churn_rate(customers, by="csr_aware")[["csr_aware", "estimate", "count", "n"]]
       csr_aware  estimate  count  n
    0      False  0.666667      2  3
    1       True  0.000000      0  3
    """
    conf_level = _check.conf_level(conf_level)
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    flags = _check.some(_check.flags(data, column), column)
    return share(data, by, conf_level, flags, flags == 1)


@shared_docs(extra=DOCS)
@old_keywords()
def repeat_rate(data: pd.DataFrame, column: str = "n_repurchases", *, by=None,
                conf_level: float = 0.95, level: float | None = None) -> pd.DataFrame:
    """Repeat-purchase rate: the share of customers who bought again, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    column : str
        Number of repeat purchases (purchases after the first); whole numbers of at least 0,
        missing allowed.
    {doc:by}
    {doc:conf_level}
    {doc:level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {doc:head_columns}
        {doc:share_columns}

        ``estimate`` is a share between 0 and 1.

    Raises
    ------
    {doc:raises}
        Negative or fractional counts (the error names the rows).

    Notes
    -----
    With :math:`x` customers having at least one repeat purchase among :math:`n`, the repeat
    rate is :math:`\\hat p = x/n`.
    {doc:wilson}

    References
    ----------
    {doc:wilson_refs}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> customers = pd.DataFrame({"n_repurchases": [0, 2, 1, 0, 5, 0, 1, None]})
    >>> metrics.repeat_rate(customers)[["estimate", "count", "n", "n_missing"]].round(3)
       estimate  count  n  n_missing
    0     0.571      4  7          1
    """
    conf_level = _check.conf_level(conf_level)
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    counts = _check.some(_check.numbers(data, column, finite=True), column)
    _check.refuse_values(counts.notna() & ((counts < 0) | (counts % 1 != 0)), counts, column,
            "not a count", "whole numbers of at least 0 (or NaN when unknown)")
    return share(data, by, conf_level, counts, counts > 0)


@shared_docs(extra=DOCS)
@old_keywords()
def retention_curve(data: pd.DataFrame, *, duration: str, event: str, by=None,
                    conf_level: float = 0.95, level: float | None = None,
                    times: Sequence[float] | None = None) -> pd.DataFrame:
    """Retention (survival) curve by Kaplan–Meier, with pointwise intervals.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    duration : str
        Time from the start (first purchase, sign-up) to churn, or to the end of observation for
        customers still active; numbers of at least 0, in any unit (days, months).
    event : str
        Whether the customer churned at ``duration`` (``True``/1) or was still a customer when
        observation ended (``False``/0: censored).
    {doc:by}
    {doc:conf_level}
    {doc:level}
    times : sequence of float, optional
        Evaluate the curve at these times (in the given order) instead of at time 0 and every
        time at which someone churned.

    Returns
    -------
    DataFrame
        One row per group and time with columns

        - the ``by`` column(s), if given;
        - ``time``: 0 and each distinct churn time of the group (or ``times``);
        - ``estimate``: the share of customers still retained just after ``time``,
          :math:`\\hat S(t) = \\hat P(T > t)`;
        - ``ci_low``, ``ci_high``: pointwise interval (log–log, see Notes);
        - ``n_at_risk``: customers still observed just before ``time`` (duration at least
          ``time``);
        - ``n_events``: customers who churned exactly at ``time``;
        - ``n``: customers in the group with both columns present;
        - ``n_missing``: customers in the group left out because ``duration`` or ``event``
          is missing (the same on every row of the group).

        Beyond the group's longest follow-up the curve is unknown and ``estimate`` is NaN,
        unless it has already reached 0.

    Raises
    ------
    DataError
        The table has no rows; a column is absent; durations are not numbers, are negative or
        infinite; events are not true/false or 1/0; no customer has both columns present.

    Notes
    -----
    The curve is the Kaplan–Meier product-limit estimate [1]_ computed by statsmodels'
    ``SurvfuncRight``: with :math:`n_j` customers at risk and :math:`d_j` churning at time
    :math:`t_j`,

    .. math::

        \\hat S(t) = \\prod_{t_j \\le t} \\Bigl(1 - \\frac{d_j}{n_j}\\Bigr),

    a step function, constant between churn times. Its variance is Greenwood's [2]_,
    :math:`\\hat\\sigma^2(t) = \\sum_{t_j \\le t} d_j / (n_j(n_j - d_j))` for
    :math:`\\log \\hat S`. The interval is computed on the log–log scale [3]_, which keeps it
    inside (0, 1):

    .. math::

        \\hat S(t)^{\\exp(\\pm z\\, \\hat\\sigma(t) / \\log \\hat S(t))}

    with :math:`z` the :math:`1 - (1-\\text{conf\\_level})/2` normal quantile. It is pointwise: each
    interval covers its own time with the stated level, the band as a whole does not. Before
    the first churn the estimate is 1 with interval [1, 1]; where the estimate is 0 the
    interval is NaN. Censoring is assumed independent of churn risk.

    References
    ----------
    .. [1] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. *Journal of the American Statistical Association*, 53(282), 457–481.
    .. [2] Greenwood, M. (1926). The natural duration of cancer. *Reports on Public Health
       and Medical Subjects*, 33. HMSO.
    .. [3] Kalbfleisch, J. D., & Prentice, R. L. (2002). *The Statistical Analysis of Failure
       Time Data* (2nd ed.). Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> customers = pd.DataFrame({"months": [2, 3, 3, 5, 8],
    ...                           "churned": [True, True, False, True, False]})
    >>> curve = metrics.retention_curve(customers, duration="months", event="churned")
    >>> curve[["time", "estimate", "n_at_risk", "n_events"]]
       time  estimate  n_at_risk  n_events
    0   0.0       1.0          5         0
    1   2.0       0.8          5         1
    2   3.0       0.6          4         1
    3   5.0       0.3          2         1
    >>> metrics.retention_curve(customers, duration="months", event="churned",
    ...                         times=[4, 6])[["time", "estimate", "n_at_risk"]]
       time  estimate  n_at_risk
    0   4.0       0.6          2
    1   6.0       0.3          1
    """
    from scipy.stats import norm

    conf_level = _check.conf_level(conf_level)
    by = _check.by_list(by)
    _check.table(data, [duration, event, *by])
    z = float(norm.ppf(0.5 + conf_level / 2))
    if times is not None:
        times = np.atleast_1d(np.asarray(times, dtype="float64"))
        if times.ndim != 1 or times.size == 0 or not np.isfinite(times).all():
            raise ValueError("times must be a non-empty sequence of finite numbers")
    durations = _check.numbers(data, duration, finite=True)
    _check.refuse_values(durations < 0, durations, duration, "negative duration",
            "durations of at least 0")
    parts = pd.DataFrame({"duration": durations, "event": _check.flags(data, event)})
    if parts.notna().all(axis=1).sum() == 0:
        raise DataError("no customer has both a duration and an event", column=[duration, event],
                        expected="at least one row with both present")

    def summarise(part: pd.DataFrame) -> pd.DataFrame:
        return _kaplan_meier(part, times, z)

    return by_groups(data, by, parts, summarise)


def _kaplan_meier(part: pd.DataFrame, times, z: float) -> pd.DataFrame:
    from statsmodels.duration.survfunc import SurvfuncRight

    present = part.notna().all(axis=1)
    n_missing = int((~present).sum())
    duration = part.loc[present, "duration"].to_numpy(dtype="float64")
    event = part.loc[present, "event"].to_numpy(dtype="float64")
    n = len(duration)
    grid = np.array([0.0]) if times is None else times
    if n == 0:
        nan = np.full(len(grid), np.nan)
        return pd.DataFrame({"time": grid, "estimate": nan, "ci_low": nan, "ci_high": nan,
                             "n_at_risk": 0, "n_events": 0, "n": 0, "n_missing": n_missing})

    fit = SurvfuncRight(duration, event)
    if times is None:
        grid = np.union1d([0.0], fit.surv_times)
    low, high = _loglog_interval(fit.surv_prob, fit.surv_prob_se, z)
    # The curve is a right-continuous step function: at t it takes the value of the last
    # churn time at or before t, and 1 before the first churn.
    step = np.searchsorted(fit.surv_times, grid, side="right") - 1
    before = step < 0
    at = step.clip(0)
    has_steps = len(fit.surv_times) > 0

    def pick(values, start):
        picked = values[at] if has_steps else np.full(len(grid), start)
        return np.where(before, start, picked)

    estimate, ci_low, ci_high = pick(fit.surv_prob, 1.0), pick(low, 1.0), pick(high, 1.0)
    beyond = grid > duration.max()
    if not (has_steps and fit.surv_prob[-1] == 0):
        estimate = np.where(beyond, np.nan, estimate)
        ci_low = np.where(beyond, np.nan, ci_low)
        ci_high = np.where(beyond, np.nan, ci_high)

    ordered = np.sort(duration)
    churned = np.sort(duration[event == 1])
    n_at_risk = n - np.searchsorted(ordered, grid, side="left")
    n_events = (np.searchsorted(churned, grid, side="right")
                - np.searchsorted(churned, grid, side="left"))
    return pd.DataFrame({"time": grid, "estimate": estimate, "ci_low": ci_low,
                         "ci_high": ci_high, "n_at_risk": n_at_risk.astype("int64"),
                         "n_events": n_events.astype("int64"), "n": n,
                         "n_missing": n_missing})


def _loglog_interval(surv: np.ndarray, se: np.ndarray, z: float):
    """Pointwise log–log interval from the Greenwood standard error of S(t)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv)
        # se is the standard error of S; se / S that of log S (Greenwood).
        width = z * (se / surv) / np.abs(log_s)
        low = surv ** np.exp(width)
        high = surv ** np.exp(-width)
    undefined = (surv <= 0) | ~np.isfinite(width)
    low = np.where(undefined, np.nan, low)
    high = np.where(undefined, np.nan, high)
    return low, high
