"""The simulator's truth of customer value (cxkit.study._value) and cxkit.models.value_after.

Tolerances are sampling errors: an estimate passes when it lies within ``Z`` standard errors of
the true value (``Z = 3``: a correct simulator fails such a check about 3 times in 1,000). The
seeds are fixed; the tolerances are not tuned to them.
"""

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import DataError
from cxkit.study import _value
from cxkit.study._measure import _outcomes, _surveys
from cxkit.study._sessions import _journey_events
from cxkit.study._story import _csr_rollout, _draw_customers, _failures_and_churn
from cxkit.study.simulate import DEFAULT_EFFECTS, _world

Z = 3.0
END = pd.Timestamp("2026-01-01")  # the first day after the default window
TRAITS = ["segment", "age_band", "region", "preferred_channel"]


@pytest.fixture(scope="module")
def study():
    return cxkit.simulate_study(20_000, seed=21)


def _purchases(study):
    return study.events[study.events["touchpoint"] == "purchase"]


# ----------------------------------------------------------------------------- value_after
def test_value_after_counts_the_window_and_discounts():
    events = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b"],
        "timestamp": pd.to_datetime(["2024-12-31 00:00", "2025-01-01 00:00", "2025-12-31 23:00",
                                     "2026-01-01 00:00", "2025-07-02 00:00"], utc=True),
        "touchpoint": ["purchase", "purchase", "purchase", "purchase", "purchase"],
        "value": [10.0, 20.0, 30.0, 40.0, 50.0]})
    anchors = pd.DataFrame({"customer_id": ["a", "b", "c"], "at": pd.Timestamp("2025-01-01"),
                            "group": [1, 2, 3]})
    out = cxkit.models.value_after(events, anchors, discount_rate=0.10)
    assert out["purchases"].tolist() == [2, 1, 0]  # [at, at + 12 months); c bought nothing
    assert out["spend"].tolist() == [50.0, 50.0, 0.0]
    years = (pd.Timestamp("2025-12-31 23:00") - pd.Timestamp("2025-01-01")) / pd.Timedelta(
        days=365.25)
    assert out.loc[0, "value"] == pytest.approx(20.0 + 30.0 * 1.1 ** -years, rel=1e-12)
    assert out.loc[1, "value"] == pytest.approx(50.0 * 1.1 ** -(182 / 365.25), rel=1e-12)
    assert out["group"].tolist() == [1, 2, 3]
    late = anchors.assign(at=pd.to_datetime(["2025-01-01", "2025-01-02", "2024-06-01"]))
    kept = cxkit.models.value_after(events, late, end="2026-01-01")
    assert kept["customer_id"].tolist() == ["a", "c"]
    assert kept.attrs["n_set_aside_incomplete"] == 1


def test_value_after_refuses_bad_input():
    events = pd.DataFrame({"customer_id": ["a"], "timestamp": pd.to_datetime(["2025-01-02"]),
                           "touchpoint": ["purchase"], "value": [np.nan]})
    anchors = pd.DataFrame({"customer_id": ["a"], "at": pd.to_datetime(["2025-01-01"])})
    with pytest.raises(DataError, match="missing"):
        cxkit.models.value_after(events, anchors)
    with pytest.raises(DataError, match="when"):
        cxkit.models.value_after(events.fillna(1.0), anchors, at="when")
    with pytest.raises(ValueError, match="discount_rate"):
        cxkit.models.value_after(events.fillna(1.0), anchors, discount_rate=-1)


# ------------------------------------------------------- the expected purchase rate, checked
def test_expected_purchase_rate_matches_the_purchases_made():
    """∫ λ over every customer's active time against the purchases the story drew: the
    residuals are independent across customers, so their spread gives the standard error."""
    dates = {"start": "2024-01-01", "end": "2025-12-31", "csr_launch": "2025-01-01",
             "app_launch": "2024-07-01", "ux_change": "2025-03-01"}
    w = _world(4000, np.random.default_rng(5), dates, dict(DEFAULT_EFFECTS))
    for step in (_draw_customers, _csr_rollout, _failures_and_churn, _journey_events,
                 _surveys, _outcomes):
        step(w)
    c = w.c
    a, b = c["obs_start"], c["obs_end"]
    steps = np.maximum(np.ceil(b - a).astype(int), 1)
    who = np.repeat(np.arange(w.n), steps)
    length = np.repeat((b - a) / steps, steps)
    within = np.concatenate([np.arange(k) for k in steps]) + 0.5
    expected = np.bincount(who, _value._purchase_rate(w, who, a[who] + within * length)
                           * length, minlength=w.n)
    made = np.bincount(c["conversions"]["idx"], minlength=w.n)
    for part in (slice(None), c["segment"] == "premium", c["email_arm"] == 1):
        residual = made[part] - expected[part]
        assert abs(residual.sum()) < Z * np.sqrt((residual ** 2).sum()), part


# ---------------------------------------------------------------- the truth, recovered
def test_truth_holds_the_value_keys(study):
    truth = study.truth
    csr = truth["effect_csr_on_value"]
    assert csr["regions"] == ["centre", "north_west"] and csr["horizon_months"] == 12
    assert 0 < csr["value"] < csr["spend"]  # discounting shrinks a positive effect
    assert set(truth["effect_csr_on_spend_by_event_month"]) == set(
        truth["effect_csr_on_purchases_by_event_month"])
    failure = truth["effect_service_failure_on_value"]
    assert failure["purchases_per_active_month"] == {
        "unresolved_vs_none": 0.0, "resolved_vs_none": 0.0, "unresolved_vs_resolved": 0.0}
    for measure in ("purchases", "spend", "value"):
        assert failure["unresolved_vs_none"][measure] < failure["resolved_vs_none"][measure] < 0
        assert failure["unresolved_vs_resolved"][measure] == pytest.approx(
            failure["unresolved_vs_none"][measure] - failure["resolved_vs_none"][measure])


def test_switched_off_effects_have_no_value_effect():
    null = cxkit.simulate_study(400, seed=7, csr_on_purchases=0.0, hr_failure_resolved=1.0,
                                hr_failure_unresolved=1.0).truth
    assert null["effect_csr_on_value"]["value"] == 0
    assert all(v == 0 for v in null["effect_csr_on_spend_by_event_month"].values())
    assert all(v == 0 for k in ("unresolved_vs_none", "resolved_vs_none")
               for v in null["effect_service_failure_on_value"][k].values())


def test_did_recovers_the_csr_effect_on_twelve_month_value(study):
    """Customers active on 1 January of 2024 and of 2025: the regions launching in January
    2025 against those without the policy in 2025, before and after (2×2 DiD)."""
    customers = study.customers
    rows = []
    for year in (2024, 2025):
        at = pd.Timestamp(f"{year}-01-01")
        active = customers[(customers["signup_date"] < at)
                           & (customers["churn_date"].isna() | (customers["churn_date"] >= at))]
        rows.append(active[["customer_id", "region"]].assign(at=at, year=year))
    panel = cxkit.models.value_after(_purchases(study), pd.concat(rows), end=END)
    panel = panel[panel["region"] != "north_east"]  # launched half-way through 2025
    panel["csr"] = ((panel["year"] == 2025)
                    & panel["region"].isin(["north_west", "centre"])).astype(int)
    truth = study.truth["effect_csr_on_value"]
    for measure in ("purchases", "spend", "value"):
        did = cxkit.effect(panel, treatment="csr", outcome=measure, method="did", group="region",
                           time="year", cluster="customer_id")
        assert abs(did.estimate - truth[measure]) < Z * did.se, (measure, did, truth)


def _failures(study):
    events = study.events
    failures = events.loc[events["touchpoint"] == "service_failure", ["customer_id", "timestamp"]]
    resolved = events.loc[events["touchpoint"] == "complaint_resolved", "customer_id"]
    failures = failures.assign(at=failures["timestamp"].dt.tz_localize(None),
                               unresolved=(~failures["customer_id"].isin(resolved)).astype(int))
    return failures.merge(study.customers[["customer_id", *TRAITS]], on="customer_id")


def test_comparison_recovers_the_value_of_resolving_a_failure(study):
    """Among failures whose next 12 months are observed, resolution is at random: unresolved
    against resolved, adjusted for the customers' traits, estimates the truth's contrast."""
    after = cxkit.models.value_after(_purchases(study), _failures(study), end=END)
    truth = study.truth["effect_service_failure_on_value"]
    assert len(after) == truth["failures"]
    for measure in ("purchases", "spend", "value"):
        fit = cxkit.effect(after, treatment="unresolved", outcome=measure, method="regression",
                           confounders=TRAITS)
        expected = truth["unresolved_vs_resolved"][measure]
        assert abs(fit.estimate - expected) < Z * fit.se, (measure, fit, expected)
