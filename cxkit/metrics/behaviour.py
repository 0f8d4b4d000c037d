"""Customer behaviour with its uncertainty: churn rate, repeat-purchase rate and the
Kaplan–Meier retention curve.

Each takes the table first and returns one row per group (``by=``; one row per group and time
for the retention curve); see :mod:`cxkit.metrics` for the columns every metric shares and the
rule for missing and invalid values.
"""

from __future__ import annotations

import math
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
               conf_level: float = 0.95, min_n: int | None = None,
               level: float | None = None) -> pd.DataFrame:
    """Churn rate: the share of customers who left, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    column : str
        Whether the customer churned: ``True``/``False`` (or 1/0), missing allowed.
    {doc:by}
    {doc:min_n}
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
    >>> metrics.churn_rate(customers, by="csr_aware", min_n=0)[  # groups of 3: min_n=0
    ...     ["csr_aware", "estimate", "count", "n"]]
       csr_aware  estimate  count  n
    0      False  0.666667      2  3
    1       True  0.000000      0  3
    """
    conf_level = _check.conf_level(conf_level)
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    flags = _check.some(_check.flags(data, column), column)
    return share(data, by, conf_level, flags, flags == 1, min_n=min_n,
                 unit="customers")


@shared_docs(extra=DOCS)
@old_keywords()
def repeat_rate(data: pd.DataFrame, column: str = "n_repurchases", *, by=None,
                conf_level: float = 0.95, min_n: int | None = None,
               level: float | None = None) -> pd.DataFrame:
    """Repeat-purchase rate: the share of customers who bought again, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    column : str
        Number of repeat purchases (purchases after the first); whole numbers of at least 0,
        missing allowed.
    {doc:by}
    {doc:min_n}
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
    return share(data, by, conf_level, counts, counts > 0, min_n=min_n,
                 unit="customers")


@shared_docs(extra=DOCS)
@old_keywords()
def retention_curve(data: pd.DataFrame, *, duration: str, event: str, by=None,
                    conf_level: float = 0.95, min_n: int | None = None,
                    level: float | None = None,
                    times: Sequence[float] | None = None, ci: str = "log-log") -> pd.DataFrame:
    """Retention (survival) curve by Kaplan–Meier, with pointwise intervals and the median
    retention time with its interval.

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
    {doc:min_n}
    {doc:conf_level}
    {doc:level}
    times : sequence of float, optional
        Evaluate the curve at these times (in the given order) instead of at time 0 and every
        time at which someone churned. The median columns always come from the whole curve.
    ci : {"log-log", "log"}
        Scale of the pointwise interval (see Notes). ``"log-log"`` (the default) stays inside
        (0, 1) and keeps close to its level in small groups; ``"log"`` is the default of R's
        ``survfit`` (``conf.type="log"``) and reproduces its output. The median's interval
        is read off the chosen interval.

    Returns
    -------
    DataFrame
        One row per group and time with columns

        - the ``by`` column(s), if given;
        - ``time``: 0 and each distinct churn time of the group (or ``times``);
        - ``estimate``: the share of customers still retained just after ``time``,
          :math:`\\hat S(t) = \\hat P(T > t)`;
        - ``ci_low``, ``ci_high``: pointwise interval (log–log or log, see Notes);
        - ``n_at_risk``: customers still observed just before ``time`` (duration at least
          ``time``);
        - ``n_events``: customers who churned exactly at ``time``;
        - ``n``: customers in the group with both columns present;
        - ``n_missing``: customers in the group left out because ``duration`` or ``event``
          is missing (the same on every row of the group);
        - ``median``: the median retention time, the first time at which the curve falls to
          0.5 or below (the same on every row of the group; NaN when the curve stays above
          0.5);
        - ``median_ci_low``, ``median_ci_high``: its interval, the first times at which the
          lower and the upper limit of the pointwise interval fall to 0.5 or below (NaN when
          that limit stays above 0.5 wherever it is defined: the data do not bound the
          median from that side);
        - ``median_note``: why ``median``, ``median_ci_low`` or ``median_ci_high`` is NaN;
          empty when all three are known.

        Beyond the group's longest follow-up the curve is unknown and ``estimate`` is NaN,
        unless it has already reached 0. One row per group with the median:
        ``curve.drop_duplicates(by)[[*by, "median", "median_ci_low", "median_ci_high"]]``.

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
    :math:`\\log \\hat S`. With ``ci="log-log"`` the interval is computed on the log–log
    scale [3]_, which keeps it inside (0, 1):

    .. math::

        \\hat S(t)^{\\exp(\\pm z\\, \\hat\\sigma(t) / \\log \\hat S(t))}

    with :math:`z` the :math:`1 - (1-\\text{conf\\_level})/2` normal quantile. With
    ``ci="log"`` it is :math:`\\hat S(t) \\exp(\\pm z\\, \\hat\\sigma(t))`, the upper limit cut
    at 1, as R's ``survfit`` computes it. The log–log interval is the default because it
    needs no cut at 1, keeps close to its level in small samples, where the untransformed
    interval does not [4]_, and is the default of SAS's ``PROC LIFETEST`` and Stata's
    ``sts``; cxkit has always used it, so results do not change. The intervals are
    pointwise: each covers its own time with the stated level, the band as a whole does
    not. Before the first churn the estimate is 1
    with interval [1, 1]; where the estimate is 0 the interval is NaN. Censoring is assumed
    independent of churn risk.

    The median and its interval follow Brookmeyer and Crowley [5]_ as R's ``survfit``
    prints them (``median 0.95LCL 0.95UCL``): the times at which a horizontal line at 0.5
    meets the curve and the lower and upper limits of its pointwise interval (on the scale
    chosen by ``ci``), i.e. the first churn time at which each falls to 0.5 or below; a
    limit is passed over where it is undefined (where the curve is 0). Where one of them
    equals 0.5 (up to R's tolerance, the square root of the machine epsilon) over a stretch
    of time, the midpoint of that stretch is taken, up to the longest follow-up if the
    stretch runs to the end, as R does. statsmodels' ``SurvfuncRight.quantile_ci`` (SAS's
    inversion of the pointwise test) gives the same limits while the interval's limits fall
    with time and the curve stays above 0; at the end of a small group's curve the upper
    limit of the log interval can rise again, and then the first crossing is reported.

    References
    ----------
    .. [1] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. *Journal of the American Statistical Association*, 53(282), 457–481.
    .. [2] Greenwood, M. (1926). The natural duration of cancer. *Reports on Public Health
       and Medical Subjects*, 33. HMSO.
    .. [3] Kalbfleisch, J. D., & Prentice, R. L. (2002). *The Statistical Analysis of Failure
       Time Data* (2nd ed.). Wiley.
    .. [4] Borgan, Ø., & Liestøl, K. (1990). A note on confidence intervals and bands for the
       survival function based on transformations. *Scandinavian Journal of Statistics*,
       17(1), 35–41.
    .. [5] Brookmeyer, R., & Crowley, J. (1982). A confidence interval for the median
       survival time. *Biometrics*, 38(1), 29–41.

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

    The median retention time is 5 months; with five customers the data cannot bound it
    from above:

    >>> curve.loc[0, ["median", "median_ci_low", "median_ci_high"]].tolist()
    [5.0, 2.0, nan]
    >>> curve.loc[0, "median_note"]
    "upper limit not reached: the interval's upper limit stays above 0.5"
    """
    from scipy.stats import norm

    conf_level = _check.conf_level(conf_level)
    _check.one_of(ci, _CI_SCALES, "ci")
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
        return _kaplan_meier(part, times, z, ci)

    return by_groups(data, by, parts, summarise, min_n=min_n, unit="customers")


#: Scales of the pointwise Kaplan–Meier interval (``retention_curve(ci=...)``).
_CI_SCALES = ("log-log", "log")
#: R's ``quantile.survfit`` tolerance: a curve within it of 0.5 counts as equal to 0.5.
_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


def _kaplan_meier(part: pd.DataFrame, times, z: float, ci: str) -> pd.DataFrame:
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
                             "n_at_risk": 0, "n_events": 0, "n": 0, "n_missing": n_missing,
                             "median": nan, "median_ci_low": nan, "median_ci_high": nan,
                             "median_note": "no customer with both a duration and an event"})

    fit = SurvfuncRight(duration, event)
    if times is None:
        grid = np.union1d([0.0], fit.surv_times)
    low, high = _interval(fit.surv_prob, fit.surv_prob_se, z, ci)
    median = _median(fit.surv_times, fit.surv_prob, low, high, duration.max())
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
                         "n_missing": n_missing, **median})


def _interval(surv: np.ndarray, se: np.ndarray, z: float, ci: str):
    """Pointwise interval of S(t) from its Greenwood standard error, on the log–log or the
    log scale (the latter cut at 1, as R's ``survfit``)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_se = se / surv  # se is the standard error of S; se / S that of log S (Greenwood)
        if ci == "log":
            low = surv * np.exp(-z * log_se)
            high = np.minimum(surv * np.exp(z * log_se), 1.0)
            width = log_se
        else:
            width = z * log_se / np.abs(np.log(surv))
            low = surv ** np.exp(width)
            high = surv ** np.exp(-width)
    undefined = (surv <= 0) | ~np.isfinite(width)
    low = np.where(undefined, np.nan, low)
    high = np.where(undefined, np.nan, high)
    return low, high


def _median(times: np.ndarray, surv: np.ndarray, low: np.ndarray, high: np.ndarray,
            last_follow_up: float) -> dict:
    """The median retention time and its Brookmeyer–Crowley interval, with the reason for
    any NaN (the ``median*`` columns of :func:`retention_curve`)."""
    median = _first_at_half(times, surv, last_follow_up)
    ci_low = _first_at_half(times, low, last_follow_up)
    ci_high = _first_at_half(times, high, last_follow_up)
    reasons = []
    if np.isnan(median):
        lowest = surv[-1] if len(surv) else 1.0
        reasons.append(f"median not reached: the curve stays above 0.5 (at {lowest:.3g} at "
                       f"the longest follow-up, {last_follow_up:g})")
    # Where the curve reaches 0 its interval is undefined (Greenwood's variance of log S is
    # infinite), so a limit may stay above 0.5 up to there, as in R.
    until = " until the curve reaches 0" if len(surv) and surv[-1] == 0 else ""
    if np.isnan(ci_low):
        reasons.append(f"lower limit not reached: the interval's lower limit stays above 0.5"
                       f"{until}")
    if np.isnan(ci_high):
        reasons.append(f"upper limit not reached: the interval's upper limit stays above 0.5"
                       f"{until}")
    return {"median": median, "median_ci_low": ci_low, "median_ci_high": ci_high,
            "median_note": "; ".join(reasons)}


def _first_at_half(times: np.ndarray, curve: np.ndarray, last_follow_up: float,
                   p: float = 0.5) -> float:
    """First time at which a step curve (1 at time 0, ``curve`` from each of ``times`` on)
    falls to ``p`` or below; the midpoint where it stays at ``p`` (within R's tolerance) up to
    the next step, or up to ``last_follow_up`` when that is its last value (R's
    ``quantile.survfit``). NaN values of ``curve`` (an undefined limit) are passed over."""
    x = np.concatenate([[0.0], times])
    y = np.concatenate([[1.0], curve])
    keep = ~pd.Series(y).duplicated().to_numpy()  # a step only where the value changes
    x, y = x[keep], y[keep]
    with np.errstate(invalid="ignore"):
        reached = np.flatnonzero(y <= p + _TOLERANCE)
        below = np.flatnonzero(y <= p - _TOLERANCE)
    if len(reached) == 0:
        return math.nan
    first = x[reached[0]]
    if len(below) > 0:
        return float((first + x[below[0]]) / 2)
    if not np.isnan(y[-1]) and abs(y[-1] - p) < _TOLERANCE:  # at p until the end
        return float((first + last_follow_up) / 2)
    return math.nan
