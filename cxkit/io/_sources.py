"""What a loader reads: a path, a glob, a folder, a list of paths or a DataFrame, each file
turned into a relation of the session's DuckDB database.

Every part of a source becomes a :class:`Part` whose ``relation`` is a SQL relation with the
file's columns (as the file names them), in file order (the loader numbers the rows by their
place: ``__cx_ord``). CSV files are read as text by DuckDB
(:mod:`._csv`); Parquet files by DuckDB with their types; Excel sheets by openpyxl (small
files), every cell as the text it shows, error cells as their code and formulas in the id
column as the formula; DataFrames are handed to DuckDB through Arrow, without a copy.
"""

from __future__ import annotations

import datetime as dt
import glob as globbing
import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import _check, _engines
from .._check import DataError
from . import _csv
from ._engine import EngineError, Session, ident, lit

LINE = "__cx_line"
SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")
_FOLDER_SUFFIXES = (".csv", ".csv.gz", ".parquet")
_GLOB = set("*?[")
#: Excel's error values: a cell that shows one of these holds no value.
EXCEL_ERRORS = ("#DIV/0!", "#VALUE!", "#REF!", "#N/A", "#NAME?", "#NUM!", "#NULL!",
                "#SPILL!", "#CALC!", "#GETTING_DATA")


@dataclass
class Part:
    """One file (or the DataFrame) of a source, once read into the session."""

    name: str
    kind: str                      # "csv", "parquet", "xlsx" or "frame"
    path: Path | None = None
    frame: pd.DataFrame | None = None
    relation: str = ""
    columns: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    csv: _csv.CsvSource | None = None
    rowmap: _csv.RowMap | None = None
    n_read: int = 0                # rows the engine read (rejected records not counted)
    aware_ns: set = field(default_factory=set)  # date-time columns held as ns since 1970

    @property
    def text(self) -> bool:
        """Cells are the text written in the file (CSV, Excel): nothing typed yet."""
        return self.kind in ("csv", "xlsx")

    @property
    def has_lines(self) -> bool:
        return self.kind in ("csv", "xlsx")


# --------------------------------------------------------------------------------------------
# a source → its parts
# --------------------------------------------------------------------------------------------
def source_label(source) -> str:
    """The source as the report names it."""
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>"
    if isinstance(source, (list, tuple)):
        names = [str(p) for p in source]
        if len(names) <= 3:
            return ", ".join(names)
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return str(source)


def parts_of(source) -> list[Part]:
    """The files (or the DataFrame) of ``source``, in order."""
    if isinstance(source, pd.DataFrame):
        return [Part("<DataFrame>", "frame", frame=source)]
    if isinstance(source, (list, tuple)):
        if not source:
            raise ValueError("source is an empty list: give at least one file")
        found = [p for item in source for p in _paths(item, in_list=True)]
    else:
        found = _paths(source)
    return [Part(str(p), _kind(p), path=Path(p)) for p in found]


def _paths(item, *, in_list: bool = False) -> list:
    if isinstance(item, pd.DataFrame) or not isinstance(item, (str, os.PathLike)):
        what = "a list of paths" if in_list else "a path, a glob, a folder, a list of paths"
        raise TypeError(f"source must be {what} or a pandas DataFrame, not "
                        f"{type(item).__name__}")
    _engines.refuse_remote(item, what="a file, folder or glob", engine_hint=False)
    path = Path(item)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                       and p.name.lower().endswith(_FOLDER_SUFFIXES))
        return _check.source_files(item, files, kind="folder")
    if not path.exists() and _GLOB & set(str(item)):
        files = sorted(globbing.glob(str(item)))
        return _check.source_files(item, [f for f in files if Path(f).is_file()], kind="glob")
    return _check.source_files(item, [item] if path.exists() else [], kind="path")


def _kind(path) -> str:
    name = str(path).lower()
    suffix = "".join(Path(name).suffixes[-2:]) if name.endswith(".gz") else Path(name).suffix
    if suffix not in SUFFIXES:
        raise DataError(f"unsupported file type {suffix!r}", file=str(path),
                        expected="one of " + ", ".join(SUFFIXES))
    return {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}[suffix]


# --------------------------------------------------------------------------------------------
# a part → a relation of the session
# --------------------------------------------------------------------------------------------
def open_part(session: Session, part: Part, dialect: _csv.Dialect, *, sheet=0,
              skiprows: int | None = None, expected=(), id_column: str | None = None) -> Part:
    """Read ``part`` into ``session``: its relation, columns and types."""
    if part.kind == "frame":
        _frame(session, part)
    elif part.kind == "xlsx":
        _excel(session, part, sheet=sheet, skiprows=skiprows, expected=expected,
               id_column=id_column)
    else:
        if part.path.stat().st_size == 0:
            raise DataError("the file is empty", file=part.name,
                            expected="a header row followed by data rows")
        if part.kind == "parquet":
            _parquet(session, part)
        else:
            part.csv = _csv.prepare(session, part.path, dialect, skiprows=skiprows)
            part.relation = _csv.relation(session, part.csv)
            part.columns = list(part.csv.names)
            if skiprows is None and expected and not set(expected) & set(part.columns):
                _title_rows(_csv.head_rows(part.csv), expected, file=part.name)
            part.types = dict.fromkeys(part.columns, "VARCHAR")
    return part


def _parquet(session: Session, part: Part) -> None:
    relation = f"read_parquet({lit(str(part.path))})"
    try:
        types = session.types(f"SELECT * FROM {relation}")
    except EngineError as err:
        raise DataError(f"cannot read the file as .parquet: {err}", file=part.name,
                        expected="a valid .parquet file") from None
    with _check.in_source(file=part.name):
        _check.unique_header(types)
    part.columns = list(types)
    part.types = types
    select = ", ".join(ident(c) for c in part.columns)
    part.relation = f"(SELECT {select} FROM {relation})"


# --------------------------------------------------------------------------------------------
# DataFrames
# --------------------------------------------------------------------------------------------
def _frame(session: Session, part: Part) -> None:
    import pyarrow as pa

    frame = part.frame
    if isinstance(frame.columns, pd.MultiIndex):
        raise DataError(f"the table has a {frame.columns.nlevels}-level column header (a "
                        "pandas MultiIndex)", file=part.name,
                        expected="one header row: flatten the names, e.g. "
                                 "data.columns = ['_'.join(c) for c in data.columns]")
    names = [str(c) for c in frame.columns]
    with _check.in_source(file=part.name):
        _check.unique_header(names)
    arrays = []
    for i, name in enumerate(names):
        values = frame.iloc[:, i]
        if isinstance(values.dtype, pd.DatetimeTZDtype) and _sub_micro(values):
            # DuckDB holds instants in microseconds: nanoseconds since 1970 (UTC) instead
            utc = values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
            arrays.append(pa.array(utc.to_numpy().view("int64"), mask=utc.isna().to_numpy()))
            part.aware_ns.add(name)
        else:
            arrays.append(_arrow_column(values))
    table = pa.Table.from_arrays(arrays, names=names)
    name = session.name("frame")
    session.register(name, table)
    part.columns = names
    part.types = session.types(f"SELECT * FROM {name}")
    part.relation = name


def _sub_micro(values: pd.Series) -> bool:
    """Whether date-times hold nanoseconds that microseconds would lose."""
    ns = values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    return bool((ns.dropna().to_numpy().view("int64") % 1000 != 0).any())


def _arrow_column(values: pd.Series):
    """A column of a DataFrame as Arrow, unchanged; a column of mixed Python objects (which
    Arrow would refuse, or convert silently) as their text."""
    import pyarrow as pa

    if values.dtype == object:
        present = values[values.map(lambda v: not _missing(v))]
        stamps = present.map(lambda v: isinstance(v, dt.datetime))
        if stamps.any():
            aware = present[stamps].map(lambda v: v.tzinfo is not None)
            if not stamps.all() or aware.any() != aware.all():
                return pa.array(_texts(values), type=pa.string())
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError,
            ValueError, OverflowError):
        return pa.array(_texts(values), type=pa.string())


def _missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _texts(values: pd.Series) -> list:
    return [None if _missing(v) else cell_text(v) for v in values]


def cell_text(value) -> str:
    """A cell as the text it shows: whole numbers without ``.0``, dates in ISO 8601."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if number.is_integer() and abs(number) <= 2**53:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------
def _excel(session: Session, part: Part, *, sheet, skiprows, expected, id_column) -> None:
    import pyarrow as pa

    try:
        rows, formulas = _sheet_rows(part.path, sheet)
    except (KeyboardInterrupt, MemoryError):
        raise
    except DataError:
        raise
    except Exception as err:  # openpyxl raises zip, XML, key and value errors of all kinds
        raise DataError(f"cannot read the file as .xlsx: {type(err).__name__}: {err}",
                        file=part.name, expected="a valid .xlsx workbook") from None
    skip = int(skiprows or 0)
    body = rows[skip:]
    while body and not any(c is not None for c in body[0][1]):
        if skiprows is not None:
            break
        body = body[1:]
    if not body or not any(c is not None for c in body[0][1]):
        raise DataError("the sheet is empty", file=part.name,
                        expected="a header row followed by data rows")
    header_line, header = body[0]
    width = max(len(r) for _, r in body)
    names = [f"Unnamed: {i}" if i >= len(header) or header[i] is None
             or not str(header[i]).strip() else cell_text(header[i]) for i in range(width)]
    with _check.in_source(file=part.name):
        _check.unique_header([n for n in names if not n.startswith("Unnamed: ")])
    if skiprows is None and expected and not set(expected) & set(names):
        _title_rows(rows, expected, file=part.name)
    data = [(line, r) for line, r in body[1:] if any(c is not None for c in r)]
    id_index = names.index(id_column) if id_column in names else None
    columns = []
    for i in range(width):
        cells = []
        for line, r in data:
            value = r[i] if i < len(r) else None
            if i == id_index and (line, i) in formulas:
                value = formulas[(line, i)]
            cells.append(None if value is None else cell_text(value))
        columns.append(pa.array(cells, type=pa.string()))
    columns.append(pa.array([line for line, _ in data], type=pa.int64()))
    table = pa.Table.from_arrays(columns, names=[*names, LINE])
    name = session.name("sheet")
    session.register(name, table)
    part.columns = names
    part.types = dict.fromkeys(names, "VARCHAR")
    part.relation = name


def _sheet_rows(path: Path, sheet):
    """The sheet's rows as ``(sheet row, values)``, error cells as their code, and the
    formulas written in cells (``{(sheet row, column): formula}``)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        ws = _worksheet(book, sheet, path)
        formulas, raw = {}, []
        for r, row in enumerate(ws.iter_rows(), start=1):
            values = []
            for i, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    formulas[(r, i)] = str(cell.value)
                values.append(getattr(cell, "value", None))
            raw.append((r, values))
    finally:
        book.close()
    if not formulas:
        return raw, formulas
    book = load_workbook(path, read_only=True, data_only=True)  # the values formulas show
    try:
        ws = _worksheet(book, sheet, path)
        shown = [(r, [getattr(c, "value", None) for c in row])
                 for r, row in enumerate(ws.iter_rows(), start=1)]
    finally:
        book.close()
    return shown, formulas


def _worksheet(book, sheet, path):
    names = book.sheetnames
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise DataError(f"the workbook has no sheet number {sheet} (it has {len(names)})",
                            file=str(path), expected="sheet= as a position from 0 or a name: "
                            + ", ".join(names))
        return book[names[sheet]]
    if sheet not in names:
        raise DataError(f"the workbook has no sheet named {sheet!r}", file=str(path),
                        expected="one of " + ", ".join(map(repr, names)))
    return book[sheet]


def _title_rows(rows, expected, *, file) -> None:
    """A title above the header is common in exported sheets (and CSV files written from
    them): say where the header is rather than guessing which row to use."""
    for i, (_, values) in enumerate(rows[:20]):
        if set(expected) & {str(v).strip() for v in values if v is not None}:
            if i > 0:
                raise DataError(f"the header is on line {i + 1}, below {i} title "
                                f"line(s); pass skiprows={i} to read it", file=file,
                                column=list(expected),
                                expected="the header on the first line")
            return
