"""The three concentric circles engagement ⊂ interaction ⊂ experience (Cappabianca, citing
Smuda and Manning), counted under both readings of the article, and the journey stages: when
each customer first reached each stage, before, during and after the purchase.

Events follow the kit's data contract (:func:`cxkit.load_journeys`); when the classification
columns are absent the events are classified with the catalogue.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .._results import Result
from ..catalogue import LEVELS, STAGES
from ._events import CUSTOMER, TIME, checked_events

__all__ = ["Circles", "circles", "journey_stages", "stages_wide"]


# --------------------------------------------------------------------------------------------
# the three circles
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Circles(Result):
    """Customers and events at each level of the three circles.

    A count, not an estimate: ``fit`` is ``None`` and there is no confidence interval.

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

    _label_columns = ("reading", "level")

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

    def plot(self, ax=None, *, reading: str = "nested"):
        """Draw the circles (see :func:`cxkit.plots.circles`)."""
        from .. import plots

        return plots.circles(self, reading=reading, ax=ax)


@shared_docs
def circles(events: pd.DataFrame, *, catalogue: pd.DataFrame | None = None) -> Circles:
    """Customers and events in the three circles engagement ⊂ interaction ⊂ experience.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``touchpoint`` and the catalogue's ``level``
        (engagement | interaction | experience, or NaN for a touchpoint not in the catalogue).
    {doc:catalogue}

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
      :math:`E_i`, :math:`I_i`, :math:`X_i`. The ``experience`` row of this reading counts
      customers with an *exposure* (the level's events: adverts, news, word of mouth, a
      delivery, a failure), not customers who "had an experience": every contact is part of the
      customer experience (Buttle, 2009; Manning: how customers perceive *all* their
      interactions), which is the nested reading's outer circle.

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
    >>> from cxkit import circles
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
    ev = checked_events(events, [CUSTOMER, "touchpoint"], classify_by=["level"],
                        catalogue=catalogue)
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
@shared_docs
def journey_stages(events: pd.DataFrame, *, catalogue: pd.DataFrame | None = None,
                   on_unknown: str = "raise") -> pd.DataFrame:
    """When each customer first reached each stage of the journey, and when they moved on.

    Parameters
    ----------
    events : DataFrame
        Journey events with ``customer_id``, ``timestamp`` (datetime) and the catalogue's
        ``stage`` (awareness | consideration | purchase | use | service | loyalty | exit).
    {doc:catalogue}
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
    >>> from cxkit import journey_stages, stages_wide
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
    _check.one_of(on_unknown, ("raise", "skip"), "on_unknown")
    ev = checked_events(events, [CUSTOMER, TIME], classify_by=["stage"], catalogue=catalogue)
    _check.allowed_values(ev["stage"], STAGES, "stage")
    unknown = ev["stage"].isna()
    if on_unknown == "raise":
        _check.refuse_rows(unknown, "event(s) without a journey stage (touchpoints not in the "
                           "catalogue)", "stage", "a stage for every event; extend the "
                           "catalogue or pass on_unknown='skip'")
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
    >>> from cxkit import journey_stages, stages_wide
    >>> study = cxkit.simulate_study(300, seed=1)
    >>> wide = stages_wide(journey_stages(study.events))
    >>> list(wide.columns)
    ['awareness', 'consideration', 'purchase', 'use', 'service', 'loyalty', 'exit']
    >>> bool(wide["purchase"].notna().mean() > 0.9)
    True
    """
    _check.columns(stages, [CUSTOMER, "stage", values], what="stages")
    wide = stages.pivot(index=CUSTOMER, columns="stage", values=values)
    wide = wide.reindex(columns=pd.CategoricalIndex(STAGES, categories=STAGES, ordered=True,
                                                    name="stage"))
    wide.columns = pd.Index(list(STAGES), name="stage")
    return wide


