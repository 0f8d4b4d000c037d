"""Customer features and sessions from an event log: the customer table that models and
metrics start from, and one row per session.

Queries run on an engine (see :mod:`cxkit.journeys`). :func:`customer_features` sends back
each customer's events as small whole numbers (see :class:`._common.Combinations`) and tallies
them with numpy; :func:`sessions` is one windowed query.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from ..catalogue import LEVELS, STAGES
from ._common import (
    CATEGORIES,
    JOURNEY_DOCS,
    Combinations,
    fits,
    interval,
    needed,
    none_if_missing,
    order_keys,
    packed_events,
    prepared,
    tidy,
    vocabulary,
)
from ._engine import event_table, fetch, fetch_arrow

__all__ = ["customer_features", "sessions"]


# --------------------------------------------------------------------------------------------
# customer features
# --------------------------------------------------------------------------------------------
@shared_docs(extra=JOURNEY_DOCS)
def customer_features(events, *, session_gap="30min", as_of=None,
                      engine=None) -> pd.DataFrame:
    """One row per customer: activity, sessions, timing, and counts per touchpoint, level,
    stage and channel — the customer table that models and metrics start from.

    Parameters
    ----------
    {doc:events}
    {doc:session_gap}
    as_of : str or Timestamp, optional
        The date recency is measured from; by default the latest event in the log. A value
        without a time zone is read as UTC.
    {doc:engine}

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
    gap = _check.timedelta(session_gap, "session_gap")
    as_of = None if as_of is None else _check.utc_time(as_of, "as_of")
    with event_table(events, engine) as table:
        t = prepared(table, optional=("channel", "level", "stage"))
        vocab = vocabulary(t, [c for c in CATEGORIES if c in t.columns])
        combos = Combinations(vocab, [c for c in CATEGORIES if c in t.columns], minimal=True)
        # the cheap key when it leaves room for the log's time span, else the dense number
        dense = not fits(vocab, combos.key_width)
        width = combos.width if dense else combos.key_width
        code = combos.code(t) if dense else combos.key(t)
        inner = t.select("customer_id", _event=packed_events(t, code, width, vocab))
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


def _customer_counts(result, combos: Combinations, decode: np.ndarray, width: int,
                     vocab: pd.DataFrame, as_of):
    """The per-customer columns from the engine's result: a head table and the counts.

    The result's lists of keys are read chunk by chunk, where Arrow holds them (joining the
    chunks first would copy every event).
    """
    columns = [(col, value) for col, known in (("touchpoint", ()), ("level", LEVELS),
                                               ("stage", STAGES), ("channel", ()))
               if col in combos.columns for value in combos.order(col, known)]
    members = [np.flatnonzero([none_if_missing(v) == value for v in combos.rows[col]])
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
@shared_docs(extra=JOURNEY_DOCS)
def sessions(events, *, session_gap="30min", engine=None) -> pd.DataFrame:
    """Split each customer's events into sessions and describe every session.

    Parameters
    ----------
    {doc:events}
    {doc:session_gap}
    {doc:engine}

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
    {doc:order}

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

    gap = _check.timedelta(session_gap, "session_gap")
    with event_table(events, engine) as table:
        t = prepared(table, optional=("channel",))
        vocab = vocabulary(t, needed(t))
        keys = order_keys(t, vocab)
        base = t.mutate(**keys)
        step = base.mutate(
            _prev=base.timestamp.lag().over(ibis.window(group_by="customer_id",
                                                        order_by="timestamp")),
            _rank=ibis.row_number().over(ibis.window(group_by="customer_id",
                                                     order_by=["timestamp", *keys])))
        new = (step._prev.isnull() | (step.timestamp >= step._prev + interval(gap)))
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
    return tidy(out, ints=("session", "events", "channels"))

