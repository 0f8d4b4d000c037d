"""The small-cell rule (#12): every result broken down by group suppresses groups of fewer
than min_n distinct customers or respondents (default 10, cxkit.set_option, per call; 0 off)."""

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import _cells, _options, journeys, metrics


@pytest.fixture
def survey(rng) -> pd.DataFrame:
    """25 respondents in "big", 9 in "small" (one under the default 10) and 1 in "one"."""
    sizes = {"big": 25, "small": 9, "one": 1}
    n = sum(sizes.values())
    return pd.DataFrame({
        "store": np.repeat(list(sizes), list(sizes.values())),
        "nps": rng.integers(0, 11, n), "csat": rng.integers(1, 6, n),
        "ces": rng.integers(1, 8, n).astype(float), "enjoy": rng.integers(1, 8, n),
        "churned": rng.random(n) < 0.3, "n_repurchases": rng.integers(0, 3, n),
        "months": rng.integers(1, 24, n).astype(float), "left": rng.random(n) < 0.5,
    })


METRICS = {
    "nps": lambda d, **kw: metrics.nps(d, **kw),
    "csat": lambda d, **kw: metrics.csat(d, **kw),
    "ces": lambda d, **kw: metrics.ces(d, **kw),
    "top_box": lambda d, **kw: metrics.top_box(d, "enjoy", **kw),
    "churn_rate": lambda d, **kw: metrics.churn_rate(d, **kw),
    "repeat_rate": lambda d, **kw: metrics.repeat_rate(d, **kw),
    "retention_curve": lambda d, **kw: metrics.retention_curve(d, duration="months",
                                                               event="left", **kw),
}


def _assert_suppressed(table, key, small, *, values=("estimate", "ci_low", "ci_high", "n")):
    rows = table.set_index(key)
    for group in small:
        row = rows.loc[[group]]
        assert len(row) == 1, "a suppressed group is one row"
        assert bool(row["suppressed"].iloc[0])
        assert row[list(values)].isna().all(axis=None), f"{group} shows a value"
    assert not rows.drop(index=list(small))["suppressed"].any()


@pytest.mark.parametrize("name", METRICS)
def test_metrics_suppress_groups_under_min_n(name, survey):
    func = METRICS[name]
    table = func(survey, by="store")
    _assert_suppressed(table, "store", ["one", "small"])
    big = table[table["store"] == "big"].drop(columns=["store", "suppressed"])
    alone = func(survey[survey["store"] == "big"])
    pd.testing.assert_frame_equal(big.reset_index(drop=True), alone, check_dtype=False)
    info = table.attrs["small_cells"]
    assert info["min_n"] == 10 and info["suppressed_groups"] == 2
    assert info["note"].startswith("2 groups with fewer than 10")


@pytest.mark.parametrize("name", METRICS)
def test_min_n_per_call_option_and_zero(name, survey):
    func = METRICS[name]
    _assert_suppressed(func(survey, by="store", min_n=9), "store", ["one"])
    with _options.option_context(min_n=30):
        _assert_suppressed(func(survey, by="store"), "store", ["big", "one", "small"])
    off = func(survey, by="store", min_n=0)
    assert not off["suppressed"].any()
    assert off.loc[off["store"] == "one", "n"].iloc[0] == 1
    assert off.attrs["small_cells"]["note"].startswith("min_n=0: groups of any size are shown")
    assert "suppressed" not in func(survey).columns  # no groups, nothing to suppress


def test_set_option_holds_until_changed_and_refuses_bad_values(survey):
    try:
        cxkit.set_option("min_n", 2)
        assert cxkit.get_option("min_n") == 2
        _assert_suppressed(metrics.nps(survey, by="store"), "store", ["one"])
    finally:
        cxkit.set_option("min_n", 10)
    for bad in (-1, 2.5, True, "10"):
        with pytest.raises(ValueError, match="min_n must be a whole number"):
            cxkit.set_option("min_n", bad)
        with pytest.raises(ValueError, match="min_n must be a whole number"):
            metrics.nps(survey, by="store", min_n=bad)
    with pytest.raises(KeyError, match="no option 'mín_n'"):
        cxkit.get_option("mín_n")


def test_distinct_customers_count_not_rows():
    data = pd.DataFrame({"g": ["a"] * 12 + ["b"] * 12,
                         "customer_id": [1] * 12 + list(range(12))})
    assert _cells.people(data, ["g"]).to_dict() == {"a": 1, "b": 12}


def test_metrics_count_distinct_customers_when_there_is_an_id(survey):
    # "big" answered by 25 rows but only 5 customers (five waves each): suppressed too
    ids = [f"c{i % 5}" for i in range(25)] + [f"s{i}" for i in range(9)] + ["o"]
    table = metrics.nps(survey.assign(customer_id=ids), by="store")
    assert table["suppressed"].all()
    table = metrics.nps(survey.assign(customer_id=ids), by="store", min_n=5)
    assert table.set_index("store")["suppressed"].to_dict() == {"big": False, "one": True,
                                                                "small": False}


WEIGHTED = ["nps", "csat", "ces", "top_box"]  # the metrics that take weights= (#13)


@pytest.mark.parametrize("weight_type", ["frequency", "sampling"])
@pytest.mark.parametrize("name", WEIGHTED)
def test_with_weights_the_rule_counts_respondents_not_weights(name, weight_type, survey):
    # "small" (9 respondents) weighs 20 each and "one" 50: heavy, still too few people.
    # "big" has 25 respondents, 16 of them with weight 0 (in no estimate): 9 people count.
    w = np.select([survey["store"] == "small", survey["store"] == "one"], [20, 50], 1)
    big = np.flatnonzero(survey["store"] == "big")
    w[big[:16]] = 0
    data = survey.assign(w=w)
    func = METRICS[name]
    table = func(data, by="store", weights="w", weight_type=weight_type)
    _assert_suppressed(table, "store", ["big", "one", "small"],
                       values=("estimate", "ci_low", "ci_high", "n", "n_eff"))
    table = func(data, by="store", weights="w", weight_type=weight_type, min_n=9)
    _assert_suppressed(table, "store", ["one"], values=("estimate", "n", "n_eff"))
    assert table.set_index("store").loc["big", "n"] == 25  # n stays the respondents
    # the small-cell note and the note of the rule for missing answers side by side
    assert table.attrs["small_cells"]["suppressed_groups"] == 1
    assert table.attrs["missing_note"].rule == "refuse"


def _effect_data(rng, sizes):
    g = np.repeat(list(sizes), list(sizes.values()))
    x = rng.normal(size=len(g))
    t = (x + rng.normal(size=len(g)) > 0).astype(int)
    y = t + x + rng.normal(size=len(g))
    return pd.DataFrame({"g": g, "x": x, "t": t, "y": y})


def test_effects_by_does_not_estimate_a_small_group(rng):
    data = _effect_data(rng, {"a": 300, "b": 300, "tiny": 3})
    table = cxkit.effects_by(data, by="g", treatment="t", outcome="y", method="naive")
    _assert_suppressed(table, "g", ["tiny"], values=("estimate", "se", "ci_low", "n"))
    assert table.loc[table["g"] == "tiny", "method"].iloc[0] == "naive"
    assert table.attrs["small_cells"]["suppressed_groups"] == 1
    off = cxkit.effects_by(data, by="g", treatment="t", outcome="y", method="naive",
                           min_n=0)
    assert not off["suppressed"].any() and off["n"].tolist() == [300, 300, 3]


def test_cate_suppresses_a_small_group_but_uses_its_rows(rng):
    data = _effect_data(rng, {"a": 300, "b": 300, "tiny": 5})
    table = cxkit.cate(data, by="g", treatment="t", outcome="y", confounders=["x"], seed=0,
                       repetitions=2, folds=2)
    _assert_suppressed(table, "g", ["tiny"], values=("estimate", "se", "ci_low", "n"))
    off = cxkit.cate(data, by="g", treatment="t", outcome="y", confounders=["x"], seed=0,
                     repetitions=2, folds=2, min_n=0)
    pd.testing.assert_frame_equal(table.iloc[:2].drop(columns="suppressed"),
                                  off.iloc[:2].drop(columns="suppressed"), check_dtype=False)


def test_transitions_by_group_count_customers():
    rows = []
    for i in range(12):  # 12 customers in "x", one in "y" with many events
        rows += [(f"c{i}", "2025-01-01 10:00", "web_visit"), (f"c{i}", "2025-01-01 11:00",
                                                              "purchase")]
    rows += [("z", f"2025-01-0{d} 10:00", tp) for d in range(1, 8)
             for tp in ("web_visit",)]
    events = pd.DataFrame(rows, columns=["customer_id", "timestamp", "touchpoint"])
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    events = cxkit.classify(events)
    events["segment"] = np.where(events["customer_id"] == "z", "y", "x")
    table = journeys.transitions(events, by="segment")
    _assert_suppressed(table, "segment", ["y"],
                       values=("touchpoint", "next_touchpoint", "transitions", "probability"))
    assert table.loc[table["segment"] == "x", "transitions"].sum() == 12
    assert not journeys.transitions(events, by="segment", min_n=0)["suppressed"].any()
