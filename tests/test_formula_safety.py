"""Formulas are checked against an allow-list before patsy evaluates them (#12): column names,
operators and the documented transforms pass; anything else is a DataError and runs nothing."""

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import _check
from cxkit.models import effect, loyalty_model


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 200
    data = pd.DataFrame({"ease": rng.normal(size=n), "spend": rng.gamma(2.0, 10.0, n),
                         "segment": rng.choice(["a", "b"], n)})
    data["loyalty"] = 3 + 0.5 * data["ease"] + rng.normal(size=n)
    data["odd name"] = rng.normal(size=n)
    return data


# every formula of the notebooks and tests, and the transforms the docstring lists
ACCEPTED = [
    "loyalty ~ ease", "loyalty ~ ease + C(segment)", "churned ~ ease + C(segment)",
    "n_repurchases ~ engagement_per_period + service_failure + C(segment) "
    "+ np.log(active_periods)",
    "loyalty ~ needs + ease + enjoy + csr_perception + csat",
    "loyalty ~ np.log(spend) + np.sqrt(spend) + np.exp(ease) + np.log1p(spend)",
    "loyalty ~ I(ease ** 2) + I(ease > 0) + I(-ease / 2) + ease:C(segment) + ease * spend - 1",
    "loyalty ~ center(ease) + standardize(spend) + scale(ease)",
    "loyalty ~ C(segment, Treatment('b')) + C(segment, levels=['b', 'a'])",
    "np.log(spend) ~ Q('odd name') + Q(\"odd name\")",
]


@pytest.mark.parametrize("formula", ACCEPTED)
def test_allowed_formulas_pass_unchanged(formula):
    assert _check.formula(formula) == formula


@pytest.mark.parametrize(("formula", "says"), [
    ("y ~ I(__import__('pathlib').Path('f').write_text('1'))", "'__import__'"),
    ("y ~ x.__class__", "'__class__'"),
    ("y ~ open('f')", r"the call open\(\)"),
    ("y ~ eval('1')", r"the call eval\(\)"),
    ("y ~ I(x[0])", "a subscript"),
    ("y ~ np.random.seed(1)", "the attribute 'np.random.seed'"),
    ("y ~ os.system('ls')", "the attribute 'os.system'"),
    ("y ~ I((lambda: 1)())", "a lambda"),
    ("y ~ I([v for v in x])", "ListComp"),
    ("y ~ Q(x)", r"Q\(\) of something other"),
])
def test_anything_else_is_refused_before_evaluation(formula, says):
    with pytest.raises(cxkit.DataError, match=says):
        _check.formula(formula)


def test_loyalty_model_refuses_the_exploit_and_writes_no_file(survey, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(cxkit.DataError, match="__import__"):
        loyalty_model(survey, "loyalty ~ I(__import__('pathlib').Path('f').write_text('1'))")
    with pytest.raises(cxkit.DataError, match="__import__"):  # on the left-hand side too
        loyalty_model(survey, "I(__import__('pathlib').Path('f').write_text('1')) ~ ease")
    assert not (tmp_path / "f").exists()
    assert list(tmp_path.iterdir()) == []


def test_loyalty_model_still_fits_allowed_transforms(survey):
    model = loyalty_model(survey, "loyalty ~ np.log(spend) + I(ease ** 2) + Q('odd name') "
                                  "+ C(segment)")
    assert {"np.log(spend)", "I(ease ** 2)", "Q('odd name')", "C(segment)[T.b]"} <= set(
        model.coefficients["term"])


def test_a_column_name_cannot_smuggle_code_into_a_built_formula(survey, tmp_path, monkeypatch):
    # the kit writes column names into formulas as Q('name'): a name with quotes in it stays
    # a name (quoted with repr), and the allow-list stands behind that
    monkeypatch.chdir(tmp_path)
    bad = "ease') + I(__import__('pathlib').Path('f').write_text('1')) + Q('ease"
    data = survey.assign(treated=survey["ease"] > 0).rename(columns={"spend": bad})
    result = effect(data, treatment="treated", outcome="loyalty", confounders=[bad],
                    method="regression")
    assert np.isfinite(result.estimate)
    assert not (tmp_path / "f").exists()
