"""Exercises of the topic ``clv``: buy-till-you-die models, customer lifetime value, and what
CSR and service failures do to value (chapter "From experience to value")."""

from .._registry import exercise


def _cdnow():
    from ...models import bg_nbd, calibration_holdout
    from ...study.cdnow import load_cdnow

    summary = calibration_holdout(load_cdnow(), calibration_end="1997-09-30",
                                  observation_end="1998-06-30", unit="W")
    return summary, bg_nbd(summary)


# the paper prints 1.226; a student may round to two decimals (±0.005)
@exercise("clv.1", tolerance=0.005,
          hint="Use the model's conditional expectation for a customer with this history over "
               "39 weeks, not the one for a newly acquired customer.")
def _():
    import pandas as pd

    _, bg = _cdnow()
    example = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    return float(bg.expected_transactions(39, example).iloc[0])


# dollars; rounding to cents (±0.005) or to a dime is accepted
@exercise("clv.2", tolerance=0.05,
          hint="Undiscounted minus discounted mean CLV, both over 12 months with the BG/NBD fit.")
def _():
    from ...models import clv

    summary, bg = _cdnow()
    options = dict(horizon=12, unit="M", transactions=bg)
    return float(clv(summary, discount_rate=0.0, **options)["clv"].mean()
                 - clv(summary, discount_rate=0.01, **options)["clv"].mean())


# euros of 12-month value; the computation is deterministic (seed 1), so only rounding to a
# whole euro (±0.5) is allowed for
@exercise("clv.3", tolerance=0.5,
          hint="Failures whose next 12 months lie before 2026-01-01; value discounted at 10 % "
               "a year; unresolved = no complaint_resolved event; regression with the traits.")
def _():
    import pandas as pd

    from ...models import effect, value_after
    from ...study.simulate import simulate_study

    traits = ["segment", "age_band", "region", "preferred_channel"]
    big = simulate_study(20_000, seed=1)
    events = big.events
    failures = events.loc[events["touchpoint"] == "service_failure", ["customer_id", "timestamp"]]
    resolved = events.loc[events["touchpoint"] == "complaint_resolved", "customer_id"]
    failures = failures.assign(at=failures["timestamp"].dt.tz_localize(None),
                               unresolved=(~failures["customer_id"].isin(resolved)).astype(int))
    failures = failures.merge(big.customers[["customer_id", *traits]], on="customer_id")
    after = value_after(events[events["touchpoint"] == "purchase"], failures, months=12,
                        discount_rate=0.10, end=pd.Timestamp("2026-01-01"))
    return effect(after, treatment="unresolved", outcome="value", method="regression",
                  confounders=traits).estimate
