"""Exercises of chapter 13, experiments and the awareness trap (topic ``experiment``)."""

from statistics import NormalDist

from .._registry import exercise, sample

_TRUE_EFFECT = 5.2  # the exercise's stated effect (the sample's truth, rounded)


def _email_naive():
    from ...models import effect

    study = sample()
    engagement = study.events[study.events["level"] == "engagement"].groupby("customer_id").size()
    customers = study.customers.assign(
        engagement_events=study.customers["customer_id"].map(engagement).fillna(0))
    return effect(customers, treatment="email_arm", outcome="engagement_events", method="naive")


# a probability: ±0.02 accepts rounding to two decimals and a normal quantile of 1.96 or 2
@exercise("experiment.1", tolerance=0.02,
          hint="Power ≈ Φ(effect / se − 1.96); use NormalDist().cdf for Φ.")
def _():
    z = NormalDist()
    return z.cdf(_TRUE_EFFECT / _email_naive().se - z.inv_cdf(0.975))


# a sample size from rounded quantiles (1.96 + 0.84 against the exact 2.8016) moves by < 0.2 %;
# ±3 % (relative) accepts those and a standard error rounded to two decimals
@exercise("experiment.2", tolerance=0.03, relative=True,
          hint="se_needed = 5.2 / (1.96 + 0.84); customers = n × (se / se_needed)².")
def _():
    z = NormalDist()
    naive = _email_naive()
    se_needed = _TRUE_EFFECT / (z.inv_cdf(0.975) + z.inv_cdf(0.80))
    return naive.n * (naive.se / se_needed) ** 2


# a difference of two means of a 1–7 scale: ±0.01 accepts rounding to two decimals
@exercise("experiment.3", tolerance=0.01,
          hint="Keep wave 1 of the launched regions; treatment csr_aware, outcome loyalty.")
def _():
    from ...models import effect

    panel = sample().survey_panel()
    launched = panel.loc[panel["csr_in_force"] == 1, "region"].unique()
    rows = panel[(panel["wave"] == 1) & panel["region"].isin(launched)]
    return effect(rows, treatment="csr_aware", outcome="loyalty", method="naive").estimate
