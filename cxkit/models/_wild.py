"""Wild cluster bootstrap for difference in differences with few clusters.

With fewer than :data:`FEW_CLUSTERS` clusters (a policy rolled out over a handful of regions),
cluster-robust standard errors are too small and normal intervals too narrow. The kit then
adds a wild cluster bootstrap p-value and interval (MacKinnon, Nielsen & Webb, 2023) beside
the analytic ones:

- regressions (the 2×2 ``did``, two-way fixed effects, the dynamic ``twfe`` event study):
  the restricted wild cluster bootstrap WCR-11 — the null imposed on the bootstrap data,
  CRV1 standard errors recomputed in every draw — the statistic of the ``wildboottest``
  package (and of pyfixest's ``wildboottest()``; ``tests/test_did_inference.py`` checks
  that the kit's p-value equals the package's, draw for draw);
- the imputation estimator (``did2s``): a score bootstrap (Kline & Santos, 2012) of its
  cluster influence contributions (Gardner's GMM scores), with the null imposed on the
  second-stage residuals and the same studentisation; the first stage is not re-estimated in
  each draw (its contribution enters through the scores).

Weights: Webb's six-point weights below 12 clusters (Rademacher weights take only 2^G values),
Rademacher weights otherwise (all 2^G sign patterns when there are fewer than ``nboot``). The
interval is the set of nulls the bootstrap test does not reject at ``1 - conf_level``, found
by bisection; each null reuses the same draws, so it costs one pass over them. That inversion is
why the kit computes the statistic itself rather than calling ``wildboottest`` (which tests
β = 0 only, at a fraction of a second per call): a coefficient's interval takes many nulls.
"""

from __future__ import annotations

from itertools import product

import numpy as np

#: Below this many clusters DiD results add the wild cluster bootstrap.
FEW_CLUSTERS = 30
#: Bootstrap draws by default (α(B + 1) is a whole number for the usual α).
NBOOT = 9999
#: Parameter texts (``{doc:wild_bootstrap}``) of the functions that offer the bootstrap.
DOCS = {
    "wild_bootstrap": (
        "bootstrap : int\n"
        "        Draws of the wild cluster bootstrap that DiD results add when there are fewer\n"
        "        than 30 clusters (default 9999; 0: none). Webb weights below 12 clusters,\n"
        "        Rademacher weights otherwise (every sign pattern once when there are fewer\n"
        "        than ``bootstrap``); the interval inverts the bootstrap test (see\n"
        "        :mod:`cxkit.models._wild`). The summary then reports the bootstrap interval.\n"
        "    seed : int or numpy.random.Generator, optional\n"
        "        Seed of the bootstrap weights: the same seed gives the same interval."
    ),
}
#: The largest two-way fixed-effects design (columns) formed for the bootstrap.
MAX_DESIGN = 1500
_WEBB = np.concatenate([-np.sqrt(np.array([3, 2, 1]) / 2), np.sqrt(np.array([1, 2, 3]) / 2)])


def weights(n_clusters: int, nboot: int, seed) -> tuple[np.ndarray, str]:
    """The bootstrap weights, clusters × draws, and their name (as ``wildboottest`` draws them:
    the same seed gives the same matrix)."""
    if n_clusters < 12:
        rng = np.random.default_rng(seed)
        return rng.choice(_WEBB, size=n_clusters * nboot, replace=True).reshape(
            n_clusters, nboot), "webb"
    if 2 ** n_clusters < nboot:  # every sign pattern once
        return np.array(list(product([-1, 1], repeat=n_clusters))).T, "rademacher (all)"
    rng = np.random.default_rng(seed)
    return rng.choice([-1, 1], size=n_clusters * nboot, replace=True).reshape(
        n_clusters, nboot), "rademacher"


def group_sums(values: np.ndarray, codes: np.ndarray, n_clusters: int) -> np.ndarray:
    """Row values (n × k) summed by cluster (G × k)."""
    sums = np.zeros((n_clusters, values.shape[1]))
    np.add.at(sums, codes, values)
    return sums


def invert(estimate: float, a: np.ndarray, inverse: np.ndarray, scores: np.ndarray,
                   leverage: np.ndarray, v: np.ndarray, conf_level: float) -> dict:
    """p-value of β_j = 0 and the interval of nulls not rejected at 1 - conf_level.

    ``a`` is column j of ``inverse`` = (X'X)^-1 (k), ``scores`` the clusters' score sums at the
    unrestricted estimate (G × k; their cluster sum of squares gives the CRV variance),
    ``leverage`` the clusters' X_g'X_g a (G × k), ``v`` the weights (G × B). With
    d = estimate - β_0 the restricted scores are ``scores + leverage d / a_j``, so the
    bootstrap numerators and CRV1 variances are linear and quadratic in d.
    """
    c0, c1 = scores @ a, leverage @ a
    scale = float(c1.sum())  # = a_j: the restricted scores add up to d
    c1 = c1 / scale
    h0 = leverage @ inverse @ scores.T
    h1 = leverage @ inverse @ leverage.T / scale
    n0, n1 = c0 @ v, c1 @ v
    z0 = c0[:, None] * v - h0 @ v
    z1 = c1[:, None] * v - h1 @ v
    s00, s01, s11 = (z0 ** 2).sum(0), (z0 * z1).sum(0), (z1 ** 2).sum(0)
    se = float(np.sqrt((c0 ** 2).sum()))

    def p_value(d: float) -> float:
        denom = np.sqrt(np.maximum(s00 + 2 * d * s01 + d * d * s11, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t_boot = np.abs((n0 + d * n1) / denom)
        return float(np.mean(abs(d) / se < t_boot))

    alpha = 1 - conf_level
    ends = []
    for side in (1.0, -1.0):  # d > 0: nulls below the estimate
        inside, outside = 0.0, None
        for k in range(40):
            d = side * se * 2.0 ** (k - 2)
            if p_value(d) <= alpha:
                outside = d
                break
            inside = d
        if outside is None:
            ends.append(np.inf)
            continue
        for _ in range(60):
            middle = (inside + outside) / 2
            inside, outside = (middle, outside) if p_value(middle) > alpha else \
                (inside, middle)
            if abs(outside - inside) < 1e-7 * se:
                break
        ends.append(abs((inside + outside) / 2))
    return {"p_value": p_value(estimate), "ci_low": estimate - ends[0],
            "ci_high": estimate + ends[1], "se": se}


def ols(x: np.ndarray, y: np.ndarray, codes: np.ndarray, columns, *, nboot: int, seed,
        conf_level: float) -> list[dict]:
    """WCR-11 wild cluster bootstrap of the OLS coefficients ``columns`` (design ``x`` with
    every fixed effect as a column, ``codes`` 0..G-1), one dict per coefficient: ``p_value``
    (of β = 0), ``ci_low``, ``ci_high``, ``se`` (CRV, without small-sample factor),
    ``weights``, ``nboot``, ``clusters``."""
    n_clusters = int(codes.max()) + 1
    inverse = np.linalg.inv(x.T @ x)
    beta = inverse @ (x.T @ y)
    scores = group_sums(x * (y - x @ beta)[:, None], codes, n_clusters)
    v, kind = weights(n_clusters, nboot, seed)
    out = []
    for j in columns:
        a = inverse[:, j]
        leverage = group_sums(x * (x @ a)[:, None], codes, n_clusters)
        out.append({**invert(float(beta[j]), a, inverse, scores, leverage, v, conf_level),
                    "weights": kind, "nboot": v.shape[1], "clusters": n_clusters})
    return out


def imputation(fit, second: np.ndarray, codes: np.ndarray, columns, *, nboot: int, seed,
               conf_level: float) -> list[dict]:
    """Score bootstrap of the coefficients ``columns`` of an imputation fit
    (:class:`~cxkit.models.did.ImputationFit`; see the module), as :func:`ols` returns."""
    n_clusters = fit.cluster_scores.shape[0]
    inverse = fit.second_inverse
    v, kind = weights(n_clusters, nboot, seed)
    out = []
    for j in columns:
        a = inverse[:, j]
        leverage = group_sums(second * (second @ a)[:, None], codes, n_clusters)
        out.append({**invert(float(fit.coef.iloc[j]), a, inverse, fit.cluster_scores,
                             leverage, v, conf_level),
                    "weights": kind, "nboot": v.shape[1], "clusters": n_clusters})
    return out


def event_study(method, fit, second, outcome, unit, time, codes, *, nboot, seed,
                conf_level):
    """Wild bootstrap columns of an event study's coefficients (``wild_ci_low``,
    ``wild_ci_high``, ``wild_p_value``, in the order of ``second``'s columns) and the phrase
    that says how they were drawn; ``(None, reason)`` when the ``twfe`` design (every fixed
    effect as a column) would be too large to form."""
    import pandas as pd

    columns = range(second.shape[1])
    if method == "did2s":
        found = imputation(fit, second.to_numpy(), codes, columns, nboot=nboot, seed=seed,
                           conf_level=conf_level)
        how = "score bootstrap of the imputation estimator"
    else:
        units = pd.get_dummies(pd.Series(np.asarray(unit)), dtype=float)
        periods = pd.get_dummies(pd.Series(np.asarray(time)), drop_first=True, dtype=float)
        if second.shape[1] + units.shape[1] + periods.shape[1] > MAX_DESIGN:
            return None, (f"analytic (cluster-robust, normal): no wild bootstrap, the design "
                          f"with {units.shape[1]} unit indicators is too large")
        x = np.hstack([second.to_numpy(), units.to_numpy(), periods.to_numpy()])
        found = ols(x, np.asarray(outcome, dtype=float), codes, columns, nboot=nboot,
                    seed=seed, conf_level=conf_level)
        how = "restricted wild cluster bootstrap (WCR-11)"
    table = pd.DataFrame({"wild_ci_low": [f["ci_low"] for f in found],
                          "wild_ci_high": [f["ci_high"] for f in found],
                          "wild_p_value": [f["p_value"] for f in found]})
    first = found[0]
    return table, (f"{how}: {first['clusters']} clusters, {first['weights']} weights, "
                   f"{first['nboot']} draws")


def describe(wild: dict, conf_level: float) -> str:
    """One phrase for summaries: the bootstrap interval, p-value and how it was drawn."""
    return (f"wild cluster bootstrap {conf_level:.0%} CI {wild['ci_low']:.3f} to "
            f"{wild['ci_high']:.3f}, p = {wild['p_value']:.3f} ({wild['clusters']} clusters, "
            f"{wild['weights']} weights, {wild['nboot']} draws)")
