"""Exercises of chapter 03 (the experience economy: Pine & Gilmore's progression and realms)."""

from .._registry import exercise, sample


# a ratio of two quoted prices; an answer rounded to a whole number (±0.5) is accepted
@exercise("realms.1", tolerance=0.5,
          hint="Divide the experiences row's price_high_usd_per_cup by the commodities row's.")
def _():
    from ...catalogue import experience_economy

    price = experience_economy().progression.set_index("offering")["price_high_usd_per_cup"]
    return float(price["experiences"] / price["commodities"])


# a difference in mean NPS answers (0–10); an answer rounded to two decimals (±0.005) is accepted
@exercise("realms.2", tolerance=0.005,
          hint="Wave 1 only; drop customers whose first brand event came before their survey "
               "date; treatment: a brand event after it; naive difference in mean nps.")
def _():
    from ...models import effect

    s = sample()
    times = (s.events[s.events["touchpoint"] == "brand_event"].groupby("customer_id")["timestamp"]
             .agg(["min", "max"]))
    wave_1 = s.survey[s.survey["wave"] == 1].join(times, on="customer_id").assign(
        surveyed_at=lambda d: d["survey_date"].dt.tz_localize("UTC"))
    not_yet = wave_1[~(wave_1["min"] < wave_1["surveyed_at"])].assign(
        will_attend=lambda d: (d["max"] > d["surveyed_at"]).astype(int))
    return float(effect(not_yet, treatment="will_attend", outcome="nps", method="naive").estimate)


@exercise("realms.3", kind="label",
          hint="Map each event to its customer's preferred_channel, cross-tabulate with the "
               "realm (shares per channel), and read the escapist column.")
def _():
    from ...catalogue import experience_economy

    s = sample()
    realm = s.events["touchpoint"].map(
        experience_economy().touchpoints.set_index("touchpoint")["realm"])
    channel = s.events["customer_id"].map(
        s.customers.set_index("customer_id")["preferred_channel"])
    return str((realm == "escapist").groupby(channel).mean().idxmax())
