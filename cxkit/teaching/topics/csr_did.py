"""Exercises of chapter 12, difference in differences (topic ``csr-did``)."""

from .._registry import exercise, sample

_OPTIONS = dict(treatment="csr_in_force", outcome="loyalty")


def _launched(panel):
    return panel.loc[panel["csr_in_force"] == 1, "region"].unique().tolist()


def _did():
    from ...models import effect

    return effect(sample().survey_panel(), method="did", group="region", time="wave",
                  cluster="customer_id", **_OPTIONS)


# a difference of four means of a 1–7 scale: ±0.005 accepts the value rounded to two decimals
# and still tells it from the regression's estimate (0.006 away in the bundled sample), which
# is not what the exercise asks for
@exercise("csr-did.1", tolerance=0.005,
          hint="Mean loyalty of launched regions and of the others, per wave: change minus change.")
def _():
    panel = sample().survey_panel()
    means = panel.groupby([panel["region"].isin(_launched(panel)), "wave"])["loyalty"].mean()
    return float((means[True, 2] - means[True, 1]) - (means[False, 2] - means[False, 1]))


# the E-value is a ratio near 2; ±0.01 accepts rounding to two decimals
@exercise("csr-did.2", tolerance=0.01,
          hint="Divide the estimate by outcome_sd, then RR = exp(0.91 d), E = RR + sqrt(RR(RR-1)).")
def _():
    import math

    did = _did()
    rr = math.exp(0.91 * did.estimate / did.diagnostics["outcome_sd"])
    return rr + math.sqrt(rr * (rr - 1))


# the simulation is seeded, so the value is exact; ±0.01 accepts rounding to two decimals
@exercise("csr-did.3", tolerance=0.01,
          hint="Keep the launched regions of the simulated panel and compare wave 2 with wave 1 "
               "(method='naive').")
def _():
    from ...models import effect
    from ...study.simulate import simulate_study

    steep = simulate_study(3000, seed=8, loyalty_trend=-0.6).survey_panel()
    rows = steep[steep["region"].isin(_launched(sample().survey_panel()))]
    return effect(rows, method="naive", **_OPTIONS).estimate
