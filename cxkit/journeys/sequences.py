"""Sequences of a customer's events: first-order transitions, the most common paths
("variants") and ordered funnels, on an engine (see :mod:`cxkit.journeys`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _cells, _check
from .._docstrings import shared_docs
from ._common import (
    JOURNEY_DOCS,
    Combinations,
    interval,
    needed,
    none_if_missing,
    order_keys,
    packed_events,
    prepared,
    tidy,
    vocabulary,
)
from ._engine import event_table, fetch

__all__ = ["funnel", "paths", "transitions"]


# --------------------------------------------------------------------------------------------
# transitions and paths
# --------------------------------------------------------------------------------------------
@shared_docs(extra={**JOURNEY_DOCS, **_cells.DOCS})
def transitions(events, *, by=None, on="touchpoint", engine=None,
                min_n: int | None = None) -> pd.DataFrame:
    """How often each touchpoint is followed by each other: the first-order transition counts
    and probabilities of the customers' journeys.

    Parameters
    ----------
    {doc:events}
    by : str or list of str, optional
        Column(s) splitting the log into groups (a segment, a region, a campaign arm…):
        transitions are counted within each group's part of every customer's journey, and
        probabilities are conditional on the group.
    on : str
        The column whose values are the states: ``"touchpoint"`` (default), ``"channel"``,
        ``"stage"`` …
    {doc:engine}
    {doc:min_n}
        With ``by`` only: a group is the distinct ``customer_id`` values of its events.

    Returns
    -------
    DataFrame
        One row per observed pair, with columns: the ``by`` column(s); ``<on>`` (the state,
        e.g. ``touchpoint``); ``next_<on>`` (the state of the customer's next event);
        ``transitions`` (how many times the pair occurs); ``probability`` (``transitions``
        divided by all transitions out of ``<on>`` in the group: the maximum-likelihood
        estimate of the transition probability). Sorted by group, state and descending
        count. A customer's last event has no next state and is not counted; a missing
        ``on`` value is a state of its own (shown as missing). With ``by``, ``suppressed``
        marks a group of fewer than ``min_n`` customers, shown as one row without values.

    Notes
    -----
    {doc:order}

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
    by = _check.optional_list(by, "by")
    min_n = _cells.min_n(min_n)
    with event_table(events, engine) as table:
        t = prepared(table, optional=("channel",), extra=[on, *by])
        vocab = vocabulary(t, needed(t, on))
        order = Combinations(vocab, needed(t, on))
        width = order.width
        # each customer's events packed (time, then tie order) and sorted; a pair of
        # neighbours in that list is a transition, counted by its two tie-order numbers
        events_ = t.select(*by, "customer_id",
                           _event=packed_events(t, order.code(t), width, vocab))
        per = events_.group_by([*by, "customer_id"]).agg(_events=events_._event.collect().sort())
        seq = per._events
        pair = seq[:-1].map(lambda x, i: (x % width) * width + seq[i + 1] % width)
        pairs = per.select(*by, _pair=pair.unnest())
        counts = fetch(pairs.group_by([*by, "_pair"]).agg(transitions=pairs.count()))
        people = fetch(per.group_by(by).agg(_people=per.count())) if by else None
    code = counts.pop("_pair").to_numpy(np.int64)
    states = order.rows[on].to_numpy(object)
    counts["_state"], counts["_next"] = states[code // width], states[code % width]
    counts = counts.groupby([*by, "_state", "_next"], dropna=False, sort=False,
                            as_index=False)["transitions"].sum()
    counts[on] = counts.pop("_state").map(none_if_missing)
    counts[f"next_{on}"] = counts.pop("_next").map(none_if_missing)
    out = counts[[*by, on, f"next_{on}", "transitions"]]
    keys = [*by, on]
    out = out.assign(probability=out["transitions"]
                     / out.groupby(keys, dropna=False)["transitions"].transform("sum"))
    out = out.sort_values([*keys, "transitions", f"next_{on}"],
                          ascending=[True] * len(keys) + [False, True])
    out = tidy(out.reset_index(drop=True), ints=("transitions",))
    if not by:
        return out
    counts = out[by].merge(people, on=by, how="left")["_people"].fillna(0)
    return _cells.suppress(out, counts, keys=by, min_n=min_n, unit="customers")


@shared_docs(extra=JOURNEY_DOCS)
def paths(events, *, max_len=None, top=20, on="touchpoint", separator=" > ",
          engine=None) -> pd.DataFrame:
    """The most common journeys ("variants" in process mining): each customer's sequence of
    touchpoints, counted over customers.

    Parameters
    ----------
    {doc:events}
    max_len : int, optional
        Keep only each customer's first ``max_len`` events (journeys that share their
        beginning then count as one variant). By default the whole journey.
    top : int or None
        How many variants to return, most frequent first; ``None`` for all.
    on : str
        The column whose values make the path (``"touchpoint"`` or ``"channel"`` …).
    separator : str
        Text between two steps of a path.
    {doc:engine}

    Returns
    -------
    DataFrame
        One row per variant, most frequent first (ties alphabetically), with columns
        ``path`` (the steps joined by ``separator``), ``steps`` (its length),
        ``customers`` (how many customers followed it) and ``share`` (``customers`` divided
        by all customers in the log).

    Notes
    -----
    {doc:order} Repeated steps are kept (``web_visit > web_visit`` is two visits).

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

    max_len = None if max_len is None else _check.count(max_len, "max_len", minimum=1)
    top = None if top is None else _check.count(top, "top", minimum=1)
    with event_table(events, engine) as table:
        t = prepared(table, optional=("channel",), extra=[on])
        vocab = vocabulary(t, needed(t, on))
        keys = order_keys(t, vocab, on)
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
    return tidy(out, ints=("steps", "customers"))


# --------------------------------------------------------------------------------------------
# funnels
# --------------------------------------------------------------------------------------------
@shared_docs(extra=JOURNEY_DOCS)
def funnel(events, steps: Sequence[str], *, within="7D", engine=None) -> pd.DataFrame:
    """Conversion through an ordered sequence of touchpoints, with drop-off and time to
    convert at every step.

    Parameters
    ----------
    {doc:events}
    steps : list of str
        Touchpoints in funnel order, e.g. ``["product_page_view", "cart_add", "purchase"]``;
        each at most once.
    within : str, Timedelta or None
        The conversion window: later steps count only if they happen within ``within`` of
        the customer's entry into the funnel. ``None`` for no limit.
    {doc:engine}

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
    steps = _check.value_names(steps, "steps", noun="touchpoint name", single=False,
                               distinct=True)
    window = None if within is None else _check.timedelta(within, "within")
    with event_table(events, engine) as table:
        t = prepared(table)
        vocabulary(t, [])
        ev = t.filter(t.touchpoint.isin(steps)).select("customer_id", "timestamp", "touchpoint")
        reached = (ev.filter(ev.touchpoint == steps[0]).group_by("customer_id")
                   .agg(_t0=ev.timestamp.min()))
        for k, name in enumerate(steps[1:], start=1):
            cand = ev.filter(ev.touchpoint == name).select(
                _cid="customer_id", _ts="timestamp")
            cond = [reached.customer_id == cand._cid, cand._ts >= reached[f"_t{k - 1}"]]
            if window is not None:
                cond.append(cand._ts <= reached._t0 + interval(window))
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
