"""SQL that turns a file's column into a checked column of the stage: ids, numbers, labels.

Each converter takes the column as SQL (``x``) and its DuckDB type, and returns the stage's
columns for it: the value, a problem code (``NULL`` when the cell is fine) and, for the rows
with a problem, the text of the cell (quoted in the reason; never a whole row). A problem
that concerns the column's type, not a row, raises at once (:class:`ColumnRefused`).

Nothing goes through a float that should not: ids are text (whole-number floats are accepted
only while a float holds every digit), numbers are read from text by a strict pattern (no
``inf``, ``nan``, ``1_000`` or ``0x10``), integers above 2**53 are refused.
"""

from __future__ import annotations

import re

from .._check import DataError
from ._engine import lit, text_list
from ._sources import EXCEL_ERRORS

#: Texts that are never ids (compared after stripping spaces, in any case).
PLACEHOLDER_IDS = ("", "null", "none", "nan", "n/a", "na", "#n/a", "-", "undefined")
_EXACT = 2**53
_NESTED = re.compile(r"STRUCT|MAP|UNION|\[|\bLIST\b|BLOB|BIT\b|VARIANT", re.IGNORECASE)
_INTEGER = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INT\d+|UHUGEINT)$", re.IGNORECASE)
_FLOAT = re.compile(r"^(DOUBLE|FLOAT|REAL|FLOAT\d)$", re.IGNORECASE)


class ColumnRefused(DataError):
    """A column that cannot be read at all (its type), refused whatever ``on_error``."""


class Conv:
    """The SQL of one converted column: ``layers`` of ``{name: expression}`` evaluated one
    after the other (each sees the names of the layers before), and ``keep``, the names that
    go into the stage (by default all but the working columns ``__p*`` and the problem code
    and text ``__bad``, ``__raw``, which the checks read before the stage is written)."""

    def __init__(self, *layers: dict, keep=None):
        self.layers = [dict(layer) for layer in layers]
        self.keep = list(keep) if keep is not None else [
            n for layer in self.layers for n in layer
            if not any(part in n for part in ("__p", "__bad", "__raw"))]


def is_text(kind: str) -> bool:
    """Text, or a column with no values at all (DuckDB's NULL type: read as empty text)."""
    return kind.upper() in ("VARCHAR", "NULL", '"NULL"') or kind.upper().startswith("ENUM")


def is_integer(kind: str) -> bool:
    return bool(_INTEGER.match(kind))


def is_float(kind: str) -> bool:
    return bool(_FLOAT.match(kind))


def is_decimal(kind: str) -> bool:
    return kind.upper().startswith("DECIMAL")


def is_nested(kind: str) -> bool:
    return bool(_NESTED.search(kind))


def trimmed(x: str) -> str:
    """``x`` as text without spaces around it (``trim`` copies every string: it runs only on
    the strings that start or end with a space)."""
    text = f"CAST({x} AS VARCHAR)"
    return f"CASE WHEN {text} < '!' OR ends_with({text}, ' ') THEN trim({text}) ELSE {text} END"


def _errors(t: str) -> str:
    """``t`` is one of Excel's error values."""
    return f"(starts_with({t}, '#') AND {t} IN ({_in_list(EXCEL_ERRORS)}))"


# --------------------------------------------------------------------------------------------
# ids
# --------------------------------------------------------------------------------------------
ID_PROBLEMS = {1: "placeholder", 2: "formula", 3: "excel", 4: "scientific"}


def id_columns(x: str, kind: str, column: str, *, file: str) -> Conv:
    """The stage's ``{column}`` (the id as text), ``{column}__bad`` and ``{column}__raw``.

    Codes: 1 empty or placeholder, 2 formula, 3 Excel error, 4 a number in scientific
    notation (a spreadsheet that dropped digits).
    """
    if is_nested(kind) or kind.upper() == "BOOLEAN":
        what = "nested values" if is_nested(kind) else "true/false values"
        raise ColumnRefused(f"the id column holds {what} ({kind})", file=file, column=column,
                            expected="ids as text or whole numbers")
    if is_float(kind) or is_decimal(kind):
        value = (f"CASE WHEN {x} = trunc({x}) THEN CAST(CAST({x} AS HUGEINT) AS VARCHAR) "
                 f"ELSE CAST({x} AS VARCHAR) END")
        bad = f"CASE WHEN {x} IS NULL OR isnan({x}) THEN 1 END" if is_float(kind) else \
            f"CASE WHEN {x} IS NULL THEN 1 END"
        return Conv({column: value, f"{column}__bad": bad,
                     f"{column}__raw": f"CASE WHEN {x} IS NULL THEN '' END",
                     f"{column}__float": f"CAST({x} AS DOUBLE)",
                     f"{column}__spaced": "CAST(NULL AS BOOLEAN)"})
    if not is_text(kind):
        text = f"CAST({x} AS VARCHAR)"
        return Conv({column: text, f"{column}__bad": f"CASE WHEN {x} IS NULL THEN 1 END",
                     f"{column}__raw": f"CASE WHEN {x} IS NULL THEN '' END",
                     f"{column}__spaced": "CAST(NULL AS BOOLEAN)"})
    # Only an id that starts with a space, '=', '#', '-', 'n' or 'u' (in either case), ends
    # with a space or holds a '+' can be a problem: the others skip the closer look.
    text = f"CAST({x} AS VARCHAR)"
    t = trimmed(x)
    longest = max(map(len, PLACEHOLDER_IDS))
    closer = (f"CASE WHEN length({t}) <= {longest} AND lower({t}) IN "
              f"({_in_list(PLACEHOLDER_IDS)}) THEN 1 "
              f"WHEN starts_with({t}, '=') THEN 2 "
              f"WHEN {_errors(t)} THEN 3 "
              f"WHEN contains({t}, '+') AND regexp_full_match({t}, "
              f"'[+-]?[0-9]+([.,][0-9]+)?[eE][+][0-9]+') THEN 4 END")
    suspect = (f"ascii({text}) IN (9, 32, 35, 45, 61, 78, 85, 110, 117) OR "
               f"ends_with({text}, ' ') OR contains({text}, '+')")
    bad = f"CASE WHEN {x} IS NULL OR {text} = '' THEN 1 WHEN {column}__ps THEN {closer} END"
    padded = (f"CASE WHEN {column}__ps AND {column}__bad IS NULL THEN {text} < '!' OR "
              f"ends_with({text}, ' ') END")
    return Conv({f"{column}__ps": suspect},
                {column: text, f"{column}__bad": bad},
                {f"{column}__raw": f"CASE WHEN {column}__bad IS NOT NULL THEN "
                                   f"coalesce({column}, '') END",
                 f"{column}__spaced": padded})


def float_id_check(session, stage: str, column: str):
    """Refuse a float id column that holds numbers a float cannot hold exactly (``1e20``
    and ``2e20`` are one customer in int64): ``(rows by part, examples)`` or None."""
    rows = session.run(
        f"SELECT __cx_file, __cx_ord, {column}__float FROM {stage} "
        f"WHERE {column}__float IS NOT NULL AND NOT isnan({column}__float) AND "
        f"(abs({column}__float) > {_EXACT} OR isinf({column}__float)) "
        f"ORDER BY __cx_file, __cx_ord", fetch="rows")
    return rows or None


def _in_list(values) -> str:
    return ", ".join(lit(v) for v in values)


# --------------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------------
NUMBER_PROBLEMS = {1: "not a number", 2: "not finite", 3: "too large", 4: "excel"}
_NON_FINITE = ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan",
               "-nan")


def number_pattern(decimal: str, thousands: str | None) -> str:
    d = re.escape(decimal)
    whole = r"[0-9]+" if thousands is None else \
        rf"(?:[0-9]{{1,3}}(?:{re.escape(thousands)}[0-9]{{3}})+|[0-9]+)"
    return rf"[+-]?(?:{whole}(?:{d}[0-9]*)?|{d}[0-9]+)(?:[eE][+-]?[0-9]+)?"


def number_columns(x: str, kind: str, column: str, *, file: str, decimal: str = ".",
                   thousands: str | None = None) -> Conv:
    """The stage's ``{column}`` (DOUBLE, NULL where empty), ``{column}__bad``, ``__raw``.

    Codes: 1 not a number, 2 not finite (``inf``, ``nan``, ``1e309``), 3 an integer above
    2**53 (a float would round it), 4 an Excel error.
    """
    if kind.upper() == "BOOLEAN":
        raise ColumnRefused("true/false values", file=file, column=column, expected="numbers")
    if is_float(kind):
        return Conv({column: f"CASE WHEN NOT isnan({x}) THEN CAST({x} AS DOUBLE) END",
                     f"{column}__bad": f"CASE WHEN isinf({x}) THEN 2 END",
                     f"{column}__raw": f"CASE WHEN isinf({x}) THEN CAST({x} AS VARCHAR) END"})
    if is_integer(kind) or is_decimal(kind):
        large = f"abs(CAST({x} AS HUGEINT)) > {_EXACT}" if is_integer(kind) else \
            f"abs({x}) > {_EXACT}"
        return Conv({column: f"CAST({x} AS DOUBLE)",
                     f"{column}__bad": f"CASE WHEN {large} THEN 3 END",
                     f"{column}__raw": f"CASE WHEN {large} THEN CAST({x} AS VARCHAR) END"})
    if not is_text(kind):
        raise ColumnRefused(f"the column holds {kind} values", file=file, column=column,
                            expected="numbers")
    t, n = f"{column}__pt", f"{column}__pn"
    plain = t if thousands is None else f"replace({t}, {lit(thousands)}, '')"
    if decimal != ".":
        plain = f"replace({plain}, {lit(decimal)}, '.')"
    if decimal == "." and thousands is None:
        # DuckDB's own reading of a number (spaces around it allowed), less what it accepts
        # beyond a plain decimal number: underscores (1_000) and words (inf, nan, refused
        # below as not finite)
        text = f"CAST({x} AS VARCHAR)"
        n = f"{column}__pn"
        bad = (f"CASE WHEN {n} IS NULL THEN CASE WHEN {x} IS NULL OR trim({text}) = '' THEN NULL "
               f"WHEN {_errors(f'trim({text})')} THEN 4 ELSE 1 END "
               f"WHEN NOT isfinite({n}) THEN 2 "
               f"WHEN abs({n}) >= {_EXACT} AND NOT regexp_matches({text}, '[.eE]') AND "
               f"coalesce(abs(TRY_CAST({text} AS HUGEINT)) > {_EXACT}, true) THEN 3 END")
        return Conv(
            {n: f"CASE WHEN NOT contains({text}, '_') THEN TRY_CAST({text} AS DOUBLE) END"},
            {f"{column}__bad": bad},
            {column: f"CASE WHEN {column}__bad IS NULL THEN {n} END",
             f"{column}__raw": f"CASE WHEN {column}__bad IS NOT NULL THEN trim({text}) END"})
    pattern = lit(number_pattern(decimal, thousands))
    parsed = f"CASE WHEN regexp_full_match({t}, {pattern}) THEN TRY_CAST({plain} AS DOUBLE) END"
    integer = f"NOT contains({t}, {lit(decimal)}) AND NOT regexp_matches({t}, '[eE]')"
    bad = (f"CASE WHEN {t} IS NULL OR {t} = '' THEN NULL "
           f"WHEN {_errors(t)} THEN 4 "
           f"WHEN {n} IS NULL THEN 1 "
           f"WHEN NOT isfinite({n}) THEN 2 "
           f"WHEN abs({n}) >= {_EXACT} AND {integer} AND coalesce(abs(TRY_CAST("
           f"{plain} AS HUGEINT)) > {_EXACT}, true) THEN 3 END")
    return Conv(
        {t: trimmed(x)},
        {n: parsed},
        {f"{column}__bad": bad},
        {column: f"CASE WHEN {column}__bad IS NULL THEN {n} END",
         f"{column}__raw": f"CASE WHEN {column}__bad IS NOT NULL THEN {t} END"})


def number_reason(code: int, raw: str, column: str) -> str:
    raw = repr(raw)
    return {1: f"not a number: {raw} in {column}",
            2: f"not a finite number: {raw} in {column}",
            3: f"integer too large for a float to hold exactly: {raw} in {column}",
            4: f"Excel error cell {raw} in {column}"}[code]


def number_problem(code: int, examples: list[str]) -> tuple[str, str]:
    """``(problem, expected)`` of a DataError for numbers with problem ``code``."""
    shown = ", ".join(repr(v) for v in examples[:3])
    return {
        1: (f"not a number: {shown}", "numbers (say how they are written with decimal= and "
                                      "thousands=)"),
        2: (f"not a finite number: {shown}", "finite numbers (an empty cell for no value)"),
        3: (f"integer(s) too large for a float to hold exactly: {shown}",
            f"numbers up to {_EXACT} (ids belong in a text column)"),
        4: (f"Excel error cell(s) {shown}", "values (fix the formula in the sheet)"),
    }[code]


# --------------------------------------------------------------------------------------------
# labels: touchpoints, channels and other text
# --------------------------------------------------------------------------------------------
def label_columns(x: str, kind: str, column: str, *, file: str, mapping: dict | None = None,
                  required: bool = False, name: str | None = None) -> Conv:
    """The stage's ``{column}`` (text, after ``values=``), ``__bad`` (1 empty, 4 Excel
    error), ``__raw`` and ``__from`` (the position of the ``values=`` label it was mapped
    from, 1-based).
    """
    if is_nested(kind):
        raise ColumnRefused(f"the column holds nested values ({kind})", file=file,
                            column=column, expected="text labels")
    text = f"CAST({x} AS VARCHAR)"
    first = {}
    if mapping:
        keys = list(mapping)
        first[f"{column}__from"] = f"CAST(list_position({text_list(keys)}, {text}) AS INTEGER)"
        values = text_list(mapping[k] for k in keys)
        value = f"coalesce({values}[{column}__from], {text})"
    else:
        value = text
    t = trimmed(x)
    empty = f"WHEN {x} IS NULL OR ({text} < '!' AND trim({text}) = '') THEN 1 " if required \
        else ""
    bad = f"CASE {empty}WHEN {_errors(text)} THEN 4 END"
    second = {name or column: value, f"{column}__bad": bad}
    return Conv(first, second, {f"{column}__raw": f"CASE WHEN {column}__bad IS NOT NULL THEN "
                                               f"coalesce({t}, '') END"})


def mapped_text(x: str, column: str, mapping: dict) -> Conv:
    """``{column}__pm``: the text of ``x`` with ``values=`` applied, and ``{column}__from``."""
    keys = list(mapping)
    text = f"CAST({x} AS VARCHAR)"
    return Conv({f"{column}__from": f"CAST(list_position({text_list(keys)}, {text}) AS INTEGER)"},
                {f"{column}__pm": f"coalesce({text_list(mapping[k] for k in keys)}"
                                  f"[{column}__from], {text})"})


def mapped_note(column: str, mapping: dict, counts: dict[int, int], unit: str) -> str:
    """The report's note of the labels ``values=`` mapped in ``column``."""
    keys = list(mapping)
    done = [f"{keys[i - 1]!r} → {mapping[keys[i - 1]]!r} ({n})" for i, n in
            sorted(counts.items())]
    unused = [repr(k) for i, k in enumerate(keys, start=1) if i not in counts]
    note = f"values= mapped {sum(counts.values())} {unit}(s) in {column}: " + \
        (", ".join(done) if done else "none")
    if unused:
        note += "; labels not in the data: " + ", ".join(unused)
    return note
