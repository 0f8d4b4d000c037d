"""Callaway & Sant'Anna (2021) group-time effects for staggered adoption, through moderndid.

Each cohort (units that adopt in the same period) is compared period by period with a
comparison group — units never treated (``control="never"``) or not yet treated
(``control="notyet"``) — giving group-time effects ATT(g, t); these are then averaged:

- ``"simple"``: over all treated cohort-periods, weighted by cohort size (the overall effect
  of :func:`cxkit.effect` with ``method="cs"``);
- ``"dynamic"``: by event time e = t − g (the event study of :func:`cxkit.event_study` with
  ``method="cs"``);
- ``"group"``: by cohort, each averaged over its periods after adoption.

The estimation is moderndid's ``att_gt`` (doubly robust; without confounders the same as the
outcome-regression and weighting estimators) with analytic standard errors from the
influence functions, clustered on the unit; the aggregations are its ``aggte``. moderndid
was chosen over ``differences`` and ``csdid`` because it is maintained, MIT-licensed, ports
R's ``did`` function by function (``att_gt``/``aggte``, with ``mpdta``) and its 0.2 release
installs on Python 3.11 with light dependencies (polars, narwhals).

This module works on numbers prepared by :mod:`cxkit.models.did` (periods as positions in
time order, cohorts on the same scale); :func:`cxkit.effect` and :func:`cxkit.event_study`
are the public entry points.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import _causal

AGGREGATIONS = ("simple", "dynamic", "group")
CONTROLS = {"never": "nevertreated", "notyet": "notyettreated"}


def group_time(frame: pd.DataFrame, *, outcome: str, unit: str, time: str, cohort: str,
               control: str = "never", confounders=(), cluster: str | None = None,
               conf_level: float = 0.95) -> dict:
    """Fit the group-time effects on a panel with numeric periods and cohorts.

    ``frame[time]`` holds numbers in time order, ``frame[cohort]`` the period of adoption on
    the same scale (NaN: never treated within the panel). Periods are passed to moderndid as
    their ranks 1, 2, ...; a cohort between two periods starts at the next one; a cohort after
    the last period is never treated within the panel. Units treated from the first period
    on cannot be compared with their own untreated past: they are set aside with a
    ``UserWarning``. moderndid's panel estimator needs a balanced panel (it would drop units
    missing in some period by itself): units not observed in every period are set aside here,
    with a ``UserWarning`` and counted, so that ``n`` is the rows used.

    Returns a dict: ``fit`` (moderndid's ``MPResult``), ``frame`` (the rows used),
    ``units_set_aside``, ``treated_rows_set_aside`` (rows of those units in treated
    periods), ``unbalanced_units_set_aside`` (units not seen in every period),
    ``treated_rows`` (in the data given), ``labels`` (rank → period).
    """
    from moderndid import att_gt

    periods = np.sort(frame[time].unique())
    rank = np.searchsorted(periods, frame[time].to_numpy()) + 1
    adopted = frame[cohort].to_numpy(dtype=float)
    start = np.where(np.isnan(adopted), 0,
                     np.searchsorted(periods, np.nan_to_num(adopted), side="left") + 1)
    start = np.where(start > len(periods), 0, start)  # adopts after the panel: never within
    treated_row = (start > 0) & (rank >= start)
    always = (start == 1)
    n_units_always = int(frame.loc[always, unit].nunique())
    rows_always = int((always & treated_row).sum())
    if n_units_always:
        warnings.warn(f"{n_units_always} unit(s) treated from the first period on "
                      f"({rows_always} of {int(treated_row.sum())} treated rows) set aside: "
                      "Callaway-Sant'Anna compares each unit with its own untreated past",
                      UserWarning, stacklevel=5)
    # units seen in fewer periods than the panel has (customers who joined or left)
    seen = pd.Series(rank).groupby(pd.factorize(frame[unit])[0]).nunique()
    partial = ~np.isin(pd.factorize(frame[unit])[0], seen.index[seen == len(periods)]) & ~always
    n_units_partial = int(frame.loc[partial, unit].nunique())
    if n_units_partial:
        warnings.warn(f"{n_units_partial} of {int(frame[unit].nunique())} unit(s) not observed "
                      f"in every one of the {len(periods)} periods set aside ({int(partial.sum())}"
                      f" rows, {int((partial & treated_row).sum())} of {int(treated_row.sum())} "
                      "treated rows): Callaway-Sant'Anna's panel estimator needs a balanced "
                      "panel, so the estimate is about the units seen throughout",
                      UserWarning, stacklevel=5)
    data = pd.DataFrame({"_y": frame[outcome].to_numpy(dtype=float),
                         "_id": pd.factorize(frame[unit])[0] + 1, "_t": rank, "_g": start})
    names = []
    for k, column in enumerate(confounders):
        x = _causal.design(frame, [column])
        for j in range(x.shape[1]):
            names.append(f"_x{k}_{j}")
            data[names[-1]] = x[:, j]
    cluster_vars = None
    if cluster is not None and cluster != unit:
        data["_cluster"] = _causal.cluster_codes(frame, cluster)
        cluster_vars = ["_cluster"]
    keep = ~always & ~partial
    used = data.loc[keep].reset_index(drop=True)
    fit = att_gt(data=used, yname="_y", tname="_t", idname="_id", gname="_g",
                 xformla=("~ " + " + ".join(names)) if names else None,
                 control_group=CONTROLS[control], est_method="dr", boot=False, cband=False,
                 alp=1 - conf_level, clustervars=cluster_vars)
    return {"fit": fit, "n": int(keep.sum()), "units_set_aside": n_units_always,
            "treated_rows_set_aside": rows_always, "treated_rows": int(treated_row.sum()),
            "unbalanced_units_set_aside": n_units_partial,
            "labels": dict(enumerate(periods.tolist(), start=1))}


def aggregate(fit, aggregation: str = "simple", *, conf_level: float = 0.95,
              labels: dict | None = None, bands: bool = False, bootstrap: int = 1000,
              seed: int | None = None) -> pd.DataFrame:
    """One aggregation of group-time effects as a tidy table.

    Returns ``aggregation``, ``label`` (``"overall"``, the event time, or the cohort's first
    period, through ``labels``), ``estimate``, ``se``, ``ci_low``, ``ci_high`` (pointwise,
    normal, at ``conf_level``); the first row is the overall average of the aggregation.
    With ``bands=True`` the standard errors come from moderndid's multiplier bootstrap
    (``bootstrap`` draws, ``seed``), as R's ``did`` prints them, and ``band_low``,
    ``band_high`` hold the simultaneous (sup-t) band over the event times or cohorts (NaN in
    the overall row).
    """
    from moderndid import aggte

    if bands:
        agg = aggte(fit, type=aggregation, alp=1 - conf_level, boot=True, biters=bootstrap,
                    cband=True, random_state=seed)
    else:
        agg = aggte(fit, type=aggregation, alp=1 - conf_level, cband=False)
    z = _causal.z_value(conf_level)
    rows = [("overall", float(agg.overall_att), float(agg.overall_se))]
    if aggregation != "simple":
        keys = np.asarray(agg.event_times)
        for key, est, se in zip(keys, np.asarray(agg.att_by_event, dtype=float),
                                np.asarray(agg.se_by_event, dtype=float), strict=True):
            label = int(key) if aggregation == "dynamic" else \
                (labels or {}).get(int(key), int(key))
            rows.append((label, float(est), float(se)))
    table = pd.DataFrame(rows, columns=["label", "estimate", "se"])
    table["ci_low"] = table["estimate"] - z * table["se"]
    table["ci_high"] = table["estimate"] + z * table["se"]
    if bands:
        crit = np.full(len(table), np.nan)
        if aggregation != "simple":
            crit[1:] = np.broadcast_to(np.asarray(agg.critical_values, dtype=float),
                                       (len(table) - 1,))
        table["band_low"] = table["estimate"] - crit * table["se"]
        table["band_high"] = table["estimate"] + crit * table["se"]
    table.insert(0, "aggregation", aggregation)
    return table
