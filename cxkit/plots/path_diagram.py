"""The path diagram of a structural model (a PLS path model): constructs as boxes, paths as
arrows labelled with their coefficients.

Takes plain data — the paths table (``source``, ``target``, ``estimate`` and, where there are
intervals, ``ci_low``/``ci_high``), the construct names and their R² — so that it imports no
analysis module; :meth:`cxkit.measurement.PLSResult.plot` calls it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs

__all__ = ["path_diagram"]


@shared_docs
def path_diagram(paths: pd.DataFrame, *, constructs: Sequence[str] | None = None,
                 r2: Mapping[str, float] | pd.Series | None = None, ax=None):
    """Draw a structural model: constructs as boxes, arrows labelled with path coefficients.

    Constructs stand in columns by their distance from the exogenous constructs (those no
    path points to); a column holding one construct alternates above and below the middle so
    that long paths do not run through boxes, and an arrow that would cross a box bends
    around it. A path whose interval includes 0 is drawn dashed and grey.

    Parameters
    ----------
    paths : DataFrame
        One row per path: ``source``, ``target``, ``estimate`` (the coefficient shown on the
        arrow) and, optionally, ``ci_low`` and ``ci_high`` (its interval). The model must be
        recursive (no loops), as :func:`cxkit.pls_sem`'s ``.paths``.
    constructs : sequence of str, optional
        Every construct, in the order to stack them within a column; by default the order in
        which they first appear in ``paths``.
    r2 : mapping or Series, optional
        R² by (endogenous) construct, written under its name.
    {doc:ax} The default figure is sized to the model.

    Returns
    -------
    matplotlib Axes
        One box patch per construct, then one arrow patch per path; one text per box and one
        per path (the estimate, two decimals).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import plots
    >>> paths = pd.DataFrame({"source": ["ease", "ease", "satisfaction"],
    ...                       "target": ["satisfaction", "loyalty", "loyalty"],
    ...                       "estimate": [0.52, 0.08, 0.61]})
    >>> ax = plots.path_diagram(paths, r2={"satisfaction": 0.27, "loyalty": 0.41})
    >>> len(ax.patches)
    6
    >>> [t.get_text() for t in ax.texts][:2]
    ['ease', 'satisfaction\\nR² = 0.27']
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    _check.table(paths, ["source", "target", "estimate"], what="paths")
    pairs = list(zip(paths["source"], paths["target"], strict=True))
    names = list(dict.fromkeys(c for pair in pairs for c in pair)) if constructs is None \
        else list(constructs)
    unknown = sorted({c for pair in pairs for c in pair} - set(names), key=str)
    if unknown:
        raise ValueError(f"path(s) use construct(s) {unknown} that are not in constructs=")
    r2 = {} if r2 is None else dict(r2)
    intervals = {"ci_low", "ci_high"} <= set(paths.columns)
    width = max(1.1, 0.085 * max(len(n) for n in names) + 0.25)
    height = 0.55
    position = _layout(names, pairs, spacing=max(2.0, width + 0.9))
    arrows = _arrows(pairs, position, width, height)
    xs = [x for _, _, curve in arrows for x, _ in curve] + [x for x, _ in position.values()]
    ys = [y for _, _, curve in arrows for _, y in curve] + [y for _, y in position.values()]
    xlim = (min(xs) - width * 0.75, max(xs) + width * 0.75)
    ylim = (min(ys) - height * 1.2, max(ys) + height * 1.2)
    if ax is None:
        figure = plt.figure(figsize=(0.9 * (xlim[1] - xlim[0]), 0.9 * (ylim[1] - ylim[0])))
        ax = figure.add_axes((0, 0, 1, 1))
    for name, (x, y) in position.items():
        label = f"{name}\nR² = {r2[name]:.2f}" if name in r2 else name
        ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                    boxstyle="round,pad=0.02", facecolor="#eef3f8",
                                    edgecolor="#34557a", linewidth=1.2, zorder=2))
        ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=3)
    boxes = [_box(x, y, width, height) for x, y in position.values()]
    placed: list[tuple[float, float]] = []
    for row, (bend, _, curve) in zip(paths.itertuples(index=False), arrows, strict=True):
        weak = intervals and row.ci_low <= 0 <= row.ci_high
        ax.add_patch(FancyArrowPatch(curve[0], curve[-1], arrowstyle="-|>",
                                     mutation_scale=12, connectionstyle=f"arc3,rad={bend}",
                                     color="#999999" if weak else "#222222",
                                     linestyle="--" if weak else "-", linewidth=1.1,
                                     zorder=1))
        where = _label_spot(curve, placed, boxes)
        placed.append(where)
        ax.text(*where, f"{row.estimate:.2f}", ha="center", va="center", fontsize=8,
                zorder=4, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                "edgecolor": "none"})
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _box(x, y, width, height, margin: float = 0.05) -> tuple[float, float, float, float]:
    return (x - width / 2 - margin, x + width / 2 + margin, y - height / 2 - margin,
            y + height / 2 + margin)


def _arrows(pairs, position, width, height):
    """(arc3 bend, pair, points) per path: straight, or bent around boxes in the way."""
    out = []
    for source, target in pairs:
        (x0, y0), (x1, y1) = position[source], position[target]
        start = _box_edge(x0, y0, x1, y1, width, height)
        end = _box_edge(x1, y1, x0, y0, width, height)
        others = [_box(x, y, width, height) for n, (x, y) in position.items()
                  if n not in (source, target)]
        bend = 0.0
        if any(_crosses(start, end, b) for b in others):
            # arc3's rad is relative to the length: bulge by about one box height
            length = math.dist(start, end)
            bends = [2 * bulge / length for bulge in (0.45, -0.45, 0.8, -0.8, 1.2, -1.2)]
            bend = next((b for b in bends if not any(
                _crosses(p, q, box) for box in others
                for p, q in _pairwise(_curve(start, end, b)))), bends[0])
        out.append((bend, (source, target), _curve(start, end, bend)))
    return out


def _layout(names: list[str], pairs: list[tuple[str, str]], *,
            spacing: float) -> dict[str, tuple[float, float]]:
    """Columns by longest path from an exogenous construct; rows spread within a column."""
    depth = dict.fromkeys(names, 0)
    for _ in names:  # longest-path relaxation; the model is acyclic
        for source, target in pairs:
            depth[target] = max(depth[target], depth[source] + 1)
    columns: dict[int, list[str]] = {}
    for name in names:
        columns.setdefault(depth[name], []).append(name)
    position = {}
    for d, members in columns.items():
        if len(members) == 1:
            position[members[0]] = (spacing * d, 0.0 if d == 0 else (0.9 if d % 2 else -0.9))
            continue
        for k, name in enumerate(members):
            position[name] = (spacing * d, 1.3 * ((len(members) - 1) / 2 - k))
    return position


def _curve(start, end, bend: float, steps: int = 20) -> list[tuple[float, float]]:
    """Points of matplotlib's ``arc3`` connection (a quadratic Bézier) from start to end."""
    (x0, y0), (x2, y2) = start, end
    cx, cy = (x0 + x2) / 2 + bend * (y2 - y0), (y0 + y2) / 2 - bend * (x2 - x0)
    return [((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x2,
             (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y2)
            for t in np.linspace(0, 1, steps + 1)]


def _pairwise(points):
    return zip(points[:-1], points[1:], strict=True)


def _crosses(start, end, box, samples: int = 24) -> bool:
    """Whether the segment start–end passes through the rectangle (x0, x1, y0, y1)."""
    x0, x1, y0, y1 = box
    return any(x0 <= start[0] + t * (end[0] - start[0]) <= x1
               and y0 <= start[1] + t * (end[1] - start[1]) <= y1
               for t in np.linspace(0, 1, samples + 1))


def _label_spot(curve, placed, boxes, clearance: float = 0.5) -> tuple[float, float]:
    """A point along the arrow away from other labels and boxes (the middle first)."""
    n = len(curve) - 1
    spots = [curve[round(f * n)] for f in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)]
    for spot in spots:
        free = all(math.dist(spot, other) >= clearance for other in placed)
        outside = not any(x0 <= spot[0] <= x1 and y0 <= spot[1] <= y1
                          for x0, x1, y0, y1 in boxes)
        if free and outside:
            return spot
    return spots[0]


def _box_edge(x0, y0, x1, y1, width, height) -> tuple[float, float]:
    """Where the segment from the centre (x0, y0) towards (x1, y1) leaves the box."""
    dx, dy = x1 - x0, y1 - y0
    scale = min(width / 2 / abs(dx) if dx else math.inf, height / 2 / abs(dy) if dy else math.inf)
    return x0 + dx * scale, y0 + dy * scale

