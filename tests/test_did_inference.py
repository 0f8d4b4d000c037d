"""Inference for difference in differences with few clusters: the wild cluster bootstrap."""

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit.models import _wild


def _wildboottest_p(x, y, codes, column, seed, kind):
    from wildboottest.wildboottest import WildboottestCL

    boot = WildboottestCL(X=x, Y=y, cluster=codes, R=np.eye(x.shape[1])[column], B=9999,
                          seed=seed, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True)
    boot.get_weights(weights_type=kind)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue()
    return boot.pvalue


@pytest.mark.parametrize("clusters", [6, 12, 16])  # Webb; Rademacher, all patterns; drawn
def test_wild_bootstrap_p_value_is_the_wildboottest_packages(clusters):
    rng = np.random.default_rng(clusters)
    n = 400
    codes = rng.integers(0, clusters, n)
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(size=n)])
    y = x @ [1.0, 0.1, 0.5] + rng.normal(size=n) + rng.normal(size=clusters)[codes]
    kind = "webb" if clusters < 12 else "rademacher"
    ours = _wild.ols(x, y, codes, [1], nboot=9999, seed=7, conf_level=0.95)[0]
    # the same weights, the same statistic: the same p-value, up to the draws in which every
    # cluster gets the same weight; those reproduce the statistic itself (a tie, decided by
    # rounding)
    v, _ = _wild.weights(clusters, 9999, 7)
    ties = int((v == v[0]).all(axis=0).sum())
    assert abs(ours["p_value"] - _wildboottest_p(x, y, codes, 1, 7, kind)) <= \
        ties / v.shape[1] + 1e-12
    # the interval inverts the test: beyond each end (by 0.01, about a fifth of a standard
    # error: near its ends the p-value, a step function of the null, wobbles around 0.05)
    # the package rejects at 5 %, halfway to the estimate it does not
    estimate = np.linalg.lstsq(x, y, rcond=None)[0][1]
    for end, outward in ((ours["ci_low"], -0.01), (ours["ci_high"], 0.01)):
        assert _wildboottest_p(x, y - (end + outward) * x[:, 1], codes, 1, 7, kind) <= 0.05
        half = (end + estimate) / 2
        assert _wildboottest_p(x, y - half * x[:, 1], codes, 1, 7, kind) > 0.05


def _regions_panel(regions=6, seed=0):
    """Customers in ``regions`` regions over 4 periods; the policy reaches the first half of
    the regions in period 2 and adds 0.5; region-by-period shocks make clusters matter."""
    rng = np.random.default_rng(seed)
    rows = [(r, c, t) for r in range(regions) for c in range(20) for t in range(4)]
    panel = pd.DataFrame(rows, columns=["region", "customer", "period"])
    panel["customer"] = panel["region"] * 100 + panel["customer"]
    panel["on"] = ((panel["region"] < regions // 2) & (panel["period"] >= 2)).astype(int)
    shock = rng.normal(scale=0.3, size=(regions, 4))
    panel["y"] = (0.5 * panel["on"] + shock[panel["region"], panel["period"]]
                  + rng.normal(size=len(panel)))
    return panel


def test_few_cluster_did_adds_a_bootstrap_interval_reproducible_by_seed():
    panel = _regions_panel()
    options = dict(treatment="on", outcome="y", method="did", group="region", time="period",
                   bootstrap=999)
    first = cxkit.effect(panel, seed=3, **options)
    again = cxkit.effect(panel, seed=3, **options)
    other = cxkit.effect(panel, seed=4, **options)
    wild = first.diagnostics["wild_bootstrap"]
    assert wild == again.diagnostics["wild_bootstrap"]
    assert wild != other.diagnostics["wild_bootstrap"]
    assert (wild["clusters"], wild["weights"], wild["nboot"]) == (6, "webb", 999)
    assert wild["ci_low"] < first.estimate < wild["ci_high"]
    row = first.to_frame().iloc[0]
    assert row["wild_ci_low"] == wild["ci_low"] and row["wild_p_value"] == wild["p_value"]
    assert "wild cluster bootstrap 95% CI" in first.summary()
    assert "analytic CI" in first.summary()
    # the 2×2 with a cluster column: the regression's bootstrap (WCR-11)
    two = panel[panel["period"].isin([1, 2])]
    two_by_two = cxkit.effect(two, seed=3, cluster="region", **options)
    assert two_by_two.diagnostics["wild_bootstrap"]["clusters"] == 6
    # many clusters: no bootstrap, the analytic interval
    many = cxkit.effect(panel, seed=3, cluster="customer", **options)
    assert "wild_bootstrap" not in many.diagnostics and "wild" not in many.summary()
    assert cxkit.effect(panel, seed=3, **{**options, "bootstrap": 0}).diagnostics.get(
        "wild_bootstrap") is None


@pytest.mark.parametrize("method", ["did2s", "twfe"])
def test_few_cluster_event_study_adds_bootstrap_columns(method):
    panel = _regions_panel()
    panel["cohort"] = np.where(panel["region"] < 3, 2.0, np.nan)
    options = dict(outcome="y", unit="region", time="period", cohort="cohort", method=method,
                   bootstrap=999, seed=5)
    result = cxkit.event_study(panel, **options)
    table = result.coefficients.set_index("event_time")
    assert {"wild_ci_low", "wild_ci_high", "wild_p_value"} <= set(table.columns)
    lags = table.loc[[0, 1]]
    assert (lags["wild_ci_low"] < lags["estimate"]).all()
    assert (lags["estimate"] < lags["wild_ci_high"]).all()
    pd.testing.assert_frame_equal(result.coefficients,
                                  cxkit.event_study(panel, **options).coefficients)
    assert "6 clusters" in result.inference and "wild_ci_low" in result.summary()


def test_wild_bootstrap_is_not_too_liberal_on_the_simulators_region_rollout():
    # The CSR policy switched off (csr_effect=0) and DiD clustered on the five regions:
    # the bootstrap test of "no effect" should reject about 5 % of the time. With REPS
    # replicates the rejection rate's binomial standard error is sqrt(0.05 * 0.95 / REPS);
    # the test fails when the rate exceeds 0.05 by more than 3 of them (at 30 replicates,
    # more than 5 rejections).
    reps = 30
    rejected = 0
    for seed in range(reps):
        panel = cxkit.simulate_study(800, seed=100 + seed, csr_effect=0.0).survey_panel()
        result = cxkit.effect(panel, treatment="csr_in_force", outcome="loyalty",
                              method="did", group="region", time="wave", cluster="region",
                              seed=seed, bootstrap=999)
        rejected += result.diagnostics["wild_bootstrap"]["p_value"] < 0.05
    assert rejected / reps <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps)
