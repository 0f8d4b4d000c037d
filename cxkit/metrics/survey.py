"""Survey scores with their intervals: NPS, CSAT, top-box shares and CES.

Each takes the table first and the answer column second, and returns one row per group
(``by=``); see :mod:`cxkit.metrics` for the columns every metric shares and the rule for
missing and invalid answers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import old_keywords
from .._docstrings import shared_docs
from . import _weights
from ._common import DOCS, by_groups, empty_row, missing_answers, n_missing, share
from ._weights import DOCS as WEIGHT_DOCS

__all__ = ["ces", "csat", "nps", "top_box"]


@shared_docs(extra=DOCS | WEIGHT_DOCS)
@old_keywords()
def nps(data: pd.DataFrame, column: str = "nps", *, by=None, conf_level: float = 0.95,
        min_n: int | None = None, level: float | None = None, weights: str | None = None,
        weight_type: str | None = None, missing: str = _check.MISSING_DEFAULT
        ) -> pd.DataFrame:
    """Net Promoter Score: promoters (9–10) minus detractors (0–6), in percent, with its interval.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        The 0–10 "how likely are you to recommend us" answer. Values must be whole numbers
        from 0 to 10 or missing.
    {doc:by}
    {doc:min_n}
    {doc:conf_level}
    {doc:level}
    {doc:weights}
    {doc:missing}
        {doc:answer_rules}

    Returns
    -------
    DataFrame
        One row per group with columns

        {doc:head_columns}
        - ``promoters``, ``passives``, ``detractors``: shares (0–1) of answers 9–10, 7–8 and
          0–6;
        - ``se``: standard error of the NPS, on the -100..100 scale.

        ``estimate``, ``ci_low`` and ``ci_high`` are on the -100..100 scale.

    Raises
    ------
    {doc:raises}
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
    \\sqrt{\\operatorname{Var}}` with :math:`z` the :math:`1 - (1-\\text{conf\\_level})/2` normal
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
    >>> result = metrics.nps(survey, missing="listwise")  # one answer is missing
    >>> result[["estimate", "ci_low", "ci_high", "n", "n_missing"]].round(1)
       estimate  ci_low  ci_high  n  n_missing
    0      33.3   -20.0     86.7  9          1
    >>> print(result.attrs["missing_note"])
    missing answers, rule "listwise": 1 of 10 rows left out (rows 10)

    Groups of fewer than 10 respondents are suppressed (personal data); ``min_n=`` (or
    ``cxkit.set_option("min_n", ...)``) sets the threshold, 0 shows every group:

    >>> metrics.nps(survey.dropna(), by="store")[["store", "estimate", "n", "suppressed"]]
       store  estimate   n  suppressed
    0  Milan       NaN NaN        True
    1   Rome       NaN NaN        True
    >>> metrics.nps(survey.dropna(), by="store", min_n=0)[
    ...     ["store", "estimate", "n", "promoters", "detractors"]]
       store  estimate  n  promoters  detractors
    0  Milan       0.0  4        0.5         0.5
    1   Rome      60.0  5        0.6         0.0
    """
    from scipy.stats import norm

    conf_level = _check.conf_level(conf_level)
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    z = float(norm.ppf(0.5 + conf_level / 2))
    values = _check.some(_check.on_scale(data, column, (0, 10), whole=True), column)
    note = missing_answers(values, column, missing)
    w = _check.weights(data, weights, weight_type)

    def summarise(part: pd.DataFrame) -> dict:
        if w is not None:
            return (_weights.nps_row(part, w, weight_type, len(data), z, n_missing(part))
                    or _weights.columns(w, weight_type, empty_row(
                        part, ["promoters", "passives", "detractors", "se"]), np.empty(0)))
        x = part["value"].dropna()
        n = len(x)
        counts = {"promoters": int((x >= 9).sum()), "passives": int(x.between(7, 8).sum()),
                  "detractors": int((x <= 6).sum())}
        if n == 0:
            return empty_row(part, ["promoters", "passives", "detractors", "se"])
        shares = {k: c / n for k, c in counts.items()}
        diff = shares["promoters"] - shares["detractors"]
        se = 100 * math.sqrt(max(shares["promoters"] + shares["detractors"] - diff**2, 0) / n)
        estimate = 100 * diff
        return {"estimate": estimate, "ci_low": max(estimate - z * se, -100.0),
                "ci_high": min(estimate + z * se, 100.0), "n": n,
                "n_missing": n_missing(part), **shares, "se": se}

    return _noted(by_groups(data, by, values.to_frame("value"), summarise, min_n=min_n,
                            weights=w), note)


@shared_docs(extra=DOCS | WEIGHT_DOCS)
@old_keywords()
def csat(data: pd.DataFrame, column: str = "csat", *, scale: tuple[int, int] = (1, 5),
         top: int | None = None, by=None, conf_level: float = 0.95, min_n: int | None = None,
         level: float | None = None, weights: str | None = None,
         weight_type: str | None = None, missing: str = _check.MISSING_DEFAULT
        ) -> pd.DataFrame:
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
    {doc:by}
    {doc:min_n}
    {doc:conf_level}
    {doc:level}
    {doc:weights}
    {doc:missing}
        {doc:answer_rules}

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
        Values off the scale or not whole numbers (the error names the rows).

    Notes
    -----
    With :math:`x` answers of at least ``top`` among :math:`n`, CSAT is :math:`\\hat p = x/n`.
    {doc:wilson}

    References
    ----------
    {doc:wilson_refs}

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
    conf_level = _check.conf_level(conf_level)
    low, high = _check.scale_points(scale)
    if top is None:
        top = high - 1
    elif not _check.is_whole(top) or not low <= top <= high:
        raise ValueError(f"top must be a point of the scale {low}–{high}, not {top!r}")
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    values = _check.some(_check.on_scale(data, column, (low, high), whole=True), column)
    note = missing_answers(values, column, missing)
    w = _check.weights(data, weights, weight_type)
    return _noted(share(data, by, conf_level, values, values >= top, w, weight_type,
                        min_n=min_n), note)


@shared_docs(extra=DOCS | WEIGHT_DOCS)
@old_keywords()
def top_box(data: pd.DataFrame, column: str, *, scale: tuple[int, int] = (1, 7), k: int = 1,
            by=None, conf_level: float = 0.95, min_n: int | None = None,
            level: float | None = None, weights: str | None = None,
            weight_type: str | None = None, missing: str = _check.MISSING_DEFAULT
            ) -> pd.DataFrame:
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
    {doc:by}
    {doc:min_n}
    {doc:conf_level}
    {doc:level}
    {doc:weights}
    {doc:missing}
        {doc:answer_rules}

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
        Values off the scale or not whole numbers (the error names the rows).

    Notes
    -----
    With :math:`x` answers of at least :math:`\\text{high} - k + 1` among :math:`n`, the
    top-box share is :math:`\\hat p = x/n`.
    {doc:wilson}

    References
    ----------
    {doc:wilson_refs}

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
    conf_level = _check.conf_level(conf_level)
    low, high = _check.scale_points(scale)
    if not _check.is_whole(k) or not 1 <= k <= high - low + 1:
        raise ValueError(f"k must be a whole number from 1 to {high - low + 1}, not {k!r}")
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    values = _check.some(_check.on_scale(data, column, (low, high), whole=True), column)
    note = missing_answers(values, column, missing)
    w = _check.weights(data, weights, weight_type)
    return _noted(share(data, by, conf_level, values, values >= high - k + 1, w, weight_type,
                        min_n=min_n), note)


@shared_docs(extra=DOCS | WEIGHT_DOCS)
@old_keywords()
def ces(data: pd.DataFrame, column: str = "ces", *, scale: tuple[float, float] | None = None,
        by=None, conf_level: float = 0.95, min_n: int | None = None,
        level: float | None = None, weights: str | None = None,
        weight_type: str | None = None, missing: str = _check.MISSING_DEFAULT
        ) -> pd.DataFrame:
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
    {doc:by}
    {doc:min_n}
    {doc:conf_level}
    {doc:level}
    {doc:weights}
    {doc:missing}
        {doc:answer_rules}

    Returns
    -------
    DataFrame
        One row per group with columns

        {doc:head_columns}
        - ``sd``: standard deviation of the answers (denominator :math:`n-1`);
        - ``se``: standard error of the mean, :math:`\\mathit{sd}/\\sqrt n`.

        ``estimate`` is on the scale of the answers.

    Raises
    ------
    {doc:raises}
        Infinite values; values outside ``scale`` (if given).

    Notes
    -----
    CES was introduced by Dixon, Freeman and Toman [1]_. The estimate is the mean
    :math:`\\bar x` of the :math:`n` answers and the interval is

    .. math::

        \\bar x \\pm t_{n-1,\\,1-(1-\\text{conf\\_level})/2}\\; \\frac{s}{\\sqrt n},

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
    >>> metrics.ces(survey, scale=(1, 7), missing="listwise").round(2)
       estimate  ci_low  ci_high  n  n_missing    sd    se
    0       5.6    4.18     7.02  5          1  1.14  0.51
    """
    from scipy.stats import t as student_t

    conf_level = _check.conf_level(conf_level)
    if scale is not None:
        scale = _check.scale_range(scale)
    by = _check.by_list(by)
    _check.table(data, [column, *by])
    values = (_check.numbers(data, column, finite=True) if scale is None
              else _check.on_scale(data, column, scale))
    values = _check.some(values, column)
    note = missing_answers(values, column, missing)
    w = _check.weights(data, weights, weight_type)

    def summarise(part: pd.DataFrame) -> dict:
        if w is not None:
            return (_weights.ces_row(part, w, weight_type, len(data), conf_level,
                                     n_missing(part))
                    or _weights.columns(w, weight_type, empty_row(part, ["sd", "se"]),
                                        np.empty(0)))
        x = part["value"].dropna().to_numpy()
        n = len(x)
        if n == 0:
            return empty_row(part, ["sd", "se"])
        mean = float(x.mean())
        sd = float(x.std(ddof=1)) if n > 1 else math.nan
        se = sd / math.sqrt(n)
        half = float(student_t.ppf(0.5 + conf_level / 2, n - 1)) * se if n > 1 else math.nan
        return {"estimate": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n,
                "n_missing": n_missing(part), "sd": sd, "se": se}

    return _noted(by_groups(data, by, values.to_frame("value"), summarise, min_n=min_n,
                            weights=w), note)


def _noted(table: pd.DataFrame, note: str) -> pd.DataFrame:
    """``table`` with the note of the rule for missing answers in its ``attrs``, next to
    the small-cell note the suppression left there."""
    table.attrs["missing_note"] = note
    return table
