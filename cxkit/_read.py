"""Reading a small user's file (a touchpoint catalogue) into a raw table, with errors that name
the file and the row (personal data are found by :mod:`cxkit._privacy`).

CSV cells are read as text, with only empty cells as missing: nothing is converted before the
checks (so a code such as ``007`` keeps its zeros and ``NA`` stays a string). The loaders of
:mod:`cxkit.io` read their files with DuckDB instead (large files, several files, dialects).
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path

import pandas as pd

from . import _check
from ._check import DataError

SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")


def source_name(source) -> str:
    return "<DataFrame>" if isinstance(source, pd.DataFrame) else str(source)


def read_table(source, *, encoding: str = "utf-8", sheet=0, skiprows: int | None = None,
               expected_columns=()) -> pd.DataFrame:
    """Read a path (.csv, .csv.gz, .parquet, .xlsx) or copy a DataFrame, with a RangeIndex."""
    if isinstance(source, pd.DataFrame):
        with _check.in_source(file=source_name(source)):
            _check.unique_header(source.columns)
        return source.reset_index(drop=True).copy()
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path or a pandas DataFrame, not {type(source).__name__}")
    path = Path(source)
    name = str(source)
    _check.source_files(name, [path] if path.exists() else [], kind="path")
    suffix = "".join(path.suffixes[-2:]).lower() if name.lower().endswith(".gz") else \
        path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"unsupported file type {suffix!r}", file=name,
                        expected="one of " + ", ".join(SUFFIXES))
    if path.stat().st_size == 0:
        raise DataError("the file is empty", file=name,
                        expected="a header row followed by data rows")
    try:
        with _check.in_source(file=name):
            if suffix == ".parquet":
                data = pd.read_parquet(path)
            elif suffix == ".xlsx":
                data = _read_excel(path, sheet=sheet, skiprows=skiprows,
                                   expected_columns=expected_columns)
            else:
                data = _read_csv(path, encoding=encoding, gz=suffix == ".csv.gz",
                                 skiprows=skiprows)
            _check.unique_header(data.columns)
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001 - zlib, zip, XML, Arrow, pandas: a damaged file
        # A damaged file or one saved in another format under this suffix: say so, naming the
        # file, instead of letting the reader's own exception through.
        raise DataError(f"cannot read the file as {suffix}: {err}", file=name,
                        expected=f"a valid {suffix} file") from None
    if data.columns.size == 0:
        raise DataError("the file has no columns", file=name, expected="a header row")
    return data.reset_index(drop=True)


def _read_csv(path: Path, *, encoding: str, gz: bool, skiprows: int | None) -> pd.DataFrame:
    if gz:
        with gzip.open(path) as stream:
            raw = stream.read()
    else:
        raw = path.read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise _undecodable(raw, err, encoding=encoding, skiprows=skiprows, file=str(path)) \
            from None
    if not raw.strip():
        raise DataError("the file is empty", file=str(path),
                        expected="a header row followed by data rows")
    options = dict(dtype=str, keep_default_na=False, encoding=encoding, skiprows=skiprows)
    try:
        data = pd.read_csv(io.BytesIO(raw), na_values=[""], **options)
    except pd.errors.ParserError as err:
        raise _ragged(text, skiprows=skiprows, file=str(path), reason=err) from None
    # pandas renames a repeated header name to "name.1": look at the header as written.
    _check.unique_header(pd.read_csv(io.BytesIO(raw), header=None, nrows=1, **options)
                         .iloc[0].tolist())
    return data


def _undecodable(raw: bytes, err: UnicodeDecodeError, *, encoding, skiprows, file) -> DataError:
    """The error for bytes that are not valid in ``encoding``, naming their columns and rows."""
    line = raw[: err.start].count(b"\n") + 1
    column, rows = None, None
    try:  # read again with the bad bytes replaced, to count rows as the loaders do
        data = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding=encoding,
                           encoding_errors="replace", skiprows=skiprows)
        bad = data.apply(lambda col: col.str.contains("\ufffd", regex=False))
        column = [c for c in data.columns if "\ufffd" in str(c) or bad[c].any()] or None
        rows = _check.rows(bad.any(axis=1))
    except ValueError:
        pass
    where = " (in the header)" if line <= (skiprows or 0) + 1 else ""
    return DataError(
        f"byte 0x{raw[err.start]:02x} at line {line}{where} is not valid {encoding}; "
        "pass encoding= (e.g. encoding='latin-1' or 'cp1252') if the file was saved that way",
        file=file, column=column, rows=rows, expected=f"text encoded as {encoding}",
    )


def _ragged(text: str, *, skiprows, file, reason) -> DataError:
    """The error for data rows with more fields than the header, naming the rows."""
    lines = text.splitlines(keepends=True)[skiprows or 0:]
    try:  # blank lines are skipped, as pandas does, so that rows count as the loaders count
        records = [r for r in csv.reader(io.StringIO("".join(lines))) if r]
    except csv.Error:
        records = []
    width = len(records[0]) if records else 0
    rows = [i for i, r in enumerate(records[1:], start=1) if len(r) > width]
    if not rows:
        return DataError(f"the file cannot be read as CSV: {str(reason).strip()}", file=file,
                         expected="comma-separated text with quotes closed")
    return DataError(f"more fields than the header's {width}", file=file, rows=rows,
                     expected="every row with as many fields as the header (is a comma "
                              "inside an unquoted value?)")


def _read_excel(path: Path, *, sheet, skiprows, expected_columns) -> pd.DataFrame:
    # As for CSV, only empty cells are missing: a text cell "NA" or "None" stays text.
    data = pd.read_excel(path, sheet_name=sheet, dtype=object, skiprows=skiprows,
                         keep_default_na=False, na_values=[""])
    # pandas renames a repeated header name to "name.1": look at the header as written.
    if len(data.columns):
        header = pd.read_excel(path, sheet_name=sheet, dtype=object, header=None, nrows=1,
                               skiprows=skiprows, keep_default_na=False, na_values=[""])
        _check.unique_header(header.iloc[0].tolist())
    if skiprows is None and expected_columns and not set(expected_columns) & set(map(str,
                                                                                     data.columns)):
        # A title row above the header is common in exported sheets: find the real header and
        # say where it is rather than guessing which row to use.
        head = pd.read_excel(path, sheet_name=sheet, dtype=object, header=None, nrows=20)
        for i, row in head.iterrows():
            if set(expected_columns) & {str(v).strip() for v in row.dropna()}:
                if i > 0:
                    raise DataError(
                        f"the header is on spreadsheet line {i + 1}, below {i} title line(s); "
                        f"pass skiprows={i} to read it",
                        file=str(path), column=list(expected_columns),
                        expected="the header on the first line of the sheet",
                    )
                break
    return data
