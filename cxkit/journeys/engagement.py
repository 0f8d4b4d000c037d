"""Behavioural engagement from the event log: the behavioural dimension of engagement
(*coinvolgimento*), per customer and period; and engagement as a constant dialogue (two-way
contacts month after month, across channels)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .._results import Result
from ._events import CUSTOMER, TIME, checked_events, naive_utc

__all__ = ["BehaviouralEngagement", "behavioural_engagement", "dialogue"]


@dataclass(frozen=True, repr=False)
class BehaviouralEngagement(Result):
    """Engagement-level events per customer and period, per customer and per touchpoint.

    Counts, not estimates: ``fit`` is ``None`` and there is no confidence interval.

    Attributes
    ----------
    per_period : DataFrame
        One row per customer and period from their first to their last event (quiet periods
        included, with 0): ``customer_id``, ``period``, ``events`` (all events),
        ``engagement_events``.
    per_customer : DataFrame
        ``customer_id``, ``active_periods``, ``events``, ``engagement_events``,
        ``unclassified_events`` (events whose touchpoint has no level),
        ``engagement_per_period`` (engagement events per active period).
    by_touchpoint : DataFrame
        Engagement-level touchpoints: ``touchpoint``, ``events``, ``customers``,
        ``share_of_engagement_events``, most frequent first.
    per : str
        The period (a pandas period alias such as ``"M"``).
    """

    per_period: pd.DataFrame
    per_customer: pd.DataFrame
    by_touchpoint: pd.DataFrame
    per: str

    _label_columns = ("customer_id",)

    def to_frame(self) -> pd.DataFrame:
        """The ``per_customer`` table."""
        return self.per_customer.copy()

    def summary(self) -> str:
        """Median engagement rate and the top touchpoint in one sentence."""
        rate = self.per_customer["engagement_per_period"].median()
        top = self.by_touchpoint["touchpoint"].iloc[0] if len(self.by_touchpoint) else "none"
        return (f"{len(self.per_customer):,} customers; median {rate:.2f} engagement events "
                f"per period ({self.per}); most frequent engagement touchpoint: {top}.")


@shared_docs
def behavioural_engagement(events: pd.DataFrame, *, per: str = "M",
                           catalogue: pd.DataFrame | None = None) -> BehaviouralEngagement:
    """Behavioural engagement from events: engagement-level events per customer per period.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime), ``touchpoint`` and the
        catalogue's ``level``.
    per : str
        The period, as a pandas period alias: ``"M"`` (calendar month), ``"W"`` (week),
        ``"Q"`` (quarter)…
    {doc:catalogue}

    Returns
    -------
    BehaviouralEngagement
        ``.per_period``, ``.per_customer`` (also ``.to_frame()``) and ``.by_touchpoint``;
        every column is listed in :class:`BehaviouralEngagement`.

    Raises
    ------
    DataError
        No rows; a missing column; a missing customer id or time, a timestamp column that is
        not datetime, or a level outside the three (the error names the rows).

    Notes
    -----
    Engagement here is the catalogue's *engagement* level: one-way customer behaviour that is
    not an interaction (Smuda, seed 000) — browsing, opening and clicking e-mails, using the
    app — the behavioural dimension of engagement (seed 002) seen in the data rather than in a
    questionnaire. A customer's *active periods* are the calendar periods from the one of
    their first event to the one of their last event of any level, quiet periods included;
    ``engagement_per_period`` is engagement events divided by active periods. The first and
    last periods count whole even when the customer was there for part of them, which lowers
    the rate of short-lived customers; for a rate per unit of exposure use exact dates.
    Times are read in UTC.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import behavioural_engagement
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-02",
    ...                                  "2024-02-11"], utc=True),
    ...     "touchpoint": ["web_visit", "email_click", "purchase", "app_open"]})
    >>> result = behavioural_engagement(events)
    >>> result.per_customer[["customer_id", "active_periods", "engagement_events",
    ...                      "engagement_per_period"]]
      customer_id  active_periods  engagement_events  engagement_per_period
    0           a               3                  2               0.666667
    1           b               1                  1               1.000000
    >>> result.per_period
      customer_id   period  events  engagement_events
    0           a  2024-01       2                  2
    1           a  2024-02       0                  0
    2           a  2024-03       1                  0
    3           b  2024-02       1                  1
    """
    _check.period_alias(per, "per")
    ev = checked_events(events, [CUSTOMER, TIME, "touchpoint"], classify_by=["level"],
                        catalogue=catalogue)
    times = pd.Series(naive_utc(ev[TIME]))
    ordinal = times.dt.to_period(per).array.asi8
    engaged = (ev["level"] == "engagement").to_numpy()
    unknown = ev["level"].isna().to_numpy()
    codes, ids = pd.factorize(ev[CUSTOMER], sort=True)
    first = np.full(len(ids), np.iinfo("int64").max)
    last = np.full(len(ids), np.iinfo("int64").min)
    np.minimum.at(first, codes, ordinal)
    np.maximum.at(last, codes, ordinal)
    # one slot per customer and period from their first to their last period
    span = last - first + 1
    start = np.cumsum(span) - span
    row_customer = np.repeat(np.arange(len(ids)), span)
    row_ordinal = first[row_customer] + np.arange(span.sum()) - start[row_customer]
    slot = start[codes] + (ordinal - first[codes])
    all_events = np.bincount(slot, minlength=span.sum())
    engagement_events = np.bincount(slot, weights=engaged, minlength=span.sum()).astype(int)
    per_period = pd.DataFrame({
        CUSTOMER: np.asarray(ids)[row_customer],
        "period": pd.PeriodIndex.from_ordinals(row_ordinal, freq=per),
        "events": all_events.astype("int64"),
        "engagement_events": engagement_events.astype("int64")})
    per_customer = pd.DataFrame({
        CUSTOMER: np.asarray(ids), "active_periods": span.astype("int64"),
        "events": np.bincount(codes, minlength=len(ids)).astype("int64"),
        "engagement_events": np.bincount(codes, weights=engaged,
                                         minlength=len(ids)).astype("int64"),
        "unclassified_events": np.bincount(codes, weights=unknown,
                                           minlength=len(ids)).astype("int64")})
    per_customer["engagement_per_period"] = (per_customer["engagement_events"]
                                             / per_customer["active_periods"])
    eng = ev.loc[engaged]
    by_touchpoint = (eng.groupby(eng["touchpoint"].astype(str), sort=True)
                     .agg(events=(CUSTOMER, "size"), customers=(CUSTOMER, "nunique"))
                     .reset_index()
                     .astype({"events": "int64", "customers": "int64"}))
    total = by_touchpoint["events"].sum()
    by_touchpoint["share_of_engagement_events"] = (by_touchpoint["events"] / total
                                                   if total else np.nan)
    by_touchpoint = by_touchpoint.sort_values(["events", "touchpoint"],
                                              ascending=[False, True]).reset_index(drop=True)
    return BehaviouralEngagement(per_period=per_period, per_customer=per_customer,
                                 by_touchpoint=by_touchpoint, per=per)




@shared_docs
def dialogue(events: pd.DataFrame, *, per: str = "M",
             catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Engagement as a constant dialogue: per customer, the periods with a two-way contact and
    the channels used.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime), ``touchpoint`` and the
        catalogue's ``level`` (and ``channel``; both are taken from the catalogue when absent).
    per : str
        The period, as a pandas period alias: ``"M"`` (calendar month), ``"W"``, ``"Q"``…
    {doc:catalogue}

    Returns
    -------
    DataFrame
        One row per customer, sorted by ``customer_id``: ``active_periods`` (periods from the
        first to the last event of any level, quiet ones included), ``dialogue_periods``
        (periods with at least one interaction-level event, a two-way contact),
        ``dialogue_share`` (``dialogue_periods / active_periods``), ``channels`` (distinct
        channels of all the customer's events), ``dialogue_channels`` (distinct channels of
        their two-way contacts) and ``unclassified_events`` (events whose touchpoint has no
        level: in no count of two-way contacts, never dropped silently).

    Raises
    ------
    DataError
        No rows; a missing column; a missing customer id or time, a timestamp column that is
        not datetime, or a level outside the three (the error names the rows).

    Notes
    -----
    AIR Communication (seed 002) defines customer engagement as the set of interactions,
    carried over several channels, that build a relationship, and says it rests on a *costante
    dialogo* — a constant dialogue — with the customer. A dialogue is two-way, so this counts
    the catalogue's *interaction* level (a two-way exchange; Manning, seed 000), not its
    *engagement* level (one-way behaviour; Smuda, seed 000, measured by
    :func:`behavioural_engagement`): how regularly (``dialogue_share``) and over how many
    channels (``dialogue_channels``) the customer and the firm talk. Active periods are
    counted as in :func:`behavioural_engagement`; times are read in UTC.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.journeys import dialogue
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-10",
    ...                                  "2024-03-02", "2024-02-11"], utc=True),
    ...     "touchpoint": ["purchase", "support_chat", "web_visit", "store_visit",
    ...                    "email_open"]})
    >>> dialogue(events)[["customer_id", "active_periods", "dialogue_periods", "channels",
    ...                   "dialogue_channels"]]
      customer_id  active_periods  dialogue_periods  channels  dialogue_channels
    0           a               3                 2         3                  3
    1           b               1                 0         1                  0
    """
    _check.period_alias(per, "per")
    ev = checked_events(events, [CUSTOMER, TIME, "touchpoint"], classify_by=["level", "channel"],
                        catalogue=catalogue)
    ordinal = pd.Series(pd.Series(naive_utc(ev[TIME])).dt.to_period(per).array.asi8,
                        index=ev.index)
    customer = ev[CUSTOMER]
    span = ordinal.groupby(customer).agg(["min", "max"])
    two_way = ev["level"] == "interaction"
    out = pd.DataFrame({"active_periods": (span["max"] - span["min"] + 1).astype("int64")})
    out["dialogue_periods"] = ordinal[two_way].groupby(customer[two_way]).nunique()
    out["dialogue_periods"] = out["dialogue_periods"].fillna(0).astype("int64")
    out["dialogue_share"] = out["dialogue_periods"] / out["active_periods"]
    out["channels"] = ev["channel"].groupby(customer).nunique().astype("int64")
    out["dialogue_channels"] = (ev.loc[two_way, "channel"].groupby(customer[two_way]).nunique()
                                .reindex(out.index).fillna(0).astype("int64"))
    out["unclassified_events"] = ev["level"].isna().groupby(customer).sum().astype("int64")
    out = out.sort_index()
    out.index.name = CUSTOMER
    return out.reset_index()
