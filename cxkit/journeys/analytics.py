"""Journey analytics on event logs of any size: sessions, customer features, transitions,
paths, funnels and Markov-chain attribution.

Every function takes the journey events first — a pandas DataFrame, a path or glob of Parquet
or CSV files (or a list of them), or an Ibis table — and returns a pandas DataFrame. The work
is written once, as an `Ibis <https://ibis-project.org>`_ expression, and runs where
``engine=`` says:

- ``engine=None`` (default): an in-process DuckDB database. Files are read where they are and
  streamed; DuckDB spills to disk when a query needs more memory than it has, so logs larger
  than memory work on a laptop.
- ``engine=spark`` (a ``pyspark.sql.SparkSession``): the same query runs on Spark.
- ``engine=con`` (any Ibis backend, e.g. ``ibis.duckdb.connect("warehouse.db")``): the query
  runs there. An Ibis table (``con.table("events")``) always runs on its own backend.

Only the results (one row per customer, session, transition, path or step) come back to
pandas. Events need the canonical columns ``customer_id``, ``timestamp`` and ``touchpoint``
(see :func:`cxkit.load_journeys`); ``channel``, ``level`` and ``stage`` are used where present.

**Event order.** A customer's events are ordered by time; events with the same timestamp are
ordered by touchpoint, then channel (alphabetically). The order never depends on the order of
the rows or on the engine, so DuckDB, Spark and pandas give the same answers. Timestamps are
used at microsecond resolution (Spark's); timestamps without a time zone in a file are taken
to be UTC (load local times with ``cxkit.load_journeys(..., tz=...)`` first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .._report import DataError
from ..catalogue import LEVELS, STAGES
from ._engine import event_table, fetch, fetch_arrow

__all__ = ["customer_features", "funnel", "markov_attribution", "paths", "sessions",
           "transitions"]

REQUIRED = ("customer_id", "timestamp", "touchpoint")
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"

# Parameter texts shared by several docstrings (written once, as seaborn's _docstrings.py).
_DOCS = {
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
        "        Ibis table runs on its own backend. See the module docstring."
    ),
    "session_gap": (
        "session_gap : str or Timedelta\n"
        "        Inactivity that ends a session: an event at least ``session_gap`` after the\n"
        "        customer's previous event starts a new session (``\"30min\"``, the web-analytics\n"
        "        convention; ``\"1D\"`` for store or call-centre logs)."
    ),
    "order": (
        "Events are ordered by time, ties by touchpoint and then channel (see the module\n"
        "    docstring), so the result does not depend on the row order or the engine."
    ),
}


def _shared_docs(func: Callable) -> Callable:
    for name, text in _DOCS.items():
        func.__doc__ = func.__doc__.replace("{" + name + "}", text)
    return func


# --------------------------------------------------------------------------------------------
# customer features
# --------------------------------------------------------------------------------------------
@_shared_docs
def customer_features(events, *, session_gap="30min", as_of=None,
                      engine=None) -> pd.DataFrame:
    """One row per customer: activity, sessions, timing, and counts per touchpoint, level,
    stage and channel — the customer table that models and metrics start from.

    Parameters
    ----------
    {events}
    {session_gap}
    as_of : str or Timestamp, optional
        The date recency is measured from; by default the latest event in the log. A value
        without a time zone is read as UTC.
    {engine}

    Returns
    -------
    DataFrame
        One row per customer, sorted by ``customer_id``, with columns

        - ``customer_id``;
        - ``events``: number of events;
        - ``sessions``: number of sessions (see ``session_gap``);
        - ``first``, ``last``: times of the first and last event (UTC);
        - ``tenure_days``: days from the first to the last event;
        - ``recency_days``: days from the last event to ``as_of``;
        - ``channels``: number of distinct channels used (if the events have ``channel``);
        - ``touchpoint_<name>``: events per touchpoint, one column per touchpoint in the
          log, alphabetically;
        - ``level_<name>``: events per level (engagement, interaction, experience) and
          ``stage_<name>``: events per journey stage, in the catalogue's order (if the
          events have ``level`` / ``stage``);
        - ``channel_share_<name>``: share of the customer's events in each channel (0–1).

        Events whose level, stage or channel is missing (touchpoints not in the catalogue)
        are counted in ``level_missing``, ``stage_missing`` or ``channel_share_missing``
        rather than left out.

    Raises
    ------
    DataError
        A required column is absent, or some events have no customer, time or touchpoint.

    Notes
    -----
    A customer's sessions follow the definition of :func:`sessions`. The engine reads the log
    three times: totals and checks, the combinations of (touchpoint, level, stage, channel)
    it holds — few, since level and stage follow from the touchpoint — and one aggregation
    per customer. That aggregation lists each customer's events as whole numbers that pack
    the time and the combination, sorted (one sort of a short list per customer), counts the
    sessions in that list, and sends back only the combinations (two bytes an event), which
    numpy tallies into the count columns. There is no wide pivot before the aggregation and
    no window over the whole log.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import classify, journeys
    >>> log = classify(pd.DataFrame({
    ...     "customer_id": ["c1", "c1", "c1", "c2"],
    ...     "timestamp": pd.to_datetime(["2025-03-01 09:00", "2025-03-01 09:10",
    ...                                  "2025-03-02 18:00", "2025-03-03 12:00"], utc=True),
    ...     "touchpoint": ["email_click", "web_visit", "purchase", "support_call"]}))
    >>> features = journeys.customer_features(log)
    >>> features[["customer_id", "events", "sessions", "tenure_days", "recency_days",
    ...           "channels"]]
      customer_id  events  sessions  tenure_days  recency_days  channels
    0          c1       3         2        1.375          0.75         2
    1          c2       1         1        0.000          0.00         1
    >>> features.filter(like="level_")
       level_engagement  level_interaction
    0                 2                  1
    1                 0                  1

    On the bundled sample (about half a million events):

    >>> import cxkit
    >>> events = cxkit.datasets.load_sample().events
    >>> features = journeys.customer_features(events)
    >>> len(features) == events["customer_id"].nunique()
    True
    >>> bool((features.filter(like="channel_share_").sum(axis=1).round(9) == 1).all())
    True
    """
    gap = _timedelta(session_gap, "session_gap")
    as_of = None if as_of is None else _timestamp(as_of, "as_of")
    with event_table(events, engine) as table:
        t = _columns(table, optional=("channel", "level", "stage"))
        vocab = _vocabulary(t, [c for c in CATEGORIES if c in t.columns])
        combos = _Combinations(vocab, [c for c in CATEGORIES if c in t.columns], minimal=True)
        # the cheap key when it leaves room for the log's time span, else the dense number
        dense = not _fits(vocab, combos.key_width)
        width = combos.width if dense else combos.key_width
        code = combos.code(t) if dense else combos.key(t)
        inner = t.select("customer_id", _event=_packed(t, code, width, vocab))
        per = inner.group_by("customer_id").agg(events=inner.count(),
                                                _events=inner._event.collect().sort())
        # a session starts at the first event and at every event session_gap or more after
        # the one before: count them in each customer's events, sorted by time
        seq = per._events
        starts = seq.filter(lambda x, i: (i == 0) | (
            (x - x % width) - (seq[i - 1] - seq[i - 1] % width) >= _micros(gap) * width))
        # only the combination keys (two bytes an event) and the first and last events
        # come back
        per = per.select("customer_id", "events", sessions=starts.length(),
                         _first=seq.mins(), _last=seq.maxs(),
                         _keys=seq.map(lambda x: (x % width).cast(combos.key_type))
                         ).order_by("customer_id")
        result = fetch_arrow(per)
    decode = np.arange(len(combos.rows)) if dense else combos.lookup
    head, columns, counts = _customer_counts(result, combos, decode, width, vocab, as_of)
    del result  # the engine's lists are large: give their memory back before going on
    _release_arrow_memory()
    return _features_frame(head, columns, counts)


CATEGORIES = ("touchpoint", "level", "stage", "channel")


class _Combinations:
    """The combinations of some columns' values in the log, numbered in sorted order.

    A log has few combinations of (touchpoint, level, stage, channel) — level and stage
    follow from the touchpoint, and the channel mostly does — so an event is described by
    one small number, its combination's position in sorted order. ``minimal=True`` builds
    that number from the touchpoint and only those other columns that do not follow from
    it (fewer lookups in the engine).
    """

    def __init__(self, vocab: pd.DataFrame, columns: list[str], minimal: bool = False):
        self.columns = list(columns)
        self.values = {c: _values(vocab, c) for c in self.columns}
        rows = vocab[self.columns].drop_duplicates()
        self.keyed = self.columns[:1]
        for col in self.columns[1:]:
            if not minimal or rows.groupby(self.keyed, dropna=False)[col].nunique(
                    dropna=False).max() > 1:
                self.keyed.append(col)
        self.sizes = [len(self.values[c]) + 1 for c in self.keyed]
        self.key_type = _int_type(int(np.prod(self.sizes)))
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
        #: powers of two above every combination number and every key (see ``_packed``)
        self.width = 1 << max(len(self.rows).bit_length(), 1)
        self.key_width = 1 << max(int(np.prod(self.sizes) - 1).bit_length(), 1)

    def key(self, t):
        """A mixed-radix key of the value codes: cheap, but not dense (see ``lookup``)."""
        key = 0
        for col, size in zip(self.keyed, self.sizes, strict=True):
            key = key * size + _code(t[col], self.values[col]).cast(self.key_type)
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


def _packed(t, code, width: int, vocab: pd.DataFrame):
    """Each event as one whole number: microseconds since the log's first event times
    ``width``, plus ``code`` (a whole number below ``width``). Sorting these sorts events by
    time, ties by code; the code is the remainder and the time the quotient. Engines sort
    and compare such numbers much faster than timestamps and text, and one list of them per
    customer holds both. Only + - * and % are used on them, which every engine computes
    exactly on 64-bit integers."""
    import ibis

    first, last = vocab.attrs["first"], vocab.attrs["last"]
    if not _fits(vocab, width):
        raise DataError(f"the timestamps span from {first} to {last}, too long a time to be "
                        "right", column="timestamp",
                        expected="a log spanning less than a few centuries (look for "
                                 "placeholder dates such as 1900-01-01 or 9999-12-31)")
    start = ibis.literal(first.tz_convert(None).to_pydatetime(), type="timestamp")
    return t.timestamp.delta(start, unit="microsecond") * width + code.cast("int64")


def _fits(vocab: pd.DataFrame, width: int) -> bool:
    """Whether the log's time span in microseconds, times ``width``, stays below 2**62."""
    span = (vocab.attrs["last"].value - vocab.attrs["first"].value) // 1000  # .value: ns
    return span * width < 2**62


_MICROS_PER_DAY = 86_400_000_000


def _micros_since(packed: np.ndarray, width: int) -> np.ndarray:
    """The time part of packed events: microseconds since the log's first event."""
    return (packed - packed % width) // width


def _as_times(micros: np.ndarray, start: pd.Timestamp) -> pd.Series:
    base = np.datetime64(start.tz_convert(None).to_datetime64(), "us")
    return pd.Series(base + micros.astype("timedelta64[us]")).dt.tz_localize("UTC").astype(
        "datetime64[ns, UTC]")


def _micros(delta: pd.Timedelta) -> int:
    return int(delta // pd.Timedelta(microseconds=1))


def _none(value):
    return None if value is None or pd.isna(value) else value


def _customer_counts(result, combos: _Combinations, decode: np.ndarray, width: int,
                     vocab: pd.DataFrame, as_of):
    """The per-customer columns from the engine's result: a head table and the counts.

    The result's lists of keys are read chunk by chunk, where Arrow holds them (joining the
    chunks first would copy every event).
    """
    columns = [(col, value) for col, known in (("touchpoint", ()), ("level", LEVELS),
                                               ("stage", STAGES), ("channel", ()))
               if col in combos.columns for value in combos.order(col, known)]
    members = [np.flatnonzero([_none(v) == value for v in combos.rows[col]])
               for col, value in columns]
    counts = np.zeros((len(members), result.num_rows), np.int32)
    done = 0
    for chunk in result["_keys"].chunks:
        _tally(np.asarray(chunk.offsets), decode[np.asarray(chunk.values)], len(combos.rows),
               members, out=counts[:, done:done + len(chunk)])
        done += len(chunk)
    first = _micros_since(result["_first"].to_numpy(), width)
    last = _micros_since(result["_last"].to_numpy(), width)
    start = vocab.attrs["first"]
    head = pd.DataFrame({
        "customer_id": result["customer_id"].to_pandas().astype(str),
        "events": result["events"].to_numpy().astype(np.int64),
        "sessions": result["sessions"].to_numpy().astype(np.int64),
        "first": _as_times(first, start), "last": _as_times(last, start)})
    # in whole microseconds, then days: no overflow even over centuries
    as_of = vocab.attrs["last"] if as_of is None else as_of
    head["tenure_days"] = (last - first) / _MICROS_PER_DAY
    head["recency_days"] = ((as_of.value - start.value) // 1000 - last) / _MICROS_PER_DAY
    return head, columns, counts


def _release_arrow_memory() -> None:
    """Return freed Arrow buffers to the system (pyarrow keeps them for reuse otherwise)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _features_frame(head: pd.DataFrame, columns: list, counts: np.ndarray) -> pd.DataFrame:
    """The output table, without copying the counts (one 32-bit block)."""
    names = [f"{col}_{'missing' if value is None else value}" for col, value in columns]
    kept = sum(col != "channel" for col, _ in columns)  # the channel columns come last
    parts = [head, pd.DataFrame(counts[:kept].T, columns=names[:kept], copy=False)]
    if kept < len(columns):
        used = counts[kept:]
        head["channels"] = (used > 0).sum(axis=0)
        shares = used / head["events"].to_numpy()
        parts.append(pd.DataFrame(shares.T, copy=False, columns=[
            "channel_share_" + name[len("channel_"):] for name in names[kept:]]))
    return pd.concat(parts, axis=1)


def _tally(offsets: np.ndarray, combos: np.ndarray, n_combos: int, members: list[np.ndarray],
           out: np.ndarray, block: int = 1 << 16) -> None:
    """Counts per output column and customer from every event's combination, into ``out``.

    The combinations (0..n_combos-1) of customer ``i``'s events are
    ``combos[offsets[i]:offsets[i + 1]]``. ``np.bincount`` counts (combination, customer)
    pairs a block of customers at a time (so temporary memory stays small), laid out one
    combination after another; an output column (a touchpoint, a level …) is the sum of the
    rows of its ``members`` combinations. ``out`` has one row per output column and one
    column per customer.
    """
    n = len(offsets) - 1
    for start in range(0, n, block):
        stop = min(start + block, n)
        size = stop - start
        rows = np.repeat(np.arange(size), np.diff(offsets[start:stop + 1]))
        pairs = np.bincount(combos[offsets[start]:offsets[stop]] * size + rows,
                            minlength=n_combos * size).reshape(n_combos, size)
        for j, rows_of in enumerate(members):
            out[j, start:stop] = pairs[rows_of].sum(axis=0) if len(rows_of) > 1 \
                else pairs[rows_of[0]]


# --------------------------------------------------------------------------------------------
# sessions
# --------------------------------------------------------------------------------------------
@_shared_docs
def sessions(events, *, session_gap="30min", engine=None) -> pd.DataFrame:
    """Split each customer's events into sessions and describe every session.

    Parameters
    ----------
    {events}
    {session_gap}
    {engine}

    Returns
    -------
    DataFrame
        One row per session, sorted by ``customer_id`` and ``session``, with columns
        ``customer_id``; ``session`` (1, 2, … within the customer); ``start`` and ``end``
        (times of its first and last event, UTC); ``duration`` (``end - start``, a
        Timedelta); ``events``; ``channels`` (distinct channels, if the events have
        ``channel``); ``entry_touchpoint`` and ``exit_touchpoint`` (its first and last
        touchpoint).

    Notes
    -----
    A session starts at a customer's first event and at every event that comes at least
    ``session_gap`` after the previous one (so a gap of exactly ``session_gap`` splits).
    {order}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import journeys
    >>> events = cxkit.datasets.load_sample().events
    >>> s = journeys.sessions(events, session_gap="30min")
    >>> list(s.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['customer_id', 'session', 'start', 'end', 'duration', 'events', 'channels',
     'entry_touchpoint', 'exit_touchpoint']
    >>> int(s["events"].sum()) == len(events)
    True
    """
    import ibis

    gap = _timedelta(session_gap, "session_gap")
    with event_table(events, engine) as table:
        t = _columns(table, optional=("channel",))
        vocab = _vocabulary(t, _needed(t))
        keys = _order_keys(t, vocab)
        base = t.mutate(**keys)
        step = base.mutate(
            _prev=base.timestamp.lag().over(ibis.window(group_by="customer_id",
                                                        order_by="timestamp")),
            _rank=ibis.row_number().over(ibis.window(group_by="customer_id",
                                                     order_by=["timestamp", *keys])))
        new = (step._prev.isnull() | (step.timestamp >= step._prev + _interval(gap)))
        step = step.mutate(session=new.cast("int64").sum().over(ibis.cumulative_window(
            group_by="customer_id", order_by="_rank")))
        aggs = {"start": step.timestamp.min(), "end": step.timestamp.max(),
                "events": step.count()}
        if "channel" in t.columns:
            aggs["channels"] = step.channel.nunique()
        aggs["entry_touchpoint"] = step.touchpoint.argmin(step._rank)
        aggs["exit_touchpoint"] = step.touchpoint.argmax(step._rank)
        out = fetch(step.group_by(["customer_id", "session"]).agg(**aggs)
                    .order_by(["customer_id", "session"]))
    out.insert(4, "duration", out["end"] - out["start"])
    return _tidy(out, ints=("session", "events", "channels"))


# --------------------------------------------------------------------------------------------
# transitions and paths
# --------------------------------------------------------------------------------------------
@_shared_docs
def transitions(events, *, by=None, on="touchpoint", engine=None) -> pd.DataFrame:
    """How often each touchpoint is followed by each other: the first-order transition counts
    and probabilities of the customers' journeys.

    Parameters
    ----------
    {events}
    by : str or list of str, optional
        Column(s) splitting the log into groups (a segment, a region, a campaign arm…):
        transitions are counted within each group's part of every customer's journey, and
        probabilities are conditional on the group.
    on : str
        The column whose values are the states: ``"touchpoint"`` (default), ``"channel"``,
        ``"stage"`` …
    {engine}

    Returns
    -------
    DataFrame
        One row per observed pair, with columns: the ``by`` column(s); ``<on>`` (the state,
        e.g. ``touchpoint``); ``next_<on>`` (the state of the customer's next event);
        ``transitions`` (how many times the pair occurs); ``probability`` (``transitions``
        divided by all transitions out of ``<on>`` in the group: the maximum-likelihood
        estimate of the transition probability). Sorted by group, state and descending
        count. A customer's last event has no next state and is not counted; a missing
        ``on`` value is a state of its own (shown as missing).

    Notes
    -----
    {order}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import classify, journeys
    >>> log = classify(pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 09:05",
    ...         "2025-01-01 09:20", "2025-01-02 10:00", "2025-01-02 10:30"], utc=True),
    ...     "touchpoint": ["email_click", "web_visit", "purchase", "email_click",
    ...                    "support_call"]}))
    >>> journeys.transitions(log)
        touchpoint next_touchpoint  transitions  probability
    0  email_click    support_call            1          0.5
    1  email_click       web_visit            1          0.5
    2    web_visit        purchase            1          1.0
    >>> journeys.transitions(log, on="channel")
      channel next_channel  transitions  probability
    0   email        phone            1          0.5
    1   email          web            1          0.5
    2     web          web            1          1.0

    On the bundled sample, every event but each customer's last has a successor:

    >>> import cxkit
    >>> events = cxkit.datasets.load_sample().events
    >>> tr = journeys.transitions(events)
    >>> int(tr["transitions"].sum()) == len(events) - events["customer_id"].nunique()
    True
    """

    by = _as_list(by, "by")
    with event_table(events, engine) as table:
        t = _columns(table, optional=("channel",), extra=[on, *by])
        vocab = _vocabulary(t, _needed(t, on))
        order = _Combinations(vocab, _needed(t, on))
        width = order.width
        # each customer's events packed (time, then tie order) and sorted; a pair of
        # neighbours in that list is a transition, counted by its two tie-order numbers
        events_ = t.select(*by, "customer_id",
                           _event=_packed(t, order.code(t), width, vocab))
        per = events_.group_by([*by, "customer_id"]).agg(_events=events_._event.collect().sort())
        seq = per._events
        pair = seq[:-1].map(lambda x, i: (x % width) * width + seq[i + 1] % width)
        pairs = per.select(*by, _pair=pair.unnest())
        counts = fetch(pairs.group_by([*by, "_pair"]).agg(transitions=pairs.count()))
    code = counts.pop("_pair").to_numpy(np.int64)
    states = order.rows[on].to_numpy(object)
    counts["_state"], counts["_next"] = states[code // width], states[code % width]
    counts = counts.groupby([*by, "_state", "_next"], dropna=False, sort=False,
                            as_index=False)["transitions"].sum()
    counts[on] = counts.pop("_state").map(_none)
    counts[f"next_{on}"] = counts.pop("_next").map(_none)
    out = counts[[*by, on, f"next_{on}", "transitions"]]
    keys = [*by, on]
    out = out.assign(probability=out["transitions"]
                     / out.groupby(keys, dropna=False)["transitions"].transform("sum"))
    out = out.sort_values([*keys, "transitions", f"next_{on}"],
                          ascending=[True] * len(keys) + [False, True])
    return _tidy(out.reset_index(drop=True), ints=("transitions",))


@_shared_docs
def paths(events, *, max_len=None, top=20, on="touchpoint", separator=" > ",
          engine=None) -> pd.DataFrame:
    """The most common journeys ("variants" in process mining): each customer's sequence of
    touchpoints, counted over customers.

    Parameters
    ----------
    {events}
    max_len : int, optional
        Keep only each customer's first ``max_len`` events (journeys that share their
        beginning then count as one variant). By default the whole journey.
    top : int or None
        How many variants to return, most frequent first; ``None`` for all.
    on : str
        The column whose values make the path (``"touchpoint"`` or ``"channel"`` …).
    separator : str
        Text between two steps of a path.
    {engine}

    Returns
    -------
    DataFrame
        One row per variant, most frequent first (ties alphabetically), with columns
        ``path`` (the steps joined by ``separator``), ``steps`` (its length),
        ``customers`` (how many customers followed it) and ``share`` (``customers`` divided
        by all customers in the log).

    Notes
    -----
    {order} Repeated steps are kept (``web_visit > web_visit`` is two visits).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import journeys
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...                     "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 09:05",
    ...                         "2025-01-02 10:00", "2025-01-02 10:30", "2025-01-03 08:00"],
    ...                         utc=True),
    ...                     "touchpoint": ["web_visit", "purchase", "web_visit", "purchase",
    ...                                    "web_visit"]})
    >>> journeys.paths(log)
                      path  steps  customers     share
    0  web_visit > purchase      2          2  0.666667
    1             web_visit      1          1  0.333333
    """
    import ibis

    if max_len is not None and (not isinstance(max_len, (int, np.integer)) or max_len < 1):
        raise ValueError(f"max_len must be a positive whole number or None, not {max_len!r}")
    if top is not None and (not isinstance(top, (int, np.integer)) or top < 1):
        raise ValueError(f"top must be a positive whole number or None, not {top!r}")
    with event_table(events, engine) as table:
        t = _columns(table, optional=("channel",), extra=[on])
        vocab = _vocabulary(t, _needed(t, on))
        keys = _order_keys(t, vocab, on)
        base = t.select("customer_id", "timestamp",
                        _step=t[on].cast("string").fill_null("(missing)"), **keys)
        step = base.select("customer_id", "_step", _rank=ibis.row_number().over(
            ibis.window(group_by="customer_id", order_by=["timestamp", *keys])))
        if max_len is not None:
            step = step.filter(step._rank < max_len)
        pairs = ibis.struct({"rank": step._rank, "step": step._step})
        journeys = step.group_by("customer_id").agg(
            path=pairs.collect().sort().map(lambda s: s.step).join(separator),
            steps=step.count())
        variants = journeys.group_by(["path", "steps"]).agg(customers=journeys.count())
        variants = variants.mutate(share=variants.customers / variants.customers.sum().over())
        variants = variants.order_by([ibis.desc("customers"), "path"])
        out = fetch(variants.limit(top) if top is not None else variants)
    return _tidy(out, ints=("steps", "customers"))


# --------------------------------------------------------------------------------------------
# funnels
# --------------------------------------------------------------------------------------------
@_shared_docs
def funnel(events, steps: Sequence[str], *, within="7D", engine=None) -> pd.DataFrame:
    """Conversion through an ordered sequence of touchpoints, with drop-off and time to
    convert at every step.

    Parameters
    ----------
    {events}
    steps : list of str
        Touchpoints in funnel order, e.g. ``["product_page_view", "cart_add", "purchase"]``;
        each at most once.
    within : str, Timedelta or None
        The conversion window: later steps count only if they happen within ``within`` of
        the customer's entry into the funnel. ``None`` for no limit.
    {engine}

    Returns
    -------
    DataFrame
        One row per step, with columns ``step`` (1, 2, …), ``touchpoint``, ``customers``
        (customers who reached the step), ``conversion`` (share of the customers who
        entered: ``customers`` of step 1), ``step_conversion`` (share of the previous
        step's customers), ``drop_off`` (customers lost since the previous step),
        ``median_time_from_start`` and ``median_time_from_previous`` (Timedelta, among the
        customers who reached the step).

    Notes
    -----
    A customer enters the funnel at their first ``steps[0]`` event, at time :math:`t_1`.
    Step :math:`k` is reached at

    .. math::

        t_k = \\min\\{t : \\text{an event of } \\texttt{steps[k-1]} \\text{ at } t,\\;
        t \\ge t_{k-1},\\; t \\le t_1 + \\text{within}\\},

    the first such event at or after the previous step and inside the window; a customer who
    misses a step reaches none after it. Steps done out of order therefore count only when
    they are repeated in order later (a ``cart_add`` before the first ``product_page_view``
    does not count), and a later second try of step 1 does not restart the funnel. This is
    the "ordered funnel" of web analytics tools.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import journeys
    >>> events = cxkit.datasets.load_sample().events
    >>> f = journeys.funnel(events, ["product_page_view", "cart_add", "purchase"],
    ...                     within="30D")
    >>> f[["step", "touchpoint", "customers"]].shape
    (3, 3)
    >>> bool((f["customers"].diff().dropna() <= 0).all())
    True
    """
    steps = _steps(steps)
    window = None if within is None else _timedelta(within, "within")
    with event_table(events, engine) as table:
        t = _columns(table)
        _vocabulary(t, [])
        ev = t.filter(t.touchpoint.isin(steps)).select("customer_id", "timestamp", "touchpoint")
        reached = (ev.filter(ev.touchpoint == steps[0]).group_by("customer_id")
                   .agg(_t0=ev.timestamp.min()))
        for k, name in enumerate(steps[1:], start=1):
            cand = ev.filter(ev.touchpoint == name).select(
                _cid="customer_id", _ts="timestamp")
            cond = [reached.customer_id == cand._cid, cand._ts >= reached[f"_t{k - 1}"]]
            if window is not None:
                cond.append(cand._ts <= reached._t0 + _interval(window))
            hit = (reached.join(cand, cond).group_by("customer_id")
                   .agg(**{f"_t{k}": cand._ts.min()}))
            reached = reached.left_join(hit, "customer_id").drop("customer_id_right")
        times = fetch(reached)
    return _funnel_table(times, steps)


def _funnel_table(times: pd.DataFrame, steps: list[str]) -> pd.DataFrame:
    rows = []
    entered = len(times)
    previous = entered
    for k, name in enumerate(steps):
        at = times[f"_t{k}"] if len(times) else pd.Series([], dtype="datetime64[ns, UTC]")
        reached = int(at.notna().sum())
        since_start = (at - times["_t0"]).dropna() if len(times) else at
        since_prev = (at - times[f"_t{k - 1}"]).dropna() if k and len(times) else since_start
        rows.append({"step": k + 1, "touchpoint": name, "customers": reached,
                     "conversion": reached / entered if entered else np.nan,
                     "step_conversion": reached / previous if previous else np.nan,
                     "drop_off": previous - reached,
                     "median_time_from_start": since_start.median(),
                     "median_time_from_previous": since_prev.median()})
        previous = reached
    out = pd.DataFrame(rows)
    for col in ("median_time_from_start", "median_time_from_previous"):
        out[col] = pd.to_timedelta(out[col])
    return out


# --------------------------------------------------------------------------------------------
# Markov-chain attribution
# --------------------------------------------------------------------------------------------
@_shared_docs
def markov_attribution(events, *, conversion="purchase", by="channel",
                       engine=None) -> pd.DataFrame:
    """Credit for conversions by channel from a first-order Markov chain of the journeys,
    with the *removal effect* of each channel (Anderl et al., 2016).

    Parameters
    ----------
    {events}
    conversion : str or list of str
        The touchpoint(s) that count as a conversion.
    by : str
        The column whose values get the credit: ``"channel"`` (default) or
        ``"touchpoint"``, ``"stage"`` …
    {engine}

    Returns
    -------
    DataFrame
        One row per value of ``by`` seen before a conversion or in a journey without one,
        sorted by descending credit, with columns ``<by>``, ``removal_effect`` (the share of
        all conversions lost if the channel were removed), ``conversions`` (conversions
        credited to it; they add up to all conversions) and ``share`` (``conversions``
        divided by all conversions). ``attrs`` holds ``conversions`` (in the log),
        ``journeys`` and ``conversion_probability`` (of the fitted chain, from the start).

    Raises
    ------
    DataError
        No event of the conversion touchpoint(s) in the log.

    Notes
    -----
    **Journeys.** Each customer's events, in order, are cut after every conversion: a
    journey is the run of events up to and including a conversion, and the events after a
    customer's last conversion form a journey that did not convert. The conversion events
    themselves are the outcome, not touches.

    **The chain.** States are :math:`\\text{start}`, the values of ``by``, and the two
    absorbing states :math:`\\text{conversion}` and :math:`\\text{null}`. Every journey is
    the path start → its touches' states → conversion (or null); :math:`p_{ij}` is the
    number of steps from :math:`i` to :math:`j` over all journeys divided by the number of
    steps out of :math:`i`. The probability of converting from the start,
    :math:`P = \\Pr(\\text{reach conversion} \\mid \\text{start})`, solves
    :math:`(I - Q)\\,x = r`, where :math:`Q` holds the transition probabilities among the
    transient states and :math:`r` those into conversion.

    **Removal effect.** Removing channel :math:`c` sends every step into :math:`c` to null;
    with :math:`P_{-c}` the probability of conversion in that chain,

    .. math::

        \\mathrm{RE}_c = 1 - \\frac{P_{-c}}{P}, \\qquad
        \\text{conversions}_c = C\\,\\frac{\\mathrm{RE}_c}{\\sum_{c'} \\mathrm{RE}_{c'}},

    with :math:`C` the conversions in the log [1]_ [2]_. Removal effects add up to more than
    1 when journeys combine channels; the normalisation shares the conversions out.
    Repeats of a channel (self-loops) do not change :math:`P` or :math:`P_{-c}`.

    References
    ----------
    .. [1] Anderl, E., Becker, I., von Wangenheim, F., & Schumann, J. H. (2016). Mapping
       the customer journey: Lessons learned from graph-based online attribution modeling.
       *International Journal of Research in Marketing*, 33(3), 457–474.
    .. [2] Kemeny, J. G., & Snell, J. L. (1976). *Finite Markov Chains*. Springer.
       (Absorption probabilities.)

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import journeys
    >>> events = cxkit.datasets.load_sample().events
    >>> credit = journeys.markov_attribution(events, conversion="purchase", by="channel")
    >>> credit.columns.tolist()
    ['channel', 'removal_effect', 'conversions', 'share']
    >>> round(float(credit["share"].sum()), 6)
    1.0
    >>> credit.attrs["conversions"] == int((events["touchpoint"] == "purchase").sum())
    True
    """
    import ibis

    targets = [conversion] if isinstance(conversion, str) else list(conversion)
    if not targets or not all(isinstance(c, str) for c in targets):
        raise ValueError("conversion must be a touchpoint name or a list of them")
    with event_table(events, engine) as table:
        t = _columns(table, optional=("channel",), extra=[by])
        vocab = _vocabulary(t, _needed(t, by))
        converted = int(vocab.loc[vocab["touchpoint"].isin(targets), "_events"].sum())
        if converted == 0:
            raise DataError(f"no conversion event ({', '.join(targets)}) in the log",
                            column="touchpoint", expected="at least one conversion")
        states = _values(vocab, by)
        keys = _order_keys(t, vocab, by)
        is_conv = t.touchpoint.isin(targets)
        conv_code, null_code, start_code = len(states) + 1, len(states) + 2, len(states) + 3
        code_type = _int_type(start_code + 1)
        base = t.select("customer_id", "timestamp", **keys, _conv=is_conv.cast("int64"),
                        _state=ibis.ifelse(is_conv, conv_code, _code(t[by], states))
                        .cast(code_type))
        order = ["timestamp", *keys]
        # the journey of an event: how many conversions the customer made before it
        step = base.mutate(_journey=base._conv.sum().over(ibis.cumulative_window(
            group_by="customer_id", order_by=order)) - base._conv)
        window = ibis.window(group_by=["customer_id", "_journey"], order_by=order)
        step = step.mutate(_from=step._state.lag().over(window).fill_null(start_code)
                           .cast(code_type), _after=step._state.lead().over(window))
        arrive = step.select(_i=step._from, _j=step._state)
        leave = step.filter(step._after.isnull() & (step._conv == 0)).select(
            _i=step._state, _j=ibis.literal(null_code, code_type))
        both = arrive.union(leave, distinct=False)
        counts = fetch(both.group_by(["_i", "_j"]).agg(n=both.count()))
    labels = list(states) + [None, CONVERSION, NULL, START]
    counts["_i"] = [labels[int(i)] for i in counts["_i"]]
    counts["_j"] = [labels[int(j)] for j in counts["_j"]]
    return _removal_effects(counts, by=by, conversions=converted)


def _removal_effects(counts: pd.DataFrame, *, by: str, conversions: int) -> pd.DataFrame:
    """Removal effects from transition counts between states (columns _i, _j, n)."""
    absorbing = {CONVERSION, NULL}
    channels = sorted({s for s in set(counts["_i"]) | set(counts["_j"])
                       if s not in absorbing and s != START}, key=_none_last)
    transient = [START] + channels
    index = {s: i for i, s in enumerate(transient)}
    q = np.zeros((len(transient), len(transient)))
    r = np.zeros(len(transient))
    totals = counts.groupby("_i", dropna=False)["n"].sum()
    for i, j, n in counts[["_i", "_j", "n"]].itertuples(index=False):
        p = n / totals[i]
        if j == CONVERSION:
            r[index[i]] += p
        elif j != NULL:
            q[index[i], index[j]] += p

    def p_convert(keep: list[int]) -> float:
        sub = np.ix_(keep, keep)
        x = np.linalg.solve(np.eye(len(keep)) - q[sub], r[keep])
        return float(x[0])  # start is always kept, first

    full = p_convert(list(range(len(transient))))
    effects = []
    for c in channels:
        keep = [i for i, s in enumerate(transient) if s != c]
        effects.append(1 - p_convert(keep) / full if full > 0 else 0.0)
    effects = np.array(effects)
    total = effects.sum()
    credit = conversions * effects / total if total > 0 else np.zeros_like(effects)
    out = pd.DataFrame({by: channels, "removal_effect": effects, "conversions": credit,
                        "share": credit / conversions})
    out = out.sort_values(["conversions", by], ascending=[False, True]).reset_index(drop=True)
    out.attrs.update(conversions=conversions,
                     journeys=int(counts.loc[counts["_i"] == START, "n"].sum()),
                     conversion_probability=full)
    return out


# --------------------------------------------------------------------------------------------
# shared steps
# --------------------------------------------------------------------------------------------
def _columns(table, *, optional=(), extra=()):
    """The needed columns of the events, checked and with ``customer_id`` as text."""
    missing = [c for c in (*REQUIRED, *extra) if c not in table.columns]
    if missing:
        raise DataError("column(s) missing from the events", column=missing,
                        expected="columns " + ", ".join(dict.fromkeys((*REQUIRED, *extra)))
                        + " (map your names with cxkit.load_journeys(columns=...))")
    keep = list(dict.fromkeys([*REQUIRED, *[c for c in optional if c in table.columns],
                               *extra]))
    t = table.select(keep)
    if not t.timestamp.type().is_timestamp():
        raise DataError(f"timestamps are of type {t.timestamp.type()}", column="timestamp",
                        expected="a timestamp type (load text times with "
                                 "cxkit.load_journeys first)")
    casts = {c: t[c].cast("string") for c in ("customer_id", "touchpoint", "channel", "level",
                                              "stage") if c in keep and not t[c].type().is_string()}
    return t.mutate(**casts) if casts else t


def _vocabulary(t, columns: list[str]) -> pd.DataFrame:
    """Check the required fields, and list the values of ``columns`` with their counts.

    Two small queries: totals over the whole log, then the distinct combinations of
    ``columns`` (which DuckDB reads from Parquet dictionaries). The totals are in ``attrs``:
    ``events``, ``first`` and ``last`` (the earliest and latest timestamps, UTC).
    """
    sums = fetch(t.aggregate(_events=t.count(), _customers=t.customer_id.count(),
                             _times=t.timestamp.count(), _touchpoints=t.touchpoint.count(),
                             _first=t.timestamp.min(), _last=t.timestamp.max())).iloc[0]
    events = int(sums["_events"])
    if events == 0:
        raise DataError("the events table has no rows", expected="at least one event")
    for col, what in (("_customers", "customer_id"), ("_times", "timestamp"),
                      ("_touchpoints", "touchpoint")):
        _refuse_missing(events - int(sums[col]), what)
    vocab = fetch(t.group_by(columns).agg(_events=t.count())) if columns else pd.DataFrame()
    vocab.attrs.update(events=events, first=sums["_first"], last=sums["_last"])
    return vocab


def _refuse_missing(lost: int, what: str) -> None:
    if lost:
        raise DataError(f"{lost} event(s) have no {what}", column=what,
                        expected=f"a {what} in every event")


def _needed(t, on: str = "touchpoint") -> list[str]:
    """The columns whose values the canonical order of ``on`` needs (see _order_keys)."""
    cols = ["touchpoint"]
    if on != "touchpoint" and "channel" in t.columns:
        cols.append("channel")
    return _unique([*cols, on])


def _values(vocab: pd.DataFrame, column: str) -> list:
    return sorted({v for v in vocab[column] if pd.notna(v)}, key=_sort_key)


def _sort_key(value):
    return (str(type(value)), value)


def _none_last(value):
    return (value is None, "" if value is None else str(value))


def _position(values: list, value) -> int:
    return len(values) if value is None or pd.isna(value) else values.index(value)


def _code(column, values: list):
    """A column's values as whole numbers 0..n-1 in sorted order (n for missing).

    Small integers sort, partition and group much faster than text in every engine, and
    their order is the order of the values, so ties are broken the same way everywhere.
    """
    import ibis

    if not values:
        return ibis.literal(0, "int8")
    literal = ibis.literal(values, type=f"array<{column.type()}>")
    return literal.index(column).fill_null(len(values)).cast(_int_type(len(values) + 1))


def _int_type(size: int) -> str:
    """The smallest signed integer type holding 0..size-1: narrower sort keys sort faster."""
    for name, bits in (("int8", 7), ("int16", 15), ("int32", 31)):
        if size <= 2**bits:
            return name
    return "int64"


def _order_keys(t, vocab: pd.DataFrame, on: str = "touchpoint") -> dict:
    """Sort keys that put a customer's events in the canonical order, as named columns.

    Time first; ties by touchpoint, then channel, then ``on``. Keys that cannot change the
    sequence of ``on`` values are left out (ordering ties by channel cannot change a sequence
    of touchpoints), since every key makes the sort wider.
    """
    keys = {"_order_touchpoint": _code(t.touchpoint, _values(vocab, "touchpoint"))}
    if on != "touchpoint" and "channel" in vocab.columns:
        keys["_order_channel"] = _code(t.channel, _values(vocab, "channel"))
    if on not in ("touchpoint", "channel"):
        keys["_order_on"] = _code(t[on], _values(vocab, on))
    return keys


def _interval(delta: pd.Timedelta):
    import ibis

    return ibis.interval(microseconds=int(delta // pd.Timedelta(microseconds=1)))


def _timedelta(value, name: str) -> pd.Timedelta:
    try:
        delta = pd.Timedelta(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a duration such as '30min' or '7D', not "
                         f"{value!r}") from err
    if pd.isna(delta) or delta <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration, not {value!r}")
    return delta


def _timestamp(value, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a date-time, not {value!r}") from err
    return stamp.tz_localize("UTC") if stamp.tz is None else stamp.tz_convert("UTC")


def _steps(steps) -> list[str]:
    if isinstance(steps, str) or not isinstance(steps, Sequence) or len(steps) < 1:
        raise ValueError("steps must be a list of one or more touchpoint names")
    steps = [str(s) for s in steps]
    if len(set(steps)) != len(steps):
        raise ValueError(f"each touchpoint may appear once in steps: {steps}")
    return steps


def _as_list(value, name: str) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(v, str) for v in items):
        raise ValueError(f"{name} must be a column name or a list of column names")
    return items


def _unique(items):
    return list(dict.fromkeys(items))


def _utc(values: pd.Series) -> pd.Series:
    values = values.dt.tz_localize("UTC") if values.dt.tz is None else values.dt.tz_convert("UTC")
    return values.astype("datetime64[ns, UTC]")


def _tidy(frame: pd.DataFrame, ints=()) -> pd.DataFrame:
    for col in ints:
        if col in frame:
            frame[col] = frame[col].astype(np.int64)
    return frame.reset_index(drop=True)
