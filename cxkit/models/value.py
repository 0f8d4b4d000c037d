"""Customer value: the repeat-purchase summary, input of buy-till-you-die models.

:func:`repeat_purchase_summary` turns a purchase log into the frequency / recency / T /
monetary value table of Fader, Hardie & Lee (2005), the input of the BG/NBD, Pareto/NBD and
gamma–gamma models (:mod:`cxkit.models.transactions`, :mod:`cxkit.models.spend`);
:func:`calibration_holdout` adds the purchases of a hold-out period after it, to check the
models' predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError

__all__ = ["UNIT_DAYS", "calibration_holdout", "repeat_purchase_summary"]

#: Length of each :func:`repeat_purchase_summary` unit in days (a month is a twelfth of a
#: Julian year, as in :mod:`cxkit.study.simulate`).
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

_ONE_DAY = pd.Timedelta(days=1)


def repeat_purchase_summary(events: pd.DataFrame, *, calibration_end, unit: str = "W",
                            touchpoint="purchase", value: str | None = "value") -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer, for buy-till-you-die models.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime), ``touchpoint`` and, for
        the monetary value, ``value``.
    calibration_end : date-like
        Last day of the calibration period (inclusive: purchases on that day count). Purchases
        after it are left out; customers whose first purchase is after it are not in the
        table and are counted in ``attrs``.
    unit : {"W", "D", "M"}
        Unit of ``recency`` and ``T``: weeks (7 days, as in Fader, Hardie & Lee's CDNOW
        data), days, or months of 365.25 / 12 = 30.4375 days.
    touchpoint : str or list of str
        The touchpoint value(s) that mark a purchase.
    value : str or None
        Column of the purchase amount; ``None`` leaves out ``monetary_value``.

    Returns
    -------
    DataFrame
        One row per customer with a first purchase on or before ``calibration_end``, sorted
        by ``customer_id``, with columns

        - ``customer_id``;
        - ``frequency``: repeat purchases, the number of distinct purchase days after the
          first purchase day (several purchases on one day count once);
        - ``recency``: time from the first to the last purchase day, in ``unit`` (0 without a
          repeat purchase);
        - ``T``: time from the first purchase day to ``calibration_end``, in ``unit``;
        - ``monetary_value``: mean amount of the repeat purchase days, each day's amounts
          summed first; the first purchase day is excluded; 0 without a repeat purchase.

        ``attrs`` holds ``calibration_end``, ``unit`` and
        ``n_first_purchase_after_calibration_end`` (customers left out because their first
        purchase is after the calibration period).

    Raises
    ------
    DataError
        A column is absent; timestamps that are not dates or are missing; no purchase events;
        purchases with a missing customer id or amount.

    Notes
    -----
    The table is the sufficient statistics :math:`(x, t_x, T)` of the Pareto/NBD and BG/NBD
    models and :math:`(x, \\bar m_x)` of the Gamma–Gamma spend model [1]_ [2]_, with the same
    conventions as ``lifetimes.utils.summary_data_from_transaction_data(...,
    monetary_value_col="value", observation_period_end=calibration_end, freq="D",
    freq_multiplier=k)`` with :math:`k` = 1, 7 or 30.4375 days per unit, and column for column
    as ``pymc_marketing.clv.rfm_summary``; the output feeds either package unchanged. With
    :math:`d_1 < \\dots < d_{x+1}` a customer's distinct purchase days up to the calibration end
    :math:`d_c`, and :math:`k` the days per unit,

    .. math::

        x = \\#\\{\\text{days}\\} - 1,\\quad
        t_x = \\frac{d_{x+1} - d_1}{k},\\quad
        T = \\frac{d_c - d_1}{k},\\quad
        \\bar m_x = \\frac{1}{x}\\sum_{j=2}^{x+1} \\sum_{\\text{purchases on } d_j} \\text{value}.

    Purchases are always grouped by calendar day; ``unit`` only rescales the times. (In
    lifetimes, ``freq="W"`` would also group purchases by calendar week and count whole
    weeks; ``freq="D", freq_multiplier=7`` is its documented way to reproduce the CDNOW
    summary, which is what ``unit="W"`` does.) Days are calendar days of the timestamps' own
    time zone (UTC for tables from :func:`cxkit.load_journeys`); a naive ``calibration_end`` is
    read in that time zone.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
       easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.
    .. [2] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
       curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.models import repeat_purchase_summary
    >>> log = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-08 10:00",
    ...                                  "2024-01-08 17:30", "2024-01-15 12:00",
    ...                                  "2024-01-03 08:15", "2024-02-10 11:00"]),
    ...     "touchpoint": "purchase", "value": [20.0, 10.0, 5.0, 30.0, 50.0, 9.0]})
    >>> summary = repeat_purchase_summary(log, calibration_end="2024-01-29", unit="W")
    >>> summary
      customer_id  frequency  recency         T  monetary_value
    0           a          2      2.0  4.000000            22.5
    1           b          0      0.0  3.714286             0.0
    >>> summary.attrs["n_first_purchase_after_calibration_end"]
    1
    """
    _check.one_of(unit, tuple(UNIT_DAYS), "unit")
    touchpoints = [touchpoint] if isinstance(touchpoint, str) else list(touchpoint)
    needed = ["customer_id", "timestamp", "touchpoint"] + ([value] if value else [])
    _check.table(events, needed, what="events")
    is_purchase = events["touchpoint"].isin(touchpoints).to_numpy()
    if not is_purchase.any():
        raise DataError(f"no purchase events (touchpoint {', '.join(map(repr, touchpoints))})",
                        column="touchpoint", expected="at least one purchase")
    purchases = events.reset_index(drop=True)[is_purchase]
    _check.refuse_rows(is_purchase & events["customer_id"].isna().to_numpy(),
                       "purchase without a customer id", "customer_id", "an id on every purchase",
                       what="events")
    stamps = purchases["timestamp"]
    # not _check.datetimes: purchase days are calendar days of the timestamps' own time zone
    _check.datetime_type(stamps.dtype, "timestamp", what="events")
    _check.refuse_rows(is_purchase & events["timestamp"].isna().to_numpy(),
                       "purchase without a timestamp", "timestamp",
                       "a timestamp on every purchase", what="events")
    cutoff = pd.Timestamp(calibration_end)
    tz = getattr(stamps.dt, "tz", None)
    if cutoff.tzinfo is not None:
        cutoff = cutoff.tz_convert(tz) if tz is not None else cutoff.tz_convert("UTC")
    cutoff = cutoff.tz_localize(None).normalize()
    days = stamps.dt.tz_localize(None).dt.normalize() if tz is not None else \
        stamps.dt.normalize()
    table = pd.DataFrame({"customer_id": purchases["customer_id"].to_numpy(),
                          "day": days.to_numpy()})
    if value:
        # the amounts of purchases only, their rows numbered as rows of the events table
        amounts = _check.numbers(pd.DataFrame({value: events[value].where(is_purchase)}), value,
                                 hint="numbers (or value=None to leave out monetary_value)")
        _check.refuse_rows(is_purchase & amounts.isna().to_numpy(), "purchase without an amount",
                           value, "an amount on every purchase (or value=None)", what="events")
        table["amount"] = amounts.to_numpy()[is_purchase]
    everyone = table["customer_id"].unique()
    table = table[table["day"] <= cutoff]
    by_day = table.groupby(["customer_id", "day"], as_index=False, sort=True).sum()
    per = by_day.groupby("customer_id", sort=True)
    first, last = per["day"].min(), per["day"].max()
    frequency = per.size() - 1
    k = UNIT_DAYS[unit]
    out = pd.DataFrame({"customer_id": first.index,
                        "frequency": frequency.to_numpy().astype("int64"),
                        "recency": ((last - first) / _ONE_DAY).to_numpy() / k,
                        "T": ((cutoff - first) / _ONE_DAY).to_numpy() / k})
    if value:
        repeat = by_day[by_day["day"] > by_day["customer_id"].map(first)]
        mean = repeat.groupby("customer_id")["amount"].mean()
        out["monetary_value"] = out["customer_id"].map(mean).fillna(0.0).to_numpy(dtype=float)
    out.attrs = {"calibration_end": cutoff, "unit": unit,
                 "n_first_purchase_after_calibration_end": int(len(everyone) - len(out))}
    return out




def calibration_holdout(events: pd.DataFrame, *, calibration_end, observation_end,
                        unit: str = "W", touchpoint="purchase",
                        value: str | None = "value") -> pd.DataFrame:
    """The repeat-purchase summary of a calibration period and the purchases of the hold-out
    period after it, per customer.

    Parameters
    ----------
    events : DataFrame
        As :func:`repeat_purchase_summary`.
    calibration_end : date-like
        Last day of the calibration period (inclusive).
    observation_end : date-like
        Last day of the hold-out period (inclusive), after ``calibration_end``.
    unit, touchpoint, value
        As :func:`repeat_purchase_summary`.

    Returns
    -------
    DataFrame
        The columns of :func:`repeat_purchase_summary` for ``calibration_end`` (customers
        whose first purchase is on or before it), then

        - ``frequency_holdout``: purchase days in the hold-out period (after
          ``calibration_end``, up to ``observation_end``), several purchases on one day
          counting once, as in the calibration period;
        - ``duration_holdout``: length of the hold-out period in ``unit``;
        - ``monetary_value_holdout`` (with ``value``): mean amount of the hold-out purchase
          days, 0 without one.

        ``attrs`` as :func:`repeat_purchase_summary`, plus ``observation_end``.

    Raises
    ------
    DataError
        As :func:`repeat_purchase_summary`.

    Notes
    -----
    The hold-out counts are the summary up to ``observation_end`` minus the summary up to
    ``calibration_end`` (distinct purchase days are counted once either way), as
    ``lifetimes.utils.calibration_and_holdout_data``. Fader, Hardie & Lee (2005) use
    CDNOW's weeks 1–39 (1997-01-01 to 1997-09-30) to fit and weeks 40–78 (to 1998-06-30) to
    check: ``calibration_end="1997-09-30", observation_end="1998-06-30", unit="W"``.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import calibration_holdout
    >>> summary = calibration_holdout(cxkit.datasets.load_cdnow(),
    ...                               calibration_end="1997-09-30",
    ...                               observation_end="1998-06-30", unit="W")
    >>> len(summary), int(summary["frequency"].sum()), int(summary["frequency_holdout"].sum())
    (2357, 2457, 1882)
    >>> float(summary["duration_holdout"].iloc[0])
    39.0
    """
    calibration = repeat_purchase_summary(events, calibration_end=calibration_end, unit=unit,
                                          touchpoint=touchpoint, value=value)
    whole = repeat_purchase_summary(events, calibration_end=observation_end, unit=unit,
                                    touchpoint=touchpoint, value=value)
    if whole.attrs["calibration_end"] <= calibration.attrs["calibration_end"]:
        raise ValueError(f"observation_end ({observation_end}) must be a day after "
                         f"calibration_end ({calibration_end})")
    whole = whole.set_index("customer_id").loc[calibration["customer_id"]]
    out = calibration.copy()
    holdout = whole["frequency"].to_numpy() - calibration["frequency"].to_numpy()
    out["frequency_holdout"] = holdout.astype("int64")
    days = (whole.attrs["calibration_end"] - calibration.attrs["calibration_end"]) / _ONE_DAY
    out["duration_holdout"] = float(days) / UNIT_DAYS[unit]
    if value:
        spent = (whole["frequency"].to_numpy() * whole["monetary_value"].to_numpy()
                 - calibration["frequency"].to_numpy()
                 * calibration["monetary_value"].to_numpy())
        with np.errstate(divide="ignore", invalid="ignore"):
            out["monetary_value_holdout"] = np.where(holdout > 0, spent / holdout, 0.0)
    out.attrs = {**calibration.attrs, "observation_end": whole.attrs["calibration_end"]}
    return out
