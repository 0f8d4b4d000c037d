"""Figures of effect estimates: forest plots and event studies.

- :func:`plot_effects` — estimates with intervals, one row per method or group (the tables of
  :func:`cxkit.compare_effects`, :func:`cxkit.effects_by` and :func:`cxkit.cate`), and the
  truth when the data are simulated;
- :func:`event_study` — leads and lags around adoption (:class:`cxkit.EventStudyResult`,
  whose ``.plot()`` calls it).

Like every module of :mod:`cxkit.plots`, it takes tables or result objects, imports no analysis
module and returns the Axes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs

__all__ = ["event_study", "plot_effects"]


@shared_docs
def plot_effects(table: pd.DataFrame, *, label: str = "method", ax=None):
    """Forest plot of effect estimates with intervals (and the truth, when given).

    Parameters
    ----------
    table : DataFrame
        From :func:`cxkit.compare_effects`, :func:`cxkit.effects_by` or :func:`cxkit.cate`:
        ``estimate``, ``ci_low``, ``ci_high`` and the ``label`` column, optionally ``truth``
        (one value, or one per row) and ``outcome`` (names the axis).
    label : str
        The column shown on the vertical axis (``"method"``, or the ``by`` column).
    {doc:ax}

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> table = pd.DataFrame({"method": ["naive", "aipw"], "estimate": [2.0, 1.1],
    ...                       "ci_low": [1.8, 0.9], "ci_high": [2.2, 1.3], "truth": 1.0})
    >>> ax = cxkit.plot_effects(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['naive', 'aipw']
    """
    import matplotlib.pyplot as plt

    _check.table(table, [label, "estimate", "ci_low", "ci_high"])
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 * len(table) + 1.5))
    y = np.arange(len(table))[::-1]
    ax.errorbar(table["estimate"], y, xerr=[table["estimate"] - table["ci_low"],
                                           table["ci_high"] - table["estimate"]],
                fmt="o", color="black", capsize=3)
    ax.set_yticks(y, labels=table[label].astype(str))
    ax.axvline(0, color="grey", lw=0.8)
    if "truth" in table:
        truths = table["truth"].to_numpy(dtype=float)
        if np.allclose(truths, truths[0]):
            ax.axvline(truths[0], color="tab:red", ls="--", label="truth")
        else:
            ax.scatter(truths, y, marker="x", color="tab:red", label="truth", zorder=3)
        ax.legend(loc="best")
    ax.set_xlabel(f"effect on {table['outcome'].iloc[0]}" if "outcome" in table else "effect")
    return ax


@shared_docs
def event_study(result, *, truth=None, ax=None):
    """Leads and lags of an event study with their intervals.

    Parameters
    ----------
    result : EventStudyResult
        From :func:`cxkit.event_study` (its ``coefficients``, ``estimator`` and ``outcome``).
    truth : mapping, optional
        Event time → true effect (simulated data; keys may be numbers or their text), drawn
        as a dashed line.
    {doc:ax}

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> rows = [(u, t, [4, 7, np.nan][u % 3]) for u in range(300) for t in range(10)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "g"])
    >>> panel["y"] = (panel["t"] >= panel["g"]) + rng.normal(size=len(panel))
    >>> es = cxkit.event_study(panel, outcome="y", unit="unit", time="t", cohort="g")
    >>> ax = cxkit.plots.event_study(es, truth={k: float(k >= 0) for k in range(-7, 6)})
    >>> ax.get_xlabel()
    'periods since adoption'
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    c = result.coefficients
    ax.errorbar(c["event_time"], c["estimate"], yerr=[c["estimate"] - c["ci_low"],
                                                      c["ci_high"] - c["estimate"]],
                fmt="o", capsize=2, label=result.estimator)
    if truth is not None:
        k = sorted(int(t) for t in truth)
        ax.plot(k, [truth[str(t)] if str(t) in truth else truth[t] for t in k], "r--",
                label="truth")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", ls=":", lw=0.8)
    ax.set_xlabel("periods since adoption")
    ax.set_ylabel(f"effect on {result.outcome}")
    ax.legend(loc="upper left")
    return ax
