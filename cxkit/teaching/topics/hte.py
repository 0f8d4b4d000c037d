"""Exercises of chapter 14, heterogeneous effects (topic ``hte``)."""

import math

from .._registry import exercise, sample


def _segment_did(outcome):
    from ...models import effects_by

    return effects_by(sample().survey_panel(), by="segment", treatment="csr_in_force",
                      outcome=outcome, method="did", group="region", time="wave",
                      cluster="customer_id").set_index("segment")


# a difference of two estimates on a 1–7 scale: ±0.01 accepts rounding to two decimals
@exercise("hte.1", tolerance=0.01,
          hint="Take the estimate column of by_segment, indexed by segment: conscious − budget.")
def _():
    s = _segment_did("loyalty")
    return float(s.at["conscious", "estimate"] - s.at["budget", "estimate"])


# a ratio near 5; ±0.1 accepts rounding to one decimal (and standard errors rounded to three
# decimals, which move it by less than 0.02)
@exercise("hte.2", tolerance=0.1,
          hint="Difference of the two estimates of perception, divided by sqrt(se1² + se2²).")
def _():
    p = _segment_did("csr_perception")
    gap = p.at["conscious", "estimate"] - p.at["budget", "estimate"]
    return float(gap / math.hypot(p.at["conscious", "se"], p.at["budget", "se"]))
