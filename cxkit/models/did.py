"""Difference in differences: a dated policy switched on in some groups, at one or several times.

- :func:`did_effect` is ``cxkit.effect(..., method="did")``: with two periods and the policy off
  everywhere in the first, the classic 2×2 regression with group and period fixed effects; with
  staggered adoption over more periods, Gardner's two-stage estimator (``did2s``, equal to the
  imputation estimator of Borusyak, Jaravel and Spiess; :func:`imputation`), because two-way
  fixed effects is then biased when effects differ across groups or over time
  (Goodman-Bacon, 2021). Every unit with at least one untreated row is used; units never
  untreated are set aside with a warning and counted in the result.
- :func:`cs_effect` is ``cxkit.effect(..., method="cs")``: Callaway & Sant'Anna's group-time
  effects (:mod:`cxkit.models.cs`, through moderndid).
- :func:`event_study`: effects by time relative to adoption (leads and lags), ``did2s``,
  ``cs`` or the dynamic two-way fixed-effects regression for comparison
  (:class:`EventStudyResult`).
- with fewer than 30 clusters, DiD results add a wild cluster bootstrap interval and p-value
  beside the analytic ones (:mod:`cxkit.models._wild`); :func:`cxkit.models.honest_did`
  bounds an event study's conclusion under violations of parallel trends.
- :func:`activity_panel`: customer × month counts of a touchpoint, the panel an event study of
  behaviour needs.

The assumption: without the policy, adopting and not-yet-adopting groups would have moved in
parallel.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from . import _causal, _wild, cs

__all__ = ["EventStudyResult", "ImputationFit", "activity_panel", "event_study"]


# ------------------------------------------------------------------------------------------
# the effect of cxkit.effect(method="did")
# ------------------------------------------------------------------------------------------
def did_effect(frame, treatment, outcome, confounders, *, group, time, cluster,
               conf_level, bootstrap=_wild.NBOOT, seed=None) -> dict:
    """The fields of an :class:`~cxkit.models.effects.EffectResult` for ``method="did"`` on a
    checked frame (from :func:`cxkit.effect`, which documents the method); with fewer than
    30 clusters the wild cluster bootstrap in ``diagnostics["wild_bootstrap"]``."""
    frame = frame.assign(**{time: _period_order(frame, time)})
    if _staggered(frame, treatment, group, time):
        return _did2s(frame, treatment, outcome, confounders, group, time, cluster, conf_level,
                      bootstrap, seed)
    terms = [_causal.term(frame, c) for c in confounders]
    terms += [f"C(Q({group!r}))", f"C(Q({time!r}))"]
    fields = _causal.ols_effect(frame, treatment, outcome, terms, confounders=confounders,
                                cluster=cluster, conf_level=conf_level)
    if cluster is not None:
        ols_wild(fields, treatment, _causal.cluster_codes(frame, cluster), bootstrap=bootstrap,
                 seed=seed, conf_level=conf_level)
    return fields


def ols_wild(fields, treatment, codes, *, bootstrap, seed, conf_level) -> None:
    """Add the wild cluster bootstrap of the treatment's coefficient in the statsmodels OLS
    of ``fields["fit"]`` to ``fields["diagnostics"]`` when there are fewer than 30 clusters
    and ``bootstrap`` draws."""
    if not bootstrap or not 2 <= codes.max() + 1 < _wild.FEW_CLUSTERS:
        return
    model = fields["fit"].model
    column = model.exog_names.index(f"Q({treatment!r})")
    fields["diagnostics"]["wild_bootstrap"] = _wild.ols(
        np.asarray(model.exog), np.asarray(model.endog), codes, [column], nboot=bootstrap,
        seed=seed, conf_level=conf_level)[0]


def _period_order(frame, time) -> pd.Series:
    """The periods as numbers in time order: numbers as they are, dates and ordered
    categoricals as their positions (0, 1, ...) among the dates present or the categories;
    text labels are refused (:func:`cxkit._check.period_kind`)."""
    values = frame[time]
    kind = _check.period_kind(frame, time)
    if kind == "ordered":
        return values.cat.codes.astype("int64")
    if kind == "date":
        return pd.Series(pd.factorize(values, sort=True)[0], index=values.index)
    return values if pd.api.types.is_numeric_dtype(values) else values.astype("float64")


def _staggered(frame, treatment, group, time) -> bool:
    """True unless two periods with the policy off everywhere in the first (the 2×2 case)."""
    ordered = frame.sort_values(time)
    switched_off = ordered.groupby(group)[treatment].apply(
        lambda d: bool((d.diff().fillna(0) < 0).any()))
    if switched_off.any():
        raise DataError("the policy switches off again in some group(s): "
                        + ", ".join(map(str, switched_off[switched_off].index)),
                        column=[treatment, group],
                        expected="a policy that stays on once adopted")
    periods = np.sort(frame[time].unique())
    first_off = frame.loc[frame[time] == periods[0], treatment].eq(0).all()
    if not first_off:
        raise DataError("the policy is already on in the first period", column=treatment,
                        expected="no treated rows in the first period")
    return len(periods) > 2


def _untreated_support(frame, treated, unit, time, stacklevel):
    """Rows that the imputation can use: a unit needs at least one untreated row (its fixed
    effect is then identified), a period too. Returns the frame of usable rows and what was
    set aside (units, treated rows, the share of treated rows), with a ``UserWarning`` when
    anything was (``stacklevel``: up to the user's call of effect() or event_study())."""
    untreated = frame[treated] == 0
    unit_ok = frame[unit].isin(frame.loc[untreated, unit].unique())
    time_ok = frame[time].isin(frame.loc[untreated, time].unique())
    keep = unit_ok & time_ok
    n_treated = int((frame[treated] == 1).sum())
    lost = int((~keep).sum())
    units = int(frame.loc[~unit_ok, unit].nunique())
    periods = int(frame.loc[~time_ok, time].nunique())
    aside = {"units_set_aside": units, "periods_set_aside": periods,
             "treated_rows_set_aside": lost,
             "treated_share_set_aside": lost / n_treated if n_treated else 0.0}
    if lost:
        what = " and ".join(x for x in (
            f"{units} unit(s) never untreated in the panel" if units else "",
            f"{periods} period(s) without an untreated row" if periods else "") if x)
        warnings.warn(f"{what} set aside: their untreated level cannot be estimated; "
                      f"{lost} of {n_treated} treated rows ({lost / n_treated:.1%}) are not "
                      "in the estimate", UserWarning, stacklevel=stacklevel)
    return frame.loc[keep].reset_index(drop=True), aside


@dataclass(frozen=True)
class ImputationFit:
    """The two stages of Gardner's did2s / the imputation estimator (Borusyak, Jaravel and
    Spiess): ``coef`` and ``vcov`` of the second stage (Gardner's GMM variance, clustered),
    ``first_stage`` (unit and period effects and confounders' coefficients, fitted on the
    untreated rows), ``n`` rows and ``n_clusters``; ``cluster_scores`` (clusters × terms, the
    scores whose cross-products make ``vcov``) and ``second_inverse`` ((X2'X2)^-1) for the wild
    bootstrap."""

    coef: pd.Series
    vcov: np.ndarray
    first_stage: np.ndarray
    n: int
    n_clusters: int
    cluster_scores: np.ndarray | None = None
    second_inverse: np.ndarray | None = None

    def tidy(self) -> pd.DataFrame:
        """``Estimate`` and ``Std. Error`` by term (as pyfixest's ``tidy()``)."""
        return pd.DataFrame({"Estimate": self.coef.to_numpy(),
                             "Std. Error": np.sqrt(np.diag(self.vcov))}, index=self.coef.index)


def imputation(y, treated, units, periods, covariates, second, clusters) -> ImputationFit:
    """Gardner's two-stage DiD, equal to the imputation estimator, on arrays.

    First stage: OLS of ``y`` on unit and period indicators and ``covariates`` on the
    untreated rows (sparse normal equations; a unit needs one untreated row). Second stage:
    OLS of ``y`` net of the first-stage fit on ``second`` (a DataFrame of regressors, no
    intercept) over all rows. Variance: Gardner (2021)'s GMM sandwich, clustered, as R's
    did2s and pyfixest's ``did2s`` compute it, ``(X2'X2)^-1 Σ_g W_g W_g' (X2'X2)^-1`` with
    ``W_g = X2_g'u2_g − X2'X1 (X10'X10)^-1 X10_g'u1_g``.
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    n = len(y)
    u_code, t_code = pd.factorize(units)[0], pd.factorize(periods, sort=True)[0]
    n_u, n_t = u_code.max() + 1, t_code.max() + 1
    rows = np.arange(n)
    unit_dummies = sp.csr_matrix((np.ones(n), (rows, u_code)), shape=(n, n_u))
    keep_t = t_code > 0  # the first period is the reference
    time_dummies = sp.csr_matrix((np.ones(keep_t.sum()), (rows[keep_t], t_code[keep_t] - 1)),
                                 shape=(n, n_t - 1))
    x1 = sp.hstack([unit_dummies, time_dummies, sp.csr_matrix(covariates)]).tocsr()
    untreated = (np.asarray(treated) == 0).astype(float)
    x10 = sp.diags(untreated) @ x1
    gram = (x10.T @ x10).tocsc()
    beta1 = np.atleast_1d(spsolve(gram, x10.T @ (untreated * y)))
    net = y - x1 @ beta1
    first_u = untreated * net
    x2 = second.to_numpy(dtype=float)
    x2x2_inv = np.linalg.inv(x2.T @ x2)
    beta2 = x2x2_inv @ (x2.T @ net)
    second_u = net - x2 @ beta2
    v = np.atleast_2d(spsolve(gram, (x1.T @ x2)).reshape(x1.shape[1], -1)).T  # k × p
    scores = x2 * second_u[:, None] - np.asarray((x10.multiply(first_u[:, None])) @ v.T)
    codes = pd.factorize(clusters)[0]
    sums = np.zeros((codes.max() + 1, x2.shape[1]))
    np.add.at(sums, codes, scores)
    vcov = x2x2_inv @ (sums.T @ sums) @ x2x2_inv
    return ImputationFit(coef=pd.Series(beta2, index=second.columns), vcov=vcov,
                         first_stage=beta1, n=n, n_clusters=int(codes.max() + 1),
                         cluster_scores=sums, second_inverse=x2x2_inv)


def _covariates(frame, confounders) -> np.ndarray:
    """The confounders as a matrix (text one-hot encoded), no columns when there are none."""
    return _causal.design(frame, list(confounders)) if confounders else \
        np.empty((len(frame), 0))


def _did2s(frame, treatment, outcome, confounders, group, time, cluster, conf_level,
           bootstrap, seed) -> dict:
    frame, aside = _untreated_support(frame, treatment, group, time, stacklevel=6)
    second = pd.DataFrame({treatment: frame[treatment].astype(float)})
    codes = _causal.cluster_codes(frame, cluster or group)
    fit = imputation(frame[outcome].to_numpy(dtype=float), frame[treatment].to_numpy(),
                     frame[group], frame[time], _covariates(frame, confounders), second, codes)
    z = _causal.z_value(conf_level)
    estimate, se = float(fit.coef.iloc[0]), float(np.sqrt(fit.vcov[0, 0]))
    diagnostics = {"estimator": "did2s (Gardner 2021)", "outcome_sd": float(frame[outcome].std()),
                   **aside}
    if bootstrap and 2 <= fit.n_clusters < _wild.FEW_CLUSTERS:
        diagnostics["wild_bootstrap"] = _wild.imputation(
            fit, second.to_numpy(), codes, [0], nboot=bootstrap, seed=seed,
            conf_level=conf_level)[0]
    return {"estimate": estimate, "ci_low": estimate - z * se, "ci_high": estimate + z * se,
            "se": se, "n": len(frame), "fit": fit, "diagnostics": diagnostics}


# ------------------------------------------------------------------------------------------
# staggered adoption: panels and event studies
# ------------------------------------------------------------------------------------------
def activity_panel(events: pd.DataFrame, customers: pd.DataFrame, *,
                   touchpoint: str = "purchase", start=None, end=None,
                   traits: Sequence[str] = ()) -> pd.DataFrame:
    """Customer × month counts of one touchpoint, for the months a customer was active.

    A month enters for a customer when the customer was a customer for the whole month: signed
    up before it began and had not churned before it ended (so partial months at the edges
    neither dilute nor inflate the counts).

    Parameters
    ----------
    events : DataFrame
        Journey events (canonical schema: ``customer_id``, ``timestamp``, ``touchpoint``).
    customers : DataFrame
        ``customer_id``, ``signup_date`` and ``churn_date`` (NaT when still a customer), plus
        any ``traits`` to carry along.
    touchpoint : str
        The touchpoint counted (``"purchase"`` by default).
    start, end : date-like, optional
        The window (default: the events' first and last day).
    traits : sequence of str
        Customer columns added to every row (e.g. ``"region"``).

    Returns
    -------
    DataFrame
        ``customer_id``, ``month`` (first day of the month), ``period`` (months since the first
        month of the window, 0, 1, ...), ``count`` (events of the touchpoint), then ``traits``.

    Examples
    --------
    >>> import cxkit
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> panel = cxkit.activity_panel(study.events, study.customers, traits=["region"])
    >>> list(panel.columns)
    ['customer_id', 'month', 'period', 'count', 'region']
    """
    _check.table(events, ["customer_id", "timestamp", "touchpoint"], what="events")
    _check.datetimes(events, "timestamp", what="events")
    _check.table(customers, ["customer_id", "signup_date", "churn_date", *traits],
                 what="customer")
    stamps = events["timestamp"].dt.tz_localize(None) if events["timestamp"].dt.tz else \
        events["timestamp"]
    first = pd.Timestamp(start) if start is not None else stamps.min().normalize()
    last = pd.Timestamp(end) if end is not None else stamps.max().normalize()
    months = pd.period_range(first, last, freq="M")
    month_start = months.to_timestamp()
    month_end = (months + 1).to_timestamp()
    keep = (month_start >= first) & (month_end <= last + pd.Timedelta(days=1))
    cust = customers.reset_index(drop=True)
    churn = cust["churn_date"].fillna(pd.Timestamp.max.normalize())
    grid_c = np.repeat(np.arange(len(cust)), keep.sum())
    grid_m = np.tile(np.flatnonzero(keep), len(cust))
    active = (cust["signup_date"].to_numpy()[grid_c] <= month_start.to_numpy()[grid_m]) & \
        (churn.to_numpy()[grid_c] >= month_end.to_numpy()[grid_m])
    panel = pd.DataFrame({"customer_id": cust["customer_id"].to_numpy()[grid_c[active]],
                          "month": month_start[grid_m[active]],
                          "period": grid_m[active] - int(np.flatnonzero(keep)[0])})
    hits = events.loc[events["touchpoint"] == touchpoint, ["customer_id"]].assign(
        month=stamps[events["touchpoint"] == touchpoint].dt.to_period("M").dt.to_timestamp())
    counts = hits.groupby(["customer_id", "month"]).size().rename("count")
    panel = panel.join(counts, on=["customer_id", "month"])
    panel["count"] = panel["count"].fillna(0).astype("int64")
    if traits:
        panel = panel.merge(cust[["customer_id", *traits]], on="customer_id", how="left")
    return panel


@dataclass(frozen=True, repr=False)
class EventStudyResult(Result):
    """Effects by time relative to adoption (leads and lags), with intervals.

    Attributes
    ----------
    coefficients : DataFrame
        ``event_time`` (periods since adoption; -1 is the reference), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``.
    estimator : str
        ``"did2s"`` or ``"cs"`` (robust to staggered adoption) or ``"twfe"`` (dynamic two-way
        fixed effects).
    outcome : str
        The outcome column.
    n : int
        Rows used.
    conf_level : float
        Confidence level of the intervals (``level`` before 0.2; the old name still works and
        warns).
    fit : object
        The model behind the estimates: the two stages of ``did2s``
        (:class:`ImputationFit`), pyfixest's ``twfe`` model, or moderndid's group-time
        effects (``cs``).
    units_set_aside : int
        Units left out because none of their rows is untreated (treated in every period of
        the panel): their own level cannot be learnt.
    treated_share_set_aside : float
        The share of treated rows lost with them (also in ``summary()``).
    unbalanced_units_set_aside : int
        ``cs`` only: units not observed in every period, left out because its panel estimator
        needs a balanced panel (also in ``summary()``): the estimate is about the units seen
        throughout.
    inference : str
        How the intervals were computed: analytic (cluster-robust, normal), or with fewer than
        30 clusters also the wild cluster bootstrap of the ``wild_*`` columns (which the
        summary then points to).

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> rows = [(u, t, [4, 7, np.nan][u % 3]) for u in range(300) for t in range(10)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "g"])
    >>> panel["y"] = (panel["t"] >= panel["g"]) + rng.normal(size=len(panel))
    >>> es = cxkit.event_study(panel, outcome="y", unit="unit", time="t", cohort="g")
    >>> es.conf_int().loc[-1].tolist()  # the reference period
    [0.0, 0.0]
    """

    coefficients: pd.DataFrame
    estimator: str
    outcome: str
    n: int
    conf_level: float
    fit: object = None
    units_set_aside: int = 0
    treated_share_set_aside: float = 0.0
    inference: str = "analytic (cluster-robust, normal)"
    unbalanced_units_set_aside: int = 0

    _label_columns = ("event_time",)

    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """The coefficients table with the ``estimator`` column."""
        return self.coefficients.assign(estimator=self.estimator)

    def summary(self) -> str:
        """Mean effect after adoption, largest lead, rows used and units set aside."""
        post = self.coefficients[self.coefficients["event_time"] >= 0]
        pre = self.coefficients[self.coefficients["event_time"] < -1]
        aside = "" if not self.units_set_aside else (
            f"; {self.units_set_aside} unit(s) never untreated set aside "
            f"({self.treated_share_set_aside:.1%} of treated rows)")
        if self.unbalanced_units_set_aside:
            aside += (f"; {self.unbalanced_units_set_aside} unit(s) not observed in every "
                      "period set aside (a balanced panel)")
        uses = "" if "wild_ci_low" not in self.coefficients else (
            f"; few clusters: use wild_ci_low/wild_ci_high ({self.inference}), not the "
            "analytic ci_low/ci_high")
        return (f"{self.estimator} event study of {self.outcome}: mean effect after adoption "
                f"{post['estimate'].mean():.3f} over {len(post)} periods; largest |lead| "
                f"{pre['estimate'].abs().max() if len(pre) else float('nan'):.3f}; "
                f"n = {self.n}{aside}{uses}")

    def plot(self, ax=None, *, truth=None):
        """Leads and lags with intervals (:func:`cxkit.plots.event_study`); ``truth``: a
        mapping event time → true effect."""
        from ..plots import event_study as draw

        return draw(self, truth=truth, ax=ax)


@old_keywords()
@shared_docs(extra=_wild.DOCS)
def event_study(data: pd.DataFrame, *, outcome: str, unit: str, time: str, cohort: str,
                method: str = "did2s", control: str = "never", cluster: str | None = None,
                leads: int | None = None, lags: int | None = None, conf_level: float = 0.95,
                bootstrap: int = _wild.NBOOT, seed=None,
                estimator: str | None = None) -> EventStudyResult:
    """Event study around a dated policy adopted at different times (staggered adoption).

    Parameters
    ----------
    data : DataFrame
        A panel: one row per unit and period (e.g. from :func:`activity_panel`).
    outcome, unit, time : str
        The outcome, the unit id and the period columns. Periods are numbers (event time is
        their difference, e.g. months since the start), dates or pandas Periods (event time
        counts the distinct dates of the panel), or an ordered categorical (event time counts
        its categories, in their order). Text labels such as ``"Q42010"`` are refused: their
        text order is not their time order.
    cohort : str
        The period in which the unit's group adopted the policy (NaN or NaT for never or not
        within the panel), of the same kind as ``time``: a number, a date (the unit is treated
        from the first date of the panel on or after it), or one of ``time``'s categories.
    method : {"did2s", "cs", "twfe"}
        ``did2s`` (or ``"did"``, as in :func:`cxkit.effect`): Gardner's two-stage
        difference-in-differences, the imputation estimator — unit and period effects are
        estimated on the untreated rows only (a unit needs one), then the outcome net of them
        is regressed on event-time dummies; unbiased with staggered timing and effects that
        vary by cohort and over time. Its leads are a weak pre-trend check: the first stage is
        fitted on the very untreated rows the leads are measured on, so they sit near zero
        partly by construction. ``cs``: Callaway & Sant'Anna's group-time effects averaged by
        event time (moderndid, :mod:`cxkit.models.cs`); each lead compares a period with the
        one before it (a short difference), so the leads are an honest pre-trend check and
        event time -1 is estimated, not fixed at 0. ``twfe``: the dynamic two-way
        fixed-effects regression, shown for comparison: with staggered timing it uses
        already-treated units as controls and can show spurious leads and distorted lags
        (Sun & Abraham, 2021).
    control : {"never", "notyet"}
        ``cs`` only: the comparison group, units never treated within the panel (default) or
        also those not yet treated.
    {doc:cluster}
        Default: ``unit``.
    leads, lags : int, optional
        Keep event times in [-leads, lags] (others are binned into the end points).
    {doc:conf_level}
        (``level=`` before 0.2: still accepted, with a FutureWarning.)
    {doc:wild_bootstrap}
    estimator : str, optional
        The name of ``method`` before 0.2: still accepted, with a FutureWarning.

    Returns
    -------
    EventStudyResult
        ``.coefficients`` (``event_time``, ``estimate``, ``se``, ``ci_low``, ``ci_high``),
        ``.conf_int()``, ``.plot()`` and the fitted model in ``.fit`` (the two stages for
        ``did2s``, pyfixest's model for ``twfe``, moderndid's group-time effects for ``cs``).
        Units that are never untreated (treated in every period of the panel) are set aside
        with a ``UserWarning``; their number and the share of treated rows lost are in the
        result and its summary. With fewer than 30 clusters (``did2s``, ``twfe``) the
        coefficients add ``wild_ci_low``, ``wild_ci_high`` and ``wild_p_value`` and
        ``.inference`` says how they were drawn.

    Raises
    ------
    DataError
        A missing column; missing values in ``outcome``, ``unit`` or ``time``; periods that
        are text labels or an unordered categorical; cohorts of another kind than the
        periods.

    References
    ----------
    Gardner, J. (2021). Two-stage differences in differences. arXiv:2207.05943.
    Sun, L., & Abraham, S. (2021). Estimating dynamic treatment effects in event studies with
    heterogeneous treatment effects. *Journal of Econometrics*, 225(2), 175–199.
    Borusyak, K., Jaravel, X., & Spiess, J. (2024). Revisiting event-study designs. *Review of
    Economic Studies*.
    Callaway, B., & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
    periods. *Journal of Econometrics*, 225(2), 200–230.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> rows = [(u, t, [4, 7, np.nan][u % 3]) for u in range(300) for t in range(10)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "g"])
    >>> panel["y"] = 0.1 * panel["t"] + (panel["t"] >= panel["g"]) + rng.normal(size=len(panel))
    >>> es = cxkit.event_study(panel, outcome="y", unit="unit", time="t", cohort="g")
    >>> es.coefficients.set_index("event_time").loc[[-3, 0, 2], "estimate"].round(1).tolist()
    [0.0, 1.1, 1.0]
    """
    if estimator is not None:
        warnings.warn("event_study(): estimator= is now method=; estimator= will be removed "
                      "in cxkit 0.3.0", FutureWarning, stacklevel=3)
        method = estimator
    _check.one_of(method, ("did2s", "did", "twfe", "cs"), "method")
    _check.one_of(control, tuple(cs.CONTROLS), "control")
    method = "did2s" if method == "did" else method
    conf_level = _check.conf_level(conf_level)
    frame = _panel(data, [outcome, unit, time], cohort)
    cluster = cluster or unit
    if method == "cs":
        return _cs_event_study(frame, outcome, unit, time, cohort, control, cluster,
                               leads, lags, conf_level)
    rel = frame[time] - frame[cohort]
    if lags is not None:
        rel = rel.where(rel.isna() | (rel <= lags), lags)
    if leads is not None:
        rel = rel.where(rel.isna() | (rel >= -leads), -leads)
    frame["_rel"] = rel.fillna(-1).astype(int)  # never treated: the reference period
    frame["_treated"] = (frame[cohort].notna() & (frame[time] >= frame[cohort])).astype(int)
    frame, aside = _untreated_support(frame, "_treated", unit, time, stacklevel=4)
    codes = _causal.cluster_codes(frame, cluster)
    times = np.sort(frame.loc[frame["_rel"] != -1, "_rel"].unique())
    second = pd.DataFrame({f"_rel::{k}": (frame["_rel"] == k).astype(float) for k in times})
    if method == "did2s":
        fit = imputation(frame[outcome].to_numpy(dtype=float), frame["_treated"].to_numpy(),
                         frame[unit], frame[time], np.empty((len(frame), 0)), second, codes)
    else:
        import pyfixest as pf

        # plain names for pyfixest's formulas, whatever the user's columns are called
        for new, old in (("_y", outcome), ("_unit", unit), ("_time", time)):
            frame[new] = frame[old]
        frame["_cluster"] = _causal.cluster_codes(frame, cluster)
        fit = pf.feols("_y ~ i(_rel, ref=-1) | _unit + _time", frame,
                       vcov={"CRV1": "_cluster"})
    tidy = fit.tidy()
    z = _causal.z_value(conf_level)
    times = tidy.index.str.extract(r"::(-?\d+(?:\.\d+)?)", expand=False).astype(float)
    coefs = pd.DataFrame({"event_time": times.astype(int).to_numpy(),
                          "estimate": tidy["Estimate"].to_numpy(),
                          "se": tidy["Std. Error"].to_numpy()})
    coefs["ci_low"] = coefs["estimate"] - z * coefs["se"]
    coefs["ci_high"] = coefs["estimate"] + z * coefs["se"]
    reference = pd.DataFrame([{"event_time": -1, "estimate": 0.0, "se": 0.0, "ci_low": 0.0,
                               "ci_high": 0.0}])
    wild, inference = None, "analytic (cluster-robust, normal)"
    if bootstrap and 2 <= codes.max() + 1 < _wild.FEW_CLUSTERS:
        wild, inference = _wild.event_study(method, fit, second, frame[outcome], frame[unit],
                                            frame[time], codes, nboot=bootstrap, seed=seed,
                                            conf_level=conf_level)
        if wild is not None:
            coefs = coefs.merge(wild.assign(event_time=times.astype(int)), on="event_time",
                                how="left")
    coefs = pd.concat([coefs, reference]).sort_values("event_time").reset_index(drop=True)
    return EventStudyResult(coefficients=coefs, estimator=method, outcome=outcome,
                            n=len(frame), conf_level=conf_level, fit=fit,
                            units_set_aside=aside["units_set_aside"],
                            treated_share_set_aside=aside["treated_share_set_aside"],
                            inference=inference)


def _cs_event_study(frame, outcome, unit, time, cohort, control, cluster, leads, lags,
                    conf_level) -> EventStudyResult:
    """The dynamic aggregation of Callaway-Sant'Anna group-time effects."""
    done = cs.group_time(frame, outcome=outcome, unit=unit, time=time, cohort=cohort,
                         control=control, cluster=cluster, conf_level=conf_level)
    table = cs.aggregate(done["fit"], "dynamic", conf_level=conf_level).iloc[1:]
    coefs = table.rename(columns={"label": "event_time"}).drop(columns="aggregation")
    coefs["event_time"] = coefs["event_time"].astype(int)
    if leads is not None:
        coefs = coefs[coefs["event_time"] >= -leads]
    if lags is not None:
        coefs = coefs[coefs["event_time"] <= lags]
    share = done["treated_rows_set_aside"] / done["treated_rows"] if done["treated_rows"] \
        else 0.0
    return EventStudyResult(coefficients=coefs.reset_index(drop=True), estimator="cs",
                            outcome=outcome, n=done["n"], conf_level=conf_level,
                            fit=done["fit"], units_set_aside=done["units_set_aside"],
                            treated_share_set_aside=share,
                            unbalanced_units_set_aside=done["unbalanced_units_set_aside"])


def cs_effect(frame, treatment, outcome, confounders, *, group, time, cluster, conf_level,
              control="never") -> dict:
    """The fields of an :class:`~cxkit.models.effects.EffectResult` for ``method="cs"``: the
    simple aggregation of Callaway-Sant'Anna group-time effects, each ``group`` adopting in
    its first period with the treatment on."""
    _check.one_of(control, tuple(cs.CONTROLS), "control")
    frame = frame.assign(**{time: _period_order(frame, time)})
    _staggered(frame, treatment, group, time)  # refuses a policy that switches off
    first_on = frame.loc[frame[treatment] == 1].groupby(group)[time].min()
    frame["_cohort"] = frame[group].map(first_on)
    done = cs.group_time(frame, outcome=outcome, unit=group, time=time, cohort="_cohort",
                         control=control, confounders=confounders, cluster=cluster,
                         conf_level=conf_level)
    row = cs.aggregate(done["fit"], "simple", conf_level=conf_level).iloc[0]
    share = done["treated_rows_set_aside"] / done["treated_rows"]
    return {"estimate": float(row["estimate"]), "ci_low": float(row["ci_low"]),
            "ci_high": float(row["ci_high"]), "se": float(row["se"]), "n": done["n"],
            "fit": done["fit"],
            "diagnostics": {"estimator": "Callaway-Sant'Anna (2021), simple aggregation",
                            "control": control, "outcome_sd": float(frame[outcome].std()),
                            "period_labels": done["labels"],
                            "units_set_aside": done["units_set_aside"],
                            "unbalanced_units_set_aside": done["unbalanced_units_set_aside"],
                            "treated_rows_set_aside": done["treated_rows_set_aside"],
                            "treated_share_set_aside": share}}


def _panel(data, columns, cohort) -> pd.DataFrame:
    """The panel (positional index, a copy) with complete ``columns``; the period column
    (``columns[2]``) and ``cohort`` as numbers in time order."""
    _check.table(data, [*columns, cohort])
    frame = data.reset_index(drop=True).copy()
    _check.complete(frame, columns)
    time = columns[2]
    kind = _check.period_kind(frame, time)
    if kind != "number":
        frame[time], frame[cohort] = _period_positions(frame, time, cohort, kind)
        return frame
    for col in (time, cohort):
        values = _check.numbers(frame, col, hint="integer periods (e.g. months since the start)")
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = values
    return frame


def _period_positions(frame, time, cohort, kind) -> tuple[pd.Series, pd.Series]:
    """Dates or ordered categories of ``time`` as positions 0, 1, ... in time order, and
    ``cohort`` on the same scale (NaN: never treated within the panel)."""
    values, adopted = frame[time], frame[cohort]
    given = adopted.notna().to_numpy()
    position = pd.Series(np.nan, index=adopted.index)
    if kind == "ordered":
        categories = values.cat.categories
        codes = categories.get_indexer(pd.Index(adopted.astype(object)))
        _check.refuse_values(given & (codes < 0), adopted, cohort,
                             f"not one of the categories of {time!r}",
                             f"the period of adoption: one of the categories of {time!r}, "
                             "or missing for never")
        position[given] = codes[given]
        return pd.Series(values.cat.codes, dtype="int64"), position
    periods = pd.Index(values.unique()).sort_values()
    if given.any():
        try:  # the unit is treated from the first period of the panel on or after adoption
            position[given] = periods.searchsorted(adopted[given].to_numpy(), side="left")
        except (TypeError, ValueError):
            raise DataError(f"not the same kind of date as {time!r} (dtype {adopted.dtype} "
                            f"against {values.dtype})", column=cohort,
                            expected=f"dates of adoption like the periods in {time!r} "
                                     "(the same time zone, or Periods of the same "
                                     "frequency), NaT for never") from None
    return pd.Series(periods.get_indexer(values), dtype="int64"), position
