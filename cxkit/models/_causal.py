"""Machinery shared by the causal estimators of :mod:`cxkit.models` (effects, DiD, heterogeneity).

- :func:`treatment_frame`: the columns used, checked (a binary treatment that varies, a numeric
  outcome, complete rows) with the kit's one wording (:mod:`cxkit._check`);
- :func:`ols_effect`: the treatment coefficient of a statsmodels OLS with robust or clustered
  standard errors (``naive``, ``regression`` and the 2×2 ``did``);
- :func:`term`, :func:`design`, :func:`nuisances`, :func:`dr_scores`: formula terms, the
  confounders as a matrix, cross-fitted nuisance models and the doubly robust scores;
- (the deprecated spellings ``level=`` and a positional ``by`` are kept working by
  :func:`cxkit._deprecated.old_keywords`)
  for one minor version;
- ``DOCS``: parameter texts shared by the estimators' docstrings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError

#: Parameter texts of the causal estimators (``{doc:NAME}`` markers, see ``_docstrings``).
DOCS = {
    "treatment": (
        "treatment : str\n"
        "        A 0/1 (or true/false) column: 1 for treated rows."
    ),
    "outcome": (
        "outcome : str\n"
        "        A numeric (or true/false) column."
    ),
    "nuisance_models": (
        "propensity_model, outcome_model : scikit-learn estimators, optional\n"
        "        ``ipw`` / ``aipw`` only. Defaults: ``LogisticRegression(max_iter=1000)`` for the\n"
        "        propensity and ``LinearRegression()`` for the outcome (fitted separately for\n"
        "        treated and untreated rows). Any estimator with ``fit`` and ``predict_proba`` /\n"
        "        ``predict`` works (a random forest lets the outcome model find interactions)."
    ),
    "fold_seed": (
        "seed : int, optional\n"
        "        Seed of the cross-fitting split into folds: the same seed gives the same numbers."
    ),
    "folds": (
        "folds : int\n"
        "        Cross-fitting folds (``aipw`` and the DR-learner)."
    ),
    "trim": (
        "trim : float\n"
        "        Propensities are kept within [trim, 1 − trim] (``ipw``, ``aipw``, DR-learner)."
    ),
}


# ------------------------------------------------------------------------------------------
# the columns used
# ------------------------------------------------------------------------------------------
def treatment_frame(data, treatment: str, outcome: str, others) -> pd.DataFrame:
    """The columns used (positional index): an integer 0/1 treatment with both arms, a float
    outcome, complete rows."""
    needed = list(dict.fromkeys([treatment, outcome, *others]))
    _check.table(data, needed)
    _check.complete(data, needed)
    frame = data[needed].reset_index(drop=True)
    arm = _check.varies(_check.flags(frame, treatment, missing=False), treatment)
    frame[treatment] = arm.astype(int)
    frame[outcome] = _check.numbers_or_flags(frame, outcome)
    return frame


def term(frame: pd.DataFrame, column: str) -> str:
    """A formula term: numeric columns linear, text, booleans and categories as indicators."""
    numeric = pd.api.types.is_numeric_dtype(frame[column]) and \
        not pd.api.types.is_bool_dtype(frame[column])
    return f"Q('{column}')" if numeric else f"C(Q('{column}'))"


def cluster_codes(frame: pd.DataFrame, cluster: str) -> np.ndarray:
    """Integer cluster codes (statsmodels and pyfixest compare labels: codes are fast)."""
    return pd.factorize(frame[cluster])[0]


# ------------------------------------------------------------------------------------------
# regression adjustment
# ------------------------------------------------------------------------------------------
def ols_effect(frame, treatment, outcome, terms, *, confounders, cluster, conf_level) -> dict:
    """The treatment coefficient of ``outcome ~ treatment + terms`` (statsmodels OLS, HC1 or
    clustered errors), as the fields of an :class:`~cxkit.models.effects.EffectResult`."""
    import statsmodels.formula.api as smf

    formula = f"Q('{outcome}') ~ Q('{treatment}')" + "".join(f" + {t}" for t in terms)
    model = smf.ols(formula, data=frame)
    if np.linalg.matrix_rank(model.exog) < model.exog.shape[1]:
        raise DataError("the effect is not identified: the treatment (or a confounder) is a "
                        "linear combination of the other terms, e.g. a treatment assigned by "
                        "region with region among the confounders",
                        column=[treatment, *confounders],
                        expected="a treatment that varies within the confounders' levels")
    if cluster is not None:
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": cluster_codes(frame, cluster)})
    else:
        fit = model.fit(cov_type="HC1")
    name = f"Q('{treatment}')"
    low, high = fit.conf_int(alpha=1 - conf_level).loc[name]
    return {"estimate": float(fit.params[name]), "ci_low": float(low), "ci_high": float(high),
            "se": float(fit.bse[name]), "n": int(fit.nobs), "fit": fit,
            "diagnostics": {"outcome_sd": float(frame[outcome].std()),
                            "t": float(fit.tvalues[name]), "dof": float(fit.df_resid)}}


# ------------------------------------------------------------------------------------------
# weighting: nuisance models and doubly robust scores
# ------------------------------------------------------------------------------------------
def design(frame: pd.DataFrame, confounders: list[str]) -> np.ndarray:
    """Confounders as a numeric matrix: text and booleans one-hot encoded (first level dropped)."""
    if not confounders:
        return np.ones((len(frame), 1))
    x = pd.get_dummies(frame[confounders], drop_first=True, dtype=float)
    return x.to_numpy(dtype=float)


def nuisances(x, t, y, *, cross_fit, seed, folds, propensity_model, outcome_model):
    """Propensity and outcome predictions; out of fold (cross-fitted) when ``cross_fit``."""
    from sklearn.base import clone
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    ps_model = propensity_model if propensity_model is not None else \
        LogisticRegression(max_iter=1000)
    out_model = outcome_model if outcome_model is not None else LinearRegression()
    n = len(t)
    e, mu1, mu0 = np.empty(n), np.full(n, np.nan), np.full(n, np.nan)
    if not cross_fit:
        e[:] = clone(ps_model).fit(x, t).predict_proba(x)[:, 1]
        return e, mu1, mu0
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in split.split(x, t):
        e[test] = clone(ps_model).fit(x[train], t[train]).predict_proba(x[test])[:, 1]
        for arm, mu in ((1, mu1), (0, mu0)):
            rows = train[t[train] == arm]
            mu[test] = clone(out_model).fit(x[rows], y[rows]).predict(x[test])
    return e, mu1, mu0


def dr_scores(t, y, e, mu1, mu0) -> np.ndarray:
    """The doubly robust (AIPW) score of each row; its mean estimates the average effect."""
    return mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)


def z_value(conf_level: float) -> float:
    """The standard normal quantile of a two-sided interval at ``conf_level``."""
    from scipy.stats import norm

    return norm.ppf(0.5 + conf_level / 2)
