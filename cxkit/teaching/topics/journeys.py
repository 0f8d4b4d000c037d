"""Exercises of the chapter on omnichannel journeys (18_omnichannel_journeys)."""

from .._registry import exercise, sample


# a share of about 0.26: an answer rounded to three decimals (±0.0005) is accepted
@exercise("journeys.1", tolerance=0.0006,
          hint="Compare each event's channel with the same customer's next event; leave out "
               "each customer's last event, which has no next one.")
def _():
    from ...journeys import transitions

    moves = transitions(sample().events, on="channel")
    return float(moves.loc[moves["channel"] != moves["next_channel"], "transitions"].sum()
                 / moves["transitions"].sum())


# a count of customers: exact
@exercise("journeys.2",
          hint="Entry is each customer's first product_page_view; count distinct customers with "
               "a cart_add from entry up to entry + 7 days.")
def _():
    from ...journeys import funnel

    steps = funnel(sample().events, ["product_page_view", "cart_add", "purchase"], within="7D")
    return int(steps.iloc[1]["customers"])
