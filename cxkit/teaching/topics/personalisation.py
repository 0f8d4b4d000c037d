"""Chapter 10, moderation and personalisation: whose satisfaction responds most; what a policy
personalised by segment gains over a uniform one."""

from .._registry import exercise, sample

SEGMENTS = ["budget", "mainstream", "premium", "conscious"]
DESIGN = dict(treatment="csr_in_force", confounders=["region", "wave"], cluster="customer_id")


def _effects_by_segment(outcome: str):
    import pandas as pd

    from ...models import moderation

    panel = sample().survey_panel()
    panel["segment"] = pd.Categorical(panel["segment"], categories=SEGMENTS)
    result = moderation(panel, moderator="segment", outcome=outcome, **DESIGN)
    return result.conditional_effects.set_index("segment")["estimate"]


@exercise("personalisation.1", kind="label",
          hint="Fit cxkit.moderation with outcome='csat' and compare the conditional effects.")
def _():
    return str(_effects_by_segment("csat").idxmax())


# deterministic arithmetic on the true segment effects; ±0.002 accepts rounding to 3 decimals
@exercise("personalisation.2", tolerance=0.002,
          hint="Fill 55% from the segment with the largest estimated effect down (the last one "
               "only in part); value both policies with the true effects.")
def _():
    import pandas as pd

    study = sample()
    shares = study.customers["segment"].value_counts(normalize=True).reindex(SEGMENTS)
    estimated = _effects_by_segment("loyalty")
    truth = pd.Series(study.truth["effect_csr_by_segment"]).reindex(SEGMENTS)
    reached, left = pd.Series(0.0, index=shares.index), 0.55
    for segment in estimated.sort_values(ascending=False).index:
        reached[segment] = min(shares[segment], left)
        left -= reached[segment]
    return float((reached * truth).sum() - (shares * 0.55 * truth).sum())
