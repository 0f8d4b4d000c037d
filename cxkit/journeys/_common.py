"""What the journey queries share: the checked columns of the events, the values in the log,
the canonical order of a customer's events, events packed into small whole numbers, and the
parameter texts of the journeys' docstrings.

Private to :mod:`cxkit.journeys`; the order and the engines are described there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from ._engine import fetch

REQUIRED = ("customer_id", "timestamp", "touchpoint")
CATEGORIES = ("touchpoint", "level", "stage", "channel")

#: Parameter texts of the journeys' docstrings (``{doc:events}`` ...), used with
#: ``cxkit._docstrings.shared_docs(extra=JOURNEY_DOCS)``.
JOURNEY_DOCS = {
    "events": (
        "events : DataFrame, path, glob, list of paths or Ibis table\n"
        "        Journey events with ``customer_id``, ``timestamp`` and ``touchpoint`` (as from\n"
        "        :func:`cxkit.load_journeys`). Paths may name Parquet or CSV files, folders of\n"
        "        Parquet files or globs such as ``\"logs/2025-*.parquet\"``."
    ),
    "engine": (
        "engine : None, \"duckdb\", SparkSession or Ibis backend\n"
        "        Where the query runs: ``None`` for an in-process DuckDB database (the\n"
        "        default), a ``pyspark.sql.SparkSession`` for Spark, or any Ibis backend. An\n"
        "        Ibis table runs on its own backend. See :mod:`cxkit.journeys`."
    ),
    "session_gap": (
        "session_gap : str or Timedelta\n"
        "        Inactivity that ends a session: an event at least ``session_gap`` after the\n"
        "        customer's previous event starts a new session (``\"30min\"``, the web-analytics\n"
        "        convention; ``\"1D\"`` for store or call-centre logs)."
    ),
    "order": (
        "Events are ordered by time, ties by touchpoint and then channel (see\n"
        "    :mod:`cxkit.journeys`), so the result does not depend on the row order or the engine."
    ),
}


# --------------------------------------------------------------------------------------------
# events as small whole numbers
# --------------------------------------------------------------------------------------------
class Combinations:
    """The combinations of some columns' values in the log, numbered in sorted order.

    A log has few combinations of (touchpoint, level, stage, channel) — level and stage
    follow from the touchpoint, and the channel mostly does — so an event is described by
    one small number, its combination's position in sorted order. ``minimal=True`` builds
    that number from the touchpoint and only those other columns that do not follow from
    it (fewer lookups in the engine).
    """

    def __init__(self, vocab: pd.DataFrame, columns: list[str], minimal: bool = False):
        self.columns = list(columns)
        self.values = {c: values_of(vocab, c) for c in self.columns}
        rows = vocab[self.columns].drop_duplicates()
        self.keyed = self.columns[:1]
        for col in self.columns[1:]:
            if not minimal or rows.groupby(self.keyed, dropna=False)[col].nunique(
                    dropna=False).max() > 1:
                self.keyed.append(col)
        self.sizes = [len(self.values[c]) + 1 for c in self.keyed]
        self.key_type = int_type(int(np.prod(self.sizes)))
        keys = np.zeros(len(rows), np.int64)
        for col, size in zip(self.keyed, self.sizes, strict=True):
            keys = keys * size + np.array([_position(self.values[col], v) for v in rows[col]],
                                          np.int64)
        order = np.argsort(keys, kind="stable")
        #: the combinations, in the order of their numbers (the order of their values)
        self.rows = rows.iloc[order].reset_index(drop=True)
        self.keys = keys[order]
        #: mixed-radix key (see ``key``) -> number of the combination
        self.lookup = np.full(int(np.prod(self.sizes)), -1, np.int64)
        self.lookup[self.keys] = np.arange(len(self.rows))
        #: powers of two above every combination number and every key (see ``packed_events``)
        self.width = 1 << max(len(self.rows).bit_length(), 1)
        self.key_width = 1 << max(int(np.prod(self.sizes) - 1).bit_length(), 1)

    def key(self, t):
        """A mixed-radix key of the value codes: cheap, but not dense (see ``lookup``)."""
        key = 0
        for col, size in zip(self.keyed, self.sizes, strict=True):
            key = key * size + code_of(t[col], self.values[col]).cast(self.key_type)
        return key.cast(self.key_type)

    def code(self, t):
        """The combination number 0..n-1 of each event."""
        import ibis

        if np.array_equal(self.keys, np.arange(len(self.keys))):
            return self.key(t)
        literal = ibis.literal([int(k) for k in self.keys], type=f"array<{self.key_type}>")
        return literal.index(self.key(t))

    def order(self, col: str, known: Sequence[str] = ()) -> list:
        """The values of ``col`` in output order (known ones first), then None if missing."""
        present = self.values[col]
        ordered = [v for v in known if v in present] + [v for v in present if v not in known]
        return ordered + ([None] if self.rows[col].isna().any() else [])


def packed_events(t, code, width: int, vocab: pd.DataFrame):
    """Each event as one whole number: microseconds since the log's first event times
    ``width``, plus ``code`` (a whole number below ``width``). Sorting these sorts events by
    time, ties by code; the code is the remainder and the time the quotient. Engines sort
    and compare such numbers much faster than timestamps and text, and one list of them per
    customer holds both. Only + - * and % are used on them, which every engine computes
    exactly on 64-bit integers."""
    import ibis

    first, last = vocab.attrs["first"], vocab.attrs["last"]
    if not fits(vocab, width):
        raise DataError(f"the timestamps span from {first} to {last}, too long a time to be "
                        "right", column="timestamp",
                        expected="a log spanning less than a few centuries (look for "
                                 "placeholder dates such as 1900-01-01 or 9999-12-31)")
    start = ibis.literal(first.tz_convert(None).to_pydatetime(), type="timestamp")
    return t.timestamp.delta(start, unit="microsecond") * width + code.cast("int64")


def fits(vocab: pd.DataFrame, width: int) -> bool:
    """Whether the log's time span in microseconds, times ``width``, stays below 2**62."""
    span = (vocab.attrs["last"].value - vocab.attrs["first"].value) // 1000  # .value: ns
    return span * width < 2**62


def none_if_missing(value):
    return None if value is None or pd.isna(value) else value


# --------------------------------------------------------------------------------------------
# checked columns, the values in the log and the canonical order
# --------------------------------------------------------------------------------------------
def prepared(table, *, optional=(), extra=()):
    """The needed columns of the events, checked, with ``customer_id`` (and the other text
    columns) as text."""
    _check.column_names(table.columns, [*REQUIRED, *extra], what="events",
                        hint="map your names with cxkit.load_journeys(columns=...)")
    keep = list(dict.fromkeys([*REQUIRED, *[c for c in optional if c in table.columns],
                               *extra]))
    t = table.select(keep)
    _check.datetime_type(t.timestamp.type(), "timestamp",
                         is_datetime=t.timestamp.type().is_timestamp())
    casts = {c: t[c].cast("string") for c in ("customer_id", "touchpoint", "channel", "level",
                                              "stage") if c in keep and not t[c].type().is_string()}
    return t.mutate(**casts) if casts else t


def vocabulary(t, columns: list[str]) -> pd.DataFrame:
    """Check the required fields, and list the values of ``columns`` with their counts.

    Two small queries: totals over the whole log, then the distinct combinations of
    ``columns`` (which DuckDB reads from Parquet dictionaries). The totals are in ``attrs``:
    ``events``, ``first`` and ``last`` (the earliest and latest timestamps, UTC).
    """
    sums = fetch(t.aggregate(_events=t.count(), _customers=t.customer_id.count(),
                             _times=t.timestamp.count(), _touchpoints=t.touchpoint.count(),
                             _first=t.timestamp.min(), _last=t.timestamp.max())).iloc[0]
    events = _check.row_count(int(sums["_events"]), what="events")
    for col, what in (("_customers", "customer_id"), ("_times", "timestamp"),
                      ("_touchpoints", "touchpoint")):
        _check.missing_count(events - int(sums[col]), what, unit="event")
    vocab = fetch(t.group_by(columns).agg(_events=t.count())) if columns else pd.DataFrame()
    vocab.attrs.update(events=events, first=sums["_first"], last=sums["_last"])
    return vocab


def needed(t, on: str = "touchpoint") -> list[str]:
    """The columns whose values the canonical order of ``on`` needs (see order_keys)."""
    cols = ["touchpoint"]
    if on != "touchpoint" and "channel" in t.columns:
        cols.append("channel")
    return _unique([*cols, on])


def values_of(vocab: pd.DataFrame, column: str) -> list:
    return sorted({v for v in vocab[column] if pd.notna(v)}, key=_sort_key)


def _sort_key(value):
    return (str(type(value)), value)


def none_last(value):
    return (value is None, "" if value is None else str(value))


def _position(values: list, value) -> int:
    return len(values) if value is None or pd.isna(value) else values.index(value)


def code_of(column, values: list):
    """A column's values as whole numbers 0..n-1 in sorted order (n for missing).

    Small integers sort, partition and group much faster than text in every engine, and
    their order is the order of the values, so ties are broken the same way everywhere.
    """
    import ibis

    if not values:
        return ibis.literal(0, "int8")
    literal = ibis.literal(values, type=f"array<{column.type()}>")
    return literal.index(column).fill_null(len(values)).cast(int_type(len(values) + 1))


def int_type(size: int) -> str:
    """The smallest signed integer type holding 0..size-1: narrower sort keys sort faster."""
    for name, bits in (("int8", 7), ("int16", 15), ("int32", 31)):
        if size <= 2**bits:
            return name
    return "int64"


def order_keys(t, vocab: pd.DataFrame, on: str = "touchpoint") -> dict:
    """Sort keys that put a customer's events in the canonical order, as named columns.

    Time first; ties by touchpoint, then channel, then ``on``. Keys that cannot change the
    sequence of ``on`` values are left out (ordering ties by channel cannot change a sequence
    of touchpoints), since every key makes the sort wider.
    """
    keys = {"_order_touchpoint": code_of(t.touchpoint, values_of(vocab, "touchpoint"))}
    if on != "touchpoint" and "channel" in vocab.columns:
        keys["_order_channel"] = code_of(t.channel, values_of(vocab, "channel"))
    if on not in ("touchpoint", "channel"):
        keys["_order_on"] = code_of(t[on], values_of(vocab, on))
    return keys


def interval(delta: pd.Timedelta):
    """A duration as an Ibis interval, in whole microseconds (Spark's resolution)."""
    import ibis

    return ibis.interval(microseconds=int(delta // pd.Timedelta(microseconds=1)))


def _unique(items):
    return list(dict.fromkeys(items))


def tidy(frame: pd.DataFrame, ints=()) -> pd.DataFrame:
    """The result with a fresh index and its counts as int64 (engines differ in width)."""
    for col in ints:
        if col in frame:
            frame[col] = frame[col].astype(np.int64)
    return frame.reset_index(drop=True)
