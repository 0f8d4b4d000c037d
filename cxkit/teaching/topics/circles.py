"""Exercises of chapter 01 (engagement, interaction, experience: the three circles)."""

from .._registry import exercise, sample


# a share of a week's customers, exact; an answer rounded to two decimals (±0.005) is accepted
@exercise("circles.1", tolerance=0.005,
          hint="Keep 1–7 March only; the overlaps row whose combination is only the level "
               "named 'experience' (exposures); a share, not a percentage.")
def _():
    from ...journeys import circles

    ev = sample().events
    week = ev[(ev["timestamp"] >= "2025-03-01") & (ev["timestamp"] < "2025-03-08")]
    return float(circles(week).overlaps.set_index("combination")
                 .loc["experience", "share_of_customers"])


# a share of about 1,600 customers, exact; rounded to two decimals (±0.005) is accepted
@exercise("circles.2", tolerance=0.005,
          hint="Count customers, not events: one row per customer who saw a cause campaign, "
               "then the share with csr_aware false.")
def _():
    s = sample()
    seen = s.events.loc[s.events["touchpoint"] == "cause_campaign_view", "customer_id"].unique()
    aware = s.customers.set_index("customer_id")["csr_aware"]
    return float(1 - aware.reindex(seen).mean())


# a share of 5,000 customers, exact; rounded to two decimals (±0.005) is accepted
@exercise("circles.3", tolerance=0.005,
          hint="dialogue_share is months with a two-way contact over active months; count the "
               "customers with 0.5 or more, as a share.")
def _():
    from ...journeys import dialogue

    return float((dialogue(sample().events)["dialogue_share"] >= 0.5).mean())
