"""Exercises of chapter 02 (touchpoints and moments of truth)."""

from .._registry import exercise, sample


def _outcomes():
    return sample().survey[["customer_id", "survey_date", "csat", "wave"]]


@exercise("touchpoints.1", kind="label",
          hint="Per channel, 1 minus the mean of controllable; the channel where it is largest.")
def _():
    events = sample().events
    return str((1 - events.groupby("channel")["controllable"].mean()).idxmax())


# a regression coefficient in csat points; an answer rounded to two decimals (±0.005) is accepted
@exercise("touchpoints.2", tolerance=0.005,
          hint="window='90D', controls=['wave'], outcome='csat'; read the service_failure row's "
               "estimate.")
def _():
    from ...models import moments_of_truth

    mot = moments_of_truth(sample().events, _outcomes(), outcome="csat", window="90D",
                           controls=["wave"])
    return float(mot.set_index("touchpoint").loc["service_failure", "estimate"])


@exercise("touchpoints.3", kind="set",
          hint="Same call as exercise 2 (adjust='holm' is the default); keep the rows whose "
               "significant column is True.")
def _():
    from ...models import moments_of_truth

    mot = moments_of_truth(sample().events, _outcomes(), outcome="csat", window="90D",
                           controls=["wave"])
    return sorted(mot.loc[mot["significant"], "touchpoint"])
