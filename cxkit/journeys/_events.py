"""Journey events checked for the concept functions (pandas, not an engine).

Row numbers in errors count from 1 at the table's first row (positions, not index labels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from ..catalogue import LEVELS, classify

CUSTOMER = "customer_id"
TIME = "timestamp"


def checked_events(events, columns, *, classify_by, catalogue) -> pd.DataFrame:
    """Checked events (positional index), classified when the catalogue columns are absent."""
    needs_classes = [c for c in classify_by if c not in getattr(events, "columns", [])]
    _check.table(events, columns + (["touchpoint"] if needs_classes else classify_by),
                 what="events")
    ev = events.reset_index(drop=True)
    if needs_classes:
        ev = classify(ev, catalogue)
    _check.refuse_rows(ev[CUSTOMER].isna(), "missing customer id", CUSTOMER,
                       "a customer id on every event")
    if "touchpoint" in columns:
        _check.refuse_rows(ev["touchpoint"].isna(), "missing value", "touchpoint",
                           "a value on every row")
    if TIME in columns:
        _check.datetime_type(ev[TIME].dtype, TIME)
        _check.refuse_rows(ev[TIME].isna(), "missing value", TIME, "a value on every row")
    if "level" in classify_by:
        _check.allowed_values(ev["level"], LEVELS, "level")
    return ev


def naive_utc(values: pd.Series) -> np.ndarray:
    """Times as naive UTC datetime64[ns]: aware times converted, naive ones read as UTC."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[ns]").to_numpy()
