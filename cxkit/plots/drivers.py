"""Figures of what drives loyalty and for whom: the importance–performance quadrant chart of
key drivers and the simple slopes of a moderation.

Both take plain tables (:func:`cxkit.key_drivers`' table, ``ModerationResult.simple_slopes()``)
and import no analysis module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs

__all__ = ["plot_drivers", "plot_simple_slopes"]


@shared_docs
def plot_drivers(table: pd.DataFrame, *, ax=None):
    """Importance–performance quadrant chart of key drivers (Martilla & James, 1977).

    Each driver is a point at its current performance (its mean, horizontal) and its
    importance (vertical, with the bootstrap interval); dashed lines at the medians cut the
    chart into four quadrants: *concentrate here* (important, performing below the others),
    *keep up the good work* (important, performing well), *low priority* and *possible
    overkill* (performing well on what matters little).

    Parameters
    ----------
    table : DataFrame
        From :func:`cxkit.key_drivers`, or any table with columns ``driver``,
        ``importance``, ``performance`` and, optionally, ``ci_low``, ``ci_high``; its
        ``attrs`` ``method`` and ``outcome``, where present, label the axis and the title.
    {doc:ax}

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.plots import plot_drivers
    >>> table = pd.DataFrame({"driver": ["needs", "ease", "enjoy"],
    ...                       "importance": [0.20, 0.12, 0.05],
    ...                       "performance": [5.0, 4.8, 4.3]})
    >>> ax = plot_drivers(table)
    >>> [t.get_text() for t in ax.texts][:3]
    ['needs', 'ease', 'enjoy']
    >>> ax.get_title()
    'needs has the highest importance (no intervals to compare)'
    """
    import matplotlib.pyplot as plt

    _check.table(table, ["driver", "importance", "performance"], what="driver")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5))
    x = table["performance"].to_numpy(dtype=float)
    y = table["importance"].to_numpy(dtype=float)
    has_ci = ({"ci_low", "ci_high"} <= set(table.columns)
              and table[["ci_low", "ci_high"]].notna().all().all())
    if has_ci:
        # lines from bound to bound, not error bars: a bootstrap percentile interval need not
        # contain the estimate (importance measures are biased), and the plot shows it as it is
        ax.vlines(x, table["ci_low"].to_numpy(dtype=float),
                  table["ci_high"].to_numpy(dtype=float), color="grey", lw=1)
    ax.scatter(x, y, color="tab:blue", zorder=3)
    for name, xi, yi in zip(table["driver"], x, y, strict=True):
        ax.annotate(str(name), (xi, yi), xytext=(5, 4), textcoords="offset points")
    ax.axvline(np.median(x), color="grey", ls="--", lw=0.8)
    ax.axhline(np.median(y), color="grey", ls="--", lw=0.8)
    corners = (("concentrate here", 0.02, 0.98, "left", "top"),
               ("keep up the good work", 0.98, 0.98, "right", "top"),
               ("low priority", 0.02, 0.02, "left", "bottom"),
               ("possible overkill", 0.98, 0.02, "right", "bottom"))
    for label, cx, cy, ha, va in corners:
        ax.text(cx, cy, label, transform=ax.transAxes, ha=ha, va=va, fontsize=8,
                color="grey", style="italic")
    ax.margins(0.15)
    ax.set_xlabel("performance (mean score)")
    method = table.attrs.get("method", "")
    ax.set_ylabel("importance" + (f" ({method.replace('_', ' ')})" if method else ""))
    outcome = table.attrs.get("outcome")
    ax.set_title(_leader(table, y, has_ci) + (f" for {outcome}" if outcome else ""))
    return ax


def _leader(table: pd.DataFrame, importance: np.ndarray, has_ci: bool) -> str:
    """The title's claim: a driver "matters most" only when its interval lies above every
    other driver's interval; otherwise the chart says who leads and that it is not clear."""
    order = np.argsort(-importance, kind="stable")
    names = table["driver"].astype(str).to_numpy()
    top = names[order[0]]
    if len(order) == 1:
        return f"{top} is the only driver"
    if not has_ci:
        return f"{top} has the highest importance (no intervals to compare)"
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    if low[order[0]] > high[order[1:]].max():
        return f"{top} matters most"
    return f"{top} leads, but its interval overlaps {names[order[1]]}'s"


@shared_docs
def plot_simple_slopes(data, *, treatment: str | None = None, moderator: str | None = None,
                       outcome: str | None = None, ax=None):
    """Simple slopes: the predicted outcome against the treatment, one line per moderator value.

    Each point is the model's prediction averaged over all rows used, with the treatment and
    the moderator set to the values shown (confounders stay as observed), so the lines differ
    only by the conditional effects of :func:`cxkit.moderation`. The treatment runs over its
    two values when it has two (0/1), otherwise from its mean minus to its mean plus one
    standard deviation. The legend gives each conditional effect with its interval.

    Parameters
    ----------
    data : DataFrame or ModerationResult
        The points, as ``ModerationResult.simple_slopes()`` gives them: one row per moderator
        value and treatment value, with columns named by the moderator and the treatment,
        ``treatment_at`` (``"value"`` where the treatment takes its own values),
        ``predicted``, ``estimate``, ``ci_low`` and ``ci_high``. A result of
        :func:`cxkit.moderation` is turned into that table.
    treatment, moderator, outcome : str, optional
        The column names; by default those recorded in ``data.attrs``.
    {doc:ax}

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import cxkit
    >>> from cxkit.plots import plot_simple_slopes
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"w": rng.normal(size=300), "t": rng.integers(0, 2, 300)})
    >>> data["y"] = (1 + data["w"]) * data["t"] + rng.normal(size=300)
    >>> result = cxkit.moderation(data, treatment="t", moderator="w", outcome="y")
    >>> ax = plot_simple_slopes(result.simple_slopes())
    >>> len(ax.get_lines())
    3
    >>> ax.get_title()
    't moves y most for w = 0.984'
    """
    import matplotlib.pyplot as plt

    if callable(getattr(data, "simple_slopes", None)):  # a ModerationResult
        data = data.simple_slopes()
    _check.frame(data, what="simple-slopes")
    treatment = treatment or data.attrs.get("treatment")
    moderator = moderator or data.attrs.get("moderator")
    outcome = outcome or data.attrs.get("outcome", "outcome")
    if treatment is None or moderator is None:
        raise ValueError("name the treatment= and moderator= columns (the table's attrs do not)")
    _check.columns(data, [moderator, treatment, "predicted", "estimate", "ci_low", "ci_high"],
                   what="simple-slopes")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    grid = pd.unique(data[treatment])
    for value, line in data.groupby(moderator, sort=False):
        first = line.iloc[0]
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        ax.plot(line[treatment].to_numpy(dtype=float), line["predicted"].to_numpy(dtype=float),
                marker="o", label=f"{moderator} = {shown}: {first['estimate']:+.2f} "
                                  f"({first['ci_low']:.2f} to {first['ci_high']:.2f})")
    if "treatment_at" in data.columns and (data["treatment_at"] == "value").all():
        ax.set_xticks(grid)
    ax.set_xlabel(treatment)
    ax.set_ylabel(f"predicted {outcome} (mean over rows)")
    best = data[moderator].iloc[int(np.argmax(data["estimate"].to_numpy(dtype=float)))]
    best = f"{best:.3g}" if isinstance(best, float) else str(best)
    ax.set_title(f"{treatment} moves {outcome} most for {moderator} = {best}")
    ax.legend(loc="best", fontsize=8, title=f"effect of {treatment}")
    return ax
