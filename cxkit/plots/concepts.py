"""Figures for the kit's results, in seaborn's style.

Every function takes a result (or a table) first, then keyword-only options and ``ax=None``;
it draws on ``ax`` (or on a new figure), returns the Axes and never calls ``plt.show()``. Titles
state what the figure shows.

- :func:`circles` — the three circles of engagement, interaction and experience;
- :func:`moments_of_truth` — touchpoints ranked by how much the outcome shifts after them;
- :func:`pyramid` — the CX pyramid with the share meeting each level;
- :func:`realms` — Pine & Gilmore's four realms with the catalogue's touchpoints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs

__all__ = ["circles", "moments_of_truth", "pyramid", "realms"]

_LEVELS = ("engagement", "interaction", "experience")
_LEVEL_COLOURS = {"engagement": "#4C72B0", "interaction": "#DD8452", "experience": "#55A868"}
_OTHER_COLOUR = "#8C8C8C"


def _axes(ax, figsize=(6, 6)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _tint(colour: str, strength: float):
    """``colour`` mixed with white (opaque, so stacked shapes keep their own colour)."""
    from matplotlib.colors import to_rgb

    return tuple(1 - strength * (1 - c) for c in to_rgb(colour))


@shared_docs
def circles(result, *, reading: str = "nested", ax=None):
    """Draw the three circles of engagement, interaction and experience.

    Parameters
    ----------
    result : Circles
        The result of :func:`cxkit.circles`.
    reading : {"nested", "disjoint"}
        ``"nested"`` draws three concentric circles (engagement inside interaction inside
        experience: every contact is experience) as a concept diagram with fixed radii;
        ``"disjoint"`` draws the three levels side by side, each counted on its own events,
        with areas proportional to their customers; the catalogue's ``experience`` level is
        labelled *exposure* there, since it holds only exposures (a purchase is experience
        too, but at the interaction level).
    {doc:ax}

    Returns
    -------
    matplotlib Axes
        With one circle patch per level, each annotated with its level and customer count
        (plus a note on customers with unclassified events, if any).

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import plots
    >>> from cxkit import circles
    >>> result = circles(cxkit.simulate_study(300, seed=1).events)
    >>> ax = plots.circles(result)
    >>> len(ax.patches)
    3
    """
    from matplotlib.patches import Circle

    _check.one_of(reading, ("nested", "disjoint"), "reading")
    ax = _axes(ax)
    rows = result.levels[result.levels["reading"] == reading].set_index("level")
    counts = {lv: int(rows.loc[lv, "customers"]) for lv in _LEVELS}
    shares = {lv: float(rows.loc[lv, "share_of_customers"]) for lv in _LEVELS}
    if reading == "nested":
        # A concept diagram: fixed radii so the three rings stay visible even when nearly
        # every customer is in every circle; the counts are in the labels.
        radius = {"engagement": 1 / 3, "interaction": 2 / 3, "experience": 1.0}
        inner = 0.0
        for lv in _LEVELS:  # innermost first, for the label positions
            r = radius[lv]
            y = 0.0 if lv == "engagement" else (inner + r) / 2
            ax.text(0, y, f"{lv}\n{counts[lv]:,} customers", ha="center", va="center",
                    fontsize=9, zorder=5)
            inner = r
        for lv in reversed(_LEVELS):  # outermost drawn first so the inner ones stay visible
            ax.add_patch(Circle((0, 0), radius[lv], facecolor=_tint(_LEVEL_COLOURS[lv], 0.45),
                                edgecolor="white", linewidth=2))
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-1.1, 1.1)
        title = (f"{shares['experience']:.0%} of customers had a contact (all are experience), "
                 f"{shares['interaction']:.0%} an interaction or engagement,\n"
                 f"{shares['engagement']:.0%} an engagement (nested circles)")
    else:
        biggest = max(max(counts.values()), 1)
        radius = {lv: np.sqrt(counts[lv] / biggest) for lv in _LEVELS}  # area ∝ customers
        for k, lv in enumerate(_LEVELS):
            x = 2.2 * k
            ax.add_patch(Circle((x, 0), radius[lv], facecolor=_LEVEL_COLOURS[lv], alpha=0.35,
                                edgecolor=_LEVEL_COLOURS[lv], linewidth=2))
            label = "exposure\n(level 'experience')" if lv == "experience" else lv
            ax.text(x, 0, f"{label}\n{counts[lv]:,} customers", ha="center", va="center",
                    fontsize=9)
        ax.set_xlim(-1.1, 2.2 * 2 + 1.1)
        ax.set_ylim(-1.3, 1.1)
        title = (f"Each level on its own events: {shares['engagement']:.0%} engaged, "
                 f"{shares['interaction']:.0%} interacted,\n{shares['experience']:.0%} "
                 f"had an exposure (advert, news, word of mouth, delivery…)")
    unclassified = result.levels.loc[(result.levels["reading"] == reading)
                                     & (result.levels["level"] == "unclassified"),
                                     "customers"]
    if len(unclassified) and int(unclassified.iloc[0]) > 0:
        n = int(unclassified.iloc[0])
        ax.text(0.5, 0.01, f"{n:,} customer{'s have' if n > 1 else ' has'} events outside "
                f"the catalogue (in no circle)", transform=ax.transAxes, ha="center",
                fontsize=8)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    return ax


@shared_docs
def moments_of_truth(result: pd.DataFrame, *, top: int = 15, ax=None):
    """Draw touchpoints ranked by the shift in the outcome after them, with intervals.

    Parameters
    ----------
    result : DataFrame
        The result of :func:`cxkit.moments_of_truth`.
    top : int
        How many touchpoints to show (the largest absolute estimates).
    {doc:ax}

    Returns
    -------
    matplotlib Axes
        One point with its interval per touchpoint (largest at the top), coloured by the
        touchpoint's level, and a line at zero.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import plots
    >>> from cxkit import moments_of_truth
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> mot = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
    ...                        controls=["wave"])
    >>> ax = plots.moments_of_truth(mot, top=5)
    >>> len(ax.get_yticklabels())
    5
    """
    _check.columns(result, ["touchpoint", "level", "estimate", "ci_low", "ci_high"],
                   what="cxkit.moments_of_truth")
    shown = result.dropna(subset=["estimate"])
    shown = shown.reindex(shown["estimate"].abs().sort_values(ascending=False).index)
    shown = shown.head(top).reset_index(drop=True)
    ax = _axes(ax, figsize=(7, 0.4 * max(len(shown), 3) + 1.2))
    y = np.arange(len(shown))[::-1]
    for lv in [*_LEVELS, None]:
        mask = (shown["level"] == lv).to_numpy() if lv else shown["level"].isna().to_numpy()
        if not mask.any():
            continue
        part = shown[mask]
        ax.errorbar(part["estimate"], y[mask],
                    xerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
                    fmt="o", color=_LEVEL_COLOURS.get(lv, _OTHER_COLOUR), capsize=3,
                    label=lv or "unclassified")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, shown["touchpoint"].tolist())
    ax.set_ylim(-0.7, len(shown) - 0.3)
    outcome = result.attrs.get("outcome", "the outcome")
    window = result.attrs.get("window")
    ax.set_xlabel(f"change in {outcome} after meeting the touchpoint"
                  + (f" (within {window})" if window else ""))
    if len(shown):
        lead = shown.iloc[0]
        ax.set_title(f"{lead['touchpoint']} shifts {outcome} most "
                     f"({lead['estimate']:+.2f}, {lead['ci_low']:+.2f} to "
                     f"{lead['ci_high']:+.2f})", fontsize=10)
        ax.legend(title="level", fontsize=8, loc="best")
    else:
        ax.set_title("No touchpoint had enough exposed customers for an estimate", fontsize=10)
    return ax


@shared_docs
def pyramid(result, *, ax=None):
    """Draw the CX pyramid: three stacked layers annotated with the share meeting each.

    Parameters
    ----------
    result : Pyramid
        The result of :func:`cxkit.cx_pyramid`.
    {doc:ax}

    Returns
    -------
    matplotlib Axes
        Three trapezoids, widest at the base (meets needs), then easy, then enjoyable at the
        top; each annotated with the share meeting the level and the share meeting it together
        with every level below (the pyramid's logic), which also sets its shade.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import plots
    >>> from cxkit import cx_pyramid
    >>> survey = cxkit.simulate_study(300, seed=1).survey
    >>> result = cx_pyramid(survey, needs=["needs_1", "needs_2", "needs_3"],
    ...                     ease=["ease_1", "ease_2", "ease_3"],
    ...                     enjoy=["enjoy_1", "enjoy_2", "enjoy_3"])
    >>> ax = plots.pyramid(result)
    >>> len(ax.patches), len(ax.texts)
    (3, 3)
    """
    from matplotlib import colormaps
    from matplotlib.patches import Polygon

    ax = _axes(ax, figsize=(6, 5))
    levels = result.levels.set_index(["layer", "rule"])
    layers = ("needs", "ease", "enjoy")
    labels = {"needs": "meets needs", "ease": "easy", "enjoy": "enjoyable"}
    half_widths = (1.5, 1.1, 0.7, 0.3)  # at the bottom of each layer, then the top
    cmap = colormaps["Blues"]
    for k, layer in enumerate(layers):
        alone = levels.loc[(layer, "layer"), "estimate"]
        both = levels.loc[(layer, "pyramid"), "estimate"]
        low, high = half_widths[k], half_widths[k + 1]
        shade = 0.25 + 0.6 * (0 if np.isnan(both) else both)
        ax.add_patch(Polygon([(-low, k), (low, k), (high, k + 1), (-high, k + 1)],
                             closed=True, facecolor=cmap(shade), edgecolor="white",
                             linewidth=2))
        text = (f"{labels[layer]}\n{alone:.0%} meet it"
                + ("" if layer == "needs" else f"\n{both:.0%} with the levels below"))
        ax.text(0, k + 0.5, text, ha="center", va="center", fontsize=9,
                color="white" if shade > 0.6 else "black")
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-0.05, 3.05)
    ax.set_axis_off()
    top = levels.loc[("enjoy", "pyramid"), "estimate"]
    ax.set_title(f"{top:.0%} of respondents reach the top of the pyramid "
                 f"(score ≥ {result.top_box:g} on every level)", fontsize=10)
    return ax


@shared_docs
def realms(data, *, ax=None):
    """Draw Pine & Gilmore's four realms of an experience with the touchpoints in each.

    Parameters
    ----------
    data : ExperienceEconomy or DataFrame
        The result of :func:`cxkit.experience_economy`, or its ``touchpoints`` table
        (columns ``touchpoint`` and ``realm``). Since 0.2.0 it is required: plots import no
        analysis code, so they cannot build the default mapping themselves.
    {doc:ax}

    Returns
    -------
    matplotlib Axes
        A 2×2 grid (participation: passive → active across; connection: absorption at the
        top, immersion at the bottom) with one rectangle per realm listing its touchpoints.

    Examples
    --------
    >>> import cxkit
    >>> ax = cxkit.plots.realms(cxkit.experience_economy())
    >>> len(ax.patches)
    4
    """
    from matplotlib.patches import Rectangle

    if data is None:
        raise TypeError("realms() needs the realms to draw: pass cxkit.experience_economy(), or "
                        "call cxkit.experience_economy().plot()")
    table = data.touchpoints if hasattr(data, "touchpoints") else data
    _check.columns(table, ["touchpoint", "realm"], what="experience_economy().touchpoints")
    ax = _axes(ax, figsize=(9, 7))
    quadrants = {"entertainment": (0, 1), "educational": (1, 1), "esthetic": (0, 0),
                 "escapist": (1, 0)}
    colours = {"entertainment": "#DD8452", "educational": "#4C72B0", "esthetic": "#55A868",
               "escapist": "#8172B3"}
    for realm, (x, y) in quadrants.items():
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor=colours[realm], alpha=0.18,
                               edgecolor="white", linewidth=3))
        names = sorted(table.loc[table["realm"] == realm, "touchpoint"].astype(str))
        ax.text(x + 0.5, y + 0.93, realm, ha="center", va="top", fontsize=12,
                fontweight="bold")
        ax.text(x + 0.5, y + 0.80, "\n".join(names) or "(none)", ha="center", va="top",
                fontsize=8)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([0.5, 1.5], ["passive participation", "active participation"])
    ax.set_yticks([0.5, 1.5], ["immersion", "absorption"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    placed = int(table["realm"].isin(list(quadrants)).sum())
    ax.set_title(f"{placed} of {len(table)} touchpoints fit a realm of experience; the rest "
                 f"(support, complaints, purchases) are services", fontsize=10)
    return ax
