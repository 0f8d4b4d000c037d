"""The simulator: determinism, the data contract, and its truth recovered from its own data.

Tolerances are sampling errors: an estimate passes when it lies within ``Z`` standard errors of
the true value (``Z = 3``: a correct simulator fails such a check about 3 times in 1,000).
The seeds are fixed, so the suite is deterministic; the tolerances are not tuned to the seeds.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import datasets
from cxkit.study.simulate import DEFAULT_EFFECTS, ITEMS

Z = 3.0
# A study built to check the truth: everyone active is invited, answers do not depend on
# satisfaction (non-response would select on the outcome), large enough for small errors.
CHECK = {"invite_share": 1.0, "response_rate": 0.9, "nonresponse": 0.0}


@pytest.fixture(scope="module")
def study():
    return cxkit.simulate_study(12_000, seed=11, **CHECK)


@pytest.fixture(scope="module")
def null_study():
    return cxkit.simulate_study(12_000, seed=12, csr_effect=0.0, email_effect=0.0, **CHECK)


@pytest.fixture(scope="module")
def small():
    return cxkit.simulate_study(400, seed=3)


# ------------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_tables(small):
    again = cxkit.simulate_study(400, seed=3)
    pd.testing.assert_frame_equal(small.events, again.events)
    pd.testing.assert_frame_equal(small.customers, again.customers)
    pd.testing.assert_frame_equal(small.survey, again.survey)
    assert small.truth == again.truth


def test_another_seed_gives_other_tables(small):
    other = cxkit.simulate_study(400, seed=4)
    assert not small.customers["latent_affinity"].equals(other.customers["latent_affinity"])


def test_unknown_effect_is_refused():
    with pytest.raises(TypeError, match="csr_efect"):
        cxkit.simulate_study(10, csr_efect=0)


def test_launch_without_room_for_both_waves_is_refused():
    with pytest.raises(ValueError, match="two survey waves"):
        cxkit.simulate_study(10, csr_launch="2024-02-01")


# ------------------------------------------------------------------------------ the schema
def test_events_pass_the_loader_with_nothing_set_aside(small):
    loaded = cxkit.load_journeys(small.events, on_unknown="raise")
    report = cxkit.load_report(loaded)
    assert report.set_aside.empty and not report.warnings
    assert report.rows_kept == len(small.events)
    pd.testing.assert_frame_equal(loaded, small.events)


def test_events_cover_every_level_and_many_channels_and_stages(study):
    events = study.events
    assert set(events["level"]) == {"engagement", "interaction", "experience"}
    assert set(events["channel"]) == {"email", "web", "app", "store", "phone", "chat", "social",
                                      "media"}
    assert set(events["stage"]) == {"awareness", "consideration", "purchase", "use", "service",
                                    "loyalty", "exit"}
    for touchpoint in ("csr_report_view", "csr_news_exposure", "word_of_mouth_received",
                       "service_failure", "complaint", "complaint_resolved", "purchase"):
        assert (events["touchpoint"] == touchpoint).any(), touchpoint


def test_customers_table_has_one_row_per_customer_with_the_documented_columns(small):
    customers = small.customers
    assert customers["customer_id"].is_unique and len(customers) == 400
    assert list(customers.columns) == [
        "customer_id", "segment", "age_band", "region", "preferred_channel", "signup_date",
        "latent_affinity", "latent_prosocial", "email_arm", "ad_holdout", "csr_aware", "churned",
        "churn_date", "n_repurchases", "referred", "nps"]
    assert set(customers["email_arm"]) == {0, 1} and set(customers["ad_holdout"]) == {0, 1}
    assert customers["churn_date"].notna().eq(customers["churned"]).all()
    assert set(small.events["customer_id"]) <= set(customers["customer_id"])


def test_survey_passes_the_loader_with_its_scales(small):
    items = [c for c in small.survey.columns if c not in ("customer_id", "wave", "survey_date")]
    loaded = cxkit.load_survey(small.survey, scale=(1, 7), ranges={"nps": (0, 10)},
                               keep=("survey_date",))
    assert list(loaded[items].columns) == items
    assert set(small.survey["wave"]) == {1, 2}
    expected = [f"{p}_{k}" for p, (_, sds) in ITEMS.items() for k in range(1, len(sds) + 1)]
    assert set(expected + ["csat", "nps"]) == set(items)


def test_churned_customers_produce_no_events_after_leaving(study):
    churned = study.customers.loc[study.customers["churned"], ["customer_id", "churn_date"]]
    last = study.events.groupby("customer_id")["timestamp"].max()
    after = last.reindex(churned["customer_id"]).dt.tz_localize(None).to_numpy() \
        > (churned["churn_date"] + pd.Timedelta(days=1)).to_numpy()
    assert not after.any()
    cancel = study.events.loc[study.events["touchpoint"] == "cancellation", "customer_id"]
    assert set(cancel) == set(churned["customer_id"])


def test_csr_awareness_only_where_the_policy_was_launched(study):
    launches = study.truth["csr_launch_by_region"]
    never = [r for r, d in launches.items() if d is None or d > "2025-12-31"]
    aware = study.customers.loc[study.customers["csr_aware"], "region"]
    assert not aware.isin(never).any()


# --------------------------------------------------------------------- the truth, recovered
def _engagement_counts(study):
    per = study.events[study.events["level"] == "engagement"].groupby("customer_id").size()
    return study.customers.assign(
        engagement=per.reindex(study.customers["customer_id"], fill_value=0).to_numpy())


def _difference_in_means(frame, treatment, outcome):
    groups = frame.groupby(treatment)[outcome]
    mean, var, n = groups.mean(), groups.var(), groups.size()
    return mean[1] - mean[0], float(np.sqrt(var[1] / n[1] + var[0] / n[0]))


def _adjusted_difference(frame, treatment, outcome):
    """Difference in means adjusted by OLS for the customer's expected organic activity.

    Engagement now comes in sessions, so counts per customer vary a lot and a chance imbalance
    of affinity or time as a customer between the arms moves a plain difference in means by
    whole standard errors. Regression adjustment for pre-treatment covariates is consistent for
    the average effect of a randomised treatment (Lin 2013) and far more precise; affinity and
    active time are fixed before the arm acts (the arm changes neither).
    """
    import statsmodels.api as sm

    start = pd.Timestamp("2024-01-01")
    end = frame["churn_date"].fillna(pd.Timestamp("2026-01-01"))
    active = (end - frame["signup_date"].clip(lower=start)).dt.days.clip(lower=0)
    activity = np.exp(0.5 * frame["latent_affinity"]) * active
    x = sm.add_constant(np.column_stack([frame[treatment], active, activity]).astype(float))
    fit = sm.OLS(frame[outcome].to_numpy(float), x).fit(cov_type="HC1")
    return float(fit.params[1]), float(fit.bse[1])


def test_email_experiment_recovers_its_effect_on_engagement(study):
    estimate, se = _adjusted_difference(_engagement_counts(study), "email_arm", "engagement")
    assert abs(estimate - study.truth["effect_email_on_engagement"]) < Z * se


def test_switched_off_email_effect_is_consistent_with_zero(null_study):
    estimate, se = _difference_in_means(_engagement_counts(null_study), "email_arm",
                                        "engagement")
    assert null_study.truth["effect_email_on_engagement"] == 0
    assert abs(estimate) < Z * se


def _did(study):
    panel = study.survey_panel()
    return cxkit.effect(panel, treatment="csr_in_force", outcome="loyalty", method="did",
                        group="region", time="wave", cluster="customer_id")


def test_csr_effect_recovered_by_difference_in_differences(study):
    did = _did(study)
    assert abs(did.estimate - study.truth["effect_csr_on_loyalty"]) < Z * did.se


def test_switched_off_csr_effect_is_consistent_with_zero(null_study):
    did = _did(null_study)
    assert null_study.truth["effect_csr_on_loyalty"] == 0
    assert abs(did.estimate) < Z * did.se


def test_csr_effect_is_larger_for_prosocial_segments(study):
    by_segment = study.truth["effect_csr_by_segment"]
    assert by_segment["conscious"] > by_segment["premium"] > by_segment["mainstream"] \
        > by_segment["budget"] > 0
    shares = study.customers["segment"].value_counts(normalize=True)
    population = sum(shares[s] * v for s, v in by_segment.items())
    # the segment effects average to the population effect (up to the segment shares' noise)
    assert population == pytest.approx(study.truth["effect_csr_on_loyalty"], abs=0.02)


def _one_factor_loadings(corr):
    """Standardised loadings of a one-factor model from a correlation matrix.

    With three indicators the model is just identified and lambda_i = sqrt(r_ij r_ik / r_jk)
    is its (maximum-likelihood) solution; with more, each item's value is averaged over the
    triads it belongs to. ``corr`` may be a stack of matrices (bootstrap replicates).
    """
    k = corr.shape[-1]
    out = []
    for i in range(k):
        others = [j for j in range(k) if j != i]
        triads = [np.sqrt(corr[..., i, j] * corr[..., i, m] / corr[..., j, m])
                  for a, j in enumerate(others) for m in others[a + 1:]]
        out.append(np.mean(triads, axis=0))
    return np.stack(out, axis=-1)


def test_loadings_recovered_by_factor_analysis(study):
    wave1 = study.survey[study.survey["wave"] == 1]
    rng = np.random.default_rng(0)
    for prefix, (_, sds) in ITEMS.items():
        items = [f"{prefix}_{k}" for k in range(1, len(sds) + 1)]
        x = wave1[items].to_numpy(float)
        estimate = _one_factor_loadings(np.corrcoef(x, rowvar=False))
        boot = np.stack([np.corrcoef(x[rng.integers(0, len(x), len(x))], rowvar=False)
                         for _ in range(300)])
        se = _one_factor_loadings(boot).std(axis=0, ddof=1)
        truth = np.array([study.truth["loadings"][i] for i in items])
        assert np.all(np.abs(estimate - truth) < Z * se), (prefix, estimate, truth, se)


def test_service_failure_effect_on_satisfaction_recovered_by_resolution(study):
    # Unresolved failures drive customers away, so survivors who had a failure are more often
    # resolved ones: the effect is recovered per resolution, as the story defines it.
    events = study.events
    first = {tp: events.loc[events["touchpoint"] == tp].groupby("customer_id")["timestamp"].min()
             for tp in ("service_failure", "complaint_resolved")}
    survey = study.survey.copy()
    before = {tp: (survey["customer_id"].map(t).dt.tz_localize(None) < survey["survey_date"])
              for tp, t in first.items()}
    truth = study.truth["effect_service_failure_on_satisfaction_by_resolution"]
    for resolution, failed in (("resolved", before["service_failure"]
                                & before["complaint_resolved"]),
                               ("unresolved", before["service_failure"]
                                & ~before["complaint_resolved"])):
        part = survey[failed | ~before["service_failure"]].assign(failed=failed.astype(int))
        # more customers have had a failure by wave 2, when the CSR launch has lifted
        # satisfaction in some regions: compare within waves
        fit = cxkit.effect(part, treatment="failed", outcome="csat", confounders=["wave"],
                           method="regression")
        assert abs(fit.estimate - truth[resolution]) < Z * fit.se, (resolution, fit)


def test_truth_holds_every_documented_parameter(small):
    truth = small.truth
    for key in ("effect_csr_on_loyalty", "effect_csr_by_segment", "effect_engagement_on_loyalty",
                "effect_email_on_engagement", "effect_service_failure_on_satisfaction",
                "pyramid_weights", "loadings", "churn_hazard_ratios", "csr_launch_by_region",
                "effect_csr_on_purchases_by_event_month", "survey_waves", "app_launch",
                "funnel_step_rates", "channel_shares_by_month",
                "effect_app_launch_on_digital_share", "effect_ux_on_checkout", "attribution",
                "effect_exposure_on_conversion"):
        assert key in truth, key
    assert set(truth["pyramid_weights"]) == {"needs", "ease", "enjoy"}
    assert truth["effects"] == {k: float(v) for k, v in DEFAULT_EFFECTS.items()}
    json.dumps(truth)  # serialisable as the sample's truth.json


# ------------------------------------------------ sessions, funnels, friction, channels, causes
START = ("web_visit", "app_open", "store_visit")
IN_SESSION = ("app_feature_use", "sales_advice", "tutorial_video_view", "product_page_view",
              "cart_add", "checkout_start")


@pytest.fixture(scope="module")
def session_rows(study):
    """The study's events with the session each belongs to (a session starts at a web visit,
    app opening or store visit; the simulator starts sessions nowhere else)."""
    ev = study.events[["customer_id", "timestamp", "touchpoint", "channel", "latent_cause"]]
    customer = ev["customer_id"].to_numpy()
    is_start = ev["touchpoint"].isin(START).to_numpy()
    number = np.cumsum(is_start)
    owner = np.r_[np.array([""], dtype=object), customer[is_start].astype(object)][number]
    return ev.assign(session=np.where(owner == customer, number, 0))


@pytest.fixture(scope="module")
def session_table(session_rows):
    """One row per session: channel, start, and which funnel steps it reached."""
    rows = session_rows[session_rows["session"] > 0]
    first = rows.groupby("session").first()
    table = pd.DataFrame({"channel": first["channel"], "start": first["timestamp"]})
    for step in ("product_page_view", "cart_add", "checkout_start"):
        table[step] = rows[rows["touchpoint"] == step].groupby("session").size() \
            .reindex(table.index, fill_value=0)
    bought = rows[(rows["touchpoint"] == "purchase") & (rows["latent_cause"] != "signup")]
    table["purchase"] = bought.groupby("session").size().reindex(table.index, fill_value=0)
    return table


def _weibull_gap_survival(x):
    """P(seconds between two events of a session > x) for the documented 1 + Weibull gap."""
    from cxkit.study._sessions import GAP_MAX_S, GAP_WEIBULL

    shape, scale = GAP_WEIBULL
    y = np.asarray(x, float) - 1
    return np.where(y < 0, 1.0, np.where(y >= GAP_MAX_S, 0.0, np.exp(-(np.clip(y, 0, None)
                                                                          / scale) ** shape)))


def test_seconds_between_events_in_a_session_follow_the_documented_weibull(session_rows):
    from scipy import integrate

    rows = session_rows
    seconds = rows["timestamp"].astype("int64").to_numpy() // 10**9
    same = (rows["session"].to_numpy()[1:] == rows["session"].to_numpy()[:-1]) \
        & (rows["session"].to_numpy()[1:] > 0) \
        & rows["touchpoint"].isin(IN_SESSION).to_numpy()[1:] \
        & rows["touchpoint"].isin(START + IN_SESSION).to_numpy()[:-1]
    gaps = np.diff(seconds)[same]
    assert len(gaps) > 10_000 and (gaps < 1).mean() < 1e-3  # overlapping sessions (next test)
    # timestamps are floored to the second; with a start uniform within its second, the mean of
    # the floored gaps is the mean of the true ones
    mean = integrate.quad(lambda x: _weibull_gap_survival(x), 0, 2000, limit=200)[0]
    assert abs(gaps.mean() - mean) < Z * gaps.std(ddof=1) / np.sqrt(len(gaps))
    # and a floored gap of at least 61 s means a true gap above 60 s and at most 61 s: bracket
    share = (gaps >= 61).mean()
    se = np.sqrt(share * (1 - share) / len(gaps))
    assert _weibull_gap_survival(61) - Z * se < share < _weibull_gap_survival(60) + Z * se


def test_product_pages_per_browsing_session_follow_the_documented_inverse_gaussian(
        session_table):
    from scipy import stats

    from cxkit.study._sessions import PAGES, expected_pages

    pages = session_table.loc[session_table["channel"].isin(["web", "app"]),
                              "product_page_view"].to_numpy()
    # a customer's two sessions overlap now and then (a session can start while another
    # runs), and the second then takes the first one's pages: a handful in 100,000
    assert (pages == 0).mean() < 1e-3
    assert abs(pages.mean() - expected_pages()) < Z * pages.std(ddof=1) / np.sqrt(len(pages))
    mean, shape = PAGES
    one = stats.invgauss(mean / shape, scale=shape).cdf(1)  # P(ceil(W) = 1)
    assert abs((pages == 1).mean() - one) < Z * np.sqrt(one * (1 - one) / len(pages))


def test_most_sessions_hold_several_events_and_sessions_are_days_apart(study):
    from cxkit import journeys

    sample = study.events[study.events["customer_id"] <= "C02000"]
    table = journeys.sessions(sample, session_gap="30min")
    assert (table["events"] > 1).mean() > 0.5
    gaps = table.groupby("customer_id")["start"].diff().dropna()
    assert gaps.median() > pd.Timedelta(days=2)


def test_funnel_step_rates_recover_the_simulated_rates(study, session_table):
    truth = study.truth["funnel_step_rates"]
    for channel, steps in (("web", ("cart_add", "checkout_start", "purchase")),
                           ("app", ("cart_add", "checkout_start", "purchase")),
                           ("store", ("purchase",))):
        here = session_table[session_table["channel"] == channel]
        assert abs(len(here) - truth[channel]["sessions"]) <= 0.001 * len(here)
        previous = np.ones(len(here), dtype=bool)
        for step in steps:
            reached = here[step].to_numpy() > 0
            rate = reached[previous].mean()
            # binomial error at the mean probability bounds that of unequal probabilities
            p = truth[channel][step]
            assert abs(rate - p) < Z * np.sqrt(p * (1 - p) / previous.sum()), (channel, step)
            assert rate < 1  # drop-off at every step
            previous = reached


def _before_after(table, channel, date):
    carts = table[(table["channel"] == channel) & (table["cart_add"] > 0)]
    after = (carts["start"] >= date).to_numpy()
    done = carts["checkout_start"].to_numpy() > 0
    p1, p0 = done[after].mean(), done[~after].mean()
    return p1 - p0, np.sqrt(p1 * (1 - p1) / after.sum() + p0 * (1 - p0) / (~after).sum())


def test_checkout_redesign_effect_recovered_before_and_after(study, session_table):
    ux = study.truth["effect_ux_on_checkout"]
    date = pd.Timestamp(ux["date"], tz="UTC")
    estimate, se = _before_after(session_table, "app", date)
    assert ux["effect_on_checkout_per_cart"] > 0.1
    assert abs(estimate - ux["effect_on_checkout_per_cart"]) < Z * se
    # the comparison channel did not change
    placebo, se = _before_after(session_table, "web", date)
    assert abs(placebo) < Z * se


def test_switched_off_redesign_has_no_effect():
    study = cxkit.simulate_study(300, seed=5, ux_effect=0.0)
    assert study.truth["effect_ux_on_checkout"]["effect_on_checkout_per_cart"] == 0


def test_digital_share_rises_and_the_app_exists_only_after_its_launch(study, session_table):
    launch = pd.Timestamp(study.truth["app_launch"], tz="UTC")
    first_app = session_table.loc[session_table["channel"] == "app", "start"].min()
    assert first_app >= launch
    half = session_table["start"].dt.year.astype(str) + "H" \
        + np.where(session_table["start"].dt.month <= 6, "1", "2")
    digital = session_table["channel"].isin(["web", "app"]).groupby(half).agg(["mean", "size"])
    se = np.sqrt(digital["mean"] * (1 - digital["mean"]) / digital["size"])
    se = se.to_numpy()
    assert np.all(np.diff(digital["mean"].to_numpy()) > -Z * np.hypot(se[1:], se[:-1]))
    assert digital["mean"].iloc[-1] - digital["mean"].iloc[0] > 0.05
    effect = study.truth["effect_app_launch_on_digital_share"]
    assert all(v == 0 for m, v in effect.items() if m < study.truth["app_launch"][:7])
    assert all(v > 0 for m, v in effect.items() if m > study.truth["app_launch"][:7])


def test_attribution_credits_add_up_to_the_recorded_causes(study):
    events = study.events
    purchases = events[events["touchpoint"] == "purchase"]
    assert purchases["latent_cause"].notna().all()
    assert events.loc[events["touchpoint"] != "purchase", "latent_cause"].isna().all()
    attribution = study.truth["attribution"]
    recorded = purchases["latent_cause"].value_counts()
    assert recorded.to_dict() == {k: v for k, v in attribution["by_cause"].items() if v}
    assert attribution["conversions"] == len(purchases)
    from cxkit.study._sessions import EXPOSURE_CAUSES

    by_exposure = int(recorded.reindex(list(EXPOSURE_CAUSES), fill_value=0).sum())
    assert attribution["exposure_conversions"] == by_exposure
    assert sum(v["conversions"] for v in attribution["by_touchpoint"].values()) == by_exposure
    assert sum(v["conversions"] for v in attribution["by_channel"].values()) == by_exposure
    assert all(v["incremental"] > 0 for v in attribution["by_touchpoint"].values())


def test_ad_holdout_estimate_covers_the_true_incremental_purchases(study):
    customers = study.customers
    purchases = study.events[study.events["touchpoint"] == "purchase"]
    per = purchases.groupby("customer_id").size().reindex(customers["customer_id"],
                                                          fill_value=0)
    frame = customers.assign(purchases=per.to_numpy(), exposed=1 - customers["ad_holdout"])
    assert frame["ad_holdout"].mean() == pytest.approx(0.10, abs=Z * np.sqrt(0.09 / len(frame)))
    estimate, se = _difference_in_means(frame, "exposed", "purchases")
    truth = study.truth["attribution"]["ad_holdout"]["incremental_per_customer"]
    assert truth > 0
    assert abs(estimate - truth) < 1.96 * se  # one draw of a 95 % interval: it covers


def test_ads_switched_off_cause_nothing():
    study = cxkit.simulate_study(300, seed=6, ad_effect=0.0)
    attribution = study.truth["attribution"]
    for tp in ("ad_impression", "social_ad_impression"):
        assert attribution["by_touchpoint"][tp] == {"conversions": 0, "incremental": 0.0}


# ---------------------------------------------------------------------- the bundled sample
def test_bundled_sample_is_the_seed_0_study_and_regenerates_identically(tmp_path):
    committed = datasets.sample_dir()
    recorded = json.loads((committed / "CHECKSUMS.json").read_text())
    assert datasets.checksums(committed) == recorded
    assert datasets.write_sample(tmp_path) == recorded


def test_load_sample_returns_the_same_study_as_the_simulator():
    loaded = datasets.load_sample()
    simulated = cxkit.simulate_study(**{"n_customers": 5000, "seed": 0})
    for name in ("events", "customers", "survey"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(simulated, name))
    assert loaded.truth == simulated.truth


def test_load_sample_names_the_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="make data"):
        datasets.load_sample(tmp_path)


def test_sample_dir_is_package_data_and_cxkit_data_overrides_it(tmp_path, monkeypatch):
    monkeypatch.delenv("CXKIT_DATA", raising=False)
    packaged = datasets.sample_dir()
    assert Path(str(packaged)) == Path(cxkit.__file__).parent / "study" / "data" / "sample"
    assert all((packaged / name).is_file() for name in (*datasets.FILES, "README.md"))
    monkeypatch.setenv("CXKIT_DATA", str(tmp_path))
    assert datasets.sample_dir() == tmp_path / "sample"
    with pytest.raises(FileNotFoundError, match="sample"):
        datasets.load_sample()
