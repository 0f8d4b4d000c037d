"""Chapter 06, reliability and validity: alpha and HTMT by hand, AVE from a CFA."""

from .._registry import exercise, sample

CSR_ITEMS = ["csr_1", "csr_2", "csr_3", "csr_4"]


def _wave_1():
    survey = sample().survey
    return survey[survey["wave"] == 1].reset_index(drop=True)


# alpha is a ratio of variances computed exactly; ±0.001 accepts an answer rounded to 3 decimals
@exercise("reliability.1", tolerance=0.001,
          hint="Use the sample variances of the four items and of their sum (pandas .var()).")
def _():
    items = _wave_1()[CSR_ITEMS]
    k = items.shape[1]
    return float(k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var()))


# HTMT from item correlations, computed exactly; ±0.001 accepts an answer rounded to 3 decimals
@exercise("reliability.2", tolerance=0.001,
          hint="Between-construct mean correlation over the geometric mean of the two "
               "within-construct mean correlations (off-diagonal pairs only).")
def _():
    import numpy as np

    items = [f"cog_{k}" for k in (1, 2, 3)] + [f"emo_{k}" for k in (1, 2, 3)]
    corr = _wave_1()[items].corr().to_numpy()
    upper = np.triu_indices(3, 1)
    within = corr[:3, :3][upper].mean() * corr[3:, 3:][upper].mean()
    return float(corr[:3, 3:].mean() / np.sqrt(within))


@exercise("reliability.3", kind="bool",
          hint="Square the CFA's standardised loadings of beh_1..3 and average them; compare "
               "with 0.50.")
def _():
    from ...measurement import cfa

    constructs = {name: [f"{name}_{k}" for k in (1, 2, 3)]
                  for name in ("needs", "ease", "enjoy", "cog", "emo", "beh")}
    constructs["csr"] = CSR_ITEMS
    constructs["loy"] = ["loy_1", "loy_2", "loy_3"]
    loadings = cfa(_wave_1(), constructs).loadings
    return bool((loadings.loc[loadings["construct"] == "beh", "loading"] ** 2).mean() >= 0.50)
