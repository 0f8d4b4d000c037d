"""Chapter 08, loyalty models and key drivers: an odds ratio in percent, an R² gain."""

from .._registry import exercise, sample


# a deterministic logit fit; ±0.5 percentage points accepts an answer rounded to a whole percent
@exercise("drivers.1", tolerance=0.5,
          hint="exp(coefficient) is the odds ratio; (odds ratio − 1) × 100 is the change in %.")
def _():
    import numpy as np

    from ...journeys import behavioural_engagement
    from ...models import loyalty_model

    study = sample()
    engagement = behavioural_engagement(study.events).per_customer
    failed = study.events.loc[study.events["touchpoint"] == "service_failure", "customer_id"]
    customers = study.customers.merge(
        engagement[["customer_id", "active_periods", "engagement_per_period"]], on="customer_id")
    customers["service_failure"] = customers["customer_id"].isin(failed).astype(int)
    fit = loyalty_model(customers,
                        "referred ~ engagement_per_period + service_failure + C(segment)").fit
    return float(100 * (np.exp(fit.params["service_failure"]) - 1))


# two deterministic OLS fits; ±0.0005 accepts an R² difference rounded to 3 decimals
@exercise("drivers.2", tolerance=0.0005,
          hint="R² with needs, ease, enjoy and csr_perception minus R² without needs "
               "(wave 1; layer scores are item means).")
def _():
    from ...models import loyalty_model

    panel = sample().survey_panel()
    for layer in ("needs", "ease", "enjoy"):
        panel[layer] = panel[[f"{layer}_{k}" for k in (1, 2, 3)]].mean(axis=1)
    wave_1 = panel[panel["wave"] == 1]
    full = loyalty_model(wave_1, "loyalty ~ needs + ease + enjoy + csr_perception").fit.rsquared
    others = loyalty_model(wave_1, "loyalty ~ ease + enjoy + csr_perception").fit.rsquared
    return float(full - others)
