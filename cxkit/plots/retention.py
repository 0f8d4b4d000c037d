"""Figures of retention and churn: Kaplan–Meier curves and the hazard ratios of a Cox model.

- :func:`plot_retention` draws the curves of :func:`cxkit.metrics.retention_curve` as steps
  with their interval bands;
- :func:`hazard_ratios` draws the forest plot of a :class:`cxkit.CoxResult` (what
  ``CoxResult.plot()`` shows) or of its table.

Like every plot of the kit, they take tables or result objects, return the Axes and import no
analysis module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import renamed_argument
from .._docstrings import shared_docs

__all__ = ["hazard_ratios", "plot_retention"]

_CURVE_COLUMNS = ["time", "estimate", "ci_low", "ci_high"]
_HAZARD_RATIO_COLUMNS = ["covariate", "hazard_ratio", "ci_low", "ci_high"]


@shared_docs
def plot_retention(data: pd.DataFrame | None = None, *, by=None, ax=None, curve_table=None):
    """Retention curves as steps with their interval bands; returns the Axes.

    Parameters
    ----------
    data : DataFrame
        From :func:`cxkit.metrics.retention_curve` (Kaplan–Meier with pointwise intervals):
        columns ``time``, ``estimate``, ``ci_low``, ``ci_high`` and the ``by`` column(s).
    by : str or list of str, optional
        The group column(s) of the table: one curve per group, labelled by its value(s).
    {doc:ax}
    curve_table : DataFrame, optional
        Deprecated name of ``data`` (a ``FutureWarning``; removed in cxkit 0.3.0).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    DataError
        A column is absent; the table holds several curves but ``by`` is not given.

    Notes
    -----
    Each curve is the Kaplan–Meier estimate [1]_ :math:`\\hat S(t) = \\prod_{t_j \\le t}
    (1 - d_j / n_j)`, drawn as a right-continuous step function, with its pointwise interval
    as a shaded band; times beyond a group's last follow-up (``estimate`` NaN) are not drawn.

    References
    ----------
    .. [1] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. *Journal of the American Statistical Association*, 53(282), 457–481.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.plots import plot_retention
    >>> customers = cxkit.simulate_study(500, seed=1).customers
    >>> customers["days"] = ((customers["churn_date"].fillna("2026-01-01")
    ...     - customers["signup_date"].clip(lower="2024-01-01")).dt.days)
    >>> curve = cxkit.metrics.retention_curve(customers, duration="days", event="churned",
    ...                                       by="email_arm")
    >>> ax = plot_retention(curve, by="email_arm")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['0', '1']
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = renamed_argument("plot_retention", "curve_table", "data", curve_table, data)
    if data is None:
        raise TypeError("plot_retention() needs the curve table (data=)")
    by = _check.by_list(by)
    _check.table(data, [*_CURVE_COLUMNS, *by], what="curve_table")
    if by:
        groups = list(data.groupby(by, sort=False, dropna=False, observed=True))
    else:
        if data["time"].duplicated().any():
            raise _check.DataError("the table holds several curves (repeated times)",
                                   column="time", expected="by= naming the group column(s)")
        groups = [((), data)]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    colours = sns.color_palette(n_colors=max(len(groups), 1))
    for (key, part), colour in zip(groups, colours, strict=True):
        part = part.sort_values("time")
        part = part[part["estimate"].notna()]
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(map(str, key)) if by else None
        ax.step(part["time"], part["estimate"], where="post", color=colour, label=label)
        ax.fill_between(part["time"], part["ci_low"], part["ci_high"], step="post",
                        color=colour, alpha=0.2, lw=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time")
    ax.set_ylabel("share retained")
    if by:
        ax.legend(title=", ".join(by))
    return ax


@shared_docs
def hazard_ratios(result, *, ax=None):
    """Forest plot of hazard ratios and their intervals on a log axis; returns the Axes.

    Parameters
    ----------
    result : CoxResult or DataFrame
        A fitted Cox model (:func:`cxkit.cox`), or a table with columns ``covariate``,
        ``hazard_ratio``, ``ci_low`` and ``ci_high`` (its ``to_frame()``). The confidence
        level in the axis label is the result's ``conf_level`` (a table's is not known and
        is not shown).
    {doc:ax}

    Returns
    -------
    matplotlib Axes
        One row per term, top to bottom in the order of the table, with a line at a hazard
        ratio of 1 (no effect).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import cxkit
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"x": rng.normal(size=300), "churned": 1,
    ...                      "months": rng.exponential(size=300)})
    >>> fit = cxkit.cox(data, duration="months", event="churned", covariates=["x"])
    >>> ax = cxkit.plots.hazard_ratios(fit)
    >>> ax.get_xlabel()
    'hazard ratio (95% CI, log scale)'
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    level = getattr(result, "conf_level", None)
    table = result if isinstance(result, pd.DataFrame) else result.to_frame()
    _check.table(table, _HAZARD_RATIO_COLUMNS, what="result")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(table) + 1.5))
    y = np.arange(len(table))[::-1]
    hr = table["hazard_ratio"].to_numpy()
    ax.errorbar(hr, y, xerr=[hr - table["ci_low"].to_numpy(),
                             table["ci_high"].to_numpy() - hr],
                fmt="o", color="black", capsize=3)
    ax.set_xscale("log")
    ax.axvline(1.0, color="grey", lw=0.8)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(y, labels=table["covariate"].astype(str))
    interval = "CI" if level is None else f"{level:.0%} CI"
    ax.set_xlabel(f"hazard ratio ({interval}, log scale)")
    return ax
