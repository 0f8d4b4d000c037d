"""Confirmatory factor analysis (CB-SEM) of reflective constructs, through seminr's
lavaan-equivalent estimator: standardized loadings, fit indices, reliability.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._deprecated import renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from ._items import _PLS_HINT, _items
from ._spec import DOCS, _constructs

__all__ = ["CFAResult", "cfa"]

# --------------------------------------------------------------------------------------------
# CFA
# --------------------------------------------------------------------------------------------
_FIT_MEASURES = {
    "npar": "npar", "chisq": "chisq", "df": "df", "pvalue": "pvalue", "cfi": "cfi",
    "tli": "tli", "rmsea": "rmsea", "rmsea.ci.lower": "rmsea_ci_low",
    "rmsea.ci.upper": "rmsea_ci_high", "srmr": "srmr", "aic": "aic", "bic": "bic",
    "chisq.scaled": "chisq_scaled", "df.scaled": "df_scaled", "pvalue.scaled": "pvalue_scaled",
    "chisq.scaling.factor": "scaling_factor", "cfi.robust": "cfi_robust",
    "tli.robust": "tli_robust", "rmsea.robust": "rmsea_robust",
    "rmsea.ci.lower.robust": "rmsea_robust_ci_low",
    "rmsea.ci.upper.robust": "rmsea_robust_ci_high",
}

#: The rules for missing answers a CFA takes (seminr's ML needs complete rows).
CFA_RULES = ("refuse", "listwise")


@dataclass(frozen=True, repr=False)
class CFAResult(Result):
    """A confirmatory factor analysis: standardized loadings, fit indices, reliability.

    Attributes
    ----------
    loadings, fit_indices, reliability, correlations : see :func:`cfa`.
    n : int
        Respondents used.
    rows_dropped : list of int
        1-based rows left out because an item was missing (``missing="listwise"``).
    estimator : str
        The estimator used: ``"MLR"`` or ``"ML"`` (``"ML"`` for a just-identified model even
        when ``"MLR"`` was asked for; ``notes`` says so).
    fit : seminr.CfaModel
        seminr's model (its ``estimation`` holds every fit measure and the parameter table).
        In cxkit 0.1 ``fit`` held the fit indices, now in ``fit_indices``; ``model`` is a
        deprecated alias of ``fit``.
    conf_level : float
        Confidence level of the loadings' Wald intervals (0.95, seminr's and lavaan's).
    notes : list of str
        What the reader must know: the estimator fallback and the untestable fit of a
        just-identified model, improper solutions (Heywood cases).
    missing_note : str
        What the rule for missing answers did (``missing=``).
    """

    loadings: pd.DataFrame
    fit_indices: pd.Series
    reliability: pd.DataFrame
    correlations: pd.DataFrame
    n: int
    rows_dropped: list[int]
    estimator: str
    fit: object = field(repr=False)
    conf_level: float = 0.95
    notes: list[str] = field(default_factory=list)
    missing_note: str = ""

    _label_columns = ("construct", "item")
    _estimate_column = "loading"

    model = renamed_attribute("model", "fit")

    def to_frame(self) -> pd.DataFrame:
        """The standardized loadings: ``construct``, ``item``, ``loading``, ``se``, ``z``,
        ``p_value``, ``ci_low``, ``ci_high``.

        ``conf_int(conf_level=...)`` gives the loadings' Wald intervals at another level
        (estimate ± z × se, as lavaan computes them)."""
        return self.loadings.copy()

    def summary(self) -> str:
        """Fit indices, loadings and reliability as text."""
        f = self.fit_indices
        if f["df"] == 0:
            fit_line = (f"  chi2(0) = {f['chisq']:.2f}: just-identified, the model reproduces "
                        "the item covariances exactly; its fit cannot be tested (p-value, CFI, "
                        "TLI and RMSEA undefined)")
        else:
            fit_line = (f"  chi2({f['df']:.0f}) = {f['chisq']:.2f}, p = {f['pvalue']:.3g}; "
                        f"CFI = {f['cfi']:.3f}, TLI = {f['tli']:.3f}, RMSEA = {f['rmsea']:.3f} "
                        f"[{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}], "
                        f"SRMR = {f['srmr']:.3f}")
        lines = [f"CFA ({self.estimator}, seminr): {self.n} respondents"
                 + (f", {len(self.rows_dropped)} incomplete left out" if self.rows_dropped
                    else ""),
                 fit_line,
                 "Standardized loadings:",
                 self.loadings[["construct", "item", "loading", "se", "ci_low", "ci_high"]]
                 .to_string(index=False, float_format=lambda v: f"{v:.3f}"),
                 "Reliability:",
                 self.reliability.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "CFAResult(\n" + self.summary() + "\n)"


@shared_docs(extra=DOCS)
def cfa(survey: pd.DataFrame, constructs: Mapping[str, Sequence[str]], *,
        missing_codes: Sequence[float] | None = None, estimator: str = "MLR",
        missing: str = _check.MISSING_DEFAULT) -> CFAResult:
    """Confirmatory factor analysis (CB-SEM) of reflective constructs, through seminr.

    Every construct is a common factor measured by its items; factors are free to correlate;
    each item loads on its own factor only. The model is fitted by maximum likelihood with
    seminr's lavaan-equivalent estimator (``estimate_cfa``, ``std.lv = TRUE``).

    Parameters
    ----------
    {doc:survey}
    {doc:constructs}
    {doc:missing_codes}
    {doc:missing}
        A CFA takes ``"refuse"`` and ``"listwise"``: seminr's maximum likelihood needs
        complete rows (it has no full-information ML), and means put in place of missing
        answers shrink the items' variances and covariances.
    estimator : {"MLR", "ML"}
        ``"MLR"`` (seminr's default): ML estimates with robust (Huber–White) standard errors
        and the Yuan–Bentler scaled test, suited to Likert items that are not normal;
        ``"ML"``: classical standard errors and test. A just-identified model (0 degrees of
        freedom, e.g. one factor with three items) is always fitted by ML: it has no test to
        scale, and seminr's robust layer divides by the degrees of freedom (it crashed with
        ``ZeroDivisionError``). The loadings are the same; their standard errors are then the
        classical ones, and ``notes`` says so.

    Returns
    -------
    CFAResult
        With

        - ``loadings``: one row per item: ``construct``, ``item``, ``loading`` (completely
          standardized, lavaan's ``std.all``), ``se`` (delta-method standard error, robust
          under MLR), ``z``, ``p_value``, ``ci_low``, ``ci_high`` (95% Wald interval;
          ``.conf_int(conf_level=...)`` at another level);
        - ``fit_indices``: Series of fit indices, as seminr reports them (lavaan's definitions):
          ``n``, ``npar``, ``chisq``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``,
          ``rmsea_ci_low``, ``rmsea_ci_high`` (90% interval), ``srmr``, ``aic``, ``bic`` and,
          under MLR, ``chisq_scaled``, ``df_scaled``, ``pvalue_scaled``, ``scaling_factor``,
          ``cfi_robust``, ``tli_robust``, ``rmsea_robust``, ``rmsea_robust_ci_low``,
          ``rmsea_robust_ci_high``. For a just-identified model (``df`` = 0) ``chisq`` is 0
          and ``srmr`` about 0 by construction, and ``pvalue``, ``cfi``, ``tli``, ``rmsea``
          and its interval are NaN: with nothing left to test they are undefined (RMSEA,
          TLI and the p-value divide by or test on 0 degrees of freedom; CFI would be 1 by
          construction), and ``notes`` says so;
        - ``reliability``: one row per construct: ``construct``, ``rho_c`` and ``ave`` from the
          standardized loadings (formulas in :func:`reliability`);
        - ``correlations``: factor correlations (constructs × constructs);
        - ``n``, ``rows_dropped``, ``estimator`` (the one used), ``conf_level``, ``notes``
          (estimator fallback, just-identified model, improper solutions); ``fit``, seminr's
          model;
          ``.summary()``, ``.to_frame()`` (the loadings), ``.conf_int()``.

        In cxkit 0.1 ``.fit`` held the fit indices; they are now ``.fit_indices``.

    Raises
    ------
    DataError
        Item columns absent, not numeric, constant, or holding undeclared missing codes.
    ValueError
        A model that is not identified: more parameters than item variances and covariances
        (one factor with two items; use :func:`cxkit.measurement.alpha` for a two-item
        scale).

    Notes
    -----
    With factor variances fixed to 1, item :math:`x_i = \\lambda_i \\xi + \\varepsilon_i`; the
    standardized loading is :math:`\\lambda_i \\big/ \\sqrt{\\lambda_i^2 + \\theta_i}`, the
    correlation of the item with its factor. Usual guides (Hu & Bentler, 1999): CFI and TLI
    ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08; standardized loadings ≥ 0.708 (Hair et al., 2022).
    With ``missing="listwise"`` respondents with a missing item are left out (lavaan's
    default) and listed in ``rows_dropped``; seminr's CFA has no full-information ML for
    missing data.

    Degrees of freedom: :math:`p(p+1)/2` item variances and covariances minus the free
    parameters (a loading and a residual variance per item — none for a single-item
    construct — and a correlation per pair of factors). At 0 the model is just-identified:
    it reproduces the covariances exactly, so only its loadings are informative. Below 0
    it is not identified and is refused (seminr would return meaningless standard errors).
    A negative residual variance (a standardized loading above 1) is an improper solution,
    a *Heywood case*; ``notes`` names the item.

    References
    ----------
    .. [1] Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
       factor analysis. *Psychometrika*, 34(2), 183–202.
    .. [2] Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
       structure analysis. *Structural Equation Modeling*, 6(1), 1–55.
    .. [3] Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       *Journal of Statistical Software*, 48(2), 1–36.
    {doc:hair_ref}
    {doc:seminr_ref}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.measurement import cfa
    >>> survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    >>> result = cfa(survey, {"ease": ["ease_1", "ease_2", "ease_3"],
    ...                       "csr": ["csr_1", "csr_2", "csr_3", "csr_4"]})
    >>> result.loadings[["construct", "item", "loading", "se"]].round(2)
      construct    item  loading    se
    0      ease  ease_1     0.73  0.05
    1      ease  ease_2     0.72  0.05
    2      ease  ease_3     0.86  0.05
    3       csr   csr_1     0.71  0.06
    4       csr   csr_2     0.58  0.07
    5       csr   csr_3     0.66  0.06
    6       csr   csr_4     0.69  0.06
    >>> result.fit_indices[["df", "cfi", "rmsea", "srmr"]].round(3)
    df       13.000
    cfi       1.000
    rmsea     0.000
    srmr      0.035
    Name: value, dtype: float64
    """
    import seminr

    _check.one_of(estimator, ("MLR", "ML"), "estimator")
    spec = _constructs(constructs, allow_formative=False)
    columns = [i for c in spec for i in c.items]
    df = _degrees_of_freedom(spec)
    items = _items(survey, columns, missing_codes, hint=_PLS_HINT, missing=missing,
                   allowed=CFA_RULES, what="a CFA")
    complete = items.values
    if len(complete) <= len(columns):
        raise DataError(f"only {len(complete)} respondents answered every item, fewer than "
                        f"the {len(columns) + 1} a CFA of {len(columns)} items needs",
                        expected="more complete answers")
    used = "ML" if df == 0 else estimator
    measurement = seminr.constructs(*[seminr.reflective(c.name, list(c.items)) for c in spec])
    with np.errstate(invalid="ignore"):  # a Heywood case: seminr's sqrt of a negative variance
        model = seminr.estimate_cfa(complete, measurement, estimator=used)
        summary = seminr.summarize(model)
    names = [c.name for c in spec]
    fit_indices = pd.Series({"n": float(len(complete))}
                    | {ours: float(summary.fit[theirs]) for theirs, ours in _FIT_MEASURES.items()
                       if theirs in summary.fit}, name="value")
    notes = []
    if df == 0:
        notes += _just_identified(fit_indices, requested=estimator)
    notes += _heywood_notes(summary, spec)
    rel = summary.reliability
    return CFAResult(
        loadings=_cfa_loadings(summary, spec), fit_indices=fit_indices,
        reliability=pd.DataFrame({"construct": names,
                                  "rho_c": [rel.get(c, "rhoC") for c in names],
                                  "ave": [rel.get(c, "AVE") for c in names]}),
        correlations=_cfa_correlations(summary, names), n=len(complete),
        rows_dropped=items.note.rows if missing == "listwise" else [], estimator=used,
        fit=model, notes=notes, missing_note=items.note)


#: Fit measures undefined when the model has 0 degrees of freedom.
_UNDEFINED_AT_DF_0 = ("pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
                      "chisq_scaled", "pvalue_scaled", "scaling_factor", "cfi_robust",
                      "tli_robust", "rmsea_robust", "rmsea_robust_ci_low",
                      "rmsea_robust_ci_high")


def _degrees_of_freedom(spec) -> int:
    """Item variances and covariances minus free parameters (lavaan's ``std.lv = TRUE``)."""
    p = sum(len(c.items) for c in spec)
    k = len(spec)
    residuals = sum(len(c.items) for c in spec if c.mode != "single item")
    free = p + residuals + k * (k - 1) // 2
    df = p * (p + 1) // 2 - free
    if df < 0:
        raise ValueError(
            f"the CFA model is not identified: its {p} items give {p * (p + 1) // 2} variances "
            f"and covariances, fewer than the {free} parameters to estimate (df = {df}). A "
            "factor needs three items, or two when it correlates with another factor; for the "
            "reliability of a two-item scale use cxkit.measurement.alpha")
    return df


def _just_identified(fit_indices: pd.Series, *, requested: str) -> list[str]:
    """Blank the fit measures a model with 0 degrees of freedom cannot have; say why."""
    for key in _UNDEFINED_AT_DF_0:
        if key in fit_indices:
            fit_indices[key] = math.nan
    notes = ["the model is just-identified (0 degrees of freedom): it reproduces the item "
             "covariances exactly (chi-square 0, SRMR 0), so its fit cannot be tested; the "
             "p-value, CFI, TLI and RMSEA are undefined and set to NaN (CFI would be 1 by "
             "construction). Judge the loadings, not the fit"]
    if requested == "MLR":
        notes.append("estimated by ML instead of the requested MLR: with 0 degrees of freedom "
                     "there is no test to scale, and seminr's robust (MLR) layer divides by "
                     "the degrees of freedom. The loadings are the same as MLR's; their "
                     "standard errors are the classical ML ones, not robust ones")
    return notes


def _heywood_notes(summary, spec) -> list[str]:
    from seminr.cbsem.lavaan_syntax import lavaanify_name

    item_of = {lavaanify_name(i): (c.name, i) for c in spec for i in c.items}
    notes = []
    for row in summary.solution:
        if row.op == "~~" and row.lhs == row.rhs and row.lhs in item_of and row.est < 0:
            construct, item = item_of[row.lhs]
            notes.append(f"improper solution (Heywood case): item {item!r} of {construct!r} "
                         f"has a negative residual variance (standardized {row.est:.3f}), so "
                         "its standardized loading exceeds 1; do not interpret the loadings "
                         f"and reliability of {construct!r} — its items may not measure one "
                         "factor, or the sample is too small")
    return notes


def _cfa_loadings(summary, spec) -> pd.DataFrame:
    from seminr.cbsem.lavaan_syntax import lavaanify_name

    by_pair = {(row.lhs, row.rhs): row for row in summary.solution if row.op == "=~"}
    rows = []
    for c in spec:
        for item in c.items:
            row = by_pair[(lavaanify_name(c.name), lavaanify_name(item))]
            inferred = row.se > 0  # a single item's loading is fixed: no standard error
            rows.append({"construct": c.name, "item": item, "loading": row.est,
                         "se": row.se if inferred else math.nan,
                         "z": row.z if inferred else math.nan,
                         "p_value": row.pvalue if inferred else math.nan,
                         "ci_low": row.ci_lower if inferred else math.nan,
                         "ci_high": row.ci_upper if inferred else math.nan})
    return pd.DataFrame(rows)


def _cfa_correlations(summary, names) -> pd.DataFrame:
    from seminr.cbsem.lavaan_syntax import lavaanify_name

    name_of = {lavaanify_name(c): c for c in names}
    out = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for row in summary.solution:
        if row.op == "~~" and row.lhs != row.rhs and row.lhs in name_of and row.rhs in name_of:
            a, b = name_of[row.lhs], name_of[row.rhs]
            out.loc[a, b] = out.loc[b, a] = row.est
    return out

