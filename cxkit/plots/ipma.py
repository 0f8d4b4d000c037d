"""The importance–performance map of a PLS path model (IPMA; Ringle & Sarstedt, 2016).

Takes the table of :func:`cxkit.measurement.ipma` (or any table with a label column,
``importance`` and ``performance``) and imports no analysis module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs

__all__ = ["importance_performance"]


@shared_docs
def importance_performance(table: pd.DataFrame, *, label: str = "construct",
                           target: str | None = None, ax=None):
    """Importance–performance map: importance (unstandardized total effect) on the
    horizontal axis, performance (mean 0–100 score) on the vertical one, a labelled point per
    row, dashed lines at the mean importance and the mean performance.

    Points at the lower right (important, performing below the others) are where an
    improvement moves the target most.

    Parameters
    ----------
    table : DataFrame
        Columns ``label``, ``importance``, ``performance`` (``IPMAResult.table`` or
        ``IPMAResult.items``).
    label : str
        The column naming the points (``"construct"`` or ``"item"``).
    target : str, optional
        The target construct, for the title.
    {doc:ax}

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.plots import importance_performance
    >>> table = pd.DataFrame({"construct": ["CUSA", "LIKE", "CSOR"],
    ...                       "importance": [0.61, 0.53, 0.12],
    ...                       "performance": [74.0, 57.5, 49.4]})
    >>> ax = importance_performance(table, target="CUSL")
    >>> [t.get_text() for t in ax.texts]
    ['CUSA', 'LIKE', 'CSOR']
    >>> ax.get_xlabel()
    'importance (total effect on CUSL, 0–100 scores)'
    """
    import matplotlib.pyplot as plt

    _check.table(table, [label, "importance", "performance"], what="importance–performance")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5))
    x = table["importance"].to_numpy(dtype=float)
    y = table["performance"].to_numpy(dtype=float)
    ax.scatter(x, y, color="C0", zorder=3)
    for xi, yi, name in zip(x, y, table[label].astype(str), strict=True):
        ax.annotate(name, (xi, yi), xytext=(4, 4), textcoords="offset points")
    ax.axvline(float(np.mean(x)), color="grey", linestyle="--", linewidth=0.8)
    ax.axhline(float(np.mean(y)), color="grey", linestyle="--", linewidth=0.8)
    what = f"total effect on {target}" if target else "total effect"
    ax.set_xlabel(f"importance ({what}, 0–100 scores)")
    ax.set_ylabel("performance (mean, 0–100)")
    ax.set_title(f"Importance–performance map{' of ' + target if target else ''}")
    return ax
