"""Key-driver analysis: how much of the explained variance of an outcome each driver accounts
for (relative weights, Shapley R² decomposition), or how much a model's fit drops when a driver
is scrambled (permutation importance), with bootstrap intervals.

:func:`cxkit.plot_drivers` draws the importance–performance quadrant chart of the table.

Driver weights describe associations in the data, not effects: a driver that merely correlates
with a cause gets credit, and shared variance among correlated drivers is split by convention.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import old_keywords
from .._docstrings import shared_docs
from ._formula import DOCS, _model_frame, _percentiles

__all__ = ["DRIVER_METHODS", "MAX_SHAPLEY_DRIVERS", "key_drivers"]

#: Methods of :func:`key_drivers`.
DRIVER_METHODS = ("relative_weights", "shapley", "permutation")
#: Exact Shapley decomposition fits 2^p regressions per bootstrap sample.
MAX_SHAPLEY_DRIVERS = 10


@shared_docs(extra=DOCS)
@old_keywords()
def key_drivers(data: pd.DataFrame, *, outcome: str, drivers: Sequence[str],
                method: str = "relative_weights", bootstrap: int = 200, seed=None,
                conf_level: float = 0.95, model=None,
                level: float | None = None,
                missing: str = _check.MISSING_DEFAULT) -> pd.DataFrame:
    """Key-driver analysis: how much each driver matters for an outcome, with intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        The outcome (e.g. ``"loyalty"``, ``"csat"``): numbers.
    drivers : sequence of str
        The drivers (e.g. the CX pyramid's ``needs``, ``ease``, ``enjoy`` scores): numbers or
        true/false.
    method : {"relative_weights", "shapley", "permutation"}
        - ``"relative_weights"``: Johnson's relative weights, each driver's share of the
          linear model's R², from an orthogonal transformation of the drivers;
        - ``"shapley"``: the Shapley value of R² (also called LMG or dominance analysis):
          each driver's R² gain when it enters a regression, averaged over all orders of
          entry. Exact, over all :math:`2^p` subsets, so at most
          :data:`MAX_SHAPLEY_DRIVERS` drivers;
        - ``"permutation"``: the drop in a fitted model's out-of-sample R² when a driver's
          values are shuffled (scikit-learn's ``permutation_importance``), for any model,
          including ones that are not linear.
    bootstrap : int
        Bootstrap samples (rows drawn with replacement) for the percentile intervals; 0 for
        none (``ci_low``, ``ci_high`` are then NaN). For ``"permutation"``, each bootstrap
        sample fits the model and the importance is measured on the rows the sample left out
        (out of bag); the importance is the mean over samples. With ``bootstrap=0`` it uses a
        single random split, 75 % to fit and 25 % to measure.
    {doc:seed}
    {doc:conf_level}
    model : {"linear", "random_forest"} or scikit-learn regressor, optional
        ``"permutation"`` only: the model whose importance is measured. Default
        ``"linear"`` (``LinearRegression()``); ``"random_forest"`` is
        ``RandomForestRegressor(n_estimators=100, min_samples_leaf=5)``, which picks up
        non-linear effects and interactions but costs a forest per bootstrap sample.
    {doc:level}
    {doc:missing}
        {doc:regression_rules}

    Returns
    -------
    DataFrame
        One row per driver, most important first, with columns

        - ``driver``: the column name;
        - ``importance``: R² points: the driver's part of the model's R²
          (``relative_weights``, ``shapley``; they add up to the R² of the regression of the
          outcome on all drivers) or the mean fall in out-of-sample R² when it is shuffled
          (``permutation``; these need not add up to anything, and can be slightly below 0
          for a useless driver);
        - ``share``: importance divided by the sum of importances (share of R² for the first
          two methods);
        - ``ci_low``, ``ci_high``: percentile bootstrap interval of ``importance``;
        - ``performance``: the driver's mean, the current level of performance for the
          quadrant chart of :func:`cxkit.plot_drivers`.

        ``table.attrs`` records ``method``, ``outcome``, ``r2`` (in-sample R² of the linear
        model for the first two methods, mean out-of-sample R² for ``permutation``), ``n``,
        ``conf_level`` (``level`` before cxkit 0.2.0), ``bootstrap`` and ``missing_note``
        (what the rule for missing values did).

    Raises
    ------
    DataError
        Absent columns; missing values under ``missing="refuse"``; non-numeric or infinite
        values; a driver that does not vary;
        drivers that are collinear.
    ValueError
        An unknown method, too many drivers for ``"shapley"``, a bad ``bootstrap`` or
        ``conf_level``.

    Notes
    -----
    Both decompositions work on the correlation matrix :math:`R_{xx}` of the drivers and
    their correlations :math:`r_{xy}` with the outcome; :math:`R^2 = r_{xy}^\\top
    R_{xx}^{-1} r_{xy}`.

    *Relative weights* (Johnson, 2000): with the eigendecomposition :math:`R_{xx} =
    Q\\Lambda Q^\\top`, the drivers' orthogonal counterparts :math:`Z` relate to them by
    :math:`\\Lambda^* = Q\\Lambda^{1/2}Q^\\top`; regressing the outcome on :math:`Z` gives
    :math:`\\beta^* = \\Lambda^{*-1} r_{xy}`, and driver :math:`j`'s weight is

    .. math::

        \\varepsilon_j = \\sum_k \\lambda^{*2}_{jk}\\, \\beta^{*2}_k, \\qquad
        \\sum_j \\varepsilon_j = R^2.

    *Shapley value* (Lipovetsky & Conklin, 2001; the LMG measure reviewed by Grömping, 2006):
    with :math:`P` the set of :math:`p` drivers,

    .. math::

        \\phi_j = \\sum_{S \\subseteq P \\setminus \\{j\\}}
                  \\frac{|S|!\\,(p - |S| - 1)!}{p!}\\,
                  \\bigl[R^2(S \\cup \\{j\\}) - R^2(S)\\bigr], \\qquad
        \\sum_j \\phi_j = R^2(P).

    The two measures agree closely in practice (Johnson, 2000); both split shared variance
    among correlated drivers, which a regression coefficient does not. None of them is a
    causal effect: a driver that merely correlates with a cause gets credit.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
    variables in multiple regression. *Multivariate Behavioral Research*, 35(1), 1–19.
    Lipovetsky, S., & Conklin, M. (2001). Analysis of regression in game theory approach.
    *Applied Stochastic Models in Business and Industry*, 17(4), 319–330.
    Grömping, U. (2006). Relative importance for linear regression in R: the package
    relaimpo. *Journal of Statistical Software*, 17(1), 1–27.
    Breiman, L. (2001). Random forests. *Machine Learning*, 45(1), 5–32.
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing*, 41(1), 77–79.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cxkit.models import key_drivers
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 3))
    >>> data = pd.DataFrame(x + 4, columns=["needs", "ease", "enjoy"])
    >>> data["loyalty"] = x @ [0.6, 0.3, 0.1] + rng.normal(size=500)
    >>> table = key_drivers(data, outcome="loyalty", drivers=["needs", "ease", "enjoy"],
    ...                     method="shapley", bootstrap=50, seed=1)
    >>> table["driver"].tolist()
    ['needs', 'ease', 'enjoy']
    >>> bool(np.isclose(table["importance"].sum(), table.attrs["r2"]))
    True
    """
    conf_level = _check.conf_level(conf_level)
    _check.one_of(method, DRIVER_METHODS, "method")
    drivers = _check.as_list(drivers, "drivers")
    _check.one_role([outcome, *drivers])
    if method == "shapley" and len(drivers) > MAX_SHAPLEY_DRIVERS:
        raise ValueError(f"exact Shapley values need 2^p regressions: at most "
                         f"{MAX_SHAPLEY_DRIVERS} drivers (got {len(drivers)}); use "
                         "method='relative_weights', which agrees closely")
    bootstrap = _check.count(bootstrap, "bootstrap")
    frame, missing_note = _model_frame(data, numeric=[outcome, *drivers], missing=missing)
    _check.not_collinear(frame, drivers, what="drivers")
    x = frame[drivers].to_numpy(dtype=float)
    y = frame[outcome].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    if method == "permutation":
        importance, draws, r2 = _permutation(x, y, model, bootstrap, rng)
    else:
        weigh = _relative_weights if method == "relative_weights" else _shapley
        importance, r2 = weigh(x, y)
        draws = np.array([weigh(x[idx], y[idx])[0] for idx in
                          (rng.integers(0, len(y), len(y)) for _ in range(bootstrap))])
    low, high = _percentiles(draws, conf_level, len(drivers))
    total = importance.sum()
    table = pd.DataFrame({"driver": drivers, "importance": importance,
                          "share": importance / total if total != 0 else np.nan,
                          "ci_low": low, "ci_high": high, "performance": x.mean(axis=0)})
    table = table.sort_values("importance", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    table.attrs = {"method": method, "outcome": outcome, "r2": float(r2), "n": len(y),
                   "conf_level": conf_level, "bootstrap": bootstrap,
                   "missing_note": missing_note}
    return table


def _correlations(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    return corr[:-1, :-1], corr[:-1, -1]


def _relative_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    rxx, rxy = _correlations(x, y)
    if not np.all(np.isfinite(rxx)) or not np.all(np.isfinite(rxy)):
        return np.full(len(rxy), np.nan), np.nan  # a bootstrap sample where a driver is constant
    values, vectors = np.linalg.eigh(rxx)
    lam = vectors @ np.diag(np.sqrt(np.clip(values, 0, None))) @ vectors.T
    try:
        beta = np.linalg.solve(lam, rxy)
        r2 = float(rxy @ np.linalg.solve(rxx, rxy))
    except np.linalg.LinAlgError:
        return np.full(len(rxy), np.nan), np.nan
    return (lam ** 2) @ (beta ** 2), r2


def _subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R² of the regression on every subset of drivers, indexed by the subset's bit mask."""
    p = len(rxy)
    r2 = np.zeros(1 << p)
    for size in range(1, p + 1):
        subsets = np.array(list(itertools.combinations(range(p), size)))
        blocks = rxx[subsets[:, :, None], subsets[:, None, :]]
        rhs = rxy[subsets]
        coef = np.linalg.solve(blocks, rhs[..., None])[..., 0]
        masks = (1 << subsets).sum(axis=1)
        r2[masks] = np.einsum("ij,ij->i", rhs, coef)
    return r2


def _shapley(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    rxx, rxy = _correlations(x, y)
    p = len(rxy)
    if not np.all(np.isfinite(rxx)) or not np.all(np.isfinite(rxy)):
        return np.full(p, np.nan), np.nan
    try:
        r2 = _subset_r2(rxx, rxy)
    except np.linalg.LinAlgError:
        return np.full(p, np.nan), np.nan
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    weights = np.array([math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p)
                        if s < p else 0.0 for s in range(p + 1)])
    phi = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        phi[j] = np.sum(weights[sizes[without]] * (r2[without | (1 << j)] - r2[without]))
    return phi, float(r2[-1])


def _permutation(x, y, model, bootstrap, rng):
    from sklearn.base import clone
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import r2_score

    estimator = _driver_model(model, rng)
    n = len(y)
    if bootstrap == 0:
        order = rng.permutation(n)
        splits = [(order[n // 4:], order[:n // 4])]
    else:
        splits = []
        for _ in range(bootstrap):
            idx = rng.integers(0, n, n)
            out = np.setdiff1d(np.arange(n), idx)
            if out.size >= 2:
                splits.append((idx, out))
    draws, scores = [], []
    for train, test in splits:
        fitted = clone(estimator).fit(x[train], y[train])
        result = permutation_importance(fitted, x[test], y[test], scoring="r2", n_repeats=5,
                                        random_state=int(rng.integers(0, 2**31 - 1)))
        draws.append(result.importances_mean)
        scores.append(r2_score(y[test], fitted.predict(x[test])))
    draws = np.array(draws)
    return draws.mean(axis=0), (draws if len(draws) > 1 else draws[:0]), float(np.mean(scores))


def _driver_model(model, rng):
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import LinearRegression

    if model is None or model == "linear":
        return LinearRegression()
    if model == "random_forest":
        return RandomForestRegressor(n_estimators=100, min_samples_leaf=5,
                                     random_state=int(rng.integers(0, 2**31 - 1)))
    if isinstance(model, str) or not hasattr(model, "fit") or not hasattr(model, "predict"):
        raise ValueError("model must be 'linear', 'random_forest' or a scikit-learn regressor, "
                         f"not {model!r}")
    return model
