"""Tests for cxkit.concepts: hand-computed cases, reference implementations (statsmodels) and the
simulator's truth recovered by moments_of_truth.

Statistical checks pass when an estimate lies within ``Z`` standard errors of the true value
(``Z = 3``); seeds are fixed, the tolerances are not tuned to them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import norm
from scipy.stats import t as student_t
from statsmodels.stats.proportion import proportion_confint

import cxkit
from cxkit import (
    DataError,
    behavioural_engagement,
    circles,
    cx_pyramid,
    engagement_scores,
    experience_economy,
    journey_stages,
    moments_of_truth,
    stages_wide,
)

Z = 3.0
ITEMS = {p: [f"{p}_{k}" for k in (1, 2, 3)] for p in ("needs", "ease", "enjoy", "loy", "cog",
                                                       "emo", "beh")}


def utc(*times: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(times), utc=True, format="ISO8601"))


# ------------------------------------------------------------------------------------ circles
@pytest.fixture
def four_customers() -> pd.DataFrame:
    """a: engagement + interaction; b: experience; c: engagement twice and an unknown
    touchpoint; d: interaction + experience."""
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c", "c", "d", "d"],
        "touchpoint": ["email_click", "purchase", "ad_impression", "web_visit", "web_visit",
                       "mystery_kiosk", "support_call", "service_failure"],
        "level": ["engagement", "interaction", "experience", "engagement", "engagement",
                  np.nan, "interaction", "experience"]})


def test_circles_count_every_level_under_both_readings(four_customers):
    result = circles(four_customers)
    levels = result.levels.set_index(["reading", "level"])
    expected = {  # (customers, events)
        ("nested", "engagement"): (2, 3),       # a, c
        ("nested", "interaction"): (3, 5),      # a, c + d: interaction OR engagement
        ("nested", "experience"): (4, 7),       # everyone with a classified event
        ("nested", "unclassified"): (1, 1),     # c's unknown touchpoint
        ("disjoint", "engagement"): (2, 3),     # a, c
        ("disjoint", "interaction"): (2, 2),    # a, d
        ("disjoint", "experience"): (2, 2),     # b, d
        ("disjoint", "unclassified"): (1, 1),
    }
    for key, (customers, events) in expected.items():
        assert levels.loc[key, "customers"] == customers, key
        assert levels.loc[key, "events"] == events, key
        assert levels.loc[key, "share_of_customers"] == pytest.approx(customers / 4), key
    assert list(result.levels.columns) == ["reading", "level", "customers", "events",
                                           "share_of_customers"]
    assert (result.n_customers, result.n_events) == (4, 8)
    assert result.to_frame().equals(result.levels)


def test_circles_overlaps_give_each_customer_one_combination(four_customers):
    overlaps = circles(four_customers).overlaps.set_index("combination")["customers"]
    assert overlaps.to_dict() == {
        "engagement + interaction + experience": 0, "engagement + interaction": 1,  # a
        "engagement + experience": 0, "interaction + experience": 1,  # d
        "engagement": 1, "interaction": 0, "experience": 1,  # c, b
        "none": 0}
    assert overlaps.sum() == 4


def test_customer_with_only_unknown_touchpoints_is_in_no_circle_but_still_counted():
    events = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint": ["purchase", "kiosk"],
                           "level": ["interaction", None]})
    result = circles(events)
    nested = result.levels[result.levels["reading"] == "nested"].set_index("level")
    assert nested.loc["experience", "customers"] == 1
    assert nested.loc["experience", "share_of_customers"] == 0.5  # of both customers
    assert result.overlaps.set_index("combination").loc["none", "customers"] == 1
    assert result.unclassified.to_dict("records") == [
        {"touchpoint": "kiosk", "events": 1, "customers": 1}]


def test_circles_classify_events_without_a_level_column(four_customers):
    without = four_customers.drop(columns="level")
    pd.testing.assert_frame_equal(circles(without).levels, circles(four_customers).levels)


def test_nested_circles_are_nested_and_agree_with_the_overlaps(study):
    result = circles(study.events)
    nested = result.levels[result.levels["reading"] == "nested"].set_index("level")
    assert (nested.loc["engagement", "customers"] <= nested.loc["interaction", "customers"]
            <= nested.loc["experience", "customers"])
    assert nested.loc["experience", "events"] == study.events["level"].notna().sum()
    overlaps = result.overlaps
    assert overlaps["customers"].sum() == study.events["customer_id"].nunique()
    disjoint = result.levels[result.levels["reading"] == "disjoint"].set_index("level")
    for level in ("engagement", "interaction", "experience"):
        assert overlaps.loc[overlaps[level], "customers"].sum() == \
            disjoint.loc[level, "customers"]


def test_circles_refuse_an_unknown_level_naming_the_rows(four_customers):
    bad = four_customers.assign(level=four_customers["level"].where(
        four_customers.index != 2, "exposure"))
    with pytest.raises(DataError, match="exposure") as err:
        circles(bad)
    assert err.value.column == "level" and err.value.rows == [3]


def test_circles_refuse_missing_customer_ids_and_missing_columns(four_customers):
    with pytest.raises(DataError) as err:
        circles(four_customers.assign(customer_id=["a", None, "b", "c", "c", "c", "d", "d"]))
    assert err.value.column == "customer_id" and err.value.rows == [2]
    with pytest.raises(DataError, match="not in the events") as err:
        circles(four_customers.drop(columns="customer_id"))
    assert err.value.column == ["customer_id"]
    with pytest.raises(DataError, match="missing value") as err:
        circles(four_customers.assign(touchpoint=four_customers["touchpoint"].where(
            four_customers.index != 4)))
    assert err.value.column == "touchpoint" and err.value.rows == [5]


def test_circles_is_a_result_of_counts_without_intervals(four_customers):
    from cxkit._results import Result

    result = circles(four_customers)
    assert isinstance(result, Result) and result.fit is None
    assert "4 customers, 8 events" in result.summary() and repr(result) == result.summary()
    assert "<table" in result._repr_html_()
    with pytest.raises(ValueError, match="Circles has no confidence interval"):
        result.conf_int()
    with pytest.raises(ValueError):  # nor at another level
        result.conf_int(conf_level=0.9)


# ----------------------------------------------------------------------------- journey stages
@pytest.fixture
def two_journeys() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a"] * 6 + ["b"] * 2,
        "timestamp": utc("2024-01-01 00:00", "2024-01-04 12:00", "2024-01-10 00:00",
                         "2024-01-02 00:00", "2024-01-12 00:00", "2024-01-20 06:00",
                         "2024-02-05 00:00", "2024-02-01 00:00"),
        "touchpoint": ["ad_impression", "product_page_view", "purchase",
                       "social_ad_impression", "delivery", "support_call",
                       "ad_impression", "purchase"]})


def test_journey_stages_first_times_and_days_to_the_next_stage(two_journeys):
    stages = journey_stages(two_journeys)
    assert list(stages.columns) == ["customer_id", "stage", "first_at", "sequence",
                                    "next_stage", "days_to_next_stage"]
    a = stages[stages["customer_id"] == "a"]
    assert a["stage"].tolist() == ["awareness", "consideration", "purchase", "service"]
    assert a["first_at"].tolist() == list(utc("2024-01-01", "2024-01-04 12:00", "2024-01-10",
                                              "2024-01-20 06:00"))
    assert a["sequence"].tolist() == [1, 2, 3, 4]
    assert a["next_stage"].tolist()[:3] == ["consideration", "purchase", "service"]
    # 3.5 days awareness -> consideration, 5.5 to purchase, 10.25 to service, then none
    np.testing.assert_allclose(a["days_to_next_stage"], [3.5, 5.5, 10.25, np.nan])


def test_a_journey_that_goes_backwards_is_timed_in_the_order_lived(two_journeys):
    b = journey_stages(two_journeys).query("customer_id == 'b'")
    # rows in the catalogue's order; sequence and timing in the order the customer lived them
    assert b["stage"].tolist() == ["awareness", "purchase"]
    assert b["sequence"].tolist() == [2, 1]
    assert b["next_stage"].isna().tolist() == [True, False]
    np.testing.assert_allclose(b["days_to_next_stage"], [np.nan, 4.0])
    assert isinstance(b["stage"].dtype, pd.CategoricalDtype) and b["stage"].dtype.ordered


def test_stages_reached_at_the_same_moment_follow_the_catalogue_order():
    events = pd.DataFrame({"customer_id": ["a", "a"],
                           "timestamp": utc("2024-01-01", "2024-01-01"),
                           "touchpoint": ["purchase", "ad_impression"]})
    stages = journey_stages(events)
    assert stages["sequence"].tolist() == [1, 2]
    assert stages["days_to_next_stage"].tolist()[0] == 0.0


def test_stages_wide_spreads_every_stage_in_catalogue_order(two_journeys):
    wide = stages_wide(journey_stages(two_journeys), values="days_to_next_stage")
    assert list(wide.columns) == ["awareness", "consideration", "purchase", "use", "service",
                                  "loyalty", "exit"]
    assert wide.loc["a", "purchase"] == pytest.approx(10.25)
    assert wide.loc["b", "purchase"] == pytest.approx(4.0)
    assert np.isnan(wide.loc["b", "consideration"])


def test_events_without_a_stage_are_refused_or_skipped_when_asked(two_journeys):
    events = pd.concat([two_journeys, pd.DataFrame({
        "customer_id": ["a"], "timestamp": utc("2024-01-03"), "touchpoint": ["kiosk"]})],
        ignore_index=True)
    with pytest.raises(DataError, match="without a journey stage") as err:
        journey_stages(events)
    assert err.value.rows == [9]
    skipped = journey_stages(events, on_unknown="skip")
    assert skipped.attrs["skipped_events"] == 1
    pd.testing.assert_frame_equal(skipped, journey_stages(two_journeys))


def test_journey_stages_refuse_text_timestamps(two_journeys):
    with pytest.raises(DataError, match="not a date-time") as err:
        journey_stages(two_journeys.assign(timestamp="2024-01-01"))
    assert err.value.column == "timestamp"


# ---------------------------------------------------------------------------- moments of truth
@pytest.fixture
def six_customers():
    """c1, c2 failed within 30 days of the survey; c3 only long before; c4 at the very moment
    of the survey and c5 after it (neither counts); c6 never."""
    events = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "timestamp": utc("2024-02-20", "2024-02-25 18:00", "2023-12-01", "2024-03-01 00:00",
                         "2024-03-05", "2024-01-10"),
        "touchpoint": ["service_failure"] * 5 + ["ad_impression"]})
    outcomes = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
                             "survey_date": pd.to_datetime(["2024-03-01"] * 6),
                             "csat": [3, 4, 2, 6, 5, 7]})
    return events, outcomes


def test_moment_of_truth_is_the_difference_exposed_vs_never_exposed(six_customers):
    events, outcomes = six_customers
    mot = moments_of_truth(events, outcomes, outcome="csat", window="30D",
                           touchpoints=["service_failure"], min_exposed=1)
    row = mot.iloc[0]
    # exposed c1, c2 (mean 3.5); c3 met it only before the window: excluded; c4, c5, c6: 6
    assert row["estimate"] == pytest.approx(3.5 - 6.0)
    assert (row["n_exposed"], row["n_excluded"], row["n"]) == (2, 1, 5)
    assert row["level"] == "experience" and row["rank"] == 1
    # the interval is statsmodels' OLS with HC1 errors on the five compared customers
    x = sm.add_constant(np.array([1, 1, 0, 0, 0], dtype=float))
    fit = sm.OLS(np.array([3, 4, 6, 5, 7], dtype=float), x).fit(cov_type="HC1")
    assert row["se"] == pytest.approx(fit.bse[1])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int()[1]))


def test_a_window_as_long_as_the_data_counts_every_earlier_exposure(six_customers):
    events, outcomes = six_customers
    row = moments_of_truth(events, outcomes, outcome="csat", window="730D",
                           touchpoints="service_failure", min_exposed=1).iloc[0]
    assert row["estimate"] == pytest.approx((3 + 4 + 2) / 3 - 6.0)
    assert (row["n_exposed"], row["n_excluded"], row["n"]) == (3, 0, 6)


def test_touchpoints_with_too_few_exposed_get_no_estimate_and_no_rank(six_customers):
    events, outcomes = six_customers
    mot = moments_of_truth(events, outcomes, outcome="csat", window="30D", min_exposed=2)
    assert mot["touchpoint"].tolist() == ["service_failure", "ad_impression"]
    assert mot["rank"].tolist()[0] == 1 and pd.isna(mot["rank"].iloc[1])
    # c6 met the advertisement 51 days before: excluded, so nobody is exposed
    assert np.isnan(mot["estimate"].iloc[1])
    assert (mot["n_exposed"].iloc[1], mot["n_excluded"].iloc[1]) == (0, 1)


def test_moments_of_truth_are_ranked_by_absolute_effect(study):
    mot = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
                           controls=["wave"])
    ranked = mot.dropna(subset=["estimate"])
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    assert ranked["estimate"].abs().is_monotonic_decreasing
    assert set(mot["touchpoint"]) == set(study.events["touchpoint"])
    assert (ranked["ci_low"] < ranked["estimate"]).all()
    assert (ranked["estimate"] < ranked["ci_high"]).all()
    assert mot.attrs == {"outcome": "csat", "window": "365 days", "adjust": "holm",
                         "tests": len(ranked), "multiplicity": (
                             f"p_adjusted: Holm's method over the {len(ranked)} touchpoints "
                             "tested (family-wise error rate 5%)")}


@pytest.mark.parametrize("adjust", ["holm", "fdr_bh"])
def test_moments_of_truth_adjust_p_values_as_statsmodels_multipletests(study, adjust):
    from statsmodels.stats.multitest import multipletests

    mot = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
                           controls=["wave"], adjust=adjust, conf_level=0.9)
    tested = mot.dropna(subset=["estimate"])
    assert tested["p_value"].notna().all() and mot.attrs["tests"] == len(tested) > 20
    reject, expected, _, _ = multipletests(tested["p_value"], alpha=0.1, method=adjust)
    assert tested["p_adjusted"].to_numpy() == pytest.approx(expected, rel=1e-12)
    assert tested["significant"].tolist() == reject.tolist()
    assert not mot.loc[mot["estimate"].isna(), "significant"].any()
    assert mot.attrs["adjust"] == adjust
    rate = "family-wise error rate" if adjust == "holm" else "false discovery rate"
    assert f"({rate} 10%)" in mot.attrs["multiplicity"]
    # the p-value is that of the estimate's own (normal, HC1 or clustered) interval
    z = (tested["estimate"] / tested["se"]).abs()
    assert tested["p_value"].to_numpy() == pytest.approx(2 * norm.sf(z), rel=1e-9)
    plain = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
                             controls=["wave"], adjust=None, conf_level=0.9)
    assert plain["p_adjusted"].equals(plain["p_value"])
    assert plain["significant"].sum() >= mot["significant"].sum()
    assert plain.attrs["multiplicity"].startswith("p_adjusted: not adjusted")


def test_holm_and_benjamini_hochberg_on_a_hand_made_scan():
    # twelve respondents, three touchpoints met by four each, one met by a single respondent
    # (no estimate: it is not counted among the tests)
    met = {"service_failure": [1, 2, 3, 4], "complaint": [1, 2, 5, 6],
           "delivery": [3, 5, 7, 9], "ad_impression": [12]}
    events = pd.DataFrame([(f"c{k}", tp) for tp, who in met.items() for k in who],
                          columns=["customer_id", "touchpoint"]).assign(
        timestamp=pd.Timestamp("2024-02-01", tz="UTC"))
    csat = np.array([2, 3, 3, 4, 5, 4, 6, 5, 6, 7, 6, 7], dtype=float)
    outcomes = pd.DataFrame({"customer_id": [f"c{k}" for k in range(1, 13)],
                             "survey_date": pd.Timestamp("2024-03-01"), "csat": csat})
    p = {}
    for tp in ("service_failure", "complaint", "delivery"):
        exposed = np.isin(np.arange(1, 13), met[tp]).astype(float)
        p[tp] = sm.OLS(csat, sm.add_constant(exposed)).fit(cov_type="HC1").pvalues[1]
    first, second, third = sorted(p, key=p.get)
    holm = {first: min(1, 3 * p[first])}
    holm[second] = max(holm[first], min(1, 2 * p[second]))
    holm[third] = max(holm[second], p[third])
    bh = {third: p[third]}
    bh[second] = min(bh[third], 3 / 2 * p[second])
    bh[first] = min(bh[second], 3 * p[first])
    for adjust, expected in (("holm", holm), ("fdr_bh", bh), (None, p)):
        mot = moments_of_truth(events, outcomes, outcome="csat", window="365D",
                               min_exposed=2, adjust=adjust).set_index("touchpoint")
        assert mot.attrs["tests"] == 3 and np.isnan(mot.loc["ad_impression", "p_adjusted"])
        for tp, value in expected.items():
            assert mot.loc[tp, "p_value"] == pytest.approx(p[tp], rel=1e-12)
            assert mot.loc[tp, "p_adjusted"] == pytest.approx(value, rel=1e-12)
            assert mot.loc[tp, "significant"] == (value < 0.05)
    assert holm[first] < 0.05 < holm[third]  # the case separates flagged from not flagged
    with pytest.raises(ValueError, match="adjust must be one of"):
        moments_of_truth(events, outcomes, outcome="csat", adjust="bonferroni")


@pytest.fixture(scope="module")
def check_study():
    # built to check the truth (as in test_simulate): everyone active invited, answers do not
    # depend on satisfaction, large enough for small errors
    return cxkit.simulate_study(12_000, seed=21, nonresponse=0.0, invite_share=1.0,
                                response_rate=0.9)


def _failure_flags(study):
    """Per survey row: service failure before the survey date; the failure was resolved."""
    events, survey = study.events, study.survey
    first_failure = (events[events["touchpoint"] == "service_failure"]
                     .groupby("customer_id")["timestamp"].min())
    resolved = set(events.loc[events["touchpoint"] == "complaint_resolved", "customer_id"])
    failed = (survey["customer_id"].map(first_failure).dt.tz_localize(None)
              < survey["survey_date"])
    return failed.to_numpy(), survey["customer_id"].isin(resolved).to_numpy()


def test_service_failure_effect_on_csat_is_recovered(check_study):
    # Every customer's failure lowers satisfaction by the damage of its resolution (-0.2 when
    # the complaint was resolved, -1.0 otherwise), for good. The simulator's headline truth
    # averages over resolution in the population; but unresolved failures drive customers
    # away, so the failed customers still there to answer are more often resolved ones. The
    # estimand of moments_of_truth is the damage among the exposed respondents, averaged over
    # waves with OLS's weights n_w p_w (1 - p_w) (the regression controls for wave).
    study = check_study
    mot = moments_of_truth(study.events, study.survey, outcome="csat", window="730D",
                           controls=["wave"])
    row = mot.set_index("touchpoint").loc["service_failure"]
    truth = study.truth["effect_service_failure_on_satisfaction_by_resolution"]
    failed, resolved = _failure_flags(study)
    rows = pd.DataFrame({"wave": study.survey["wave"], "failed": failed,
                         "damage": np.where(resolved, truth["resolved"], truth["unresolved"])})
    by_wave = rows.groupby("wave")
    share = by_wave["failed"].mean()
    weight = by_wave.size() * share * (1 - share)
    damage = rows[rows["failed"]].groupby("wave")["damage"].mean()
    estimand = float((damage * weight).sum() / weight.sum())
    assert abs(row["estimate"] - estimand) < Z * row["se"], (row["estimate"], row["se"],
                                                            estimand)
    # the survivors' estimand is milder than the population's average damage
    assert estimand > study.truth["effect_service_failure_on_satisfaction"]
    assert row["rank"] == 1  # the largest moment of truth in the data
    assert row["n_excluded"] == 0  # a two-year window counts every earlier failure


@pytest.mark.parametrize("resolution", ["resolved", "unresolved"])
def test_service_failure_effect_on_csat_is_recovered_by_resolution(check_study, resolution):
    # Keep respondents without a failure before the survey and those whose failure had this
    # resolution: the exposed then share one true damage. (csat is a rounded 1-7 answer: its
    # ceiling pulls a -1.0 shift about 0.02-0.03 towards zero, about one standard error.)
    study = check_study
    failed, resolved = _failure_flags(study)
    keep = ~failed | (resolved if resolution == "resolved" else ~resolved)
    row = moments_of_truth(study.events, study.survey[keep], outcome="csat", window="730D",
                           touchpoints=["service_failure"], controls=["wave"]).iloc[0]
    truth = study.truth["effect_service_failure_on_satisfaction_by_resolution"][resolution]
    assert abs(row["estimate"] - truth) < Z * row["se"], (row["estimate"], row["se"], truth)


def test_moments_of_truth_conf_level_and_the_old_level_keyword(six_customers):
    events, outcomes = six_customers
    options = dict(outcome="csat", window="30D", touchpoints=["service_failure"], min_exposed=1)
    narrow = moments_of_truth(events, outcomes, conf_level=0.8, **options).iloc[0]
    with pytest.warns(FutureWarning, match=r"moments_of_truth\(\): level= is now conf_level="):
        old = moments_of_truth(events, outcomes, level=0.8, **options).iloc[0]
    assert (old["ci_low"], old["ci_high"]) == (narrow["ci_low"], narrow["ci_high"])
    x = sm.add_constant(np.array([1, 1, 0, 0, 0], dtype=float))
    fit = sm.OLS(np.array([3, 4, 6, 5, 7], dtype=float), x).fit(cov_type="HC1")
    assert (narrow["ci_low"], narrow["ci_high"]) == pytest.approx(
        tuple(fit.conf_int(alpha=0.2)[1]))
    with pytest.raises(ValueError, match="conf_level must be"):
        moments_of_truth(events, outcomes, conf_level=95, **options)


def test_moments_of_truth_refuse_incomplete_or_mistyped_outcomes(six_customers):
    events, outcomes = six_customers
    with pytest.raises(DataError, match="missing value") as err:
        moments_of_truth(events, outcomes.assign(csat=[3, None, 2, 6, 5, 7]), outcome="csat")
    assert err.value.column == ["csat"] and err.value.rows == [2]
    with pytest.raises(DataError, match="not a date-time column") as err:
        moments_of_truth(events, outcomes.assign(survey_date="2024-03-01"), outcome="csat")
    assert err.value.column == "survey_date"
    with pytest.raises(DataError, match="not a number"):
        moments_of_truth(events, outcomes.assign(csat="good"), outcome="csat")
    with pytest.raises(DataError, match="not in the outcomes") as err:
        moments_of_truth(events, outcomes, outcome="csat", controls=["wave"])
    assert err.value.column == ["wave"]
    with pytest.raises(DataError, match="never met"):
        moments_of_truth(events, outcomes, outcome="csat", touchpoints=["complaint"])
    with pytest.raises(ValueError, match="positive duration"):
        moments_of_truth(events, outcomes, outcome="csat", window="-3D")


# -------------------------------------------------------------------------------- CX pyramid
@pytest.fixture
def five_respondents() -> pd.DataFrame:
    return pd.DataFrame({"n1": [7, 6, 4, 7, 7], "n2": [7, 6, 5, 6, 7],
                         "e1": [6, 7, 7, 3, 6], "j1": [7, 5, 7, 7, 2]},
                        index=[10, 11, 12, 13, 14])


def test_pyramid_shares_and_wilson_intervals(five_respondents):
    result = cx_pyramid(five_respondents, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"],
                        conf_level=0.9)
    # layer scores: needs 7, 6, 4.5, 6.5, 7 -> met by 4; ease met by 4 (not 13); enjoy by 3
    # (not 11, 14); pyramid: needs 4, needs & ease 3 (10, 11, 14), all three 1 (10)
    expected = {("needs", "layer"): 4, ("needs", "pyramid"): 4, ("ease", "layer"): 4,
                ("ease", "pyramid"): 3, ("enjoy", "layer"): 3, ("enjoy", "pyramid"): 1}
    levels = result.levels.set_index(["layer", "rule"])
    for key, count in expected.items():
        low, high = proportion_confint(count, 5, alpha=0.1, method="wilson")
        assert levels.loc[key, "count"] == count, key
        assert levels.loc[key, "estimate"] == pytest.approx(count / 5), key
        assert (levels.loc[key, "ci_low"], levels.loc[key, "ci_high"]) == pytest.approx(
            (low, high)), key
    assert result.scores["pyramid_level"].tolist() == [3, 2, 0, 1, 2]
    assert result.scores.index.tolist() == [10, 11, 12, 13, 14]  # joins back onto the survey
    assert result.scores["meets_needs"].tolist() == [True, True, False, True, True]


def test_cx_index_is_the_rescaled_mean_of_the_layers():
    survey = pd.DataFrame({"n": [7, 4, 1], "e": [7, 4, 1], "j": [7, 5, 1]})
    result = cx_pyramid(survey, needs=["n"], ease=["e"], enjoy=["j"])
    # respondents: mean layer 7, 13/3, 1 -> 100 (13/3 - 1) / 6 = 55.56, 0
    per_respondent = np.array([100, 100 * (13 / 3 - 1) / 6, 0])
    np.testing.assert_allclose(result.scores["cx_index"], per_respondent)
    index = result.index.iloc[0]
    sd = per_respondent.std(ddof=1)
    half = student_t.ppf(0.975, 2) * sd / np.sqrt(3)
    assert index["estimate"] == pytest.approx(per_respondent.mean())
    assert (index["ci_low"], index["ci_high"]) == pytest.approx(
        (per_respondent.mean() - half, per_respondent.mean() + half))
    assert index["n"] == 3


def test_a_missing_item_leaves_the_respondent_out_of_that_layer_only(five_respondents):
    survey = five_respondents.astype(float)
    survey.loc[12, "e1"] = np.nan
    with pytest.raises(DataError, match="missing answer"):  # the kit's default, "refuse"
        cx_pyramid(survey, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"])
    result = cx_pyramid(survey, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"],
                        missing="pairwise")
    levels = result.levels.set_index(["layer", "rule"])
    assert levels.loc[("ease", "layer"), "n"] == 4
    assert levels.loc[("ease", "layer"), "n_missing"] == 1
    assert levels.loc[("needs", "layer"), "n"] == 5
    assert pd.isna(result.scores.loc[12, "ease"]) and pd.isna(result.scores.loc[12, "cx_index"])
    assert pd.isna(result.scores.loc[12, "pyramid_level"])


def test_pyramid_drivers_are_statsmodels_ols_with_hc1(study):
    survey = study.survey
    result = cx_pyramid(survey, needs=ITEMS["needs"], ease=ITEMS["ease"],
                        enjoy=ITEMS["enjoy"], outcome=ITEMS["loy"])
    x = sm.add_constant(pd.DataFrame({k: survey[ITEMS[k]].mean(axis=1)
                                      for k in ("needs", "ease", "enjoy")}))
    fit = sm.OLS(survey[ITEMS["loy"]].mean(axis=1), x).fit(cov_type="HC1")
    drivers = result.drivers.set_index("layer")
    for layer in ("needs", "ease", "enjoy"):
        assert drivers.loc[layer, "estimate"] == pytest.approx(fit.params[layer])
        assert drivers.loc[layer, "se"] == pytest.approx(fit.bse[layer])
        assert drivers.loc[layer, "ci_low"] == pytest.approx(fit.conf_int().loc[layer, 0])
        # every layer raises loyalty in the simulator (its true weights are all positive)
        assert drivers.loc[layer, "estimate"] > 0
    assert (drivers["n"] == len(survey)).all()
    frame = result.to_frame()
    assert frame["kind"].value_counts().to_dict() == {"share": 3, "share_pyramid": 3,
                                                      "driver": 3, "index": 1}


def test_pyramid_without_outcome_has_no_drivers(five_respondents):
    result = cx_pyramid(five_respondents, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"])
    assert result.drivers.empty and result.fit is None
    assert "top (enjoyable)" in result.summary()


def test_pyramid_refuses_answers_off_the_scale_naming_the_rows(five_respondents):
    with pytest.raises(DataError, match="outside the scale") as err:
        cx_pyramid(five_respondents.assign(e1=[6, 7, 9, 3, 6]), needs=["n1", "n2"],
                   ease=["e1"], enjoy=["j1"])
    assert err.value.column == "e1" and err.value.rows == [3]
    with pytest.raises(DataError, match="more than one scale") as err:
        cx_pyramid(five_respondents, needs=["n1", "e1"], ease=["e1"], enjoy=["j1"])
    assert err.value.column == ["e1"]
    with pytest.raises(ValueError, match="top_box"):
        cx_pyramid(five_respondents, needs=["n1"], ease=["e1"], enjoy=["j1"], top_box=8)


def test_pyramid_conf_int_gives_the_intervals_of_its_table(five_respondents):
    result = cx_pyramid(five_respondents, needs=["n1", "n2"], ease=["e1"], enjoy=["j1"],
                        conf_level=0.9)
    bounds = result.conf_int()
    frame = result.to_frame()
    assert list(bounds.columns) == ["lower", "upper"] and len(bounds) == len(frame) == 7
    np.testing.assert_allclose(bounds["lower"], frame["ci_low"])
    np.testing.assert_allclose(bounds["upper"], frame["ci_high"])
    assert bounds.loc[("share_pyramid", "ease"), "lower"] == pytest.approx(
        proportion_confint(3, 5, alpha=0.1, method="wilson")[0])
    pd.testing.assert_frame_equal(result.conf_int(conf_level=0.9), bounds)
    with pytest.raises(ValueError, match="conf_level=0.95"):  # Wilson intervals: call again
        result.conf_int(conf_level=0.95)


def test_pyramid_level_keyword_still_works_with_a_warning(five_respondents):
    items = {"needs": ["n1", "n2"], "ease": ["e1"], "enjoy": ["j1"]}
    with pytest.warns(FutureWarning, match="level= is now conf_level="):
        old = cx_pyramid(five_respondents, **items, level=0.9)
    new = cx_pyramid(five_respondents, **items, conf_level=0.9)
    pd.testing.assert_frame_equal(old.levels, new.levels)
    assert new.conf_level == 0.9
    with pytest.warns(FutureWarning, match=r"Pyramid.level is now .conf_level"):
        assert new.level == 0.9


# ------------------------------------------------------------------------------- engagement
def test_engagement_scores_average_each_dimension():
    survey = pd.DataFrame({"customer_id": ["a", "b", "c"], "wave": [1, 1, 2],
                           "cog_1": [5, 2, 7], "cog_2": [7, 2, 7], "emo_1": [6, 3, 1],
                           "beh_1": [4, np.nan, 1], "beh_2": [2, 5, 1]}, index=[7, 8, 9])
    scores = engagement_scores(survey, cognitive=["cog_1", "cog_2"], emotional="emo_1",
                               behavioural=["beh_1", "beh_2"], keep=["customer_id", "wave"],
                               missing="pairwise")
    assert list(scores.columns) == ["customer_id", "wave", "cognitive", "emotional",
                                    "behavioural", "engagement"]
    assert scores.index.tolist() == [7, 8, 9]
    np.testing.assert_allclose(scores["cognitive"], [6, 2, 7])
    np.testing.assert_allclose(scores["behavioural"], [3, np.nan, 1])
    np.testing.assert_allclose(scores["engagement"], [5, np.nan, 3])


def test_engagement_scores_on_the_simulated_survey_follow_affinity(study):
    scores = engagement_scores(study.survey, cognitive=ITEMS["cog"], emotional=ITEMS["emo"],
                               behavioural=ITEMS["beh"], keep=["customer_id"])
    affinity = scores["customer_id"].map(
        study.customers.set_index("customer_id")["latent_affinity"])
    # every dimension is driven by the customer's prior affinity in the simulator
    for dimension in ("cognitive", "emotional", "behavioural"):
        assert np.corrcoef(scores[dimension], affinity)[0, 1] > 0.2, dimension


def test_behavioural_engagement_counts_per_period_customer_and_touchpoint():
    events = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b"],
        "timestamp": utc("2024-01-05", "2024-01-20", "2024-01-21", "2024-04-02",
                         "2024-02-11", "2024-02-12"),
        "touchpoint": ["web_visit", "email_click", "kiosk", "purchase", "web_visit",
                       "web_visit"]})
    result = behavioural_engagement(events)
    per_period = result.per_period
    assert per_period["period"].astype(str).tolist() == ["2024-01", "2024-02", "2024-03",
                                                         "2024-04", "2024-02"]
    assert per_period["events"].tolist() == [3, 0, 0, 1, 2]
    assert per_period["engagement_events"].tolist() == [2, 0, 0, 0, 2]
    per_customer = result.per_customer.set_index("customer_id")
    assert per_customer.loc["a"].to_dict() == {
        "active_periods": 4, "events": 4, "engagement_events": 2, "unclassified_events": 1,
        "engagement_per_period": 0.5}
    assert per_customer.loc["b", "engagement_per_period"] == 2.0
    assert result.by_touchpoint.to_dict("records") == [
        {"touchpoint": "web_visit", "events": 3, "customers": 2,
         "share_of_engagement_events": 0.75},
        {"touchpoint": "email_click", "events": 1, "customers": 1,
         "share_of_engagement_events": 0.25}]
    weekly = behavioural_engagement(events, per="W").per_customer.set_index("customer_id")
    # pandas weeks end on Sunday: Sunday 11 and Monday 12 February fall in two weeks
    assert weekly.loc["b", "active_periods"] == 2
    with pytest.raises(ValueError, match="period alias"):
        behavioural_engagement(events, per="fortnight")


def test_behavioural_engagement_totals_match_the_events(study):
    result = behavioural_engagement(study.events)
    engagement = (study.events["level"] == "engagement").sum()
    assert result.per_customer["engagement_events"].sum() == engagement
    assert result.per_period["engagement_events"].sum() == engagement
    assert result.by_touchpoint["events"].sum() == engagement
    assert result.per_period.groupby("customer_id").size().tolist() == \
        result.per_customer["active_periods"].tolist()


def test_behavioural_engagement_is_a_result_of_counts_without_intervals(study):
    from cxkit._results import Result

    result = behavioural_engagement(study.events)
    assert isinstance(result, Result) and result.fit is None
    assert result.to_frame().equals(result.per_customer)
    assert "engagement events per period (M)" in result.summary()
    assert repr(result) == result.summary() and "<table" in result._repr_html_()
    with pytest.raises(ValueError, match="BehaviouralEngagement has no confidence interval"):
        result.conf_int()
    with pytest.raises(NotImplementedError, match="has no figure"):
        result.plot()


# ------------------------------------------------------------------------- experience economy
def test_experience_economy_maps_every_catalogue_touchpoint_and_all_four_realms():
    economy = experience_economy()
    cat = cxkit.catalogue()
    touchpoints = economy.touchpoints
    assert sorted(touchpoints["touchpoint"]) == sorted(cat["touchpoint"])
    assert touchpoints["touchpoint"].is_unique
    assert set(touchpoints["realm"]) == {"entertainment", "educational", "esthetic",
                                         "escapist", "none"}
    assert touchpoints["rationale"].notna().all()
    assert touchpoints.set_index("touchpoint").loc["support_call", "realm"] == "none"
    realms = economy.realms
    assert realms["realm"].tolist() == ["entertainment", "educational", "esthetic", "escapist"]
    # the 2 x 2: each realm one combination of participation and connection
    assert len(set(zip(realms["participation"], realms["connection"], strict=True))) == 4
    placed = touchpoints[touchpoints["realm"] != "none"]
    assert placed[["participation", "connection"]].notna().all().all()


def test_progression_of_economic_value_runs_from_commodities_to_experiences():
    progression = experience_economy().progression
    assert progression["offering"].tolist() == ["commodities", "goods", "services",
                                                "experiences"]
    assert progression["economic_function"].tolist() == ["extract", "make", "deliver", "stage"]
    assert progression["price_low_usd_per_cup"].is_monotonic_increasing
    assert (progression["price_low_usd_per_cup"]
            <= progression["price_high_usd_per_cup"]).all()


def test_touchpoints_added_to_the_catalogue_have_no_realm_until_mapped():
    mine = cxkit.catalogue(extend=[{"touchpoint": "kiosk_checkin", "channel": "store",
                                    "level": "interaction", "direction": "two_way",
                                    "stage": "service", "controllable": True,
                                    "moment_of_truth": False}])
    touchpoints = experience_economy(mine).touchpoints.set_index("touchpoint")
    assert pd.isna(touchpoints.loc["kiosk_checkin", "realm"])
    assert touchpoints.loc["store_visit", "realm"] == "esthetic"


def test_experience_economy_is_a_result_without_intervals_that_plots_the_realms():
    from cxkit._results import Result

    economy = experience_economy()
    assert isinstance(economy, Result) and economy.fit is None
    assert economy.to_frame().equals(economy.touchpoints)
    assert economy.summary().startswith("ExperienceEconomy: 4 offerings, 4 realms; "
                                        "touchpoints by realm: entertainment ")
    assert repr(economy) == economy.summary() and "<table" in economy._repr_html_()
    with pytest.raises(ValueError, match="ExperienceEconomy has no confidence interval"):
        economy.conf_int()
    ax = economy.plot()
    assert len(ax.patches) == 4


def test_experience_economy_refuses_a_catalogue_without_its_columns():
    with pytest.raises(DataError, match="not in the catalogue table") as err:
        experience_economy(cxkit.catalogue().drop(columns="stage"))
    assert err.value.column == ["stage"]


def _pyramid_survey(weights, n=2000, seed=3):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    answers = np.clip(np.round(4 + 1.2 * latent), 1, 7)
    loyalty = answers @ np.asarray(weights) + rng.normal(scale=1.0, size=n)
    return pd.DataFrame({"needs_1": answers[:, 0], "ease_1": answers[:, 1],
                         "enjoy_1": answers[:, 2], "loy_1": loyalty})


def test_pyramid_names_the_strongest_driver_only_when_the_data_single_it_out():
    layers = {"needs": ["needs_1"], "ease": ["ease_1"], "enjoy": ["enjoy_1"],
              "outcome": ["loy_1"]}
    clear = cx_pyramid(_pyramid_survey([1.0, 0.2, 0.1]), **layers)
    assert "the strongest driver of the outcome is meets needs" in clear.summary()
    # two layers with the same true effect: the 95 % Wald test of their difference must not
    # single one out (with this fixed seed its p-value is far from 0.05; a tie is a tie)
    tie = cx_pyramid(_pyramid_survey([0.6, 0.6, 0.1]), **layers)
    assert "no layer stands out as the strongest driver" in tie.summary()
    assert "strongest driver of the outcome is" not in tie.summary()


def test_dialogue_counts_periods_with_a_two_way_contact_and_channels():
    from cxkit.journeys import dialogue

    events = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", "b", "b"],
        "timestamp": utc("2024-01-05", "2024-01-20", "2024-02-21", "2024-04-02", "2024-04-03",
                         "2024-02-11", "2024-02-12"),
        "touchpoint": ["purchase", "support_chat", "web_visit", "complaint", "kiosk",
                       "email_open", "ad_impression"]})
    out = dialogue(events).set_index("customer_id")
    # a: Jan–Apr = 4 periods; two-way contacts in Jan (web, chat) and Apr (phone); the kiosk is
    # not in the catalogue: no channel, no level, counted as unclassified
    assert out.loc["a"].to_dict() == {
        "active_periods": 4, "dialogue_periods": 2, "dialogue_share": 0.5, "channels": 3,
        "dialogue_channels": 3, "unclassified_events": 1}
    # b: one-way engagement and exposure only: no dialogue
    assert out.loc["b", "dialogue_periods"] == 0 and out.loc["b", "dialogue_channels"] == 0
    assert out.loc["b", "channels"] == 2


def test_dialogue_on_the_sample_matches_the_interaction_events(study):
    from cxkit.journeys import dialogue

    out = dialogue(study.events)
    assert len(out) == study.customers.shape[0]
    assert (out["dialogue_periods"] <= out["active_periods"]).all()
    months = study.events.loc[study.events["level"] == "interaction"].assign(
        month=lambda d: d["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None)
        .dt.to_period("M"))
    by_hand = months.groupby("customer_id")["month"].nunique()
    assert out.set_index("customer_id")["dialogue_periods"].reindex(by_hand.index).equals(
        by_hand.astype("int64"))
