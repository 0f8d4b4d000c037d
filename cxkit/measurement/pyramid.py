"""Manning & Bodine's CX pyramid (meets needs → easy → enjoyable): layer scores, shares with
intervals, the pyramid logic, the CX index and its drivers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result

__all__ = ["PYRAMID_LABELS", "PYRAMID_LAYERS", "Pyramid", "cx_pyramid"]

#: Names and labels of the CX pyramid's layers, base first (Manning & Bodine, 2012).
PYRAMID_LAYERS = ("needs", "ease", "enjoy")
PYRAMID_LABELS = {"needs": "meets needs", "ease": "easy", "enjoy": "enjoyable"}


# --------------------------------------------------------------------------------------------
# the CX pyramid
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Pyramid(Result):
    """Manning & Bodine's CX pyramid scored from survey items.

    Attributes
    ----------
    scores : DataFrame
        One row per respondent, with the survey's index: ``needs``, ``ease``, ``enjoy`` (layer
        scores), ``meets_needs``, ``easy``, ``enjoyable`` (layer score ≥ ``top_box``),
        ``pyramid_level`` (0–3: how many levels are met counting up from the base without a
        gap) and ``cx_index`` (0–100).
    levels : DataFrame
        ``layer``, ``label``, ``rule`` (``"layer"``: this level met; ``"pyramid"``: this level
        and every level below it met), ``estimate``, ``ci_low``, ``ci_high``, ``n``,
        ``n_missing``, ``count``.
    index : DataFrame
        One row: ``estimate`` (mean CX index), ``ci_low``, ``ci_high``, ``n``, ``n_missing``,
        ``sd``, ``se``.
    drivers : DataFrame
        ``layer``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``,
        ``std_estimate``, ``n`` (empty without an outcome).
    fit : statsmodels results or None
        The regression behind ``drivers``.
    top_box, scale, conf_level : the settings used (``level`` is a deprecated alias of
        ``conf_level``).
    missing_note : str
        What the rule for missing answers did (``missing=``).
    """

    scores: pd.DataFrame
    levels: pd.DataFrame
    index: pd.DataFrame
    drivers: pd.DataFrame
    top_box: float
    scale: tuple
    conf_level: float
    fit: object = None
    missing_note: str = ""

    _label_columns = ("kind", "layer")

    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """Shares, index and drivers in one long table.

        Columns ``kind`` (``"share"``, ``"share_pyramid"``, ``"index"``, ``"driver"``),
        ``layer`` (missing for the index), ``estimate``, ``ci_low``, ``ci_high``, ``n``.
        ``conf_int()`` gives the intervals of this table at the level computed (Wilson for
        the shares, t for the index, HC1 for the drivers); for another level call
        :func:`cx_pyramid` again with ``conf_level=``.
        """
        cols = ["kind", "layer", "estimate", "ci_low", "ci_high", "n"]
        shares = self.levels.assign(kind=np.where(self.levels["rule"] == "layer", "share",
                                                  "share_pyramid"))
        index = self.index.assign(kind="index", layer=np.nan)
        parts = [shares[cols], index[cols]]
        if len(self.drivers):
            parts.append(self.drivers.assign(kind="driver")[cols])
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> str:
        """The pyramid in one sentence."""
        pyr = self.levels[self.levels["rule"] == "pyramid"].set_index("layer")["estimate"]
        idx = self.index.iloc[0]
        text = (f"{pyr['needs']:.0%} of respondents find their needs met, {pyr['ease']:.0%} "
                f"also find it easy and {pyr['enjoy']:.0%} reach the top (enjoyable); CX index "
                f"{idx['estimate']:.1f} ({self.conf_level:.0%} CI {idx['ci_low']:.1f} to "
                f"{idx['ci_high']:.1f}; n = {int(idx['n'])})")
        if len(self.drivers):
            text += "; " + self._strongest_driver()
        if getattr(self.missing_note, "rows", None):
            text += f" ({self.missing_note})"
        return text + "."

    def _strongest_driver(self) -> str:
        """Name the strongest driver only when the data single it out: a Wald test that its
        standardised effect exceeds the runner-up's (the outcome's SD cancels), at the
        result's confidence level."""
        order = self.drivers.sort_values("std_estimate", ascending=False)["layer"].tolist()
        top, second = order[0], order[1]
        exog = pd.DataFrame(self.fit.model.exog, columns=self.fit.model.exog_names)
        contrast = np.zeros(len(exog.columns))
        contrast[exog.columns.get_loc(top)] = exog[top].std(ddof=1)
        contrast[exog.columns.get_loc(second)] = -exog[second].std(ddof=1)
        p = float(self.fit.t_test(contrast).pvalue)
        p_text = f"p = {p:.3f}" if p >= 0.001 else "p < 0.001"
        if p < 1 - self.conf_level:
            return (f"the strongest driver of the outcome is {PYRAMID_LABELS[top]} (its "
                    f"standardised effect exceeds {PYRAMID_LABELS[second]}'s, {p_text})")
        return (f"no layer stands out as the strongest driver: {PYRAMID_LABELS[top]} and "
                f"{PYRAMID_LABELS[second]} cannot be told apart ({p_text})")

    def plot(self, ax=None):
        """Draw the pyramid (see :func:`cxkit.plots.pyramid`)."""
        from .. import plots

        return plots.pyramid(self, ax=ax)

    def __repr__(self) -> str:
        return f"Pyramid({self.summary()})"


@shared_docs
@old_keywords()
def cx_pyramid(survey: pd.DataFrame, *, needs, ease, enjoy, outcome=None, top_box: float = 6,
               scale: tuple[float, float] = (1, 7), conf_level: float = 0.95,
               level: float | None = None, missing: str = _check.MISSING_DEFAULT) -> Pyramid:
    """Score Manning & Bodine's CX pyramid: meets needs → easy → enjoyable.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    needs, ease, enjoy : list of str
        The item columns of each layer (e.g. ``["needs_1", "needs_2", "needs_3"]``), answers
        on ``scale``.
    outcome : str or list of str, optional
        An outcome (e.g. ``"nps"``, or loyalty items whose mean is taken); when given,
        ``.drivers`` holds each layer's association with it.
    top_box : float
        A layer is met when its score is at least this (default 6 on a 1–7 scale: on average
        the respondent agrees).
    scale : (low, high)
        The items' answer scale; answers outside it are refused.
    {doc:conf_level}
    {doc:level}
    {doc:missing}
        Here ``"pairwise"`` scores each layer from the respondents who answered its items
        (a respondent missing an *ease* item still counts for *needs*); each share, the
        index and the drivers then use the respondents with the scores they need.

    Returns
    -------
    Pyramid
        ``.scores`` (per respondent), ``.levels`` (shares with Wilson intervals),
        ``.index`` (the CX index), ``.drivers`` (with ``outcome``), ``.fit``, ``.to_frame()``,
        ``.conf_int()``, ``.summary()`` and ``.plot()``; every column is listed in
        :class:`Pyramid`.

    Raises
    ------
    DataError
        No rows; a missing column; answers that are not numbers or are outside ``scale``
        (the error names the rows); an item used in two layers.

    Notes
    -----
    Manning and Bodine (2012; seed 002) judge a customer experience at three levels, from
    the customer's point of view: it **meets needs** (the base, the minimum), it is **easy**
    (buying and interacting are easy) and it is **enjoyable** (the top: the whole experience
    is positive and pleasant). Here:

    - a respondent's layer score is the mean of the layer's items (under
      ``missing="pairwise"``, missing when any of them is missing: that respondent is left out
      of the layer's share and counted in ``n_missing``);
    - a layer is *met* when its score is at least ``top_box``; the ``"layer"`` share is the
      share meeting it, the ``"pyramid"`` share the share meeting it **and every layer below**
      (the pyramid's logic: enjoyment without ease or needs met is not the top). Both come
      with Wilson intervals (``statsmodels.stats.proportion.proportion_confint``,
      ``method="wilson"``; see :func:`cxkit.metrics.csat`);
    - the **CX index** of a respondent is the mean of the three layer scores rescaled to
      0–100, :math:`100\\,(\\bar s - \\text{low}) / (\\text{high} - \\text{low})`, reported as its
      mean with a t interval. It is the kit's simple index, not Forrester's proprietary CX
      Index;
    - ``drivers`` are the slopes of the OLS regression of the outcome on the three layer
      scores (respondents with all four present), with HC1 standard errors;
      ``std_estimate`` is the slope times sd(layer)/sd(outcome). Layer scores are means of
      items measured with error, so these slopes are attenuated and, because the layers are
      correlated, partly shifted between layers. Covariance-based SEM (building on
      :func:`cxkit.measurement.cfa`) models the measurement error and removes the attenuation;
      PLS-SEM with mode-A composites (:func:`cxkit.measurement.pls_sem`) only reduces it. They are
      associations: an effect only under the usual no-confounding assumptions.

    References
    ----------
    Manning, H., & Bodine, K. (2012). *Outside In: The Power of Putting Customers at the
    Center of Your Business*. New Harvest / Houghton Mifflin Harcourt.

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209–212.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import cx_pyramid
    >>> survey = pd.DataFrame({"n1": [7, 6, 4, 7], "n2": [7, 6, 5, 6], "e1": [6, 7, 7, 3],
    ...                        "j1": [7, 5, 7, 7]})
    >>> result = cx_pyramid(survey, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"])
    >>> result.levels[["layer", "rule", "estimate", "count", "n"]]
      layer     rule  estimate  count  n
    0  needs    layer      0.75      3  4
    1  needs  pyramid      0.75      3  4
    2   ease    layer      0.75      3  4
    3   ease  pyramid      0.50      2  4
    4  enjoy    layer      0.75      3  4
    5  enjoy  pyramid      0.25      1  4
    >>> result.scores["pyramid_level"].tolist()
    [3, 2, 0, 1]
    """
    conf_level = _check.conf_level(conf_level)
    low, high = _check.scale_range(scale)
    if not low <= top_box <= high:
        raise ValueError(f"top_box must lie on the scale {low}–{high}, not {top_box!r}")
    groups = {"needs": needs, "ease": ease, "enjoy": enjoy}
    outcome_items = None if outcome is None else _check.as_list(outcome, "outcome")
    scores, missing_note = _layer_scores(survey, groups, (low, high), missing=missing,
                                         what="the CX pyramid",
                                         extra=[] if outcome_items is None else outcome_items)
    met_names = {"needs": "meets_needs", "ease": "easy", "enjoy": "enjoyable"}
    for layer in PYRAMID_LAYERS:
        scores[met_names[layer]] = (scores[layer] >= top_box).astype("boolean").mask(
            scores[layer].isna())
    layer_values = scores[list(PYRAMID_LAYERS)]
    complete = layer_values.notna().all(axis=1)
    met = scores[[met_names[x] for x in PYRAMID_LAYERS]].fillna(False).to_numpy(bool)
    gapless = np.cumprod(met, axis=1).sum(axis=1)
    scores["pyramid_level"] = pd.array(np.where(complete, gapless, 0), dtype="Int64")
    scores.loc[~complete, "pyramid_level"] = pd.NA
    scores["cx_index"] = 100 * (layer_values.mean(axis=1, skipna=False) - low) / (high - low)

    levels = _pyramid_shares(layer_values, top_box, conf_level)
    index = _mean_with_t_interval(scores["cx_index"], conf_level)
    drivers, fit = _pyramid_drivers(scores, conf_level)
    if outcome_items is not None:
        scores = scores.drop(columns="_outcome")
    return Pyramid(scores=scores, levels=levels, index=index, drivers=drivers,
                   top_box=float(top_box), scale=(low, high), conf_level=conf_level, fit=fit,
                   missing_note=missing_note)


def _pyramid_shares(layer_values: pd.DataFrame, top_box: float,
                    conf_level: float) -> pd.DataFrame:
    """Share meeting each layer, and each layer with every layer below, with Wilson CIs."""
    from statsmodels.stats.proportion import proportion_confint

    rows = []
    for k, layer in enumerate(PYRAMID_LAYERS):
        for rule, used in (("layer", [layer]), ("pyramid", list(PYRAMID_LAYERS[:k + 1]))):
            present = layer_values[used].notna().all(axis=1)
            n = int(present.sum())
            count = int((layer_values.loc[present, used] >= top_box).all(axis=1).sum())
            if n:
                ci_low, ci_high = proportion_confint(count, n, alpha=1 - conf_level,
                                                     method="wilson")
                estimate = count / n
            else:
                estimate = ci_low = ci_high = np.nan
            rows.append({"layer": layer, "label": PYRAMID_LABELS[layer], "rule": rule,
                         "estimate": estimate, "ci_low": float(ci_low),
                         "ci_high": float(ci_high), "n": n,
                         "n_missing": len(layer_values) - n, "count": count})
    return pd.DataFrame(rows)


def _mean_with_t_interval(values: pd.Series, conf_level: float) -> pd.DataFrame:
    """One row: mean of the non-missing values with its t interval, n, n_missing, sd, se."""
    from scipy.stats import t as student_t

    x = values.dropna().to_numpy(dtype=float)
    n = len(x)
    mean = float(x.mean()) if n else np.nan
    sd = float(x.std(ddof=1)) if n > 1 else np.nan
    se = sd / np.sqrt(n) if n else np.nan
    half = float(student_t.ppf(0.5 + conf_level / 2, n - 1)) * se if n > 1 else np.nan
    return pd.DataFrame([{"estimate": mean, "ci_low": mean - half, "ci_high": mean + half,
                          "n": n, "n_missing": len(values) - n, "sd": sd, "se": se}])


def _pyramid_drivers(scores: pd.DataFrame, conf_level: float):
    columns = ["layer", "estimate", "se", "ci_low", "ci_high", "p_value", "std_estimate", "n"]
    if "_outcome" not in scores.columns:
        return pd.DataFrame(columns=columns), None
    import statsmodels.api as sm

    data = scores[[*PYRAMID_LAYERS, "_outcome"]].dropna()
    if len(data) <= len(PYRAMID_LAYERS) + 1:
        raise DataError(f"only {len(data)} respondent(s) have every layer and the outcome",
                        column="outcome",
                        expected=f"more than {len(PYRAMID_LAYERS) + 1} complete respondents")
    x = sm.add_constant(data[list(PYRAMID_LAYERS)])
    fit = sm.OLS(data["_outcome"], x).fit(cov_type="HC1")
    ci = fit.conf_int(alpha=1 - conf_level)
    sd_y = data["_outcome"].std(ddof=1)
    rows = [{"layer": layer, "estimate": float(fit.params[layer]),
             "se": float(fit.bse[layer]), "ci_low": float(ci.loc[layer, 0]),
             "ci_high": float(ci.loc[layer, 1]), "p_value": float(fit.pvalues[layer]),
             "std_estimate": float(fit.params[layer] * data[layer].std(ddof=1) / sd_y),
             "n": int(fit.nobs)} for layer in PYRAMID_LAYERS]
    return pd.DataFrame(rows, columns=columns), fit


def _layer_scores(survey, groups: dict, scale, *, extra=(), keep=(),
                  missing: str = _check.MISSING_DEFAULT, what: str = "this method"
                  ) -> tuple[pd.DataFrame, _check.MissingNote]:
    """Per-respondent means of each group's items (missing if any item is missing) after the
    rule for missing answers; the rows kept keep the survey's index."""
    _check.missing_rule(missing, what=what)
    groups = {name: _check.as_list(items, name) for name, items in groups.items()}
    every = [c for items in groups.values() for c in items]
    _check.table(survey, every + list(extra) + list(keep), what="survey")
    twice = sorted({c for c in every if every.count(c) > 1})
    if twice:
        raise DataError("item used in more than one scale", column=twice,
                        expected="each item in one scale only")
    low, high = scale
    values = {}
    for item in every:
        numbers = _check.numbers(survey, item, finite=True)
        _check.refuse_values(numbers.notna() & ((numbers < low) | (numbers > high)),
                             numbers, item, "answer(s) outside the scale",
                             f"answers from {low} to {high} (or missing)")
        values[item] = numbers.to_numpy()
    for c in extra:
        values[c] = _check.numbers(survey, c, finite=True).to_numpy()
    answers, note = _check.apply_missing(pd.DataFrame(values), list(values), missing,
                                         what=what)
    kept = answers.index.to_numpy()
    scores = (survey[list(keep)].iloc[kept].copy() if keep
              else pd.DataFrame(index=survey.index[kept]))
    for name, items in groups.items():
        scores[name] = answers[items].mean(axis=1, skipna=False).to_numpy()
    if extra:
        scores["_outcome"] = answers[list(extra)].mean(axis=1, skipna=False).to_numpy()
    return scores, note
