"""Where journey queries run: one Ibis expression, executed by DuckDB (default) or Spark.

:mod:`cxkit.journeys` writes every query once, as an Ibis expression; this module turns what
the user passed (a DataFrame, a path or glob of Parquet/CSV files, or an Ibis table) into an
Ibis table on an engine, and brings small results back as pandas DataFrames.

Engines (the ``engine=`` argument of every journey function):

- ``None`` or ``"duckdb"``: a new in-process DuckDB database for the call (the default). It
  reads Parquet and CSV files where they are, streams them and spills to disk when a query
  needs more memory than it has, so logs larger than memory work.
- a ``pyspark.sql.SparkSession``: the same query runs on Spark (local or a cluster).
- any Ibis backend (``ibis.duckdb.connect("warehouse.db")``, ``ibis.pyspark.connect(spark)``,
  a Postgres, Snowflake or BigQuery connection …): the query runs there.

The default DuckDB database installs and loads no extension on its own and refuses remote
paths (``https://``, ``s3://`` …; an engine of the caller's own may read them); its spill
folder is removed also at exit and on SIGTERM, and a Ctrl-C in any query is a
:class:`KeyboardInterrupt` (:mod:`cxkit._engines`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd

from .. import _engines
from .._check import DataError

_NAMES = itertools.count()
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv")


def is_spark_session(obj) -> bool:
    return type(obj).__name__ == "SparkSession" and hasattr(obj, "createDataFrame")


#: Memory DuckDB may use before it spills to disk (its own default is 80% of the machine's).
DUCKDB_MEMORY_LIMIT = "512MB"


def connect(engine=None):
    """The Ibis backend for ``engine`` (see the module docstring).

    The default DuckDB database lives in memory, uses every core, holds at most
    :data:`DUCKDB_MEMORY_LIMIT` and spills beyond that to a private temporary folder (not
    DuckDB's default ``.tmp`` in the current folder). Pass ``ibis.duckdb.connect(...)`` with
    other settings as ``engine`` to change them.
    """
    import ibis
    from ibis.backends import BaseBackend

    if engine is None or (isinstance(engine, str) and engine.lower() == "duckdb"):
        spill = _engines.private_folder("duckdb")
        try:
            con = ibis.duckdb.connect(memory_limit=DUCKDB_MEMORY_LIMIT, temp_directory=str(spill),
                                      preserve_insertion_order=False, **_engines.DUCKDB_CONFIG)
        except BaseException:
            _engines.release(spill)
            raise
        _engines.watch(spill, con.con)
        con._cxkit_spill = spill
        return con
    if is_spark_session(engine):
        # results come back through Arrow (a setting of the session that changes no answer)
        engine.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
        return ibis.pyspark.connect(engine)
    if isinstance(engine, BaseBackend):
        return engine
    raise TypeError("engine must be None or 'duckdb' (in-process DuckDB), a "
                    "pyspark.sql.SparkSession or an Ibis backend, not "
                    f"{type(engine).__name__}")


def _release(con) -> None:
    """Close a database that :func:`connect` made for one call, and remove its spill folder."""
    spill = getattr(con, "_cxkit_spill", None)
    if spill is None:
        return
    with suppress(Exception):
        con.disconnect()
    _engines.release(spill)


@contextmanager
def event_table(events, engine=None):
    """Yield ``events`` as an Ibis table on the engine; temporary views are dropped after."""
    import ibis

    name = f"cxkit_events_{os.getpid()}_{next(_NAMES)}"
    if isinstance(events, ibis.Table):
        con = _backend_of(events)
        if not _runs_on(engine, con):
            raise ValueError("an Ibis table runs on its own backend: leave engine=None, or "
                             "pass the table's backend")
        if con.name != "duckdb":
            yield events
            return
        # in-memory tables (ibis.memtable) reach the database only when a query runs
        with suppress(AttributeError):
            con._run_pre_execute_hooks(events)
    elif isinstance(events, pd.DataFrame) or _is_paths(events):
        paths = None if isinstance(events, pd.DataFrame) else _paths(events)
        if paths is not None and (engine is None or isinstance(engine, str)):
            for path in paths:  # the kit's own DuckDB reads local files only
                _engines.refuse_remote(path, what="a Parquet or CSV file")
        con = connect(engine)
    else:
        raise TypeError("events must be a pandas DataFrame, a path or glob of Parquet/CSV "
                        f"files (or a list of them) or an Ibis table, not "
                        f"{type(events).__name__}")
    try:
        with _engines.translated():  # Ctrl-C in any query of the block: KeyboardInterrupt
            if isinstance(events, ibis.Table):
                table = _duckdb_view(con, name, f"({con.compile(events)})")
            elif paths is None:
                table = _register_frame(con, name, events)
            else:
                table = _register_files(con, name, paths)
            yield table
    finally:
        _drop(con, name)
        _release(con)


def _is_paths(events) -> bool:
    return isinstance(events, (str, os.PathLike)) or (
        isinstance(events, (list, tuple)) and len(events) > 0
        and all(isinstance(p, (str, os.PathLike)) for p in events))


def fetch_arrow(table):
    """Run an Ibis expression and return a pyarrow Table (lists stay Arrow lists)."""
    with _engines.translated():
        return _backend_of(table).to_pyarrow(table)


def fetch(table) -> pd.DataFrame:
    """Run an Ibis expression and return a pandas DataFrame with UTC timestamps."""
    backend = _backend_of(table)
    with _engines.translated():
        if backend.name == "duckdb":
            # through Arrow: one copy, and no per-value Python objects for columns with nulls
            frame = backend.to_pyarrow(table).to_pandas(split_blocks=True, self_destruct=True)
        else:
            frame = backend.execute(table)
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            values = frame[col]
            values = values.dt.tz_localize("UTC") if values.dt.tz is None \
                else values.dt.tz_convert("UTC")
            frame[col] = values.astype("datetime64[ns, UTC]")
    return frame


# --------------------------------------------------------------------------------------------
def _backend_of(table):
    return table._find_backend(use_default=True)


def _runs_on(engine, backend) -> bool:
    """Whether ``engine`` (as passed by the user) names ``backend``."""
    if engine is None or engine is backend:
        return True
    if isinstance(engine, str):
        return engine.lower() == backend.name
    return is_spark_session(engine) and getattr(backend, "_session", None) is engine


def _paths(source) -> list[str]:
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    out = []
    for item in items:
        text = os.fspath(item)
        remote = "://" in text  # hdfs://, s3://, abfss:// …: for the engine to find
        if not remote and not any(ch in text for ch in "*?[") and not Path(text).exists():
            raise FileNotFoundError(f"{text}: no such file")
        out.append(text)
    return out


def _kind(paths: Iterable[str]) -> str:
    kinds = set()
    for p in paths:
        low = p.lower()
        folder = Path(p).is_dir() or ("://" in p and not low.endswith(CSV_SUFFIXES))
        if low.endswith(PARQUET_SUFFIXES) or folder:
            kinds.add("parquet")
        elif low.endswith(CSV_SUFFIXES):
            kinds.add("csv")
        else:
            raise DataError("unsupported file type", file=p,
                            expected="Parquet (" + ", ".join(PARQUET_SUFFIXES) + ") or CSV ("
                                     + ", ".join(CSV_SUFFIXES) + ") files")
    if len(kinds) > 1:
        raise DataError("a mix of Parquet and CSV files", file=", ".join(paths),
                        expected="files of one kind")
    return kinds.pop()


def _register_frame(con, name, frame: pd.DataFrame):
    if con.name == "duckdb":
        # DuckDB scans the DataFrame where it is (no copy into the database)
        con.con.register(f"{name}_frame", frame)
        return _duckdb_view(con, name, f'"{name}_frame"')
    if con.name == "pyspark":
        import pyarrow as pa

        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        con._session.createDataFrame(arrow).createOrReplaceTempView(name)
        return con.table(name)
    import ibis

    return con.create_table(name, ibis.memtable(frame), temp=True)


def _register_files(con, name, paths: list[str]):
    kind = _kind(paths)
    if con.name == "duckdb":
        # DuckDB reads a folder of Parquet files (a Spark or Hive output) through a glob
        paths = [str(Path(p) / "**" / "*.parquet") if Path(p).is_dir() else p for p in paths]
        listing = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
        reader = "read_parquet" if kind == "parquet" else "read_csv"
        return _duckdb_view(con, name, f"{reader}({listing}, union_by_name = true)")
    source = paths if len(paths) > 1 else paths[0]
    try:
        if kind == "parquet":
            return con.read_parquet(source, table_name=name)
        return con.read_csv(source, table_name=name)
    except Exception as err:
        if "TIMESTAMP(NANOS" in str(err):
            raise DataError(
                "Spark cannot read Parquet timestamps in nanoseconds (pandas writes them by "
                "default)", file=", ".join(paths), expected="microsecond timestamps: write "
                "with df.to_parquet(path, coerce_timestamps='us', "
                "allow_truncated_timestamps=True)") from err
        raise


def _duckdb_view(con, name: str, source: str):
    """A view of ``source`` whose time columns are plain UTC timestamps in microseconds.

    DuckDB's time-zone-aware timestamps go through its ICU calendar in every comparison and
    interval sum, several times slower than plain ones; DuckDB >= 2 also reads nanosecond
    Parquet timestamps as TIMESTAMPTZ_NS, which Ibis does not know. Journeys work in UTC at
    microsecond resolution (Spark's), so they are converted once, here, as whole numbers.
    """
    types = {row[0]: row[1] for row in con.con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    casts = []
    for col, typ in types.items():
        quoted = '"' + col.replace('"', '""') + '"'
        if typ in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            casts.append(f"make_timestamp(epoch_us({quoted})) AS {quoted}")
        elif typ in ("TIMESTAMPTZ_NS", "TIMESTAMP_NS", "TIMESTAMP_S", "TIMESTAMP_MS"):
            casts.append(f"make_timestamp(epoch_ns({quoted}) // 1000) AS {quoted}")
    replace = f" REPLACE ({', '.join(casts)})" if casts else ""
    con.raw_sql(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT *{replace} FROM {source}')
    return con.table(name)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _drop(con, name: str) -> None:
    # clean-up must never hide the real result or error
    with suppress(Exception):
        if con.name == "duckdb":
            con.con.execute(f'DROP VIEW IF EXISTS "{name}"')
            with suppress(Exception):
                con.con.unregister(f"{name}_frame")
        elif con.name == "pyspark":
            con._session.catalog.dropTempView(name)
        else:
            con.drop_table(name, force=True)
