"""Checks of a repeat-purchase summary, the input of the value models (part of
:mod:`cxkit._check`; added for the value models, #14, in a module of its own because
``core.py`` is near the 700-line limit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .core import DataError, complete, numbers, refuse_values, table

__all__ = ["repeat_purchases"]

_SUMMARY = ("a table from cxkit.models.repeat_purchase_summary: frequency (repeat purchases), "
            "recency and T (in one time unit)")


def repeat_purchases(summary, *, monetary: bool = False, what: str = "summary"
                     ) -> dict[str, np.ndarray]:
    """The columns of a repeat-purchase summary as float arrays, refusing what the models
    cannot read.

    Refused: a missing column; missing, non-numeric or infinite values; a negative or
    fractional ``frequency``; negative ``recency`` or ``T``; ``recency`` greater than ``T``;
    a positive ``recency`` without a repeat purchase; with ``monetary``, a missing
    ``monetary_value`` column or a ``monetary_value`` that is not positive for a customer with
    repeat purchases. Rows are numbered from 1 at the table's first row.

    >>> import pandas as pd
    >>> repeat_purchases(pd.DataFrame({"frequency": [1, -1], "recency": [2.0, 0.0],
    ...                                "T": [3.0, 3.0]}))
    Traceback (most recent call last):
    ...
    cxkit.DataError: column 'frequency', row 2: negative value: -1 (expected 0 or more)
    """
    names = ["frequency", "recency", "T"] + (["monetary_value"] if monetary else [])
    if isinstance(summary, pd.DataFrame) and not set(names) <= set(summary.columns):
        missing = [c for c in names if c not in summary.columns]
        raise DataError(f"{what} lacks the column(s) the model needs", column=missing,
                        expected=_SUMMARY + (", monetary_value (mean spend of the repeat "
                                             "purchases)" if monetary else ""))
    table(summary, names, what=what)
    complete(summary, names, what=what)
    out = {c: numbers(summary, c, finite=True).to_numpy() for c in names}
    x, t_x, T = out["frequency"], out["recency"], out["T"]
    for column in ("frequency", "recency", "T"):
        refuse_values(out[column] < 0, out[column], column, "negative value",
                      "0 or more")
    refuse_values(x % 1 != 0, x, "frequency", "not a whole number of repeat purchases",
                  "whole numbers 0, 1, 2, ...")
    refuse_values(t_x > T, t_x, "recency", "recency greater than T (the last purchase after "
                  "the end of the calibration period)", "0 <= recency <= T")
    refuse_values((x == 0) & (t_x > 0), t_x, "recency", "positive recency without a repeat "
                  "purchase", "recency 0 where frequency is 0")
    if monetary:
        m = out["monetary_value"]
        refuse_values((x > 0) & (m <= 0), m, "monetary_value", "spend not positive for a "
                      "customer with repeat purchases", "a positive mean spend (the "
                      "gamma-gamma model is for positive amounts)")
    return out
