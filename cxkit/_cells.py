"""The small-cell rule: a result broken down by group does not show a group of fewer than
``min_n`` distinct customers or respondents (personal data: a group of one is one person's
answer).

Every by-group result passes through :func:`suppress`: the rows of a small group collapse to
one row whose values are missing (NaN, None), ``suppressed`` is true, and
``table.attrs["small_cells"]`` counts the suppressed groups and says the rule, so a reader
sees that groups were held back and why. ``min_n=None`` takes the option
(``cxkit.set_option("min_n", ...)``, default 10); ``min_n=0`` turns the rule off, which the
note says.

>>> import pandas as pd
>>> table = pd.DataFrame({"store": ["Milan", "Rome"], "estimate": [0.4, 0.7], "n": [4, 25]})
>>> out = suppress(table, table["n"], keys=["store"], min_n=10)
>>> out
   store  estimate     n  suppressed
0  Milan       NaN   NaN        True
1   Rome       0.7  25.0       False
>>> out.attrs["small_cells"]["note"]
'1 group with fewer than 10 respondents suppressed (values missing, suppressed=True)'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._options import get_option

__all__ = ["DOCS", "min_n", "note", "people", "suppress"]

#: Parameter text of ``min_n`` (``@shared_docs(extra=...)``).
DOCS = {
    "min_n": (
        "min_n : int, optional\n"
        "        Groups with fewer distinct customers or respondents than this are suppressed\n"
        "        (personal data: a group of one shows one person's answer): one row, values\n"
        "        missing, ``suppressed`` true, and ``attrs[\"small_cells\"]`` counts them.\n"
        "        ``None`` (default) takes ``cxkit.get_option(\"min_n\")`` (10 unless set with\n"
        "        ``cxkit.set_option``); 0 shows every group, which the note in ``attrs`` says."
    ),
}


def min_n(value=None) -> int:
    """``value`` checked, or the option ``min_n`` when ``value`` is None.

    >>> min_n(), min_n(0)
    (10, 0)
    """
    if value is None:
        return get_option("min_n")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"min_n must be a whole number of at least 0 (0: no suppression), "
                         f"not {value!r}")
    return int(value)


def people(data: pd.DataFrame, keys: Sequence[str], *, id_column: str = "customer_id"):
    """Distinct customers per group of ``keys`` (rows per group when ``data`` has no
    ``id_column``), as a Series indexed by the groups; missing keys form a group.

    >>> people(pd.DataFrame({"g": ["a", "a", "b"], "customer_id": [1, 1, 2]}), ["g"]).tolist()
    [1, 1]
    """
    grouped = data.groupby(list(keys), dropna=False, sort=True, observed=True)
    if id_column in data.columns:
        return grouped[id_column].nunique(dropna=True)
    return grouped.size()


def suppress(table: pd.DataFrame, counts, *, keys: Sequence[str], min_n: int,
             keep: Sequence[str] = (), unit: str = "respondents") -> pd.DataFrame:
    """``table`` (rows of groups named by the ``keys`` columns) with groups whose ``counts``
    (one per row: the distinct people of the row's group) fall below ``min_n`` suppressed:
    one row per such group, every column but ``keys`` and ``keep`` missing. Adds the boolean
    column ``suppressed`` and ``attrs["small_cells"]`` (``min_n``, ``suppressed_groups``,
    ``unit``, ``note``)."""
    keys, min_n = list(keys), int(min_n)
    counts = np.asarray(counts, dtype=float)
    small = (counts < min_n) if min_n > 0 else np.zeros(len(table), dtype=bool)
    out = table.reset_index(drop=True)
    if small.any():
        # one row per suppressed group: the number of rows (times, states) is data too
        first = ~out[keys].duplicated() if keys else np.ones(len(out), dtype=bool)
        out, small = out[~small | first], small[~small | first]
        out = out.reset_index(drop=True)
        for column in out.columns:
            if column in keys or column in keep:
                continue
            values = out[column]
            if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
                values = values.astype("float64")
            elif pd.api.types.is_string_dtype(values) and not isinstance(
                    values.dtype, pd.CategoricalDtype):
                values = values.astype(object)
            out[column] = values.mask(small)
    out["suppressed"] = small
    groups = len(out[small].drop_duplicates(keys)) if keys else int(small.any())
    out.attrs["small_cells"] = {"min_n": min_n, "suppressed_groups": groups, "unit": unit,
                                "note": _note(min_n, groups, unit)}
    return out


def _note(min_n: int, groups: int, unit: str) -> str:
    if min_n == 0:
        return (f"min_n=0: groups of any size are shown, also groups of one or a few {unit} "
                "(personal data)")
    if groups == 0:
        return f"no group has fewer than {min_n} {unit}"
    noun = "group" if groups == 1 else "groups"
    return (f"{groups} {noun} with fewer than {min_n} {unit} suppressed (values missing, "
            "suppressed=True)")


def note(table: pd.DataFrame) -> str | None:
    """The small-cell note of a by-group table (``None`` if it has none)."""
    info = getattr(table, "attrs", {}).get("small_cells")
    return None if info is None else info["note"]
