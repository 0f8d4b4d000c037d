"""Credit for conversions by rule (last touch, first touch) and by the Shapley value of the
channels' coalitions (Shao & Li, 2011; Dalessandro et al., 2012), on an engine (see
:mod:`cxkit.journeys`).

The engine selects the needed columns; the journeys are cut in pandas (one row per event of
the log comes back, so these functions suit logs that fit in memory)."""

from __future__ import annotations

from math import factorial

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._docstrings import shared_docs
from ._common import JOURNEY_DOCS, none_last, prepared, vocabulary
from ._engine import event_table, fetch

__all__ = ["first_touch_attribution", "last_touch_attribution", "shapley_attribution"]

#: the most values of ``by`` :func:`shapley_attribution` takes (2**12 coalitions)
MAX_PLAYERS = 12

_DOCS = {
    **JOURNEY_DOCS,
    "credit_args": (
        "conversion : str or list of str\n"
        "        The touchpoint(s) that count as a conversion.\n"
        "    by : str\n"
        "        The column whose values get the credit: ``\"channel\"`` (default) or\n"
        "        ``\"touchpoint\"``, ``\"stage\"`` …\n"
        "    lookback : str, Timedelta or None\n"
        "        Only touches within ``lookback`` before the end of their journey count\n"
        "        (``\"7D\"``); ``None`` (default): the whole journey.\n"
        "    touches : str, list of str or None\n"
        "        The touchpoints that count as touches (e.g. only the exposures); ``None``\n"
        "        (default): every event that is not a conversion."
    ),
    "credit_returns": (
        "DataFrame\n"
        "        One row per value of ``by`` seen among the touches, sorted by descending\n"
        "        credit, with columns ``<by>``, ``conversions`` (conversions credited to it) and\n"
        "        ``share`` (``conversions`` divided by all conversions in the log). ``attrs``\n"
        "        holds ``conversions`` (in the log), ``journeys``, ``unattributed``\n"
        "        (conversions without a touch in their journey and window: credited to no one,\n"
        "        so the shares add up to 1 minus their share), ``missing_by`` (touches without\n"
        "        a value of ``by``, left out) and ``lookback``."
    ),
    "journeys_note": (
        "**Journeys.** As in :func:`markov_attribution`, each customer's events, in order,\n"
        "    are cut after every conversion; the events after the customer's last conversion\n"
        "    form a journey that did not convert. A journey's touches are its events that are\n"
        "    not conversions (and, with ``touches``, are of those touchpoints), within\n"
        "    ``lookback`` before the journey's last event."
    ),
}


def _journeys(events, conversion, by, lookback, touches, engine):
    """The touches (customer's journey number, value of ``by``, converted) in order, and the
    conversions and journeys of the log."""
    targets = _check.value_names(conversion, "conversion", noun="touchpoint name")
    kinds = None if touches is None else _check.value_names(touches, "touches",
                                                             noun="touchpoint name",
                                                             single=False)
    window = None if lookback is None else _check.timedelta(lookback, "lookback")
    with event_table(events, engine) as table:
        t = prepared(table, optional=("channel",), extra=[by])
        vocabulary(t, [])  # refuses an empty log and missing ids, times or touchpoints
        ev = fetch(t)
    order = list(dict.fromkeys(["customer_id", "timestamp", "touchpoint",
                                *(["channel"] if "channel" in ev.columns else [])]))
    ev = ev.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)
    is_conv = ev["touchpoint"].isin(targets).to_numpy()
    conversions = int(is_conv.sum())
    if conversions == 0:
        raise DataError(f"no conversion event ({', '.join(targets)}) in the log",
                        column="touchpoint", expected="at least one conversion")
    conv = pd.Series(is_conv.astype(int))
    journey = (conv.groupby(ev["customer_id"]).cumsum() - conv).to_numpy()
    ev = ev.assign(_journey=journey, _conv=is_conv)
    keys = ["customer_id", "_journey"]
    grouped = ev.groupby(keys, sort=False)
    ev["_end"] = grouped["timestamp"].transform("max")
    ev["_converted"] = grouped["_conv"].transform("max")
    n_journeys = int(grouped.ngroups)
    touch = ~ev["_conv"]
    if kinds is not None:
        touch &= ev["touchpoint"].isin(kinds)
    if window is not None:
        touch &= ev["timestamp"] >= ev["_end"] - window
    missing = int((touch & ev[by].isna()).sum())
    touch &= ev[by].notna()
    rows = ev.loc[touch, [*keys, by, "_converted"]]
    info = dict(conversions=conversions, journeys=n_journeys, missing_by=missing,
                lookback=window)
    return rows, info


def _table(credit: pd.Series, by: str, info: dict, unattributed) -> pd.DataFrame:
    values = sorted(credit.index, key=none_last)
    credit = credit.reindex(values)
    out = pd.DataFrame({by: values, "conversions": credit.to_numpy(dtype=float)})
    out["share"] = out["conversions"] / info["conversions"]
    out = out.sort_values(["conversions", by], ascending=[False, True]).reset_index(drop=True)
    out.attrs.update(info, unattributed=unattributed)
    return out


def _rule(events, conversion, by, lookback, touches, engine, *, last: bool) -> pd.DataFrame:
    rows, info = _journeys(events, conversion, by, lookback, touches, engine)
    seen = rows[by].unique()
    won = rows[rows["_converted"]].drop_duplicates(["customer_id", "_journey"],
                                                   keep="last" if last else "first")
    credit = won[by].value_counts().reindex(seen, fill_value=0)
    return _table(credit, by, info, info["conversions"] - int(len(won)))


@shared_docs(extra=_DOCS)
def last_touch_attribution(events, *, conversion="purchase", by="channel", lookback=None,
                           touches=None, engine=None) -> pd.DataFrame:
    """Credit for conversions by the *last touch*: each conversion goes to the value of ``by``
    of the last touch of its journey.

    Parameters
    ----------
    {doc:events}
    {doc:credit_args}
    {doc:engine}

    Returns
    -------
    {doc:credit_returns}

    Raises
    ------
    DataError
        No event of the conversion touchpoint(s) in the log.

    Notes
    -----
    {doc:journeys_note} {doc:order}

    The rule is the web-analytics default. It credits the step next to the conversion —
    usually the visit in which it happened — and none of what led there.

    See Also
    --------
    first_touch_attribution, shapley_attribution, markov_attribution

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import journeys
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03",
    ...                                  "2025-01-01", "2025-01-02"]),
    ...     "touchpoint": ["email_received", "web_visit", "purchase", "ad_impression",
    ...                    "purchase"],
    ...     "channel": ["email", "web", "web", "media", "web"]})
    >>> journeys.last_touch_attribution(events)
      channel  conversions  share
    0   media          1.0    0.5
    1     web          1.0    0.5
    2   email          0.0    0.0
    """
    return _rule(events, conversion, by, lookback, touches, engine, last=True)


@shared_docs(extra=_DOCS)
def first_touch_attribution(events, *, conversion="purchase", by="channel", lookback=None,
                            touches=None, engine=None) -> pd.DataFrame:
    """Credit for conversions by the *first touch*: each conversion goes to the value of
    ``by`` of the first touch of its journey (within ``lookback``).

    Parameters
    ----------
    {doc:events}
    {doc:credit_args}
    {doc:engine}

    Returns
    -------
    {doc:credit_returns}

    Raises
    ------
    DataError
        No event of the conversion touchpoint(s) in the log.

    Notes
    -----
    {doc:journeys_note} {doc:order}

    See Also
    --------
    last_touch_attribution, shapley_attribution, markov_attribution

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import journeys
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03",
    ...                                  "2025-01-01", "2025-01-02"]),
    ...     "touchpoint": ["email_received", "web_visit", "purchase", "ad_impression",
    ...                    "purchase"],
    ...     "channel": ["email", "web", "web", "media", "web"]})
    >>> journeys.first_touch_attribution(events)
      channel  conversions  share
    0   email          1.0    0.5
    1   media          1.0    0.5
    2     web          0.0    0.0
    """
    return _rule(events, conversion, by, lookback, touches, engine, last=False)


def _shapley(rate: np.ndarray, coalition: int, n: int) -> np.ndarray:
    """Shapley values of the players in ``coalition`` (a bit mask) in the game
    v(S) = rate[S] restricted to the subsets of ``coalition``; v(empty) = 0."""
    members = [k for k in range(n) if coalition >> k & 1]
    size = len(members)
    masks = np.arange(1 << n)
    inside = masks[(masks & ~coalition) == 0]
    counts = np.array([bin(int(m)).count("1") for m in inside])
    v = rate.copy()
    v[0] = 0.0
    phi = np.zeros(n)
    for k in members:
        without = inside[(inside >> k & 1) == 0]
        s = counts[(inside >> k & 1) == 0]
        weight = np.array([factorial(int(j)) * factorial(size - int(j) - 1)
                           for j in s]) / factorial(size)
        phi[k] = float(np.sum(weight * (v[without | (1 << k)] - v[without])))
    return phi


@shared_docs(extra=_DOCS)
def shapley_attribution(events, *, conversion="purchase", by="channel", lookback=None,
                        touches=None, engine=None) -> pd.DataFrame:
    """Credit for conversions by the Shapley value of the coalitions of channels, with the
    conversion rate of each coalition as the game (Shao & Li, 2011; Dalessandro et al., 2012).

    Parameters
    ----------
    {doc:events}
    {doc:credit_args}
    {doc:engine}

    Returns
    -------
    {doc:credit_returns}

    Raises
    ------
    DataError
        No event of the conversion touchpoint(s) in the log; more than 12 values of ``by``
        among the touches (the exact Shapley value sums over :math:`2^{n}` coalitions).

    Notes
    -----
    {doc:journeys_note} {doc:order}

    **The game.** A journey's coalition :math:`A` is the set of values of ``by`` among its
    touches. The worth of a coalition :math:`S` is its conversion rate,
    :math:`v(S) = \\text{converted journeys with coalition } S / \\text{journeys with
    coalition } S`, with :math:`v(S) = 0` for a coalition no journey has and
    :math:`v(\\varnothing) = 0` [1]_ [2]_.

    **The credit.** The conversions of the journeys with coalition :math:`A` are shared among
    its members by their Shapley values in the game restricted to the subsets of :math:`A`,

    .. math::

        \\varphi_k(A) = \\sum_{S \\subseteq A \\setminus \\{k\\}}
        \\frac{|S|!\\,(|A| - |S| - 1)!}{|A|!}\\,\\bigl(v(S \\cup \\{k\\}) - v(S)\\bigr),
        \\qquad
        \\text{conversions}_k = \\sum_A n_A \\frac{\\varphi_k(A)}{v(A)},

    where :math:`n_A` is the number of converted journeys with coalition :math:`A`. The
    :math:`\\varphi_k(A)` add up to :math:`v(A)` (efficiency), so every converted journey with
    a touch hands out exactly one conversion. A member whose coalitions convert less often
    than those without it gets negative credit. Like the other attribution models, the
    credit describes which coalitions go with conversions; it is not the effect of a channel.

    References
    ----------
    .. [1] Shao, X., & Li, L. (2011). Data-driven multi-touch attribution models.
       *Proceedings of the 17th ACM SIGKDD International Conference on Knowledge Discovery
       and Data Mining*, 258–264.
    .. [2] Dalessandro, B., Perlich, C., Stitelman, O., & Provost, F. (2012). Causally
       motivated attribution for online advertising. *Proceedings of the Sixth International
       Workshop on Data Mining for Online Advertising (ADKDD '12)*, 1–9.

    See Also
    --------
    last_touch_attribution, first_touch_attribution, markov_attribution

    Examples
    --------
    Customer ``a``'s e-mail and web journey converts, ``b``'s web-only journey converts,
    ``c``'s e-mail-only journey does not: :math:`v(\\{web\\}) = 1`,
    :math:`v(\\{email\\}) = 0`, :math:`v(\\{email, web\\}) = 1`, so web takes all.

    >>> import pandas as pd
    >>> from cxkit import journeys
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03",
    ...                                  "2025-01-01", "2025-01-02", "2025-01-01"]),
    ...     "touchpoint": ["email_received", "web_visit", "purchase", "web_visit",
    ...                    "purchase", "email_received"],
    ...     "channel": ["email", "web", "web", "web", "web", "email"]})
    >>> journeys.shapley_attribution(events)
      channel  conversions  share
    0     web          2.0    1.0
    1   email          0.0    0.0
    """
    rows, info = _journeys(events, conversion, by, lookback, touches, engine)
    players = sorted(rows[by].unique(), key=none_last)
    n = len(players)
    if n > MAX_PLAYERS:
        raise DataError(f"{n} values of {by!r} among the touches; the exact Shapley value "
                        f"takes at most {MAX_PLAYERS}", column=by,
                        expected=f"at most {MAX_PLAYERS} values (choose a coarser `by`)")
    bit = {p: 1 << k for k, p in enumerate(players)}
    rows = rows.assign(_bit=rows[by].map(bit).astype("int64"))
    # distinct bits add up to their union
    per = rows.drop_duplicates(["customer_id", "_journey", by]).groupby(
        ["customer_id", "_journey"], sort=False).agg(_mask=("_bit", "sum"),
                                                     _converted=("_converted", "first"))
    by_mask = per.groupby("_mask")["_converted"].agg(["sum", "size"])
    rate = np.zeros(1 << n)
    rate[by_mask.index.to_numpy()] = by_mask["sum"] / by_mask["size"]
    credit = np.zeros(n)
    for mask, (won, _) in by_mask.iterrows():
        if won > 0:
            credit += won * _shapley(rate, int(mask), n) / rate[mask]
    attributed = int(by_mask["sum"].sum())
    out = _table(pd.Series(credit, index=players), by, info,
                 info["conversions"] - attributed)
    return out
