"""Moments of truth: touchpoints after which an outcome (satisfaction, churn) shifts, with
p-values adjusted for scanning many touchpoints at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._deprecated import old_keywords
from .._docstrings import shared_docs
from ..journeys._events import CUSTOMER, TIME, checked_events, naive_utc
from .effects import effect

__all__ = ["moments_of_truth"]


# --------------------------------------------------------------------------------------------
# moments of truth
# --------------------------------------------------------------------------------------------
@old_keywords()
@shared_docs
def moments_of_truth(events: pd.DataFrame, outcomes: pd.DataFrame, *, outcome: str,
                     date: str = "survey_date", window="30D", touchpoints=None,
                     controls=(), min_exposed: int = 10,
                     catalogue: pd.DataFrame | None = None,
                     conf_level: float = 0.95, adjust: str | None = "holm") -> pd.DataFrame:
    """Touchpoints after which an outcome shifts: met vs comparable customers who never met it.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime), ``touchpoint`` and
        (optionally) the catalogue's ``level``.
    outcomes : DataFrame
        One row per measurement: ``customer_id``, the measurement time ``date``, the
        ``outcome`` and the ``controls``. For example the survey (``csat`` on
        ``survey_date``), or one row per customer with a reference date and whether they
        churned in the 90 days after it.
    outcome : str
        The outcome column: numbers, or true/false (a share: the estimate is then a change in
        probability).
    date : str
        The column of measurement times (datetime). A time without a time zone is read as UTC
        when the events carry one (the kit's events are in UTC); a date means its midnight.
    window : str or Timedelta
        How recently before ``date`` the touchpoint must have been met to count as exposed,
        e.g. ``"30D"``; use a window as long as the data (``"730D"``) for "ever before".
    touchpoints : list of str, optional
        The touchpoints to examine; every touchpoint in ``events`` by default.
    controls : sequence of str
        Columns of ``outcomes`` adjusted for (regression adjustment), e.g. ``["wave"]``; text
        columns enter as categories.
    min_exposed : int
        A touchpoint with fewer exposed, or fewer comparison, rows than this gets no estimate
        (NaN, no rank).
    {doc:catalogue}
    {doc:conf_level}
        (``level=`` before 0.2: still accepted, with a FutureWarning. The ``level`` column
        of the result is the touchpoint's catalogue level.) ``1 - conf_level`` is also the
        level of the adjusted tests behind ``significant``.
    adjust : {"holm", "fdr_bh", None}
        How the p-values are adjusted for testing every touchpoint at once (statsmodels'
        ``multipletests``): ``"holm"`` (the default; Holm's step-down method, which keeps the
        chance of flagging *any* touchpoint without a shift below ``1 - conf_level``),
        ``"fdr_bh"`` (Benjamini–Hochberg: keeps the expected *share* of flagged touchpoints
        without a shift below it; more lenient when many touchpoints shift) or ``None`` (no
        adjustment: ``p_adjusted`` is ``p_value``).

    Returns
    -------
    DataFrame
        One row per touchpoint, ranked by the absolute size of the estimate, with columns

        - ``touchpoint``, ``level`` (its catalogue level);
        - ``estimate``: change in the outcome for measurements with the touchpoint met in the
          window vs measurements of customers who had not met it before ``date``, adjusted for
          ``controls`` (outcome units);
        - ``se``, ``ci_low``, ``ci_high``: its standard error and interval (for this
          touchpoint alone: not adjusted for the others);
        - ``p_value``: the two-sided p-value of no shift, for this touchpoint alone;
        - ``p_adjusted``: the p-value adjusted for the number of touchpoints with an estimate
          (``adjust``);
        - ``significant``: ``p_adjusted < 1 - conf_level`` — the shift is told apart from
          zero after allowing for the scan (False without an estimate);
        - ``n_exposed``: measurements with the touchpoint met in the window;
        - ``n_excluded``: measurements left out because the touchpoint was met only before
          the window (see Notes);
        - ``n``: measurements in the comparison (exposed + never exposed);
        - ``rank``: 1 for the largest absolute estimate (missing when there is none).

        ``result.attrs`` holds ``outcome`` and ``window`` (used by
        :func:`cxkit.plots.moments_of_truth`), ``adjust`` (the method, or ``None``),
        ``tests`` (how many touchpoints were tested) and ``multiplicity``, a sentence saying
        how the p-values were adjusted.

    Raises
    ------
    DataError
        No rows; a missing column; missing values in the columns used (the error names the
        rows); times that are not datetime; an outcome that is neither numbers nor true/false;
        a requested touchpoint that never occurs in the events.

    Notes
    -----
    A *moment of truth* is any occasion where the customer meets the firm's outputs and forms
    an impression of it, positive or negative (Buttle, 2009, seed 004). Here it is found in the
    data as a touchpoint after which the outcome shifts. For touchpoint :math:`T` and a
    measurement of customer :math:`i` at time :math:`d`, let :math:`t` be the customer's last
    :math:`T` event strictly before :math:`d`:

    - **exposed** when :math:`d - w \\le t < d` (met within the window :math:`w`);
    - **comparison** when there is no :math:`T` event before :math:`d` at all;
    - **excluded** when :math:`t < d - w` (met, but only before the window).

    Excluding the earlier-exposed rather than counting them as unexposed keeps the comparison
    unbiased when the effect persists (a service failure still lowers satisfaction months
    later): counted as unexposed they would carry part of the effect into the comparison group
    and pull the estimate towards zero. With a window as long as the data the estimate is the
    effect of having *ever* met the touchpoint; with a short one, of having met it recently
    compared with never.

    The estimate is the exposure coefficient :math:`\\tau` of the OLS regression
    :math:`y = \\alpha + \\tau\\,\\mathrm{exposed} + X\\beta + \\varepsilon` on the exposed and
    comparison rows (:func:`cxkit.effect` with ``method="regression"``), with HC1 standard
    errors — clustered by customer when a customer has several measurements (e.g. two survey
    waves). It is an effect only if, given the controls, meeting the touchpoint is as good as
    random; otherwise it is an adjusted association: a complaint follows a failure, and
    customers who join a loyalty programme liked the brand already. With heterogeneous effects
    and categorical controls, OLS averages the within-stratum effects with weights
    :math:`n_s p_s (1 - p_s)` (:math:`p_s` the exposed share in stratum :math:`s`). Each
    touchpoint is examined on its own: touchpoints that travel together share their effect.

    *Multiplicity*: among touchpoints without any shift, a share ``1 - conf_level`` (one in
    twenty at 95 %) has an interval that excludes zero by chance, so a scan of dozens of
    touchpoints turns up a few. The adjusted p-values allow for the number scanned (Holm,
    1979; Benjamini & Hochberg, 1995; over the touchpoints with an estimate): read
    ``significant`` (or ``p_adjusted``) rather than whether an interval excludes zero. The
    intervals stay those of each touchpoint alone.

    *Survivorship*: an outcome measured only on customers still there (a survey) reflects the
    exposed customers who stayed. When a touchpoint also drives customers away — unresolved
    service failures raise churn — the exposed who remain are a selected group (more of them
    had their complaint resolved), and the estimate is the effect among them, not in everyone
    exposed.

    References
    ----------
    Buttle, F. (2009). *Customer Relationship Management: Concepts and Technologies* (2nd
    ed.). Butterworth-Heinemann.

    Angrist, J. D., & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*, ch. 3
    (regression adjustment and its weighting of heterogeneous effects).

    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics*, 6(2), 65–70.

    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. *JRSS B*, 57(1), 289–300.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import moments_of_truth
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> mot = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
    ...                        touchpoints=["service_failure", "delivery"], controls=["wave"])
    >>> mot.columns.tolist()
    ['touchpoint', 'level', 'estimate', 'se', 'ci_low', 'ci_high', 'p_value', 'p_adjusted', \
'significant', 'n_exposed', 'n_excluded', 'n', 'rank']
    >>> mot.set_index("touchpoint").loc["service_failure", "level"]
    'experience'
    >>> mot.attrs["multiplicity"]
    "p_adjusted: Holm's method over the 2 touchpoints tested (family-wise error rate 5%)"
    """
    conf_level = _check.conf_level(conf_level)
    _check.one_of(adjust, tuple(_ADJUSTMENTS), "adjust")
    window = _check.timedelta(window, "window")
    controls = list(controls)
    ev = checked_events(events, [CUSTOMER, TIME, "touchpoint"], classify_by=["level"],
                 catalogue=catalogue)
    out = _outcome_table(outcomes, outcome=outcome, date=date, controls=controls)
    present = pd.unique(ev["touchpoint"]).tolist()
    if touchpoints is None:
        touchpoints = sorted(map(str, present))
    else:
        touchpoints = [touchpoints] if isinstance(touchpoints, str) else list(touchpoints)
        absent = [t for t in touchpoints if t not in set(present)]
        if absent:
            raise DataError(f"touchpoint(s) never met in the events: {absent}",
                            column="touchpoint", expected="touchpoints present in the events")
        ev = ev.loc[ev["touchpoint"].isin(touchpoints)]
    level_of = ev.dropna(subset=["level"]).drop_duplicates("touchpoint").set_index(
        "touchpoint")["level"]
    at_outcomes = naive_utc(out[date])
    # customers as integer codes shared by both tables: merge_asof is much faster on them
    codes, _ = pd.factorize(pd.concat([out[CUSTOMER], ev[CUSTOMER]], ignore_index=True))
    meas = pd.DataFrame({"_row": np.arange(len(out)), "_who": codes[:len(out)],
                         "_at": at_outcomes}).sort_values("_at", kind="stable")
    stream = pd.DataFrame({"_who": codes[len(out):], "_last": naive_utc(ev[TIME])})
    met_by_touchpoint = {tp: part.sort_values("_last", kind="stable")
                         for tp, part in stream.groupby(ev["touchpoint"].to_numpy())}
    repeated = out[CUSTOMER].duplicated().any()
    treatment = "_mot_exposed"
    rows = []
    for tp in touchpoints:
        exposed, excluded = _exposure(meas, met_by_touchpoint[tp], at_outcomes, window)
        keep = ~excluded
        frame = out.loc[keep].assign(**{treatment: exposed[keep].astype(int)})
        n_exposed = int(exposed.sum())
        row = {"touchpoint": tp, "level": level_of.get(tp, np.nan), "estimate": np.nan,
               "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
               "n_exposed": n_exposed, "n_excluded": int(excluded.sum()),
               "n": int(keep.sum())}
        if min(n_exposed, int(keep.sum()) - n_exposed) >= max(min_exposed, 1):
            fit = effect(frame, treatment=treatment, outcome=outcome, confounders=controls,
                         method="regression", conf_level=conf_level,
                         cluster=CUSTOMER if repeated else None)
            row.update(estimate=fit.estimate, se=fit.se, ci_low=fit.ci_low,
                       ci_high=fit.ci_high, p_value=float(fit.fit.pvalues[f"Q({treatment!r})"]))
        rows.append(row)
    result = _adjusted(pd.DataFrame(rows), adjust, alpha=1 - conf_level)
    order = result["estimate"].abs().sort_values(ascending=False, na_position="last").index
    result = result.loc[order].reset_index(drop=True)
    ranked = result["estimate"].notna().to_numpy()  # estimates come first after the sort
    result["rank"] = pd.array([k + 1 if ok else pd.NA for k, ok in enumerate(ranked)],
                              dtype="Int64")
    days = window / pd.Timedelta(days=1)
    result.attrs.update(outcome=outcome,
                        window=f"{days:g} days" if days == int(days) else str(window),
                        **_multiplicity(result, adjust, alpha=1 - conf_level))
    return result


#: adjust= → its name and the error rate it controls, for the table's ``multiplicity`` note
_ADJUSTMENTS = {"holm": ("Holm's method", "family-wise error rate"),
                "fdr_bh": ("Benjamini-Hochberg", "false discovery rate"),
                None: ("no adjustment", "error rate per touchpoint")}


def _adjusted(result: pd.DataFrame, adjust, *, alpha: float) -> pd.DataFrame:
    """Add ``p_adjusted`` (over the touchpoints with an estimate, statsmodels'
    ``multipletests``) and ``significant`` after ``p_value``."""
    p = result["p_value"].to_numpy(dtype=float)
    tested = ~np.isnan(p)
    adjusted = p.copy()
    if adjust is not None and tested.any():
        from statsmodels.stats.multitest import multipletests

        adjusted[tested] = multipletests(p[tested], alpha=alpha, method=adjust)[1]
    at = result.columns.get_loc("p_value") + 1
    result.insert(at, "p_adjusted", adjusted)
    result.insert(at + 1, "significant", tested & (adjusted < alpha))
    return result


def _multiplicity(result: pd.DataFrame, adjust, *, alpha: float) -> dict:
    """The table's attrs on multiplicity: the method, how many were tested, one sentence."""
    tests = int(result["p_value"].notna().sum())
    name, error = _ADJUSTMENTS[adjust]
    family = f"the {tests} touchpoint{'' if tests == 1 else 's'} tested"
    sentence = (f"p_adjusted: {name} over {family} ({error} {alpha:.0%})" if adjust else
                f"p_adjusted: not adjusted for {family} ({error} {alpha:.0%})")
    return {"adjust": adjust, "tests": tests, "multiplicity": sentence}


def _exposure(measurements: pd.DataFrame, met: pd.DataFrame, at: np.ndarray,
              window: pd.Timedelta) -> tuple[np.ndarray, np.ndarray]:
    """Per measurement (in ``_row`` order): exposed within the window; met only before it."""
    last = pd.merge_asof(measurements, met, left_on="_at", right_on="_last", by="_who",
                         allow_exact_matches=False, direction="backward")
    last = last.sort_values("_row")["_last"].to_numpy()
    ever = ~pd.isna(last)
    exposed = ever & (last >= at - window.to_timedelta64())
    return exposed, ever & ~exposed


def _outcome_table(outcomes, *, outcome, date, controls) -> pd.DataFrame:
    needed = list(dict.fromkeys([CUSTOMER, date, outcome, *controls]))
    if "_mot_exposed" in needed:
        raise ValueError("'_mot_exposed' is reserved; rename that column")
    _check.table(outcomes, needed, what="outcomes")
    out = outcomes[needed].reset_index(drop=True).copy()
    _check.complete(out, needed, what="outcomes")
    _check.datetimes(out, date, what="outcomes")
    out[outcome] = _check.numbers_or_flags(out, outcome)
    return out
