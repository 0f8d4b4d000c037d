"""cxkit.effect on hand-computed cases, and its refusals."""

import numpy as np
import pandas as pd
import pytest

import cxkit


def test_naive_effect_is_the_difference_in_means_with_hc1_standard_error():
    data = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0, 0], "y": [3.0, 5.0, 7.0, 1.0, 2.0, 2.0, 3.0]})
    result = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    assert result.estimate == pytest.approx(5.0 - 2.0)
    # HC0 for a binary regressor: SSR_1 / n_1^2 + SSR_0 / n_0^2; HC1 scales by n / (n - 2)
    hc0 = 8.0 / 3**2 + 2.0 / 4**2
    assert result.se == pytest.approx(np.sqrt(hc0 * 7 / 5))
    assert result.ci_low == pytest.approx(3.0 - 1.959964 * result.se, rel=1e-5)
    assert (result.method, result.n) == ("naive", 7)


def test_regression_adjustment_removes_an_observed_confounder():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    t = (x + rng.normal(size=400) > 0).astype(int)
    data = pd.DataFrame({"x": x, "t": t, "y": 2.0 * t + 3.0 * x})  # no noise: exact answer
    naive = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    adjusted = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"],
                            method="regression")
    assert naive.estimate > 3.0
    assert adjusted.estimate == pytest.approx(2.0)


def test_text_confounders_enter_as_categories():
    data = pd.DataFrame({"g": ["a", "a", "b", "b", "c", "c"], "t": [1, 0, 1, 0, 1, 0],
                         "y": [2.0, 1.0, 12.0, 11.0, 22.0, 21.0]})
    assert cxkit.effect(data, treatment="t", outcome="y", confounders=["g"],
                        method="regression").estimate == pytest.approx(1.0)


def test_did_is_the_two_by_two_difference_in_differences():
    cells = {("T", 1): [5.0, 7.0], ("T", 2): [10.0, 12.0], ("C", 1): [2.0, 4.0],
             ("C", 2): [4.0, 6.0]}
    rows = [{"g": g, "w": w, "y": y, "d": int(g == "T" and w == 2)}
            for (g, w), ys in cells.items() for y in ys]
    result = cxkit.effect(pd.DataFrame(rows), treatment="d", outcome="y", method="did",
                          group="g", time="w")
    assert result.estimate == pytest.approx((11 - 6) - (5 - 3))


def test_result_renders_as_frame_and_sentence():
    data = pd.DataFrame({"t": [True, False, True, False], "y": [1.0, 0.0, 2.0, 0.5]})
    result = cxkit.effect(data, treatment="t", outcome="y", method="naive")
    frame = result.to_frame()
    assert list(frame.columns) == ["method", "treatment", "outcome", "estimate", "se", "ci_low",
                                   "ci_high", "n"]
    assert "effect of t on y = 1.250" in result.summary()


@pytest.mark.parametrize(("data", "kwargs", "says", "rows"), [
    (pd.DataFrame({"t": [0, 1, 2], "y": [1.0, 2.0, 3.0]}), {}, "not binary", [3]),
    (pd.DataFrame({"t": [0, 1, 1], "y": [1.0, np.nan, 3.0]}), {}, "missing values", [2]),
    (pd.DataFrame({"t": [1, 1], "y": [1.0, 2.0]}), {}, "does not vary", []),
    (pd.DataFrame({"t": [0, 1], "y": ["a", "b"]}), {}, "not numeric", []),
    (pd.DataFrame({"t": [0, 1], "y": [1.0, 2.0]}), {"confounders": ["age"]}, "not in the data",
     []),
])
def test_bad_input_is_refused_with_a_data_error(data, kwargs, says, rows):
    with pytest.raises(cxkit.DataError, match=says) as info:
        cxkit.effect(data, treatment="t", outcome="y", method="regression", **kwargs)
    assert info.value.rows == rows


def test_did_refuses_staggered_adoption():
    rows = [{"g": g, "w": w, "y": float(w), "d": int(w >= start)}
            for g, start in (("A", 2), ("B", 3), ("C", 99)) for w in (1, 2, 3) for _ in range(2)]
    with pytest.raises(cxkit.DataError, match="staggered"):
        cxkit.effect(pd.DataFrame(rows), treatment="d", outcome="y", method="did", group="g",
                     time="w")


def test_unknown_method_and_incomplete_did_are_refused():
    data = pd.DataFrame({"t": [0, 1], "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match="method must be one of"):
        cxkit.effect(data, treatment="t", outcome="y", method="magic")
    with pytest.raises(ValueError, match="group="):
        cxkit.effect(data, treatment="t", outcome="y", method="did")
