"""Every input check of the kit, and the wording of every :class:`DataError` they raise.

One place, so that a message reads the same whichever function raised it (pingouin's
``_check_dataframe``, scikit-learn's ``utils/validation.py``). A public function's first lines
call these checks; no module defines a check of its own.

Conventions
-----------
- **Rows** are numbered as the kit numbers them everywhere: 1 at the first row of the table
  (positions, not index labels; for a file, the first data row below the header).
- **Columns** are named as the user's table names them. Where a loader mapped a user's column
  onto a canonical name, pass ``names={canonical: user_name}`` and the error reads
  ``column 'Zeit' (timestamp)``.
- Bad *data* raise :class:`DataError` (a ``ValueError``); a bad *argument* (a confidence level
  of 95, a negative count) raises ``ValueError`` or ``TypeError`` naming the argument.
"""

from __future__ import annotations

import numbers as _numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

_MAX_ROWS_SHOWN = 10
_MAX_VALUES_SHOWN = 5


# --------------------------------------------------------------------------------------------
# the error
# --------------------------------------------------------------------------------------------
def format_rows(rows: Sequence[int]) -> str:
    """Up to ten row numbers, then how many more there are.

    >>> format_rows(range(1, 14))
    '1, 2, 3, 4, 5, 6, 7, 8, 9, 10 (and 3 more)'
    """
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_SHOWN])
    more = len(rows) - _MAX_ROWS_SHOWN
    return f"{shown} (and {more} more)" if more > 0 else shown


def column_label(column, names: Mapping[str, str] | None = None) -> str:
    """``'Zeit' (timestamp)`` for a mapped column, ``'timestamp'`` otherwise.

    >>> column_label("timestamp", {"timestamp": "Zeit"})
    "'Zeit' (timestamp)"
    """
    user = (names or {}).get(column, column)
    return f"{user!r} ({column})" if user != column else repr(column)


class DataError(ValueError):
    """Bad input data: names the file, the column(s), the rows and what was expected.

    Rows are numbered from 1 at the first data row (the row after the header), which is
    what a reader counts in a spreadsheet below the header.

    Parameters
    ----------
    problem : str
        What is wrong.
    file : str, optional
        The file (or table) read.
    column : str or list of str, optional
        The column(s), by their canonical name when ``names`` maps them.
    rows : list of int, optional
        Row numbers (1 at the first data row).
    expected : str, optional
        What the kit expected instead.
    names : dict, optional
        ``{canonical: user_name}`` for columns a loader renamed, so that the message names
        the column as the user's file does.

    Examples
    --------
    >>> err = DataError("problem", file="events.csv", column="timestamp", rows=[3, 7],
    ...                 expected="an ISO 8601 date-time")
    >>> print(err)
    events.csv: column 'timestamp', rows 3, 7: problem (expected an ISO 8601 date-time)
    >>> err.rows
    [3, 7]
    >>> print(DataError("cannot read", column="timestamp", rows=[4],
    ...                 names={"timestamp": "Zeit"}))
    column 'Zeit' (timestamp), row 4: cannot read
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        column: str | Iterable[str] | None = None,
        rows: Iterable[int] | None = None,
        expected: str | None = None,
        names: Mapping[str, str] | None = None,
    ):
        self.problem = problem
        self.file = file
        self.column = column
        self.rows = [int(r) for r in rows] if rows is not None else []
        self.expected = expected
        where = []
        if column is not None:
            cols = [column] if isinstance(column, str) else list(column)
            label = "column" if len(cols) == 1 else "columns"
            where.append(f"{label} " + ", ".join(column_label(c, names) for c in cols))
        if self.rows:
            label = "row" if len(self.rows) == 1 else "rows"
            where.append(f"{label} {format_rows(self.rows)}")
        message = ", ".join(where)
        message = f"{message}: {problem}" if message else problem
        if file is not None:
            message = f"{file}: {message}"
        if expected:
            message = f"{message} (expected {expected})"
        super().__init__(message)


DataError.__module__ = "cxkit"  # shown as cxkit.DataError in tracebacks


# --------------------------------------------------------------------------------------------
# small helpers for messages
# --------------------------------------------------------------------------------------------
def rows(mask) -> list[int]:
    """The row numbers (1 at the first row) where ``mask`` is true.

    >>> rows([False, True, True])
    [2, 3]
    """
    return (np.flatnonzero(np.asarray(mask, dtype=bool)) + 1).tolist()


def plain(value):
    """A number as it reads best: ``3`` for 3.0, ``2.5`` for 2.5; anything else unchanged."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def shown(values, k: int = _MAX_VALUES_SHOWN) -> str:
    """Up to ``k`` distinct values, sorted where they can be, for a message."""
    distinct = list(dict.fromkeys(plain(v) for v in values))
    try:
        distinct = sorted(distinct)
    except TypeError:
        pass
    return ", ".join(map(str, distinct[:k]))


def is_number(value) -> bool:
    """A real number that is not a boolean."""
    return isinstance(value, _numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_whole(value) -> bool:
    """A real number without a fractional part (not a boolean)."""
    return is_number(value) and float(value).is_integer()


# --------------------------------------------------------------------------------------------
# arguments
# --------------------------------------------------------------------------------------------
def conf_level(value, name: str = "conf_level") -> float:
    """A confidence level strictly between 0 and 1.

    >>> conf_level(0.9)
    0.9
    >>> conf_level(95)
    Traceback (most recent call last):
    ...
    ValueError: conf_level must be a number strictly between 0 and 1 (0.95 for 95 %), not 95
    """
    if not is_number(value) or not 0 < value < 1:
        raise ValueError(f"{name} must be a number strictly between 0 and 1 (0.95 for 95 %), "
                         f"not {value!r}")
    return float(value)


def count(value, name: str, *, minimum: int = 0) -> int:
    """A whole number of at least ``minimum`` (a number of resamples, folds, repetitions)."""
    if isinstance(value, bool) or not isinstance(value, _numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def as_list(value, name: str) -> list[str]:
    """A column name or a non-empty list of column names, as a list."""
    items = [value] if isinstance(value, str) else list(value) if value is not None else []
    if not items or not all(isinstance(c, str) for c in items):
        raise ValueError(f"{name} must be a column name or a non-empty list of column names, "
                         f"not {value!r}")
    return items


def by_list(by) -> list:
    """``by=`` as a list of column names (``None`` → no groups)."""
    if by is None:
        return []
    if isinstance(by, str) or not isinstance(by, Sequence):
        return [by]
    return list(by)


def scale_range(scale, name: str = "scale") -> tuple[float, float]:
    """A pair of numbers ``(low, high)`` with ``low < high``."""
    try:
        low, high = scale
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), not {scale!r}") from None
    if not (is_number(low) and is_number(high)) or not low < high:
        raise ValueError(f"{name} must be a pair of numbers with low < high, not {scale!r}")
    return low, high


def scale_points(scale, name: str = "scale") -> tuple[int, int]:
    """A pair of whole numbers ``(low, high)``: the points of a rating scale."""
    low, high = scale_range(scale, name)
    if not (is_whole(low) and is_whole(high)):
        raise ValueError(f"{name} must be a pair of whole numbers, not {scale!r}")
    return int(low), int(high)


def one_of(value, allowed: Sequence, name: str):
    """``value`` when it is one of ``allowed``; a ``ValueError`` listing them otherwise."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of " + ", ".join(map(repr, allowed))
                         + f", not {value!r}")
    return value


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------
def frame(data, *, what: str = "data") -> pd.DataFrame:
    """A pandas DataFrame with at least one row."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(data).__name__}")
    if len(data) == 0:
        table = "the table" if what == "data" else f"the {what} table"
        raise DataError(f"{table} has no rows", expected="at least one row")
    return data


def columns(data: pd.DataFrame, names: Iterable, *, what: str = "data") -> list:
    """Refuse columns that are absent, or whose name the table uses twice; return ``names``."""
    names = list(dict.fromkeys(names))
    absent = [c for c in names if c not in data.columns]
    if absent:
        table = "the data" if what == "data" else f"the {what} table"
        raise DataError(f"column(s) not in {table}", column=[str(c) for c in absent],
                        expected="columns " + ", ".join(map(repr, names)) + "; available: "
                        + ", ".join(map(str, data.columns)))
    repeated = [c for c in names if (data.columns == c).sum() > 1]
    if repeated:
        raise DataError("column name used more than once in the table",
                        column=[str(c) for c in repeated], expected="unique column names")
    return names


def table(data, names: Iterable = (), *, what: str = "data") -> pd.DataFrame:
    """:func:`frame` and :func:`columns` in one call: the first line of most functions."""
    frame(data, what=what)
    columns(data, names, what=what)
    return data


# --------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------
def refuse_rows(mask, problem: str, column, expected: str, *, what: str | None = None) -> None:
    """Raise a :class:`DataError` naming the rows where ``mask`` is true (if any)."""
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        where = f" in the {what} table" if what else ""
        raise DataError(problem + where, column=column, rows=rows(mask), expected=expected)


def refuse_values(mask, values, column, problem: str, expected: str) -> None:
    """Like :func:`refuse_rows`, quoting up to five of the offending values."""
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        bad = np.asarray(values, dtype=object)[mask]
        raise DataError(f"{problem}: {shown(bad)}", column=column, rows=rows(mask),
                        expected=expected)


def complete(data: pd.DataFrame, names: Sequence, *, what: str | None = None) -> None:
    """Refuse missing values in the columns used: one rule, one message for the whole kit.

    The rows named are those with a missing value in any of ``names``; the columns named are
    those with at least one. Dropping or imputing is the analyst's decision, made visibly.
    """
    missing = data[list(names)].reset_index(drop=True).isna()
    if missing.to_numpy().any():
        refuse_rows(missing.any(axis=1).to_numpy(), "missing values in the columns used; drop "
                    "or impute them first and say so", [c for c in names if missing[c].any()],
                    "complete rows", what=what)


def allowed_values(values: pd.Series, allowed: Sequence, column: str) -> None:
    """Refuse values outside ``allowed`` (missing values pass)."""
    values = values.reset_index(drop=True)
    bad = values.notna() & ~values.isin(list(allowed))
    if bad.any():
        raise DataError(f"unknown value(s) {sorted(set(map(str, values[bad])))[:5]}",
                        column=column, rows=rows(bad),
                        expected="one of " + ", ".join(map(str, allowed)) + " (or missing)")


def numbers(data: pd.DataFrame, column: str, *, finite: bool = False,
            hint: str = "numbers, or NaN/None for a missing value") -> pd.Series:
    """The column as float64 (missing → NaN, positional index); anything else is refused.

    Text is refused even when it looks like a number: a file read as text should go through
    :func:`cxkit.load_survey` or :func:`cxkit.load_journeys`, which convert and check it,
    rather than be converted here.
    """
    values = data[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        raise DataError("true/false values", column=column, expected="numbers")
    if not pd.api.types.is_numeric_dtype(values):
        bad = ~(values.isna() | values.map(is_number).astype(bool))
        if bad.any():
            examples = ", ".join(repr(v) for v in pd.unique(values[bad])[:3])
            raise DataError(f"not a number: {examples}", column=column, rows=rows(bad),
                            expected=hint)
    numeric = values.astype("float64")
    if finite:
        refuse_values(np.isinf(numeric), numeric, column, "infinite value", "finite numbers")
    return numeric


def on_scale(data: pd.DataFrame, column: str, scale: tuple[float, float], *,
             whole: bool = False) -> pd.Series:
    """The column as float64, refusing answers outside ``scale`` (and, with ``whole``,
    answers that are not whole points of it)."""
    low, high = scale
    values = numbers(data, column, finite=True)
    off = values.notna() & ((values < low) | (values > high))
    if whole:
        off |= values.notna() & (values % 1 != 0)
        expected = f"whole numbers from {plain(low)} to {plain(high)} (or NaN for no answer)"
    else:
        expected = f"answers from {plain(low)} to {plain(high)} (or missing)"
    refuse_values(off, values, column, f"value(s) not on the {plain(low)}–{plain(high)} scale",
                  expected)
    return values


def flags(data: pd.DataFrame, column: str, *, missing: bool = True) -> pd.Series:
    """A true/false column as float64 1.0/0.0 (missing → NaN unless ``missing=False``, when a
    missing flag is refused); anything else is refused."""
    values = data[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
    else:
        ok = values.isna() | values.map(
            lambda v: isinstance(v, (bool, np.bool_)) or (is_number(v) and v in (0, 1))
        ).astype(bool)
        if not ok.all():
            examples = ", ".join(repr(v) for v in pd.unique(values[~ok])[:3])
            raise DataError(f"not true/false: {examples}", column=column, rows=rows(~ok),
                            expected="True/False or 1/0 (or NaN/None when unknown)")
        out = values.astype("float64")
    if not missing:
        refuse_rows(out.isna(), "missing true/false value", column, "True/False or 1/0")
    return out


def some(values: pd.Series, column: str) -> pd.Series:
    """Refuse a column whose every value is missing."""
    if values.notna().sum() == 0:
        raise DataError(f"every value is missing ({len(values)} rows)", column=column,
                        expected="at least one answer")
    return values


def varies(values: pd.Series, column: str) -> pd.Series:
    """Refuse a column with fewer than two different values."""
    if values.nunique() < 2:
        raise DataError("does not vary", column=column, expected="at least two different values")
    return values


def datetimes(data: pd.DataFrame, column: str, *, what: str | None = None) -> pd.Series:
    """A datetime column as naive UTC times (aware ones converted), positional index."""
    values = data[column].reset_index(drop=True)
    if not pd.api.types.is_datetime64_any_dtype(values):
        if values.isna().all():
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        where = f" in the {what} table" if what else ""
        raise DataError(f"not dates{where} (dtype {values.dtype})", column=column,
                        expected="datetime values (load the events with cxkit.load_journeys "
                                 "or convert with pandas.to_datetime)")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def day(when, name: str) -> pd.Timestamp:
    """A date argument as a naive UTC day (aware times converted)."""
    stamp = pd.Timestamp(when)
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, not {when!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()


def timedelta(value, name: str) -> pd.Timedelta:
    """A positive duration such as ``"30min"`` or ``pd.Timedelta(days=7)``."""
    try:
        delta = pd.Timedelta(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a duration such as '30min' or '7D', "
                         f"not {value!r}") from None
    if pd.isna(delta) or delta <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration, not {value!r}")
    return delta


# --- added for journeys ---
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


def column_names(available: Iterable, names: Iterable, *, what: str = "data",
                 hint: str | None = None) -> list:
    """:func:`columns` for a table known by its column names only (an engine's table, not
    read yet); ``hint`` says how to get the columns right.

    >>> column_names(["customer_id", "touchpoint"], ["customer_id", "timestamp"],
    ...              what="events")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.DataError: column 'timestamp': column(s) not in the events table (expected ...)
    """
    available = [str(c) for c in available]
    names = list(dict.fromkeys(names))
    absent = [c for c in names if c not in available]
    if absent:
        table = "the data" if what == "data" else f"the {what} table"
        raise DataError(f"column(s) not in {table}", column=[str(c) for c in absent],
                        expected="columns " + ", ".join(map(repr, names)) + "; available: "
                        + ", ".join(available) + (f" ({hint})" if hint else ""))
    return names


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


def datetime_type(dtype, column: str, *, is_datetime: bool | None = None) -> None:
    """Refuse a column whose type is not a date-time, before any value is read.

    ``dtype`` is a pandas or numpy dtype; for another type (an engine's column type), say
    whether it is a date-time with ``is_datetime``.
    """
    if is_datetime is None:
        is_datetime = pd.api.types.is_datetime64_any_dtype(dtype)
    if not is_datetime:
        raise DataError(f"not a date-time column (dtype {dtype})", column=column,
                        expected="datetime values (load the events with cxkit.load_journeys "
                                 "or convert with pandas.to_datetime)")


def known_values(values: pd.Series, allowed: Sequence, column: str) -> None:
    """Refuse values outside ``allowed``, missing ones included (in :func:`allowed_values` a
    missing value passes)."""
    values = values.reset_index(drop=True)
    bad = ~values.isin(list(allowed))
    if bad.any():
        raise DataError(f"unknown value(s) {sorted(set(map(str, values[bad])))[:5]}",
                        column=column, rows=rows(bad),
                        expected="one of " + ", ".join(map(str, allowed)))


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
        examples = ", ".join(repr(v) for v in values[bad].unique()[:3])
        raise DataError(f"not a number: {examples}", column=column, rows=rows(bad),
                        expected="numbers (a dot as decimal separator)")
    return numeric.astype("float64")


def parsed(original: pd.Series, result: pd.Series, column: str, *, what: str,
           expected: str) -> pd.Series:
    """Refuse the values that a parser could not read (missing in ``result``), quoting up to
    three of them; ``what`` names them (``"timestamp(s)"``)."""
    bad = result.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in original[bad].unique()[:3])
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
