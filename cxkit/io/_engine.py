"""The engine of the loaders: one private DuckDB database per load.

Every load opens a :class:`Session`: an in-process DuckDB database that keeps the order in
which rows were read (``preserve_insertion_order``), counts time in UTC, may use at most
:data:`MEMORY_LIMIT` and spills beyond that to a private temporary folder, which also holds
any other temporary file of the load (a file transcoded to UTF-8, a Parquet file being
written). Closing the session — also after an error or Ctrl-C — removes that folder.

DuckDB reports a Ctrl-C as ``RuntimeError("Query interrupted")`` or ``InterruptException``;
the session turns both back into :class:`KeyboardInterrupt`. Any other engine error is an
:class:`EngineError`, which the loaders turn into a :class:`cxkit.DataError` naming the file.
The database installs and loads no extension on its own, and its folder is removed also at
exit and on SIGTERM (:mod:`cxkit._engines`).
"""

from __future__ import annotations

import itertools
import threading
from contextlib import suppress
from pathlib import Path

from .. import _engines

#: Memory DuckDB may use before it spills to the session's temporary folder.
MEMORY_LIMIT = "1GB"
_NAMES = itertools.count()


class EngineError(Exception):
    """DuckDB could not run a query (a damaged file, most often); ``str()`` is its message."""


interrupted = _engines.interrupted  # whether an error is DuckDB's report of a Ctrl-C


def lit(value) -> str:
    """``value`` as a SQL literal (text quoted, numbers as they are, ``None`` as NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def ident(name) -> str:
    """A column or table name quoted for SQL."""
    return '"' + str(name).replace('"', '""') + '"'


def text_list(values) -> str:
    """A SQL list literal of text values, ``['a', 'b']``."""
    return "[" + ", ".join(lit(str(v)) for v in values) + "]"


class Session:
    """A private DuckDB database for one load (use as a context manager)."""

    def __init__(self, *, memory_limit: str = MEMORY_LIMIT):
        import duckdb

        self.folder = _engines.private_folder("load")
        try:
            self.con = duckdb.connect(config={
                **_engines.DUCKDB_CONFIG,
                "memory_limit": memory_limit,
                "temp_directory": str(self.folder / "spill"),
                "preserve_insertion_order": True,
                # text as Arrow large_string, which pandas' str columns hold (no copy)
                "arrow_large_buffer_size": True,
            })
            _engines.watch(self.folder, self.con)
            self.con.execute("SET TimeZone = 'UTC'")
            # DuckDB turns a long IN list (``x IN ('NULL', 'N/A', ...)``) into a hash join,
            # which does not keep the rows' order when the file is read in parallel: on a
            # 10 M-event file every row came out elsewhere, and the row numbers with it
            self.con.execute("SET disabled_optimizers = 'in_clause'")
            # library code prints nothing (in Jupyter without ipywidgets DuckDB refuses to
            # change the setting, and draws no bar there either)
            with suppress(Exception):
                self.con.execute("SET enable_progress_bar = false")
        except BaseException:
            _engines.release(self.folder)
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        with suppress(Exception):
            self.con.close()
        _engines.release(self.folder)

    def name(self, stem: str = "t") -> str:
        """A fresh table name for this session."""
        return f"_cx_{stem}_{next(_NAMES)}"

    def path(self, name: str) -> Path:
        """A path for a temporary file inside the session's private folder."""
        return self.folder / name

    def run(self, query: str, params: dict | None = None, *, fetch: str | None = "rows"):
        """Run ``query`` (with named ``params``, ``$name`` in the query); ``fetch``:
        ``"arrow"`` (a pyarrow Table), ``"numpy"`` (a dict of numpy arrays), ``"rows"``
        (tuples), ``"one"`` (the first row) or ``None`` (nothing, e.g. CREATE)."""
        if params:  # only the parameters the query uses (DuckDB refuses others)
            params = {k: v for k, v in params.items() if f"${k}" in query}
        try:
            return _fetched(self.con, query, params, fetch)
        except KeyboardInterrupt:
            raise
        except Exception as err:  # DuckDB's own exception types, and pyarrow's
            if interrupted(err):
                raise _engines.as_interrupt() from None
            raise EngineError(_first_line(err)) from None

    def register(self, name: str, table) -> None:
        """Make a pyarrow Table queryable as ``name`` (no copy)."""
        self.con.register(name, table)

    def types(self, query: str) -> dict[str, str]:
        """The column names and DuckDB types of ``query``'s result (nothing is read)."""
        try:
            rel = self.con.sql(f"SELECT * FROM ({query}) LIMIT 0")
            return {name: str(kind) for name, kind in zip(rel.columns, rel.types, strict=True)}
        except KeyboardInterrupt:
            raise
        except Exception as err:
            if interrupted(err):
                raise _engines.as_interrupt() from None
            raise EngineError(_first_line(err)) from None


def _fetched(con, query: str, params: dict | None, fetch: str | None):
    """Run ``query`` on the DuckDB connection ``con`` and fetch as :meth:`Session.run` says."""
    if fetch == "arrow":  # a relation, not a DB-API result: no extra copy
        return con.sql(query, params=params or None).to_arrow_table()
    result = con.execute(query, params or None)
    if fetch == "numpy":
        return result.fetchnumpy()
    if fetch is None:
        return None
    rows = result.fetchall()
    return rows[0] if fetch == "one" else rows


def _first_line(err: BaseException) -> str:
    """The engine's message without its advice to change reader options (which would be the
    wrong advice to a user of the loaders)."""
    text = str(err).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    keep = []
    for line in lines:
        if line.startswith(("Possible fixes", "  file =", "* ")) or " = " in line[:40]:
            break
        keep.append(line.strip())
    message = " ".join(keep) or (lines[0] if lines else type(err).__name__)
    for prefix in ("IO Error: ", "Invalid Input Error: ", "Conversion Error: "):
        message = message.replace(prefix, "")
    return message


class Background:
    """A query run on a second connection of the session's database, in a thread, while the
    caller goes on (DuckDB, Arrow and numpy's sort release the GIL). ``query`` names the
    Arrow ``table`` it reads as ``{rows}``, or is a function ``query(engine, name)`` of the
    table's name that runs its own queries with ``engine.run(sql, fetch=...)`` (``fetch`` as
    in :meth:`Session.run`) and ``engine.register(name, table)``, this object's, on the
    second connection; :meth:`result` waits for the rows."""

    def __init__(self, session: Session, table, query):
        self.cursor = session.con.cursor()
        name = session.name("rows")
        if table is not None:  # None: the query reads the session's tables
            self.cursor.register(name, table)
        self.name = name
        self.query = query.replace("{rows}", name) if isinstance(query, str) else query
        self.rows, self.error = None, None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def run(self, sql: str, *, fetch: str | None = "rows"):
        """Run ``sql`` on the second connection (from the thread); ``fetch`` as in
        :meth:`Session.run`."""
        return _fetched(self.cursor, sql, None, fetch)

    def register(self, name: str, table) -> None:
        self.cursor.register(name, table)

    def _run(self) -> None:
        try:
            if isinstance(self.query, str):
                self.rows = self.cursor.execute(self.query).fetchall()
            else:
                self.rows = self.query(self, self.name)
        except BaseException as err:  # noqa: BLE001 - handed to the caller by result()
            self.error = err

    def cancel(self) -> None:
        """Stop the query (the caller failed meanwhile)."""
        with suppress(Exception):
            self.cursor.interrupt()
        self.thread.join()
        with suppress(Exception):
            self.cursor.close()

    def result(self) -> list:
        try:
            while self.thread.is_alive():
                self.thread.join(0.05)
        except KeyboardInterrupt:
            self.cursor.interrupt()
            self.thread.join()
            raise
        finally:
            if not self.thread.is_alive():
                with suppress(Exception):
                    self.cursor.close()
        if self.error is not None:
            if interrupted(self.error):
                raise _engines.as_interrupt() from None
            raise EngineError(_first_line(self.error)) from None
        return self.rows
