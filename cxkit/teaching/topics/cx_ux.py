"""Exercises of chapter 05 (CX is not customer service, not marketing, not UX)."""

import numpy as np
import pandas as pd

from .._registry import exercise, sample


# a share of about 4,500 first baskets, exact; rounded to two decimals (±0.005) is accepted
@exercise("cx-ux.1", tolerance=0.005,
          hint="For each cart_add, the first purchase at or after it (pd.merge_asof, "
               "direction='forward'); keep each customer's first basket; completed = within "
               "7 days.")
def _():
    events = sample().events
    purchases = (events.loc[events["touchpoint"] == "purchase", ["customer_id", "timestamp"]]
                 .rename(columns={"timestamp": "purchased_at"}).sort_values("purchased_at"))
    carts = pd.merge_asof(
        events.loc[events["touchpoint"] == "cart_add", ["customer_id", "timestamp"]]
        .sort_values("timestamp"), purchases, left_on="timestamp", right_on="purchased_at",
        by="customer_id", direction="forward")
    days = (carts["purchased_at"] - carts["timestamp"]) / pd.Timedelta(days=1)
    carts["completed"] = days <= 7
    return float(carts.drop_duplicates("customer_id")["completed"].mean())


def _failed():
    s = sample()
    events, panel = s.events, s.survey_panel()
    firsts = (events[events["touchpoint"].isin(["service_failure", "complaint",
                                                "complaint_resolved"])]
              .pivot_table(index="customer_id", columns="touchpoint", values="timestamp",
                           aggfunc="min"))
    answers = panel.join(firsts, on="customer_id").assign(
        surveyed_at=lambda d: d["survey_date"].dt.tz_localize("UTC"))
    before = {name: answers[name] < answers["surveyed_at"] for name in firsts.columns}
    answers["service"] = np.select(
        [before["complaint_resolved"], before["complaint"], before["service_failure"]],
        ["complaint resolved", "complaint not resolved", "failure, no complaint"],
        default="no failure")
    return answers[answers["service"] != "no failure"].assign(
        resolved=lambda d: (d["service"] == "complaint resolved").astype(int))


# a difference in mean loyalty (1–7 points); rounded to two decimals (±0.005) is accepted
@exercise("cx-ux.2", tolerance=0.005,
          hint="Same failed table and treatment as the csat comparison; outcome='loyalty'.")
def _():
    from ...models import effect

    return float(effect(_failed(), treatment="resolved", outcome="loyalty", method="naive",
                        cluster="customer_id").estimate)


@exercise("cx-ux.3", kind="bool",
          hint="Purchases per customer (fillna(0) for none), effect of email_arm; does the "
               "interval exclude 0?")
def _():
    from ...models import effect

    s = sample()
    customers = s.customers.set_index("customer_id")
    customers["purchases"] = (s.events[s.events["touchpoint"] == "purchase"]
                              .groupby("customer_id").size())
    customers["purchases"] = customers["purchases"].fillna(0)
    buying = effect(customers, treatment="email_arm", outcome="purchases", method="naive")
    return bool(buying.ci_low > 0 or buying.ci_high < 0)
