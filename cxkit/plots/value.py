"""Figures of the value models: predictions against a hold-out period, and P(alive).

- :func:`plot_calibration_holdout` draws mean actual against mean predicted hold-out
  purchases by calibration frequency (the conditional-expectation figure of Fader, Hardie &
  Lee 2005), from ``BGNBDResult.holdout_table()``;
- :func:`plot_p_alive_matrix` draws the probability that a customer is still active as a
  recency × frequency heat map, from ``BGNBDResult.p_alive_matrix()`` (what
  ``BGNBDResult.plot()`` shows).

Like every plot of the kit, they take tables, return the Axes and import no analysis module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs

__all__ = ["plot_calibration_holdout", "plot_p_alive_matrix"]


@shared_docs
def plot_calibration_holdout(data: pd.DataFrame, *, ax=None):
    """Mean actual and predicted hold-out purchases by calibration frequency; returns the Axes.

    Parameters
    ----------
    data : DataFrame
        From ``holdout_table(summary)`` of a fitted BG/NBD or Pareto/NBD model: columns
        ``frequency``, ``actual`` and ``predicted`` (``label``, e.g. ``"7+"``, names the
        ticks when present).
    {doc:ax}

    Returns
    -------
    matplotlib Axes
        Two lines over the calibration frequencies: the customers' mean purchases in the
        hold-out period (``actual``) and the mean of the model's conditional expectations
        (``predicted``).

    Raises
    ------
    DataError
        A column is absent.

    Notes
    -----
    The conditional-expectation check of Fader, Hardie & Lee (2005) [1]_: customers are
    grouped by their purchases in the calibration period, and each group's mean purchases in
    the hold-out period are set against the mean of the model's
    :math:`E[Y(t) \\mid x, t_x, T]`. A model that tracks the actual line across groups
    predicts individual customers well, not only the total.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
       easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.plots import plot_calibration_holdout
    >>> table = pd.DataFrame({"frequency": [0, 1, 2], "label": ["0", "1", "2+"],
    ...                       "actual": [0.2, 0.7, 1.9], "predicted": [0.2, 0.6, 1.8]})
    >>> ax = plot_calibration_holdout(table)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['actual', 'predicted']
    """
    import matplotlib.pyplot as plt

    _check.table(data, ["frequency", "actual", "predicted"], what="holdout table")
    table = data.sort_values("frequency")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    x = table["frequency"].to_numpy(dtype=float)
    ax.plot(x, table["actual"].to_numpy(dtype=float), marker="o", label="actual")
    ax.plot(x, table["predicted"].to_numpy(dtype=float), marker="s", linestyle="--",
            label="predicted")
    ax.set_xticks(x)
    if "label" in table.columns:
        ax.set_xticklabels(table["label"].astype(str))
    ax.set_xlabel("purchases in the calibration period")
    ax.set_ylabel("mean purchases in the hold-out period")
    ax.set_ylim(bottom=0)
    ax.legend()
    return ax


@shared_docs
def plot_p_alive_matrix(data: pd.DataFrame, *, ax=None, cmap: str = "viridis"):
    """The probability of being alive by recency and frequency, as a heat map; returns the
    Axes.

    Parameters
    ----------
    data : DataFrame
        From ``p_alive_matrix()`` of a fitted BG/NBD or Pareto/NBD model: columns
        ``frequency``, ``recency`` and ``p_alive`` (one row per cell); ``attrs["T"]``, when
        present, is named in the title.
    {doc:ax}
    cmap : str
        A matplotlib colour map.

    Returns
    -------
    matplotlib Axes
        Frequency across, recency up (the most recent buyers at the top), colour from 0
        to 1; cells that cannot occur (NaN) are blank.

    Raises
    ------
    DataError
        A column is absent, or a cell appears twice.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.plots import plot_p_alive_matrix
    >>> cells = pd.DataFrame({"frequency": [0, 1, 0, 1], "recency": [0.0, 0.0, 1.0, 1.0],
    ...                       "p_alive": [1.0, 0.3, float("nan"), 0.8]})
    >>> ax = plot_p_alive_matrix(cells)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('frequency (repeat purchases)', 'recency')
    """
    import matplotlib.pyplot as plt

    _check.table(data, ["frequency", "recency", "p_alive"], what="p_alive table")
    twice = data.duplicated(["frequency", "recency"]).to_numpy()
    _check.refuse_rows(twice, "a (frequency, recency) cell appears twice", ["frequency",
                       "recency"], "one row per cell", what="p_alive")
    grid = data.pivot(index="recency", columns="frequency", values="p_alive").sort_index()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    freq = grid.columns.to_numpy(dtype=float)
    rec = grid.index.to_numpy(dtype=float)
    image = ax.pcolormesh(_edges(freq), _edges(rec), np.ma.masked_invalid(grid.to_numpy(
        dtype=float)), cmap=cmap, vmin=0, vmax=1, shading="flat")
    ax.figure.colorbar(image, ax=ax, label="P(alive)")
    ax.set_xlabel("frequency (repeat purchases)")
    ax.set_ylabel("recency")
    T, unit = data.attrs.get("T"), data.attrs.get("unit")
    if T is not None:
        unit = {"W": " weeks", "D": " days", "M": " months"}.get(unit, "")
        ax.set_title(f"customers observed for T = {T:.1f}{unit}")
    return ax


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted cell centres (half-way between neighbours)."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])
