"""The articles' concepts as computations: circles, journey stages, moments of truth, the CX
pyramid, engagement's three dimensions and the experience economy.

Each function turns one idea of the source articles (see ``CONCEPTS.md``) into a table:

- :func:`circles` — the three concentric circles engagement ⊂ interaction ⊂ experience
  (Cappabianca, citing Smuda and Manning), counted under both readings of the article;
- :func:`journey_stages` — when each customer first reached each stage of the journey, before,
  during and after the purchase, and how long they stayed before moving on;
- :func:`moments_of_truth` — touchpoints after which an outcome (satisfaction, churn) shifts;
- :func:`cx_pyramid` — Manning & Bodine's pyramid: meets needs → easy → enjoyable;
- :func:`engagement_scores` and :func:`behavioural_engagement` — engagement on its cognitive,
  emotional and behavioural dimensions, from survey items and from behaviour;
- :func:`experience_economy` — Pine & Gilmore's (1998) progression of economic value and the
  four realms of an experience, with the touchpoint catalogue mapped onto the realms.

Events follow the kit's data contract (:func:`cxkit.load_journeys`): ``customer_id``,
``timestamp``, ``touchpoint`` and the catalogue's ``level`` and ``stage``; when the
classification columns are absent the events are classified with ``catalogue`` (the default
catalogue unless given). Row numbers in errors count from 1 at the table's first row
(positions, not index labels).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ._report import DataError
from .catalogue import LEVELS, STAGES
from .metrics.core import _check_level, _check_range, _numbers, _refuse, _rows

__all__ = [
    "BehaviouralEngagement",
    "Circles",
    "ExperienceEconomy",
    "Pyramid",
    "behavioural_engagement",
    "circles",
    "cx_pyramid",
    "engagement_scores",
    "experience_economy",
    "journey_stages",
    "moments_of_truth",
    "stages_wide",
]

CUSTOMER = "customer_id"
TIME = "timestamp"
#: Names and labels of the CX pyramid's layers, base first (Manning & Bodine, 2012).
PYRAMID_LAYERS = ("needs", "ease", "enjoy")
PYRAMID_LABELS = {"needs": "meets needs", "ease": "easy", "enjoy": "enjoyable"}
REALMS = ("entertainment", "educational", "esthetic", "escapist")
ENGAGEMENT_DIMENSIONS = ("cognitive", "emotional", "behavioural")


# --------------------------------------------------------------------------------------------
# the three circles
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Circles:
    """Customers and events at each level of the three circles.

    Attributes
    ----------
    levels : DataFrame
        One row per reading and level: ``reading`` (``"nested"``, ``"disjoint"``), ``level``
        (``engagement``, ``interaction``, ``experience``, then ``unclassified`` for events
        whose touchpoint has no level), ``customers``, ``events``, ``share_of_customers``.
    overlaps : DataFrame
        One row per combination of levels a customer's events cover: boolean columns
        ``engagement``, ``interaction``, ``experience``, then ``combination`` (a label such as
        ``"engagement + interaction"``; ``"none"`` for customers whose events are all
        unclassified), ``customers``, ``share_of_customers``. Every combination is listed,
        with 0 customers where none has it; the rows partition the customers.
    unclassified : DataFrame
        The touchpoints without a level: ``touchpoint``, ``events``, ``customers``.
    n_customers, n_events : int
        Distinct customers and events in the table (the denominators of the shares).
    """

    levels: pd.DataFrame
    overlaps: pd.DataFrame
    unclassified: pd.DataFrame
    n_customers: int
    n_events: int

    def to_frame(self) -> pd.DataFrame:
        """The ``levels`` table (both readings)."""
        return self.levels.copy()

    def summary(self) -> str:
        """The nested and disjoint counts in two sentences."""
        parts = []
        for reading in ("nested", "disjoint"):
            rows = self.levels[self.levels["reading"] == reading].set_index("level")
            text = ", ".join(f"{lv} {rows.loc[lv, 'customers']:,} "
                             f"({rows.loc[lv, 'share_of_customers']:.0%})" for lv in LEVELS)
            parts.append(f"{reading}: {text}")
        unclassified = int(self.unclassified["events"].sum())
        return (f"{self.n_customers:,} customers, {self.n_events:,} events. "
                + "; ".join(parts) + f"; {unclassified:,} unclassified event(s).")

    def plot(self, *, reading: str = "nested", ax=None):
        """Draw the circles (see :func:`cxkit.plots.circles`)."""
        from . import plots

        return plots.circles(self, reading=reading, ax=ax)

    def __repr__(self) -> str:
        return f"Circles({self.summary()})"


def circles(events: pd.DataFrame, *, catalogue: pd.DataFrame | None = None) -> Circles:
    """Customers and events in the three circles engagement ⊂ interaction ⊂ experience.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``touchpoint`` and the catalogue's ``level``
        (engagement | interaction | experience, or NaN for a touchpoint not in the catalogue).
    catalogue : DataFrame, optional
        Used only when ``events`` has no ``level`` column: the events are then classified with
        it (:func:`cxkit.classify`; the default catalogue when omitted).

    Returns
    -------
    Circles
        ``.levels`` (columns ``reading``, ``level``, ``customers``, ``events``,
        ``share_of_customers``: one row per reading and level, plus an ``unclassified`` row in
        each reading), ``.overlaps`` (one row per combination of levels: ``engagement``,
        ``interaction``, ``experience`` flags, ``combination``, ``customers``,
        ``share_of_customers``), ``.unclassified`` (``touchpoint``, ``events``,
        ``customers``), ``.to_frame()`` (the levels), ``.summary()`` and ``.plot()``.

    Raises
    ------
    DataError
        No rows; a missing column; a missing customer id or a level outside the three (the
        error names the rows).

    Notes
    -----
    Cappabianca (2021, seed 000) concludes that *engagement* (one-way behaviour, Smuda) is a
    subset of *interaction* (a two-way exchange, Manning), itself a subset of *experience* —
    while defining engagement as what is **not** an interaction. The two readings differ in
    what a circle holds. With :math:`E_i`, :math:`I_i`, :math:`X_i` the sets of customers with at
    least one engagement-, interaction- and experience-level event:

    - ``nested`` (the three concentric circles): the engagement circle is :math:`E_i`, the
      interaction circle :math:`E_i \\cup I_i` (customers with an interaction *or* an
      engagement event) and the experience circle :math:`E_i \\cup I_i \\cup X_i` (customers
      with any classified event). ``events`` counts the events of the levels inside each
      circle (engagement; engagement + interaction; all three).
    - ``disjoint`` (the definitions taken literally): each level counted on its own events,
      :math:`E_i`, :math:`I_i`, :math:`X_i`.

    ``share_of_customers`` divides by every distinct customer in the table. Events whose
    touchpoint has no level (not in the catalogue) are in no circle: they are counted in the
    ``unclassified`` rows and in ``.unclassified``, never dropped silently; extend the catalogue
    (:func:`cxkit.catalogue`) to place them. ``.overlaps`` gives the disjoint reading's Venn
    regions, from which the nested counts also follow.

    References
    ----------
    Cappabianca, F. Customer Interaction e Customer Experience a confronto: qual è la
    differenza? (seed 000, citing E. Smuda on engagement and H. Manning, Forrester, on
    interaction.)

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.concepts import circles
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "c", "c", "c"],
    ...     "touchpoint": ["email_click", "purchase", "ad_impression", "web_visit",
    ...                    "web_visit", "mystery_kiosk"]})
    >>> result = circles(events)
    >>> result.levels[result.levels["reading"] == "nested"]
      reading         level  customers  events  share_of_customers
    0  nested    engagement          2       3            0.666667
    1  nested   interaction          2       4            0.666667
    2  nested    experience          3       5            1.000000
    3  nested  unclassified          1       1            0.333333
    >>> result.overlaps.loc[result.overlaps["customers"] > 0, ["combination", "customers"]]
                    combination  customers
    1  engagement + interaction          1
    4                engagement          1
    6                experience          1
    """
    ev = _events(events, [CUSTOMER, "touchpoint"], classify_by=["level"], catalogue=catalogue)
    customers = pd.Index(pd.unique(ev[CUSTOMER]))
    n_customers = len(customers)
    level = ev["level"]
    # unique ids first: isin over every event's id is slow with pandas' Arrow-backed strings
    flags = pd.DataFrame({lv: customers.isin(pd.unique(ev.loc[level == lv, CUSTOMER]))
                          for lv in LEVELS}, index=customers)
    n_events = {lv: int((level == lv).sum()) for lv in LEVELS}
    unknown = level.isna()
    unclassified_row = {"level": "unclassified",
                        "customers": int(ev.loc[unknown, CUSTOMER].nunique()),
                        "events": int(unknown.sum())}
    rows = []
    for reading in ("nested", "disjoint"):
        for k, lv in enumerate(LEVELS):
            inside = list(LEVELS[:k + 1]) if reading == "nested" else [lv]
            rows.append({"reading": reading, "level": lv,
                         "customers": int(flags[inside].any(axis=1).sum()),
                         "events": sum(n_events[x] for x in inside)})
        rows.append({"reading": reading, **unclassified_row})
    levels = pd.DataFrame(rows)
    levels["share_of_customers"] = levels["customers"] / n_customers
    levels = levels.astype({"customers": "int64", "events": "int64"})

    combos = sorted(itertools.product([True, False], repeat=3), key=lambda c: -sum(c))
    overlap_rows = []
    for combo in combos:
        hit = (flags[list(LEVELS)] == np.array(combo)).all(axis=1)
        named = [lv for lv, on in zip(LEVELS, combo, strict=True) if on]
        overlap_rows.append({**dict(zip(LEVELS, combo, strict=True)),
                             "combination": " + ".join(named) if named else "none",
                             "customers": int(hit.sum())})
    overlaps = pd.DataFrame(overlap_rows)
    overlaps["share_of_customers"] = overlaps["customers"] / n_customers

    unclassified = (ev.loc[unknown].groupby("touchpoint", sort=True)
                    .agg(events=(CUSTOMER, "size"), customers=(CUSTOMER, "nunique"))
                    .reset_index())
    unclassified = unclassified.astype({"events": "int64", "customers": "int64"})
    return Circles(levels=levels, overlaps=overlaps, unclassified=unclassified,
                   n_customers=n_customers, n_events=len(ev))


# --------------------------------------------------------------------------------------------
# journey stages
# --------------------------------------------------------------------------------------------
def journey_stages(events: pd.DataFrame, *, catalogue: pd.DataFrame | None = None,
                   on_unknown: str = "raise") -> pd.DataFrame:
    """When each customer first reached each stage of the journey, and when they moved on.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime) and the catalogue's
        ``stage`` (awareness | consideration | purchase | use | service | loyalty | exit).
    catalogue : DataFrame, optional
        Used only when ``events`` has no ``stage`` column (see :func:`circles`).
    on_unknown : {"raise", "skip"}
        Events whose stage is missing (touchpoints not in the catalogue) are refused with a
        :class:`DataError` naming their rows (``"raise"``) or left out (``"skip"``; their
        number is in ``result.attrs["skipped_events"]``).

    Returns
    -------
    DataFrame
        One row per customer and stage reached, sorted by customer and by the catalogue's
        stage order, with columns

        - ``customer_id``;
        - ``stage``: ordered categorical, awareness < consideration < … < exit;
        - ``first_at``: time of the customer's first event at the stage;
        - ``sequence``: 1 for the stage the customer reached first in time, 2 for the next…
          (ties broken by the catalogue order);
        - ``next_stage``: the stage reached next in time (missing for the last one);
        - ``days_to_next_stage``: days from ``first_at`` to the first event at
          ``next_stage`` (never negative; missing for the last stage reached).

        :func:`stages_wide` turns it into one row per customer.

    Raises
    ------
    DataError
        No rows; a missing column; a missing customer id or time; a timestamp column that is
        not datetime; an unknown stage; a missing stage with ``on_unknown="raise"``.

    Notes
    -----
    The customer journey spans before, during and after the purchase — attraction, interest,
    discovery, purchase, use, service and leaving (seeds 001–003) — which the catalogue encodes
    as seven stages. Real journeys are not linear: a customer who bought before the data start
    may see an advertisement (awareness) after a purchase. So "the time spent before moving
    on" is measured in the order the customer actually reached the stages (``sequence``), not
    in the catalogue's order; compare ``sequence`` with the catalogue order to find journeys
    that go backwards. A customer's stay at a stage is measured from its *first* event there;
    later returns to the stage are not separate visits.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.concepts import journey_stages, stages_wide
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-04", "2024-01-10",
    ...                                  "2024-01-02"], utc=True),
    ...     "touchpoint": ["ad_impression", "product_page_view", "purchase",
    ...                    "social_ad_impression"]})
    >>> stages = journey_stages(events)
    >>> stages[["stage", "sequence", "next_stage", "days_to_next_stage"]]
               stage  sequence     next_stage  days_to_next_stage
    0      awareness         1  consideration                 3.0
    1  consideration         2       purchase                 6.0
    2       purchase         3            NaN                 NaN
    >>> stages_wide(stages, values="days_to_next_stage")
    stage        awareness  consideration  purchase  use  service  loyalty  exit
    customer_id
    a                  3.0            6.0       NaN  NaN      NaN      NaN   NaN
    """
    if on_unknown not in ("raise", "skip"):
        raise ValueError(f"on_unknown must be 'raise' or 'skip', not {on_unknown!r}")
    ev = _events(events, [CUSTOMER, TIME], classify_by=["stage"], catalogue=catalogue)
    _refuse_values(ev["stage"], STAGES, "stage")
    unknown = ev["stage"].isna()
    if unknown.any() and on_unknown == "raise":
        raise DataError("event(s) without a journey stage (touchpoints not in the catalogue)",
                        column="stage", rows=_rows(unknown),
                        expected="a stage for every event; extend the catalogue or pass "
                                 "on_unknown='skip'")
    ev = ev.loc[~unknown]
    stage_type = pd.CategoricalDtype(STAGES, ordered=True)
    first = (ev.assign(stage=ev["stage"].astype(stage_type))
             .groupby([CUSTOMER, "stage"], observed=True, sort=False)[TIME].min()
             .rename("first_at").reset_index())
    first = first.sort_values([CUSTOMER, "first_at", "stage"], kind="stable")
    by_customer = first.groupby(CUSTOMER, sort=False)
    first["sequence"] = by_customer.cumcount() + 1
    first["next_stage"] = by_customer["stage"].shift(-1)
    first["days_to_next_stage"] = ((by_customer["first_at"].shift(-1) - first["first_at"])
                                   / pd.Timedelta(days=1))
    out = first.sort_values([CUSTOMER, "stage"], kind="stable").reset_index(drop=True)
    out = out[[CUSTOMER, "stage", "first_at", "sequence", "next_stage", "days_to_next_stage"]]
    out = out.astype({"sequence": "int64", "days_to_next_stage": "float64"})
    out.attrs["skipped_events"] = int(unknown.sum())
    return out


def stages_wide(stages: pd.DataFrame, *, values: str = "first_at") -> pd.DataFrame:
    """One row per customer, one column per journey stage, from :func:`journey_stages`.

    Parameters
    ----------
    stages : DataFrame
        The result of :func:`journey_stages`.
    values : str
        The column spread across the stages: ``"first_at"``, ``"days_to_next_stage"`` or
        ``"sequence"``.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, with one column per stage in the catalogue's order
        (awareness … exit); missing where the customer never reached the stage. For example
        ``stages_wide(stages).notna().mean()`` is the share of customers reaching each stage.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.concepts import journey_stages, stages_wide
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> wide = stages_wide(journey_stages(study.events))
    >>> list(wide.columns)
    ['awareness', 'consideration', 'purchase', 'use', 'service', 'loyalty', 'exit']
    >>> bool(wide["purchase"].notna().mean() > 0.9)
    True
    """
    missing = [c for c in (CUSTOMER, "stage", values) if c not in stages.columns]
    if missing:
        raise DataError("column(s) not in the table (pass the result of journey_stages)",
                        column=missing, expected="columns customer_id, stage and " + values)
    wide = stages.pivot(index=CUSTOMER, columns="stage", values=values)
    wide = wide.reindex(columns=pd.CategoricalIndex(STAGES, categories=STAGES, ordered=True,
                                                    name="stage"))
    wide.columns = pd.Index(list(STAGES), name="stage")
    return wide


# --------------------------------------------------------------------------------------------
# moments of truth
# --------------------------------------------------------------------------------------------
def moments_of_truth(events: pd.DataFrame, outcomes: pd.DataFrame, *, outcome: str,
                     date: str = "survey_date", window="30D", touchpoints=None,
                     controls=(), min_exposed: int = 10,
                     catalogue: pd.DataFrame | None = None,
                     level: float = 0.95) -> pd.DataFrame:
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
    catalogue : DataFrame, optional
        Used only when ``events`` has no ``level`` column.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per touchpoint, ranked by the absolute size of the estimate, with columns

        - ``touchpoint``, ``level`` (its catalogue level);
        - ``estimate``: change in the outcome for measurements with the touchpoint met in the
          window vs measurements of customers who had not met it before ``date``, adjusted for
          ``controls`` (outcome units);
        - ``se``, ``ci_low``, ``ci_high``: its standard error and interval;
        - ``n_exposed``: measurements with the touchpoint met in the window;
        - ``n_excluded``: measurements left out because the touchpoint was met only before
          the window (see Notes);
        - ``n``: measurements in the comparison (exposed + never exposed);
        - ``rank``: 1 for the largest absolute estimate (missing when there is none).

        ``result.attrs`` holds ``outcome`` and ``window`` (used by
        :func:`cxkit.plots.moments_of_truth`).

    Raises
    ------
    DataError
        No rows; a missing column; missing values in the columns used (the error names the
        rows); times that are not datetime; an outcome that is not numeric; a requested
        touchpoint that never occurs in the events.

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

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.concepts import moments_of_truth
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> mot = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
    ...                        touchpoints=["service_failure", "delivery"], controls=["wave"])
    >>> mot.columns.tolist()
    ['touchpoint', 'level', 'estimate', 'se', 'ci_low', 'ci_high', 'n_exposed', 'n_excluded', \
'n', 'rank']
    >>> mot.set_index("touchpoint").loc["service_failure", "level"]
    'experience'
    """
    from .models import effect

    level = _check_level(level)
    window = _window(window)
    controls = list(controls)
    ev = _events(events, [CUSTOMER, TIME, "touchpoint"], classify_by=["level"],
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
    at_outcomes = _naive_utc(out[date])
    # customers as integer codes shared by both tables: merge_asof is much faster on them
    codes, _ = pd.factorize(pd.concat([out[CUSTOMER], ev[CUSTOMER]], ignore_index=True))
    meas = pd.DataFrame({"_row": np.arange(len(out)), "_who": codes[:len(out)],
                         "_at": at_outcomes}).sort_values("_at", kind="stable")
    stream = pd.DataFrame({"_who": codes[len(out):], "_last": _naive_utc(ev[TIME])})
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
               "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n_exposed": n_exposed,
               "n_excluded": int(excluded.sum()), "n": int(keep.sum())}
        if min(n_exposed, int(keep.sum()) - n_exposed) >= max(min_exposed, 1):
            fit = effect(frame, treatment=treatment, outcome=outcome, confounders=controls,
                         method="regression", level=level,
                         cluster=CUSTOMER if repeated else None)
            row.update(estimate=fit.estimate, se=fit.se, ci_low=fit.ci_low,
                       ci_high=fit.ci_high)
        rows.append(row)
    result = pd.DataFrame(rows)
    order = result["estimate"].abs().sort_values(ascending=False, na_position="last").index
    result = result.loc[order].reset_index(drop=True)
    ranked = result["estimate"].notna().to_numpy()  # estimates come first after the sort
    result["rank"] = pd.array([k + 1 if ok else pd.NA for k, ok in enumerate(ranked)],
                              dtype="Int64")
    days = window / pd.Timedelta(days=1)
    result.attrs.update(outcome=outcome,
                        window=f"{days:g} days" if days == int(days) else str(window))
    return result


def _exposure(measurements: pd.DataFrame, met: pd.DataFrame, at: np.ndarray,
              window: pd.Timedelta) -> tuple[np.ndarray, np.ndarray]:
    """Per measurement (in ``_row`` order): exposed within the window; met only before it."""
    last = pd.merge_asof(measurements, met, left_on="_at", right_on="_last", by="_who",
                         allow_exact_matches=False, direction="backward")
    last = last.sort_values("_row")["_last"].to_numpy()
    ever = ~pd.isna(last)
    exposed = ever & (last >= at - window.to_timedelta64())
    return exposed, ever & ~exposed


def _window(window) -> pd.Timedelta:
    try:
        value = pd.Timedelta(window)
    except (TypeError, ValueError):
        raise ValueError(f"window must be a duration such as '30D', not {window!r}") from None
    if pd.isna(value) or value <= pd.Timedelta(0):
        raise ValueError(f"window must be a positive duration, not {window!r}")
    return value


def _outcome_table(outcomes, *, outcome, date, controls) -> pd.DataFrame:
    needed = list(dict.fromkeys([CUSTOMER, date, outcome, *controls]))
    if "_mot_exposed" in needed:
        raise ValueError("'_mot_exposed' is reserved; rename that column")
    _check_table(outcomes, needed, what="outcomes")
    out = outcomes[needed].reset_index(drop=True).copy()
    missing = out.isna().any(axis=1)
    if missing.any():
        cols = [c for c in needed if out[c].isna().any()]
        raise DataError("missing value(s) in the outcomes table; drop or impute them first "
                        "and say so", column=cols, rows=_rows(missing),
                        expected="complete rows")
    if not pd.api.types.is_datetime64_any_dtype(out[date]):
        raise DataError(f"not a date-time column (dtype {out[date].dtype})", column=date,
                        expected="datetime values (convert with pandas.to_datetime)")
    if pd.api.types.is_bool_dtype(out[outcome]):
        out[outcome] = out[outcome].astype(float)
    elif not pd.api.types.is_numeric_dtype(out[outcome]):
        raise DataError(f"outcome is not numeric (dtype {out[outcome].dtype})", column=outcome,
                        expected="numbers or true/false")
    return out


def _naive_utc(values: pd.Series) -> np.ndarray:
    """Times as naive UTC datetime64[ns]: aware times converted, naive ones read as UTC."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[ns]").to_numpy()


# --------------------------------------------------------------------------------------------
# the CX pyramid
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Pyramid:
    """Manning & Bodine's CX pyramid scored from survey items.

    Attributes
    ----------
    scores : DataFrame
        One row per respondent, with the survey's index: ``needs``, ``ease``, ``enjoy`` (layer
        scores), ``meets_needs``, ``easy``, ``enjoyable`` (layer score ≥ ``top_box``),
        ``pyramid_level`` (0–3: how many levels are met counting up from the base without a
        gap) and ``cx_index`` (0–100).
    levels : DataFrame
        ``layer``, ``label``, ``rule`` (``"layer"``: this level met; ``"pyramid"``: this level
        and every level below it met), ``estimate``, ``ci_low``, ``ci_high``, ``n``,
        ``n_missing``, ``count``.
    index : DataFrame
        One row: ``estimate`` (mean CX index), ``ci_low``, ``ci_high``, ``n``, ``n_missing``,
        ``sd``, ``se``.
    drivers : DataFrame
        ``layer``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``,
        ``std_estimate``, ``n`` (empty without an outcome).
    fit : statsmodels results or None
        The regression behind ``drivers``.
    top_box, scale, level : the settings used.
    """

    scores: pd.DataFrame
    levels: pd.DataFrame
    index: pd.DataFrame
    drivers: pd.DataFrame
    top_box: float
    scale: tuple
    level: float
    fit: object = None

    def to_frame(self) -> pd.DataFrame:
        """Shares, index and drivers in one long table.

        Columns ``kind`` (``"share"``, ``"share_pyramid"``, ``"index"``, ``"driver"``),
        ``layer`` (missing for the index), ``estimate``, ``ci_low``, ``ci_high``, ``n``.
        """
        cols = ["kind", "layer", "estimate", "ci_low", "ci_high", "n"]
        shares = self.levels.assign(kind=np.where(self.levels["rule"] == "layer", "share",
                                                  "share_pyramid"))
        index = self.index.assign(kind="index", layer=np.nan)
        parts = [shares[cols], index[cols]]
        if len(self.drivers):
            parts.append(self.drivers.assign(kind="driver")[cols])
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> str:
        """The pyramid in one sentence."""
        pyr = self.levels[self.levels["rule"] == "pyramid"].set_index("layer")["estimate"]
        idx = self.index.iloc[0]
        text = (f"{pyr['needs']:.0%} of respondents find their needs met, {pyr['ease']:.0%} "
                f"also find it easy and {pyr['enjoy']:.0%} reach the top (enjoyable); CX index "
                f"{idx['estimate']:.1f} ({self.level:.0%} CI {idx['ci_low']:.1f} to "
                f"{idx['ci_high']:.1f}; n = {int(idx['n'])})")
        if len(self.drivers):
            top = self.drivers.loc[self.drivers["std_estimate"].idxmax(), "layer"]
            text += f"; the strongest driver of the outcome is {PYRAMID_LABELS[top]}"
        return text + "."

    def plot(self, ax=None):
        """Draw the pyramid (see :func:`cxkit.plots.pyramid`)."""
        from . import plots

        return plots.pyramid(self, ax=ax)

    def __repr__(self) -> str:
        return f"Pyramid({self.summary()})"


def cx_pyramid(survey: pd.DataFrame, *, needs, ease, enjoy, outcome=None, top_box: float = 6,
               scale: tuple[float, float] = (1, 7), level: float = 0.95) -> Pyramid:
    """Score Manning & Bodine's CX pyramid: meets needs → easy → enjoyable.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    needs, ease, enjoy : list of str
        The item columns of each layer (e.g. ``["needs_1", "needs_2", "needs_3"]``), answers
        on ``scale``.
    outcome : str or list of str, optional
        An outcome (e.g. ``"nps"``, or loyalty items whose mean is taken); when given,
        ``.drivers`` holds each layer's association with it.
    top_box : float
        A layer is met when its score is at least this (default 6 on a 1–7 scale: on average
        the respondent agrees).
    scale : (low, high)
        The items' answer scale; answers outside it are refused.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    Pyramid
        ``.scores`` (per respondent), ``.levels`` (shares with Wilson intervals),
        ``.index`` (the CX index), ``.drivers`` (with ``outcome``), ``.fit``, ``.to_frame()``,
        ``.summary()`` and ``.plot()``; every column is listed in :class:`Pyramid`.

    Raises
    ------
    DataError
        No rows; a missing column; answers that are not numbers or are outside ``scale``
        (the error names the rows); an item used in two layers.

    Notes
    -----
    Manning and Bodine (2012; seed 002) judge a customer experience at three levels, from
    the customer's point of view: it **meets needs** (the base, the minimum), it is **easy**
    (buying and interacting are easy) and it is **enjoyable** (the top: the whole experience
    is positive and pleasant). Here:

    - a respondent's layer score is the mean of the layer's items (missing when any of them is
      missing: that respondent is left out of the layer's share and counted in ``n_missing``);
    - a layer is *met* when its score is at least ``top_box``; the ``"layer"`` share is the
      share meeting it, the ``"pyramid"`` share the share meeting it **and every layer below**
      (the pyramid's logic: enjoyment without ease or needs met is not the top). Both come
      with Wilson intervals (``statsmodels.stats.proportion.proportion_confint``,
      ``method="wilson"``; see :func:`cxkit.metrics.csat`);
    - the **CX index** of a respondent is the mean of the three layer scores rescaled to
      0–100, :math:`100\\,(\\bar s - \\text{low}) / (\\text{high} - \\text{low})`, reported as its
      mean with a t interval. It is the kit's simple index, not Forrester's proprietary CX
      Index;
    - ``drivers`` are the slopes of the OLS regression of the outcome on the three layer
      scores (respondents with all four present), with HC1 standard errors;
      ``std_estimate`` is the slope times sd(layer)/sd(outcome). Layer scores are means of
      items measured with error, so these slopes are attenuated and, because the layers are
      correlated, partly shifted between layers. Covariance-based SEM (building on
      :func:`cxkit.measurement.cfa`) models the measurement error and removes the attenuation;
      PLS-SEM with mode-A composites (:func:`cxkit.measurement.pls_sem`) only reduces it. They are
      associations: an effect only under the usual no-confounding assumptions.

    References
    ----------
    Manning, H., & Bodine, K. (2012). *Outside In: The Power of Putting Customers at the
    Center of Your Business*. New Harvest / Houghton Mifflin Harcourt.

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209–212.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.concepts import cx_pyramid
    >>> survey = pd.DataFrame({"n1": [7, 6, 4, 7], "n2": [7, 6, 5, 6], "e1": [6, 7, 7, 3],
    ...                        "j1": [7, 5, 7, 7]})
    >>> result = cx_pyramid(survey, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"])
    >>> result.levels[["layer", "rule", "estimate", "count", "n"]]
      layer     rule  estimate  count  n
    0  needs    layer      0.75      3  4
    1  needs  pyramid      0.75      3  4
    2   ease    layer      0.75      3  4
    3   ease  pyramid      0.50      2  4
    4  enjoy    layer      0.75      3  4
    5  enjoy  pyramid      0.25      1  4
    >>> result.scores["pyramid_level"].tolist()
    [3, 2, 0, 1]
    """
    level = _check_level(level)
    low, high = _check_range(scale)
    if not low <= top_box <= high:
        raise ValueError(f"top_box must lie on the scale {low}–{high}, not {top_box!r}")
    groups = {"needs": needs, "ease": ease, "enjoy": enjoy}
    outcome_items = None if outcome is None else _as_list(outcome, "outcome")
    scores = _layer_scores(survey, groups, (low, high),
                           extra=[] if outcome_items is None else outcome_items)
    met_names = {"needs": "meets_needs", "ease": "easy", "enjoy": "enjoyable"}
    for layer in PYRAMID_LAYERS:
        scores[met_names[layer]] = (scores[layer] >= top_box).astype("boolean").mask(
            scores[layer].isna())
    layer_values = scores[list(PYRAMID_LAYERS)]
    complete = layer_values.notna().all(axis=1)
    met = scores[[met_names[x] for x in PYRAMID_LAYERS]].fillna(False).to_numpy(bool)
    gapless = np.cumprod(met, axis=1).sum(axis=1)
    scores["pyramid_level"] = pd.array(np.where(complete, gapless, 0), dtype="Int64")
    scores.loc[~complete, "pyramid_level"] = pd.NA
    scores["cx_index"] = 100 * (layer_values.mean(axis=1, skipna=False) - low) / (high - low)

    levels = _pyramid_shares(layer_values, top_box, level)
    index = _mean_with_t_interval(scores["cx_index"], level)
    drivers, fit = _pyramid_drivers(scores, level)
    if outcome_items is not None:
        scores = scores.drop(columns="_outcome")
    return Pyramid(scores=scores, levels=levels, index=index, drivers=drivers,
                   top_box=float(top_box), scale=(low, high), level=level, fit=fit)


def _pyramid_shares(layer_values: pd.DataFrame, top_box: float, level: float) -> pd.DataFrame:
    """Share meeting each layer, and each layer with every layer below, with Wilson CIs."""
    from statsmodels.stats.proportion import proportion_confint

    rows = []
    for k, layer in enumerate(PYRAMID_LAYERS):
        for rule, used in (("layer", [layer]), ("pyramid", list(PYRAMID_LAYERS[:k + 1]))):
            present = layer_values[used].notna().all(axis=1)
            n = int(present.sum())
            count = int((layer_values.loc[present, used] >= top_box).all(axis=1).sum())
            if n:
                ci_low, ci_high = proportion_confint(count, n, alpha=1 - level,
                                                     method="wilson")
                estimate = count / n
            else:
                estimate = ci_low = ci_high = np.nan
            rows.append({"layer": layer, "label": PYRAMID_LABELS[layer], "rule": rule,
                         "estimate": estimate, "ci_low": float(ci_low),
                         "ci_high": float(ci_high), "n": n,
                         "n_missing": len(layer_values) - n, "count": count})
    return pd.DataFrame(rows)


def _mean_with_t_interval(values: pd.Series, level: float) -> pd.DataFrame:
    """One row: mean of the non-missing values with its t interval, n, n_missing, sd, se."""
    from scipy.stats import t as student_t

    x = values.dropna().to_numpy(dtype=float)
    n = len(x)
    mean = float(x.mean()) if n else np.nan
    sd = float(x.std(ddof=1)) if n > 1 else np.nan
    se = sd / np.sqrt(n) if n else np.nan
    half = float(student_t.ppf(0.5 + level / 2, n - 1)) * se if n > 1 else np.nan
    return pd.DataFrame([{"estimate": mean, "ci_low": mean - half, "ci_high": mean + half,
                          "n": n, "n_missing": len(values) - n, "sd": sd, "se": se}])


def _pyramid_drivers(scores: pd.DataFrame, level: float):
    columns = ["layer", "estimate", "se", "ci_low", "ci_high", "p_value", "std_estimate", "n"]
    if "_outcome" not in scores.columns:
        return pd.DataFrame(columns=columns), None
    import statsmodels.api as sm

    data = scores[[*PYRAMID_LAYERS, "_outcome"]].dropna()
    if len(data) <= len(PYRAMID_LAYERS) + 1:
        raise DataError(f"only {len(data)} respondent(s) have every layer and the outcome",
                        column="outcome",
                        expected=f"more than {len(PYRAMID_LAYERS) + 1} complete respondents")
    x = sm.add_constant(data[list(PYRAMID_LAYERS)])
    fit = sm.OLS(data["_outcome"], x).fit(cov_type="HC1")
    ci = fit.conf_int(alpha=1 - level)
    sd_y = data["_outcome"].std(ddof=1)
    rows = [{"layer": layer, "estimate": float(fit.params[layer]),
             "se": float(fit.bse[layer]), "ci_low": float(ci.loc[layer, 0]),
             "ci_high": float(ci.loc[layer, 1]), "p_value": float(fit.pvalues[layer]),
             "std_estimate": float(fit.params[layer] * data[layer].std(ddof=1) / sd_y),
             "n": int(fit.nobs)} for layer in PYRAMID_LAYERS]
    return pd.DataFrame(rows, columns=columns), fit


# --------------------------------------------------------------------------------------------
# engagement on three dimensions
# --------------------------------------------------------------------------------------------
def engagement_scores(survey: pd.DataFrame, *, cognitive, emotional, behavioural,
                      scale: tuple[float, float] = (1, 7), keep=()) -> pd.DataFrame:
    """Engagement on its three dimensions, per respondent: cognitive, emotional, behavioural.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    cognitive, emotional, behavioural : list of str
        The item columns of each dimension (e.g. ``["cog_1", "cog_2", "cog_3"]``).
    scale : (low, high)
        The items' answer scale; answers outside it are refused.
    keep : sequence of str
        Columns of ``survey`` copied to the result first (e.g. ``["customer_id", "wave"]``).

    Returns
    -------
    DataFrame
        One row per respondent, with the survey's index: the ``keep`` columns, then
        ``cognitive``, ``emotional``, ``behavioural`` (the mean of each dimension's items;
        missing when any of its items is missing) and ``engagement`` (the mean of the three
        dimensions).

    Raises
    ------
    DataError
        No rows; a missing column; answers that are not numbers or are outside ``scale``
        (the error names the rows); an item used in two dimensions.

    Notes
    -----
    Every interaction with a brand is an investment of three kinds (seed 002, *coinvolgimento*):
    **cognitive** (the customer immerses themselves in the brand's world), **emotional**
    (affection for the firm) and **behavioural** (an action that changes the customer's
    routine). This is the three-dimensional view of customer engagement in the literature
    (Hollebeek, Glynn & Brodie, 2014). The scores are unweighted item means; check the
    scales' reliability and validity (:func:`cxkit.measurement.reliability`,
    :func:`cxkit.measurement.validity`) before reading them as measures of the constructs.
    Behaviour itself is measured from events by :func:`behavioural_engagement`.

    References
    ----------
    Hollebeek, L. D., Glynn, M. S., & Brodie, R. J. (2014). Consumer brand engagement in
    social media: Conceptualization, scale development and validation. *Journal of
    Interactive Marketing*, 28(2), 149–165.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.concepts import engagement_scores
    >>> survey = pd.DataFrame({"customer_id": ["a", "b"], "cog_1": [5, 2], "cog_2": [7, 2],
    ...                        "emo_1": [6, 3], "beh_1": [4, None]})
    >>> engagement_scores(survey, cognitive=["cog_1", "cog_2"], emotional=["emo_1"],
    ...                   behavioural=["beh_1"], keep=["customer_id"])
      customer_id  cognitive  emotional  behavioural  engagement
    0           a        6.0        6.0          4.0    5.333333
    1           b        2.0        3.0          NaN         NaN
    """
    low, high = _check_range(scale)
    keep = _as_list(keep, "keep") if keep else []
    groups = {"cognitive": cognitive, "emotional": emotional, "behavioural": behavioural}
    scores = _layer_scores(survey, groups, (low, high), keep=keep)
    scores["engagement"] = scores[list(ENGAGEMENT_DIMENSIONS)].mean(axis=1, skipna=False)
    return scores


@dataclass(frozen=True, repr=False)
class BehaviouralEngagement:
    """Engagement-level events per customer and period, per customer and per touchpoint.

    Attributes
    ----------
    per_period : DataFrame
        One row per customer and period from their first to their last event (quiet periods
        included, with 0): ``customer_id``, ``period``, ``events`` (all events),
        ``engagement_events``.
    per_customer : DataFrame
        ``customer_id``, ``active_periods``, ``events``, ``engagement_events``,
        ``unclassified_events`` (events whose touchpoint has no level),
        ``engagement_per_period`` (engagement events per active period).
    by_touchpoint : DataFrame
        Engagement-level touchpoints: ``touchpoint``, ``events``, ``customers``,
        ``share_of_engagement_events``, most frequent first.
    per : str
        The period (a pandas period alias such as ``"M"``).
    """

    per_period: pd.DataFrame
    per_customer: pd.DataFrame
    by_touchpoint: pd.DataFrame
    per: str

    def to_frame(self) -> pd.DataFrame:
        """The ``per_customer`` table."""
        return self.per_customer.copy()

    def summary(self) -> str:
        """Median engagement rate and the top touchpoint in one sentence."""
        rate = self.per_customer["engagement_per_period"].median()
        top = self.by_touchpoint["touchpoint"].iloc[0] if len(self.by_touchpoint) else "none"
        return (f"{len(self.per_customer):,} customers; median {rate:.2f} engagement events "
                f"per period ({self.per}); most frequent engagement touchpoint: {top}.")

    def __repr__(self) -> str:
        return f"BehaviouralEngagement({self.summary()})"


def behavioural_engagement(events: pd.DataFrame, *, per: str = "M",
                           catalogue: pd.DataFrame | None = None) -> BehaviouralEngagement:
    """Behavioural engagement from events: engagement-level events per customer per period.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime), ``touchpoint`` and the
        catalogue's ``level``.
    per : str
        The period, as a pandas period alias: ``"M"`` (calendar month), ``"W"`` (week),
        ``"Q"`` (quarter)…
    catalogue : DataFrame, optional
        Used only when ``events`` has no ``level`` column.

    Returns
    -------
    BehaviouralEngagement
        ``.per_period``, ``.per_customer`` (also ``.to_frame()``) and ``.by_touchpoint``;
        every column is listed in :class:`BehaviouralEngagement`.

    Raises
    ------
    DataError
        No rows; a missing column; a missing customer id or time, a timestamp column that is
        not datetime, or a level outside the three (the error names the rows).

    Notes
    -----
    Engagement here is the catalogue's *engagement* level: one-way customer behaviour that is
    not an interaction (Smuda, seed 000) — browsing, opening and clicking e-mails, using the
    app — the behavioural dimension of engagement (seed 002) seen in the data rather than in a
    questionnaire. A customer's *active periods* are the calendar periods from the one of
    their first event to the one of their last event of any level, quiet periods included;
    ``engagement_per_period`` is engagement events divided by active periods. The first and
    last periods count whole even when the customer was there for part of them, which lowers
    the rate of short-lived customers; for a rate per unit of exposure use exact dates.
    Times are read in UTC.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.concepts import behavioural_engagement
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-02",
    ...                                  "2024-02-11"], utc=True),
    ...     "touchpoint": ["web_visit", "email_click", "purchase", "app_open"]})
    >>> result = behavioural_engagement(events)
    >>> result.per_customer[["customer_id", "active_periods", "engagement_events",
    ...                      "engagement_per_period"]]
      customer_id  active_periods  engagement_events  engagement_per_period
    0           a               3                  2               0.666667
    1           b               1                  1               1.000000
    >>> result.per_period
      customer_id   period  events  engagement_events
    0           a  2024-01       2                  2
    1           a  2024-02       0                  0
    2           a  2024-03       1                  0
    3           b  2024-02       1                  1
    """
    try:
        pd.PeriodDtype(per)
    except (TypeError, ValueError):
        raise ValueError(f"per must be a pandas period alias such as 'M' or 'W', "
                         f"not {per!r}") from None
    ev = _events(events, [CUSTOMER, TIME, "touchpoint"], classify_by=["level"],
                 catalogue=catalogue)
    times = pd.Series(_naive_utc(ev[TIME]))
    ordinal = times.dt.to_period(per).array.asi8
    engaged = (ev["level"] == "engagement").to_numpy()
    unknown = ev["level"].isna().to_numpy()
    codes, ids = pd.factorize(ev[CUSTOMER], sort=True)
    first = np.full(len(ids), np.iinfo("int64").max)
    last = np.full(len(ids), np.iinfo("int64").min)
    np.minimum.at(first, codes, ordinal)
    np.maximum.at(last, codes, ordinal)
    # one slot per customer and period from their first to their last period
    span = last - first + 1
    start = np.cumsum(span) - span
    row_customer = np.repeat(np.arange(len(ids)), span)
    row_ordinal = first[row_customer] + np.arange(span.sum()) - start[row_customer]
    slot = start[codes] + (ordinal - first[codes])
    all_events = np.bincount(slot, minlength=span.sum())
    engagement_events = np.bincount(slot, weights=engaged, minlength=span.sum()).astype(int)
    per_period = pd.DataFrame({
        CUSTOMER: np.asarray(ids)[row_customer],
        "period": pd.PeriodIndex.from_ordinals(row_ordinal, freq=per),
        "events": all_events.astype("int64"),
        "engagement_events": engagement_events.astype("int64")})
    per_customer = pd.DataFrame({
        CUSTOMER: np.asarray(ids), "active_periods": span.astype("int64"),
        "events": np.bincount(codes, minlength=len(ids)).astype("int64"),
        "engagement_events": np.bincount(codes, weights=engaged,
                                         minlength=len(ids)).astype("int64"),
        "unclassified_events": np.bincount(codes, weights=unknown,
                                           minlength=len(ids)).astype("int64")})
    per_customer["engagement_per_period"] = (per_customer["engagement_events"]
                                             / per_customer["active_periods"])
    eng = ev.loc[engaged]
    by_touchpoint = (eng.groupby(eng["touchpoint"].astype(str), sort=True)
                     .agg(events=(CUSTOMER, "size"), customers=(CUSTOMER, "nunique"))
                     .reset_index()
                     .astype({"events": "int64", "customers": "int64"}))
    total = by_touchpoint["events"].sum()
    by_touchpoint["share_of_engagement_events"] = (by_touchpoint["events"] / total
                                                   if total else np.nan)
    by_touchpoint = by_touchpoint.sort_values(["events", "touchpoint"],
                                              ascending=[False, True]).reset_index(drop=True)
    return BehaviouralEngagement(per_period=per_period, per_customer=per_customer,
                                 by_touchpoint=by_touchpoint, per=per)


# --------------------------------------------------------------------------------------------
# the experience economy
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ExperienceEconomy:
    """Pine & Gilmore's progression of economic value and four realms, as tables.

    Attributes
    ----------
    progression : DataFrame
        One row per economic offering, in order (commodities, goods, services, experiences):
        ``order``, ``offering``, ``economy``, ``economic_function``, ``nature``,
        ``key_attribute``, ``method_of_supply``, ``seller``, ``buyer``,
        ``factors_of_demand``, ``coffee_example``, ``price_low_usd_per_cup``,
        ``price_high_usd_per_cup``.
    realms : DataFrame
        One row per realm: ``realm``, ``participation`` (passive | active), ``connection``
        (absorption | immersion), ``description``, ``example``.
    touchpoints : DataFrame
        One row per catalogue touchpoint: ``touchpoint``, ``level``, ``stage``, ``realm``
        (one of the four, ``"none"`` when the touchpoint is not an experience in Pine &
        Gilmore's sense, missing when the kit has no mapping for it), ``participation``,
        ``connection``, ``rationale``.
    """

    progression: pd.DataFrame
    realms: pd.DataFrame
    touchpoints: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The ``touchpoints`` table."""
        return self.touchpoints.copy()

    def __repr__(self) -> str:
        counts = self.touchpoints["realm"].value_counts()
        text = ", ".join(f"{r} {counts.get(r, 0)}" for r in (*REALMS, "none"))
        return f"ExperienceEconomy(4 offerings, 4 realms; touchpoints by realm: {text})"


def experience_economy(catalogue: pd.DataFrame | None = None) -> ExperienceEconomy:
    """Pine & Gilmore (1998): the progression of economic value and the four realms.

    Parameters
    ----------
    catalogue : DataFrame, optional
        A touchpoint catalogue (:func:`cxkit.catalogue`) to map onto the realms; the default
        one when omitted. Touchpoints the kit has no mapping for get a missing ``realm``.

    Returns
    -------
    ExperienceEconomy
        ``.progression``, ``.realms`` and ``.touchpoints``; every column is listed in
        :class:`ExperienceEconomy`.

    Notes
    -----
    Pine and Gilmore (1998) describe the economy as moving through four stages —
    **commodities → goods → services → experiences** — in each of which the customer and their
    experience are more central (seed 004). Their coffee example: beans traded as a commodity
    are worth a cent or two a cup; ground and packaged as a good, 5–25 cents; brewed and served
    in a diner, 50 cents to a dollar; served where ordering and drinking it is a small piece of
    theatre, 2 to 5 dollars. The ``progression`` table restates the article's distinctions
    between the four offerings and these prices (US dollars of 1998, as quoted). It is an
    **illustration, not evidence**: four price ranges quoted in one article, not a measured
    relation between staging and willingness to pay.

    An experience has four *realms*, on two dimensions: the customer's **participation**
    (passive: they do not shape the event; active: they do) and their **connection** with it
    (absorption: the experience occupies their attention; immersion: they become part of it).
    Entertainment is passive absorption, education active absorption, esthetic experiences
    passive immersion and escapist ones active immersion. The ``touchpoints`` table is the
    kit's judgement of where each catalogue touchpoint fits, with its rationale, for teaching
    and discussion; many touchpoints (a support call, a complaint) fit none — in Pine &
    Gilmore's terms they are services, although they can still be moments of truth.

    References
    ----------
    Pine, B. J., II, & Gilmore, J. H. (1998). Welcome to the experience economy. *Harvard
    Business Review*, 76(4), 97–105.

    Examples
    --------
    >>> from cxkit.concepts import experience_economy
    >>> economy = experience_economy()
    >>> economy.progression[["offering", "economic_function", "price_high_usd_per_cup"]]
          offering economic_function  price_high_usd_per_cup
    0  commodities           extract                    0.02
    1        goods              make                    0.25
    2     services           deliver                    1.00
    3  experiences             stage                    5.00
    >>> economy.realms[["realm", "participation", "connection"]]
               realm participation  connection
    0  entertainment       passive  absorption
    1    educational        active  absorption
    2       esthetic       passive   immersion
    3       escapist        active   immersion
    >>> economy.touchpoints.set_index("touchpoint").loc["support_call", "realm"]
    'none'
    """
    from .catalogue import catalogue as default_catalogue

    progression, realms, mapping = (t.copy() for t in _economy_tables())
    cat = default_catalogue() if catalogue is None else catalogue
    missing = [c for c in ("touchpoint", "level", "stage") if c not in cat.columns]
    if missing:
        raise DataError("column(s) missing from the catalogue", column=missing,
                        expected="a table from cxkit.catalogue()")
    touchpoints = (cat[["touchpoint", "level", "stage"]].reset_index(drop=True)
                   .merge(mapping, on="touchpoint", how="left", validate="one_to_one")
                   .merge(realms[["realm", "participation", "connection"]], on="realm",
                          how="left"))
    touchpoints = touchpoints[["touchpoint", "level", "stage", "realm", "participation",
                               "connection", "rationale"]]
    return ExperienceEconomy(progression=progression, realms=realms, touchpoints=touchpoints)


@lru_cache(maxsize=1)
def _economy_tables():
    folder = resources.files("cxkit.catalogue") / "data"

    def read(name):
        with resources.as_file(folder / name) as path:
            return pd.read_csv(path)

    progression = read("experience_economy.csv").sort_values("order").reset_index(drop=True)
    realms = read("experience_realms.csv")
    mapping = read("touchpoint_realms.csv")
    bad = ~mapping["realm"].isin([*REALMS, "none"])
    if bad.any():  # a broken install or an edit of the shipped file
        raise DataError("unknown realm", file="cxkit/catalogue/data/touchpoint_realms.csv",
                        column="realm", rows=_rows(bad),
                        expected="one of " + ", ".join([*REALMS, "none"]))
    return progression, realms, mapping


# --------------------------------------------------------------------------------------------
# shared steps
# --------------------------------------------------------------------------------------------
def _check_table(data, columns, *, what: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(data).__name__}")
    if len(data) == 0:
        raise DataError(f"the {what} table has no rows", column=list(columns),
                        expected="at least one row")
    absent = [c for c in dict.fromkeys(columns) if c not in data.columns]
    if absent:
        raise DataError(f"column(s) not in the {what} table", column=absent,
                        expected="columns " + ", ".join(map(str, columns)) + "; available: "
                                 + ", ".join(map(str, data.columns)))


def _events(events, columns, *, classify_by, catalogue) -> pd.DataFrame:
    """Checked events (positional index), classified when the catalogue columns are absent."""
    needs_classes = [c for c in classify_by if c not in getattr(events, "columns", [])]
    _check_table(events, columns + (["touchpoint"] if needs_classes else classify_by),
                 what="events")
    ev = events.reset_index(drop=True)
    if needs_classes:
        from .catalogue import classify

        ev = classify(ev, catalogue)
    missing = ev[CUSTOMER].isna()
    if missing.any():
        raise DataError("missing customer id", column=CUSTOMER, rows=_rows(missing),
                        expected="a customer id on every event")
    if "touchpoint" in columns:
        _refuse_missing(ev["touchpoint"], "touchpoint")
    if TIME in columns:
        if not pd.api.types.is_datetime64_any_dtype(ev[TIME]):
            raise DataError(f"not a date-time column (dtype {ev[TIME].dtype})", column=TIME,
                            expected="datetime values (load the events with "
                                     "cxkit.load_journeys or convert with pandas.to_datetime)")
        _refuse_missing(ev[TIME], TIME)
    if "level" in classify_by:
        _refuse_values(ev["level"], LEVELS, "level")
    return ev


def _refuse_missing(values: pd.Series, column: str) -> None:
    missing = values.isna()
    if missing.any():
        raise DataError("missing value", column=column, rows=_rows(missing),
                        expected="a value on every row")


def _refuse_values(values: pd.Series, allowed, column: str) -> None:
    bad = values.notna() & ~values.isin(allowed)
    if bad.any():
        shown = sorted(set(map(str, values[bad])))[:5]
        raise DataError(f"unknown value(s) {shown}", column=column, rows=_rows(bad),
                        expected="one of " + ", ".join(allowed) + " (or missing)")


def _as_list(columns, name: str) -> list[str]:
    items = [columns] if isinstance(columns, str) else list(columns)
    if not items or not all(isinstance(c, str) for c in items):
        raise ValueError(f"{name} must be a column name or a non-empty list of column names, "
                         f"not {columns!r}")
    return items


def _layer_scores(survey, groups: dict, scale, *, extra=(), keep=()) -> pd.DataFrame:
    """Per-respondent means of each group's items (missing if any item is missing)."""
    groups = {name: _as_list(items, name) for name, items in groups.items()}
    every = [c for items in groups.values() for c in items]
    _check_table(survey, every + list(extra) + list(keep), what="survey")
    twice = sorted({c for c in every if every.count(c) > 1})
    if twice:
        raise DataError("item used in more than one scale", column=twice,
                        expected="each item in one scale only")
    low, high = scale
    scores = survey[list(keep)].copy() if keep else pd.DataFrame(index=survey.index)
    for name, items in groups.items():
        values = {}
        for item in items:
            numbers = _numbers(survey, item, finite=True)
            _refuse(numbers.notna() & ((numbers < low) | (numbers > high)), numbers, item,
                    "answer(s) outside the scale", f"answers from {low} to {high} (or missing)")
            values[item] = numbers.to_numpy()
        scores[name] = pd.DataFrame(values).mean(axis=1, skipna=False).to_numpy()
    if extra:
        values = pd.DataFrame({c: _numbers(survey, c, finite=True).to_numpy() for c in extra})
        scores["_outcome"] = values.mean(axis=1, skipna=False).to_numpy()
    return scores
