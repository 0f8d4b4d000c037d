"""General checks: the error, its wording, tables, arguments and values (part of
:mod:`cxkit._check`, whose docstring states the conventions)."""

from __future__ import annotations

import numbers as _numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _privacy

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
        # nothing personal in a message: e-mail addresses, codici fiscali, IBANs and phone
        # numbers are masked whatever quoted them (values are masked where they are quoted)
        problem, expected = _privacy.scrub(problem), _privacy.scrub(expected)
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


def shown(values, k: int = _MAX_VALUES_SHOWN, *, names: bool = True) -> str:
    """Up to ``k`` distinct values, sorted where they can be, for a message; a value that
    looks personal (an e-mail, a phone number, a name ...) is masked.

    >>> shown(["web", "mario.rossi@gmail.com", "app"])
    'app, m***@g***.com, web'
    """
    distinct = list(dict.fromkeys(plain(v) for v in values))
    try:
        distinct = sorted(distinct)
    except TypeError:
        pass
    return ", ".join(str(_privacy.shown(v, names=names)) for v in distinct[:k])


def quoted(values, k: int = 3, *, names: bool = True) -> str:
    """Up to ``k`` values quoted for a message (``'a', 'b'``), each masked when it looks
    personal.

    >>> quoted(["x", "Mario Rossi"])
    "'x', 'Mar***'"
    """
    return ", ".join(repr(_privacy.shown(v, names=names)) for v in list(values)[:k])


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


def columns(data: pd.DataFrame, names: Iterable, *, what: str = "data") -> list:
    """Refuse columns that are absent, or whose name the table uses twice; return ``names``."""
    names = column_names(data.columns, names, what=what)
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


def allowed_values(values: pd.Series, allowed: Sequence, column: str, *,
                   missing: bool = True) -> None:
    """Refuse values outside ``allowed``; a missing value passes unless ``missing=False``."""
    values = values.reset_index(drop=True)
    bad = ~values.isin(list(allowed))
    if missing:
        bad &= values.notna()
    if bad.any():
        unknown = [_privacy.shown(v, names=False) for v in sorted(set(map(str, values[bad])))]
        raise DataError(f"unknown value(s) {unknown[:5]}",
                        column=column, rows=rows(bad),
                        expected="one of " + ", ".join(map(str, allowed))
                        + (" (or missing)" if missing else ""))


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
            examples = quoted(pd.unique(values[bad]))
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
            examples = quoted(pd.unique(values[~ok]))
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


def datetime_type(dtype, column: str, *, is_datetime: bool | None = None,
                  what: str | None = None) -> None:
    """Refuse a column whose type is not a date-time, before any value is read.

    ``dtype`` is a pandas or numpy dtype; for another type (an engine's column type), say
    whether it is a date-time with ``is_datetime``.
    """
    if is_datetime is None:
        is_datetime = pd.api.types.is_datetime64_any_dtype(dtype)
    if not is_datetime:
        where = f" in the {what} table" if what else ""
        raise DataError(f"not a date-time column{where} (dtype {dtype})", column=column,
                        expected="datetime values (load the events with cxkit.load_journeys "
                                 "or convert with pandas.to_datetime)")


def datetimes(data: pd.DataFrame, column: str, *, what: str | None = None) -> pd.Series:
    """A datetime column as naive UTC times (aware ones converted), positional index."""
    values = data[column].reset_index(drop=True)
    if not pd.api.types.is_datetime64_any_dtype(values):
        if values.isna().all():
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        datetime_type(values.dtype, column, what=what)
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


# --------------------------------------------------------------------------------------------
# --- added for loyalty ---
# --------------------------------------------------------------------------------------------
def one_role(names: Sequence) -> list:
    """Refuse a column given in more than one role (treatment and mediator, outcome and
    driver ...); return ``names``.

    >>> one_role(["x", "m", "y"])
    ['x', 'm', 'y']
    >>> one_role(["x", "y", "y"])
    Traceback (most recent call last):
    ...
    ValueError: column(s) 'y' given in more than one role
    """
    names = list(names)
    twice = sorted({str(c) for c in names if names.count(c) > 1})
    if twice:
        raise ValueError(f"column(s) {', '.join(map(repr, twice))} given in more than one role")
    return names


def not_collinear(data: pd.DataFrame, names: Sequence, *, what: str = "columns") -> None:
    """Refuse numeric columns one of which is a linear combination of the others (with an
    intercept: a constant column counts as collinear).

    ``what`` names them in the message (``"drivers"``, ``"predictors"``).
    """
    names = list(names)
    x = data[names].to_numpy(dtype=float)
    if np.linalg.matrix_rank(x - x.mean(axis=0)) < x.shape[1]:
        raise DataError(f"{what} are collinear (one is a combination of the others)",
                        column=[str(c) for c in names], expected=f"{what} that are not collinear")


# --------------------------------------------------------------------------------------------
# --- added for effects ---
# --------------------------------------------------------------------------------------------
def numbers_or_flags(data: pd.DataFrame, column: str) -> pd.Series:
    """An outcome column as float64: numbers, or true/false read as 1/0 (the estimate is then
    a change in a share); anything else is refused as by :func:`numbers`.

    >>> numbers_or_flags(pd.DataFrame({"churned": [True, False]}), "churned").tolist()
    [1.0, 0.0]
    """
    values = data[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    return numbers(data, column, hint="numbers or true/false (or NaN/None for a missing value)")


# --------------------------------------------------------------------------------------------
# --- added for survival ---
# --------------------------------------------------------------------------------------------
def durations(data: pd.DataFrame, column: str) -> pd.Series:
    """Times of a survival table (time to churn or censoring, entry times) as float64 with a
    positional index: numbers, finite and at least 0 (missing → NaN: refuse them first with
    :func:`complete` where they are not allowed).

    >>> durations(pd.DataFrame({"months": [3, 0, 12.5]}), "months").tolist()
    [3.0, 0.0, 12.5]
    >>> durations(pd.DataFrame({"months": [3, -1]}), "months")
    Traceback (most recent call last):
    ...
    cxkit.DataError: column 'months', row 2: negative time (expected times of at least 0)
    """
    times = numbers(data, column, finite=True, hint="numbers of at least 0 (days, months ...)")
    refuse_rows(times < 0, "negative time", column, "times of at least 0")
    return times


# --------------------------------------------------------------------------------------------
# --- added for measurement (#13) ---
# --------------------------------------------------------------------------------------------
def distinct_columns(value, name: str, *, minimum: int = 1) -> list[str]:
    """At least ``minimum`` column names, none given twice (the items of one scale).

    >>> distinct_columns(["q1", "q2"], "items", minimum=2)
    ['q1', 'q2']
    >>> distinct_columns(["q1", "q1"], "items", minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: items lists 'q1' more than once
    >>> distinct_columns("q1", "items", minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: items must name at least 2 columns, not 1 ('q1')
    """
    names = as_list(value, name)
    twice = list(dict.fromkeys(c for c in names if names.count(c) > 1))
    if twice:
        raise ValueError(f"{name} lists {', '.join(map(repr, twice))} more than once")
    if len(names) < minimum:
        raise ValueError(f"{name} must name at least {minimum} columns, not {len(names)} "
                         f"({', '.join(map(repr, names))})")
    return names


# --------------------------------------------------------------------------------------------
# --- added for AIPW, periods and multiplicity (#13) ---
# --------------------------------------------------------------------------------------------
_ORDER_PERIODS = ("numbers, dates, or an ordered categorical: convert text labels with "
                  "pandas.to_datetime (or to pandas Periods, e.g. quarters), or give their "
                  "order with pandas.Categorical(values, categories=[...in time order...], "
                  "ordered=True)")


def period_kind(data: pd.DataFrame, column: str) -> str:
    """How a column of periods is ordered: ``"number"``, ``"date"`` (datetimes or pandas
    Periods) or ``"ordered"`` (an ordered categorical, in its categories' order). Text labels
    and unordered categories are refused: sorted as text, ``'Q12011'`` would come before
    ``'Q42010'``.

    >>> period_kind(pd.DataFrame({"wave": [1, 2]}), "wave")
    'number'
    >>> period_kind(pd.DataFrame({"quarter": ["Q42010", "Q12011", "Q22011"]}), "quarter")
    Traceback (most recent call last):
    ...
    cxkit.DataError: column 'quarter': text labels, whose order would be the text's \
('Q12011', 'Q22011', 'Q42010'), not time's (expected numbers, dates, or an ordered \
categorical: convert text labels with pandas.to_datetime (or to pandas Periods, e.g. \
quarters), or give their order with pandas.Categorical(values, categories=[...in time \
order...], ordered=True))
    """
    values = data[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        if values.cat.ordered:
            return "ordered"
        raise DataError("a categorical without an order (ordered=False): its categories' "
                        "order is not a time order", column=column, expected=_ORDER_PERIODS)
    if pd.api.types.is_datetime64_any_dtype(values) or isinstance(values.dtype, pd.PeriodDtype):
        return "date"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    present = values.dropna()
    if len(present) and present.map(is_number).all():
        return "number"  # numbers stored as objects
    labels = sorted(map(str, pd.unique(present)))
    order = quoted(labels, names=False) + (", ..." if len(labels) > 3 else "")
    raise DataError(f"text labels, whose order would be the text's ({order}), not time's",
                    column=column, expected=_ORDER_PERIODS)


# --- added for the study file of `cxkit report` (#16) ---

def known_keys(given: Mapping, allowed: Iterable[str], *, file: str, table: str,
               what: str) -> None:
    """Refuse keys of a study-file table that are not ``allowed``, with the closest match."""
    import difflib

    allowed = list(allowed)
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise DataError(f"[{table}] has an unknown key {key!r}{hint}", file=file,
                            expected=f"{what}: {', '.join(sorted(allowed))}")


def header_has(header: Sequence[str], names: Mapping[str, str], *, file: str, table: str,
               source: str) -> None:
    """Refuse study-file entries (``{key: column}``) that name a column not in ``header``."""
    for key, column in names.items():
        if column not in header:
            raise DataError(f"[{table}] {key} names column {column!r}, which is not in {source}",
                            file=file, expected=f"one of its columns: {', '.join(header)}")


# --- added for the loaders' missing sources (#11) ---
class NoSuchFile(DataError, FileNotFoundError):
    """A path, glob or folder given as a source that names no file: a :class:`DataError`
    (``file`` is the path as given) and a ``FileNotFoundError`` (``errno`` ENOENT), so that
    ``except FileNotFoundError`` catches it too.

    >>> err = NoSuchFile("no such file", file="logs/2025-01.csv")
    >>> print(err)
    logs/2025-01.csv: no such file
    >>> isinstance(err, DataError) and isinstance(err, FileNotFoundError)
    True
    """

    def __init__(self, problem: str, *, file: str, expected: str | None = None):
        import errno

        super().__init__(problem, file=file, expected=expected)
        self.errno = errno.ENOENT


def source_files(item, files: list, *, kind: str) -> list:
    """``files`` found for a source ``item`` (a path, a glob or a folder, says ``kind``), or
    :class:`NoSuchFile` naming it when there are none.

    >>> source_files("logs/2025-*.csv", [], kind="glob")
    Traceback (most recent call last):
    ...
    cxkit...NoSuchFile: logs/2025-*.csv: no file matches this pattern (expected ...)
    """
    import os

    if files:
        return files
    problem, expected = {
        "path": ("no such file", f"an existing file; relative paths start in {os.getcwd()}"),
        "glob": ("no file matches this pattern", "at least one file matching it"),
        "folder": ("the folder has no CSV or Parquet files", "files ending in .csv, .csv.gz "
                                                             "or .parquet"),
    }[kind]
    raise NoSuchFile(problem, file=str(item), expected=expected)
