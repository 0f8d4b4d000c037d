"""Exercises of the corporate-reputation chapter (Hair et al.'s CSR → loyalty model on the
published survey, ``cxkit.datasets.load_corp_rep``)."""

from functools import lru_cache

from .._registry import exercise


@lru_cache(maxsize=1)
def _model():
    from ...measurement import formative, pls_sem
    from ...study.published import load_corp_rep

    measurement = {
        "QUAL": formative([f"qual_{k}" for k in range(1, 9)]),
        "PERF": formative([f"perf_{k}" for k in range(1, 6)]),
        "CSOR": formative([f"csor_{k}" for k in range(1, 6)]),
        "ATTR": formative(["attr_1", "attr_2", "attr_3"]),
        "COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"],
        "CUSA": "cusa", "CUSL": ["cusl_1", "cusl_2", "cusl_3"]}
    structural = ([(d, s) for d in ("QUAL", "PERF", "CSOR", "ATTR") for s in ("COMP", "LIKE")]
                  + [("COMP", "CUSA"), ("LIKE", "CUSA"), ("COMP", "CUSL"), ("LIKE", "CUSL"),
                     ("CUSA", "CUSL")])
    # point estimates do not depend on the bootstrap: none is run here
    return pls_sem(load_corp_rep(), measurement, structural, missing="mean")


# asked to three decimals: half a unit of the third decimal for rounding, plus the same again
# for a student who truncates instead of rounding
@exercise("corp-rep.1", tolerance=0.001,
          hint="Look in the model's effects table for the row from CSOR to CUSL; CSR has no "
               "direct path, so the total is the indirect effect.")
def _():
    effects = _model().effects
    row = effects[(effects["source"] == "CSOR") & (effects["target"] == "CUSL")]
    return round(float(row["total"].iloc[0]), 3)


@exercise("corp-rep.2", kind="label",
          hint="Use the IPMA's item table (ipma(...).items) and the rows of construct CSOR.")
def _():
    from ...measurement import ipma

    items = ipma(_model(), "CUSL", scale=(1, 7)).items
    csr = items[items["construct"] == "CSOR"]
    return str(csr.sort_values("performance")["item"].iloc[0])


# three decimals, as corp-rep.1
@exercise("corp-rep.3", tolerance=0.001,
          hint="A model of two constructs: ATTR formative on its three items, and the single "
               "item attr_global; the path between them.")
def _():
    from ...measurement import formative, pls_sem
    from ...study.published import load_corp_rep

    attr = pls_sem(load_corp_rep(), {"ATTR": formative(["attr_1", "attr_2", "attr_3"]),
                                     "ATTR_global": "attr_global"}, [("ATTR", "ATTR_global")])
    return round(float(attr.paths["estimate"].iloc[0]), 3)
