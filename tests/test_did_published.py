"""Staggered difference in differences on Callaway & Sant'Anna's minimum-wage panel (mpdta).

mpdta: 500 US counties, 2003-2007, log teen employment (``lemp``); states raised the minimum
wage in 2004 (20 counties), 2006 (40) or 2007 (131); 309 counties never within the panel
(``first.treat`` = 0). It ships with R's ``did`` package (GPL-2) and with moderndid (MIT),
from which the tests load it.

Published values: the README of R's ``did`` package (Callaway & Sant'Anna,
https://github.com/bcallaway11/did, README.md, "A short example"), ``att_gt(yname = "lemp",
gname = "first.treat", idname = "countyreal", tname = "year", xformla = ~1, data = mpdta,
est_method = "reg")`` with never-treated controls and unconditional parallel trends, then
``aggte(type = "dynamic")`` and ``aggte(type = "group")``. Its standard errors are from R's
multiplier bootstrap (1,000 draws, the default ``bstrap = TRUE``; R reports the
interquartile-range SE, whose Monte Carlo sd is about 1.17 SE / sqrt(1000) ≈ 3.7 % of the SE).
Our analytic standard errors estimate what the bootstrap approximates, so they are checked
against the printed bootstrap SEs within 3 Monte Carlo sds (11 %) and, at 3 decimals, where
that holds; the simultaneous bands of the dynamic aggregation are checked against the R
vignette's printout within their Monte Carlo error.
"""

import warnings

import numpy as np
import pytest

import cxkit

moderndid = pytest.importorskip("moderndid")

#: aggte(type = "dynamic"): event time -> (estimate, bootstrap SE), README of R's did
DYNAMIC = {-3: (0.0305, 0.0153), -2: (-0.0006, 0.0136), -1: (-0.0245, 0.0138),
           0: (-0.0199, 0.0115), 1: (-0.0510, 0.0174), 2: (-0.1373, 0.0356),
           3: (-0.1008, 0.0354)}
DYNAMIC_OVERALL = (-0.0772, 0.0196)
#: aggte(type = "dynamic") band: event time -> 95 % simultaneous band, R did's vignette
#: "Getting started" (did-basics), doubly robust, never-treated controls, 1,000 draws
BAND = {-3: (-0.0084, 0.0694), -2: (-0.0343, 0.0332), -1: (-0.0601, 0.0112),
        0: (-0.0507, 0.0108), 1: (-0.0913, -0.0106), 2: (-0.2369, -0.0376),
        3: (-0.1886, -0.0131)}
#: aggte(type = "group"): cohort -> (estimate, bootstrap SE)
GROUP = {2004: (-0.0797, 0.0277), 2006: (-0.0229, 0.0172), 2007: (-0.0261, 0.0177)}
GROUP_OVERALL = (-0.031, 0.0123)  # printed with 3 decimals
#: summary(att_gt): the post-treatment ATT(g, t), for the simple aggregation
ATT_GT = {(2004, 2004): -0.0105, (2004, 2005): -0.0704, (2004, 2006): -0.1373,
          (2004, 2007): -0.1008, (2006, 2006): -0.0046, (2006, 2007): -0.0412,
          (2007, 2007): -0.0261}
BOOTSTRAP_MC = 3 * 1.17 / np.sqrt(1000)  # 3 Monte Carlo sds of R's bootstrap SE, relative


@pytest.fixture(scope="module")
def mpdta():
    data = moderndid.load_mpdta().to_pandas()
    data["treated"] = ((data["first.treat"] > 0)
                       & (data["year"] >= data["first.treat"])).astype(int)
    data["cohort"] = data["first.treat"].where(data["first.treat"] > 0)
    return data


@pytest.fixture(scope="module")
def cs(mpdta):
    return cxkit.effect(mpdta, treatment="treated", outcome="lemp", method="cs",
                        group="countyreal", time="year")


def test_did2s_keeps_all_500_counties_and_equals_an_independent_imputation(mpdta):
    import statsmodels.formula.api as smf

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is set aside, so nothing to warn about
        did = cxkit.effect(mpdta, treatment="treated", outcome="lemp", method="did",
                           group="countyreal", time="year")
    assert did.n == 2500 and did.diagnostics["units_set_aside"] == 0
    assert "set aside" not in did.summary()
    # the imputation estimator by hand: unit and year effects on the untreated rows (OLS with
    # indicators), Y(0) imputed for the treated rows, the ATT the mean of Y - Y(0) there
    untreated = mpdta[mpdta["treated"] == 0]
    first = smf.ols("lemp ~ C(countyreal) + C(year)", data=untreated).fit()
    treated = mpdta[mpdta["treated"] == 1]
    assert treated["countyreal"].nunique() == 191  # the 2004 cohort included
    att = float((treated["lemp"] - first.predict(treated)).mean())
    assert did.estimate == pytest.approx(att, abs=1e-8)
    assert round(did.estimate, 3) == -0.048


def test_did2s_standard_error_is_pyfixests_where_pyfixest_runs(mpdta):
    """pyfixest's did2s drops units with one untreated row; without the 2004 cohort every
    unit has two, and our Gardner GMM variance must agree with pyfixest's."""
    import pyfixest as pf

    panel = mpdta[mpdta["first.treat"] != 2004].reset_index(drop=True)
    did = cxkit.effect(panel, treatment="treated", outcome="lemp", method="did",
                       group="countyreal", time="year")
    fit = pf.did2s(panel, yname="lemp", first_stage="~ 0 | countyreal + year",
                   second_stage="~ treated", treatment="treated", cluster="countyreal")
    estimate, se = fit.tidy().loc["treated", ["Estimate", "Std. Error"]]
    # pyfixest demeans iteratively (tolerance 1e-8 on the fixed effects), we solve exactly
    assert did.estimate == pytest.approx(estimate, abs=1e-5)
    assert did.se == pytest.approx(se, rel=1e-5)


def test_did2s_event_study_keeps_event_times_two_and_three(mpdta):
    study = cxkit.event_study(mpdta, outcome="lemp", unit="countyreal", time="year",
                              cohort="cohort", method="did2s")
    coefs = study.coefficients.set_index("event_time")["estimate"]
    assert {2, 3} <= set(coefs.index) and study.units_set_aside == 0
    treated = mpdta[mpdta["treated"] == 1]
    assert study.n == 2500 and treated["countyreal"].nunique() == 191


def test_cs_simple_aggregation_is_the_published_att_gt_average(cs, mpdta):
    # simple: the post-treatment ATT(g, t) weighted by cohort size (aggte type = "simple")
    size = mpdta.drop_duplicates("countyreal")["first.treat"].value_counts()
    weights = np.array([size[g] for g, _ in ATT_GT])
    published = float(np.dot(weights, list(ATT_GT.values())) / weights.sum())
    assert round(published, 4) == -0.0400
    assert cs.estimate == pytest.approx(published, abs=1e-4)  # the ATT(g,t) are rounded
    assert round(cs.estimate, 4) == -0.0400 and cs.n == 2500
    assert cs.fit is not None and cs.method == "cs"


def test_cs_dynamic_aggregation_matches_the_published_event_study(cs, mpdta):
    table = cs.aggregate("dynamic").set_index("label")
    assert table.loc["overall", "estimate"] == pytest.approx(DYNAMIC_OVERALL[0], abs=5e-5)
    for e, (estimate, se) in DYNAMIC.items():
        assert table.loc[e, "estimate"] == pytest.approx(estimate, abs=5e-5), e
        assert table.loc[e, "se"] == pytest.approx(se, rel=BOOTSTRAP_MC), e
    study = cxkit.event_study(mpdta, outcome="lemp", unit="countyreal", time="year",
                              cohort="cohort", method="cs")
    coefs = study.coefficients.set_index("event_time")
    assert sorted(coefs.index) == list(DYNAMIC)
    assert coefs["estimate"].round(4).to_dict() == {e: v[0] for e, v in DYNAMIC.items()}
    assert study.estimator == "cs" and study.fit is not None


def test_cs_group_aggregation_matches_the_published_cohort_effects(cs):
    table = cs.aggregate("group").set_index("label")
    assert table.loc["overall", "estimate"] == pytest.approx(GROUP_OVERALL[0], abs=5e-4)
    assert table.loc["overall", "se"] == pytest.approx(GROUP_OVERALL[1], rel=BOOTSTRAP_MC)
    for g, (estimate, se) in GROUP.items():
        assert table.loc[g, "estimate"] == pytest.approx(estimate, abs=5e-5), g
        assert table.loc[g, "se"] == pytest.approx(se, rel=BOOTSTRAP_MC), g


def test_compare_effects_shows_twfe_did2s_and_cs_side_by_side(mpdta):
    table = cxkit.compare_effects(mpdta, treatment="treated", outcome="lemp",
                                  methods=("did",), group="countyreal", time="year")
    assert table["method"].tolist() == ["twfe", "did2s", "cs"]
    estimates = table.set_index("method")["estimate"].round(4).to_dict()
    assert estimates["did2s"] == -0.0477 and estimates["cs"] == -0.0400
    assert estimates["twfe"] == -0.0365  # the static TWFE coefficient on mpdta


def test_cs_not_yet_treated_controls_run_and_differ(mpdta, cs):
    notyet = cxkit.effect(mpdta, treatment="treated", outcome="lemp", method="cs",
                          group="countyreal", time="year", control="notyet")
    assert notyet.diagnostics["control"] == "notyet"
    assert notyet.estimate != pytest.approx(cs.estimate, abs=1e-6)
    assert abs(notyet.estimate - cs.estimate) < cs.se  # the same question, other controls


def test_event_study_estimator_keyword_still_works_with_a_future_warning(mpdta):
    with pytest.warns(FutureWarning, match="estimator= is now method="):
        study = cxkit.event_study(mpdta, outcome="lemp", unit="countyreal", time="year",
                                  cohort="cohort", estimator="twfe")
    assert study.estimator == "twfe"


def test_units_never_untreated_are_set_aside_with_a_warning_and_in_the_summary(mpdta):
    # an unbalanced panel: 2004-cohort counties observed only from 2004 on
    late = mpdta["countyreal"].isin(mpdta.loc[mpdta["first.treat"] == 2004, "countyreal"]
                                    .unique()[:5])
    panel = mpdta[~(late & (mpdta["year"] == 2003))]
    with pytest.warns(UserWarning, match="5 unit.*never untreated.*20 of 291 treated rows"):
        did = cxkit.effect(panel, treatment="treated", outcome="lemp", method="did",
                           group="countyreal", time="year")
    assert did.diagnostics["units_set_aside"] == 5
    assert "5 unit(s) never untreated set aside, 6.9% of treated rows" in did.summary()
    with pytest.warns(UserWarning, match="never untreated"):
        study = cxkit.event_study(panel, outcome="lemp", unit="countyreal", time="year",
                                  cohort="cohort")
    assert study.units_set_aside == 5 and "5 unit(s) never untreated" in study.summary()


# ------------------------------------------------------------------------------------------
# Rambachan & Roth's relative-magnitude bounds: the HonestDiD README's Medicaid example
# ------------------------------------------------------------------------------------------
# Source: README of the authors' R package (https://github.com/asheshrambachan/HonestDiD,
# "Example usage - Medicaid expansions"): ehec_data (state-level share of low-income childless
# adults with health insurance, dins, 2008-2019; from the Mixtape Sessions' Advanced-DID
# course, shipped with moderndid), years before 2016 without the 2015 cohort, the event study
# feols(dins ~ i(year, D, ref = 2013) | stfips + year, cluster = "stfips"), then
# createSensitivityResults_relativeMagnitudes(numPrePeriods = 5, numPostPeriods = 2,
# Mbarvec = seq(0.5, 2, by = 0.5)) for the 2014 effect (C-LF). The Stata port's README prints
# the original interval (constructOriginalCS) to 3 decimals: 0.029 to 0.064.
#: Mbar -> (lb, ub) as printed
MEDICAID_RM = {0.5: (0.0240, 0.0672), 1.0: (0.0170, 0.0720), 1.5: (0.00824, 0.0797),
               2.0: (-0.000916, 0.0881)}


@pytest.fixture(scope="module")
def medicaid_event_study():
    from moderndid.core.data import load_ehec

    ehec = load_ehec().to_pandas()
    keep = (ehec["year"] < 2016) & (ehec["yexp2"].isna() | (ehec["yexp2"] != 2015))
    panel = ehec[keep].copy()
    panel["cohort"] = panel["yexp2"].where(panel["yexp2"] == 2014)  # the others: controls
    return cxkit.event_study(panel, outcome="dins", unit="stfips", time="year",
                             cohort="cohort", method="twfe")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_relative_magnitude_bounds_reproduce_the_honestdid_medicaid_example(
        medicaid_event_study):
    # Two of the four M̄ (the paper's hybrid test is slow: ~1,000 linear programmes for each
    # of the 10 sign-and-location cases of the largest pre-trend).
    mbar = (1.5, 2.0)
    result = cxkit.models.honest_did(medicaid_event_study, mbar=mbar)
    table = result.to_frame()
    original = table.iloc[0]
    assert (round(original["ci_low"], 3), round(original["ci_high"], 3)) == (0.029, 0.064)
    # R's bounds are points of a 1,000-point grid centred on the estimate with half-width
    # M̄ * max|pre-trend step| + 20 sd(θ) (HonestDiD's default); moderndid refines the ends
    # between grid points, so the two may differ by up to one grid step (plus the rounding
    # of the printed digits).
    coefs = medicaid_event_study.coefficients.set_index("event_time")
    steps = np.diff(np.r_[coefs.loc[-6:-2, "estimate"].to_numpy(), 0.0])
    sd = coefs.at[0, "se"]
    for _, row in table.iloc[1:].iterrows():
        lb, ub = MEDICAID_RM[row["mbar"]]
        step = 2 * (row["mbar"] * np.abs(steps).max() + 20 * sd) / 999
        assert abs(row["ci_low"] - lb) <= step + 0.5 * 10 ** (np.floor(np.log10(abs(lb))) - 2)
        assert abs(row["ci_high"] - ub) <= step + 0.5e-4
    # "the breakdown value for a significant effect is Mbar = 2" (lb at 2 just below zero):
    # significant at 1.5, not at 2
    assert result.breakdown == 1.5
    assert "excludes zero up to M̄ = 1.5" in result.summary()


def test_relative_magnitude_bounds_refuse_what_they_cannot_use(medicaid_event_study):
    with pytest.raises(ValueError, match="did2s' or 'twfe'"):
        cxkit.models.honest_did(object())
    with pytest.raises(ValueError, match="missing: \\[5\\]"):
        cxkit.models.honest_did(medicaid_event_study, event_time=5)


def test_cs_dynamic_bands_match_the_published_ones_within_monte_carlo_error(cs):
    table = cs.aggregate("dynamic", bands=True, seed=1).set_index("label").drop("overall")
    # A band's half-width is (critical value) x (bootstrap SE), both Monte Carlo estimates
    # from 1,000 draws here and in R: the SE's relative sd is about 1.17 / sqrt(1000) = 0.037,
    # the sup-t critical value's about 0.03, so a half-width's is about 0.048 and the
    # difference of two independent runs' about 0.068: three sds = 20 %.
    for event_time, (low, high) in BAND.items():
        ours = table.loc[event_time]
        r_half, our_half = (high - low) / 2, (ours["band_high"] - ours["band_low"]) / 2
        assert our_half == pytest.approx(r_half, rel=0.20), event_time
        assert ours["estimate"] == pytest.approx((low + high) / 2, abs=1e-4)
        # the band excludes 0 exactly where R's does
        assert (ours["band_high"] < 0) == (high < 0)
    assert table["band_low"].notna().all()
    assert cs.aggregate("dynamic", bands=True, seed=1).equals(
        cs.aggregate("dynamic", bands=True, seed=1))
