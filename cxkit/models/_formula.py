"""What the loyalty models, key drivers, mediation and moderation share: formula terms for
column names, the checked model frame, OLS with robust errors, bootstrap percentiles, p-value
text and the parameter texts of their docstrings."""

from __future__ import annotations

import keyword
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _check

# names patsy's formulas reserve; a column called so is quoted with Q()
_PATSY_NAMES = {"C", "Q", "I", "np", "center", "standardize", "scale"}

#: Parameter texts of this area's docstrings (``@shared_docs(extra=DOCS)``); the kit-wide
#: ones (``conf_level``, ``seed`` ...) are in :mod:`cxkit._docstrings`.
DOCS = {
    "equation_confounders": (
        "confounders : sequence of str\n"
        "        Columns every equation adjusts for. Numbers enter as they are; text, boolean\n"
        "        and categorical columns as categories (one dummy per level but the first)."
    ),
    "model_weights": (
        "weights : str, optional\n"
        "        Column of weights (numbers of at least 0 on every row, not all 0); needs\n"
        "        ``weight_type``. Only for ``ols``, ``logit`` and ``poisson``, fitted as\n"
        "        weighted GLMs by statsmodels.\n"
        "    weight_type : {\"frequency\", \"sampling\"}\n"
        "        ``\"frequency\"``: each row stands for that many identical rows (whole\n"
        "        numbers); estimates, standard errors and degrees of freedom equal the\n"
        "        unweighted fit of the table with rows repeated (``freq_weights``).\n"
        "        ``\"sampling\"``: survey weights; design-based standard errors, the sandwich\n"
        "        of R's ``survey::svyglm`` with each respondent (or each ``cluster``) a sampling\n"
        "        unit (``var_weights`` with the robust covariance scaled by\n"
        "        :math:`G/(G-1)` for :math:`G` units)."
    ),
    "regression_rules": (
        "A regression takes ``\"refuse\"`` and ``\"listwise\"``: it has no pairwise form,\n"
        "        and means put in place of missing values understate the uncertainty and bias\n"
        "        the coefficients."
    ),
    "bootstrap_cluster": (
        "cluster : str, optional\n"
        "        Column whose values are clusters (e.g. ``\"customer_id\"`` when a customer\n"
        "        answers several waves): standard errors are cluster-robust and the bootstrap,\n"
        "        where there is one, resamples whole clusters. Without it, rows are taken as\n"
        "        independent."
    ),
}


def _q(name: str) -> str:
    """A column name as a formula term: bare when it is a plain identifier, else Q("...")."""
    name = str(name)
    if name.isidentifier() and not keyword.iskeyword(name) and name not in _PATSY_NAMES:
        return name
    return f"Q({name!r})"


def _term(frame: pd.DataFrame, column: str) -> str:
    return f"C({_q(column)})" if _is_categorical(frame[column]) else _q(column)


def _is_categorical(values: pd.Series) -> bool:
    return (pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype))


def _levels(values: pd.Series) -> list:
    """Levels in patsy's order: a Categorical's categories (used ones), else sorted values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if (values == c).any()]
    return sorted(pd.unique(values))


#: The rules for missing answers a regression takes (``pairwise`` has no meaning for one).
REGRESSION_RULES = ("refuse", "listwise")


def _model_frame(data, *, numeric: list[str], other: Sequence[str] = (),
                 missing: str = _check.MISSING_DEFAULT, allowed: Sequence[str] = REGRESSION_RULES,
                 what: str = "a regression") -> tuple[pd.DataFrame, _check.MissingNote]:
    """The columns used, checked: present; ``numeric`` ones finite numbers (or true/false,
    which become 1/0) that vary; missing answers handled by the rule ``missing`` (see
    :func:`cxkit._check.apply_missing`), whose note comes back with the table. The rows kept
    keep their order and are numbered again from 0."""
    _check.missing_rule(missing, allowed, what=what)
    _check.frame(data)
    columns = _check.columns(data, [*numeric, *other])
    frame = data[columns].reset_index(drop=True)
    for column in numeric:
        if pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = _check.flags(frame, column)
        else:
            frame[column] = _check.numbers(frame, column, finite=True,
                                           hint="numbers or true/false")
    frame, note = _check.apply_missing(frame, columns, missing, allowed=allowed, what=what)
    frame = frame.reset_index(drop=True)
    for column in numeric:
        _check.varies(frame[column], column)
    return frame, note


def _ols(frame, dependent, terms, cluster, expected):
    """OLS of ``dependent`` on formula ``terms`` with HC1 or cluster-robust errors."""
    import statsmodels.formula.api as smf

    formula = f"{_q(dependent)} ~ " + " + ".join(terms)
    _check.formula(formula)  # column names reach the formula: no Python beyond the allow-list
    model = smf.ols(formula, frame, missing="raise")
    exog = np.asarray(model.exog)
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise _check.DataError(f"the model {formula} is not identified: a term is a linear "
                               "combination of the others, e.g. a treatment assigned by region "
                               "with region among the confounders",
                               column=[c for c in frame.columns if c != dependent],
                               expected=expected)
    if cluster is not None:
        return model.fit(cov_type="cluster",
                         cov_kwds={"groups": pd.factorize(frame[cluster])[0]})
    return model.fit(cov_type="HC1")


def _percentiles(draws: np.ndarray, conf_level: float,
                 width: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap bounds of each of ``width`` quantities (NaN with < 2 usable draws)."""
    draws = np.asarray(draws, dtype=float).reshape(-1, width)
    keep = np.all(np.isfinite(draws), axis=1)
    if keep.sum() < 2:
        return np.full(width, np.nan), np.full(width, np.nan)
    low, high = np.quantile(draws[keep], [(1 - conf_level) / 2, (1 + conf_level) / 2], axis=0)
    return low, high


def _p_text(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


