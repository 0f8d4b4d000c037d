"""CX metrics with their uncertainty: NPS, CSAT, CES, top-box shares, churn, repeat purchase
and retention curves.

Every function takes the table first and column names as keywords, and returns a tidy
DataFrame with one row per group (``by=``): the group column(s), then ``estimate``,
``ci_low``, ``ci_high``, ``n`` (answers used) and ``n_missing`` (answers left out because they
were missing), then columns particular to the metric. Nothing is dropped silently: a missing
answer (NaN or None) is left out of the estimate and counted in ``n_missing``; anything else that
is not a valid answer (a value off the scale, text, an infinite number) raises
:class:`cxkit.DataError` naming the column and the rows, counted from 1 at the table's first row
(positions, not index labels).

Shares (CSAT, top box, churn, repeat purchase) come with Wilson score intervals, NPS with the
normal interval of a difference of multinomial proportions, CES with a t interval, retention
with the Kaplan–Meier estimate of statsmodels and pointwise log–log intervals.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .._report import DataError

__all__ = ["ces", "churn_rate", "csat", "nps", "repeat_rate", "retention_curve", "top_box"]

# Parameter and column descriptions shared by several docstrings (written once, as seaborn does
# in its _docstrings.py); ``_shared_docs`` replaces each ``{name}`` marker.
_DOCS = {
    "by": (
        "by : str or list of str, optional\n"
        "        Column(s) defining groups; the result has one row per group, in sorted order.\n"
        "        Rows whose group value is missing form a group of their own (they are not\n"
        "        dropped)."
    ),
    "level": (
        "level : float\n"
        "        Confidence level of the interval, strictly between 0 and 1."
    ),
    "head_columns": (
        "- the ``by`` column(s), if given;\n"
        "        - ``estimate``, ``ci_low``, ``ci_high``: the estimate and its interval;\n"
        "        - ``n``: answers used (non-missing values in the group);\n"
        "        - ``n_missing``: missing values (NaN, None) in the group, left out of the\n"
        "          estimate;"
    ),
    "share_columns": (
        "- ``count``: answers counted in the share (the numerator of ``estimate``)."
    ),
    "raises": (
        "DataError\n"
        "        The table has no rows; a column is absent; values are not numbers; no value of\n"
        "        the column is present."
    ),
    "wilson": (
        "The interval is Wilson's score interval [1]_, computed by\n"
        "    ``statsmodels.stats.proportion.proportion_confint(count, n, alpha=1 - level,\n"
        "    method=\"wilson\")``: with :math:`\\hat p = x/n` and :math:`z` the\n"
        "    :math:`1 - (1 - \\text{level})/2` normal quantile,\n"
        "\n"
        "    .. math::\n"
        "\n"
        "        \\frac{\\hat p + z^2/(2n) \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/(4n^2)}}\n"
        "             {1 + z^2/n}.\n"
        "\n"
        "    Unlike the textbook Wald interval it stays inside [0, 1] and keeps close to its\n"
        "    nominal coverage for small groups and shares near 0 or 1 [2]_. A group with no\n"
        "    answers gets NaN."
    ),
    "wilson_refs": (
        ".. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and\n"
        "       statistical inference. *Journal of the American Statistical Association*,\n"
        "       22(158), 209–212.\n"
        "    .. [2] Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a\n"
        "       binomial proportion. *Statistical Science*, 16(2), 101–133."
    ),
}


def _shared_docs(func: Callable) -> Callable:
    for name, text in _DOCS.items():
        func.__doc__ = func.__doc__.replace("{" + name + "}", text)
    return func


# --------------------------------------------------------------------------------------------
# survey scores
# --------------------------------------------------------------------------------------------
@_shared_docs
def nps(data: pd.DataFrame, column: str = "nps", *, by=None, level: float = 0.95) -> pd.DataFrame:
    """Net Promoter Score: promoters (9–10) minus detractors (0–6), in percent, with its interval.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        The 0–10 "how likely are you to recommend us" answer. Values must be whole numbers
        from 0 to 10 or missing.
    {by}
    {level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {head_columns}
        - ``promoters``, ``passives``, ``detractors``: shares (0–1) of answers 9–10, 7–8 and
          0–6;
        - ``se``: standard error of the NPS, on the -100..100 scale.

        ``estimate``, ``ci_low`` and ``ci_high`` are on the -100..100 scale.

    Raises
    ------
    {raises}
        Values off the 0–10 scale or not whole numbers (the error names the rows).

    Notes
    -----
    NPS was proposed by Reichheld [1]_. With :math:`n` answers, :math:`p_P` the share of
    promoters and :math:`p_D` the share of detractors,

    .. math::

        \\mathrm{NPS} = 100\\,(p_P - p_D).

    The promoter, passive and detractor counts are multinomial, so
    :math:`\\operatorname{Cov}(\\hat p_P, \\hat p_D) = -p_P p_D / n` and the variance of the
    difference of the two proportions is [2]_

    .. math::

        \\operatorname{Var}(\\hat p_P - \\hat p_D)
        = \\frac{p_P(1-p_P) + p_D(1-p_D) + 2 p_P p_D}{n}
        = \\frac{p_P + p_D - (p_P - p_D)^2}{n}.

    The interval is the normal (Wald) one, :math:`\\mathrm{NPS} \\pm z \\cdot 100
    \\sqrt{\\operatorname{Var}}` with :math:`z` the :math:`1 - (1-\\text{level})/2` normal
    quantile, clipped to [-100, 100]. Like every Wald interval it is too narrow for small
    groups and collapses to a point when all answers fall in one category (e.g. all
    promoters); read it with care below a few dozen answers. A group with no answers gets NaN.

    References
    ----------
    .. [1] Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
       Review*, 81(12), 46–54.
    .. [2] Agresti, A. (2013). *Categorical Data Analysis* (3rd ed.). Wiley. (Covariance of
       multinomial proportions.)

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> survey = pd.DataFrame({"nps": [10, 9, 9, 8, 7, 6, 3, 10, 9, None],
    ...                        "store": ["Rome"] * 5 + ["Milan"] * 5})
    >>> metrics.nps(survey)[["estimate", "ci_low", "ci_high", "n", "n_missing"]].round(1)
       estimate  ci_low  ci_high  n  n_missing
    0      33.3   -20.0     86.7  9          1
    >>> metrics.nps(survey, by="store")[["store", "estimate", "n", "promoters", "detractors"]]
       store  estimate  n  promoters  detractors
    0  Milan       0.0  4        0.5         0.5
    1   Rome      60.0  5        0.6         0.0
    """
    from scipy.stats import norm

    by = _check_table(data, [column], by)
    z = float(norm.ppf(0.5 + _check_level(level) / 2))
    values = _require_some(_scale_points(data, column, (0, 10)), column)

    def summarise(part: pd.DataFrame) -> dict:
        x = part["value"].dropna()
        n = len(x)
        counts = {"promoters": int((x >= 9).sum()), "passives": int(x.between(7, 8).sum()),
                  "detractors": int((x <= 6).sum())}
        if n == 0:
            return _empty_row(part, ["promoters", "passives", "detractors", "se"])
        shares = {k: c / n for k, c in counts.items()}
        diff = shares["promoters"] - shares["detractors"]
        se = 100 * math.sqrt(max(shares["promoters"] + shares["detractors"] - diff**2, 0) / n)
        estimate = 100 * diff
        return {"estimate": estimate, "ci_low": max(estimate - z * se, -100.0),
                "ci_high": min(estimate + z * se, 100.0), "n": n,
                "n_missing": _n_missing(part), **shares, "se": se}

    return _by_groups(data, by, values.to_frame("value"), summarise)


@_shared_docs
def csat(data: pd.DataFrame, column: str = "csat", *, scale: tuple[int, int] = (1, 5),
         top: int | None = None, by=None, level: float = 0.95) -> pd.DataFrame:
    """Customer satisfaction (CSAT): the share of satisfied answers, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        The satisfaction answer; whole numbers on ``scale`` or missing.
    scale : (low, high)
        The answer scale, e.g. ``(1, 5)`` or ``(1, 7)``.
    top : int, optional
        The lowest answer counted as satisfied. By default the two highest points of the scale
        count (*top-two-box*): 4 and 5 on a 1–5 scale, 6 and 7 on a 1–7 scale.
    {by}
    {level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {head_columns}
        {share_columns}

        ``estimate`` is a share between 0 and 1.

    Raises
    ------
    {raises}
        Values off the scale or not whole numbers (the error names the rows).

    Notes
    -----
    With :math:`x` answers of at least ``top`` among :math:`n`, CSAT is :math:`\\hat p = x/n`.
    {wilson}

    References
    ----------
    {wilson_refs}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> survey = pd.DataFrame({"csat": [5, 4, 4, 3, 5, 2, 4, 5]})
    >>> metrics.csat(survey).round(3)
       estimate  ci_low  ci_high  n  n_missing  count
    0      0.75   0.409    0.929  8          0      6
    >>> metrics.csat(survey, top=5)[["estimate", "count"]]
       estimate  count
    0     0.375      3
    """
    low, high = _check_scale(scale)
    if top is None:
        top = high - 1
    elif not _is_whole(top) or not low <= top <= high:
        raise ValueError(f"top must be a point of the scale {low}–{high}, not {top!r}")
    by = _check_table(data, [column], by)
    level = _check_level(level)
    values = _require_some(_scale_points(data, column, (low, high)), column)
    return _share(data, by, level, values, values >= top)


@_shared_docs
def top_box(data: pd.DataFrame, column: str, *, scale: tuple[int, int] = (1, 7), k: int = 1,
            by=None, level: float = 0.95) -> pd.DataFrame:
    """Top-box share: answers at the ``k`` highest points of the scale, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        A rating item; whole numbers on ``scale`` or missing.
    scale : (low, high)
        The answer scale, e.g. ``(1, 7)``.
    k : int
        How many of the highest points count: 1 for top-box (7 on 1–7), 2 for top-two-box
        (6 and 7), and so on.
    {by}
    {level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {head_columns}
        {share_columns}

        ``estimate`` is a share between 0 and 1.

    Raises
    ------
    {raises}
        Values off the scale or not whole numbers (the error names the rows).

    Notes
    -----
    With :math:`x` answers of at least :math:`\\text{high} - k + 1` among :math:`n`, the
    top-box share is :math:`\\hat p = x/n`.
    {wilson}

    References
    ----------
    {wilson_refs}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> survey = pd.DataFrame({"enjoy_1": [7, 6, 7, 5, 3, 7, 6, 4]})
    >>> metrics.top_box(survey, "enjoy_1")[["estimate", "n", "count"]]
       estimate  n  count
    0     0.375  8      3
    >>> metrics.top_box(survey, "enjoy_1", k=2)[["estimate", "count"]]
       estimate  count
    0     0.625      5
    """
    low, high = _check_scale(scale)
    if not _is_whole(k) or not 1 <= k <= high - low + 1:
        raise ValueError(f"k must be a whole number from 1 to {high - low + 1}, not {k!r}")
    by = _check_table(data, [column], by)
    level = _check_level(level)
    values = _require_some(_scale_points(data, column, (low, high)), column)
    return _share(data, by, level, values, values >= high - k + 1)


@_shared_docs
def ces(data: pd.DataFrame, column: str = "ces", *, scale: tuple[float, float] | None = None,
        by=None, level: float = 0.95) -> pd.DataFrame:
    """Customer Effort Score (CES): the mean effort rating, with a t interval.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        The effort answer (e.g. "The company made it easy for me to handle my issue", 1–7), or
        a score averaged over several items; numbers or missing.
    scale : (low, high), optional
        If given, values outside this range are refused (the error names the rows). CES is
        asked on 1–5 or 1–7 scales, and in either direction depending on the wording, so there
        is no default: check which end means "easy" in your questionnaire.
    {by}
    {level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {head_columns}
        - ``sd``: standard deviation of the answers (denominator :math:`n-1`);
        - ``se``: standard error of the mean, :math:`\\mathit{sd}/\\sqrt n`.

        ``estimate`` is on the scale of the answers.

    Raises
    ------
    {raises}
        Infinite values; values outside ``scale`` (if given).

    Notes
    -----
    CES was introduced by Dixon, Freeman and Toman [1]_. The estimate is the mean
    :math:`\\bar x` of the :math:`n` answers and the interval is

    .. math::

        \\bar x \\pm t_{n-1,\\,1-(1-\\text{level})/2}\\; \\frac{s}{\\sqrt n},

    with :math:`s` the sample standard deviation. The t interval relies on the mean being
    roughly normal, which is reasonable for a bounded rating from a few dozen answers on. A
    group with one answer gets a NaN interval, a group with none NaN throughout.

    References
    ----------
    .. [1] Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight your customers.
       *Harvard Business Review*, 88(7/8), 116–122.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> survey = pd.DataFrame({"ces": [6, 5, 7, 4, 6, None], "channel": list("aabbbb")})
    >>> metrics.ces(survey, scale=(1, 7)).round(2)
       estimate  ci_low  ci_high  n  n_missing    sd    se
    0       5.6    4.18     7.02  5          1  1.14  0.51
    """
    from scipy.stats import t as student_t

    by = _check_table(data, [column], by)
    level = _check_level(level)
    values = _require_some(_numbers(data, column, finite=True), column)
    if scale is not None:
        low, high = _check_range(scale)
        _refuse(values.notna() & ((values < low) | (values > high)), values, column,
                f"value(s) outside the range {_plain(low)}–{_plain(high)}",
                f"answers from {_plain(low)} to {_plain(high)} (or NaN for no answer)")

    def summarise(part: pd.DataFrame) -> dict:
        x = part["value"].dropna().to_numpy()
        n = len(x)
        if n == 0:
            return _empty_row(part, ["sd", "se"])
        mean = float(x.mean())
        sd = float(x.std(ddof=1)) if n > 1 else math.nan
        se = sd / math.sqrt(n)
        half = float(student_t.ppf(0.5 + level / 2, n - 1)) * se if n > 1 else math.nan
        return {"estimate": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n,
                "n_missing": _n_missing(part), "sd": sd, "se": se}

    return _by_groups(data, by, values.to_frame("value"), summarise)


# --------------------------------------------------------------------------------------------
# behaviour: churn, repeat purchase, retention
# --------------------------------------------------------------------------------------------
@_shared_docs
def churn_rate(data: pd.DataFrame, column: str = "churned", *, by=None,
               level: float = 0.95) -> pd.DataFrame:
    """Churn rate: the share of customers who left, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    column : str
        Whether the customer churned: ``True``/``False`` (or 1/0), missing allowed.
    {by}
    {level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {head_columns}
        {share_columns}

        ``estimate`` is a share between 0 and 1.

    Raises
    ------
    {raises}
        Values other than true/false or 1/0, e.g. text such as ``"yes"`` (the error names the
        rows).

    Notes
    -----
    With :math:`x` churned customers among :math:`n`, the churn rate is :math:`\\hat p = x/n`
    over whatever window the column was built on; it ignores *when* customers left and
    treats customers observed for a short time like the others. For time to churn with
    censoring use :func:`retention_curve`.
    {wilson}

    References
    ----------
    {wilson_refs}

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
    by = _check_table(data, [column], by)
    level = _check_level(level)
    flags = _require_some(_flags(data, column), column)
    return _share(data, by, level, flags, flags == 1)


@_shared_docs
def repeat_rate(data: pd.DataFrame, column: str = "n_repurchases", *, by=None,
                level: float = 0.95) -> pd.DataFrame:
    """Repeat-purchase rate: the share of customers who bought again, with a Wilson interval.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    column : str
        Number of repeat purchases (purchases after the first); whole numbers of at least 0,
        missing allowed.
    {by}
    {level}

    Returns
    -------
    DataFrame
        One row per group with columns

        {head_columns}
        {share_columns}

        ``estimate`` is a share between 0 and 1.

    Raises
    ------
    {raises}
        Negative or fractional counts (the error names the rows).

    Notes
    -----
    With :math:`x` customers having at least one repeat purchase among :math:`n`, the repeat
    rate is :math:`\\hat p = x/n`.
    {wilson}

    References
    ----------
    {wilson_refs}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> customers = pd.DataFrame({"n_repurchases": [0, 2, 1, 0, 5, 0, 1, None]})
    >>> metrics.repeat_rate(customers)[["estimate", "count", "n", "n_missing"]].round(3)
       estimate  count  n  n_missing
    0     0.571      4  7          1
    """
    by = _check_table(data, [column], by)
    level = _check_level(level)
    counts = _require_some(_numbers(data, column, finite=True), column)
    _refuse(counts.notna() & ((counts < 0) | (counts % 1 != 0)), counts, column,
            "not a count", "whole numbers of at least 0 (or NaN when unknown)")
    return _share(data, by, level, counts, counts > 0)


@_shared_docs
def retention_curve(data: pd.DataFrame, *, duration: str, event: str, by=None,
                    level: float = 0.95, times: Sequence[float] | None = None) -> pd.DataFrame:
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
    {by}
    {level}
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

    with :math:`z` the :math:`1 - (1-\\text{level})/2` normal quantile. It is pointwise: each
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

    by = _check_table(data, [duration, event], by)
    z = float(norm.ppf(0.5 + _check_level(level) / 2))
    if times is not None:
        times = np.atleast_1d(np.asarray(times, dtype="float64"))
        if times.ndim != 1 or times.size == 0 or not np.isfinite(times).all():
            raise ValueError("times must be a non-empty sequence of finite numbers")
    durations = _numbers(data, duration, finite=True)
    _refuse(durations < 0, durations, duration, "negative duration",
            "durations of at least 0")
    parts = pd.DataFrame({"duration": durations, "event": _flags(data, event)})
    if parts.notna().all(axis=1).sum() == 0:
        raise DataError("no customer has both a duration and an event", column=[duration, event],
                        expected="at least one row with both present")

    def summarise(part: pd.DataFrame) -> pd.DataFrame:
        return _kaplan_meier(part, times, z)

    return _by_groups(data, by, parts, summarise)


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


# --------------------------------------------------------------------------------------------
# shared steps
# --------------------------------------------------------------------------------------------
def _share(data, by, level, values: pd.Series, hit: pd.Series) -> pd.DataFrame:
    """Wilson share of ``hit`` among the non-missing ``values``, per group."""
    from statsmodels.stats.proportion import proportion_confint

    parts = pd.DataFrame({"value": values, "hit": hit})

    def summarise(part: pd.DataFrame) -> dict:
        present = part["value"].notna()
        n = int(present.sum())
        if n == 0:
            return _empty_row(part, ["count"])
        count = int(part.loc[present, "hit"].sum())
        ci_low, ci_high = proportion_confint(count, n, alpha=1 - level, method="wilson")
        return {"estimate": count / n, "ci_low": float(ci_low), "ci_high": float(ci_high),
                "n": n, "n_missing": _n_missing(part), "count": count}

    return _by_groups(data, by, parts, summarise)


def _by_groups(data: pd.DataFrame, by: list[str], parts: pd.DataFrame,
               summarise: Callable) -> pd.DataFrame:
    """Apply ``summarise`` to each group of ``parts``; the ``by`` columns come first."""
    if not by:
        return _as_frame(summarise(parts))
    keys = [data[c].reset_index(drop=True) for c in by]
    group_keys, pieces = [], []
    for key, part in parts.groupby(keys, dropna=False, sort=True, observed=True):
        piece = _as_frame(summarise(part))
        group_keys += [key] * len(piece)
        pieces.append(piece)
    out = pd.concat(pieces, ignore_index=True)
    clash = [name for name in by if name in out.columns]
    if clash:
        raise ValueError(f"by column(s) {clash} have the name of an output column; rename them")
    for i, name in reversed(list(enumerate(by))):
        column = pd.Series([key[i] for key in group_keys], name=name)
        if isinstance(data[name].dtype, pd.CategoricalDtype):
            column = column.astype(data[name].dtype)
        out.insert(0, name, column)
    return out


def _as_frame(result) -> pd.DataFrame:
    return result if isinstance(result, pd.DataFrame) else pd.DataFrame([result])


def _n_missing(part: pd.DataFrame) -> int:
    return int(part["value"].isna().sum())


def _empty_row(part: pd.DataFrame, extra: list[str]) -> dict:
    row = {"estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0,
           "n_missing": _n_missing(part)}
    return row | {name: (0 if name == "count" else math.nan) for name in extra}


def _check_table(data, columns: list[str], by) -> list[str]:
    """Refuse a non-table, an empty table and absent columns; return ``by`` as a list."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if by is None:
        by = []
    elif isinstance(by, str) or not isinstance(by, Sequence):
        by = [by]
    else:
        by = list(by)
    if len(data) == 0:
        raise DataError("the table has no rows", column=columns,
                        expected="at least one row")
    absent = [c for c in [*columns, *by] if c not in data.columns]
    if absent:
        raise DataError("column(s) not in the data", column=[str(c) for c in absent],
                        expected="columns " + ", ".join(map(repr, [*columns, *by]))
                        + "; available: " + ", ".join(map(str, data.columns)))
    repeated = [c for c in dict.fromkeys([*columns, *by]) if (data.columns == c).sum() > 1]
    if repeated:
        raise DataError("column name used more than once in the table",
                        column=[str(c) for c in repeated], expected="unique column names")
    return by


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1, not {level!r}")
    return float(level)


def _check_range(scale) -> tuple[float, float]:
    try:
        low, high = scale
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a pair (low, high), not {scale!r}") from None
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (low, high)) \
            or not low < high:
        raise ValueError(f"scale must be a pair of numbers with low < high, not {scale!r}")
    return low, high


def _check_scale(scale) -> tuple[int, int]:
    low, high = _check_range(scale)
    if not (_is_whole(low) and _is_whole(high)):
        raise ValueError(f"scale must be a pair of whole numbers, not {scale!r}")
    return int(low), int(high)


def _is_whole(value) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and float(value).is_integer())


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _numbers(data: pd.DataFrame, column: str, *, finite: bool = False) -> pd.Series:
    """The column as float64 (missing → NaN, positional index); anything else is refused.

    Text is refused even when it looks like a number: a CSV read as text should go through
    :func:`cxkit.load_survey`, which converts and checks it, rather than be converted here.
    """
    values = data[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        raise DataError("true/false values", column=column, expected="numbers")
    if pd.api.types.is_numeric_dtype(values):
        numeric = values.astype("float64")
    else:
        bad = ~(values.isna() | values.map(_is_number).astype(bool))
        if bad.any():
            examples = ", ".join(repr(v) for v in pd.unique(values[bad])[:3])
            raise DataError(f"not a number: {examples}", column=column, rows=_rows(bad),
                            expected="numbers, or NaN/None for a missing value")
        numeric = values.astype("float64")
    if finite:
        _refuse(np.isinf(numeric), numeric, column, "infinite value", "finite numbers")
    return numeric


def _scale_points(data: pd.DataFrame, column: str, scale: tuple[int, int]) -> pd.Series:
    """The column as float64, refusing values that are not whole points of ``scale``."""
    low, high = scale
    values = _numbers(data, column)
    off = values.notna() & ((values < low) | (values > high) | (values % 1 != 0))
    _refuse(off, values, column, f"value(s) not on the {low}–{high} scale",
            f"whole numbers from {low} to {high} (or NaN for no answer)")
    return values


def _flags(data: pd.DataFrame, column: str) -> pd.Series:
    """A true/false column as float64 1.0/0.0 (missing → NaN); anything else is refused."""
    values = data[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values):
        flags = values.astype("float64")
        bad = flags.notna() & ~flags.isin([0.0, 1.0])
    else:
        ok = values.isna() | values.map(
            lambda v: isinstance(v, (bool, np.bool_)) or (_is_number(v) and v in (0, 1))
        ).astype(bool)
        bad = ~ok
        flags = values.where(ok).astype("float64") if not bad.any() else None
    if bad.any():
        examples = ", ".join(repr(v) for v in pd.unique(values[bad])[:3])
        raise DataError(f"not true/false: {examples}", column=column, rows=_rows(bad),
                        expected="True/False or 1/0 (or NaN/None when unknown)")
    return flags


def _require_some(values: pd.Series, column: str) -> pd.Series:
    if values.notna().sum() == 0:
        raise DataError(f"every value is missing ({len(values)} rows)", column=column,
                        expected="at least one answer")
    return values


def _refuse(mask: pd.Series, values: pd.Series, column: str, problem: str, expected: str):
    if mask.any():
        shown = ", ".join(str(_plain(v)) for v in sorted(set(values[mask].tolist()))[:5])
        raise DataError(f"{problem}: {shown}", column=column, rows=_rows(mask),
                        expected=expected)


def _rows(mask: pd.Series) -> list[int]:
    return (np.flatnonzero(np.asarray(mask, dtype=bool)) + 1).tolist()


def _plain(value):
    value = float(value)
    return int(value) if value.is_integer() else value
