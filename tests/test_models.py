"""cxkit.effect on hand-computed cases, and its refusals."""

import numpy as np
import pandas as pd
import pytest

import cxkit


def test_naive_effect_is_the_difference_in_means_with_hc1_standard_error():
    data = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0, 0], "y": [3.0, 5.0, 7.0, 1.0, 2.0, 2.0, 3.0]})
    result = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    assert result.estimate == pytest.approx(5.0 - 2.0)
    # HC0 for a binary regressor: SSR_1 / n_1^2 + SSR_0 / n_0^2; HC1 scales by n / (n - 2)
    hc0 = 8.0 / 3**2 + 2.0 / 4**2
    assert result.se == pytest.approx(np.sqrt(hc0 * 7 / 5))
    assert result.ci_low == pytest.approx(3.0 - 1.959964 * result.se, rel=1e-5)
    assert (result.method, result.n) == ("naive", 7)


def test_regression_adjustment_removes_an_observed_confounder():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    t = (x + rng.normal(size=400) > 0).astype(int)
    data = pd.DataFrame({"x": x, "t": t, "y": 2.0 * t + 3.0 * x})  # no noise: exact answer
    naive = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    adjusted = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"],
                            method="regression")
    assert naive.estimate > 3.0
    assert adjusted.estimate == pytest.approx(2.0)


def test_text_confounders_enter_as_categories():
    data = pd.DataFrame({"g": ["a", "a", "b", "b", "c", "c"], "t": [1, 0, 1, 0, 1, 0],
                         "y": [2.0, 1.0, 12.0, 11.0, 22.0, 21.0]})
    assert cxkit.effect(data, treatment="t", outcome="y", confounders=["g"],
                        method="regression").estimate == pytest.approx(1.0)


def test_did_is_the_two_by_two_difference_in_differences():
    cells = {("T", 1): [5.0, 7.0], ("T", 2): [10.0, 12.0], ("C", 1): [2.0, 4.0],
             ("C", 2): [4.0, 6.0]}
    rows = [{"g": g, "w": w, "y": y, "d": int(g == "T" and w == 2)}
            for (g, w), ys in cells.items() for y in ys]
    result = cxkit.effect(pd.DataFrame(rows), treatment="d", outcome="y", method="did",
                          group="g", time="w")
    assert result.estimate == pytest.approx((11 - 6) - (5 - 3))


def test_result_renders_as_frame_and_sentence():
    data = pd.DataFrame({"t": [True, False, True, False], "y": [1.0, 0.0, 2.0, 0.5]})
    result = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    frame = result.to_frame()
    assert list(frame.columns) == ["method", "treatment", "outcome", "estimate", "se", "ci_low",
                                   "ci_high", "n"]
    assert "effect of t on y = 1.250" in result.summary()


@pytest.mark.parametrize(("data", "kwargs", "says", "rows"), [
    (pd.DataFrame({"t": [0, 1, 2], "y": [1.0, 2.0, 3.0]}), {}, "not binary", [3]),
    (pd.DataFrame({"t": [0, 1, 1], "y": [1.0, np.nan, 3.0]}), {}, "missing values", [2]),
    (pd.DataFrame({"t": [1, 1], "y": [1.0, 2.0]}), {}, "does not vary", []),
    (pd.DataFrame({"t": [0, 1], "y": ["a", "b"]}), {}, "not numeric", []),
    (pd.DataFrame({"t": [0, 1], "y": [1.0, 2.0]}), {"confounders": ["age"]}, "not in the data",
     []),
])
def test_bad_input_is_refused_with_a_data_error(data, kwargs, says, rows):
    with pytest.raises(cxkit.DataError, match=says) as info:
        cxkit.effect(data, treatment="t", outcome="y", method="regression", **kwargs)
    assert info.value.rows == rows


def _staggered_panel():
    """Groups A (adopts in period 3), B (period 4), C (never); effects grow with time since
    adoption, so two-way fixed effects is biased. No noise: the answer is exact."""
    effect_of = {("A", 3): 1.0, ("A", 4): 2.0, ("A", 5): 3.0, ("B", 4): 1.0, ("B", 5): 2.0}
    level = {"A": 5.0, "B": 1.0, "C": -2.0}
    rows = [{"g": g, "w": w, "d": int((g, w) in effect_of),
             "y": level[g] + 0.5 * w + effect_of.get((g, w), 0.0)}
            for g in "ABC" for w in (1, 2, 3, 4, 5) for _ in range(3)]
    return pd.DataFrame(rows)


def test_did_with_staggered_adoption_recovers_the_average_effect_on_the_treated():
    panel = _staggered_panel()
    did = cxkit.effect(panel, treatment="d", outcome="y", method="did", group="g", time="w",
                       cluster="g")
    assert did.estimate == pytest.approx((1 + 2 + 3 + 1 + 2) / 5)
    twfe = cxkit.effect(panel, treatment="d", outcome="y", method="regression",
                        confounders=["g", "w"])  # plain two-way fixed effects, for contrast
    assert abs(twfe.estimate - 1.8) > 0.2


def test_event_study_did2s_recovers_dynamic_effects_and_flat_leads():
    panel = _staggered_panel().assign(cohort=lambda d: d["g"].map({"A": 3, "B": 4}))
    panel["unit"] = panel["g"] + panel.groupby(["g", "w"]).cumcount().astype(str)
    # a unit treated in every period of the panel cannot be compared with its own past
    always = pd.DataFrame({"g": "D", "w": [1, 2, 3, 4, 5], "d": 1, "y": 9.0, "cohort": 1,
                           "unit": "D0"})
    study = cxkit.event_study(pd.concat([panel, always]), outcome="y", unit="unit", time="w",
                              cohort="cohort")
    coefs = study.coefficients.set_index("event_time")["estimate"]
    assert coefs[0] == pytest.approx(1.0) and coefs[1] == pytest.approx(2.0)
    assert coefs[2] == pytest.approx(3.0) and coefs[-2] == pytest.approx(0.0, abs=1e-9)
    assert study.units_set_aside == 1


def test_did_refuses_a_policy_that_switches_off():
    panel = _staggered_panel()
    panel.loc[(panel["g"] == "A") & (panel["w"] == 5), "d"] = 0
    with pytest.raises(cxkit.DataError, match="switches off"):
        cxkit.effect(panel, treatment="d", outcome="y", method="did", group="g", time="w")


def test_unknown_method_and_incomplete_did_are_refused():
    data = pd.DataFrame({"t": [0, 1], "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match="method must be one of"):
        cxkit.effect(data, treatment="t", outcome="y", method="magic")
    with pytest.raises(ValueError, match="group="):
        cxkit.effect(data, treatment="t", outcome="y", method="did")


def test_treatment_collinear_with_a_confounder_is_not_identified():
    data = pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"], "t": [1, 1, 0, 0, 0, 0],
                         "y": [1.0, 2.0, 0.0, 1.0, 0.5, 0.2]})
    with pytest.raises(cxkit.DataError, match="not identified"):
        cxkit.effect(data, treatment="t", outcome="y", confounders=["region"],
                     method="regression")


def test_aipw_warns_when_treated_and_untreated_barely_overlap():
    rng = np.random.default_rng(3)
    x = rng.normal(size=400)
    t = (x > 0).astype(int)  # treatment decided by x: no overlap at all
    data = pd.DataFrame({"x": x, "t": t, "y": t + x + rng.normal(size=400)})
    with pytest.warns(UserWarning, match="positivity"):
        result = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"], seed=1)
    assert result.diagnostics["propensity_trimmed"] > 20


def test_aipw_recovers_a_confounded_effect_and_clusters_standard_errors():
    rng = np.random.default_rng(4)
    n = 3000
    x = rng.normal(size=n)
    t = (0.8 * x + rng.normal(size=n) > 0).astype(int)
    data = pd.DataFrame({"x": x, "t": t, "y": 1.5 * t + 2 * x + rng.normal(size=n),
                         "pair": np.arange(n) // 2})
    result = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"], seed=0)
    assert abs(result.estimate - 1.5) < 3 * result.se
    doubled = pd.concat([data, data], ignore_index=True).assign(
        unit=np.tile(np.arange(n), 2))
    clustered = cxkit.effect(doubled, treatment="t", outcome="y", confounders=["x"], seed=0,
                             cluster="unit")
    # every row twice: clustering by unit gives back (about) the single-copy standard error
    assert clustered.se == pytest.approx(result.se, rel=0.1)


def test_dr_learner_recovers_effects_that_differ_by_group():
    rng = np.random.default_rng(6)
    n = 6000
    group = rng.choice(["low", "mid", "high"], n)
    x = rng.normal(size=n)
    t = (0.7 * x + rng.normal(size=n) > 0).astype(int)  # confounded by x
    true = {"low": 0.0, "mid": 1.0, "high": 3.0}
    y = np.vectorize(true.get)(group) * t + 2 * x + rng.normal(size=n)
    data = pd.DataFrame({"group": group, "x": x, "t": t, "y": y})
    from sklearn.ensemble import RandomForestRegressor

    table = cxkit.cate(data, "group", treatment="t", outcome="y", confounders=["x"], seed=0,
                       outcome_model=RandomForestRegressor(n_estimators=100, min_samples_leaf=20,
                                                           random_state=0))
    for row in table.itertuples():
        assert abs(row.estimate - true[row.group]) < 3 * row.se, row
