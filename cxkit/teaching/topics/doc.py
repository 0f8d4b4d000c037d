"""Exercises used by the documentation's own examples (not part of any chapter)."""

from .._registry import exercise, sample


# the metric is computed from the bundled survey; NPS is in points, so an answer rounded to a
# whole point (±0.5) or to one decimal is accepted
@exercise("doc-nps.1", tolerance=0.5,
          hint="NPS is % promoters (9–10) minus % detractors (0–6), in points.")
def _():
    from ...metrics import nps

    return float(nps(sample().survey)["estimate"].iloc[0])
