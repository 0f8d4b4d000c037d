"""Exercises of chapter 15, staggered adoption (topic ``staggered``)."""

from .._registry import exercise, sample


def _purchases():
    import pandas as pd

    from ...models import activity_panel

    study = sample()
    panel = activity_panel(study.events, study.customers, traits=["region"])
    launch = pd.to_datetime(panel["region"].map(study.truth["csr_launch_by_region"]))
    panel["cohort"] = ((launch.dt.year - 2024) * 12 + launch.dt.month - 1).where(
        launch <= panel["month"].max())
    return panel


# extra purchases per customer-month, about 0.06; ±0.002 accepts rounding to three decimals
# and is a tenth of the estimates' standard errors, so another binning would not pass
@exercise("staggered.1", tolerance=0.002,
          hint="Keep the rows of the did2s coefficients with event_time >= 0 and average them.")
def _():
    from ...models import event_study

    coefs = event_study(_purchases(), outcome="count", unit="region", cluster="customer_id",
                        time="period", cohort="cohort", method="did2s", leads=6,
                        lags=11).coefficients
    return float(coefs.loc[coefs["event_time"] >= 0, "estimate"].mean())


# with seed=8 the p-value is exact; another seed moves it by its Monte Carlo error,
# sqrt(p(1 - p) / 9999) ≈ 0.0017 at p ≈ 0.03: ±0.005 accepts three of those
@exercise("staggered.2", tolerance=0.005,
          hint="cxkit.effect(..., method='did', cluster='region', seed=SEED); the p-value is in "
               "diagnostics['wild_bootstrap'].")
def _():
    from ...models import effect

    result = effect(sample().survey_panel(), treatment="csr_in_force", outcome="loyalty",
                    method="did", group="region", time="wave", cluster="region", seed=8)
    return float(result.diagnostics["wild_bootstrap"]["p_value"])
