"""cxkit.models.loyalty, .drivers, .mediation, .moderation (and cxkit.plots.drivers): loyalty
models against statsmodels, driver decompositions against hand computations, mediation and
moderation against known linear systems and the simulator's truth, the refusals, and the
deprecated names of cxkit 0.1."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.miscmodels.ordinal_model import OrderedModel

import cxkit
from cxkit.models import (
    key_drivers,
    loyalty_model,
    mediation,
    moderation,
    plot_drivers,
    plot_simple_slopes,
)


# ------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """Respondents with a Likert item, a yes/no outcome, counts and a scale score."""
    rng = np.random.default_rng(11)
    n = 800
    data = pd.DataFrame({"ease": rng.normal(size=n), "segment": rng.choice(["a", "b", "c"], n),
                         "customer_id": rng.integers(0, 200, n)})
    latent = 0.8 * data["ease"] + 0.4 * (data["segment"] == "b") + rng.logistic(size=n)
    data["csat"] = np.digitize(latent, [-2.0, -0.5, 0.5, 2.0]) + 1  # 1..5
    data["churned"] = rng.random(n) < 1 / (1 + np.exp(1 + 0.7 * data["ease"]))
    data["repurchases"] = rng.poisson(np.exp(0.5 + 0.3 * data["ease"]))
    data["loyalty"] = 4 + 0.5 * data["ease"] + rng.normal(size=n)
    return data


@pytest.fixture(scope="module")
def simulated():
    """The simulator with everyone invited and no non-response (so respondents are a random
    sample of active customers), and the survey panel with the pyramid's scale means."""
    study = cxkit.simulate_study(10000, seed=41, invite_share=1.0, response_rate=0.9,
                                 nonresponse=0.0)
    panel = study.survey_panel()
    for layer in ("needs", "ease", "enjoy"):
        panel[layer] = panel[[f"{layer}_{k}" for k in (1, 2, 3)]].mean(axis=1)
    return study, panel


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    """R² of an OLS fit with intercept, by least squares (independent of the module's code)."""
    design = np.column_stack([np.ones(len(y)), x])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return 1 - residual @ residual / np.sum((y - y.mean()) ** 2)


# ------------------------------------------------------------------------------------------
# loyalty_model: the same numbers as statsmodels
# ------------------------------------------------------------------------------------------
def test_ordered_logit_equals_statsmodels_ordered_model(survey):
    result = loyalty_model(survey, "csat ~ ease + C(segment)", kind="ordered")
    direct = OrderedModel.from_formula("csat ~ ease + C(segment)", survey,
                                       distr="logit").fit(method="bfgs", disp=False)
    table = result.coefficients.set_index("term")
    assert list(table.index) == ["C(segment)[T.b]", "C(segment)[T.c]", "ease"]
    np.testing.assert_allclose(table["estimate"], direct.params.iloc[:3], rtol=1e-6)
    np.testing.assert_allclose(table["se"], direct.bse.iloc[:3], rtol=1e-5)
    np.testing.assert_allclose(table["odds_ratio"], np.exp(direct.params.iloc[:3]), rtol=1e-6)
    cuts = direct.model.transform_threshold_params(direct.params.to_numpy())[1:-1]
    np.testing.assert_allclose(result.ancillary["cut_point"], cuts, rtol=1e-6)
    assert result.ancillary["cut_point"].is_monotonic_increasing
    assert result.kind == "ordered" and result.converged and result.n == len(survey)


def test_logit_equals_statsmodels_and_reports_odds_ratios(survey):
    result = loyalty_model(survey, "churned ~ ease + C(segment)")  # a bool outcome: auto logit
    direct = smf.logit("churned ~ ease + C(segment)",
                       survey.assign(churned=survey["churned"].astype(int))).fit(disp=False)
    table = result.coefficients.set_index("term")
    assert result.kind == "logit"
    np.testing.assert_allclose(table["estimate"], direct.params, rtol=1e-8)
    np.testing.assert_allclose(table["se"], direct.bse, rtol=1e-8)
    np.testing.assert_allclose(table["p_value"], direct.pvalues, rtol=1e-6)
    bounds = direct.conf_int()
    np.testing.assert_allclose(table["ci_low_ratio"], np.exp(bounds[0]), rtol=1e-8)
    np.testing.assert_allclose(table["ci_high_ratio"], np.exp(bounds[1]), rtol=1e-8)
    assert table.loc["ease", "odds_ratio"] < 1  # more ease, less churn, as simulated


def test_poisson_and_negbin_equal_statsmodels_with_rate_ratios(survey):
    poisson = loyalty_model(survey, "repurchases ~ ease", kind="poisson")
    direct = smf.poisson("repurchases ~ ease", survey).fit(disp=False)
    table = poisson.coefficients.set_index("term")
    np.testing.assert_allclose(table["estimate"], direct.params, rtol=1e-8)
    np.testing.assert_allclose(table["se"], direct.bse, rtol=1e-8)
    assert table.loc["ease", "incidence_rate_ratio"] == pytest.approx(np.exp(0.3), abs=0.05)
    negbin = loyalty_model(survey, "repurchases ~ ease", kind="negbin")
    direct = smf.negativebinomial("repurchases ~ ease", survey,
                                  loglike_method="nb2").fit(disp=False, maxiter=200)
    np.testing.assert_allclose(negbin.coefficients["estimate"], direct.params.iloc[:2],
                               rtol=1e-4)
    assert negbin.ancillary["term"].tolist() == ["alpha"]
    assert negbin.ancillary["estimate"].iloc[0] == pytest.approx(direct.params["alpha"],
                                                                 rel=1e-3, abs=1e-5)


def test_ols_uses_hc1_and_cluster_robust_errors_like_statsmodels(survey):
    result = loyalty_model(survey, "loyalty ~ ease + C(segment)")
    direct = smf.ols("loyalty ~ ease + C(segment)", survey).fit(cov_type="HC1")
    assert result.kind == "ols" and result.cov_type == "HC1"
    np.testing.assert_allclose(result.coefficients["se"], direct.bse, rtol=1e-10)
    assert "odds_ratio" not in result.coefficients
    clustered = loyalty_model(survey, "loyalty ~ ease", cluster="customer_id")
    direct = smf.ols("loyalty ~ ease", survey).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(survey["customer_id"])[0]})
    np.testing.assert_allclose(clustered.coefficients["se"], direct.bse, rtol=1e-10)
    assert clustered.cov_type == "cluster"
    assert "OLS model of loyalty: 800 rows" in clustered.summary()
    pd.testing.assert_frame_equal(clustered.to_frame(), clustered.coefficients)


@pytest.mark.parametrize(("outcome", "kind"), [
    ("churned", "logit"),          # true/false
    ("churned_01", "logit"),       # 0/1
    ("loyalty", "ols"),            # a scale score with fractional values
    ("csat_ordered", "ordered"),   # an ordered Categorical
])
def test_auto_picks_the_model_only_when_the_outcome_leaves_no_doubt(survey, outcome, kind):
    labels = ["very low", "low", "mid", "high", "very high"]
    data = survey.assign(churned_01=survey["churned"].astype(int),
                         csat_ordered=pd.Categorical.from_codes(survey["csat"] - 1, labels,
                                                                ordered=True))
    result = loyalty_model(data, f"{outcome} ~ ease")
    assert result.kind == kind
    if kind == "ordered":  # the same fit as the numeric item, whatever the labels
        numeric = loyalty_model(data, "csat ~ ease", kind="ordered")
        assert result.coefficients["estimate"].tolist() == pytest.approx(
            numeric.coefficients["estimate"].tolist(), rel=1e-6)


def test_auto_refuses_whole_numbers_that_may_be_an_item_or_a_count(survey):
    with pytest.raises(ValueError, match="kind='ordered'.*'poisson' or 'negbin'"):
        loyalty_model(survey, "csat ~ ease")


# ------------------------------------------------------------------------------------------
# key drivers
# ------------------------------------------------------------------------------------------
def test_shapley_on_orthogonal_drivers_is_each_drivers_squared_correlation():
    # x1, x2 and the remainder are orthogonal with equal variance, so R² = (4 + 1) / 6 and
    # each driver's Shapley value is its own R² contribution: 4/6 and 1/6
    x1 = np.array([1, -1, 1, -1] * 25, dtype=float)
    x2 = np.array([1, 1, -1, -1] * 25, dtype=float)
    rest = np.array([1, -1, -1, 1] * 25, dtype=float)
    data = pd.DataFrame({"x1": x1, "x2": x2, "y": 2 * x1 + x2 + rest})
    for method in ("shapley", "relative_weights"):
        table = key_drivers(data, outcome="y", drivers=["x1", "x2"], method=method,
                            bootstrap=0).set_index("driver")
        assert table.loc["x1", "importance"] == pytest.approx(4 / 6)
        assert table.loc["x2", "importance"] == pytest.approx(1 / 6)
        assert table.attrs["r2"] == pytest.approx(5 / 6)
        assert table["share"].tolist() == pytest.approx([0.8, 0.2])


def test_shapley_of_two_correlated_drivers_matches_the_hand_formula(rng):
    x1 = rng.normal(size=300)
    x2 = 0.6 * x1 + rng.normal(size=300)
    y = x1 + 0.5 * x2 + rng.normal(size=300)
    data = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
    r2_1, r2_2 = _r2(x1[:, None], y), _r2(x2[:, None], y)
    r2_12 = _r2(np.column_stack([x1, x2]), y)
    table = key_drivers(data, outcome="y", drivers=["x1", "x2"], method="shapley",
                        bootstrap=0).set_index("driver")
    # two orders of entry, each with probability 1/2
    assert table.loc["x1", "importance"] == pytest.approx(0.5 * r2_1 + 0.5 * (r2_12 - r2_2))
    assert table.loc["x2", "importance"] == pytest.approx(0.5 * r2_2 + 0.5 * (r2_12 - r2_1))
    assert table["importance"].sum() == pytest.approx(r2_12, abs=1e-12)


def test_shapley_is_the_mean_marginal_r2_over_all_orders_and_sums_to_r2(rng):
    x = rng.normal(size=(400, 4)) @ rng.normal(size=(4, 4))  # correlated drivers
    y = x @ [0.5, -0.3, 0.2, 0.0] + rng.normal(size=400)
    names = ["a", "b", "c", "d"]
    data = pd.DataFrame(x, columns=names).assign(y=y)
    marginal = dict.fromkeys(names, 0.0)
    orders = list(itertools.permutations(range(4)))
    for order in orders:
        for k, j in enumerate(order):
            before = _r2(x[:, list(order[:k])], y) if k else 0.0
            marginal[names[j]] += (_r2(x[:, list(order[:k + 1])], y) - before) / len(orders)
    table = key_drivers(data, outcome="y", drivers=names, method="shapley",
                        bootstrap=0).set_index("driver")
    assert table["importance"].to_dict() == pytest.approx(marginal)
    assert table["importance"].sum() == pytest.approx(_r2(x, y), abs=1e-12)


def test_relative_weights_sum_to_r2_and_agree_with_shapley_on_the_ranking(rng):
    x = rng.normal(size=(500, 3)) @ np.array([[1, 0.5, 0.2], [0, 1, 0.4], [0, 0, 1]])
    y = x @ [0.6, 0.3, 0.1] + rng.normal(size=500)
    data = pd.DataFrame(x, columns=["needs", "ease", "enjoy"]).assign(loyalty=y)
    weights = key_drivers(data, outcome="loyalty", drivers=["needs", "ease", "enjoy"],
                          bootstrap=100, seed=3)
    shapley = key_drivers(data, outcome="loyalty", drivers=["needs", "ease", "enjoy"],
                          method="shapley", bootstrap=0)
    assert weights["importance"].sum() == pytest.approx(_r2(x, y), abs=1e-12)
    assert weights["share"].sum() == pytest.approx(1.0)
    assert weights["driver"].tolist() == shapley["driver"].tolist()
    assert (weights["ci_low"] <= weights["importance"]).all()
    assert (weights["importance"] <= weights["ci_high"]).all()
    assert weights["performance"].tolist() == pytest.approx(
        data[weights["driver"]].mean().tolist())
    again = key_drivers(data, outcome="loyalty", drivers=["needs", "ease", "enjoy"],
                        bootstrap=100, seed=3)
    pd.testing.assert_frame_equal(weights, again)


def test_permutation_importance_finds_the_driver_that_matters(rng):
    data = pd.DataFrame({"strong": rng.normal(size=600), "noise": rng.normal(size=600)})
    data["y"] = 2 * data["strong"] + rng.normal(size=600)
    table = key_drivers(data, outcome="y", drivers=["strong", "noise"], method="permutation",
                        bootstrap=20, seed=0).set_index("driver")
    # shuffling a driver with coefficient 2 and unit variance in noise of variance 1 costs
    # about 2 × 4/5 of R² (the permuted predictions add their own variance)
    assert table.loc["strong", "importance"] == pytest.approx(1.6, abs=0.2)
    assert abs(table.loc["noise", "importance"]) < 0.02
    assert table.attrs["r2"] == pytest.approx(0.8, abs=0.05)
    forest = key_drivers(data, outcome="y", drivers=["strong", "noise"], method="permutation",
                         model="random_forest", bootstrap=0, seed=0)
    assert forest["driver"].iloc[0] == "strong" and forest["ci_low"].isna().all()


def test_plot_drivers_draws_the_quadrant_chart(rng):
    data = pd.DataFrame(rng.normal(size=(200, 3)), columns=["needs", "ease", "enjoy"])
    data["loyalty"] = data @ [0.6, 0.3, 0.1] + rng.normal(size=200)
    table = key_drivers(data, outcome="loyalty", drivers=["needs", "ease", "enjoy"],
                        bootstrap=20, seed=0)
    ax = plot_drivers(table)
    texts = [t.get_text() for t in ax.texts]
    assert {"needs", "ease", "enjoy", "concentrate here", "possible overkill"} <= set(texts)
    assert ax.get_title() == "needs matters most for loyalty"
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2  # the two median lines
    assert isinstance(ax, plt.Axes)


# ------------------------------------------------------------------------------------------
# mediation
# ------------------------------------------------------------------------------------------
def test_serial_mediation_recovers_the_products_of_known_paths():
    rng = np.random.default_rng(5)
    n = 20000
    x = rng.integers(0, 2, n).astype(float)
    m1 = 0.8 * x + rng.normal(size=n)
    m2 = 0.3 * x + 0.5 * m1 + rng.normal(size=n)
    y = 0.2 * x + 0.4 * m1 + 0.6 * m2 + rng.normal(size=n)
    data = pd.DataFrame({"x": x, "m1": m1, "m2": m2, "y": y})
    result = mediation(data, treatment="x", mediators=["m1", "m2"], outcome="y",
                       bootstrap=300, seed=2)
    table = result.effects.set_index("symbol")
    truth = {"a1": 0.8, "a2": 0.3, "d21": 0.5, "b1": 0.4, "b2": 0.6, "c'": 0.2,
             "a1·b1": 0.8 * 0.4, "a2·b2": 0.3 * 0.6, "a1·d21·b2": 0.8 * 0.5 * 0.6,
             "c": 0.2 + 0.32 + 0.18 + 0.24}
    for symbol, value in truth.items():
        row = table.loc[symbol]
        assert abs(row["estimate"] - value) < 3 * row["se"], symbol
        assert row["ci_low"] < value < row["ci_high"], symbol
    # OLS decomposition: total = direct + every indirect effect, exactly, in every replicate
    assert table.loc["c", "estimate"] == pytest.approx(
        table.loc["c'", "estimate"] + table.loc["Σ indirect", "estimate"], abs=1e-10)
    draws = result.draws
    np.testing.assert_allclose(draws["c"], draws["c'"] + draws["Σ indirect"], atol=1e-8)
    assert table.loc["a1·d21·b2", "path"] == "x → m1 → m2 → y"
    assert set(result.fit) == {"m1", "m2", "y", "total"}
    assert result.fit["m2"].params["m1"] == pytest.approx(table.loc["d21", "estimate"])


def test_single_and_parallel_mediators_use_the_textbook_symbols(rng):
    x = rng.normal(size=500)
    data = pd.DataFrame({"x": x, "m": x + rng.normal(size=500), "k": rng.normal(size=500)})
    data["y"] = data["m"] + rng.normal(size=500)
    single = mediation(data, treatment="x", mediators="m", outcome="y", bootstrap=0)
    assert single.effects["symbol"].tolist() == ["a", "b", "a·b", "Σ indirect", "c'", "c"]
    assert single.effects["ci_low"].isna().all()
    parallel = mediation(data, treatment="x", mediators=["m", "k"], outcome="y",
                         serial=False, bootstrap=0)
    assert "d21" not in parallel.effects["symbol"].tolist()
    assert parallel.effects.query("effect == 'indirect'")["symbol"].tolist() == ["a1·b1",
                                                                                 "a2·b2"]


def test_cluster_bootstrap_resamples_customers_not_rows(rng):
    x = rng.integers(0, 2, 300).astype(float)
    m = 0.5 * x + rng.normal(size=300)
    base = pd.DataFrame({"x": x, "m": m, "y": 0.7 * m + rng.normal(size=300),
                         "customer": np.arange(300)})
    tripled = pd.concat([base] * 3, ignore_index=True)  # every customer answered three times
    options = dict(treatment="x", mediators=["m"], outcome="y", bootstrap=200, seed=9)
    original = mediation(base, **options).effects.set_index("symbol")
    clustered = mediation(tripled, cluster="customer", **options).effects.set_index("symbol")
    naive = mediation(tripled, **options).effects.set_index("symbol")
    # drawing customers of the tripled table is drawing rows of the original one
    np.testing.assert_allclose(clustered["se"], original["se"], rtol=1e-8)
    assert (naive["se"] < 0.75 * clustered["se"]).all()  # rows as if independent: too sure


# ------------------------------------------------------------------------------------------
# moderation
# ------------------------------------------------------------------------------------------
def test_conditional_effects_by_category_are_the_within_level_differences(rng):
    data = pd.DataFrame({"segment": rng.choice(["budget", "premium", "conscious"], 900),
                         "t": rng.integers(0, 2, 900)})
    data["y"] = data["t"] * data["segment"].map({"budget": 0.2, "premium": 0.4,
                                                  "conscious": 0.7}) + rng.normal(size=900)
    result = moderation(data, treatment="t", moderator="segment", outcome="y")
    # the interaction model without confounders is saturated: each conditional effect is the
    # difference in means within the level
    means = data.groupby(["segment", "t"])["y"].mean().unstack()
    table = result.conditional_effects.set_index("segment")
    assert table["estimate"].to_dict() == pytest.approx((means[1] - means[0]).to_dict())
    assert table["n"].to_dict() == data["segment"].value_counts().to_dict()
    assert list(table.index) == ["budget", "conscious", "premium"]  # sorted: budget reference
    assert result.interaction_test["df"] == 2


def test_numeric_moderator_is_probed_at_the_mean_and_one_sd_either_side(rng):
    w = rng.normal(3, 2, size=600)
    t = rng.normal(size=600)
    data = pd.DataFrame({"w": w, "t": t, "y": (0.5 + 0.3 * w) * t + rng.normal(size=600)})
    result = moderation(data, treatment="t", moderator="w", outcome="y")
    fit = smf.ols("y ~ t * w", data).fit(cov_type="HC1")
    table = result.conditional_effects
    assert table["at"].tolist() == ["mean - 1 SD", "mean", "mean + 1 SD"]
    points = w.mean() + np.array([-1, 0, 1]) * w.std(ddof=1)
    expected = fit.params["t"] + fit.params["t:w"] * points
    np.testing.assert_allclose(table["estimate"], expected, rtol=1e-10)
    cov = fit.cov_params()
    var = cov.loc["t", "t"] + points ** 2 * cov.loc["t:w", "t:w"] + 2 * points * cov.loc["t", "t:w"]
    np.testing.assert_allclose(table["se"], np.sqrt(var), rtol=1e-8)
    assert result.interaction_test["p_value"] < 0.001
    ax = plot_simple_slopes(result)
    assert len(ax.get_lines()) == 3 and "w = " in ax.get_legend().get_texts()[0].get_text()


# ------------------------------------------------------------------------------------------
# the simulator's truth
# ------------------------------------------------------------------------------------------
def _perception_truth(truth: dict) -> tuple[float, dict]:
    """True effects of the launch on perceived CSR, overall and by segment.

    The simulator lifts latent perceived CSR by tau / (p + s·b) for a customer whose effect on
    loyalty is tau (p, s, b: the paths perceived CSR → loyalty, perceived CSR → satisfaction,
    satisfaction → loyalty), so that the effect on loyalty is tau. The csr_1..4 items are the
    latent score plus a constant and error, so their mean moves by the same amount (rounding
    and the 1–7 limits shave off a little).
    """
    paths = truth["structural_paths"]
    through = (paths["csr_perception->loyalty"]
               + paths["csr_perception->satisfaction"] * paths["satisfaction->loyalty"])
    return (truth["effect_csr_on_loyalty"] / through,
            {s: v / through for s, v in truth["effect_csr_by_segment"].items()})


def test_csr_moderation_by_segment_matches_the_simulated_truth(simulated):
    study, panel = simulated
    overall, by_segment = _perception_truth(study.truth)
    # Difference in differences by segment: region and wave fixed effects absorb the regions'
    # different baseline loyalty and the market trend, so each conditional effect is the
    # segment's effect of the launch. Customers answer both waves: cluster on them.
    for outcome, truth in (("csr_perception", by_segment),
                           ("loyalty", study.truth["effect_csr_by_segment"])):
        result = moderation(panel, treatment="csr_in_force", moderator="segment",
                            outcome=outcome, confounders=["region", "wave"],
                            cluster="customer_id")
        table = result.conditional_effects.set_index("segment")
        for segment, value in truth.items():
            assert abs(table.loc[segment, "estimate"] - value) < 3 * table.loc[segment, "se"], \
                (outcome, segment)
        assert table["estimate"].idxmax() == "conscious"
        assert table.loc["conscious", "ci_low"] > table.loc["budget", "ci_high"]
        assert result.interaction_test["p_value"] < 0.001
    # Within wave 2 alone (launched vs not-yet-launched regions): perceived CSR has no regional
    # baseline in the story, so the plain comparison is valid for it ...
    wave2 = panel[panel["wave"] == 2]
    perception = moderation(wave2, treatment="csr_in_force", moderator="segment",
                            outcome="csr_perception").conditional_effects.set_index("segment")
    assert perception["estimate"].rank().to_dict() == pd.Series(by_segment).rank().to_dict()
    for segment, value in by_segment.items():
        assert abs(perception.loc[segment, "estimate"] - value) < 3 * perception.loc[segment, "se"]
    # ... but not for loyalty: the launched regions started more loyal (by about 0.34 points
    # on average), and the wave-2 comparison adds that to every segment's effect: each estimate
    # lies above its truth by about the lead, within its sampling error (Z = 3 standard errors)
    from cxkit.study.simulate import REGION_LOYALTY, REGION_SHARES, REGIONS

    launched = {"north_west", "centre", "north_east"}
    shares = dict(zip(REGIONS, REGION_SHARES, strict=True))
    lead = (np.average([REGION_LOYALTY[r] for r in REGIONS if r in launched],
                       weights=[shares[r] for r in REGIONS if r in launched])
            - np.average([REGION_LOYALTY[r] for r in REGIONS if r not in launched],
                         weights=[shares[r] for r in REGIONS if r not in launched]))
    assert lead == pytest.approx(0.34, abs=0.005)
    loyalty = moderation(wave2, treatment="csr_in_force", moderator="segment",
                         outcome="loyalty").conditional_effects.set_index("segment")
    for segment, value in study.truth["effect_csr_by_segment"].items():
        assert loyalty.loc[segment, "estimate"] > value + lead - 3 * loyalty.loc[segment, "se"]
    assert (loyalty["estimate"] - pd.Series(study.truth["effect_csr_by_segment"])).mean() > 0.15


def test_csr_mediation_on_the_simulator_recovers_what_is_identified(simulated):
    study, panel = simulated
    overall, _ = _perception_truth(study.truth)
    # Treatment: the launch, compared by difference in differences (region and wave fixed
    # effects in every equation), so the a-paths (launch → perceived CSR) and the total effect
    # on loyalty are identified and have true values in the story.
    result = mediation(panel, treatment="csr_in_force", mediators=["csr_perception", "csat"],
                       outcome="loyalty", confounders=["region", "wave"],
                       cluster="customer_id", bootstrap=200, seed=0)
    table = result.effects.set_index("symbol")
    a1, total = table.loc["a1"], table.loc["c"]
    assert abs(a1["estimate"] - overall) < 3 * a1["se"]
    assert abs(total["estimate"] - study.truth["effect_csr_on_loyalty"]) < 3 * total["se"]
    assert total["estimate"] == pytest.approx(
        table.loc["c'", "estimate"] + table.loc["Σ indirect", "estimate"], abs=1e-10)
    # The b- and d-paths are not comparable with the structural paths one for one:
    # csr_perception (a mean of four items) and csat (one item) measure the latent constructs
    # with error, which attenuates the paths out of them (perceived CSR → satisfaction is 0.30
    # in the story and unconfounded, so its estimate must fall short of it, not exceed it) and
    # leaves part of the effect in the "direct" path c' and in a2 although the story has no
    # such paths. csat → loyalty is also confounded by the pyramid layers, which drive both.
    d21 = table.loc["d21"]
    assert 0 < d21["ci_low"] and d21["ci_high"] < study.truth["structural_paths"][
        "csr_perception->satisfaction"]
    assert table.loc["a1·d21·b2", "ci_low"] > 0
    assert table.loc["Σ indirect", "estimate"] > table.loc["c'", "estimate"]
    # The same model within wave 2 only has no region fixed effects (the launch is set by
    # region): the total effect then carries the regions' baseline loyalty and overshoots.
    wave2 = mediation(panel[panel["wave"] == 2], treatment="csr_in_force",
                      mediators=["csr_perception", "csat"], outcome="loyalty", bootstrap=50,
                      seed=0).effects.set_index("symbol")
    assert wave2.loc["c", "ci_low"] > study.truth["effect_csr_on_loyalty"] + 0.1


def test_key_drivers_of_loyalty_put_needs_first_as_the_pyramid_weights_do(simulated):
    study, panel = simulated
    wave1 = panel[panel["wave"] == 1]  # before any launch
    weights = study.truth["pyramid_weights"]
    # The layers have equal variance and equal correlations in the story and similar
    # reliabilities in the items, so the layer with the largest total effect (needs, 0.34
    # against 0.22 and 0.21) gets the largest share of R²; ease and enjoy are too close to
    # order.
    for method in ("relative_weights", "shapley"):
        table = key_drivers(wave1, outcome="loyalty", drivers=["needs", "ease", "enjoy"],
                            method=method, bootstrap=100, seed=1)
        assert table["driver"].iloc[0] == max(weights, key=weights.get) == "needs"
        assert table["ci_low"].iloc[0] > table["ci_high"].iloc[1:].max()
        r2 = smf.ols("loyalty ~ needs + ease + enjoy", wave1).fit().rsquared
        assert table["importance"].sum() == pytest.approx(r2, abs=1e-10)


# ------------------------------------------------------------------------------------------
# refusals
# ------------------------------------------------------------------------------------------
def test_missing_values_in_a_formula_column_are_refused_with_their_rows(survey):
    data = survey.copy()
    data.loc[[2, 5], "ease"] = np.nan
    with pytest.raises(cxkit.DataError, match=r"column 'ease', rows 3, 6: missing") as err:
        loyalty_model(data, "loyalty ~ ease")
    assert err.value.rows == [3, 6]


@pytest.mark.parametrize(("formula", "kind", "says"), [
    ("csat ~ ease", "logit", "outcome not 0/1"),
    ("loyalty ~ ease", "poisson", "not a count"),
    ("loyalty ~ ease + unknown_column", "ols", "cannot be evaluated"),
])
def test_outcomes_that_do_not_suit_the_model_are_refused(survey, formula, kind, says):
    with pytest.raises(cxkit.DataError, match=says):
        loyalty_model(survey, formula, kind=kind)


def test_bad_driver_tables_are_refused(rng):
    data = pd.DataFrame({"a": rng.normal(size=50), "b": rng.normal(size=50),
                         "y": rng.normal(size=50)})
    with pytest.raises(cxkit.DataError, match="column 'c'"):
        key_drivers(data, outcome="y", drivers=["a", "c"])
    with pytest.raises(cxkit.DataError, match="collinear"):
        key_drivers(data.assign(c=data["a"] + data["b"]), outcome="y", drivers=["a", "b", "c"])
    with pytest.raises(cxkit.DataError, match="does not vary"):
        key_drivers(data.assign(c=1.0), outcome="y", drivers=["a", "c"])
    with pytest.raises(cxkit.DataError, match="not a number"):
        key_drivers(data.assign(c="x"), outcome="y", drivers=["a", "c"])
    with pytest.raises(ValueError, match="at most 10 drivers"):
        key_drivers(pd.DataFrame(rng.normal(size=(50, 12))).add_prefix("x").assign(y=1.0),
                    outcome="y", drivers=[f"x{k}" for k in range(11)], method="shapley")


def test_a_treatment_set_by_a_confounder_is_refused_as_not_identified(rng):
    region = rng.choice(["north", "south"], 200)
    data = pd.DataFrame({"region": region, "launched": (region == "north").astype(int),
                         "perception": rng.normal(size=200), "loyalty": rng.normal(size=200)})
    with pytest.raises(cxkit.DataError, match="not identified"):
        mediation(data, treatment="launched", mediators=["perception"], outcome="loyalty",
                  confounders=["region"], bootstrap=0)
    with pytest.raises(cxkit.DataError, match="not identified"):
        moderation(data.assign(segment=rng.choice(["a", "b"], 200)), treatment="launched",
                   moderator="segment", outcome="loyalty", confounders=["region"])


def test_mediation_and_moderation_refuse_bad_columns(rng):
    data = pd.DataFrame({"t": rng.integers(0, 2, 40), "m": rng.normal(size=40),
                         "y": rng.normal(size=40), "text": ["a", "b"] * 20})
    with pytest.raises(cxkit.DataError, match=r"column 'text', rows 1, 2, .*: not a number"):
        mediation(data, treatment="t", mediators=["text"], outcome="y", bootstrap=0)
    with pytest.raises(ValueError, match="more than one role"):
        mediation(data, treatment="t", mediators=["m", "y"], outcome="y")
    with pytest.raises(cxkit.DataError, match="column 'm', row 4: missing"):
        moderation(data.assign(m=data["m"].where(data.index != 3)), treatment="t",
                   moderator="m", outcome="y")
    with pytest.raises(cxkit.DataError, match="column 'text': does not vary"):
        moderation(data.assign(text="a"), treatment="t", moderator="text", outcome="y")


# ------------------------------------------------------------------------------------------
# the result base: conf_int() of every result
# ------------------------------------------------------------------------------------------
def test_loyalty_model_conf_int_is_statsmodels_own_for_the_coefficient_rows(survey, rng):
    overdispersed = survey.assign(purchases=rng.negative_binomial(2, 1 / (1 + np.exp(
        0.5 + 0.3 * survey["ease"].to_numpy()) / 2)))
    for kind, outcome in (("ordered", "csat"), ("negbin", "purchases")):
        # the ancillary parameters (cut points, alpha) come last and are left out
        result = loyalty_model(overdispersed, f"{outcome} ~ ease + C(segment)", kind=kind)
        assert len(result.ancillary) > 0
        bounds = result.conf_int()
        assert list(bounds.columns) == ["lower", "upper"]
        assert bounds.index.tolist() == result.coefficients["term"].tolist()
        np.testing.assert_allclose(bounds["lower"], result.coefficients["ci_low"])
        np.testing.assert_allclose(bounds["upper"], result.coefficients["ci_high"])
        narrower = result.conf_int(conf_level=0.9)
        direct = result.fit.conf_int(alpha=0.1)
        np.testing.assert_allclose(narrower.to_numpy(),
                                   np.asarray(direct)[:len(result.coefficients)])
        assert (narrower["lower"] > bounds["lower"]).all()


def test_mediation_conf_int_takes_percentiles_of_the_same_bootstrap(rng):
    x = rng.integers(0, 2, 400).astype(float)
    m = 0.6 * x + rng.normal(size=400)
    data = pd.DataFrame({"x": x, "m": m, "y": 0.5 * m + rng.normal(size=400)})
    result = mediation(data, treatment="x", mediators="m", outcome="y", bootstrap=200, seed=4)
    bounds = result.conf_int()
    assert bounds.index.tolist() == result.effects["symbol"].tolist()
    np.testing.assert_allclose(bounds["lower"], result.effects["ci_low"])
    np.testing.assert_allclose(bounds["upper"], result.effects["ci_high"])
    at_90 = mediation(data, treatment="x", mediators="m", outcome="y", bootstrap=200, seed=4,
                      conf_level=0.9)
    np.testing.assert_allclose(result.conf_int(conf_level=0.9)["lower"],
                               at_90.effects["ci_low"])
    assert at_90.conf_level == 0.9
    assert "a·b" in result._repr_html_()


def test_moderation_conf_int_matches_the_table_and_a_refit_at_another_level(rng):
    data = pd.DataFrame({"segment": rng.choice(["a", "b"], 500), "t": rng.integers(0, 2, 500)})
    data["y"] = data["t"] * (data["segment"] == "b") + rng.normal(size=500)
    result = moderation(data, treatment="t", moderator="segment", outcome="y")
    bounds = result.conf_int()
    assert bounds.index.tolist() == ["a", "b"]
    np.testing.assert_allclose(bounds["lower"], result.conditional_effects["ci_low"])
    at_80 = moderation(data, treatment="t", moderator="segment", outcome="y", conf_level=0.8)
    np.testing.assert_allclose(result.conf_int(conf_level=0.8)["upper"],
                               at_80.conditional_effects["ci_high"], rtol=1e-10)
    numeric = moderation(data.assign(w=rng.normal(size=500)), treatment="t", moderator="w",
                         outcome="y")
    assert numeric.conf_int().index.names == ["w", "at"]


# ------------------------------------------------------------------------------------------
# plots take plain tables
# ------------------------------------------------------------------------------------------
def test_simple_slopes_table_and_its_plot_from_the_table_alone(rng):
    data = pd.DataFrame({"segment": rng.choice(["budget", "conscious"], 400),
                         "t": rng.integers(0, 2, 400)})
    data["y"] = data["t"] * (data["segment"] == "conscious") + rng.normal(size=400)
    result = moderation(data, treatment="t", moderator="segment", outcome="y")
    slopes = result.simple_slopes()
    assert len(slopes) == 4 and slopes["treatment_at"].eq("value").all()
    assert slopes.attrs["treatment"] == "t" and slopes.attrs["moderator"] == "segment"
    # without confounders, each line joins the two cell means of its level
    means = data.groupby(["segment", "t"])["y"].mean()
    np.testing.assert_allclose(slopes.set_index(["segment", "t"])["predicted"],
                               means.loc[list(zip(slopes["segment"], slopes["t"], strict=True))])
    plain = pd.DataFrame(slopes)  # a plain table, attrs dropped: the names are passed instead
    plain.attrs = {}
    ax = cxkit.plots.plot_simple_slopes(plain, treatment="t", moderator="segment", outcome="y")
    assert ax.get_title() == "t moves y most for segment = conscious"
    assert [t.get_text() for t in ax.get_legend().get_texts()][0].startswith("segment = budget")
    assert result.plot().get_title() == ax.get_title()
    with pytest.raises(ValueError, match="treatment= and moderator="):
        plot_simple_slopes(plain)


def test_plot_drivers_refuses_a_table_without_its_columns():
    with pytest.raises(cxkit.DataError, match="column 'performance'.*driver table"):
        plot_drivers(pd.DataFrame({"driver": ["a"], "importance": [0.1]}))


def test_the_plots_are_reachable_where_users_found_them():
    assert cxkit.plot_drivers is cxkit.models.plot_drivers is cxkit.plots.plot_drivers
    assert cxkit.plot_simple_slopes is cxkit.plots.drivers.plot_simple_slopes


# ------------------------------------------------------------------------------------------
# deprecated names (kept until cxkit 0.3.0)
# ------------------------------------------------------------------------------------------
def test_the_old_argument_order_of_loyalty_model_warns_and_still_works(survey):
    new = loyalty_model(survey, "loyalty ~ ease")
    with pytest.warns(FutureWarning, match=r"data now come first"):
        old = loyalty_model("loyalty ~ ease", survey)
    pd.testing.assert_frame_equal(old.coefficients, new.coefficients)


def test_level_keyword_warns_and_still_sets_the_confidence_level(survey, rng):
    with pytest.warns(FutureWarning, match=r"loyalty_model\(\): level= is now conf_level="):
        model = loyalty_model(survey, "loyalty ~ ease", level=0.9)
    assert model.conf_level == 0.9
    pd.testing.assert_frame_equal(model.coefficients,
                                  loyalty_model(survey, "loyalty ~ ease",
                                                conf_level=0.9).coefficients)
    data = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    data["y"] = data["a"] + rng.normal(size=200)
    data["t"] = rng.integers(0, 2, 200)
    with pytest.warns(FutureWarning, match=r"key_drivers\(\): level="):
        table = key_drivers(data, outcome="y", drivers=["a", "b"], bootstrap=20, seed=0,
                            level=0.8)
    assert table.attrs["conf_level"] == 0.8
    with pytest.warns(FutureWarning, match=r"mediation\(\): level="):
        mediated = mediation(data, treatment="t", mediators="a", outcome="y", bootstrap=0,
                             level=0.8)
    with pytest.warns(FutureWarning, match=r"moderation\(\): level="):
        moderated = moderation(data, treatment="t", moderator="b", outcome="y", level=0.8)
    assert mediated.conf_level == moderated.conf_level == 0.8


def test_old_result_attributes_warn_and_still_answer(survey, rng):
    model = loyalty_model(survey, "loyalty ~ ease")
    with pytest.warns(FutureWarning, match=r"LoyaltyModelResult.level is now .conf_level"):
        assert model.level == 0.95
    data = pd.DataFrame({"t": rng.integers(0, 2, 100), "m": rng.normal(size=100),
                         "y": rng.normal(size=100)})
    mediated = mediation(data, treatment="t", mediators="m", outcome="y", bootstrap=0)
    with pytest.warns(FutureWarning, match=r"MediationResult.fits is now .fit"):
        assert mediated.fits is mediated.fit
    with pytest.warns(FutureWarning, match=r"MediationResult.level is now .conf_level"):
        assert mediated.level == 0.95
    moderated = moderation(data, treatment="t", moderator="m", outcome="y")
    with pytest.warns(FutureWarning, match=r"ModerationResult.level"):
        assert moderated.level == 0.95


def test_names_of_the_old_loyalty_module_still_resolve_with_a_warning():
    import cxkit.models.loyalty as module

    for name in ("key_drivers", "mediation", "ModerationResult", "plot_drivers"):
        with pytest.warns(FutureWarning, match=f"{name} moved from cxkit.models.loyalty"):
            assert getattr(module, name) is getattr(cxkit, name)
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


# ------------------------------------------------------------------------------------------
# checks added to cxkit._check for this area
# ------------------------------------------------------------------------------------------
def test_check_one_role_refuses_a_column_in_two_roles():
    from cxkit import _check

    assert _check.one_role(["t", "m", "y"]) == ["t", "m", "y"]
    with pytest.raises(ValueError, match=r"column\(s\) 'm', 'y' given in more than one role"):
        _check.one_role(["t", "m", "y", "m", "y"])


def test_check_not_collinear_names_the_columns(rng):
    from cxkit import _check

    data = pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30)})
    _check.not_collinear(data, ["a", "b"])  # passes
    with pytest.raises(cxkit.DataError,
                       match=r"columns 'a', 'b', 'c': predictors are collinear") as err:
        _check.not_collinear(data.assign(c=data["a"] - 2 * data["b"]), ["a", "b", "c"],
                             what="predictors")
    assert "predictors that are not collinear" in str(err.value)
    with pytest.raises(cxkit.DataError, match="collinear"):  # a constant is collinear with
        _check.not_collinear(data.assign(k=3.0), ["a", "k"])  # the intercept


def test_plot_drivers_draws_an_interval_that_misses_its_estimate():
    # a bootstrap percentile interval can lie wholly above a biased estimate; matplotlib's
    # error bars then refused negative lengths ("'yerr' must not contain negative values")
    table = pd.DataFrame({"driver": ["needs", "ease"], "importance": [0.30, 0.02],
                          "performance": [5.1, 4.7], "ci_low": [0.22, 0.03],
                          "ci_high": [0.38, 0.09]})
    ax = plot_drivers(table)
    segments = ax.collections[0].get_segments()
    assert [(s[0][1], s[1][1]) for s in segments] == [(0.22, 0.38), (0.03, 0.09)]
    assert ax.get_title() == "needs matters most"
    plt.close(ax.figure)


def test_plot_drivers_claims_a_leader_only_when_the_intervals_support_it():
    table = pd.DataFrame({"driver": ["needs", "ease"], "importance": [0.1842, 0.1839],
                          "performance": [5.1, 4.7], "ci_low": [0.15, 0.14],
                          "ci_high": [0.22, 0.23]})
    ax = plot_drivers(table)
    assert ax.get_title() == "needs leads, but its interval overlaps ease's"
    plt.close(ax.figure)
