"""Reading a CSV file with DuckDB: every cell as text, every row counted.

The header is read here (the first record after ``skiprows`` lines), which is also where a
file written with another separator is recognised: ``looks ';'-separated: pass sep=";"``.
The data are read by DuckDB's ``read_csv`` with the dialect stated (nothing sniffed), as text
(``VARCHAR``), in parallel, numbered with ``WITH ORDINALITY``. Rows whose number of fields
differs from the header's are neither padded nor shifted: DuckDB's rejects table
(``store_rejects``) lists them with the line where they start, and :class:`RowMap` gives every
record its data row (1 at the first row below the header, blank lines not counted) and the
physical line where it starts (which differs from the row when a quoted field spans lines).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import _check
from .._check import DataError
from ._engine import EngineError, Session, ident, lit

_HEAD_BYTES = 1 << 18
_ENGINE_ENCODINGS = {"utf-8": "utf-8", "latin-1": "latin-1", "iso8859-1": "latin-1",
                     "utf-16": "utf-16"}
_SEPARATORS = {",": ",", ";": ";", "\t": r"\t", "|": "|"}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


@dataclass(frozen=True)
class Dialect:
    """How a CSV file is written: separator, decimal mark, thousands mark, quote, encoding."""

    sep: str = ","
    decimal: str = "."
    thousands: str | None = None
    quotechar: str = '"'
    encoding: str = "utf-8"

    @classmethod
    def checked(cls, *, sep, decimal, thousands, quotechar, encoding) -> Dialect:
        return cls(*_check.csv_dialect(sep=sep, decimal=decimal, thousands=thousands,
                                       quotechar=quotechar, encoding=encoding))


def shown_sep(sep: str) -> str:
    """``sep=";"`` or ``sep="\\t"``, as the user would type it."""
    return 'sep="' + sep.encode("unicode_escape").decode() + '"'


# --------------------------------------------------------------------------------------------
# the file's bytes: decompression checked, the head decoded
# --------------------------------------------------------------------------------------------
def _stream(path: Path, gz: bool):
    return gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115


def check_gzip(path: Path) -> None:
    """Decompress the whole file once: DuckDB does not check a gzip file's CRC, so a damaged
    byte could otherwise change a value silently."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 22):
                pass
    except (OSError, EOFError, zlib.error) as err:
        raise DataError(f"cannot read the file as .csv.gz: {err}", file=str(path),
                        expected="a complete, undamaged gzip file") from None


def _head(path: Path, gz: bool) -> bytes:
    try:
        with _stream(path, gz) as stream:
            return stream.read(_HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as err:
        suffix = ".csv.gz" if gz else ".csv"
        raise DataError(f"cannot read the file as {suffix}: {err}", file=str(path),
                        expected=f"a valid {suffix} file") from None


def _lines(text: str, skip: int) -> list[str]:
    lines = text.splitlines(keepends=True)
    return lines[skip:]


@dataclass
class Header:
    names: list[str]
    decimal_commas: bool = False


def read_header(path: Path, dialect: Dialect, *, gz: bool, skiprows: int) -> Header:
    """The column names of the file (the first record after ``skiprows`` lines).

    Refuses an empty file, an undecodable header and a header that only another separator
    splits (``... looks ';'-separated: pass sep=";"``).
    """
    name = str(path)
    raw = _head(path, gz)
    if not raw.strip():
        raise DataError("the file is empty", file=name,
                        expected="a header row followed by data rows")
    encoding = "utf-8-sig" if dialect.encoding == "utf-8" else dialect.encoding
    text = raw.decode(encoding, errors="replace")
    lines = _lines(text, skiprows)
    if not lines or not "".join(lines).strip():
        raise DataError("the file has no header after the skipped lines", file=name,
                        expected=f"a header row after {skiprows} skipped line(s)")
    if not lines[0].strip():
        raise DataError("the header line is empty", file=name,
                        expected="column names on the first line (pass skiprows= to skip "
                                 "lines above the header)")
    first = lines[0].rstrip("\r\n")
    if "\ufffd" in first:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            raise undecodable(raw[err.start], line, dialect.encoding, file=name,
                              header=True) from None
    try:
        record = next(csv.reader(io.StringIO("".join(lines[:50])), delimiter=dialect.sep,
                                 quotechar=dialect.quotechar))
    except (csv.Error, StopIteration) as err:
        raise DataError(f"cannot read the header: {err}", file=name,
                        expected="a header row of column names") from None
    if len(record) == 1:
        _other_separator(first, lines[1:50], dialect, file=name)
    names = [c if c.strip() else f"Unnamed: {i}" for i, c in enumerate(record)]
    with _check.in_source(file=name):
        _check.unique_header(record)
    return Header(names)


def _other_separator(first: str, data: list[str], dialect: Dialect, *, file: str) -> None:
    """Refuse a header that the stated ``sep`` does not split but another separator does."""
    for sep in _SEPARATORS:
        if sep == dialect.sep or sep not in first:
            continue
        try:
            fields = next(csv.reader([first], delimiter=sep, quotechar=dialect.quotechar))
        except (csv.Error, StopIteration):
            continue
        if len(fields) < 2:
            continue
        hint = shown_sep(sep)
        cells = [c.strip() for row in csv.reader(data, delimiter=sep,
                                                 quotechar=dialect.quotechar) for c in row]
        if dialect.decimal == "." and any(_DECIMAL_COMMA.match(c) for c in cells):
            hint += ' and decimal=","'
            if any(re.match(r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$", c) for c in cells):
                hint += ' (and thousands="." for 1.234,56)'
        raise DataError(
            f"the header line splits on {sep!r} but not on {dialect.sep!r}: the file looks "
            f"{sep!r}-separated: pass {hint}", file=file,
            expected=f"{dialect.sep!r}-separated columns (say how the file is written with "
                     "sep=, decimal= and thousands=)")


def undecodable(byte: int, line: int, encoding: str, *, file: str, header: bool = False,
                column=None, rows=None) -> DataError:
    """The error for a byte that is not valid in ``encoding``."""
    where = " (in the header)" if header else ""
    return DataError(
        f"byte 0x{byte:02x} at line {line}{where} is not valid {encoding}; pass "
        "encoding= (e.g. encoding='latin-1' or 'cp1252') if the file was saved that way",
        file=file, column=column, rows=rows, expected=f"text encoded as {encoding}")


def first_bad_byte(path: Path, gz: bool, encoding: str) -> tuple[int, int] | None:
    """``(byte, line)`` of the first byte that is not valid in ``encoding``, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines = 0
    with _stream(path, gz) as stream:
        while True:
            chunk = stream.read(1 << 20)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                data = err.object
                line = newlines - pending.count(b"\n") + data[: err.start].count(b"\n") + 1
                return data[err.start], line
            if not chunk:
                return None
            newlines += chunk.count(b"\n")


def transcoded(session: Session, path: Path, dialect: Dialect, *, gz: bool) -> Path:
    """A UTF-8 copy of a file in another encoding, in the session's private folder (DuckDB
    reads UTF-8, UTF-16 and Latin-1 only)."""
    target = session.path(f"{path.name}.utf8.csv")
    try:
        with _stream(path, gz) as raw, open(target, "w", encoding="utf-8",
                                            newline="") as out:
            text = io.TextIOWrapper(raw, encoding=dialect.encoding, newline="")
            while chunk := text.read(1 << 22):
                out.write(chunk)
    except UnicodeDecodeError:
        found = first_bad_byte(path, gz, dialect.encoding)
        byte, line = found if found else (0, 0)
        raise undecodable(byte, line, dialect.encoding, file=str(path)) from None
    return target


# --------------------------------------------------------------------------------------------
# reading with DuckDB
# --------------------------------------------------------------------------------------------
#: What DuckDB reads as "no value": nothing a file holds, so that an empty field is ''
#: (turned into NULL afterwards) and only a field the record does not have is NULL.
_NO_FIELD = "\x01\x02cxkit:no-field\x02\x01"


@dataclass
class CsvSource:
    """A CSV file prepared for DuckDB: its header, the file DuckDB reads (a UTF-8 copy for
    other encodings) and where DuckDB writes the records it could not read."""

    path: Path
    dialect: Dialect
    gz: bool
    skiprows: int
    names: list[str]
    source: Path
    encoding: str
    rejects_table: str = ""
    parallel: bool = True
    rejects: list = field(default_factory=list)


def prepare(session: Session, path: Path, dialect: Dialect, *, skiprows: int | None) -> CsvSource:
    """Check the file (decompression, encoding, header) before DuckDB reads it."""
    gz = path.name.lower().endswith(".gz")
    skip = int(skiprows or 0)
    if gz:
        check_gzip(path)
    header = read_header(path, dialect, gz=gz, skiprows=skip)
    engine_encoding = _ENGINE_ENCODINGS.get(dialect.encoding)
    source = path
    if engine_encoding is None:
        source = transcoded(session, path, dialect, gz=gz)
        engine_encoding = "utf-8"
    return CsvSource(path, dialect, gz, skip, header.names, source, engine_encoding)


def relation(session: Session, src: CsvSource, *, parallel: bool = True) -> str:
    """The ``read_csv(...)`` relation of ``src``: the file's columns as text (NULL where
    empty) and ``__cx_fields``, the number of fields of a record whose number differs from
    the header's (NULL otherwise). DuckDB returns the rows in the order it read them (in
    parallel); their place in that order numbers them (``WITH ORDINALITY`` would read the
    file on one thread).

    DuckDB is given one column more than the header has and pads short records with NULL
    (while an empty field is ''): a record's fields are then counted exactly, also the one
    extra empty field at the end of a line that DuckDB would otherwise drop. Records with
    two or more fields too many are rejected by DuckDB (its rejects table); records with a
    quote not closed, too. A file with quoted fields spanning lines is read with
    ``parallel=False`` (DuckDB pads such files only that way).
    """
    src.rejects_table = session.name("rejects")
    src.parallel = parallel
    width = len(src.names)
    raw = [f"c{i}" for i in range(width)] + ["__cx_extra"]
    columns = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in raw) + "}"
    compression = "gzip" if src.gz and src.source == src.path else "none"
    options = [
        f"columns = {columns}", "header = true", f"skip = {src.skiprows}",
        f"delim = {lit(src.dialect.sep)}", f"quote = {lit(src.dialect.quotechar)}",
        f"escape = {lit(src.dialect.quotechar)}", "auto_detect = false", "strict_mode = true",
        "null_padding = true", f"nullstr = {lit(_NO_FIELD)}", "store_rejects = true",
        f"rejects_table = {lit(src.rejects_table)}",
        f"rejects_scan = {lit(session.name('scan'))}", f"encoding = {lit(src.encoding)}",
        f"compression = {lit(compression)}",
        f"parallel = {'true' if parallel else 'false'}",
    ]
    values = ", ".join(f"NULLIF(c{i}, '') AS {ident(name)}" for i, name in enumerate(src.names))
    count = " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)" for c in raw)
    fields = f"CASE WHEN __cx_extra IS NOT NULL OR c{width - 1} IS NULL THEN {count} END"
    return (f"(SELECT {values}, {fields} AS __cx_fields FROM "
            f"read_csv({lit(str(src.source))}, " + ", ".join(options) + "))")


def head_rows(src: CsvSource, n: int = 20) -> list[tuple[int, list[str]]]:
    """The first ``n`` lines of the file split into fields, as ``(line, fields)``."""
    encoding = "utf-8-sig" if src.dialect.encoding == "utf-8" else src.dialect.encoding
    text = _head(src.path, src.gz).decode(encoding, errors="replace")
    lines = text.splitlines()[:n]
    rows = []
    for i, line in enumerate(lines, start=1):
        try:
            rows.append((i, next(csv.reader([line], delimiter=src.dialect.sep,
                                            quotechar=src.dialect.quotechar), [])))
        except csv.Error:
            rows.append((i, []))
    return rows


def needs_serial(err: Exception) -> bool:
    """DuckDB's refusal to pad records of a file with quoted fields spanning lines in
    parallel."""
    return "null_padding" in str(err) and "quoted new lines" in str(err)


@dataclass(frozen=True)
class Reject:
    dline: int      # DuckDB's line: records and blank lines counted, a record one line
    kind: str       # DuckDB's error type
    fields: int     # fields found in the record
    column: str | None


def collect_rejects(session: Session, src: CsvSource) -> list[Reject]:
    """The records DuckDB set aside while reading ``src`` (after the read ran)."""
    try:
        rows = session.run(f"SELECT line, CAST(error_type AS VARCHAR), csv_line, column_name "
                           f"FROM {src.rejects_table} ORDER BY line", fetch="rows")
    except EngineError:
        return []
    by_line: dict[int, Reject] = {}
    for dline, kind, text, column in rows:
        fields = _count_fields(text, src.dialect)
        column = src.names[int(column[1:])] if column and re.fullmatch(r"c\d+", column) \
            else None
        known = by_line.get(int(dline))
        if known is None or (kind == "INVALID ENCODING" and known.kind != kind):
            by_line[int(dline)] = Reject(int(dline), kind, fields, column)
    src.rejects = sorted(by_line.values(), key=lambda r: r.dline)
    return src.rejects


def _count_fields(text: str | None, dialect: Dialect) -> int:
    if not text:
        return 0
    try:
        records = [r for r in csv.reader(io.StringIO(text.strip("\r\n"), newline=""),
                                         delimiter=dialect.sep, quotechar=dialect.quotechar)
                   if r]
    except csv.Error:
        return 0
    return max((len(r) for r in records), default=0)


def reject_reason(reject: Reject, width: int) -> str:
    """The set-aside reason of a record DuckDB could not read."""
    if reject.kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"wrong number of fields: {reject.fields} (the header has {width})"
    if reject.kind == "UNQUOTED VALUE":
        return "a quote that is not closed (or text after a closing quote)"
    if reject.kind == "LINE SIZE OVER MAXIMUM":
        return "a record longer than 2 MB (a quote that is never closed?)"
    return f"unreadable record ({reject.kind.lower()})"


def raise_encoding_error(src: CsvSource, rows: list[int]) -> None:
    """Refuse a file with bytes that are not valid in its encoding (DuckDB rejected them)."""
    bad = [r for r in src.rejects if r.kind == "INVALID ENCODING"]
    columns = sorted({r.column for r in bad if r.column})
    column = columns[0] if len(columns) == 1 else (columns or None)
    found = first_bad_byte(src.path, src.gz, src.dialect.encoding)
    if found is None:
        raise DataError(f"the file is not valid {src.dialect.encoding}", file=str(src.path),
                        column=column, rows=rows,
                        expected=f"text encoded as {src.dialect.encoding}")
    raise undecodable(*found, src.dialect.encoding, file=str(src.path), column=column,
                      rows=rows)


# --------------------------------------------------------------------------------------------
# rows and lines
# --------------------------------------------------------------------------------------------
class RowMap:
    """Data rows and physical lines of the records of one CSV file.

    Rows read by DuckDB are numbered by ``_ord`` (1, 2, ... in file order, rejected records
    left out); rejected records are known by DuckDB's line (records and blank lines counted,
    a record spanning lines counted once). In a file without blank lines and without records
    spanning lines, both are simple arithmetic; otherwise the file is read once more, with
    Python's csv module, to find where each record starts.
    """

    def __init__(self, src: CsvSource, n_read: int):
        self.src = src
        self.n_read = n_read
        self.header_lines = src.skiprows + 1
        self._simple: bool | None = None
        self._scan: dict | None = None

    @property
    def rejects(self) -> list[Reject]:
        return self.src.rejects

    def simple(self) -> bool:
        """No blank line and no record spanning lines (checked by counting the file's
        lines, only when a row number or a line is needed)."""
        if self._simple is None:
            total = 0
            last = b"\n"
            with _stream(self.src.path, self.src.gz) as stream:
                while chunk := stream.read(1 << 22):
                    total += chunk.count(b"\n")
                    last = chunk[-1:]
            if last != b"\n":
                total += 1
            self._simple = total == self.header_lines + self.n_read + len(self.rejects)
        return self._simple

    def reject_rows(self) -> list[int]:
        if not self.rejects:
            return []
        if self.simple():
            return [r.dline - self.header_lines for r in self.rejects]
        scan = self._scanned()
        return [scan["reject"].get(r.dline, (r.dline - self.header_lines, None))[0]
                for r in self.rejects]

    def reject_lines(self) -> list[int]:
        if not self.rejects:
            return []
        if self.simple():
            return [r.dline for r in self.rejects]
        scan = self._scanned()
        return [scan["reject"].get(r.dline, (None, r.dline))[1] for r in self.rejects]

    def rows(self, ords) -> np.ndarray:
        """The data rows of the records DuckDB read, by their ``_ord``."""
        ords = np.asarray(ords, dtype=np.int64)
        if not self.rejects:
            return ords
        rejected = np.asarray(self.reject_rows(), dtype=np.int64)
        before = rejected - np.arange(1, len(rejected) + 1)
        return ords + np.searchsorted(before, ords, side="left")

    def lines(self, ords) -> np.ndarray:
        """The physical lines where the records DuckDB read start, by their ``_ord``."""
        ords = np.asarray(ords, dtype=np.int64)
        if len(ords) == 0:
            return ords
        if self.simple():
            return self.rows(ords) + self.header_lines
        scan = self._scanned(set(ords.tolist()))
        rows = self.rows(ords)
        return np.array([scan["good"].get(int(o), int(r) + self.header_lines)
                         for o, r in zip(ords, rows, strict=True)], dtype=np.int64)

    def _scanned(self, wanted: set | None = None) -> dict:
        if self._scan is not None and (wanted is None or wanted <= self._scan["wanted"]):
            return self._scan
        wanted = set(wanted or ()) | (self._scan["wanted"] if self._scan else set())
        reject_lines = {r.dline for r in self.rejects}
        found_rejects, found_good = {}, {}
        src = self.src
        try:
            with _stream(src.path, src.gz) as raw:
                text = io.TextIOWrapper(raw, encoding=src.dialect.encoding, errors="replace",
                                        newline="")
                for _ in range(src.skiprows):
                    text.readline()
                reader = csv.reader(text, delimiter=src.dialect.sep,
                                    quotechar=src.dialect.quotechar)
                next(reader, None)  # the header
                dline, row, good = src.skiprows + 1, 0, 0
                previous = reader.line_num
                for record in reader:
                    start = src.skiprows + previous + 1
                    previous = reader.line_num
                    dline += 1
                    if not record:
                        continue
                    row += 1
                    if dline in reject_lines:
                        found_rejects[dline] = (row, start)
                    else:
                        good += 1
                        if good in wanted:
                            found_good[good] = start
        except (csv.Error, OSError, EOFError, zlib.error):
            pass  # rows and lines found so far; the others fall back to arithmetic
        self._scan = {"reject": found_rejects, "good": found_good, "wanted": wanted}
        return self._scan
