"""What customers bought in a fixed window after a dated event: purchases, spend and value.

:func:`value_after` is the outcome of a causal question about customer value — what did a
policy launch, a complaint or a failed delivery change in the next twelve months' spend? —
one row per (customer, date), so any of the kit's effect estimators can take it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check

__all__ = ["value_after"]


def value_after(events: pd.DataFrame, anchors: pd.DataFrame, *, at: str = "at",
                months: int = 12, discount_rate: float = 0.10, end=None,
                touchpoint="purchase", value: str = "value") -> pd.DataFrame:
    """Purchases, spend and discounted value of each customer in the months after a date.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp``, ``touchpoint`` and the amount
        column ``value``.
    anchors : DataFrame
        One row per window: ``customer_id`` and the date ``at`` it starts (a customer may have
        several rows); other columns are kept.
    at : str
        The column of ``anchors`` holding the start of each window (inclusive).
    months : int
        Length of the window in calendar months: from ``at`` up to, not including,
        ``at + months`` months.
    discount_rate : float
        Annual discount rate of ``value``: an amount paid ``d`` days after ``at`` counts
        ``(1 + discount_rate) ** (-d / 365.25)`` (continuous discounting; 0: no discounting).
    end : date-like, optional
        First day after the observation period (e.g. ``"2026-01-01"`` when events run to the
        end of 2025). Windows that pass it are incomplete: their rows are set aside, counted
        in ``attrs["n_set_aside_incomplete"]``. Without ``end`` every window is taken as
        observed.
    touchpoint : str or list of str
        The touchpoint(s) that are purchases.
    value : str
        The column of ``events`` holding the amount.

    Returns
    -------
    DataFrame
        ``anchors``' rows with complete windows (their order and columns) plus ``purchases``
        (count), ``spend`` (sum of amounts) and ``value`` (discounted sum); a customer with no
        purchase in the window has zeros — including one who left: churn is part of value.

    Raises
    ------
    DataError
        A column is absent; missing customer ids, dates or amounts; times that are not dates.

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> events = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-12-31", "2025-01-01", "2026-01-01", "2025-07-01"]),
    ...     "touchpoint": "purchase", "value": [10.0, 20.0, 30.0, 50.0]})
    >>> anchors = pd.DataFrame({"customer_id": ["a", "b"], "at": pd.Timestamp("2025-01-01")})
    >>> cxkit.models.value_after(events, anchors, discount_rate=0.0)
      customer_id         at  purchases  spend  value
    0           a 2025-01-01          1   20.0   20.0
    1           b 2025-01-01          1   50.0   50.0
    """
    touchpoints = [touchpoint] if isinstance(touchpoint, str) else list(touchpoint)
    _check.table(events, ["customer_id", "timestamp", "touchpoint", value], what="events")
    _check.table(anchors, ["customer_id", at], what="anchor")
    months = _check.count(months, "months", minimum=1)
    if not (_check.is_number(discount_rate) and discount_rate > -1):
        raise ValueError(f"discount_rate must be a number above -1, not {discount_rate!r}")
    buys = events.loc[events["touchpoint"].isin(touchpoints).to_numpy()]
    _check.complete(buys, ["customer_id", "timestamp", value], what="events' purchases")
    _check.complete(anchors, ["customer_id", at], what="anchor")
    stamps = _check.datetimes(buys, "timestamp", what="events")
    starts = _check.datetimes(anchors, at, what="anchor")
    amounts = _check.numbers(buys, value, finite=True)
    stops = starts + pd.DateOffset(months=months)
    out = anchors.reset_index(drop=True)
    complete = np.ones(len(out), dtype=bool) if end is None else \
        (stops <= _check.day(end, "end")).to_numpy()
    out, starts, stops = out[complete], starts[complete], stops[complete]
    rows = pd.DataFrame({"row": np.arange(len(out)), "customer_id": out["customer_id"].to_numpy(),
                         "start": starts.to_numpy(), "stop": stops.to_numpy()})
    bought = pd.DataFrame({"customer_id": buys["customer_id"].to_numpy(),
                           "t": stamps.to_numpy(), "amount": amounts.to_numpy()})
    pairs = rows.merge(bought, on="customer_id")
    inside = (pairs["t"] >= pairs["start"]) & (pairs["t"] < pairs["stop"])
    pairs = pairs[inside]
    years = (pairs["t"] - pairs["start"]).dt.total_seconds() / (365.25 * 86400)
    pairs = pairs.assign(discounted=pairs["amount"] * (1.0 + discount_rate) ** (-years))
    sums = pairs.groupby("row").agg(purchases=("amount", "size"), spend=("amount", "sum"),
                                    value=("discounted", "sum"))
    sums = sums.reindex(np.arange(len(out)), fill_value=0)
    out = out.reset_index(drop=True).assign(
        purchases=sums["purchases"].astype("int64").to_numpy(),
        spend=sums["spend"].astype(float).to_numpy(), value=sums["value"].astype(float).to_numpy())
    out.attrs["n_set_aside_incomplete"] = int((~complete).sum())
    out.attrs.update(months=months, discount_rate=float(discount_rate))
    return out
