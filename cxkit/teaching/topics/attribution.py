"""Exercises of the chapter on attribution (19_attribution)."""

from .._registry import exercise, sample


# a share of the credit of about 0.16: an answer rounded to three decimals (±0.0005), or to a
# whole percent given as a fraction (±0.005), is accepted
@exercise("attribution.1", tolerance=0.005,
          hint="Keep the events of customers with email_arm == 1, run markov_attribution on them "
               "and read the 'share' of the email row (a fraction, not a percentage).")
def _():
    from ...journeys import markov_attribution

    study = sample()
    arm = study.customers.set_index("customer_id")["email_arm"]
    events = study.events[study.events["customer_id"].map(arm) == 1]
    return float(markov_attribution(events).set_index("channel").loc["email", "share"])


# a count of purchases: exact (last touch gives each purchase wholly to one channel)
@exercise("attribution.2",
          hint="Pass lookback=\"1D\" and touches=EXPOSURES (the exposure touchpoints of section 3) "
               "and read the conversions of the email row.")
def _():
    from ...journeys import last_touch_attribution

    study = sample()
    exposures = list(study.truth["attribution"]["by_touchpoint"])
    credit = last_touch_attribution(study.events, lookback="1D", touches=exposures)
    return float(credit.set_index("channel").loc["email", "conversions"])
