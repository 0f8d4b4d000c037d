"""Credit for conversions from a first-order Markov chain of the journeys: the removal effect
of each channel (Anderl et al., 2016), on an engine (see :mod:`cxkit.journeys`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._docstrings import shared_docs
from ._common import (
    JOURNEY_DOCS,
    code_of,
    int_type,
    needed,
    none_last,
    order_keys,
    prepared,
    values_of,
    vocabulary,
)
from ._engine import event_table, fetch

__all__ = ["markov_attribution"]

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


# --------------------------------------------------------------------------------------------
# Markov-chain attribution
# --------------------------------------------------------------------------------------------
@shared_docs(extra=JOURNEY_DOCS)
def markov_attribution(events, *, conversion="purchase", by="channel",
                       engine=None) -> pd.DataFrame:
    """Credit for conversions by channel from a first-order Markov chain of the journeys,
    with the *removal effect* of each channel (Anderl et al., 2016).

    Parameters
    ----------
    {doc:events}
    conversion : str or list of str
        The touchpoint(s) that count as a conversion.
    by : str
        The column whose values get the credit: ``"channel"`` (default) or
        ``"touchpoint"``, ``"stage"`` …
    {doc:engine}

    Returns
    -------
    DataFrame
        One row per value of ``by`` seen before a conversion or in a journey without one,
        sorted by descending credit, with columns ``<by>``, ``removal_effect`` (the share of
        all conversions lost if the channel were removed), ``conversions`` (conversions
        credited to it; they add up to all conversions) and ``share`` (``conversions``
        divided by all conversions). ``attrs`` holds ``conversions`` (in the log),
        ``journeys`` and ``conversion_probability`` (of the fitted chain, from the start).

    Raises
    ------
    DataError
        No event of the conversion touchpoint(s) in the log.

    Notes
    -----
    **Journeys.** Each customer's events, in order, are cut after every conversion: a
    journey is the run of events up to and including a conversion, and the events after a
    customer's last conversion form a journey that did not convert. The conversion events
    themselves are the outcome, not touches.

    **The chain.** States are :math:`\\text{start}`, the values of ``by``, and the two
    absorbing states :math:`\\text{conversion}` and :math:`\\text{null}`. Every journey is
    the path start → its touches' states → conversion (or null); :math:`p_{ij}` is the
    number of steps from :math:`i` to :math:`j` over all journeys divided by the number of
    steps out of :math:`i`. The probability of converting from the start,
    :math:`P = \\Pr(\\text{reach conversion} \\mid \\text{start})`, solves
    :math:`(I - Q)\\,x = r`, where :math:`Q` holds the transition probabilities among the
    transient states and :math:`r` those into conversion.

    **Removal effect.** Removing channel :math:`c` sends every step into :math:`c` to null;
    with :math:`P_{-c}` the probability of conversion in that chain,

    .. math::

        \\mathrm{RE}_c = 1 - \\frac{P_{-c}}{P}, \\qquad
        \\text{conversions}_c = C\\,\\frac{\\mathrm{RE}_c}{\\sum_{c'} \\mathrm{RE}_{c'}},

    with :math:`C` the conversions in the log [1]_ [2]_. Removal effects add up to more than
    1 when journeys combine channels; the normalisation shares the conversions out.
    Repeats of a channel (self-loops) do not change :math:`P` or :math:`P_{-c}`.

    References
    ----------
    .. [1] Anderl, E., Becker, I., von Wangenheim, F., & Schumann, J. H. (2016). Mapping
       the customer journey: Lessons learned from graph-based online attribution modeling.
       *International Journal of Research in Marketing*, 33(3), 457–474.
    .. [2] Kemeny, J. G., & Snell, J. L. (1976). *Finite Markov Chains*. Springer.
       (Absorption probabilities.)

    Examples
    --------
    >>> import cxkit
    >>> from cxkit import journeys
    >>> events = cxkit.datasets.load_sample().events
    >>> credit = journeys.markov_attribution(events, conversion="purchase", by="channel")
    >>> credit.columns.tolist()
    ['channel', 'removal_effect', 'conversions', 'share']
    >>> round(float(credit["share"].sum()), 6)
    1.0
    >>> credit.attrs["conversions"] == int((events["touchpoint"] == "purchase").sum())
    True
    """
    import ibis

    targets = _check.value_names(conversion, "conversion", noun="touchpoint name")
    with event_table(events, engine) as table:
        t = prepared(table, optional=("channel",), extra=[by])
        vocab = vocabulary(t, needed(t, by))
        converted = int(vocab.loc[vocab["touchpoint"].isin(targets), "_events"].sum())
        if converted == 0:
            raise DataError(f"no conversion event ({', '.join(targets)}) in the log",
                            column="touchpoint", expected="at least one conversion")
        states = values_of(vocab, by)
        keys = order_keys(t, vocab, by)
        is_conv = t.touchpoint.isin(targets)
        conv_code, null_code, start_code = len(states) + 1, len(states) + 2, len(states) + 3
        code_type = int_type(start_code + 1)
        base = t.select("customer_id", "timestamp", **keys, _conv=is_conv.cast("int64"),
                        _state=ibis.ifelse(is_conv, conv_code, code_of(t[by], states))
                        .cast(code_type))
        order = ["timestamp", *keys]
        # the journey of an event: how many conversions the customer made before it
        step = base.mutate(_journey=base._conv.sum().over(ibis.cumulative_window(
            group_by="customer_id", order_by=order)) - base._conv)
        window = ibis.window(group_by=["customer_id", "_journey"], order_by=order)
        step = step.mutate(_from=step._state.lag().over(window).fill_null(start_code)
                           .cast(code_type), _after=step._state.lead().over(window))
        arrive = step.select(_i=step._from, _j=step._state)
        leave = step.filter(step._after.isnull() & (step._conv == 0)).select(
            _i=step._state, _j=ibis.literal(null_code, code_type))
        both = arrive.union(leave, distinct=False)
        counts = fetch(both.group_by(["_i", "_j"]).agg(n=both.count()))
    labels = list(states) + [None, CONVERSION, NULL, START]
    counts["_i"] = [labels[int(i)] for i in counts["_i"]]
    counts["_j"] = [labels[int(j)] for j in counts["_j"]]
    return _removal_effects(counts, by=by, conversions=converted)


def _removal_effects(counts: pd.DataFrame, *, by: str, conversions: int) -> pd.DataFrame:
    """Removal effects from transition counts between states (columns _i, _j, n)."""
    absorbing = {CONVERSION, NULL}
    channels = sorted({s for s in set(counts["_i"]) | set(counts["_j"])
                       if s not in absorbing and s != START}, key=none_last)
    transient = [START] + channels
    index = {s: i for i, s in enumerate(transient)}
    q = np.zeros((len(transient), len(transient)))
    r = np.zeros(len(transient))
    totals = counts.groupby("_i", dropna=False)["n"].sum()
    for i, j, n in counts[["_i", "_j", "n"]].itertuples(index=False):
        p = n / totals[i]
        if j == CONVERSION:
            r[index[i]] += p
        elif j != NULL:
            q[index[i], index[j]] += p

    def p_convert(keep: list[int]) -> float:
        sub = np.ix_(keep, keep)
        x = np.linalg.solve(np.eye(len(keep)) - q[sub], r[keep])
        return float(x[0])  # start is always kept, first

    full = p_convert(list(range(len(transient))))
    effects = []
    for c in channels:
        keep = [i for i, s in enumerate(transient) if s != c]
        effects.append(1 - p_convert(keep) / full if full > 0 else 0.0)
    effects = np.array(effects)
    total = effects.sum()
    credit = conversions * effects / total if total > 0 else np.zeros_like(effects)
    out = pd.DataFrame({by: channels, "removal_effect": effects, "conversions": credit,
                        "share": credit / conversions})
    out = out.sort_values(["conversions", by], ascending=[False, True]).reset_index(drop=True)
    out.attrs.update(conversions=conversions,
                     journeys=int(counts.loc[counts["_i"] == START, "n"].sum()),
                     conversion_probability=full)
    return out
