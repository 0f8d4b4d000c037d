"""Survey weights from known population margins: raking (iterative proportional fitting).

:func:`rake` adjusts weights until the weighted sample reproduces known shares (or totals) of
several variables at once — region, age band, gender — with the raking of the ``svy``
package (the maintained successor of ``samplics``). The raked weights then go into the
metrics as ``weights=…, weight_type="sampling"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .._results import Result

__all__ = ["RakeResult", "rake"]

_SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True, repr=False)
class RakeResult(Result):
    """Raked weights and how well they meet the margins (from :func:`rake`).

    Attributes
    ----------
    weights : Series
        One weight per row of the table, with the table's index (named ``name``).
    margins : DataFrame
        One row per variable and level: ``variable``, ``level``, ``target`` (share),
        ``sample`` (the unweighted share of the sample), ``base`` (the share under the base
        weights), ``raked`` (the share under the raked weights) (also ``to_frame()``).
    n : int
        Rows weighted.
    n_eff : float
        Kish's effective sample size of the raked weights, :math:`(\\sum w)^2/\\sum w^2`.
    design_effect : float
        Kish's design effect due to weighting, :math:`n / n_\\mathrm{eff}`.
    base_weights : str or None
        The column of base weights raked from (``None``: every row 1).
    total : float
        The sum of the raked weights (the population total the margins describe).
    """

    weights: pd.Series
    margins: pd.DataFrame
    n: int
    n_eff: float
    design_effect: float
    base_weights: str | None
    total: float

    _label_columns = ("variable", "level")
    _estimate_column = "raked"

    def to_frame(self) -> pd.DataFrame:
        """The margins table (a copy)."""
        return self.margins.copy()

    def summary(self) -> str:
        """The weights' range, the effective sample size and the margins met, as text."""
        w = self.weights
        worst = float((self.margins["raked"] - self.margins["target"]).abs().max())
        lines = [f"Raked weights for {self.n} rows on {self.margins['variable'].nunique()} "
                 f"margin(s)" + (f", from base weights {self.base_weights!r}"
                                 if self.base_weights else ""),
                 f"weights from {w.min():.3g} to {w.max():.3g} (sum {self.total:.6g}); "
                 f"effective sample size {self.n_eff:.1f} (design effect "
                 f"{self.design_effect:.2f}); largest gap to a target share {worst:.1e}",
                 self.margins.to_string(index=False, float_format=lambda v: f"{v:.4f}")]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"RakeResult(\n{self.summary()}\n)"


@shared_docs
def rake(data: pd.DataFrame, margins: Mapping[str, Mapping], *, base_weights: str | None = None,
         total: float | None = None, tol: float = 1e-10, max_iter: int = 1000,
         name: str = "weight") -> RakeResult:
    """Rake survey weights to known population margins (iterative proportional fitting).

    Parameters
    ----------
    data : DataFrame
        One row per respondent, with a column for each variable of ``margins``.
    margins : dict
        ``{column: {level: target}}``: the population's distribution of each variable, as
        shares (each margin sums to 1) or as totals (each margin sums to the same
        population total). Every level present in the data needs a positive target, and
        every level with a target must be present in the data. Levels are matched by their
        text, so ``1`` and ``"1"`` name the same level.
    base_weights : str, optional
        Column of design (base) weights to start from; every row 1 when omitted.
    total : float, optional
        What the raked weights sum to when the margins are shares: by default the sum of
        the base weights (the number of rows without them), so that weights average 1.
        Margins given as totals fix it themselves.
    tol : float
        Convergence: the largest relative gap ``|achieved - target| / target`` accepted
        over every level (default ``1e-10``).
    max_iter : int
        The most raking sweeps; raking that has not converged by then is refused.
    name : str
        The name of the weights Series.

    Returns
    -------
    RakeResult
        ``.weights`` (a Series aligned with ``data``), ``.margins`` (targets against the
        sample's and the raked shares), ``.n_eff`` (Kish), ``.design_effect``,
        ``.summary()``.

    Raises
    ------
    DataError
        A margin column absent or with missing values (the error names the rows); a level in
        the data without a target (the rows); bad base weights.
    ValueError
        Targets that are not positive numbers, levels with a target that no row has, margins
        of totals that disagree on the total, raking that does not converge.

    Notes
    -----
    Raking (Deming & Stephan 1940) multiplies the weights of every level of one variable by
    target / weighted total, variable after variable, until all margins hold at once. The
    result has the form :math:`w_i = d_i \\prod_v a_{v, x_{iv}}` (base weight times one factor
    per variable and level): of the weights that meet the margins, the closest to the base
    weights in the raking (multiplicative) distance (Deville & Särndal 1992). The computation
    is ``svy``'s ``Sample.weighting.rake(controls=…, tol=…, max_iter=…)``.

    Raking corrects for the variables it uses only. Weights that vary a lot cost precision:
    the effective sample size falls to ``n_eff``; pass the weights to the metrics as
    ``weights=name, weight_type="sampling"`` so that their intervals account for it.

    References
    ----------
    Deming, W. E., & Stephan, F. F. (1940). On a least squares adjustment of a sampled
    frequency table when the expected marginal totals are known. *Annals of Mathematical
    Statistics*, 11(4), 427–444.
    Deville, J.-C., & Särndal, C.-E. (1992). Calibration estimators in survey sampling.
    *JASA*, 87(418), 376–382.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import metrics
    >>> survey = pd.DataFrame({"region": ["north"] * 6 + ["south"] * 4,
    ...                        "age": ["young", "old", "old", "old", "young", "old",
    ...                                "young", "young", "old", "young"],
    ...                        "nps": [9, 10, 6, 8, 9, 10, 3, 7, 10, 6]})
    >>> raked = metrics.rake(survey, {"region": {"north": 0.5, "south": 0.5},
    ...                               "age": {"young": 0.4, "old": 0.6}})
    >>> raked.to_frame()[["variable", "level", "target", "sample", "raked"]].round(3)
      variable  level  target  sample  raked
    0   region  north     0.5     0.6    0.5
    1   region  south     0.5     0.4    0.5
    2      age    old     0.6     0.5    0.6
    3      age  young     0.4     0.5    0.4
    >>> survey["weight"] = raked.weights
    >>> metrics.nps(survey, weights="weight", weight_type="sampling")[
    ...     ["estimate", "n", "n_eff", "weighting"]].round(1)
       estimate   n  n_eff weighting
    0      20.0  10    8.7  sampling
    """
    _check.frame(data)
    if not isinstance(margins, Mapping) or not margins:
        raise TypeError("margins must be a non-empty dict {column: {level: target}}, not "
                        f"{margins!r}")
    variables = _check.as_list(list(margins), "margins")
    _check.columns(data, variables + ([base_weights] if base_weights is not None else []))
    max_iter = _check.count(max_iter, "max_iter", minimum=1)
    if not _check.is_number(tol) or not tol > 0:
        raise ValueError(f"tol must be a positive number, not {tol!r}")
    frame = data[variables].reset_index(drop=True)
    _check.complete(frame, variables)
    base = (_check.weights(data, base_weights, "sampling") if base_weights is not None
            else pd.Series(np.ones(len(frame))))
    labels = {v: frame[v].map(str) for v in variables}
    targets = {v: _targets(margins[v], v, labels[v]) for v in variables}
    shares = all(abs(sum(t.values()) - 1) <= _SHARE_TOLERANCE for t in targets.values())
    if shares:
        if total is not None and (not _check.is_number(total) or not total > 0):
            raise ValueError(f"total must be a positive number, not {total!r}")
        grand = float(base.sum()) if total is None else float(total)
        controls = {v: {k: t * grand for k, t in targets[v].items()} for v in variables}
    else:
        if total is not None:
            raise ValueError("total= goes with margins given as shares; these margins are "
                             "totals, which fix the total themselves")
        sums = {v: sum(t.values()) for v, t in targets.items()}
        grand = next(iter(sums.values()))
        if any(not math.isclose(s, grand, rel_tol=1e-9) for s in sums.values()):
            raise ValueError("the margins disagree on the population total ("
                             + ", ".join(f"{v}: {s:g}" for v, s in sums.items())
                             + "): give every margin as shares summing to 1, or as totals "
                               "with one sum")
        controls = targets
    raked = _svy_rake(labels, base.to_numpy(dtype=float), controls, tol, max_iter)
    weights = pd.Series(raked, index=data.index, name=name)
    table = _margins_table(variables, labels, targets, base.to_numpy(dtype=float), raked)
    n_eff = float(raked.sum() ** 2 / (raked**2).sum())
    return RakeResult(weights=weights, margins=table, n=len(frame), n_eff=n_eff,
                      design_effect=len(frame) / n_eff, base_weights=base_weights,
                      total=float(raked.sum()))


def _targets(margin, variable: str, labels: pd.Series) -> dict[str, float]:
    """One margin as ``{level as text: target}``, checked against the data's levels."""
    if not isinstance(margin, Mapping) or not margin:
        raise TypeError(f"margins[{variable!r}] must be a non-empty dict {{level: target}}, "
                        f"not {margin!r}")
    targets = {}
    for level, target in margin.items():
        if not _check.is_number(target) or not math.isfinite(target) or not target > 0:
            raise ValueError(f"margins[{variable!r}][{level!r}] must be a positive number, "
                             f"not {target!r} (a level with no one in the population has "
                             "no respondents to weigh)")
        key = str(level)
        if key in targets:
            raise ValueError(f"margins[{variable!r}] names the level {key!r} twice")
        targets[key] = float(target)
    present = set(labels)
    absent = [k for k in targets if k not in present]
    if absent:
        raise ValueError(f"margins[{variable!r}] has a target for level(s) "
                         f"{', '.join(map(repr, absent))} that no row of the data has: "
                         "raking cannot give them weight (merge them with a neighbouring "
                         "level in the data and the targets)")
    _check.refuse_values(~labels.isin(list(targets)), labels, variable,
                         "level(s) without a target",
                         "levels " + ", ".join(map(repr, targets)) + " (the keys of "
                         f"margins[{variable!r}])")
    return targets


def _svy_rake(labels: dict[str, pd.Series], base: np.ndarray, controls: dict, tol: float,
              max_iter: int) -> np.ndarray:
    """svy's raking of ``base`` to ``controls`` (totals); refuses non-convergence."""
    import polars as pl
    import svy

    names = {v: f"m{i}" for i, v in enumerate(labels)}  # svy's column names, free of clashes
    table = pl.DataFrame({names[v]: labels[v].to_list() for v in labels}
                         | {"base_weight": base})
    sample = svy.Sample(table, svy.Design(wgt="base_weight"))
    try:
        raked = sample.weighting.rake(controls={names[v]: c for v, c in controls.items()},
                                      tol=tol, max_iter=max_iter, wgt_name="raked_weight",
                                      on_nonconvergence="error")
    except svy.SvyError as err:
        raise ValueError(f"raking did not reach the margins (tol={tol:g}, "
                         f"max_iter={max_iter}): {str(err).splitlines()[0]}; margins that "
                         "no weights can meet at once (e.g. a combination of levels with no "
                         "respondent) do not converge") from None
    return raked.data.get_column("raked_weight").to_numpy().astype(float)


def _margins_table(variables, labels, targets, base, raked) -> pd.DataFrame:
    rows = []
    for v in variables:
        total_t = sum(targets[v].values())
        for level in sorted(targets[v]):
            hit = (labels[v] == level).to_numpy()
            rows.append({"variable": v, "level": level, "target": targets[v][level] / total_t,
                         "sample": hit.mean(), "base": base[hit].sum() / base.sum(),
                         "raked": raked[hit].sum() / raked.sum()})
    return pd.DataFrame(rows)
