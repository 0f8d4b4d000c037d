"""The journey loader: event exports → the canonical, classified event table (or a Parquet
file of it), with a report of every load.

The data contract (see ``DESIGN.md``): journey events have ``customer_id`` (string),
``timestamp`` (UTC), ``touchpoint``, ``channel`` and ``value``. Column names are mapped with
``columns=`` and labels with ``values=``; nothing is guessed, converted or dropped silently:
problems raise :class:`cxkit.DataError` or, with ``on_error="set_aside"``, keep the row out
and list it in the load report (:func:`cxkit.load_report`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .._privacy import SAMPLE_ROWS
from .._report import attach_report, report_path
from ..catalogue import CHANNELS, CLASS_COLUMNS
from ..catalogue import catalogue as build_catalogue
from . import _convert, times
from ._csv import Dialect
from ._engine import Background, ident, lit, text_list
from ._load import Check, Codes, Load, id_checks, id_notes, refuse_float_ids
from ._output import LOADER_DOCS, arrow_to_pandas, frame_extras
from .privacy import PRIVACY_DOCS, key_bytes, pseudonymise_stage, report_personal_data

JOURNEY_COLUMNS = ("customer_id", "timestamp", "touchpoint", "channel", "value")
REQUIRED_JOURNEY_COLUMNS = ("customer_id", "timestamp", "touchpoint")
EPOCH_UNITS = times.EPOCH_UNITS
_ID, _TOUCHPOINT, _CHANNEL, _VALUE, _UNKNOWN = 10, 200, 210, 300, 400
_SORTED = 12_000_000  # hashes sorted at once in the search for duplicates (96 MB)
# columns never looked at for personal data: times, amounts and the catalogue's
_NOT_PERSONAL = ("timestamp", "value", *CLASS_COLUMNS)


@shared_docs(extra={**LOADER_DOCS, **PRIVACY_DOCS})
def load_journeys(source, *, columns: Mapping[str, str] | None = None,
                  values: Mapping[str, Mapping[str, str]] | None = None, tz: str = "UTC",
                  time_format: str | None = None, catalogue=None, on_unknown: str = "keep",
                  on_error: str = "raise", dedupe: bool = False, sep: str = ",",
                  decimal: str = ".", thousands: str | None = None, quotechar: str = '"',
                  encoding: str = "utf-8", sheet=0, skiprows: int | None = None, to=None,
                  pseudonymise=None):
    """Load journey events into the canonical, classified event table.

    Parameters
    ----------
    source : path, glob, folder, list of paths or DataFrame
        A ``.csv``, ``.csv.gz``, ``.parquet`` or ``.xlsx`` file, a glob such as
        ``"logs/2025-*.csv"``, a folder (its CSV and Parquet files, in name order), a list
        of paths, or a pandas DataFrame. Row numbers count from 1 in each file.
    columns : dict, optional
        Canonical name → your column name, e.g. ``{"customer_id": "client", "timestamp":
        "ts"}``. Canonical names: ``customer_id``, ``timestamp``, ``touchpoint`` (required),
        ``channel``, ``value`` (optional). Other columns are kept after the canonical ones.
    values : dict, optional
        Your labels → the catalogue's, per canonical column (``touchpoint``, ``channel``),
        e.g. ``{"channel": {"telefono": "phone", "negozio": "store"}}``. Each mapping is
        recorded in the report with how many events it changed.
    tz : str
        Time zone in which *naive* timestamps (no offset) were recorded, e.g.
        ``"Europe/Rome"``. Timestamps with an offset (``+01:00``, ``Z``) are converted to UTC.
        A mix of naive and offset timestamps is refused.
    time_format : str, optional
        How to read timestamps that are not ISO 8601 text: ``"s"``, ``"ms"``, ``"us"`` or
        ``"ns"`` for integer epochs (analytics exports), or a ``strftime`` pattern such as
        ``"%Y%m%d"`` for compact dates like ``19970101`` or ``"%d/%m/%Y %H:%M"``.
        Integer timestamps are never guessed: without ``time_format`` they are refused.
    catalogue : path or DataFrame, optional
        The touchpoint catalogue (default: :func:`cxkit.catalogue`).
    on_unknown : {"keep", "raise"}
        Touchpoints missing from the catalogue are kept with ``level`` NaN and counted in the
        report, or refused (set aside with ``on_error="set_aside"``).
    {doc:on_error}
    dedupe : bool
        Exact duplicate events are reported and kept (default) or removed (``True``; the
        removed rows are listed in the report's ``set_aside``).
    {doc:dialect}
    sheet : int or str
        Sheet of an Excel file.
    skiprows : int, optional
        Lines to skip above the header (title lines in an exported sheet or CSV).
    to : path, optional
        Write the validated, classified events to this Parquet file instead of returning
        them (streamed by the engine: the table is never held in pandas; timestamps in
        microseconds), with the report beside it as JSON (``events.parquet`` →
        ``events.report.json``, read it with :func:`cxkit.load_report`). Every
        :mod:`cxkit.journeys` function takes the path.
    {doc:pseudonymise}

    Returns
    -------
    DataFrame or pathlib.Path
        One row per event: ``customer_id`` (str), ``timestamp`` (datetime64[ns, UTC]),
        ``touchpoint`` (str), ``channel`` (str), ``value`` (float, may be NaN), and from the
        catalogue ``level``, ``stage``, ``direction``, ``controllable`` and
        ``moment_of_truth`` (NaN for touchpoints not in the catalogue), then any other column
        of the source. Rows keep the source's order. The load report is available with
        :func:`cxkit.load_report`. With ``to=``, the path of the Parquet file.

    Raises
    ------
    DataError
        Missing or unmapped columns; empty or placeholder customer ids (``NULL``, ``N/A``,
        ``-``, ...), formulas or Excel error cells; empty, unparsable, mixed naive/aware or
        non-existent local timestamps; integer timestamps without ``time_format``; values
        that are not finite numbers or integers above 2**53; rows with more or fewer fields
        than the header; a damaged or empty file. The error names the file, the rows (1 at
        the first data row) and a column mapped with ``columns=`` as your file names it:
        ``column 'Zeit' (timestamp), row 4: ...``. With ``on_error="set_aside"`` the rows
        with such a problem are listed in the report instead; a problem of the whole file
        or column still raises.

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> raw = pd.DataFrame({"client": ["c1", "c1", "c2"],
    ...                     "when": ["2024-03-01 09:00", "2024-03-02 18:30", "2024-03-05 12:00"],
    ...                     "what": ["email_click", "purchase", "support_call"],
    ...                     "amount": [None, 59.9, None]})
    >>> events = cxkit.load_journeys(raw, columns={"customer_id": "client", "timestamp": "when",
    ...                              "touchpoint": "what", "value": "amount"}, tz="Europe/Rome")
    >>> events[["customer_id", "timestamp", "touchpoint", "channel", "level"]]
      customer_id                 timestamp    touchpoint channel        level
    0          c1 2024-03-01 08:00:00+00:00   email_click   email   engagement
    1          c1 2024-03-02 17:30:00+00:00      purchase     web  interaction
    2          c2 2024-03-05 11:00:00+00:00  support_call   phone  interaction

    A row that cannot be read is set aside with its row number and reason:

    >>> raw.loc[1, "when"] = "N/D"
    >>> events = cxkit.load_journeys(raw, columns={"customer_id": "client", "timestamp": "when",
    ...                              "touchpoint": "what"}, on_error="set_aside")
    >>> cxkit.load_report(events).set_aside[["row", "reason"]]
       row                    reason
    0    2  unreadable timestamp 'N/D'
    """
    _check.one_of(on_unknown, ("keep", "raise"), "on_unknown")
    times.check_tz(tz)
    times.check_time_format(time_format)
    dialect = Dialect.checked(sep=sep, decimal=decimal, thousands=thousands,
                              quotechar=quotechar, encoding=encoding)
    labels = _check.label_mapping(values, ("touchpoint", "channel"))
    target = _check.parquet_target(to)
    key = None if pseudonymise is None or pseudonymise is False else \
        key_bytes(pseudonymise, argument="pseudonymise")
    cat = build_catalogue() if catalogue is None else build_catalogue(catalogue)
    mapping = dict(columns or {})
    with Load(source, kind="journeys", on_error=on_error, tz=tz, time_format=time_format,
              dialect=dialect, sheet=sheet, skiprows=skiprows,
              memory_limit="1GB" if target else None) as load:
        load.open(expected=[mapping.get(c, c) for c in REQUIRED_JOURNEY_COLUMNS],
                  id_column=mapping.get("customer_id", "customer_id"))
        if key is not None:
            load.personal.add("customer_id")
        named = load.rename(mapping, canonical=JOURNEY_COLUMNS,
                            required=REQUIRED_JOURNEY_COLUMNS)
        has = set(named[0])
        extras = [c for c in named[0] if c not in JOURNEY_COLUMNS and c not in CLASS_COLUMNS]
        replaced = [c for c in named[0] if c in CLASS_COLUMNS]
        events = _Events(load, cat, has, extras, labels, on_unknown=on_unknown,
                         in_memory=target is None)
        with _check.in_source(names=load.names):
            load.build(lambda i, part: _select(part, named[i], extras, labels, load),
                       *events.row_checks(), in_memory=target is None,
                       post=events.classified)
        events.check()
        if key is not None:
            pseudonymise_stage(load, "customer_id", key)
        events.notes(replaced)
        if not dedupe:  # duplicates are looked for while pandas works or the file is written
            return events.frame(duplicates=True) if target is None else \
                events.write(target, duplicates=True)
        events.duplicates(dedupe=dedupe)
        if target is not None:
            return events.write(target)
        return events.frame()


def _select(part, named, extras, labels, load):
    """The stage's columns for one part."""
    position = {c: part.columns.index(user) for c, user in named.items()}

    def x(c):
        return f"__r{position[c]}"

    def kind(c):
        return part.types[named[c]]

    dialect = load.dialect if part.kind == "csv" else Dialect()
    convs = [
        _convert.id_columns(x("customer_id"), kind("customer_id"), "customer_id",
                            file=part.name),
        times.time_columns(x("timestamp"), kind("timestamp"), "timestamp", file=part.name,
                           time_format=load.time_format,
                           aware_ns=named["timestamp"] in part.aware_ns),
        _convert.label_columns(x("touchpoint"), kind("touchpoint"), "touchpoint",
                               file=part.name, mapping=labels.get("touchpoint"),
                               required=True),
    ]
    if "channel" in named:
        convs.append(_convert.label_columns(x("channel"), kind("channel"), "channel",
                                            file=part.name, mapping=labels.get("channel"),
                                            name="channel__in"))
    if "value" in named:
        convs.append(_convert.number_columns(x("value"), kind("value"), "value",
                                             file=part.name, decimal=dialect.decimal,
                                             thousands=dialect.thousands))
    return convs, [(x(c), c) for c in extras]


class _Events:
    """The catalogue lookup, checks, notes and output of a journey load."""

    def __init__(self, load: Load, cat: pd.DataFrame, has, extras, labels, *, on_unknown,
                 in_memory: bool = True):
        self.load, self.cat, self.has, self.extras = load, cat, has, extras
        self.in_memory = in_memory
        if not in_memory:  # the table holds the touchpoint and channel only where the
            # catalogue does not give them (a third smaller on 10 M events; see classified)
            load.view_columns = {
                "touchpoint": f"coalesce(touchpoint__other, {self._known('touchpoint')})",
                "channel": f"coalesce(channel__other, {self._known('channel')})"}
        self.labels, self.on_unknown = labels, on_unknown
        self.session = load.session
        self.enum = self.session.name("touchpoints")
        listed = ", ".join(map(lit, cat["touchpoint"]))
        self.session.run(f"CREATE TYPE {self.enum} AS ENUM ({listed})", fetch=None)
        self.k_type = "SMALLINT" if len(cat) < 2**15 else "INTEGER"
        self.clock = None
        # the data's distinct channels (found with the notes; in a table stage only those
        # that differ from the catalogue's channel of their touchpoint)
        self.channels = None

    def classified(self, query: str) -> str:
        """``query`` (one part's converted columns) with ``__k``, the touchpoint's row in the
        catalogue (from 0; a lookup in the catalogue's touchpoints, a DuckDB ENUM: a hash lookup
        that keeps the rows in file order) and the channel, from the catalogue where the data
        have none. The catalogue's other columns are taken by ``__k`` when the table is
        returned.

        Why not a SQL join with the catalogue: DuckDB does not keep the rows' order through a
        join (in a test on 10 M events, 7.2 M rows came out elsewhere), and a join followed by
        an ORDER BY took 3.5 to 4 times as long as this lookup and Arrow's ``take``
        (``benchmarks/load.py``, README's Performance section)."""
        query = (f"SELECT *, "
                 f"CAST(enum_code(TRY_CAST(touchpoint AS {self.enum})) AS {self.k_type}) AS __k "
                 f"FROM ({query})")
        found = self._known("channel")
        if "channel" not in self.has:
            query = f"SELECT *, {found} AS channel FROM ({query})"
        else:
            query = (f"SELECT * EXCLUDE (channel__in), coalesce(channel__in, {found}) AS "
                     "channel, (channel__in IS NULL AND __k IS NOT NULL) AS channel__filled "
                     f"FROM ({query})")
        if self.in_memory:
            return query
        # in a table stage, only what the catalogue does not give (the view puts it back)
        return (f"SELECT * EXCLUDE (touchpoint, channel), CASE WHEN __k IS NULL THEN "
                f"touchpoint END AS touchpoint__other, CASE WHEN channel IS DISTINCT FROM "
                f"{found} THEN channel END AS channel__other FROM ({query})")

    def _known(self, column: str) -> str:
        """The catalogue's ``column`` of the row's touchpoint (NULL for others), in SQL."""
        return f"{text_list(self.cat[column])}[__k + 1]"

    # ----------------------------------------------------------------------------------------
    def row_checks(self):
        """The checks of single rows (and where the stage finds them), run while the stage
        is written."""
        load = self.load
        checks, ids = id_checks("customer_id", _ID)
        more, stamps = times.time_checks("timestamp", tz=load.tz, time_format=load.time_format)
        checks += more
        codes = [ids, stamps, Codes(f"touchpoint__bad + {_TOUCHPOINT}", "touchpoint__raw")]
        checks += [Check(_TOUCHPOINT + 1, "touchpoint", lambda raw: "empty touchpoint",
                         lambda ex: ("empty value", "a touchpoint in every row")),
                   Check(_TOUCHPOINT + 4, "touchpoint",
                         lambda raw: f"Excel error cell {raw!r} in touchpoint",
                         lambda ex: _convert.number_problem(4, ex))]
        if "channel" in self.has:
            codes.append(Codes(f"channel__bad + {_CHANNEL}", "channel__raw"))
            checks.append(Check(_CHANNEL + 4, "channel",
                                lambda raw: f"Excel error cell {raw!r} in channel",
                                lambda ex: _convert.number_problem(4, ex)))
        if "value" in self.has:
            codes.append(Codes(f"value__bad + {_VALUE}", "value__raw"))
            checks += [Check(_VALUE + code, "value",
                             lambda raw, code=code: _convert.number_reason(code, raw, "value"),
                             lambda ex, code=code: _convert.number_problem(code, ex))
                       for code in (4, 1, 2, 3)]
        return checks, codes

    def check(self) -> None:
        load = self.load
        refuse_float_ids(load, "customer_id")
        self.clock = times.check_times(load, "timestamp")
        load.resolve(before=_TOUCHPOINT)
        if self.on_unknown == "raise":
            empty = f"{_TOUCHPOINT + 1}, {_TOUCHPOINT + 4}"
            rows = self.session.run(f"SELECT __cx_file, __cx_ord, touchpoint FROM {load.kept} "
                                    f"WHERE __k IS NULL AND coalesce(__cx_bad NOT IN ({empty}), "
                                    "true)")
            names = sorted({load.quoted("touchpoint", r[2]) for r in rows})
            load.add_found(Check(
                _UNKNOWN, "touchpoint",
                lambda raw: f"touchpoint not in the catalogue: {raw!r}",
                lambda ex: (f"touchpoint(s) not in the catalogue: {names}",
                            "touchpoints listed in the catalogue (extend it with "
                            "cxkit.catalogue(extend=...))")), rows)
        load.resolve()
        if load.table is not None and self.clock.utc_sql != "timestamp":
            utc = self.session.run(f"SELECT {self.clock.utc_sql} AS t FROM {load.stage}",
                                   self.clock.named(), fetch="arrow")["t"]
            load.replace_column("timestamp", utc)
            self.clock.utc_sql = "timestamp"

    # ----------------------------------------------------------------------------------------
    def notes(self, replaced) -> None:
        load, report, session = self.load, self.load.report, self.session
        id_notes(load, "customer_id")
        filled = "channel__filled"
        stats = ["count(*) FILTER (__k IS NULL)"]
        if "channel" in self.has:
            stats += [f"count(*) FILTER ({filled})"]
        mapped = [c for c in self.labels if c in self.has]
        stats += [f"histogram({c}__from) FILTER ({c}__from > 0)" for c in mapped]
        stats.append(f"count(*) FILTER (timestamp__kind = {times.NAIVE})")
        if "channel" in self.has:  # the data's channels, in the same scan (in a table
            # stage those the catalogue does not give: the others are the catalogue's)
            other = "channel" if self.in_memory else "channel__other"
            stats.append(f"list(DISTINCT {other}) FILTER ({other} IS NOT NULL)")
        found = list(session.run(f"SELECT {', '.join(stats)} FROM {load.kept}", fetch="one"))
        channels = found.pop() if "channel" in self.has else None
        self.channels = [str(c) for c in channels or ()]
        naive = found.pop()
        note = self.clock.note(naive)
        if note:
            report.notes.append(note)
        for column, counts in zip(mapped, found[len(found) - len(mapped):], strict=True):
            report.notes.append(_convert.mapped_note(column, self.labels[column],
                                                     dict(counts or {}), "event"))
        if found[0]:
            self._unknown()
        if "channel" not in self.has:
            report.notes.append("channel taken from the catalogue (the data have no channel)")
        else:
            if found[1]:
                n, keys = load.first_rows(filled)
                report.notes.append(f"channel taken from the catalogue for {n} event(s) with an "
                                    "empty channel: rows " + ", ".join(map(str, load.rows_of(
                                        keys))))
            known = set(CHANNELS) | set(self.cat["channel"])
            odd = sorted(load.quoted("channel", c) for c in channels or () if c not in known)
            if odd:
                report.notes.append("channels not in the catalogue's list (kept): "
                                    + ", ".join(odd))
        if replaced:
            report.notes.append("column(s) " + ", ".join(replaced) + " of the data replaced by "
                                "the catalogue's classification")

    def _unknown(self) -> None:
        report = self.load.report
        rows = self.session.run(
            f"SELECT touchpoint, count(*) AS n, min(__cx_file * 4294967296 + __cx_ord) AS first "
            f"FROM {self.load.kept} WHERE __k IS NULL GROUP BY touchpoint ORDER BY n DESC, first")
        rows = [(self.load.quoted("touchpoint", t), n, first) for t, n, first in rows]
        report.notes.append(
            f"{sum(r[1] for r in rows)} event(s) with {len(rows)} touchpoint(s) not in the "
            "catalogue kept with level NaN: " + ", ".join(str(r[0]) for r in rows[:10]))
        report.details["unknown_touchpoints"] = pd.DataFrame(
            {"touchpoint": pd.Series([r[0] for r in rows], dtype="str"),
             "events": pd.Series([r[1] for r in rows], dtype="int64")})

    def duplicates(self, *, dedupe: bool) -> None:
        """Exact duplicate events (every output column equal): reported, or set aside.

        Rows with the same customer, time and touchpoint (found by their hash, in parallel
        by DuckDB) are compared on every column.
        """
        load = self.load
        if load.table is not None:
            rows = self._duplicates_sorted(self.session, load.stage)
        else:
            rows = self._duplicates_in_table(self.session)
        if rows:
            self._duplicates_found([(int(f), int(o)) for f, o in rows], dedupe=dedupe)

    @property
    def _key(self) -> str:
        """The hash of customer, time and touchpoint in SQL: in a table stage from the
        touchpoint's code and the text the code does not give (equal touchpoints, equal
        codes), so that the view's touchpoint text is not made for every row."""
        if self.in_memory:
            return "hash(customer_id, timestamp, touchpoint)"
        return "hash(customer_id, timestamp, __k, touchpoint__other)"

    def _duplicates_sql(self, rows: str, *, among: str | None = None,
                        hashes: str | None = None) -> str:
        """The duplicates among ``rows`` (a relation), every one after its first, as
        ``(part, ord)``: of the rows whose hash of customer, time and touchpoint is not
        unique (given by ``among``, a relation of those rows ``(f, o)``, or by ``hashes``, a
        relation of the repeated hashes ``h``), those equal on every column to an earlier
        one."""
        value = "value" if "value" in self.has else "CAST(NULL AS DOUBLE)"
        listed = ", ".join(["customer_id", "timestamp", "touchpoint", "channel", value,
                            *(ident(c) for c in self.extras)])
        key = self._key
        if among is not None:
            where = f"(__cx_file, __cx_ord) IN (SELECT (f, o) FROM {among})"
        else:
            where = f"{key} IN (SELECT h FROM {hashes})"
        return f"""
            SELECT __cx_file, __cx_ord FROM (
                SELECT __cx_file, __cx_ord, row_number() OVER (PARTITION BY {listed}
                       ORDER BY __cx_file, __cx_ord) AS n
                FROM {rows} WHERE {where})
            WHERE n > 1 ORDER BY __cx_file, __cx_ord"""

    def _duplicates_sorted(self, engine, rows: str) -> list:
        """:meth:`_duplicates_sql` for an in-memory stage, the repeated hashes found by
        sorting them (numpy) rather than by DuckDB's GROUP BY over every row (a few times
        faster on 10 M rows); ``engine`` runs queries (``run(sql, fetch=...)``) and
        registers Arrow tables (``register(name, table)``): the session or a
        :class:`Background` query."""
        import numpy as np
        import pyarrow as pa

        found = engine.run(f"SELECT {self._key} AS h, __cx_file, __cx_ord FROM {rows}",
                           fetch="arrow")
        hashes = found["h"].to_numpy()
        ordered = np.sort(hashes)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        del ordered
        if not len(repeated):
            return []
        # the rows with a repeated hash, compared on every column by DuckDB
        mine = np.flatnonzero(_among(hashes, repeated))
        keys = pa.table({"f": found["__cx_file"].to_numpy()[mine],
                         "o": found["__cx_ord"].to_numpy()[mine]})
        del found, hashes
        name = self.session.name("repeated")
        engine.register(name, keys)
        return engine.run(self._duplicates_sql(rows, among=name), fetch="rows")

    def _duplicates_in_table(self, engine) -> list:
        """:meth:`_duplicates_sql` for a stage in a DuckDB table (``to=``): the repeated
        hashes found by sorting them (numpy), in passes of at most :data:`_SORTED` rows
        (each pass the hashes with one remainder), so that memory stays bounded whatever
        the size of the file; ``engine`` runs the queries (the session or a
        :class:`Background` query, as in :meth:`_duplicates_sorted`)."""
        import numpy as np
        import pyarrow as pa

        kept, key = self.load.kept, self._key
        total = engine.run(f"SELECT count(*) FROM {kept}", fetch="one")[0]
        passes = max(1, -(-int(total) // _SORTED))
        repeated = []
        for p in range(passes):
            where = f" WHERE {key} % {passes} = {p}" if passes > 1 else ""
            hashes = np.asarray(engine.run(f"SELECT {key} AS h FROM {kept}{where}",
                                           fetch="numpy")["h"], dtype=np.uint64)
            hashes.sort()
            repeated.append(np.unique(hashes[1:][hashes[1:] == hashes[:-1]]))
            del hashes
        repeated = np.concatenate(repeated)
        if not len(repeated):
            return []
        name = self.session.name("repeated")
        engine.register(name, pa.table({"h": pa.array(repeated, pa.uint64())}))
        return engine.run(self._duplicates_sql(kept, hashes=name))

    def _duplicates_found(self, keys, *, dedupe: bool) -> None:
        load = self.load
        found = load.rows_of(keys)
        # where they are, never what they hold (a row quotes a customer's id)
        load.report.details["duplicates"] = pd.DataFrame(
            {"file": pd.Series([load.parts[f].name for f, _ in keys], dtype="str"),
             "row": pd.Series(found, dtype="int64")})
        if dedupe:
            load.add_set_aside([(f, o, "exact duplicate of an earlier event") for f, o in keys])
            load.report.notes.append(f"{len(keys)} exact duplicate event(s) removed "
                                     "(dedupe=True)")
        else:
            load.report.notes.append(
                f"{len(keys)} exact duplicate event(s) kept (pass dedupe=True to remove them): "
                "rows " + ", ".join(map(str, found[:10])) + (" ..." if len(found) > 10 else ""))

    # ----------------------------------------------------------------------------------------
    def _columns(self, *, parquet: bool = False) -> list[str]:
        """The output columns in SQL (the catalogue's by ``__k``). For the Parquet file the
        text columns with few distinct values are DuckDB ENUMs: the Parquet writer writes
        their codes and dictionary as they are (a text column to every reader) instead of
        hashing each row's text, and the time is made an instant by adding microseconds to
        the epoch rather than by a time-zone cast of each row (together about a third of the
        write's time on 10 M events, ``benchmarks/load.py``)."""
        cat, utc = self.cat, self.clock.utc_sql
        if not parquet:
            columns = ["customer_id", f"({utc}) AS timestamp", "touchpoint", "channel",
                       "value" if "value" in self.has else "CAST(NULL AS DOUBLE) AS value"]
            for c in ("level", "stage", "direction"):
                columns.append(f"{text_list(cat[c])}[__k + 1] AS {c}")
        else:
            stamp = ("TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_microseconds(CAST(("
                     f"{utc}) // 1000 AS BIGINT)) AS timestamp")
            columns = ["customer_id", stamp, self._coded_touchpoint(), self._coded_channel(),
                       "value" if "value" in self.has else "CAST(NULL AS DOUBLE) AS value"]
            for c in ("level", "stage", "direction"):
                columns.append(f"{self._coded(cat[c], c)}[__k + 1] AS {c}")
        for c in ("controllable", "moment_of_truth"):
            flags = "[" + ", ".join("true" if v else "false" for v in cat[c]) + "]"
            columns.append(f"{flags}[__k + 1] AS {c}")
        return columns + [ident(c) for c in self.extras]

    _ENUM_MAX = 10_000  # distinct labels beyond which a column is written as plain text

    def _enum(self, stem: str, labels) -> str:
        """A new DuckDB ENUM type of ``labels`` (distinct texts)."""
        kind = self.session.name(stem)
        listed = ", ".join(map(lit, labels))
        self.session.run(f"CREATE TYPE {kind} AS ENUM ({listed})", fetch=None)
        return kind

    def _coded(self, values, stem: str) -> str:
        """The catalogue's ``values`` (one per touchpoint) as a SQL list of an ENUM."""
        kind = self._enum(stem, sorted({str(v) for v in values}))
        return f"CAST({text_list(values)} AS {kind}[])"

    def _coded_touchpoint(self) -> str:
        """The touchpoint: the catalogue's by ``__k``, the others (kept with level NaN) as
        they are, both as one ENUM unless there are too many touchpoints."""
        touchpoints = [str(t) for t in self.cat["touchpoint"]]
        unknown = [r[0] for r in self.session.run(
            f"SELECT DISTINCT touchpoint FROM {self.load.kept} WHERE __k IS NULL AND "
            f"touchpoint IS NOT NULL LIMIT {self._ENUM_MAX + 1}")]
        if len(touchpoints) + len(unknown) > self._ENUM_MAX:
            return "touchpoint"
        kind = self._enum("touchpoint", touchpoints + sorted(unknown))
        known = f"CAST({text_list(touchpoints)} AS {kind}[])[__k + 1]"
        if not unknown:
            return f"{known} AS touchpoint"
        return (f"CASE WHEN __k IS NULL THEN CAST(touchpoint AS {kind}) ELSE {known} END "
                "AS touchpoint")

    def _coded_channel(self) -> str:
        if "channel" not in self.has:
            return f"{self._coded(self.cat['channel'], 'channel')}[__k + 1] AS channel"
        if self.channels is None:
            return "channel"
        labels = set(self.channels) | {str(c) for c in self.cat["channel"]}
        if len(labels) > self._ENUM_MAX:
            return "channel"
        kind = self._enum("channel", sorted(labels))
        # the table stage (to=) holds the channels the catalogue does not give; the others
        # come from the code
        return (f"coalesce(CAST(channel__other AS {kind}), "
                f"CAST({text_list(self.cat['channel'])} AS {kind}[])[__k + 1]) AS channel")

    def _assembled(self):
        """The output table from the in-memory stage, with Arrow: the catalogue's columns
        taken by ``__k`` (no copy of the columns read)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        table, cat = self.load.table, self.cat
        k = table.column("__k")

        def taken(col, kind):
            values = pa.array(cat[col].tolist(), type=kind)
            if kind != pa.large_string():
                return pc.take(values, k)
            # text: decoded from a dictionary (the codes ``__k``, the catalogue's labels)
            # into memory from the system's allocator, several times faster than ``take``
            # into Arrow's default pool (mimalloc) on 10 M rows
            coded = [pa.DictionaryArray.from_arrays(c, values) for c in k.chunks]
            return pc.cast(pa.chunked_array(coded, pa.dictionary(k.type, kind)), kind,
                           memory_pool=pa.system_memory_pool())

        kinds = {"level": pa.large_string(), "stage": pa.large_string(),
                 "direction": pa.large_string(), "controllable": pa.bool_(),
                 "moment_of_truth": pa.bool_()}
        looked_up = {c: taken(c, kind) for c, kind in kinds.items()}

        channel = table.column("channel")
        value = table.column("value") if "value" in self.has else \
            pa.nulls(table.num_rows, pa.float64())
        columns = {"customer_id": table.column("customer_id"),
                   "timestamp": table.column("timestamp"),
                   "touchpoint": table.column("touchpoint"), "channel": channel, "value": value}
        columns.update(looked_up)
        for col in self.extras:
            columns[col] = table.column(col)
        columns["__cx_ord"] = table.column("__cx_ord")
        return pa.table(columns)

    def _pandas(self, table) -> pd.DataFrame:
        frame = arrow_to_pandas(table, nanoseconds=("timestamp",))
        part = self.load.parts[0]
        if part.kind == "frame" and self.extras:
            frame = frame_extras(frame, part.frame, [part.columns.index(
                self.load.names.get(c, c)) for c in self.extras], self.extras)
        return frame.drop(columns=["__cx_ord"]).reset_index(drop=True)

    def frame(self, *, duplicates: bool = False) -> pd.DataFrame:
        """The returned table; with ``duplicates=True`` the exact duplicates are looked for
        meanwhile (by DuckDB, on a second connection, while Arrow and pandas build the
        table)."""
        load = self.load
        search = None
        if duplicates:
            search = Background(self.session, load.table, self._duplicates_sorted)
        try:
            table = self._assembled()
            load.release()
            out = self._pandas(table)
            del table
        except BaseException:
            if search is not None:
                search.cancel()
            raise
        if search is not None:
            keys = [(int(f), int(o)) for f, o in search.result()]
            if keys:
                self._duplicates_found(keys, dedupe=False)
        report = load.finish(len(out))
        report_personal_data(report, out, ids=("customer_id",), skip=_NOT_PERSONAL,
                             names=load.names)
        return attach_report(out, report)

    def write(self, target: Path, *, duplicates: bool = False) -> Path:
        """Stream the output to ``target`` (through a partial file that an interruption
        removes) and write the report beside it; with ``duplicates=True`` the exact
        duplicates are looked for meanwhile (on a second connection)."""
        partial = target.with_name(f".{target.name}.partial")
        kept, named = self.load.kept, self.clock.named()
        search = None
        if duplicates:
            search = Background(self.session, None,
                                lambda engine, _: self._duplicates_in_table(engine))
        try:
            count = self.session.run(
                f"COPY (SELECT {', '.join(self._columns(parquet=True))} FROM {kept}) TO "
                f"{lit(str(partial))} (FORMAT parquet)", named,
                fetch="one")[0]
            step = max(1, int(count) // SAMPLE_ROWS)  # evenly spaced rows of each file
            sample = self.session.run(f"SELECT {', '.join(self._columns())}, __cx_ord FROM "
                                      f"{self.load.spaced(step, SAMPLE_ROWS)}", named,
                                      fetch="arrow")
            if search is not None:
                keys = [(int(f), int(o)) for f, o in search.result()]
                search = None
                if keys:
                    self._duplicates_found(keys, dedupe=False)
            report = self.load.finish(count)
            report_personal_data(report, self._pandas(sample), ids=("customer_id",),
                                 skip=_NOT_PERSONAL, names=self.load.names)
            report.to_json(report_path(target))
            os.replace(partial, target)
        finally:
            if search is not None:
                search.cancel()
            partial.unlink(missing_ok=True)
        return target


_FEW = 32  # repeated hashes looked for one by one (each a pass over the hashes)


def _among(hashes, repeated):
    """Where ``hashes`` is one of ``repeated`` (sorted, unique), as a boolean array. A file
    has few duplicates, if any: up to :data:`_FEW` repeated hashes are compared one by one
    (a pass over 10 M hashes takes about 5 ms), more by a binary search of every row (0.35 to
    0.6 s on 10 M rows)."""
    import numpy as np

    if len(repeated) <= _FEW:
        found = np.zeros(len(hashes), dtype=bool)
        for h in repeated:
            found |= hashes == h
        return found
    at = np.searchsorted(repeated, hashes)
    return repeated[np.minimum(at, len(repeated) - 1)] == hashes


__all__ = ["EPOCH_UNITS", "JOURNEY_COLUMNS", "REQUIRED_JOURNEY_COLUMNS", "load_journeys"]
