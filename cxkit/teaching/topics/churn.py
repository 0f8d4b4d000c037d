"""Exercises of the chapter on churn and retention (16_churn_and_retention)."""

from .._registry import exercise, sample

_MONTH_DAYS = 30.4375


def _people():
    """One row per customer as in the chapter's section 1: months followed and failure group."""
    import numpy as np
    import pandas as pd

    customers, events = sample().customers, sample().events
    failed = events.loc[events["touchpoint"] == "service_failure", "customer_id"].unique()
    resolved = events.loc[events["touchpoint"] == "complaint_resolved", "customer_id"].unique()
    origin = customers["signup_date"].clip(lower=pd.Timestamp("2024-01-01"))
    stop = customers["churn_date"].fillna(pd.Timestamp("2025-12-31")) + pd.Timedelta(days=1)
    return customers.assign(
        months=(stop - origin).dt.days / _MONTH_DAYS,
        service_failure=np.select([customers["customer_id"].isin(resolved),
                                   customers["customer_id"].isin(failed)],
                                  ["resolved", "not resolved"], default="none"))


# a difference of mean follow-ups of about 5 months: an answer rounded to one decimal (±0.05)
# is accepted, with a little room
@exercise("churn.1", tolerance=0.06,
          hint="Group `people` by service_failure and average `months`; subtract none from "
               "resolved.")
def _():
    followed = _people().groupby("service_failure")["months"].mean()
    return float(followed["resolved"] - followed["none"])


# a hazard ratio near 1: an answer rounded to two decimals (±0.005) is accepted
@exercise("churn.2", tolerance=0.006,
          hint="One row per customer: cxkit.cox(people, duration='months', event='churned', "
               "covariates=['email_arm']); read hazard_ratio.")
def _():
    from ...models import cox

    fit = cox(_people(), duration="months", event="churned", covariates=["email_arm"])
    return float(fit.hazard_ratios["hazard_ratio"].iloc[0])


# a hazard ratio of about 0.46: an answer rounded to two decimals (±0.005) is accepted
@exercise("churn.3", tolerance=0.006,
          hint="One row per customer: cxkit.cox(people, duration='months', event='churned', "
               "covariates=['service_failure']); read the hazard_ratio of "
               "'service_failure[resolved]' (the reference group is 'none').")
def _():
    from ...models import cox

    fit = cox(_people(), duration="months", event="churned", covariates=["service_failure"])
    return float(fit.hazard_ratios.set_index("covariate")
                 .loc["service_failure[resolved]", "hazard_ratio"])
