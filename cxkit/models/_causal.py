"""Machinery shared by the causal estimators of :mod:`cxkit.models` (effects, DiD, heterogeneity).

- :func:`treatment_frame`: the columns used, checked (a binary treatment that varies, a numeric
  outcome, complete rows) with the kit's one wording (:mod:`cxkit._check`);
- :func:`ols_effect`: the treatment coefficient of a statsmodels OLS with robust or clustered
  standard errors (``naive``, ``regression`` and the 2×2 ``did``);
- :func:`term`, :func:`design`, :func:`nuisances`, :func:`dr_scores`: formula terms, the
  confounders as a matrix, nuisance models (in sample or cross-fitted) and the doubly robust
  scores;
- :func:`repeated_scores`, :func:`split_median`: cross-fitting repeated over random splits
  and the median aggregation of Chernozhukov et al. (2018) that makes the estimate (nearly)
  independent of the seed;
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
        "        ``ipw`` / ``aipw`` only. Defaults: an unpenalised logistic regression on\n"
        "        standardised confounders for the propensity\n"
        "        (``make_pipeline(StandardScaler(), LogisticRegression(C=np.inf, tol=1e-8,\n"
        "        max_iter=1000))``: maximum likelihood, so the coefficients are not shrunk and\n"
        "        do not depend on the confounders' units) and ordinary least squares on\n"
        "        standardised confounders for the outcome, fitted separately for treated and\n"
        "        untreated rows. Any estimator with ``fit`` and ``predict_proba`` / ``predict``\n"
        "        works (a random forest lets the outcome model find interactions)."
    ),
    "fold_seed": (
        "seed : int or numpy.random.Generator, optional\n"
        "        Seed of the random cross-fitting splits into folds: the same seed gives the same\n"
        "        numbers; with the default ``repetitions`` another seed moves the estimate by a\n"
        "        small fraction of its standard error."
    ),
    "folds": (
        "folds : int\n"
        "        Cross-fitting folds (``aipw`` and the DR-learner)."
    ),
    "repetitions": (
        "repetitions : int\n"
        "        ``aipw`` and the DR-learner: how many random splits into folds the cross-fitting\n"
        "        is repeated over (default 20). The estimate is the median of the splits'\n"
        "        estimates and its variance the median of each split's variance plus its squared\n"
        "        distance from that median (Chernozhukov et al., 2018), so that the result does\n"
        "        not hang on one split. ``repetitions=1`` is a single split (quicker with slow\n"
        "        learners, but the seed then moves the estimate)."
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
    return f"Q({column!r})" if numeric else f"C(Q({column!r}))"


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

    formula = f"Q({outcome!r}) ~ Q({treatment!r})" + "".join(f" + {t}" for t in terms)
    _check.formula(formula)  # column names reach the formula: no Python beyond the allow-list
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
    name = f"Q({treatment!r})"
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


def default_models(propensity_model=None, outcome_model=None):
    """The nuisance learners: the user's, or the kit's defaults (unpenalised logistic regression
    and OLS, both on standardised columns, so neither shrinkage nor the optimiser depends on
    the confounders' units)."""
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if propensity_model is None:
        # C=inf: no penalty (maximum likelihood; scikit-learn's spelling since 1.8), solved to
        # a tight tolerance so that it agrees with statsmodels' Logit
        logit = LogisticRegression(C=np.inf, tol=1e-8, max_iter=1000)
        propensity_model = make_pipeline(StandardScaler(), logit)
    if outcome_model is None:
        outcome_model = make_pipeline(StandardScaler(), LinearRegression())
    return propensity_model, outcome_model


def nuisances(x, t, y, *, split=None, propensity_model=None, outcome_model=None):
    """Propensity and outcome predictions: out of fold over ``split`` (an iterable of
    ``(train, test)`` row positions), or the propensity alone fitted and predicted in sample
    when ``split`` is None (``ipw``; the outcome predictions are then NaN)."""
    from sklearn.base import clone

    ps_model, out_model = default_models(propensity_model, outcome_model)
    n = len(t)
    e, mu1, mu0 = np.empty(n), np.full(n, np.nan), np.full(n, np.nan)
    if split is None:
        e[:] = clone(ps_model).fit(x, t).predict_proba(x)[:, 1]
        return e, mu1, mu0
    for train, test in split:
        e[test] = clone(ps_model).fit(x[train], t[train]).predict_proba(x[test])[:, 1]
        for arm, mu in ((1, mu1), (0, mu0)):
            rows = train[t[train] == arm]
            mu[test] = clone(out_model).fit(x[rows], y[rows]).predict(x[test])
    return e, mu1, mu0


def repeated_scores(x, t, y, *, folds, repetitions, seed, trim, propensity_model=None,
                    outcome_model=None):
    """Cross-fitted doubly robust scores over ``repetitions`` random splits into ``folds``.

    Returns ``(psi, e)``: arrays of shape (repetitions, n), the scores of each split and its
    out-of-fold propensities before clipping to [trim, 1 - trim]. The splits are stratified by
    treatment; their seeds are drawn from ``numpy.random.default_rng(seed)``.
    """
    from sklearn.model_selection import StratifiedKFold

    states = np.random.default_rng(seed).integers(0, 2**31 - 1, size=repetitions)
    psi, raw = np.empty((repetitions, len(t))), np.empty((repetitions, len(t)))
    for r, state in enumerate(states):
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=int(state))
        e, mu1, mu0 = nuisances(x, t, y, split=split.split(x, t),
                                propensity_model=propensity_model, outcome_model=outcome_model)
        raw[r] = e
        psi[r] = dr_scores(t, y, np.clip(e, trim, 1 - trim), mu1, mu0)
    return psi, raw


def split_median(estimates, variances) -> tuple[float, float]:
    """The median aggregation over cross-fitting splits (Chernozhukov et al., 2018, sec. 3.4).

    With :math:`\\hat\\theta_s` and :math:`\\hat\\sigma^2_s` the estimate and the variance
    of split :math:`s`, the estimate is :math:`\\tilde\\theta = \\mathrm{median}_s\\,
    \\hat\\theta_s` and its variance :math:`\\mathrm{median}_s\\,(\\hat\\sigma^2_s +
    (\\hat\\theta_s - \\tilde\\theta)^2)`: the spread between splits is added to the
    sampling variance, so the interval allows for the choice of split.

    >>> split_median([1.0, 2.0, 4.0], [0.5, 0.5, 0.5])
    (2.0, 1.5)
    """
    estimates, variances = np.asarray(estimates, float), np.asarray(variances, float)
    middle = float(np.median(estimates))
    return middle, float(np.median(variances + (estimates - middle) ** 2))


def dr_scores(t, y, e, mu1, mu0) -> np.ndarray:
    """The doubly robust (AIPW) score of each row; its mean estimates the average effect."""
    return mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)


def z_value(conf_level: float) -> float:
    """The standard normal quantile of a two-sided interval at ``conf_level``."""
    from scipy.stats import norm

    return norm.ppf(0.5 + conf_level / 2)
