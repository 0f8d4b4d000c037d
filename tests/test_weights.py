"""Weights in the survey metrics and loyalty_model (#13): frequency weights equal the repeated
rows; sampling weights give the design-based (linearisation / sandwich) variance of R's
survey package, computed here independently from its formula; bad weights are refused."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from cxkit import DataError, metrics
from cxkit.models import loyalty_model

Z95 = norm.ppf(0.975)


@pytest.fixture
def survey():
    rng = np.random.default_rng(13)
    n = 60
    return pd.DataFrame({
        "nps": rng.integers(0, 11, n).astype(float),
        "csat": rng.integers(1, 6, n).astype(float),
        "ces": rng.integers(1, 8, n).astype(float),
        "store": rng.choice(["Milan", "Rome"], n),
        "f": rng.integers(0, 4, n),  # frequency weights, some 0
        "w": rng.gamma(2.0, 1.5, n),  # sampling weights
    })


def repeated(data: pd.DataFrame, column: str = "f") -> pd.DataFrame:
    return data.loc[data.index.repeat(data[column])].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# frequency weights: the table with rows repeated
# --------------------------------------------------------------------------------------------
CALLS = [
    (metrics.nps, {}),
    (metrics.csat, {}),
    (metrics.top_box, {"column": "csat", "scale": (1, 5), "k": 2}),
    (metrics.ces, {"scale": (1, 7)}),
]


@pytest.mark.parametrize(("metric", "kwargs"), CALLS)
@pytest.mark.parametrize("by", [None, "store"])
def test_frequency_weights_give_the_numbers_of_the_repeated_rows(survey, metric, kwargs, by):
    survey.loc[[3, 7], ["nps", "csat", "ces"]] = np.nan
    weighted = metric(survey, **kwargs, by=by, weights="f", weight_type="frequency",
                      missing="listwise")
    expanded = metric(repeated(survey).drop(columns=["f"]), **kwargs, by=by,
                      missing="listwise")
    assert not weighted.get("suppressed", pd.Series([False])).any()  # groups of ~30
    same = [c for c in expanded.columns if c not in ("n", "n_missing")]
    pd.testing.assert_frame_equal(weighted[same], expanded[same], check_dtype=False,
                                  rtol=1e-12)
    # n stays the respondents; n_eff is the number of answers they stand for
    answered = survey["nps" if metric is metrics.nps else
                      "ces" if metric is metrics.ces else "csat"].notna()
    groups = [survey] if by is None else [g for _, g in survey.groupby(by)]
    masks = [answered] if by is None else [answered[g.index] for g in groups]
    assert weighted["n"].tolist() == [int(m.sum()) for m in masks]
    assert weighted["n_eff"].tolist() == [float(g.loc[m, "f"].sum())
                                          for g, m in zip(groups, masks, strict=True)]
    assert set(weighted["weighting"]) == {"frequency"}


# --------------------------------------------------------------------------------------------
# sampling weights: survey::svymean's linearised variance
# --------------------------------------------------------------------------------------------
def test_sampling_weighted_share_matches_the_hand_computed_linearised_variance():
    # y = 1, 0, 1 with w = 1, 2, 3: p = 4/6; z_i = w_i (y_i - p) / 6 = 1/18, -4/18, 3/18;
    # V = 3/2 * (1 + 16 + 9) / 324 = 39/324 (svymean(~y, svydesign(ids=~1, weights=~w)):
    # mean 0.6667, SE 0.3469); Kish's n_eff = 6^2 / 14
    data = pd.DataFrame({"csat": [5, 1, 5], "w": [1.0, 2.0, 3.0]})
    row = metrics.csat(data, weights="w", weight_type="sampling").iloc[0]
    variance = 39 / 324
    assert row["estimate"] == pytest.approx(2 / 3)
    assert math.sqrt(variance) == pytest.approx(0.3469, abs=5e-5)
    size = (2 / 3) * (1 / 3) / variance  # the design's effective size for Wilson
    low, high = proportion_confint(2 / 3 * size, size, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["n_eff"] == pytest.approx(36 / 14)
    assert row["count"] == pytest.approx(4.0) and row["n"] == 3
    assert row["weighting"] == "sampling"


def linearised(y, w, n):
    """svymean's standard error for a domain: every row of the design a sampling unit."""
    mean = np.sum(w * y) / np.sum(w)
    z = w * (y - mean) / np.sum(w)
    return mean, math.sqrt(n / (n - 1) * np.sum(z**2))


@pytest.mark.parametrize("by", [None, "store"])
def test_sampling_weighted_nps_and_ces_use_the_domain_linearised_variance(survey, by):
    survey.loc[[2, 5], ["nps", "ces"]] = np.nan
    n = len(survey)  # every respondent is a unit of the design, also in a domain
    got_nps = metrics.nps(survey, by=by, weights="w", weight_type="sampling",
                          missing="listwise")
    got_ces = metrics.ces(survey, by=by, weights="w", weight_type="sampling",
                          missing="listwise")
    assert not got_nps.get("suppressed", pd.Series([False])).any()  # groups of ~30
    groups = [survey] if by is None else [g for _, g in survey.groupby(by)]
    for i, g in enumerate(groups):
        a = g.dropna(subset=["nps"])
        score = np.where(a["nps"] >= 9, 100.0, np.where(a["nps"] <= 6, -100.0, 0.0))
        mean, se = linearised(score, a["w"].to_numpy(), n)
        assert got_nps["estimate"].iloc[i] == pytest.approx(mean)
        assert got_nps["se"].iloc[i] == pytest.approx(se)
        assert got_nps["ci_low"].iloc[i] == pytest.approx(max(mean - Z95 * se, -100))
        kish = a["w"].sum() ** 2 / (a["w"] ** 2).sum()
        assert got_nps["n_eff"].iloc[i] == pytest.approx(kish)
        mean, se = linearised(a["ces"].to_numpy(), a["w"].to_numpy(), n)
        assert got_ces["estimate"].iloc[i] == pytest.approx(mean)
        assert got_ces["se"].iloc[i] == pytest.approx(se)
        assert got_ces["ci_high"].iloc[i] == pytest.approx(mean + Z95 * se)


def test_equal_sampling_weights_give_the_unweighted_nps_with_the_design_factor(survey):
    plain = metrics.nps(survey).iloc[0]
    equal = metrics.nps(survey.assign(w=2.5), weights="w", weight_type="sampling").iloc[0]
    n = len(survey)
    assert equal["estimate"] == pytest.approx(plain["estimate"])
    # the multinomial variance has denominator n; the design-based one n - 1
    assert equal["se"] == pytest.approx(plain["se"] * math.sqrt(n / (n - 1)))
    assert equal["n_eff"] == pytest.approx(n)


def test_sampling_weighted_intervals_cover_the_population_share():
    """Unequal-probability samples of a population whose answers depend on the selection
    probability: the unweighted share is biased, the weighted interval covers. 400 samples;
    the count of covering 95 % intervals is Binomial(400, 0.95) (sd 4.4), so 360 is about
    4 sd below the nominal 380 (a real loss of coverage would fall far below)."""
    rng = np.random.default_rng(2024)
    size = 20_000
    prob = rng.uniform(0.005, 0.05, size)  # selection probabilities
    satisfied = rng.random(size) < 0.3 + 8 * prob  # the likelier to answer, the happier
    truth = satisfied.mean()
    covered = 0
    for _ in range(400):
        take = rng.random(size) < prob
        sample = pd.DataFrame({"csat": np.where(satisfied[take], 5, 2),
                               "w": 1 / prob[take]})
        row = metrics.csat(sample, weights="w", weight_type="sampling").iloc[0]
        covered += row["ci_low"] <= truth <= row["ci_high"]
    assert covered >= 360


# --------------------------------------------------------------------------------------------
# refused weights
# --------------------------------------------------------------------------------------------
def test_weights_need_their_type():
    data = pd.DataFrame({"nps": [9, 3], "w": [1.0, 2.0]})
    with pytest.raises(DataError, match="weight_type"):
        metrics.nps(data, weights="w")
    with pytest.raises(ValueError, match="weight_type"):
        metrics.nps(data, weights="w", weight_type="survey")


@pytest.mark.parametrize(("values", "problem", "rows"), [
    ([1.0, -1.0, 2.0], "negative weight", [2]),
    ([1.0, np.nan, np.nan], "missing weight", [2, 3]),
    ([0.0, 0.0, 0.0], "sum to zero", []),
])
def test_bad_weights_are_refused_naming_column_and_rows(values, problem, rows):
    data = pd.DataFrame({"csat": [5, 4, 1], "wt": values})
    for call in (lambda: metrics.csat(data, weights="wt", weight_type="sampling"),
                 lambda: loyalty_model(data, "csat ~ 1", kind="ols", weights="wt",
                                       weight_type="sampling")):
        with pytest.raises(DataError, match=problem) as err:
            call()
        assert err.value.column == "wt" and err.value.rows == rows


def test_frequency_weights_must_be_whole_numbers():
    data = pd.DataFrame({"ces": [5, 4, 1], "f": [1, 2.5, 1]})
    with pytest.raises(DataError, match="not whole numbers") as err:
        metrics.ces(data, weights="f", weight_type="frequency")
    assert err.value.rows == [2]


def test_a_group_whose_answers_all_weigh_zero_is_refused():
    data = pd.DataFrame({"nps": [9, 3, 10], "g": ["a", "b", "b"], "w": [0.0, 1.0, 1.0]})
    with pytest.raises(DataError, match="weight 0") as err:
        metrics.nps(data, by="g", weights="w", weight_type="sampling")
    assert err.value.rows == [1]


# --------------------------------------------------------------------------------------------
# loyalty_model
# --------------------------------------------------------------------------------------------
@pytest.fixture
def customers():
    rng = np.random.default_rng(7)
    n = 80
    x = rng.normal(size=n)
    data = pd.DataFrame({"x": x, "region": rng.integers(0, 9, n),
                         "y": 1 + 0.5 * x + rng.normal(size=n),
                         "f": rng.integers(1, 4, n), "w": rng.gamma(2.0, 1.0, n)})
    data["churned"] = (rng.random(n) < 1 / (1 + np.exp(-0.8 * x))).astype(int)
    data["visits"] = rng.poisson(np.exp(0.2 + 0.3 * x))
    return data


@pytest.mark.parametrize(("formula", "kind"), [("y ~ x", "ols"), ("churned ~ x", "logit"),
                                               ("visits ~ x", "poisson")])
@pytest.mark.parametrize("cluster", [None, "region"])
def test_frequency_weighted_loyalty_model_is_the_fit_on_repeated_rows(customers, formula,
                                                                      kind, cluster):
    expanded = loyalty_model(repeated(customers), formula, kind=kind, cluster=cluster)
    weighted = loyalty_model(customers, formula, kind=kind, cluster=cluster, weights="f",
                             weight_type="frequency")
    # maximum likelihood by Newton (statsmodels' discrete models) vs IRLS (GLM): both
    # converge to 1e-8 in the score, so estimates agree far beyond the printed digits
    tolerance = 1e-10 if kind == "ols" else 1e-5
    pd.testing.assert_frame_equal(weighted.coefficients, expanded.coefficients,
                                  rtol=tolerance, atol=tolerance)
    assert weighted.n == len(customers)
    assert weighted.sum_weights == customers["f"].sum()
    assert "frequency weights 'f'" in weighted.summary()
    assert f"stand for {customers['f'].sum()} answers" in weighted.summary()


def sandwich(x, y, w, mean, derivative, groups=None):
    """svyglm's covariance: G/(G-1) A^-1 (sum_g U_g U_g') A^-1 with A = X' diag(w d) X and
    U_i = w_i (y_i - mu_i) x_i (canonical links)."""
    a = x.T @ (x * (w * derivative)[:, None])
    u = x * (w * (y - mean))[:, None]
    if groups is not None:
        u = pd.DataFrame(u).groupby(groups).sum().to_numpy()
    g = len(u)
    inv = np.linalg.inv(a)
    return g / (g - 1) * inv @ (u.T @ u) @ inv


@pytest.mark.parametrize("cluster", [None, "region"])
def test_sampling_weighted_ols_has_svyglm_sandwich_errors(customers, cluster):
    x = np.column_stack([np.ones(len(customers)), customers["x"]])
    y, w = customers["y"].to_numpy(), customers["w"].to_numpy()
    beta = np.linalg.solve(x.T @ (x * w[:, None]), x.T @ (w * y))
    groups = None if cluster is None else customers[cluster].to_numpy()
    cov = sandwich(x, y, w, x @ beta, np.ones(len(y)), groups)
    model = loyalty_model(customers, "y ~ x", kind="ols", cluster=cluster, weights="w",
                          weight_type="sampling")
    table = model.coefficients
    np.testing.assert_allclose(table["estimate"], beta, rtol=1e-10)
    np.testing.assert_allclose(table["se"], np.sqrt(np.diag(cov)), rtol=1e-10)
    assert model.cov_type.startswith("design-based (sandwich")
    assert "sampling weights 'w'" in model.summary()
    if cluster is None:  # svyglm's t interval with n - k degrees of freedom
        from scipy.stats import t as student_t

        q = student_t.ppf(0.975, len(y) - 2)
        np.testing.assert_allclose(table["ci_high"], beta + q * np.sqrt(np.diag(cov)))


def test_sampling_weighted_logit_has_svyglm_sandwich_errors(customers):
    import statsmodels.api as sm

    x = np.column_stack([np.ones(len(customers)), customers["x"]])
    y, w = customers["churned"].to_numpy(float), customers["w"].to_numpy()
    # the weighted score equations, solved independently (Newton on the weighted likelihood)
    beta = sm.Logit(y, x).fit(disp=0).params
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ beta))
        beta = beta + np.linalg.solve(x.T @ (x * (w * p * (1 - p))[:, None]),
                                      x.T @ (w * (y - p)))
    p = 1 / (1 + np.exp(-x @ beta))
    cov = sandwich(x, y, w, p, p * (1 - p))
    table = loyalty_model(customers, "churned ~ x", kind="logit", weights="w",
                          weight_type="sampling").coefficients
    np.testing.assert_allclose(table["estimate"], beta, rtol=1e-7)
    np.testing.assert_allclose(table["se"], np.sqrt(np.diag(cov)), rtol=1e-6)
    np.testing.assert_allclose(table["odds_ratio"], np.exp(beta), rtol=1e-7)


def test_weights_are_refused_for_models_statsmodels_fits_without_them(customers):
    with pytest.raises(ValueError, match="weights= works with kind"):
        loyalty_model(customers, "visits ~ x", kind="negbin", weights="w",
                      weight_type="sampling")


# --------------------------------------------------------------------------------------------
# raking
# --------------------------------------------------------------------------------------------
def two_by_two(a: float, b: float, c: float, d: float, rows: tuple[float, float],
               cols: tuple[float, float]) -> np.ndarray:
    """The raked cell totals of a 2x2 table with (base-weighted) cell totals a b / c d.

    Raking keeps the cross-product ratio ad/(bc) and meets both margins, so with x the raked
    top-left cell: x (R2 - C1 + x) = r (R1 - x)(C1 - x), r = ad/(bc), a quadratic in x.
    """
    r = a * d / (b * c)
    (r1, r2), (c1, _) = rows, cols
    # (1 - r) x^2 + (R2 - C1 + r (R1 + C1)) x - r R1 C1 = 0
    qa, qb, qc = 1 - r, r2 - c1 + r * (r1 + c1), -r * r1 * c1
    x = (-qb + math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa)
    return np.array([[x, r1 - x], [c1 - x, r2 - c1 + x]])


def test_raking_a_2x2_table_matches_the_hand_computed_cells():
    # cells: north-young 2 rows, north-old 1, south-young 1, south-old 1
    data = pd.DataFrame({"region": ["north", "north", "north", "south", "south"],
                         "age": ["young", "young", "old", "young", "old"]})
    result = metrics.rake(data, {"region": {"north": 0.5, "south": 0.5},
                                 "age": {"young": 0.3, "old": 0.7}})
    cells = two_by_two(2, 1, 1, 1, rows=(2.5, 2.5), cols=(1.5, 3.5))  # shares x 5 rows
    w = result.weights
    assert w[0] == pytest.approx(cells[0, 0] / 2, rel=1e-9)  # two rows share the cell
    assert w[1] == pytest.approx(cells[0, 0] / 2, rel=1e-9)
    assert w[2] == pytest.approx(cells[0, 1], rel=1e-9)
    assert w[3] == pytest.approx(cells[1, 0], rel=1e-9)
    assert w[4] == pytest.approx(cells[1, 1], rel=1e-9)
    assert w.sum() == pytest.approx(5)
    assert result.n_eff == pytest.approx(w.sum() ** 2 / (w**2).sum())


def test_raking_from_base_weights_keeps_their_cross_product_ratio():
    data = pd.DataFrame({"region": ["north", "north", "south", "south"],
                         "age": ["young", "old", "young", "old"],
                         "d": [2.0, 1.0, 1.0, 4.0]})
    result = metrics.rake(data, {"region": {"north": 600, "south": 400},
                                 "age": {"young": 450, "old": 550}}, base_weights="d")
    cells = two_by_two(2, 1, 1, 4, rows=(600, 400), cols=(450, 550))
    np.testing.assert_allclose(result.weights.to_numpy(), cells.ravel(), rtol=1e-9)
    assert result.total == pytest.approx(1000)
    assert "from base weights 'd'" in result.summary()


def test_raked_weights_reproduce_the_target_margins():
    rng = np.random.default_rng(5)
    n = 500
    data = pd.DataFrame({"region": rng.choice(["N", "S", "E", "W"], n, p=[.4, .3, .2, .1]),
                         "age_band": rng.choice(["18-34", "35-54", "55+"], n),
                         "gender": rng.choice(["f", "m"], n, p=[.7, .3])},
                        index=pd.RangeIndex(100, 100 + n))
    margins = {"region": {"N": .25, "S": .25, "E": .25, "W": .25},
               "age_band": {"18-34": .3, "35-54": .4, "55+": .3},
               "gender": {"f": .5, "m": .5}}
    result = metrics.rake(data, margins)
    assert result.weights.index.equals(data.index)
    for variable, targets in margins.items():
        achieved = result.weights.groupby(data[variable]).sum() / result.weights.sum()
        for level, share in targets.items():
            assert achieved[level] == pytest.approx(share, abs=1e-6)
    table = result.to_frame()
    assert (table["raked"] - table["target"]).abs().max() < 1e-6
    assert result.weights.sum() == pytest.approx(n)  # weights average 1
    assert result.design_effect == pytest.approx(n / result.n_eff)


def test_raking_refuses_levels_without_targets_and_missing_values():
    data = pd.DataFrame({"region": ["north", "south", "east", None]})
    with pytest.raises(DataError) as err:
        metrics.rake(data, {"region": {"north": .5, "south": .5}})
    assert err.value.rows == [4] and err.value.column == ["region"]
    with pytest.raises(DataError, match="without a target") as err:
        metrics.rake(data.dropna(), {"region": {"north": .5, "south": .5}})
    assert err.value.rows == [3]
    with pytest.raises(ValueError, match="no row of the data has"):
        metrics.rake(data.iloc[:2], {"region": {"north": .5, "south": .3, "west": .2}})
    with pytest.raises(ValueError, match="disagree on the population total"):
        metrics.rake(pd.DataFrame({"a": ["x", "y"], "b": ["u", "v"]}),
                     {"a": {"x": 10, "y": 20}, "b": {"u": 10, "v": 10}})


def test_margins_no_weights_can_meet_are_refused():
    # region and age coincide in the sample (north = young), so 50/50 and 30/70 cannot hold
    data = pd.DataFrame({"region": ["north", "north", "south"], "age": ["young", "young", "old"]})
    with pytest.raises(ValueError, match="raking did not reach the margins"):
        metrics.rake(data, {"region": {"north": .5, "south": .5},
                            "age": {"young": .3, "old": .7}}, max_iter=50)


def test_raking_matches_levels_that_are_numbers_or_categories():
    data = pd.DataFrame({"band": pd.Categorical([1, 2, 2, 3, 3, 3]),
                         "female": [True, False, True, False, True, False]})
    result = metrics.rake(data, {"band": {1: 1 / 3, 2: 1 / 3, 3: 1 / 3},
                                 "female": {True: 0.5, False: 0.5}})
    shares = result.weights.groupby(data["band"], observed=True).sum() / 6
    np.testing.assert_allclose(shares.to_numpy(), [1 / 3] * 3, atol=1e-9)
    assert result.weights[data["female"]].sum() == pytest.approx(3)
