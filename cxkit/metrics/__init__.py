"""CX metrics with their uncertainty: NPS, CSAT, CES, top-box shares, churn, repeat purchase
and retention curves.

Every function takes the table first and column names as keywords, and returns a tidy
DataFrame with one row per group (``by=``): the group column(s), then ``estimate``,
``ci_low``, ``ci_high``, ``n`` (answers used) and ``n_missing`` (answers left out because they
were missing), then columns particular to the metric. Nothing is dropped silently: a missing
answer (NaN or None) follows the kit's one rule for missing answers (``missing=``): refused by
default with an error naming the rows, or, with ``missing="listwise"``, left out of the
estimate and counted in ``n_missing``; anything else that is not a valid answer (a value off
the scale, text, an infinite number) raises :class:`cxkit.DataError` naming the column and
the rows, counted from 1 at the table's first row (positions, not index labels).

Shares (CSAT, top box, churn, repeat purchase) come with Wilson score intervals, NPS with the
normal interval of a difference of multinomial proportions, CES with a t interval, retention
with the Kaplan–Meier estimate of statsmodels, pointwise log–log (default) or log intervals and
the median retention time with its interval. The confidence level is ``conf_level=``
(``level=`` still works, with a ``FutureWarning``, until cxkit 0.3.0).

Survey scores take ``weights=`` with ``weight_type="frequency"`` (rows standing for several
identical answers) or ``"sampling"`` (survey weights, design-based intervals); :func:`rake`
makes survey weights from known population margins.

With ``by=``, a group of fewer than ``min_n`` respondents or customers (default 10, set per
call or with ``cxkit.set_option("min_n", ...)``; 0 turns the rule off) is suppressed: one row,
values missing, ``suppressed`` true, and ``table.attrs["small_cells"]`` counts such groups.
With weights the rule counts respondents (with a positive weight), not the sum of weights.

Modules: :mod:`~cxkit.metrics.survey` (survey scores), :mod:`~cxkit.metrics.behaviour` (churn,
repeat purchase, retention), :mod:`~cxkit.metrics.weighting` (raking). May import
:mod:`cxkit.journeys`, :mod:`cxkit.io`, :mod:`cxkit.catalogue` and the private base modules;
never a model.
"""

from .behaviour import churn_rate, repeat_rate, retention_curve
from .survey import ces, csat, nps, top_box
from .weighting import RakeResult, rake

__all__ = [
    # survey scores
    "ces", "csat", "nps", "top_box",
    # survey weights
    "RakeResult", "rake",
    # behaviour: churn, repeat purchase, retention
    "churn_rate", "repeat_rate", "retention_curve",
]
