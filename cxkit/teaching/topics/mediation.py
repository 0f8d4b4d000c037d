"""Chapter 09, mediation: the decomposition's share through perceived CSR; d21 corrected for a
noisy mediator."""

from .._registry import exercise, sample


def _mediated():
    # point estimates only: they do not depend on the bootstrap the chapter draws for intervals
    from ...models import mediation

    return mediation(sample().survey_panel(), treatment="csr_in_force",
                     mediators=["csr_perception", "csat"], outcome="loyalty",
                     confounders=["region", "wave"], cluster="customer_id",
                     bootstrap=0).effects.set_index("symbol")["estimate"]


# a ratio of deterministic OLS products; ±0.01 accepts a share rounded to two decimals (68%)
@exercise("mediation.1", tolerance=0.01,
          hint="Divide the indirect effect a1·b1 by the total effect c (a fraction, not percent).")
def _():
    e = _mediated()
    return float(e["a1·b1"] / e["c"])


# deterministic; ±0.005 accepts an answer rounded to two decimals of d21 and alpha
@exercise("mediation.2", tolerance=0.005,
          hint="d21 from mediated.effects divided by the alpha of csr_1..csr_4 in wave 1.")
def _():
    from ...measurement import reliability

    panel = sample().survey_panel()
    alpha = reliability(panel[panel["wave"] == 1],
                        {"csr_perception": [f"csr_{k}" for k in range(1, 5)],
                         "loyalty": ["loy_1", "loy_2", "loy_3"]}
                        ).set_index("construct").loc["csr_perception", "alpha"]
    return float(_mediated()["d21"] / alpha)
