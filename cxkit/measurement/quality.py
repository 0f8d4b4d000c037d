"""Measurement quality of reflective constructs, computed by seminr: reliability (Cronbach's
alpha, rho_A, rho_C, AVE) and discriminant validity (HTMT with bootstrap intervals,
Fornell–Larcker, cross-loadings).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from ._boot import _boot_table, _bootstrap, _bootstrap_notes
from ._items import _PLS_HINT, _Items, _items
from ._spec import (
    DOCS,
    _Construct,
    _constructs,
    _seminr_measurement,
    _seminr_structural,
)

__all__ = ["ValidityResult", "reliability", "validity"]

#: The rules for missing answers PLS takes (``pairwise`` has no PLS form).
PLS_RULES = ("refuse", "listwise", "mean")

# --------------------------------------------------------------------------------------------
# seminr calls shared by the functions
# --------------------------------------------------------------------------------------------
def _measurement_only_model(items: _Items, constructs: list[_Construct]):
    """PLS mode A with every pair of constructs linked and the factorial inner scheme."""
    import seminr

    names = [c.name for c in constructs]
    if len(names) < 2:
        raise ValueError("PLS needs at least two constructs; for one scale use "
                         "cxkit.measurement.alpha (Cronbach's alpha and McDonald's omega with "
                         "intervals) or cxkit.measurement.cfa (rho_C and AVE)")
    # With every pair linked, the factorial scheme's inner weights are the construct-score
    # correlations of all pairs: symmetric, so the loadings depend neither on a structural
    # model nor on the order of the constructs.
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    start = time.perf_counter()
    model = seminr.estimate_pls(items.values, _seminr_measurement(constructs),
                                _seminr_structural(pairs), inner_weights=seminr.path_factorial)
    return model, time.perf_counter() - start


def _cronbach_alpha(block: np.ndarray) -> float:
    k = block.shape[1]
    if k < 2:
        return 1.0
    item_variances = block.var(axis=0, ddof=1).sum()
    total_variance = block.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_variances / total_variance))


def _reliability_table(model, constructs: list[_Construct], items: _Items) -> pd.DataFrame:
    from seminr import reliability_table

    table = reliability_table(model)
    data = pd.DataFrame(model.data.values, columns=list(model.data.columns))
    rows = []
    for c in constructs:
        rows.append({
            "construct": c.name, "mode": c.mode, "n_items": len(c.items),
            "alpha": _cronbach_alpha(data[list(c.items)].to_numpy()),
            "alpha_standardized": table.get(c.name, "alpha"),
            "rho_a": table.get(c.name, "rhoA"), "rho_c": table.get(c.name, "rhoC"),
            "ave": table.get(c.name, "AVE"),
            "n_missing": sum(items.blank[i] + items.coded[i] for i in c.items)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# reliability
# --------------------------------------------------------------------------------------------
@shared_docs(extra=DOCS)
def reliability(survey: pd.DataFrame, constructs: Mapping[str, Sequence[str]], *,
                missing_codes: Sequence[float] | None = None,
                missing: str = _check.MISSING_DEFAULT) -> pd.DataFrame:
    """Internal-consistency reliability of each construct: alpha, rho_A, rho_C and AVE.

    Parameters
    ----------
    {doc:survey}
    {doc:constructs}
        At least two constructs (PLS estimates their loadings together).
    {doc:missing_codes}
    {doc:missing}
        {doc:pls_rules}

    Returns
    -------
    DataFrame
        One row per construct, in the order given, with columns

        {doc:reliability_columns}

        ``attrs["missing_note"]`` says what the rule for missing answers did.

    Raises
    ------
    DataError
        Item columns absent, not numeric, constant, or holding undeclared missing codes;
        missing answers under ``missing="refuse"``.

    Notes
    -----
    ``rho_a``, ``rho_c`` and ``ave`` need loadings and weights. They are seminr's
    (``reliability_table``), from a PLS mode A estimation in which every pair of constructs is
    linked and the inner weights follow the factorial scheme (Lohmöller, 1989): with no
    structural model to lean on, each construct is estimated from its correlations with all the
    others, and the result does not depend on the order of the constructs. Inside a fitted
    :func:`pls_sem` model, ``.reliability`` uses that model's own loadings; :func:`cfa` gives
    :math:`\\rho_C` and AVE from common-factor (CB-SEM) standardized loadings instead.
    {doc:mean_replacement} Every column, alpha included, is computed on the data after it.

    {doc:reliability_notes}

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       *Psychometrika*, 16(3), 297–334.
    .. [2] Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
       unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
       39–50.
    .. [3] Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path
       modeling. *MIS Quarterly*, 39(2), 297–316.
    .. [4] Lohmöller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least
       Squares*. Physica.
    {doc:hair_ref}
    {doc:seminr_ref}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.measurement import reliability
    >>> survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    >>> table = reliability(survey, {"ease": ["ease_1", "ease_2", "ease_3"],
    ...                              "loyalty": ["loy_1", "loy_2", "loy_3"]})
    >>> table[["construct", "alpha", "rho_a", "rho_c", "ave"]].round(2)
      construct  alpha  rho_a  rho_c   ave
    0      ease   0.81   0.82   0.89  0.72
    1   loyalty   0.85   0.86   0.91  0.77
    """
    spec = _constructs(constructs, allow_formative=False)
    items = _items(survey, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT,
                   missing=missing, allowed=PLS_RULES, what="PLS", fill_means=False)
    model, _ = _measurement_only_model(items, spec)
    table = _reliability_table(model, spec, items)
    table.attrs["missing_note"] = items.note
    return table


# --------------------------------------------------------------------------------------------
# validity
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ValidityResult(Result):
    """Discriminant validity: HTMT with bootstrap intervals, Fornell–Larcker, cross-loadings.

    Attributes
    ----------
    htmt, fornell_larcker, cross_loadings : DataFrame
        See :func:`validity`.
    correlations : DataFrame
        Correlations of the construct scores (constructs × constructs).
    missing : DataFrame
        Per item: ``column``, ``blank``, ``missing_code``, ``share`` and ``replaced_with``
        (the item mean that replaced them).
    bootstrap : int
        Bootstrap resamples used (0: no intervals).
    conf_level : float
        Confidence level of the HTMT intervals.
    notes : list of str
        Bootstrap resamples that could not be estimated, if any.
    fit, boot : seminr objects
        The PLS model (``seminr.PlsModel``) and its bootstrap (``seminr.BootModel`` or None).
        ``model`` is a deprecated alias of ``fit``, ``level`` of ``conf_level``.
    missing_note : str
        What the rule for missing answers did (``missing=``).
    """

    htmt: pd.DataFrame
    fornell_larcker: pd.DataFrame
    cross_loadings: pd.DataFrame
    correlations: pd.DataFrame
    missing: pd.DataFrame
    bootstrap: int
    conf_level: float
    notes: list[str]
    fit: object = field(repr=False)
    boot: object = field(default=None, repr=False)
    missing_note: str = ""

    _label_columns = ("construct_1", "construct_2")
    _estimate_column = "htmt"

    model = renamed_attribute("model", "fit")

    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """The HTMT table: ``construct_1``, ``construct_2``, ``htmt``, ``ci_low``, ``ci_high``,
        ``ci_below_1``."""
        return self.htmt.copy()

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Percentile bootstrap intervals of the HTMT ratios (columns ``lower``, ``upper``;
        one row per pair of constructs).

        Parameters
        ----------
        conf_level : float, optional
            By default the level the result was computed at; another level is read from the
            same bootstrap resamples (what ``validity(..., conf_level=...)`` with the same
            seed gives).
        """
        if not self.bootstrap:
            raise ValueError("ValidityResult has no confidence interval: it was computed "
                             "without a bootstrap (bootstrap=0)")
        if conf_level is None or math.isclose(_check.conf_level(conf_level), self.conf_level):
            return super().conf_int()
        names = list(self.fornell_larcker["construct"])
        table = _htmt_table(self.fit, names, self.boot, _check.conf_level(conf_level))
        return pd.DataFrame({"lower": table["ci_low"].to_numpy(),
                             "upper": table["ci_high"].to_numpy()},
                            index=pd.MultiIndex.from_frame(table[list(self._label_columns)]))

    def summary(self) -> str:
        """HTMT, Fornell–Larcker and cross-loading checks in a few lines of text."""
        lines = [f"Discriminant validity of {len(self.fornell_larcker)} constructs "
                 f"({len(self.fit.data.values)} respondents)"]
        worst = self.htmt.sort_values("htmt", ascending=False).iloc[0]
        interval = (f", {self.conf_level:.0%} CI {worst['ci_low']:.3f} to {worst['ci_high']:.3f}"
                    if self.bootstrap else "")
        lines.append(f"  highest HTMT: {worst['construct_1']} / {worst['construct_2']} = "
                     f"{worst['htmt']:.3f}{interval} (thresholds 0.85 / 0.90)")
        failed = self.fornell_larcker.loc[~self.fornell_larcker["criterion_met"], "construct"]
        lines.append("  Fornell–Larcker: " + ("met for every construct" if failed.empty else
                                              "not met for " + ", ".join(failed)))
        off = self.cross_loadings.loc[~self.cross_loadings["highest_on_own"], "item"]
        lines.append("  cross-loadings: " + ("every item loads highest on its own construct"
                                             if off.empty else
                                             "items loading higher elsewhere: " + ", ".join(off)))
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "ValidityResult(\n" + self.summary() + "\n)"


@shared_docs(extra=DOCS)
@old_keywords()
def validity(survey: pd.DataFrame, constructs: Mapping[str, Sequence[str]], *,
             bootstrap: int = 500, seed=None, conf_level: float = 0.95,
             missing_codes: Sequence[float] | None = None, cores: int | None = None,
             level: float | None = None,
             missing: str = _check.MISSING_DEFAULT) -> ValidityResult:
    """Discriminant validity: HTMT with a bootstrap interval, Fornell–Larcker, cross-loadings.

    Parameters
    ----------
    {doc:survey}
    {doc:constructs}
        At least two constructs.
    bootstrap : int
        Bootstrap resamples for the HTMT intervals (0: none).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap resampling: the same seed gives the same intervals.
    {doc:percentile_level}
    {doc:missing_codes}
    {doc:missing}
        {doc:pls_rules}
    {doc:cores}
    {doc:level}

    Returns
    -------
    ValidityResult
        With

        - ``htmt``: one row per pair of constructs: ``construct_1``, ``construct_2``,
          ``htmt``, ``ci_low``, ``ci_high`` (percentile bootstrap interval; NaN without
          bootstrap) and ``ci_below_1`` (the interval's upper end is below 1, Henseler et al.'s
          HTMT\\ :sub:`inference` criterion; missing without bootstrap);
        - ``fornell_larcker``: one row per construct: ``construct``, ``sqrt_ave``,
          ``max_correlation`` (largest absolute correlation with another construct's score),
          ``most_correlated_with`` and ``criterion_met`` (``sqrt_ave > max_correlation``);
        - ``cross_loadings``: one row per item: ``item``, ``construct`` (its own), one column
          per construct with the item's correlation with that construct's score, and
          ``highest_on_own`` (the item correlates most with its own construct);
        - ``correlations``, ``missing``, ``notes``, ``bootstrap``, ``conf_level``; ``fit``
          and ``boot``, seminr's objects; ``.summary()``, ``.to_frame()`` (the HTMT table),
          ``.conf_int()`` (its intervals).

    Raises
    ------
    DataError
        Item columns absent, not numeric, constant, or holding undeclared missing codes.

    Notes
    -----
    For constructs :math:`i` and :math:`j` with :math:`K_i` and :math:`K_j` items and item
    correlations :math:`r`, the heterotrait–monotrait ratio (Henseler et al., 2015) is the mean
    heterotrait correlation over the geometric mean of the two mean monotrait correlations:

    .. math::

        \\mathrm{HTMT}_{ij} = \\frac{\\frac{1}{K_i K_j}\\sum_{g=1}^{K_i}\\sum_{h=1}^{K_j}
        r_{ig,jh}}{\\Bigl(\\frac{2}{K_i(K_i-1)}\\sum_{g<h} r_{ig,ih} \\cdot
        \\frac{2}{K_j(K_j-1)}\\sum_{g<h} r_{jg,jh}\\Bigr)^{1/2}}.

    seminr averages absolute correlations (the same for positively keyed items) and counts a
    single item's monotrait mean as 1. Values above 0.85 (distinct concepts) or 0.90 (similar
    concepts) signal a lack of discriminant validity; so does a bootstrap interval reaching 1.
    The interval is the percentile interval of seminr's bootstrap, which re-estimates the model
    on each resample.

    Fornell & Larcker (1981): each construct's :math:`\\sqrt{\\mathrm{AVE}}` should exceed its
    correlations with every other construct. The criterion misses many validity problems
    between reflective constructs with similar loadings (Henseler et al., 2015); prefer HTMT.
    Cross-loadings: an item should correlate more with its own construct than with any other.
    Scores, AVE and cross-loadings come from the PLS mode A estimation described in
    :func:`reliability`; HTMT uses only the item correlations. {doc:mean_replacement}

    References
    ----------
    .. [1] Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
       discriminant validity in variance-based structural equation modeling. *Journal of the
       Academy of Marketing Science*, 43(1), 115–135.
    .. [2] Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
       unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
       39–50.
    {doc:hair_ref}
    {doc:seminr_ref}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.measurement import validity
    >>> survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    >>> result = validity(survey, {"needs": ["needs_1", "needs_2", "needs_3"],
    ...                            "ease": ["ease_1", "ease_2", "ease_3"],
    ...                            "loyalty": ["loy_1", "loy_2", "loy_3"]},
    ...                   bootstrap=100, seed=1)
    >>> result.htmt[["construct_1", "construct_2", "htmt"]].round(2)
      construct_1 construct_2  htmt
    0       needs        ease  0.50
    1       needs     loyalty  0.37
    2        ease     loyalty  0.40
    >>> bool(result.htmt["ci_below_1"].all())
    True
    """
    conf_level = _check.conf_level(conf_level)
    spec = _constructs(constructs, allow_formative=False)
    items = _items(survey, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT,
                   missing=missing, allowed=PLS_RULES, what="PLS", fill_means=False)
    model, seconds = _measurement_only_model(items, spec)
    boot, _ = _bootstrap(model, bootstrap, seed, cores, seconds)
    names = [c.name for c in spec]
    fornell_larcker, correlations = _fornell_larcker_table(model, names)
    return ValidityResult(htmt=_htmt_table(model, names, boot, conf_level),
                          fornell_larcker=fornell_larcker,
                          cross_loadings=_cross_loadings_table(model, spec),
                          correlations=correlations, missing=items.missing_table(),
                          bootstrap=0 if boot is None else boot.boots,
                          conf_level=conf_level, notes=_bootstrap_notes(boot), fit=model,
                          boot=boot, missing_note=items.note)


def _htmt_table(model, names, boot, conf_level) -> pd.DataFrame:
    from seminr import htmt
    from seminr.bootstrap.summarize import parse_boot_array_htmt

    ratios = htmt(model)
    intervals = {} if boot is None else _boot_table(
        parse_boot_array_htmt(ratios, boot.boot_htmt, alpha=1 - conf_level))
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            row = intervals.get((a, b))
            low, high = (math.nan, math.nan) if row is None else (float(row[4]), float(row[5]))
            rows.append({"construct_1": a, "construct_2": b, "htmt": ratios.get(a, b),
                         "ci_low": low, "ci_high": high,
                         "ci_below_1": pd.NA if boot is None else bool(high < 1)})
    table = pd.DataFrame(rows)
    table["ci_below_1"] = table["ci_below_1"].astype("boolean")
    return table


def _fornell_larcker_table(model, names) -> tuple[pd.DataFrame, pd.DataFrame]:
    from seminr import fl_criteria_table
    from seminr.evaluate.constructs_in_model import constructs_in_model

    mc = constructs_in_model(model)
    correlations = pd.DataFrame(mc.scores.values, columns=list(mc.scores.cols))[names].corr()
    criteria = fl_criteria_table(model, mc)  # sqrt(AVE) on its diagonal
    rows = []
    for a in names:
        others = correlations[a].drop(a).abs()
        sqrt_ave = criteria.get(a, a)
        rows.append({"construct": a, "sqrt_ave": sqrt_ave,
                     "max_correlation": float(others.max()),
                     "most_correlated_with": str(others.idxmax()),
                     "criterion_met": bool(sqrt_ave > others.max())})
    return pd.DataFrame(rows), correlations


def _cross_loadings_table(model, spec) -> pd.DataFrame:
    from seminr import cross_loadings
    from seminr.evaluate.constructs_in_model import constructs_in_model

    names = [c.name for c in spec]
    loadings = cross_loadings(model, constructs_in_model(model))
    table = pd.DataFrame(loadings.values, columns=list(loadings.cols))[names]
    own = {i: c.name for c in spec for i in c.items}
    table.insert(0, "construct", [own[i] for i in loadings.rows])
    table.insert(0, "item", list(loadings.rows))
    table["highest_on_own"] = [bool(abs(row[row["construct"]]) >= row[names].abs().max())
                               for _, row in table.iterrows()]
    return table

