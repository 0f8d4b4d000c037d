"""Tests for cxkit.metrics: known values, reference implementations, groups, errors, coverage."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import proportion_confint

from cxkit import DataError, metrics

Z95 = norm.ppf(0.975)


@pytest.fixture
def rng():
    return np.random.default_rng(20240301)


def nps_answers(promoters: int, passives: int, detractors: int) -> pd.DataFrame:
    """A survey with the given counts, spread over the points of each category."""
    pro = [9, 10] * (promoters // 2) + [10] * (promoters % 2)
    pas = [7, 8] * (passives // 2) + [8] * (passives % 2)
    det = list(np.arange(detractors) % 7)  # 0..6
    return pd.DataFrame({"nps": pro + pas + det})


# --------------------------------------------------------------------------------------------
# NPS
# --------------------------------------------------------------------------------------------
def test_nps_of_50_promoters_30_passives_20_detractors_is_30_with_hand_computed_se():
    result = metrics.nps(nps_answers(50, 30, 20))
    row = result.iloc[0]
    # var = (p_pro + p_det - (p_pro - p_det)^2) / n = (0.5 + 0.2 - 0.09) / 100 = 0.0061
    se = 100 * math.sqrt(0.0061)
    assert row["estimate"] == pytest.approx(30.0)
    assert row["se"] == pytest.approx(se)
    assert row["se"] == pytest.approx(7.81024967590665)
    assert row["ci_low"] == pytest.approx(30 - Z95 * se)
    assert row["ci_high"] == pytest.approx(30 + Z95 * se)
    assert (row["promoters"], row["passives"], row["detractors"]) == pytest.approx((.5, .3, .2))
    assert row["n"] == 100 and row["n_missing"] == 0
    assert list(result.columns) == ["estimate", "ci_low", "ci_high", "n", "n_missing",
                                    "promoters", "passives", "detractors", "se"]


def test_nps_category_boundaries_are_6_7_8_9():
    data = pd.DataFrame({"nps": [0, 6, 7, 8, 9, 10]})
    row = metrics.nps(data).iloc[0]
    assert (row["detractors"], row["passives"], row["promoters"]) == pytest.approx(
        (2 / 6, 2 / 6, 2 / 6))
    assert row["estimate"] == pytest.approx(0.0)


def test_nps_interval_is_clipped_to_minus_100_and_100():
    near_top = metrics.nps(nps_answers(9, 1, 0)).iloc[0]
    assert near_top["estimate"] == pytest.approx(90.0)
    assert near_top["estimate"] + Z95 * near_top["se"] > 100  # would leave the scale
    assert near_top["ci_high"] == 100.0
    all_detractors = metrics.nps(nps_answers(0, 0, 5)).iloc[0]
    assert all_detractors["estimate"] == -100.0
    assert (all_detractors["ci_low"], all_detractors["ci_high"]) == (-100.0, -100.0)


def test_nps_conf_level_changes_the_normal_quantile():
    data = nps_answers(50, 30, 20)
    wide = metrics.nps(data, conf_level=0.99).iloc[0]
    assert wide["ci_high"] - wide["estimate"] == pytest.approx(norm.ppf(0.995) * wide["se"])


def test_nps_interval_covers_the_true_value_at_its_nominal_level(rng):
    # Categories with shares 0.5 / 0.3 / 0.2, so the true NPS is 30.
    points = [10, 9, 8, 7, 6, 5, 3, 0]
    probs = [0.3, 0.2, 0.15, 0.15, 0.05, 0.05, 0.05, 0.05]
    draws, n, level = 2000, 200, 0.95
    answers = rng.choice(points, size=(draws, n), p=probs)
    data = pd.DataFrame({"draw": np.repeat(np.arange(draws), n), "nps": answers.ravel()})
    result = metrics.nps(data, by="draw", conf_level=level)
    assert len(result) == draws and (result["n"] == n).all()
    coverage = ((result["ci_low"] <= 30) & (30 <= result["ci_high"])).mean()
    # Each draw covers or not with probability `level`: the Monte-Carlo standard error of the
    # coverage is sqrt(level (1 - level) / draws) ~ 0.0049; allow 3 of them.
    tolerance = 3 * math.sqrt(level * (1 - level) / draws)
    assert abs(coverage - level) <= tolerance


# --------------------------------------------------------------------------------------------
# shares with Wilson intervals
# --------------------------------------------------------------------------------------------
def wilson(count, n, level=0.95):
    return proportion_confint(count, n, alpha=1 - level, method="wilson")


SHARES = {
    "csat": (lambda d, **kw: metrics.csat(d, "csat", **kw),
             pd.DataFrame({"csat": [5, 4, 4, 3, 5, 2, 4, 5, 1, 3, 5]}), 7),
    "top_box": (lambda d, **kw: metrics.top_box(d, "enjoy", **kw),
                pd.DataFrame({"enjoy": [7, 6, 7, 5, 3, 7, 6, 4, 1, 7]}), 4),
    "churn_rate": (lambda d, **kw: metrics.churn_rate(d, "churned", **kw),
                   pd.DataFrame({"churned": [True, False, False, True, False, False, True]}), 3),
    "repeat_rate": (lambda d, **kw: metrics.repeat_rate(d, "n_repurchases", **kw),
                    pd.DataFrame({"n_repurchases": [0, 2, 1, 0, 5, 0, 1, 0, 0]}), 4),
}


@pytest.mark.parametrize("name", SHARES)
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_share_intervals_equal_statsmodels_wilson(name, level):
    func, data, count = SHARES[name]
    row = func(data, conf_level=level).iloc[0]
    n = len(data)
    low, high = wilson(count, n, level)
    assert row["count"] == count and row["n"] == n
    assert row["estimate"] == pytest.approx(count / n)
    assert row["ci_low"] == pytest.approx(low, abs=1e-12)
    assert row["ci_high"] == pytest.approx(high, abs=1e-12)


def test_csat_counts_the_two_highest_points_of_its_scale_by_default():
    five = pd.DataFrame({"csat": [1, 2, 3, 4, 5, 5]})
    assert metrics.csat(five).loc[0, "count"] == 3
    seven = pd.DataFrame({"csat": [1, 4, 5, 6, 7, 7]})
    assert metrics.csat(seven, scale=(1, 7)).loc[0, "count"] == 3
    assert metrics.csat(seven, scale=(1, 7), top=5).loc[0, "count"] == 4


def test_top_box_k_counts_the_k_highest_points():
    data = pd.DataFrame({"item": [1, 2, 3, 4, 5, 6, 7]})
    counts = [metrics.top_box(data, "item", k=k).loc[0, "count"] for k in (1, 2, 3, 7)]
    assert counts == [1, 2, 3, 7]
    assert metrics.top_box(data, "item", scale=(0, 10), k=3).loc[0, "count"] == 0


def test_churn_rate_accepts_true_false_1_0_and_nullable_booleans():
    expected = metrics.churn_rate(pd.DataFrame({"churned": [True, False, True]}))
    as_ints = metrics.churn_rate(pd.DataFrame({"churned": [1, 0, 1, np.nan]}))
    nullable = metrics.churn_rate(pd.DataFrame(
        {"churned": pd.array([True, False, True, None], dtype="boolean")}))
    for other in (as_ints, nullable):
        pd.testing.assert_frame_equal(other.drop(columns="n_missing"),
                                      expected.drop(columns="n_missing"))
        assert other.loc[0, "n_missing"] == 1


def test_repeat_rate_counts_customers_with_at_least_one_repeat_purchase():
    data = pd.DataFrame({"n_repurchases": [0, 0, 1, 3, 10]})
    row = metrics.repeat_rate(data).iloc[0]
    assert row["count"] == 3 and row["estimate"] == pytest.approx(0.6)


# --------------------------------------------------------------------------------------------
# CES
# --------------------------------------------------------------------------------------------
def test_ces_is_the_mean_with_a_t_interval(rng):
    data = pd.DataFrame({"ces": rng.integers(1, 8, size=40).astype(float)})
    row = metrics.ces(data, conf_level=0.9).iloc[0]
    x = data["ces"].to_numpy()
    se = x.std(ddof=1) / math.sqrt(len(x))
    low, high = student_t.interval(0.9, len(x) - 1, loc=x.mean(), scale=se)
    assert row["estimate"] == pytest.approx(x.mean())
    assert row["se"] == pytest.approx(se)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_ces_of_one_answer_has_no_interval():
    row = metrics.ces(pd.DataFrame({"ces": [4.0]})).iloc[0]
    assert row["estimate"] == 4.0 and row["n"] == 1
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])


def test_ces_scale_refuses_values_outside_it():
    data = pd.DataFrame({"ces": [1, 7, 8, 4]})
    assert metrics.ces(data).loc[0, "n"] == 4  # no scale given: no range check
    with pytest.raises(DataError, match="not on the 1–7 scale") as err:
        metrics.ces(data, scale=(1, 7))
    assert err.value.rows == [3]


# --------------------------------------------------------------------------------------------
# groups and missing values
# --------------------------------------------------------------------------------------------
def grouped_survey(rng, n=300):
    return pd.DataFrame({
        "segment": rng.choice(["loyal", "new", "lapsed"], size=n),
        "channel": rng.choice(["web", "store"], size=n),
        "nps": rng.integers(0, 11, size=n).astype(float),
        "csat": rng.integers(1, 6, size=n).astype(float),
        "ces": rng.normal(5, 1, size=n),
        "enjoy": rng.integers(1, 8, size=n).astype(float),
        "churned": rng.random(n) < 0.3,
        "n_repurchases": rng.poisson(0.8, size=n).astype(float),
    })


CALLS = {
    "nps": lambda d, **kw: metrics.nps(d, **kw),
    "csat": lambda d, **kw: metrics.csat(d, **kw),
    "ces": lambda d, **kw: metrics.ces(d, **kw),
    "top_box": lambda d, **kw: metrics.top_box(d, "enjoy", k=2, **kw),
    "churn_rate": lambda d, **kw: metrics.churn_rate(d, **kw),
    "repeat_rate": lambda d, **kw: metrics.repeat_rate(d, **kw),
}


@pytest.mark.parametrize("name", CALLS)
def test_by_gives_the_same_numbers_as_filtering_each_group(name, rng):
    data = grouped_survey(rng)
    data.loc[::7, ["nps", "csat", "ces", "enjoy", "n_repurchases"]] = np.nan
    # survey scores refuse missing answers unless told to leave them out
    rule = {"missing": "listwise"} if name in ("nps", "csat", "ces", "top_box") else {}
    func = CALLS[name]
    grouped = func(data, by="segment", **rule).drop(columns="suppressed")
    assert list(grouped["segment"]) == ["lapsed", "loyal", "new"]
    for _, row in grouped.iterrows():
        alone = func(data[data["segment"] == row["segment"]], **rule).iloc[0]
        pd.testing.assert_series_equal(row.drop("segment"), alone, check_names=False,
                                       check_dtype=False)


@pytest.mark.parametrize("name", CALLS)
def test_by_two_columns_gives_one_row_per_combination(name, rng):
    data = grouped_survey(rng)
    func = CALLS[name]
    grouped = func(data, by=["segment", "channel"])
    assert list(grouped.columns[:3]) == ["segment", "channel", "estimate"]
    assert len(grouped) == 6 and grouped["n"].sum() == len(data)
    row = grouped.iloc[-1]
    mask = (data["segment"] == row["segment"]) & (data["channel"] == row["channel"])
    assert row["estimate"] == pytest.approx(func(data[mask]).loc[0, "estimate"])


def test_missing_answers_are_left_out_and_counted_per_group():
    data = pd.DataFrame({"store": ["a", "a", "a", "b", "b"],
                         "nps": [10, None, 3, np.nan, 9]})
    with pytest.raises(DataError, match="missing answer") as err:
        metrics.nps(data, by="store")  # the kit's default: missing="refuse"
    assert err.value.rows == [2, 4] and 'missing="listwise"' in str(err.value)
    with pytest.raises(DataError, match="does not suit a score of one answer column"):
        metrics.nps(data, by="store", missing="mean")
    # groups of 2 and 1: min_n=0 turns the small-cell rule off
    result = metrics.nps(data, by="store", missing="listwise", min_n=0)
    assert result.attrs["missing_note"].rows == [2, 4]
    assert "min_n=0" in result.attrs["small_cells"]["note"]  # both notes, side by side
    assert list(result["n"]) == [2, 1]
    assert list(result["n_missing"]) == [1, 1]
    assert list(result["estimate"]) == pytest.approx([0.0, 100.0])


def test_a_group_with_no_answers_is_kept_with_nan():
    data = pd.DataFrame({"store": ["a", "a", "b"], "csat": [5, 4, None]})
    result = metrics.csat(data, by="store", missing="listwise", min_n=0)
    b = result.set_index("store").loc["b"]
    assert b["n"] == 0 and b["n_missing"] == 1 and b["count"] == 0
    assert math.isnan(b["estimate"]) and math.isnan(b["ci_low"])


def test_rows_with_a_missing_group_value_form_their_own_group():
    data = pd.DataFrame({"store": ["a", None, "a", None], "churned": [True, False, False, False]})
    result = metrics.churn_rate(data, by="store", min_n=0)
    assert len(result) == 2 and result["n"].sum() == 4
    assert result["store"].isna().sum() == 1


def test_categorical_groups_keep_their_order_and_dtype():
    store = pd.Categorical(["z", "a", "z"], categories=["z", "a", "unused"])
    result = metrics.csat(pd.DataFrame({"store": store, "csat": [5, 1, 4]}), by="store")
    assert list(result["store"]) == ["z", "a"]
    assert isinstance(result["store"].dtype, pd.CategoricalDtype)


# --------------------------------------------------------------------------------------------
# retention (Kaplan–Meier)
# --------------------------------------------------------------------------------------------
FIVE = pd.DataFrame({"months": [2, 3, 3, 5, 8], "churned": [1, 1, 0, 1, 0]})


def test_kaplan_meier_on_five_customers_matches_the_product_limit_by_hand():
    curve = metrics.retention_curve(FIVE, duration="months", event="churned")
    # t=2: 5 at risk, 1 churns; t=3: 4 at risk (the one censored at 3 still counts), 1
    # churns; t=5: 2 at risk, 1 churns; 8 is censored.
    assert list(curve["time"]) == [0, 2, 3, 5]
    assert list(curve["n_at_risk"]) == [5, 5, 4, 2]
    assert list(curve["n_events"]) == [0, 1, 1, 1]
    expected = [1.0, 4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 * 1 / 2]
    assert list(curve["estimate"]) == pytest.approx(expected, abs=1e-15)
    assert list(curve["estimate"][1:]) == pytest.approx([0.8, 0.6, 0.3], abs=1e-15)


def test_kaplan_meier_interval_is_greenwood_on_the_log_log_scale():
    curve = metrics.retention_curve(FIVE, duration="months", event="churned", conf_level=0.9)
    z = norm.ppf(0.95)
    greenwood = np.cumsum([1 / (5 * 4), 1 / (4 * 3), 1 / (2 * 1)])  # sum d / (n (n - d))
    surv = np.array([0.8, 0.6, 0.3])
    v = greenwood / np.log(surv) ** 2
    low = surv ** np.exp(z * np.sqrt(v))
    high = surv ** np.exp(-z * np.sqrt(v))
    assert list(curve["ci_low"][1:]) == pytest.approx(low)
    assert list(curve["ci_high"][1:]) == pytest.approx(high)
    assert (curve.loc[0, "ci_low"], curve.loc[0, "ci_high"]) == (1.0, 1.0)


def test_retention_curve_at_given_times_is_the_step_function():
    curve = metrics.retention_curve(FIVE, duration="months", event="churned",
                                    times=[1, 2, 2.5, 4, 8, 9])
    assert list(curve["time"]) == [1, 2, 2.5, 4, 8, 9]
    assert list(curve["estimate"][:5]) == pytest.approx([1.0, 0.8, 0.8, 0.6, 0.3])
    assert list(curve["n_at_risk"]) == [5, 5, 4, 2, 1, 0]
    assert math.isnan(curve["estimate"].iloc[-1])  # beyond the last follow-up: unknown


def test_retention_curve_that_reaches_zero_stays_at_zero():
    data = pd.DataFrame({"t": [1, 2], "e": [True, True]})
    curve = metrics.retention_curve(data, duration="t", event="e", times=[2, 5])
    assert list(curve["estimate"]) == [0.0, 0.0]
    assert curve["ci_low"].isna().all()


def test_retention_curve_matches_statsmodels_on_random_data(rng):
    n = 200
    data = pd.DataFrame({"t": rng.integers(0, 30, size=n).astype(float),
                         "e": rng.random(n) < 0.6})
    assert ((data["t"] == 0) & data["e"]).any()  # churn at time 0: the time-0 row steps down
    full = metrics.retention_curve(data, duration="t", event="e")
    assert (full["time"] == 0).sum() == 1 and full.loc[0, "estimate"] < 1
    curve = full[full["n_events"] > 0]
    fit = SurvfuncRight(data["t"], data["e"].astype(int))
    np.testing.assert_allclose(curve["time"], fit.surv_times)
    np.testing.assert_allclose(curve["estimate"], fit.surv_prob)
    np.testing.assert_array_equal(curve["n_at_risk"], fit.n_risk)
    np.testing.assert_array_equal(curve["n_events"], fit.n_events)


def test_retention_curve_by_group_equals_each_group_alone(rng):
    n = 120
    data = pd.DataFrame({"t": rng.exponential(10, size=n).round(1),
                         "e": rng.random(n) < 0.7,
                         "csr_aware": rng.choice(["no", "yes"], size=n)})
    data.loc[::11, "t"] = np.nan
    grouped = metrics.retention_curve(data, duration="t", event="e", by="csr_aware")
    assert not grouped["suppressed"].any()  # both groups have dozens of customers
    grouped = grouped.drop(columns="suppressed")
    for group in ("no", "yes"):
        alone = metrics.retention_curve(data[data["csr_aware"] == group], duration="t",
                                        event="e")
        mine = grouped[grouped["csr_aware"] == group].drop(columns="csr_aware")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone)
    assert grouped.groupby("csr_aware")["n_missing"].first().sum() == data["t"].isna().sum()


# Remission of acute leukaemia in weeks, Freireich et al. (1963) as given by Gehan (1965): the
# 6-MP arm (relapsed 1, still in remission 0) and the placebo arm (all relapsed).
SIX_MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_WEEKS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
LEUKAEMIA = pd.DataFrame({"weeks": SIX_MP_WEEKS + PLACEBO_WEEKS,
                          "relapsed": SIX_MP_RELAPSED + [1] * 21,
                          "arm": ["6-MP"] * 21 + ["placebo"] * 21})
MEDIAN_COLUMNS = ["median", "median_ci_low", "median_ci_high"]


def _printed(values: str) -> np.ndarray:
    return np.array([float("nan") if v == "NA" else float(v) for v in values.split()])


def _half_unit(values: str) -> np.ndarray:
    """Half a unit in the last printed digit of each value."""
    return np.array([0.5 * 10.0 ** -len(v.split(".")[1]) if "." in v else 0.5
                     for v in values.split()])


def test_leukaemia_curves_reproduce_r_survfit_with_conf_type_log_to_the_printed_digits():
    # R: summary(survfit(Surv(time, status) ~ group)) on these data, conf.type = "log" (R's
    # default); the printed columns survival, lower 95% CI and upper 95% CI.
    printed = {
        "6-MP": ("6 7 10 13 16 22 23",
                 "0.857 0.807 0.753 0.690 0.627 0.538 0.448",
                 "0.720 0.653 0.586 0.510 0.439 0.337 0.249",
                 "1.000 0.996 0.968 0.935 0.896 0.858 0.807"),
        "placebo": ("1 2 3 4 5 8 11 12 15 17 22 23",
                    "0.9048 0.8095 0.7619 0.6667 0.5714 0.3810 0.2857 0.1905 0.1429 0.0952 "
                    "0.0476 0.0000",
                    "0.78754 0.65785 0.59988 0.49268 0.39455 0.22085 0.14529 0.07887 0.05011 "
                    "0.02549 0.00703 NA",
                    "1.000 0.996 0.968 0.902 0.828 0.657 0.562 0.460 0.407 0.356 0.322 NA"),
    }
    curve = metrics.retention_curve(LEUKAEMIA, duration="weeks", event="relapsed", by="arm",
                                    ci="log")
    for arm, (times, surv, low, high) in printed.items():
        mine = curve[(curve["arm"] == arm) & (curve["time"] > 0)]
        np.testing.assert_array_equal(mine["time"], _printed(times))
        for column, values in zip(("estimate", "ci_low", "ci_high"), (surv, low, high),
                                  strict=True):
            np.testing.assert_array_less(np.abs(mine[column] - _printed(values))
                                         .fillna(0), _half_unit(values) + 1e-12)
            assert (mine[column].isna().to_numpy() == np.isnan(_printed(values))).all()
    # R: print(survfit(...)) gives  median 0.95LCL 0.95UCL:  6-MP 23 16 NA,  placebo 8 4 12.
    medians = curve.drop_duplicates("arm").set_index("arm")
    np.testing.assert_array_equal(medians.loc["6-MP", MEDIAN_COLUMNS].astype(float),
                                  [23, 16, np.nan])
    np.testing.assert_array_equal(medians.loc["placebo", MEDIAN_COLUMNS].astype(float),
                                  [8, 4, 12])
    assert medians.loc["6-MP", "median_note"].startswith("upper limit not reached")
    assert medians.loc["placebo", "median_note"] == ""


def test_median_interval_on_the_log_log_scale_is_the_crossing_of_its_hand_computed_limits():
    data = LEUKAEMIA[LEUKAEMIA["arm"] == "6-MP"]
    curve = metrics.retention_curve(data, duration="weeks", event="relapsed")
    # Greenwood by hand from the published life table of the 6-MP arm
    times = np.array([6, 7, 10, 13, 16, 22, 23])
    at_risk = np.array([21, 17, 15, 12, 11, 7, 6])
    relapses = np.array([3, 1, 1, 1, 1, 1, 1])
    surv = np.cumprod(1 - relapses / at_risk)
    sigma = np.sqrt(np.cumsum(relapses / (at_risk * (at_risk - relapses))))
    low = surv ** np.exp(Z95 * sigma / np.abs(np.log(surv)))
    high = surv ** np.exp(-Z95 * sigma / np.abs(np.log(surv)))
    np.testing.assert_allclose(curve["ci_low"][1:], low)
    np.testing.assert_allclose(curve["ci_high"][1:], high)
    assert (low[times < 13] > 0.5).all() and low[times == 13] <= 0.5  # lower limit: 13
    assert (high > 0.5).all()  # upper limit: never
    np.testing.assert_array_equal(curve.loc[0, MEDIAN_COLUMNS].astype(float), [23, 13, np.nan])
    # statsmodels' SAS-style inversion of the pointwise test agrees (inf: not reached)
    fit = SurvfuncRight(data["weeks"], data["relapsed"])
    assert fit.quantile(0.5) == 23 and fit.quantile_ci(0.5, method="cloglog") == (13, np.inf)


@pytest.mark.parametrize(("ci", "method"), [("log-log", "cloglog"), ("log", "log")])
def test_median_and_its_interval_equal_statsmodels_quantile_ci_on_random_curves(ci, method):
    # Continuous times (no flat stretch at 0.5) and many customers still at risk at the end,
    # where statsmodels' inversion of the pointwise test and R's crossing rule coincide.
    for seed in range(10):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(60, 300))
        churn, censor = rng.exponential(10, n), rng.uniform(5, 30, n)
        data = pd.DataFrame({"t": np.minimum(churn, censor), "e": churn <= censor})
        row = metrics.retention_curve(data, duration="t", event="e", ci=ci).iloc[0]
        fit = SurvfuncRight(data["t"], data["e"].astype(int))
        low, high = fit.quantile_ci(0.5, method=method)
        expected = [fit.quantile(0.5), low, np.nan if np.isinf(high) else high]
        np.testing.assert_array_equal(row[MEDIAN_COLUMNS].astype(float), expected)


@pytest.mark.parametrize(("ci", "limits"), [("log-log", (86, 230)), ("log", (107, 332))])
def test_quartile_interval_reproduces_sas_lifetest_on_the_bone_marrow_data(ci, limits):
    # Klein & Moeschberger's bone-marrow transplant data, ALL group (disease-free days, 1 =
    # relapse or death): SAS PROC LIFETEST's documented 95% interval of the 25th percentile
    # (also statsmodels' reference values). The public function reports the median; the
    # crossing rule behind it is the same for any level.
    from cxkit.metrics.behaviour import _first_at_half, _interval

    days = [2081, 1602, 1496, 1462, 1433, 1377, 1330, 996, 226, 1199, 1111, 530, 1182, 1167,
            418, 383, 276, 104, 609, 172, 487, 662, 194, 230, 526, 122, 129, 74, 122, 86, 466,
            192, 109, 55, 1, 107, 110, 332]
    fit = SurvfuncRight(np.array(days, float), np.array([0] * 14 + [1] * 24, float))
    low, high = _interval(fit.surv_prob, fit.surv_prob_se, Z95, ci)
    found = [_first_at_half(fit.surv_times, limit, max(days), p=0.75) for limit in (low, high)]
    assert tuple(found) == limits


def test_median_takes_the_midpoint_where_the_curve_sits_at_one_half_as_r_does():
    # S = 0.75, 0.5, 0.25, 0 at 1, 2, 3, 4: R's survfit prints median 2.5
    four = pd.DataFrame({"t": [1, 2, 3, 4], "e": 1})
    assert metrics.retention_curve(four, duration="t", event="e").loc[0, "median"] == 2.5
    # at 0.5 from 2 up to the longest follow-up (4, censored): the midpoint 3
    ends = pd.DataFrame({"t": [1, 2, 3, 4], "e": [1, 1, 0, 0]})
    assert metrics.retention_curve(ends, duration="t", event="e").loc[0, "median"] == 3.0


def test_a_median_that_is_not_reached_is_nan_with_its_reason_per_group():
    data = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6, 1, 2, 3, np.nan],
                         "e": [1, 0, 0, 0, 0, 0, 1, 1, 1, 1],
                         "g": ["a"] * 6 + ["b"] * 3 + ["c"]})
    curve = metrics.retention_curve(data, duration="t", event="e", by="g", min_n=0)
    medians = curve.drop_duplicates("g").set_index("g")
    # one churn among six: the median is not reached, the log-log lower limit is (1)
    np.testing.assert_array_equal(medians.loc["a", MEDIAN_COLUMNS].astype(float),
                                  [np.nan, 1, np.nan])
    assert medians.loc["a", "median_note"].startswith(
        "median not reached: the curve stays above 0.5 (at 0.833 at the longest follow-up, 6)")
    assert "upper limit not reached" in medians.loc["a", "median_note"]
    assert medians.loc["b", "median"] == 2  # S = 2/3, 1/3, 0
    assert medians.loc["c", MEDIAN_COLUMNS].isna().all()
    assert medians.loc["c", "median_note"] == "no customer with both a duration and an event"
    # the median columns are the group's, on every row of it, whatever the times asked for
    at = metrics.retention_curve(data, duration="t", event="e", by="g", times=[0.5, 10],
                                 min_n=0)
    assert (at.groupby("g")["median_note"].nunique() == 1).all()
    pd.testing.assert_frame_equal(at.drop_duplicates("g")[["g", *MEDIAN_COLUMNS]]
                                  .reset_index(drop=True),
                                  curve.drop_duplicates("g")[["g", *MEDIAN_COLUMNS]]
                                  .reset_index(drop=True))


def test_log_interval_is_greenwood_on_the_log_scale_cut_at_one():
    curve = metrics.retention_curve(FIVE, duration="months", event="churned", ci="log",
                                    conf_level=0.9)
    z = norm.ppf(0.95)
    sigma = np.sqrt(np.cumsum([1 / (5 * 4), 1 / (4 * 3), 1 / (2 * 1)]))
    surv = np.array([0.8, 0.6, 0.3])
    np.testing.assert_allclose(curve["ci_low"][1:], surv * np.exp(-z * sigma))
    np.testing.assert_allclose(curve["ci_high"][1:], np.minimum(surv * np.exp(z * sigma), 1))
    assert curve["ci_high"].iloc[1] == 1.0  # 0.8 exp(z sigma) > 1: cut at 1
    log_log = metrics.retention_curve(FIVE, duration="months", event="churned", conf_level=0.9)
    pd.testing.assert_series_equal(curve["estimate"], log_log["estimate"])


def test_retention_curve_refuses_an_unknown_interval_scale():
    with pytest.raises(ValueError, match="ci must be one of 'log-log', 'log', not 'plain'"):
        metrics.retention_curve(FIVE, duration="months", event="churned", ci="plain")


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def test_nps_off_the_scale_names_the_rows():
    data = pd.DataFrame({"nps": [10, 9, 11, 5, -1, 8.5]})
    with pytest.raises(DataError, match="not on the 0–10 scale: -1, 8.5, 11") as err:
        metrics.nps(data)
    assert err.value.rows == [3, 5, 6]
    assert err.value.column == "nps"
    assert "rows 3, 5, 6" in str(err.value)


def test_csat_6_on_a_1_to_5_scale_names_the_row():
    data = pd.DataFrame({"csat": [5, 4, 6, 3]})
    with pytest.raises(DataError, match="not on the 1–5 scale: 6") as err:
        metrics.csat(data)
    assert err.value.rows == [3]
    assert metrics.csat(data, scale=(1, 7)).loc[0, "n"] == 4


def test_top_box_off_the_scale_names_the_rows():
    with pytest.raises(DataError) as err:
        metrics.top_box(pd.DataFrame({"x": [0, 7, 8]}), "x", scale=(1, 7))
    assert err.value.rows == [1, 3]


def test_row_numbers_are_positions_not_index_labels():
    data = pd.DataFrame({"nps": [10, 12, 3]}, index=[100, 200, 300])
    with pytest.raises(DataError) as err:
        metrics.nps(data)
    assert err.value.rows == [2]


def test_text_values_are_refused_with_their_rows():
    data = pd.DataFrame({"nps": [10, "n/a", 7, "9"]})
    with pytest.raises(DataError, match="not a number") as err:
        metrics.nps(data)
    assert err.value.rows == [2, 4]


@pytest.mark.parametrize("call", [
    lambda d: metrics.nps(d, "score"),
    lambda d: metrics.csat(d, "score"),
    lambda d: metrics.ces(d, "score"),
    lambda d: metrics.top_box(d, "score"),
    lambda d: metrics.churn_rate(d, "score"),
    lambda d: metrics.repeat_rate(d, "score"),
    lambda d: metrics.retention_curve(d, duration="score", event="nps"),
])
def test_an_absent_column_is_named(call):
    with pytest.raises(DataError, match="not in the data") as err:
        call(pd.DataFrame({"nps": [9, 10]}))
    assert "score" in str(err.value)


def test_an_absent_by_column_is_named():
    with pytest.raises(DataError, match="'store'"):
        metrics.nps(pd.DataFrame({"nps": [9, 10]}), by="store")


@pytest.mark.parametrize("name", CALLS)
def test_empty_data_are_refused(name):
    empty = grouped_survey(np.random.default_rng(0)).iloc[:0]
    with pytest.raises(DataError, match="no rows"):
        CALLS[name](empty)


def test_a_column_with_every_value_missing_is_refused():
    with pytest.raises(DataError, match="every value is missing"):
        metrics.csat(pd.DataFrame({"csat": [np.nan, np.nan]}))


def test_churn_text_is_refused_with_its_rows():
    with pytest.raises(DataError, match="not true/false: 'yes'") as err:
        metrics.churn_rate(pd.DataFrame({"churned": [True, "yes", False]}))
    assert err.value.rows == [2]
    with pytest.raises(DataError) as err:
        metrics.churn_rate(pd.DataFrame({"churned": [0, 1, 2]}))
    assert err.value.rows == [3]


def test_negative_or_fractional_repeat_counts_are_refused():
    with pytest.raises(DataError, match="not a count") as err:
        metrics.repeat_rate(pd.DataFrame({"n_repurchases": [0, -1, 2, 1.5]}))
    assert err.value.rows == [2, 4]


def test_negative_durations_are_refused():
    data = pd.DataFrame({"t": [3, -2, 4], "e": [1, 0, 1]})
    with pytest.raises(DataError, match="negative duration") as err:
        metrics.retention_curve(data, duration="t", event="e")
    assert err.value.rows == [2]


@pytest.mark.parametrize("level", [0, 1, 95, -0.5, "0.95", True])
def test_conf_level_outside_0_1_is_a_value_error(level):
    with pytest.raises(ValueError, match="conf_level"):
        metrics.nps(pd.DataFrame({"nps": [9, 10]}), conf_level=level)


def test_bad_scale_arguments_are_value_errors():
    data = pd.DataFrame({"csat": [5, 4]})
    with pytest.raises(ValueError, match="top"):
        metrics.csat(data, top=6)
    with pytest.raises(ValueError, match="scale"):
        metrics.csat(data, scale=(5, 1))
    with pytest.raises(ValueError, match="k must"):
        metrics.top_box(data, "csat", scale=(1, 5), k=6)


def test_importing_metrics_does_not_import_statsmodels_or_scipy():
    code = ("import sys, cxkit.metrics; "
            "print(sorted(m for m in ('scipy', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# conf_level (formerly level), signatures and docstrings
# --------------------------------------------------------------------------------------------
LEVEL_CALLS = {
    "nps": (metrics.nps, {}),
    "csat": (metrics.csat, {}),
    "top_box": (metrics.top_box, {"column": "enjoy"}),
    "ces": (metrics.ces, {}),
    "churn_rate": (metrics.churn_rate, {}),
    "repeat_rate": (metrics.repeat_rate, {}),
    "retention_curve": (metrics.retention_curve, {"duration": "n_repurchases",
                                                  "event": "churned"}),
}


@pytest.mark.parametrize("name", LEVEL_CALLS)
def test_deprecated_level_still_works_with_a_future_warning(name, rng):
    func, kwargs = LEVEL_CALLS[name]
    data = grouped_survey(rng)
    with pytest.warns(FutureWarning, match=rf"{name}\(\): level= is now conf_level="):
        old = func(data, level=0.9, by="segment", **kwargs)
    new = func(data, conf_level=0.9, by="segment", **kwargs)
    pd.testing.assert_frame_equal(old, new)
    assert not old.equals(func(data, by="segment", **kwargs))  # 0.9, not the default 0.95


@pytest.mark.parametrize("name", LEVEL_CALLS)
def test_by_and_conf_level_are_keyword_only(name):
    import inspect

    func, _ = LEVEL_CALLS[name]
    parameters = inspect.signature(func).parameters
    for keyword in ("by", "conf_level", "level"):
        assert parameters[keyword].kind is inspect.Parameter.KEYWORD_ONLY, keyword
    positional = [p for p in parameters.values()
                  if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert [p.name for p in positional][:1] == ["data"] and len(positional) <= 2


@pytest.mark.parametrize("name", LEVEL_CALLS)
def test_docstrings_keep_their_formulas_and_name_conf_level(name):
    doc = LEVEL_CALLS[name][0].__doc__
    assert "{doc:" not in doc and "{level}" not in doc
    assert "conf_level : float" in doc and "level : float, optional" in doc
    # no parameter text was pasted into a formula (help(nps) once printed the level text
    # inside \text{...})
    for block in doc.split(".. math::")[1:]:
        formula = block.split("\n\n")[1]
        assert "Confidence level of the" not in formula and "Deprecated" not in formula
    assert "\\text{conf\\_level}" in doc  # the z quantile's formula, intact


@pytest.mark.parametrize("name", LEVEL_CALLS)
def test_passing_both_level_and_conf_level_is_refused(name, rng):
    func, kwargs = LEVEL_CALLS[name]
    with pytest.raises(TypeError, match=rf"{name}\(\) got both level= and conf_level="):
        func(grouped_survey(rng), level=0.9, conf_level=0.8, **kwargs)
