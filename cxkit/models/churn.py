"""Churn episodes: the counting-process table of churn after service failures.

:func:`churn_episodes` builds, from observed data only (the journey events and the customer
table), one row per customer and period, split at the first service failure and at the
resolution of the complaint, so that :func:`cxkit.models.cox` with ``entry="entry"`` estimates
how much an unresolved (and a resolved) failure multiplies the hazard of churn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError

__all__ = ["EPISODE_TRAITS", "churn_episodes"]

#: Observed customer traits :func:`churn_episodes` copies to every period by default (the
#: columns of the customer table of :func:`cxkit.simulate_study` an analyst can see).
EPISODE_TRAITS = ("segment", "region", "preferred_channel", "age_band", "email_arm")

_ONE_DAY = pd.Timedelta(days=1)


def churn_episodes(events: pd.DataFrame, customers: pd.DataFrame, *, end, start=None,
                   traits: Sequence[str] = EPISODE_TRAITS) -> pd.DataFrame:
    """Counting-process table of churn after service failures, built from observed data only.

    Each customer's follow-up is split into periods at their first service failure and at
    the resolution of their complaint, so that :func:`cxkit.models.cox` with
    ``entry="entry"`` estimates how much an unresolved (and a resolved) failure multiplies the
    hazard of churn.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime) and ``touchpoint``; only
        ``service_failure`` and ``complaint_resolved`` events are used.
    customers : DataFrame
        One row per customer with ``customer_id``, ``signup_date``, ``churned`` (true/false)
        and ``churn_date`` (a date; may be missing when ``churned`` is false), plus the
        ``traits`` columns (the customer table of :func:`cxkit.simulate_study` and
        :func:`cxkit.datasets.load_sample`).
    end : date-like
        The last day observed (inclusive): customers still active are censored at the end of
        this day; a churn dated after it is not observed.
    start : date-like, optional
        The first day observed. Customers who signed up earlier are followed from this day.
        By default the calendar day of the earliest event in ``events``.
    traits : sequence of str
        Customer columns copied to every period (covariates that do not change).

    Returns
    -------
    DataFrame
        One row per customer and period, sorted by customer and time, with columns

        - ``customer_id``;
        - ``entry``, ``exit``: the period (entry, exit], in days since the customer's time
          origin, the later of ``signup_date`` and ``start``;
        - ``churned``: 1 when the customer churned at ``exit`` (only on the last period),
          else 0;
        - ``failure_unresolved``: 1 from the first service failure until a
          ``complaint_resolved`` event follows it (for good, if none does), else 0;
        - ``failure_resolved``: 1 from that ``complaint_resolved`` event on, else 0;
        - the ``traits`` columns.

        ``attrs`` holds ``start``, ``end``, ``n_customers`` (customers in the table),
        ``excluded`` (customers left out, by reason: signed up after ``end``, churned before
        ``start``) and ``failures_of_unknown_customers`` (``service_failure`` events of
        customers not in the table, not used).

    Raises
    ------
    DataError
        A column is absent; timestamps or dates that are not dates; duplicate customer ids;
        missing sign-up dates or churn flags; a churned customer without a churn date; a churn
        date before the sign-up date.

    Notes
    -----
    Time is measured in days from each customer's origin :math:`o_i = \\max(\\text{signup}_i,
    \\text{start})`. ``churn_date`` is a calendar day, so the churn is placed at the end of that
    day, :math:`\\text{exit}_i = \\text{churn\\_date}_i + 1\\,\\text{day} - o_i` (a customer
    who churns on the day they sign up gets one day of follow-up); a customer still active is
    censored at :math:`\\text{end} + 1\\,\\text{day} - o_i`. Failure and resolution times keep
    their time of day. With :math:`f_i` the first ``service_failure`` and :math:`r_i` the first
    ``complaint_resolved`` after it (both in days from :math:`o_i`), the periods are

    .. math::

        (0, f_i]:\\ \\text{no failure};\\quad
        (f_i, r_i]:\\ \\text{failure\\_unresolved} = 1;\\quad
        (r_i, \\text{exit}_i]:\\ \\text{failure\\_resolved} = 1,

    leaving out those that do not exist (no failure, no resolution before exit). A failure
    before the origin puts the customer in the failed state from the start. Later failures
    are not counted: the state is defined by the first one.

    *Why the resolved state starts at the resolution, not at the failure.* Whether a complaint
    will be resolved is known only when it is; coding a customer as "resolved" from the day of
    the failure would use the future (look-ahead): a customer who churns between failure and
    resolution never gets a resolution, so the churns in that window would all land in the
    unresolved group, and the resolved group would be credited with days in which it could not
    have churned (*immortal time*): both make resolution look better than it is. Here the
    days between failure and resolution count as unresolved, which is what the customer lived
    through, and the covariates at any time use only the events up to that time.

    :func:`cxkit.simulate_study` takes a shortcut here: it decides at the failure whether the
    complaint will be resolved and applies the resolved hazard ratio from the failure on. So in
    simulated data the days between a failure and its resolution (a few days) carry the
    resolved hazard ratio while this table codes them ``failure_unresolved``; in the bundled
    sample they are about 1 % of the unresolved follow-up, which moves the hazard ratio the
    table can recover from 2.5 to about 2.48 (chapter 16 of the book computes it).

    The time origin is study time (days since the customer was first observed). For a
    constant hazard, as in :func:`cxkit.simulate_study`, this is harmless; if the hazard
    depends on tenure, use days since sign-up as the time scale with delayed entry for
    customers who joined before ``start`` (add the tenure at the origin to ``entry`` and
    ``exit``). Dates are compared as UTC calendar days (time-zone-aware timestamps are
    converted to UTC).

    A trait that drives churn but is not among the covariates (brand affinity, in the
    simulator) biases the hazard ratios of failures towards 1 even when it is unrelated to who
    fails: after a failure the fragile customers leave first, so the failed customers still at
    risk are increasingly the loyal ones (unmeasured *frailty*). Adjust for what you can
    observe (``traits``); for a trait unrelated to who fails, the hazard ratio of the
    remaining model understates the effect of a failure on an individual customer.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import churn_episodes, cox
    >>> study = cxkit.simulate_study(500, seed=1)
    >>> episodes = churn_episodes(study.events, study.customers, end="2025-12-31")
    >>> episodes.columns.tolist()[:6]
    ['customer_id', 'entry', 'exit', 'churned', 'failure_unresolved', 'failure_resolved']
    >>> int(episodes.groupby("customer_id")["churned"].sum().max())
    1
    >>> fit = cox(episodes, duration="exit", entry="entry", event="churned",
    ...           covariates=["failure_unresolved", "failure_resolved"])
    >>> fit.hazard_ratios["covariate"].tolist()
    ['failure_unresolved', 'failure_resolved']
    """
    traits = [traits] if isinstance(traits, str) else list(traits)
    _check.table(events, ["customer_id", "timestamp", "touchpoint"], what="events")
    _check.table(customers, ["customer_id", "signup_date", "churned", "churn_date", *traits],
                 what="customers")
    ids = customers["customer_id"].reset_index(drop=True)
    _check.refuse_rows(ids.duplicated(keep=False), "customer id appears more than once",
                       "customer_id", "one row per customer", what="customers")
    _check.refuse_rows(ids.isna(), "missing customer id", "customer_id", "an id on every row",
                       what="customers")
    stamps = _check.datetimes(events, "timestamp", what="events")
    start = stamps.min().normalize() if start is None else _check.day(start, "start")
    end = _check.day(end, "end")
    if pd.isna(start):
        raise DataError("the events table has no timestamps to take the start from",
                        column="timestamp", expected="events, or start=")
    if end < start:
        raise ValueError(f"end ({end.date()}) is before start ({start.date()})")

    signup = _check.datetimes(customers, "signup_date", what="customers")
    _check.refuse_rows(signup.isna(), "missing sign-up date", "signup_date",
                       "a date on every row", what="customers")
    churned = _check.flags(customers, "churned", missing=False).to_numpy().astype(bool)
    churn_day = _check.datetimes(customers, "churn_date", what="customers").dt.normalize()
    _check.refuse_rows(churned & churn_day.isna().to_numpy(), "churned without a churn date",
                       ["churned", "churn_date"], "a churn_date for every churned customer",
                       what="customers")
    _check.refuse_rows(churned & (churn_day < signup.dt.normalize()).to_numpy(),
                       "churn date before the sign-up date", ["signup_date", "churn_date"],
                       "churn_date on or after signup_date", what="customers")

    origin = signup.where(signup > start, start)
    censor_at = end + _ONE_DAY
    seen_churn = churned & (churn_day <= end).to_numpy()
    exit_time = churn_day.where(seen_churn, censor_at - _ONE_DAY) + _ONE_DAY
    after_end = (origin >= censor_at).to_numpy()
    before_start = (seen_churn & (exit_time <= origin)).to_numpy() & ~after_end
    keep = ~(after_end | before_start)
    people = pd.DataFrame({"customer_id": ids, "origin": origin,
                           "exit": (exit_time - origin) / _ONE_DAY,
                           "churned": seen_churn.astype(int)})
    people = people.join(customers[traits].reset_index(drop=True))[keep]

    failure, resolution = _failure_and_resolution(events, stamps)
    people = people.merge(failure, on="customer_id", how="left")
    people = people.merge(resolution, on="customer_id", how="left")
    periods = _periods(people)
    out = periods.merge(people[["customer_id", "churned", *traits]], on="customer_id",
                        how="left", suffixes=("_row", ""))
    out["churned"] = (out["churned"].astype(bool) & out["last"]).astype(int)
    out = out[["customer_id", "entry", "exit", "churned", "failure_unresolved",
               "failure_resolved", *traits]]
    out = out.sort_values(["customer_id", "entry"], kind="stable").reset_index(drop=True)
    unknown = ((events["touchpoint"] == "service_failure")
               & ~events["customer_id"].isin(ids)).to_numpy()
    out.attrs = {"start": start, "end": end, "n_customers": int(keep.sum()),
                 "excluded": {"signed up after end": int(after_end.sum()),
                              "churned before start": int(before_start.sum())},
                 "failures_of_unknown_customers": int(unknown.sum())}
    return out


def _failure_and_resolution(events: pd.DataFrame, stamps: pd.Series):
    """First service failure per customer and the first complaint resolution after it."""
    touchpoint = events["touchpoint"].reset_index(drop=True)
    ids = events["customer_id"].reset_index(drop=True)
    is_failure = (touchpoint == "service_failure").to_numpy()
    failure = (pd.DataFrame({"customer_id": ids[is_failure], "failure_at": stamps[is_failure]})
               .groupby("customer_id", as_index=False)["failure_at"].min())
    is_resolution = (touchpoint == "complaint_resolved").to_numpy()
    resolved = pd.DataFrame({"customer_id": ids[is_resolution],
                             "resolved_at": stamps[is_resolution]})
    resolved = resolved.merge(failure, on="customer_id")
    resolution = (resolved[resolved["resolved_at"] > resolved["failure_at"]]
                  .groupby("customer_id", as_index=False)["resolved_at"].min())
    return failure, resolution


def _periods(people: pd.DataFrame) -> pd.DataFrame:
    """Split each customer's (0, exit] at the failure and the resolution (days from origin)."""
    exit_ = people["exit"].to_numpy(dtype=float)

    def days(column):
        at = ((people[column] - people["origin"]) / _ONE_DAY).to_numpy(dtype=float)
        at = np.clip(at, 0.0, None)  # before the origin: in that state from the start
        return np.where(at < exit_, at, np.nan)  # at or after exit: never reached

    fail = days("failure_at")
    resolve = np.where(np.isnan(fail), np.nan, days("resolved_at"))
    before_end = np.where(np.isnan(fail), exit_, fail)
    unresolved_end = np.where(np.isnan(resolve), exit_, resolve)
    ids = people["customer_id"].to_numpy()
    pieces = [(np.zeros_like(exit_), before_end, 0, 0),
              (fail, unresolved_end, 1, 0),
              (resolve, exit_, 0, 1)]
    frames = []
    for entry, stop, unresolved, resolved in pieces:
        ok = ~np.isnan(entry) & (entry < stop)
        frames.append(pd.DataFrame({"customer_id": ids[ok], "entry": entry[ok],
                                    "exit": stop[ok], "failure_unresolved": unresolved,
                                    "failure_resolved": resolved, "last": stop[ok] == exit_[ok]}))
    return pd.concat(frames, ignore_index=True)


