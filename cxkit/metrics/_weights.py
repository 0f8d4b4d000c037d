"""Weighted survey scores: one group's estimate, interval and effective sample size under
frequency or sampling weights (the unweighted ones are in :mod:`cxkit.metrics.survey` and
:mod:`cxkit.metrics._common`).

Every score is a weighted mean :math:`\\hat\\mu = \\sum w_i y_i / \\sum w_i` of a value
:math:`y_i` per respondent: 100 (promoter) − 100 (detractor) for NPS, the 0/1 hit of a share,
the rating for CES.

- **Frequency weights** (``weight_type="frequency"``) count identical answers: every number
  equals the unweighted one on the table with each row repeated :math:`w_i` times
  (:math:`N = \\sum w_i` answers).
- **Sampling weights** (``weight_type="sampling"``) are survey weights. The variance is the
  design-based (Taylor linearisation) one of a ratio mean, each respondent its own primary
  sampling unit drawn with replacement, computed for a domain (a ``by`` group, respondents
  with an answer) as R's ``survey::svymean``/``svyby`` compute it:

  .. math::

      \\hat V(\\hat\\mu) = \\frac{n}{n-1} \\sum_{i \\in d}
      \\Big(\\frac{w_i (y_i - \\hat\\mu)}{\\sum_{j \\in d} w_j}\\Big)^2,

  with :math:`n` all respondents of the table and :math:`d` those of the group that
  answered. Intervals are normal (``confint`` of a ``svymean``) for NPS and CES; shares use
  Wilson's interval at the effective sample size :math:`\\hat p(1-\\hat p)/\\hat V` of the
  design (Kott & Carr 1997; Dean & Pagano 2015), which stays inside [0, 1].

``n_eff`` is Kish's effective sample size :math:`(\\sum w_i)^2/\\sum w_i^2` for sampling
weights and the number of answers the rows stand for, :math:`\\sum w_i`, for frequency
weights.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import _check

#: Texts of the weights arguments, shared by the survey metrics (``shared_docs(extra=…)``).
DOCS = {
    "weights": (
        "weights : str, optional\n"
        "        Column of weights (numbers of at least 0 on every row, not all 0). Needs\n"
        "        ``weight_type``. The result then has two more columns: ``n_eff`` (the\n"
        "        effective sample size) and ``weighting`` (``\"frequency\"`` or\n"
        "        ``\"sampling\"``); ``n`` stays the number of respondents, and the small-cell\n"
        "        rule (``min_n``) counts respondents with a positive weight, not weights.\n"
        "    weight_type : {\"frequency\", \"sampling\"}\n"
        "        What the weights mean. ``\"frequency\"``: each row stands for that many\n"
        "        identical answers (whole numbers); estimates and intervals are those of the\n"
        "        table with rows repeated. ``\"sampling\"``: survey weights (inverse selection\n"
        "        probabilities, raked weights from :func:`cxkit.metrics.rake`); the variance\n"
        "        is design-based (Taylor linearisation of the weighted mean, each respondent a\n"
        "        sampling unit, as R's ``survey::svymean``/``svyby``), the interval normal for\n"
        "        NPS and CES and Wilson's at the design's effective sample size for shares\n"
        "        (``sd`` of CES is then the weighted\n"
        "        :math:`\\sqrt{\\sum w (y-\\bar y)^2 / \\sum w}`)."
    ),
}


def columns(weights: pd.Series | None, weight_type: str | None, row: dict, w: np.ndarray
            ) -> dict:
    """``row`` with ``n_eff`` and ``weighting`` added when there are weights."""
    if weights is None:
        return row
    if len(w) == 0 or not w.sum() > 0:
        n_eff = math.nan if len(w) == 0 else 0.0
    elif weight_type == "frequency":
        n_eff = float(w.sum())
    else:
        n_eff = float(w.sum() ** 2 / (w**2).sum())
    return row | {"n_eff": n_eff, "weighting": weight_type}


def present(part: pd.DataFrame, weights: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The answers of a group and their weights; a group whose answers all weigh 0 is refused
    (its score is undefined)."""
    mask = part["value"].notna().to_numpy()
    y = part["value"].to_numpy(dtype=float)[mask]
    w = weights.reindex(part.index).to_numpy(dtype=float)[mask]
    if len(w) and not w.sum() > 0:
        raise _check.DataError("every answer of this group has weight 0, so its score is "
                               "undefined", column=str(weights.name),
                               rows=(part.index[mask] + 1).tolist(),
                               expected="a positive weight on at least one answer per group")
    return y, w


def mean_and_variance(y: np.ndarray, w: np.ndarray, weight_type: str,
                      n_design: int) -> tuple[float, float, float]:
    """Weighted mean, its variance and the degrees of freedom of a t interval (``inf`` for the
    normal one).

    Frequency weights: the variance of the mean of the repeated rows, :math:`s^2/N` with
    :math:`s^2 = \\sum w_i (y_i - \\hat\\mu)^2 / (N - 1)`. Sampling weights: the linearised
    variance of the module's docstring.
    """
    total = w.sum()
    mean = float((w * y).sum() / total)
    if weight_type == "frequency":
        if total < 2:
            return mean, math.nan, math.nan
        s2 = float((w * (y - mean) ** 2).sum() / (total - 1))
        return mean, s2 / total, total - 1
    if n_design < 2:
        return mean, math.nan, math.inf
    z = w * (y - mean) / total
    return mean, float(n_design / (n_design - 1) * (z**2).sum()), math.inf


def nps_row(part: pd.DataFrame, weights: pd.Series, weight_type: str, n_design: int,
            z: float, n_missing: int) -> dict:
    """One group's weighted NPS (the unweighted row's columns, weighted)."""
    y, w = present(part, weights)
    if len(y) == 0:
        return {}
    total = w.sum()
    shares = {"promoters": float(w[y >= 9].sum() / total),
              "passives": float(w[(y >= 7) & (y <= 8)].sum() / total),
              "detractors": float(w[y <= 6].sum() / total)}
    diff = shares["promoters"] - shares["detractors"]
    if weight_type == "frequency":  # the multinomial variance with N = sum of weights
        se = 100 * math.sqrt(max(shares["promoters"] + shares["detractors"] - diff**2, 0)
                             / total)
    else:
        score = np.where(y >= 9, 100.0, np.where(y <= 6, -100.0, 0.0))
        se = math.sqrt(mean_and_variance(score, w, weight_type, n_design)[1])
    estimate = 100 * diff
    row = {"estimate": estimate, "ci_low": max(estimate - z * se, -100.0),
           "ci_high": min(estimate + z * se, 100.0), "n": len(y), "n_missing": n_missing,
           **shares, "se": se}
    return columns(weights, weight_type, row, w)


def share_row(part: pd.DataFrame, weights: pd.Series, weight_type: str, n_design: int,
              conf_level: float, n_missing: int) -> dict:
    """One group's weighted share of ``part["hit"]`` with its Wilson interval."""
    from statsmodels.stats.proportion import proportion_confint

    y, w = present(part, weights)
    if len(y) == 0:
        return {}
    hit = part["hit"].to_numpy(dtype=float)[part["value"].notna().to_numpy()]
    p, variance, _ = mean_and_variance(hit, w, weight_type, n_design)
    count = float((w * hit).sum())
    if weight_type == "frequency":
        size = float(w.sum())
    else:  # the design's effective sample size for this share (Kish's when p is 0 or 1)
        kish = float(w.sum() ** 2 / (w**2).sum())
        size = p * (1 - p) / variance if variance > 0 and 0 < p < 1 else kish
    low, high = proportion_confint(p * size, size, alpha=1 - conf_level, method="wilson")
    row = {"estimate": p, "ci_low": float(low), "ci_high": float(high), "n": len(y),
           "n_missing": n_missing, "count": count}
    return columns(weights, weight_type, row, w)


def ces_row(part: pd.DataFrame, weights: pd.Series, weight_type: str, n_design: int,
            conf_level: float, n_missing: int) -> dict:
    """One group's weighted mean rating with its interval, ``sd`` and ``se``."""
    from scipy.stats import t as student_t

    y, w = present(part, weights)
    if len(y) == 0:
        return {}
    mean, variance, df = mean_and_variance(y, w, weight_type, n_design)
    se = math.sqrt(variance) if variance == variance else math.nan
    total = w.sum()
    sd = (math.sqrt(float((w * (y - mean) ** 2).sum() / (total - 1))) if total > 1
          else math.nan)
    if weight_type == "sampling":  # the weighted population standard deviation
        sd = math.sqrt(float((w * (y - mean) ** 2).sum() / total))
    q = float(student_t.ppf(0.5 + conf_level / 2, df)) if df == df and df > 0 else math.nan
    row = {"estimate": mean, "ci_low": mean - q * se, "ci_high": mean + q * se, "n": len(y),
           "n_missing": n_missing, "sd": sd, "se": se}
    return columns(weights, weight_type, row, w)
