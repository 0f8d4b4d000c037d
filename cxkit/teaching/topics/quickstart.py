"""Exercises of chapter 00 (the quickstart): the NPS by hand, the share of two-way events."""

from .._registry import exercise, sample


# NPS is in points; an answer rounded to one decimal (±0.05) is accepted
@exercise("quickstart.1", tolerance=0.05,
          hint="Keep wave 1 only; promoters answer 9–10, detractors 0–6; multiply by 100.")
def _():
    answers = sample().survey.loc[sample().survey["wave"] == 1, "nps"]
    return float(100 * ((answers >= 9).mean() - (answers <= 6).mean()))


# a share of 881,612 events, exact; an answer rounded to two decimals (±0.005) is accepted
@exercise("quickstart.2", tolerance=0.005,
          hint="Two-way exchanges are the catalogue's 'interaction' level; give a share (0–1), "
               "not a percentage.")
def _():
    return float((sample().events["level"] == "interaction").mean())
