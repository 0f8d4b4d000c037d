"""Callaway & Sant'Anna through moderndid needs a balanced panel: the kit sets aside the units
not observed in every period itself, says so, and counts them (#15: the customer activity panel
of chapter 15 lost 2,894 of 4,924 customers to moderndid's own balancing while the result
reported every row as used)."""

import warnings

import numpy as np
import pytest

import cxkit

moderndid = pytest.importorskip("moderndid")


@pytest.fixture(scope="module")
def mpdta():
    data = moderndid.load_mpdta().to_pandas()
    data["cohort"] = data["first.treat"].where(data["first.treat"] > 0)
    return data


def test_units_missing_a_period_are_set_aside_counted_and_warned(mpdta):
    # drop one year of 7 counties (2 of them treated in 2004): 7 units become unbalanced
    rng = np.random.default_rng(0)
    counties = np.concatenate([
        rng.choice(mpdta.loc[mpdta["first.treat"] == 2004, "countyreal"].unique(), 2, False),
        rng.choice(mpdta.loc[mpdta["first.treat"] == 0, "countyreal"].unique(), 5, False)])
    holes = mpdta["countyreal"].isin(counties) & (mpdta["year"] == 2005)
    unbalanced = mpdta[~holes]
    options = dict(outcome="lemp", unit="countyreal", time="year", cohort="cohort", method="cs")
    with pytest.warns(UserWarning, match="7 of 500 unit.*not observed in every one of the 5"):
        study = cxkit.event_study(unbalanced, **options)
    # the same as leaving those counties out altogether (exactly: the same rows reach moderndid)
    balanced = mpdta[~mpdta["countyreal"].isin(counties)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to set aside
        reference = cxkit.event_study(balanced, **options)
    assert study.coefficients["estimate"].tolist() == reference.coefficients["estimate"].tolist()
    assert study.n == len(balanced) == 2465
    assert study.unbalanced_units_set_aside == 7 and reference.unbalanced_units_set_aside == 0
    assert "7 unit(s) not observed in every period set aside" in study.summary()


def test_the_overall_cs_effect_reports_the_units_set_aside(mpdta):
    data = mpdta.assign(treated=((mpdta["first.treat"] > 0)
                                 & (mpdta["year"] >= mpdta["first.treat"])).astype(int))
    data = data[~(data["countyreal"].isin(data["countyreal"].unique()[:3])
                  & (data["year"] == 2007))]
    with pytest.warns(UserWarning, match="3 of 500 unit"):
        result = cxkit.effect(data, treatment="treated", outcome="lemp", method="cs",
                              group="countyreal", time="year")
    assert result.diagnostics["unbalanced_units_set_aside"] == 3
    assert result.n == 497 * 5
