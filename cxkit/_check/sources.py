"""Checks of the journeys, io and catalogue areas: columns and values known only by their
names, types or counts (an engine's table, before any row is read), values read from files as
text, and the file and the user's column names that a loader adds to every error it raises.

Part of :mod:`cxkit._check` (use it as ``from cxkit import _check``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from .core import (
    DataError,
    as_list,
    quoted,
    refuse_rows,  # noqa: F401  (used by the doctests)
    rows,
)


# Checks of the journeys, io and catalogue areas: columns and values known only by their names,
# types or counts (an engine's table, before any row is read), values read from files as text,
# and the file and the user's column names that a loader adds to every error it raises.
class in_source:  # lower case: it reads as a function, ``with _check.in_source(...):``
    """Name the file, and the columns as the user's file names them, in every
    :class:`DataError` raised inside the block (by this module's checks or any other).

    A loader reads a column ``Zeit`` and calls it ``timestamp``; the checks inside speak of
    ``timestamp``, and the error names the column as the user's file does.

    >>> with in_source(file="events.csv", names={"timestamp": "Zeit"}):
    ...     refuse_rows([False, True], "empty value", "timestamp", "a time")
    Traceback (most recent call last):
    ...
    cxkit.DataError: events.csv: column 'Zeit' (timestamp), row 2: empty value (expected a time)
    """

    def __init__(self, file: str | None = None, names: Mapping[str, str] | None = None):
        self.file = file
        self.names = dict(names or {})

    def __enter__(self):
        return self

    def __exit__(self, kind, err, traceback):
        if isinstance(err, DataError):
            named = DataError(err.problem, file=err.file if err.file is not None else self.file,
                              column=err.column, rows=err.rows, expected=err.expected,
                              names=self.names)
            raise named.with_traceback(traceback) from None
        return False


def blank(values) -> pd.Series:
    """Where a value is missing, or is text that is empty or only spaces (positional index).

    >>> blank(pd.Series(["a", " ", None])).tolist()
    [False, True, True]
    """
    values = pd.Series(values).reset_index(drop=True)
    if (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
            or pd.api.types.is_datetime64_any_dtype(values)):
        return values.isna()  # no text to be empty (and none to format, for large columns)
    return values.isna() | (values.astype(str).str.strip() == "")


def unique_header(names: Iterable) -> None:
    """Refuse column names that a header uses more than once (blank header cells, such as
    the trailing commas of a spreadsheet export, are not names)."""
    names = [str(n) for n in names if not pd.isna(n) and str(n).strip()]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataError("column name(s) used more than once in the header", column=repeated,
                        expected="each column name once")


def row_count(n: int, *, what: str = "data") -> int:
    """:func:`frame`'s refusal of a table without rows, when only its number of rows is
    known (an engine counted them)."""
    if n == 0:
        table = "the table" if what == "data" else f"the {what} table"
        raise DataError(f"{table} has no rows", expected="at least one row")
    return n


def missing_count(n_missing: int, column: str, *, unit: str = "row") -> None:
    """Refuse missing values that an engine counted (the rows themselves are not fetched).

    >>> missing_count(2, "touchpoint", unit="event")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.DataError: column 'touchpoint': 2 event(s) have no touchpoint (expected ...)
    """
    if n_missing:
        raise DataError(f"{n_missing} {unit}(s) have no {column}", column=column,
                        expected=f"a {column} in every {unit}")


_TRUE_TEXT = frozenset({"true", "1", "yes", "y", "t"})
_FALSE_TEXT = frozenset({"false", "0", "no", "n", "f"})


def flags_from_text(values: pd.Series, column: str) -> pd.Series:
    """True/false flags that a file may hold as text (``true``/``false``, ``yes``/``no``,
    ``y``/``n``, ``t``/``f``, ``1``/``0``, in any case) as booleans; anything else is
    refused.

    >>> flags_from_text(pd.Series(["TRUE", "no", "1"]), "controllable").tolist()
    [True, False, True]
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    text = values.astype(str).str.strip().str.lower()
    bad = ~(text.isin(_TRUE_TEXT) | text.isin(_FALSE_TEXT))
    if bad.any():
        raise DataError("not a true/false flag", column=column, rows=rows(bad),
                        expected="true or false")
    return text.isin(_TRUE_TEXT)


def numbers_from_text(values: pd.Series, column: str) -> pd.Series:
    """Numbers that a file may hold as text, as float64 (empty cells → NaN); text that is
    not a number, and true/false values, are refused.

    Unlike :func:`numbers`, text is converted: this is the check of a loader, which reads
    every cell of a CSV file as text.

    >>> numbers_from_text(pd.Series(["7", " 2.5", ""]), "ease_1").tolist()
    [7.0, 2.5, nan]
    """
    if pd.api.types.is_bool_dtype(values):
        raise DataError("true/false values", column=column, expected="numbers")
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype(str).str.strip()
    empty = values.isna() | (text == "")
    numeric = pd.to_numeric(text.mask(empty), errors="coerce")
    bad = numeric.isna() & ~empty
    if bad.any():
        examples = quoted(values[bad].unique())
        raise DataError(f"not a number: {examples}", column=column, rows=rows(bad),
                        expected="numbers (a dot as decimal separator)")
    return numeric.astype("float64")


def parsed(original: pd.Series, result: pd.Series, column: str, *, what: str,
           expected: str) -> pd.Series:
    """Refuse the values that a parser could not read (missing in ``result``), quoting up to
    three of them; ``what`` names them (``"timestamp(s)"``)."""
    bad = result.isna()
    if bad.any():
        examples = quoted(original[bad].unique())
        raise DataError(f"cannot read {what} {examples}", column=column, rows=rows(bad),
                        expected=expected)
    return result


def value_names(value, name: str, *, noun: str = "name", single: bool = True,
                distinct: bool = False) -> list[str]:
    """An argument naming one or more values of a column (a funnel's steps, the touchpoints
    that count as a conversion), as a list.

    With ``single=False`` a lone string is refused (a funnel needs a list of steps); with
    ``distinct=True`` each value may appear only once.

    >>> value_names("purchase", "conversion", noun="touchpoint name")
    ['purchase']
    >>> value_names(["cart_add", "cart_add"], "steps", noun="touchpoint name", single=False,
    ...             distinct=True)
    Traceback (most recent call last):
    ...
    ValueError: each touchpoint name may appear once in steps: ['cart_add', 'cart_add']
    """
    if single and isinstance(value, str):
        return [value]
    if (isinstance(value, str) or not isinstance(value, Sequence) or len(value) < 1
            or not all(isinstance(v, str) for v in value)):
        one = f"a {noun} or " if single else ""
        raise ValueError(f"{name} must be {one}a list of one or more {noun}s, not {value!r}")
    items = [str(v) for v in value]
    if distinct and len(set(items)) != len(items):
        raise ValueError(f"each {noun} may appear once in {name}: {items}")
    return items


def optional_list(value, name: str) -> list[str]:
    """:func:`as_list`, where ``None`` (or an empty list) means no columns: ``[]``."""
    if value is None or (isinstance(value, Sequence) and not isinstance(value, str)
                         and len(value) == 0):
        return []
    return as_list(value, name)


def utc_time(value, name: str) -> pd.Timestamp:
    """A date-time argument as a UTC time; one without a time zone is read as UTC.

    >>> utc_time("2025-03-01 10:00", "as_of")
    Timestamp('2025-03-01 10:00:00+0000', tz='UTC')
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date-time, not {value!r}") from None
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date-time, not {value!r}")
    return stamp.tz_localize("UTC") if stamp.tz is None else stamp.tz_convert("UTC")


def period_alias(value, name: str) -> str:
    """A pandas period alias such as ``"M"`` (calendar month), ``"W"`` or ``"Q"``."""
    try:
        pd.PeriodDtype(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pandas period alias such as 'M' or 'W', "
                         f"not {value!r}") from None
    return value


# --- added for the loaders (#11) ---
def csv_dialect(*, sep, decimal, thousands, quotechar, encoding) -> tuple:
    """How a CSV file is written, checked: ``(sep, decimal, thousands, quotechar, codec)``
    with the encoding as Python's codec name.

    >>> csv_dialect(sep=";", decimal=",", thousands=".", quotechar='"', encoding="latin1")
    (';', ',', '.', '"', 'iso8859-1')
    >>> csv_dialect(sep=";", decimal=",", thousands=",", quotechar='"', encoding="utf-8")
    Traceback (most recent call last):
    ...
    ValueError: thousands=',' is also the decimal mark
    """
    import codecs

    for name, value in (("sep", sep), ("decimal", decimal), ("quotechar", quotechar)):
        if not isinstance(value, str) or len(value) != 1:
            raise ValueError(f"{name} must be a single character, not {value!r}")
    if thousands is not None and (not isinstance(thousands, str) or len(thousands) != 1):
        raise ValueError(f"thousands must be a single character or None, not {thousands!r}")
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    if thousands is not None and thousands == decimal:
        raise ValueError(f"thousands={thousands!r} is also the decimal mark")
    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ValueError(f"unknown encoding {encoding!r}: use a Python codec name such as "
                         "'utf-8', 'latin-1' or 'cp1252'") from None
    return sep, decimal, thousands, quotechar, codec


def label_mapping(values, allowed: Sequence[str]) -> dict[str, dict[str, str]]:
    """``values=`` of a loader: ``{column: {your label: the kit's label}}`` for columns in
    ``allowed``, labels as text.

    >>> label_mapping({"channel": {"telefono": "phone"}}, ["touchpoint", "channel"])
    {'channel': {'telefono': 'phone'}}
    >>> label_mapping({"value": {"x": "1"}}, ["touchpoint", "channel"])
    Traceback (most recent call last):
    ...
    ValueError: values= maps labels of 'value'; it can map 'touchpoint', 'channel'
    """
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise TypeError("values must be a dict such as {'channel': {'telefono': 'phone'}}, "
                        f"not {type(values).__name__}")
    out = {}
    for column, mapping in values.items():
        if column not in allowed:
            raise ValueError(f"values= maps labels of {column!r}; it can map "
                             + ", ".join(map(repr, allowed)))
        if not isinstance(mapping, Mapping) or not mapping:
            raise TypeError(f"values[{column!r}] must be a non-empty dict of your label → the "
                            f"kit's, not {mapping!r}")
        out[column] = {str(k): str(v) for k, v in mapping.items()}
    return out


def parquet_target(to):
    """``to=`` of a loader: a path ending in ``.parquet`` (its folder is created).

    >>> parquet_target("events.csv")
    Traceback (most recent call last):
    ...
    ValueError: to= must end in .parquet, not 'events.csv'
    """
    import os
    from pathlib import Path

    if to is None:
        return None
    if not isinstance(to, (str, os.PathLike)):
        raise TypeError(f"to must be a path ending in .parquet, not {type(to).__name__}")
    path = Path(to)
    if path.suffix.lower() != ".parquet":
        raise ValueError(f"to= must end in .parquet, not {path.name!r}")
    if path.is_dir():
        raise ValueError(f"to= names a folder ({path}); give a file such as "
                         f"{path / 'events.parquet'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def skipped_lines(skiprows) -> int | None:
    """``skiprows=`` of a loader: None or a whole number of lines.

    >>> skipped_lines(2)
    2
    """
    if skiprows is not None and (isinstance(skiprows, bool) or not isinstance(skiprows, int)
                                 or skiprows < 0):
        raise ValueError(f"skiprows must be a whole number of lines, not {skiprows!r}")
    return skiprows
