"""One load, from the files to the checked stage: what both loaders share.

A :class:`Load` opens a private DuckDB session, reads every part of the source
(:mod:`._sources`), maps the user's column names onto the kit's, and builds the *stage* in one
parallel pass per file: a row per record the engine read, its part (``__cx_file``), its place
in the part (``__cx_ord``), its sheet row (Excel), every checked column converted
(:mod:`._convert`, :mod:`.times`) and, for each row, the order of its first problem
(``__cx_bad``) and the text it quotes (``__cx_raw``). The stage is an Arrow table (the
returned columns are taken from it without a copy) or, for ``to=``, a DuckDB table
that spills to the session's private folder.

Problems are then one query away (``__cx_bad``), with small queries for the rest (mixed time
zones, daylight-saving gaps, duplicates) and DuckDB's rejects table (records it could not
read). Under ``on_error="raise"`` the first check that finds anything raises one
:class:`DataError` naming the file, the column and every row with that problem; under
``"set_aside"`` each row with a problem is listed once (with its first problem) in the report
and dropped from the stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check, _privacy
from .._check import DataError
from .._report import LoadReport, empty_set_aside
from . import _csv
from ._engine import EngineError, Session, ident
from ._sources import LINE, Part, open_part, parts_of, source_label

FIELDS = 0  # the order of the field-count check: before every other


@dataclass(frozen=True)
class Check:
    """A problem the loader looks for: where it is in the order of checks, its column, the
    reason of a row set aside (from the offending text) and the DataError's problem and
    expectation (from up to a few offending texts)."""

    order: int
    column: object
    reason: Callable[[object], str]
    problem: Callable[[list], tuple[str, str]]


@dataclass(frozen=True)
class Codes:
    """Where the stage finds a column's row problems: ``expr`` (SQL) gives the order of the
    row's problem in that column (None when fine) and ``raw`` its text."""

    expr: str
    raw: str


class Load:
    """A load in progress (use as a context manager: the session closes on exit)."""

    def __init__(self, source, *, kind: str, on_error: str = "raise", tz: str = "UTC",
                 time_format=None, dialect: _csv.Dialect | None = None, sheet=0,
                 skiprows: int | None = None, name: str | None = None,
                 memory_limit: str | None = None):
        _check.one_of(on_error, ("raise", "set_aside"), "on_error")
        skiprows = _check.skipped_lines(skiprows)
        self.parts: list[Part] = parts_of(source)
        if name is not None:
            for part in self.parts:
                part.name = name
        self.label = name if name is not None else source_label(source)
        self.kind, self.on_error, self.tz, self.time_format = kind, on_error, tz, time_format
        self.dialect = dialect or _csv.Dialect()
        self.sheet, self.skiprows = sheet, skiprows
        self.report = LoadReport(source=self.label, kind=kind)
        self.memory_limit = memory_limit
        self.session: Session | None = None
        self.has_lines = False
        self.stage = ""
        self.table = None  # the stage as a pyarrow Table (in memory), or None (a DuckDB table)
        self.names: dict[str, str] = {}
        self.checks: dict[int, Check] = {}
        self.found: list[tuple] = []     # (order, part, ord, row, line, raw)
        self.set_aside = empty_set_aside()
        self.personal: set[str] = set()  # columns whose values are never quoted (masked)
        # columns of a table stage computed when it is read (name -> SQL over the stored
        # columns): what the table need not hold, e.g. a label known from a code
        self.view_columns: dict[str, str] = {}

    def __enter__(self):
        self.session = Session(**({"memory_limit": self.memory_limit}
                                  if self.memory_limit else {}))
        return self

    def __exit__(self, *exc):
        self.session.close()
        return False

    # ----------------------------------------------------------------------------------------
    # reading and naming
    # ----------------------------------------------------------------------------------------
    def open(self, *, expected=(), id_column: str | None = None) -> None:
        for part in self.parts:
            with _engine_errors(part):
                open_part(self.session, part, self.dialect, sheet=self.sheet,
                          skiprows=self.skiprows, expected=expected, id_column=id_column)

    def rename(self, columns, *, canonical=None, required=()) -> list[dict[str, str]]:
        """Per part, ``{name: the part's column}`` with ``columns=`` applied (the kit's name
        → the user's); the mapped columns, the required ones and the same columns in every
        part are checked."""
        mapping = dict(columns or {})
        if canonical is not None:
            unknown = [k for k in mapping if k not in canonical]
            if unknown:
                raise ValueError(f"columns= maps unknown canonical name(s) {unknown}; "
                                 "canonical names are " + ", ".join(canonical))
        self.names = {c: user for c, user in mapping.items() if c != user}
        out, first = [], None
        for part in self.parts:
            available = part.columns
            absent = [user for user in mapping.values() if user not in available]
            if absent:
                raise DataError("mapped column(s) not in the data", file=part.name,
                                column=absent, expected="columns named in columns= to exist; "
                                "available: " + ", ".join(available))
            clash = [c for c, user in mapping.items() if c != user and c in available]
            if clash:
                raise DataError("the data already have column(s) with the name(s) you mapped "
                                "another column onto", file=part.name, column=clash,
                                expected="rename or drop one of the two columns")
            back = {user: c for c, user in mapping.items()}
            named = {back.get(col, col): col for col in available}
            missing = [c for c in required if c not in named]
            if missing:
                hint = ", ".join(f'"{c}": "<your column>"' for c in missing)
                raise DataError("required column(s) missing", file=part.name, column=missing,
                                expected=f"columns {', '.join(required)}; available: "
                                f"{', '.join(available)}; map yours with columns={{{hint}}}")
            if first is not None and set(named) != set(first[1]):
                raise DataError("the files do not have the same columns", file=part.name,
                                expected=f"the columns of {first[0]}: "
                                + ", ".join(first[1]))
            first = first or (part.name, list(named))
            out.append(named)
        return out

    # ----------------------------------------------------------------------------------------
    # the stage
    # ----------------------------------------------------------------------------------------
    @property
    def _line(self) -> str:
        return "__cx_line" if self.has_lines else "NULL"

    def release(self) -> None:
        """Let go of the in-memory stage (its columns that the output does not share are
        freed as soon as the output no longer needs them)."""
        if self.table is not None:
            self.session.con.unregister(self.stage)
            self.table = None

    @property
    def kept(self) -> str:
        """The stage's rows not set aside, as a relation (``FROM {load.kept} WHERE ...``)."""
        if self.table is not None:
            return self.stage
        return f"(SELECT * FROM {self.stage} WHERE __cx_drop IS NULL) AS kept"

    def spaced(self, step: int, limit: int) -> str:
        """The kept rows of a table stage at ``__cx_ord`` 1, 1 + ``step``, ... of each part
        (at most ``limit``), as a relation: chosen on the table's own columns, before the
        view's computed columns are made."""
        return (f"(SELECT {self._view_columns()} FROM (SELECT *, rowid FROM {self.table_name} "
                f"WHERE __cx_drop IS NULL AND (rowid - {self._first()}) % {step} = 0 "
                f"LIMIT {limit})) AS spaced")

    def _first(self) -> str:
        """The ``rowid`` of the first row of the row's part in a table stage, in SQL (0 for a
        single part: a lookup by part costs 0.09 s for every 10 M rows it is made on)."""
        if len(self.starts) == 1:
            return "0"
        return "[" + ", ".join(map(str, self.starts)) + "][__cx_file + 1]"

    def _view_columns(self) -> str:
        """The columns of a table stage as its view shows them: the table's, the computed
        ones (:attr:`view_columns`) and ``__cx_ord``."""
        computed = "".join(f"{sql} AS {ident(name)}, " for name, sql in self.view_columns.items())
        return f"*, {computed}CAST(rowid + 1 - {self._first()} AS UINTEGER) AS __cx_ord"

    def build(self, select: Callable[[int, Part], tuple[list, list[str]]], checks=(),
              codes=(), *, in_memory: bool = True,
              post: Callable[[str], str] | None = None) -> str:
        """Create the stage. ``select(i, part)`` gives the part's converted columns (a list
        of :class:`Conv`, over ``__r{j}``, the part's j-th column) and its other columns
        (``[(sql, name)]``); ``post(query)`` may wrap the query of each part with columns
        computed from those. The row problems (``codes``, in the order of their checks) are
        found while the stage is written: ``__cx_bad`` holds the order of a row's first
        problem (the :class:`Check` of that order says what it is) and ``__cx_raw`` its text.

        In memory the stage is an Arrow table (the columns the loader returns are taken from
        it without a copy); with ``in_memory=False`` a table of the session's private DuckDB
        database, which spills to disk beyond the session's memory limit.
        """
        self.stage = self.session.name("stage")
        self.has_lines = any(p.kind == "xlsx" for p in self.parts)
        width = len(self.parts[0].columns)
        self.checks[FIELDS] = Check(FIELDS, None, lambda raw: raw, _fields_problem)
        for check in checks:
            self.checks[check.order] = check
        codes = [Codes(f"CASE WHEN __cx_fields IS NOT NULL THEN {FIELDS} END",
                       f"'wrong number of fields: ' || __cx_fields || ' (the header has "
                       f"{width})'"), *codes]
        bad = "coalesce(" + ", ".join(c.expr for c in codes) + ")"
        text = ("CASE WHEN __cx_bad IS NOT NULL THEN CASE " + " ".join(
            f"WHEN ({c.expr}) IS NOT NULL THEN CAST({c.raw} AS VARCHAR)" for c in codes)
            + " END END")
        tables = []
        for i, part in enumerate(self.parts):
            convs, others = select(i, part)
            line = LINE if part.kind == "xlsx" else "CAST(NULL AS BIGINT)"
            fields = "__cx_fields" if part.kind == "csv" else "CAST(NULL AS INTEGER)"
            raw = ", ".join(f"{ident(c)} AS __r{j}" for j, c in enumerate(part.columns))
            query = (f"SELECT CAST({i} AS USMALLINT) AS __cx_file, {line} AS __cx_line, "
                     f"{fields} AS __cx_fields" + (f", {raw}" if raw else "")
                     + f" FROM {part.relation}")
            depth = max((len(c.layers) for c in convs), default=0)
            for level in range(depth):
                exprs = [f"{sql} AS {name}" for c in convs if level < len(c.layers)
                         for name, sql in c.layers[level].items()]
                if exprs:
                    query = f"SELECT *, {', '.join(exprs)} FROM ({query})"
            query = f"SELECT *, CAST({bad} AS SMALLINT) AS __cx_bad FROM ({query})"
            query = f"SELECT *, {text} AS __cx_raw FROM ({query})"
            keep = [name for c in convs for name in c.keep]
            lines = ["__cx_line"] if self.has_lines else []
            final = ", ".join(["__cx_file", *lines, "__cx_bad", "__cx_raw",
                               *keep, *(f"{sql} AS {ident(name)}" for sql, name in others)])
            query = f"SELECT {final} FROM ({query})"
            if post is not None:
                query = post(query)
            if not in_memory:
                query = f"SELECT *, CAST(NULL AS BOOLEAN) AS __cx_drop FROM ({query})"
            with _engine_errors(part):
                try:
                    tables.append(self._insert(i, query, in_memory))
                except EngineError as err:
                    if part.csv is None or not _csv.needs_serial(err):
                        raise
                    serial = _csv.relation(self.session, part.csv, parallel=False)
                    tables[i:] = [self._insert(i, query.replace(part.relation, serial),
                                               in_memory)]
                    part.relation = serial
        if in_memory:
            counts = {i: t.num_rows for i, t in enumerate(tables)}
            self._register(self._concat([_numbered(t) for t in tables]))
        else:
            counts = dict(self.session.run(f"SELECT __cx_file, count(*) FROM {self.stage} "
                                           "GROUP BY __cx_file"))
            self._numbered_view(counts)
        for i, part in enumerate(self.parts):
            part.n_read = int(counts.get(i, 0))
            if part.csv is not None:
                _csv.collect_rejects(self.session, part.csv)
                part.rowmap = _csv.RowMap(part.csv, part.n_read)
        self.report.rows_read = sum(p.n_read + len(p.csv.rejects if p.csv else ())
                                    for p in self.parts)
        if self.report.rows_read == 0:
            raise DataError("the table has a header but no data rows", file=self.parts[0].name,
                            expected="at least one row")
        self._rejects()
        return self.stage

    def _numbered_view(self, counts: dict) -> None:
        """The table stage as a view with ``__cx_ord``: a row's place in its part, from the
        table's ``rowid`` (the order in which the rows were read)."""
        starts, total = [], 0
        for i in range(len(self.parts)):
            starts.append(total)
            total += int(counts.get(i, 0))
        self.table_name, self.starts = self.stage, starts
        self.stage = self.session.name("numbered")
        self.session.run(f"CREATE VIEW {self.stage} AS SELECT {self._view_columns()} FROM "
                         f"{self.table_name}", fetch=None)

    def _insert(self, i: int, query: str, in_memory: bool):
        if in_memory:
            return self.session.run(query, fetch="arrow")
        if i == 0:
            # beyond the session's memory limit, DuckDB spills the table to the session's
            # private folder: a stage larger than memory costs disk, not memory. Not a TEMP
            # table: the session's database is private anyway, and a second connection
            # looks for duplicates in it while the first writes the file
            self.session.run(f"CREATE TABLE {self.stage} AS {query}", fetch=None)
            return
        try:
            self.session.run(f"INSERT INTO {self.stage} BY NAME {query}", fetch=None)
        except EngineError as err:
            if "onversion" not in str(err) and "cast" not in str(err).lower():
                raise
            raise DataError(f"its columns do not have the types of the first file's ({err})",
                            file=self.parts[i].name,
                            expected="files with the same columns and types") from None
        return None

    def _concat(self, tables):
        import pyarrow as pa

        if len(tables) == 1:
            return tables[0]
        try:
            return pa.concat_tables(tables, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as err:
            first = tables[0].schema
            for i, table in enumerate(tables[1:], start=1):
                if not table.schema.equals(first):
                    raise DataError(f"its columns do not have the types of the first file's "
                                    f"({err})", file=self.parts[i].name,
                                    expected="files with the same columns and types") from None
            raise

    def _register(self, table) -> None:
        """Make ``table`` the stage (a new name: DuckDB may have planned with the old one)."""
        self.table = table
        self.stage = self.session.name("stage")
        self.session.register(self.stage, table)

    def replace_column(self, name: str, values) -> None:
        """Replace a column of the in-memory stage (the timestamps once in UTC)."""
        i = self.table.column_names.index(name)
        self._register(self.table.set_column(i, name, values))

    def _rejects(self) -> None:
        """The rows with a problem: every row check (one query) and the records DuckDB could
        not read (its rejects table)."""
        self.found += [(o, f, d, None, line, r) for o, f, d, line, r in self.session.run(
            f"SELECT __cx_bad, __cx_file, __cx_ord, {self._line}, __cx_raw FROM {self.kept} "
            "WHERE __cx_bad IS NOT NULL")]
        for i, part in enumerate(self.parts):
            if part.csv is None or not part.csv.rejects:
                continue
            rows = part.rowmap.reject_rows()
            if any(r.kind == "INVALID ENCODING" for r in part.csv.rejects):
                bad = [row for row, r in zip(rows, part.csv.rejects, strict=True)
                       if r.kind == "INVALID ENCODING"]
                _csv.raise_encoding_error(part.csv, bad)
            lines = part.rowmap.reject_lines() if self.on_error == "set_aside" else \
                [None] * len(rows)
            width = len(part.columns)
            for reject, row, line in zip(part.csv.rejects, rows, lines, strict=True):
                self.found.append((FIELDS, i, None, row, line,
                                   _csv.reject_reason(reject, width)))

    # ----------------------------------------------------------------------------------------
    # checks
    # ----------------------------------------------------------------------------------------
    def add_found(self, check: Check, rows) -> None:
        """Problems found by a query of their own: ``rows`` of ``(part, ord, raw)``."""
        self.checks[check.order] = check
        self.found += [(check.order, f, o, None, None, raw) for f, o, raw in rows]

    def resolve(self, *, before: int | None = None) -> None:
        """Under ``"raise"``, raise the first problem found (of an order below ``before``);
        under ``"set_aside"`` (with ``before=None``), list every row with a problem and drop
        it from the stage."""
        found = [f for f in self.found if before is None or f[0] < before]
        if not found:
            return
        if self.on_error == "raise":
            self._raise(found)
        if before is not None:
            return
        self._set_aside(found)

    def _raise(self, found) -> None:
        first = min(f[0] for f in found)
        mine = [f for f in found if f[0] == first]
        part_index = min(f[1] for f in mine)
        mine = [f for f in mine if f[1] == part_index]
        part = self.parts[part_index]
        rows = self._rows(part, mine)
        ordered = sorted(zip(rows, mine, strict=True), key=lambda t: t[0])
        check = self.checks[first]
        examples = list(dict.fromkeys(self.quoted(check.column, f[5]) for _, f in ordered
                                      if f[5] is not None))
        problem, expected = check.problem(examples)
        raise DataError(problem, file=part.name, column=check.column,
                        rows=sorted(set(rows)), expected=expected, names=self.names)

    def quoted(self, column, raw):
        """``raw``, a cell of ``column``, as an error or the report may quote it: masked
        when it looks personal or the column is (by its name, or pseudonymised)."""
        if raw is None or column is None or not isinstance(column, str):
            return _privacy.shown(raw) if raw is not None else raw
        user = self.names.get(column, column)
        personal = column in self.personal or _privacy.kind_by_name(user) is not None
        return _privacy.shown(raw, personal=personal,
                              names=column not in ("touchpoint", "channel"))

    def _rows(self, part: Part, found) -> list[int]:
        ords = np.array([f[2] if f[2] is not None else 0 for f in found], dtype=np.int64)
        if part.rowmap is not None:
            mapped = part.rowmap.rows(ords)
        else:
            mapped = ords
        return [int(f[3]) if f[3] is not None else int(r) for f, r in
                zip(found, mapped, strict=True)]

    def _lines(self, part: Part, found) -> list:
        if part.rowmap is not None:
            ords = [f[2] for f in found if f[2] is not None]
            lines = iter(part.rowmap.lines(ords).tolist())
            return [f[4] if f[2] is None else next(lines) for f in found]
        if part.kind == "xlsx":
            return [f[4] for f in found]
        return [None] * len(found)

    def _set_aside(self, found) -> None:
        records, drops = [], []
        by_part: dict[int, list] = {}
        for f in found:
            by_part.setdefault(f[1], []).append(f)
        for i in sorted(by_part):
            part, items = self.parts[i], by_part[i]
            rows, lines = self._rows(part, items), self._lines(part, items)
            first: dict[int, tuple] = {}
            for f, row, line in zip(items, rows, lines, strict=True):
                if row not in first or f[0] < first[row][0][0]:
                    first[row] = (f, line)
            for row in sorted(first):
                f, line = first[row]
                check = self.checks[f[0]]
                records.append((part.name, row, line,
                                check.reason(self.quoted(check.column, f[5]))))
                if f[2] is not None:
                    drops.append((i, f[2]))
        self.drop(drops)
        self.set_aside = _aside_frame(records, self.set_aside)
        self.found = [f for f in self.found if f not in found]

    def drop(self, keys) -> None:
        """Take rows ``(part, ord)`` out of the stage (or mark them, in a DuckDB table)."""
        if not keys:
            return
        import pyarrow as pa

        if self.table is not None:
            files = self.table.column("__cx_file").to_numpy()
            ords = self.table.column("__cx_ord").to_numpy()
            wide = files.astype(np.int64) * (1 << 40) + ords.astype(np.int64)
            gone = np.array([f * (1 << 40) + o for f, o in keys], dtype=np.int64)
            self._register(self.table.filter(pa.array(~np.isin(wide, gone))))
            return

        rowids = pa.table({"r": pa.array([self.starts[f] + o - 1 for f, o in keys],
                                         pa.int64())})
        name = self.session.name("drop")
        self.session.register(name, rowids)
        self.session.run(f"UPDATE {self.table_name} SET __cx_drop = true WHERE rowid IN "
                         f"(SELECT r FROM {name})", fetch=None)

    def add_set_aside(self, keys_reasons) -> None:
        """Rows ``(part, ord, reason)`` removed after the checks (exact duplicates)."""
        records = []
        by_part: dict[int, list] = {}
        for k in keys_reasons:
            by_part.setdefault(k[0], []).append(k)
        for i, items in sorted(by_part.items()):
            part = self.parts[i]
            found = [(None, i, o, None, None, None) for _, o, _ in items]
            rows, lines = self._rows(part, found), self._lines(part, found)
            records += [(part.name, r, line, why) for r, line, (_, _, why) in
                        zip(rows, lines, items, strict=True)]
        self.drop([(f, o) for f, o, _ in keys_reasons])
        self.set_aside = _aside_frame(records, self.set_aside)

    def first_rows(self, where: str, k: int = 10) -> tuple[int, list]:
        """How many kept rows match ``where``, and the first ``k`` of them ``(part, ord)``."""
        n = self.session.run(f"SELECT count(*) FILTER ({where}) FROM {self.kept}",
                             fetch="one")[0]
        if not n:
            return 0, []
        keys = self.session.run(f"SELECT __cx_file, __cx_ord FROM {self.kept} WHERE {where} "
                                f"ORDER BY __cx_file, __cx_ord LIMIT {k}")
        return int(n), [(int(f), int(o)) for f, o in keys]

    def rows_of(self, keys) -> list[int]:
        """Data rows of stage rows ``(part, ord)``."""
        out = []
        for f, o in keys:
            out += self._rows(self.parts[f], [(None, f, o, None, None, None)])
        return out

    def finish(self, rows_kept: int) -> LoadReport:
        report = self.report
        report.rows_kept = int(rows_kept)
        report.set_aside = self.set_aside
        if report.rows_read != report.rows_kept + len(report.set_aside):
            raise AssertionError(f"cxkit: {report.rows_read} rows read, {report.rows_kept} "
                                 f"kept and {len(report.set_aside)} set aside")
        return report

def _fields_problem(examples) -> tuple[str, str]:
    found = sorted({int(e.split(":")[1].split("(")[0]) for e in examples
                    if e.startswith("wrong number")})
    widths = {e.split("header has ")[1].rstrip(")") for e in examples if "header has" in e}
    if found:
        return (f"wrong number of fields: {', '.join(map(str, found))} (the header has "
                f"{', '.join(sorted(widths))})",
                "every row with as many fields as the header (is a separator inside an "
                "unquoted value, or a line cut short?)")
    return (examples[0] if examples else "unreadable record",
            "quotes closed at the end of a quoted field")


def _numbered(table):
    """A part's rows with ``__cx_ord``, their place in the part (DuckDB returns them in the
    order it read them)."""
    import pyarrow as pa

    return table.append_column("__cx_ord", pa.array(np.arange(1, table.num_rows + 1,
                                                              dtype=np.uint32)))


def _aside_frame(records, before: pd.DataFrame) -> pd.DataFrame:
    if not records:
        return before
    new = pd.DataFrame({
        "file": pd.Series([r[0] for r in records], dtype="str"),
        "row": pd.Series([r[1] for r in records], dtype="int64"),
        "line": pd.array([r[2] for r in records], dtype="Int64"),
        "reason": pd.Series([r[3] for r in records], dtype="str"),
    })
    return new if before.empty else pd.concat([before, new], ignore_index=True)


class _engine_errors:
    """Turn an engine error while reading ``part`` into a DataError naming its file."""

    def __init__(self, part: Part):
        self.part = part

    def __enter__(self):
        return self

    def __exit__(self, kind, err, traceback):
        if isinstance(err, EngineError):
            suffix = {"csv": ".csv.gz" if self.part.name.lower().endswith(".gz") else ".csv",
                      "parquet": ".parquet", "xlsx": ".xlsx"}.get(self.part.kind, "table")
            raise DataError(f"cannot read the file as {suffix}: {err}", file=self.part.name,
                            expected=f"a valid {suffix} file") from None
        if isinstance(err, DataError) and err.file is None:
            raise DataError(err.problem, file=self.part.name, column=err.column,
                            rows=err.rows, expected=err.expected).with_traceback(traceback) \
                from None
        return False


# --------------------------------------------------------------------------------------------
# ids, in both loaders
# --------------------------------------------------------------------------------------------
def _id_kinds(load: Load, column: str) -> list[str]:
    user = load.names.get(column, column)
    return [p.types[user] for p in load.parts]


def refuse_float_ids(load: Load, column: str) -> None:
    """Refuse ids stored as floats that cannot hold every digit (``1e20`` and ``2e20`` are
    one number in int64): a problem of the column, whatever ``on_error``."""
    from . import _convert

    if not any(_convert.is_float(k) or _convert.is_decimal(k) for k in _id_kinds(load, column)):
        return
    rows = _convert.float_id_check(load.session, load.stage, column)
    if rows:
        i = rows[0][0]
        mine = [r for r in rows if r[0] == i]
        shown = ", ".join(f"{v:g}" for v in list(dict.fromkeys(r[2] for r in mine))[:3])
        raise DataError(f"ids stored as floating-point numbers too large to hold every digit "
                        f"({shown}): different ids may have become the same number",
                        file=load.parts[i].name, column=column,
                        rows=load.rows_of([(f, o) for f, o, _ in mine]), names=load.names,
                        expected="ids stored as text (export the id column as text)")


def id_checks(column: str, base: int) -> tuple[list[Check], Codes]:
    """The row checks of an id column (the stage's ``{column}__bad``)."""
    return ([Check(base + code, column, _id_reason(code, column), _id_problem(code))
             for code in (1, 2, 3, 4)], Codes(f"{column}__bad + {base}", f"{column}__raw"))


def _id_reason(code: int, column: str):
    def reason(raw):
        return {1: f"empty or placeholder id {raw!r}", 2: "formula in an id",
                3: f"Excel error cell {raw!r} in {column}",
                4: f"id in scientific notation {raw!r} (digits lost in a spreadsheet?)"}[code]
    return reason


def _id_problem(code: int):
    def problem(examples):
        shown = ", ".join(repr(e) for e in examples[:5])
        return {
            1: (f"empty or placeholder id(s): {shown}", "an id in every row (NULL, N/A, -, "
                "undefined, nan and the like are not ids)"),
            2: ("formula in an id (a spreadsheet formula, not its value)", "ids as plain text"),
            3: (f"Excel error cell(s) {shown}", "ids"),
            4: (f"id(s) in scientific notation {shown}: a spreadsheet has dropped digits",
                "ids as text, every digit"),
        }[code]
    return problem


def id_notes(load: Load, column: str) -> None:
    """The report's notes on ids: spaces around them, whole numbers stored as floats."""
    from . import _convert

    kinds = _id_kinds(load, column)
    if any(_convert.is_text(k) for k in kinds):
        n, keys = load.first_rows(f"{column}__spaced")
        if n:
            rows = load.rows_of(keys)
            load.report.notes.append(
                f"{n} {column} value(s) with spaces around them, kept as they are (so ' c1' "
                "and 'c1' are different ids): rows " + ", ".join(map(str, rows)))
    if any(_convert.is_float(k) for k in kinds):
        first = load.session.run(f"SELECT {column}__float FROM {load.kept} WHERE "
                                 f"{column}__float IS NOT NULL LIMIT 1")
        if first:
            example = load.quoted(column, first[0][0])
            load.report.notes.append(f"{column} stored as decimals (e.g. {example!r}); "
                                     "read as whole-number ids")
