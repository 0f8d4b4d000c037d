"""cxkit.effect on hand-computed cases, and its refusals."""

import warnings

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
    (pd.DataFrame({"t": [0, 1, 2], "y": [1.0, 2.0, 3.0]}), {}, "not true/false", [3]),
    (pd.DataFrame({"t": [0, 1, 1], "y": [1.0, np.nan, 3.0]}), {}, "missing values", [2]),
    (pd.DataFrame({"t": [1, 1], "y": [1.0, 2.0]}), {}, "does not vary", []),
    (pd.DataFrame({"t": [0, 1], "y": ["a", "b"]}), {}, "not a number", [1, 2]),
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
    with pytest.warns(UserWarning, match="1 unit.*never untreated.*5 of 20 treated rows"):
        study = cxkit.event_study(pd.concat([panel, always]), outcome="y", unit="unit",
                                  time="w", cohort="cohort")
    coefs = study.coefficients.set_index("event_time")["estimate"]
    assert coefs[0] == pytest.approx(1.0) and coefs[1] == pytest.approx(2.0)
    assert coefs[2] == pytest.approx(3.0) and coefs[-2] == pytest.approx(0.0, abs=1e-9)
    assert study.units_set_aside == 1 and "1 unit(s) never untreated" in study.summary()


def test_staggered_did_keeps_a_unit_with_a_single_untreated_row():
    """Group E adopts in period 2: one untreated row fixes its level (the imputation
    estimator's first stage identifies it), so its treated rows count (no noise: exact)."""
    panel = _staggered_panel()
    extra = pd.DataFrame([{"g": "E", "w": w, "d": int(w >= 2), "y": 7.0 + 0.5 * w + (w >= 2)}
                          for w in (1, 2, 3, 4, 5)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        did = cxkit.effect(pd.concat([panel, extra]), treatment="d", outcome="y",
                           method="did", group="g", time="w", cluster="g")
    # A, B as before (3 rows each) and E's four treated rows, each with effect 1
    assert did.estimate == pytest.approx((3 * (1 + 2 + 3 + 1 + 2) + 4 * 1) / (3 * 5 + 4))
    assert did.diagnostics["units_set_aside"] == 0 and did.n == 3 * 15 + 5


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

    # three splits rather than twenty: every split fits ten forests
    table = cxkit.cate(data, by="group", treatment="t", outcome="y", confounders=["x"], seed=0,
                       repetitions=3,
                       outcome_model=RandomForestRegressor(n_estimators=100, min_samples_leaf=20,
                                                           random_state=0))
    for row in table.itertuples():
        assert abs(row.estimate - true[row.group]) < 3 * row.se, row


# ------------------------------------------------------------ AIPW over repeated splits
@pytest.fixture(scope="module")
def email_study():
    """The simulator's randomised e-mail campaign: engagement events per customer and the
    customers' observed traits (as in cxkit.study.validation)."""
    from cxkit.study.validation import _engagement_table

    study = cxkit.simulate_study(2000, seed=3)
    return _engagement_table(study), study.truth["effect_email_on_engagement"]


EMAIL_CONFOUNDERS = ["segment", "age_band", "region", "preferred_channel", "tenure_years"]


def test_aipw_hardly_depends_on_the_seed_and_recovers_the_email_effect(email_study):
    from sklearn.exceptions import ConvergenceWarning

    table, truth = email_study
    options = dict(treatment="email_arm", outcome="engagement", confounders=EMAIL_CONFOUNDERS,
                   method="aipw")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        repeated = [cxkit.effect(table, seed=s, **options) for s in range(10)]
        single = [cxkit.effect(table, seed=s, repetitions=1, **options) for s in range(10)]
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    estimates = np.array([r.estimate for r in repeated])
    se = np.mean([r.se for r in repeated])
    single_spread = np.std([r.estimate for r in single], ddof=1)
    # ten seeds move the median over 20 splits by well under a tenth of a standard error
    # (0.04 SE here), and by less than they move a single split (0.18 vs 0.27 here: a
    # standard deviation from ten seeds is itself uncertain by about a quarter, so only the
    # order is asserted)
    assert np.std(estimates, ddof=1) < 0.1 * se
    assert np.std(estimates, ddof=1) < single_spread
    # the e-mail arm was randomised: the estimate is within its sampling error of the truth
    assert abs(repeated[0].estimate - truth) < 2.576 * repeated[0].se
    assert repeated[0].diagnostics["repetitions"] == 20
    assert "median over 20 cross-fitting splits" in repeated[0].summary()


def test_aipw_is_the_median_over_splits_with_the_split_adjusted_variance(email_study):
    from cxkit.models import _causal

    table, _ = email_study
    result = cxkit.effect(table, treatment="email_arm", outcome="engagement",
                          confounders=EMAIL_CONFOUNDERS, seed=5, repetitions=3)
    frame = table.reset_index(drop=True)
    x = _causal.design(frame, EMAIL_CONFOUNDERS)
    t, y = frame["email_arm"].to_numpy(int), frame["engagement"].to_numpy(float)
    psi, _ = _causal.repeated_scores(x, t, y, folds=5, repetitions=3, seed=5, trim=0.01)
    theta = psi.mean(axis=1)
    sigma2 = psi.var(axis=1, ddof=1) / len(t)
    middle = np.sort(theta)[1]
    # Chernozhukov et al. (2018), the median version: median of sigma2_s + (theta_s - median)^2
    assert result.estimate == pytest.approx(middle)
    assert result.se ** 2 == pytest.approx(np.sort(sigma2 + (theta - middle) ** 2)[1])
    assert (result.diagnostics["split_estimate_min"],
            result.diagnostics["split_estimate_max"]) == pytest.approx((theta.min(), theta.max()))


def test_default_propensity_model_is_the_unpenalised_logit_whatever_the_units():
    import statsmodels.api as sm

    rng = np.random.default_rng(11)
    n = 800
    data = pd.DataFrame({"x": rng.normal(50_000, 10_000, n), "g": rng.choice(["a", "b", "c"], n)})
    linear = -5 + 1e-4 * data["x"] + 0.8 * (data["g"] == "b")
    data["t"] = (rng.random(n) < 1 / (1 + np.exp(-linear))).astype(int)
    data["y"] = 2 * data["t"] + 5e-5 * data["x"] + rng.normal(size=n)
    result = cxkit.effect(data, treatment="t", outcome="y", confounders=["x", "g"], method="ipw")
    # the same weighting with statsmodels' maximum-likelihood Logit (no penalty)
    design = sm.add_constant(pd.get_dummies(data[["x", "g"]], drop_first=True, dtype=float))
    e = sm.Logit(data["t"], design).fit(disp=0).predict(design)
    weights = data["t"] / e + (1 - data["t"]) / (1 - e)
    fit = sm.WLS(data["y"], sm.add_constant(data["t"].astype(float)), weights=weights).fit(
        cov_type="HC1")
    assert result.estimate == pytest.approx(fit.params.iloc[1], rel=1e-6)
    assert result.se == pytest.approx(fit.bse.iloc[1], rel=1e-6)


def test_learners_stay_pluggable_and_repetitions_are_checked():
    from sklearn.linear_model import LinearRegression, LogisticRegression

    data = _confounded(n=600, seed=2)
    result = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"], seed=0,
                          repetitions=2, propensity_model=LogisticRegression(C=0.01),
                          outcome_model=LinearRegression())
    assert result.diagnostics["repetitions"] == 2 and np.isfinite(result.se)
    with pytest.raises(ValueError, match="repetitions"):
        cxkit.effect(data, treatment="t", outcome="y", confounders=["x"], repetitions=0)
    with pytest.raises(ValueError, match="repetitions"):
        cxkit.cate(data.assign(g="a"), by="g", treatment="t", outcome="y", repetitions=0)


def test_dr_learner_is_the_median_over_splits_within_each_group():
    from cxkit.models import _causal

    data = _confounded(n=600, seed=4).assign(g=lambda d: np.where(d["x"] > 0.3, "hi", "lo"))
    table = cxkit.cate(data, by="g", treatment="t", outcome="y", confounders=["x"], seed=1,
                       repetitions=5).set_index("g")
    x = _causal.design(data, ["x", "g"])
    psi, _ = _causal.repeated_scores(x, data["t"].to_numpy(), data["y"].to_numpy(), folds=5,
                                     repetitions=5, seed=1, trim=0.01)
    for group in ("hi", "lo"):
        part = psi[:, (data["g"] == group).to_numpy()]
        theta = part.mean(axis=1)
        variance = np.median(part.var(axis=1, ddof=1) / part.shape[1]
                             + (theta - np.median(theta)) ** 2)
        assert table.loc[group, "estimate"] == pytest.approx(np.median(theta))
        assert table.loc[group, "se"] == pytest.approx(np.sqrt(variance))
        assert table.loc[group, "n"] == part.shape[1]


# ------------------------------------------------------------------ results on the shared base
def _confounded(n=400, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    t = (x + rng.normal(size=n) > 0).astype(int)
    return pd.DataFrame({"x": x, "t": t, "y": t + x + rng.normal(size=n)})


@pytest.mark.parametrize("method", ["naive", "regression", "ipw", "aipw"])
def test_effect_conf_int_gives_the_interval_at_the_fitted_and_at_another_level(method):
    result = cxkit.effect(_confounded(), treatment="t", outcome="y", confounders=["x"],
                          method=method, seed=0)
    assert isinstance(result, cxkit.EffectResult)
    fitted = result.conf_int()
    assert fitted.index.tolist() == ["t"] and fitted.columns.tolist() == ["lower", "upper"]
    assert tuple(fitted.loc["t"]) == pytest.approx((result.ci_low, result.ci_high))
    narrower = result.conf_int(conf_level=0.80).loc["t"]
    if result.fit is not None:  # statsmodels' own interval at the other level
        expected = tuple(np.asarray(result.fit.conf_int(alpha=0.20))[1])
    else:
        expected = (result.estimate - 1.281552 * result.se, result.estimate + 1.281552 * result.se)
    assert tuple(narrower) == pytest.approx(expected, rel=1e-5)
    assert result.ci_low < narrower["lower"] < narrower["upper"] < result.ci_high
    again = cxkit.effect(_confounded(), treatment="t", outcome="y", confounders=["x"],
                         method=method, seed=0, conf_level=0.80)
    assert (again.ci_low, again.ci_high) == pytest.approx(tuple(narrower), rel=1e-5)


def test_effect_result_renders_for_notebooks_and_has_no_figure():
    result = cxkit.effect(_confounded(), treatment="t", outcome="y", method="naive")
    assert "effect of t on y" in result._repr_html_()
    with pytest.raises(NotImplementedError, match="no figure"):
        result.plot()


def test_event_study_conf_int_is_normal_and_zero_at_the_reference():
    panel = _staggered_panel().assign(cohort=lambda d: d["g"].map({"A": 3, "B": 4}))
    panel["unit"] = panel["g"] + panel.groupby(["g", "w"]).cumcount().astype(str)
    panel["y"] += np.random.default_rng(0).normal(scale=0.1, size=len(panel))
    study = cxkit.event_study(panel, outcome="y", unit="unit", time="w", cohort="cohort")
    assert isinstance(study, cxkit.EventStudyResult) and study.conf_level == 0.95
    table = study.conf_int()
    coefs = study.coefficients.set_index("event_time")
    assert table["lower"].to_numpy() == pytest.approx(coefs["ci_low"].to_numpy())
    assert table.loc[-1].tolist() == [0.0, 0.0]
    wider = study.conf_int(conf_level=0.99)
    assert (wider.loc[0, "lower"] < table.loc[0, "lower"]) and (
        wider.loc[0, "upper"] > table.loc[0, "upper"])
    assert "event study of y" in study.summary()
    ax = study.plot(truth={0: 1.0, 1: 2.0, 2: 3.0})
    assert ax.get_xlabel() == "periods since adoption"


def test_plot_effects_draws_a_forest_and_refuses_a_table_without_intervals():
    table = cxkit.compare_effects(_confounded(), treatment="t", outcome="y", confounders=["x"],
                                  methods=("naive", "regression"), truth=1.0)
    ax = cxkit.plot_effects(table)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["naive", "regression"]
    assert cxkit.plots.plot_effects is cxkit.plot_effects is cxkit.models.plot_effects
    with pytest.raises(cxkit.DataError, match="not in the data"):
        cxkit.plot_effects(table.drop(columns="ci_low"))


# ----------------------------------------------------------------- deprecated spellings
def test_level_keyword_still_works_with_a_future_warning():
    data = _confounded()
    with pytest.warns(FutureWarning, match=r"effect\(\): level= is now conf_level="):
        old = cxkit.effect(data, treatment="t", outcome="y", method="naive", level=0.9)
    new = cxkit.effect(data, treatment="t", outcome="y", method="naive", conf_level=0.9)
    assert (old.conf_level, old.ci_low) == (0.9, new.ci_low)
    with pytest.warns(FutureWarning, match="EffectResult.level is now"):
        assert old.level == 0.9
    with pytest.raises(TypeError, match="both level= and conf_level="):
        cxkit.effect(data, treatment="t", outcome="y", level=0.9, conf_level=0.9)
    with pytest.warns(FutureWarning, match=r"compare_effects\(\): level="):
        table = cxkit.compare_effects(data, treatment="t", outcome="y", methods=("naive",),
                                      level=0.9)
    assert table["ci_low"].iloc[0] == new.ci_low
    with pytest.warns(FutureWarning, match=r"cate\(\): level="):
        dr = cxkit.cate(data.assign(g=["a", "b"] * 200), by="g", treatment="t", outcome="y",
                        confounders=["x"], seed=0, level=0.9)
    assert dr["estimate"].notna().all()


def test_level_keyword_of_event_study_still_works_and_the_attribute_warns():
    panel = _staggered_panel().assign(cohort=lambda d: d["g"].map({"A": 3, "B": 4}))
    panel["unit"] = panel["g"] + panel.groupby(["g", "w"]).cumcount().astype(str)
    with pytest.warns(FutureWarning, match=r"event_study\(\): level= is now conf_level="):
        study = cxkit.event_study(panel, outcome="y", unit="unit", time="w", cohort="cohort",
                                  level=0.9)
    assert study.conf_level == 0.9
    with pytest.warns(FutureWarning, match="EventStudyResult.level is now"):
        assert study.level == 0.9


def test_a_positional_by_still_works_with_a_future_warning():
    data = _confounded().assign(g=["a", "b"] * 200)
    new = cxkit.effects_by(data, by="g", treatment="t", outcome="y", method="naive")
    with pytest.warns(FutureWarning, match=r"effects_by\(\): pass by as a keyword"):
        old = cxkit.effects_by(data, "g", treatment="t", outcome="y", method="naive")
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(FutureWarning, match=r"cate\(\): pass by as a keyword"):
        dr = cxkit.cate(data, "g", treatment="t", outcome="y", confounders=["x"], seed=0)
    pd.testing.assert_frame_equal(dr, cxkit.cate(data, by="g", treatment="t", outcome="y",
                                                 confounders=["x"], seed=0))
    with pytest.raises(TypeError, match="by both"):
        cxkit.effects_by(data, "g", by="g", treatment="t", outcome="y")
    import inspect

    assert inspect.signature(cxkit.effects_by).parameters["by"].kind.name == "KEYWORD_ONLY"


# ------------------------------------------------------------------ checks added to _check
def test_numbers_or_flags_reads_true_false_as_shares_and_refuses_text():
    from cxkit import _check

    data = pd.DataFrame({"churned": [True, False, True], "spend": [1, 2, 3],
                         "label": ["a", 1.0, "b"]})
    assert _check.numbers_or_flags(data, "churned").tolist() == [1.0, 0.0, 1.0]
    assert _check.numbers_or_flags(data, "spend").dtype == "float64"
    with pytest.raises(cxkit.DataError, match="not a number") as info:
        _check.numbers_or_flags(data, "label")
    assert info.value.rows == [1, 3] and "true/false" in str(info.value)


def test_a_true_false_outcome_is_a_change_in_share():
    data = pd.DataFrame({"t": [1, 1, 0, 0], "churned": [True, False, False, False]})
    result = cxkit.effect(data, treatment="t", outcome="churned", method="naive")
    assert result.estimate == pytest.approx(0.5)


def test_event_study_refuses_cohorts_that_are_not_numbers_when_periods_are():
    panel = pd.DataFrame({"u": [1, 1], "w": [1, 2], "c": ["a", "a"], "y": [0.0, 1.0]})
    with pytest.raises(cxkit.DataError, match="not a number") as info:
        cxkit.event_study(panel, outcome="y", unit="u", time="w", cohort="c")
    assert info.value.column == "c" and "integer periods" in str(info.value)


# ------------------------------------------------------------------ periods: order, not text
QUARTERS = ["Q42010", "Q12011", "Q22011", "Q32011", "Q42011"]  # as text, Q42010 sorts 4th


def _quarterly(panel, kind):
    """The staggered panel's periods 1..5 as quarter labels of one ``kind``."""
    label = panel["w"].map(dict(enumerate(QUARTERS, start=1)))
    if kind == "text":
        return label
    if kind == "ordered":
        return pd.Categorical(label, categories=QUARTERS, ordered=True)
    if kind == "unordered":
        return pd.Categorical(label, categories=QUARTERS)
    start = pd.Timestamp("2010-10-01")
    dates = panel["w"].map(lambda w: start + pd.DateOffset(months=3 * (w - 1)))
    return dates if kind == "date" else dates.dt.to_period("Q")


@pytest.mark.parametrize("kind", ["text", "unordered"])
def test_did_refuses_text_period_labels_and_says_how_to_order_them(kind):
    panel = _staggered_panel().assign(quarter=lambda d: _quarterly(d, kind))
    with pytest.raises(cxkit.DataError) as info:
        cxkit.effect(panel, treatment="d", outcome="y", method="did", group="g",
                     time="quarter")
    message = str(info.value)
    assert info.value.column == "quarter" and "switches off" not in message
    assert "pandas.to_datetime" in message and "ordered=True" in message
    if kind == "text":  # the text order it would have used, Q42010 after the 2011 quarters
        assert "'Q12011', 'Q22011', 'Q32011', ..." in message


@pytest.mark.parametrize("kind", ["ordered", "date", "period"])
def test_did_takes_dates_and_ordered_categoricals_in_time_order(kind):
    panel = _staggered_panel().assign(quarter=lambda d: _quarterly(d, kind))
    did = cxkit.effect(panel, treatment="d", outcome="y", method="did", group="g",
                       time="quarter", cluster="g")
    assert did.estimate == pytest.approx((1 + 2 + 3 + 1 + 2) / 5)  # as with numbered periods
    two_by_two = panel[panel["w"].isin([2, 3]) & panel["g"].isin(["A", "C"])]
    classic = cxkit.effect(two_by_two, treatment="d", outcome="y", method="did", group="g",
                           time="quarter")
    assert classic.estimate == pytest.approx(1.0)


def test_an_ordered_categorical_is_used_in_its_category_order_not_the_texts():
    panel = _staggered_panel()
    # the same labels, the categories listed in reverse time order: the policy now appears
    # to switch off, which the kit refuses (it does not re-sort the categories)
    backwards = pd.Categorical(_quarterly(panel, "text"), categories=QUARTERS[::-1],
                               ordered=True)
    with pytest.raises(cxkit.DataError, match="switches off"):
        cxkit.effect(panel.assign(quarter=backwards), treatment="d", outcome="y",
                     method="did", group="g", time="quarter")


def _event_panel():
    panel = _staggered_panel().assign(cohort=lambda d: d["g"].map({"A": 3, "B": 4}))
    panel["unit"] = panel["g"] + panel.groupby(["g", "w"]).cumcount().astype(str)
    panel["y"] += np.random.default_rng(2).normal(scale=0.1, size=len(panel))
    return panel


@pytest.mark.parametrize("kind", ["ordered", "date", "period"])
def test_event_study_takes_dates_and_ordered_categoricals(kind):
    panel = _event_panel()
    numbered = cxkit.event_study(panel, outcome="y", unit="unit", time="w", cohort="cohort",
                                 seed=0)  # few clusters: a seeded bootstrap
    labelled = panel.assign(w=_quarterly(panel, kind))
    # the cohort in the periods' own terms; never-treated units have none
    cohorts = _quarterly(panel.assign(w=panel["cohort"].fillna(1).astype(int)), kind)
    labelled["cohort"] = pd.Series(cohorts).where(panel["cohort"].notna())
    result = cxkit.event_study(labelled, outcome="y", unit="unit", time="w", cohort="cohort",
                               seed=0)
    pd.testing.assert_frame_equal(result.coefficients, numbered.coefficients)


def test_event_study_dates_count_the_panels_periods_from_the_first_on_or_after_adoption():
    panel = _event_panel()
    numbered = cxkit.event_study(panel, outcome="y", unit="unit", time="w", cohort="cohort",
                                 seed=0)  # few clusters: a seeded bootstrap
    dated = panel.assign(w=_quarterly(panel, "date"))
    # adoption in the middle of a quarter: treated from the next quarter's date on
    dated["cohort"] = panel["cohort"].map({3: pd.Timestamp("2011-02-15"),
                                           4: pd.Timestamp("2011-05-20")})
    result = cxkit.event_study(dated, outcome="y", unit="unit", time="w", cohort="cohort",
                               seed=0)
    pd.testing.assert_frame_equal(result.coefficients, numbered.coefficients)


def test_event_study_refuses_text_periods_and_cohorts_of_another_kind():
    panel = _event_panel()
    with pytest.raises(cxkit.DataError, match="text labels") as info:
        cxkit.event_study(panel.assign(w=_quarterly(panel, "text")), outcome="y", unit="unit",
                          time="w", cohort="cohort")
    assert info.value.column == "w" and "ordered=True" in str(info.value)
    with pytest.raises(cxkit.DataError, match="not the same kind of date") as info:
        cxkit.event_study(panel.assign(w=_quarterly(panel, "date")), outcome="y", unit="unit",
                          time="w", cohort="cohort")  # cohorts still numbered
    assert info.value.column == "cohort"
    ordered = panel.assign(w=_quarterly(panel, "ordered"),
                           cohort=panel["cohort"].map({3: "Q22011", 4: "Q12012"}))
    with pytest.raises(cxkit.DataError, match="not one of the categories") as info:
        cxkit.event_study(ordered, outcome="y", unit="unit", time="w", cohort="cohort")
    assert info.value.column == "cohort" and "Q12012" in str(info.value)


def test_staggered_did_conf_int_at_another_level_is_normal_from_its_standard_error():
    panel = _staggered_panel()
    panel["y"] += np.random.default_rng(1).normal(scale=0.1, size=len(panel))
    did = cxkit.effect(panel, treatment="d", outcome="y", method="did", group="g", time="w",
                       cluster="g")
    assert did.diagnostics["estimator"].startswith("did2s")
    low, high = did.conf_int(conf_level=0.9).loc["d"]
    assert (low, high) == pytest.approx((did.estimate - 1.644854 * did.se,
                                         did.estimate + 1.644854 * did.se), rel=1e-5)
