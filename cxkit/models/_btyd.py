"""The formulas of the buy-till-you-die models, on arrays (no tables, no checks).

Private to :mod:`cxkit.models.clv`: log-likelihoods, conditional expectations and the
probability of being alive of the BG/NBD [1]_ and Pareto/NBD [2]_ [3]_ models, and the
gamma–gamma spend model [4]_ [5]_; plus the maximum-likelihood machinery they share
(optimisation on log-parameters, a numerical Hessian and the delta method).

Every function takes the natural parameters; ``x``, ``t_x`` and ``T`` are numpy arrays of
the same length (frequency, recency and age of each customer, in one time unit).

References
----------
.. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
   easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.
.. [2] Schmittlein, D. C., Morrison, D. G., & Colombo, R. (1987). Counting your customers:
   who are they and what will they do next? *Management Science*, 33(1), 1–24.
.. [3] Fader, P. S., & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and
   related expressions. http://brucehardie.com/notes/009/
.. [4] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
   curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.
.. [5] Fader, P. S., & Hardie, B. G. S. (2013). The gamma-gamma model of monetary value.
   http://brucehardie.com/notes/025/
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult

# scipy is imported inside the functions: importing cxkit must not import it

# --------------------------------------------------------------------------------------------
# BG/NBD (Fader, Hardie & Lee 2005, eq. 6 and 10; P(alive) from their technical note)
# --------------------------------------------------------------------------------------------


def bg_nbd_loglik(params, x, t_x, T):
    """Log-likelihood of each customer under the BG/NBD model."""
    from scipy import special
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    still = special.betaln(a, b + x) - beta_ab - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        # dropped out right after the last purchase: only possible after a repeat purchase
        gone = np.where(x > 0, special.betaln(a + 1, np.maximum(b + x - 1, 1e-300))
                        - beta_ab - (r + x) * np.log(alpha + t_x), -np.inf)
    return common + np.logaddexp(still, gone)


def bg_nbd_p_alive(params, x, t_x, T):
    """P(alive | x, t_x, T) under BG/NBD; 1 for customers without a repeat purchase."""
    from scipy import special
    r, alpha, a, b = params
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                    + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    return np.where(x > 0, special.expit(-log_odds), 1.0)


def _bg_nbd_decay(r, a, b, c, z):
    """(1 - z)^r 2F1(r + x, b + x; c; z) with c = a + b + x - 1, through Euler's
    transformation: (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; c; z).

    The transformed series converges at z = 1 for every x (c - a' - b' = x + r + 1 - a > 0
    when r + 1 > a), where the original overflows for many purchases or long horizons.
    """
    from scipy import special
    with np.errstate(invalid="ignore", over="ignore"):  # NaN shows, e.g. at a = b = 1e7
        return np.exp((a - 1) * np.log1p(-z)) * special.hyp2f1(a + b - 1 - r, a - 1, c, z)


def bg_nbd_expected(params, t):
    """E[X(t)] for a customer just acquired (FHL 2005, eq. 7)."""
    r, alpha, a, b = params
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - _bg_nbd_decay(r, a, b, a + b - 1, z))


def bg_nbd_conditional(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (FHL 2005, eq. 10)."""
    r, alpha, a, b = params
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - _bg_nbd_decay(r, a, b, a + b + x - 1, z)
    return head * body * bg_nbd_p_alive(params, x, t_x, T)


# --------------------------------------------------------------------------------------------
# Pareto/NBD (Fader & Hardie 2005 note on its derivations)
# --------------------------------------------------------------------------------------------


def _log_hyp2f1_c_is_a_plus_1(a, b, z):
    """log 2F1(a, b; a + 1; z) for 0 <= z < 1, by Euler's transformation.

    2F1(a, b; a+1; z) = (1 - z)^(1 - b) 2F1(1, a + 1 - b; a + 1; z); the second series has
    positive terms whose ratio is below z, so it is summed accurately where the first is
    large (z near 1, large b).
    """
    from scipy import special
    return (1 - b) * np.log1p(-z) + np.log(special.hyp2f1(1.0, a + 1 - b, a + 1, z))


def _pareto_terms(params, x, t_x, T):
    """The two log-terms of the Pareto/NBD likelihood without their common factor.

    L = Γ(r+x) α^r β^s / Γ(r) · [exp(first) + exp(second)], first for a customer alive at T,
    second for one who died between t_x and T.
    """
    r, alpha, s, beta = params
    first = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    if alpha >= beta:
        big, b2 = alpha, s + 1.0
    else:
        big, b2 = beta, r + x
    gap = abs(alpha - beta)
    rsx = r + s + x
    at_tx = _log_hyp2f1_c_is_a_plus_1(rsx, b2, gap / (big + t_x)) - rsx * np.log(big + t_x)
    at_T = _log_hyp2f1_c_is_a_plus_1(rsx, b2, gap / (big + T)) - rsx * np.log(big + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        # A0 = exp(at_tx) - exp(at_T) >= 0; zero when t_x == T
        log_a0 = at_tx + np.log(-np.expm1(np.minimum(at_T - at_tx, 0.0)))
    second = np.log(s) - np.log(rsx) + log_a0
    return first, second


def pareto_nbd_loglik(params, x, t_x, T):
    """Log-likelihood of each customer under the Pareto/NBD model."""
    from scipy import special
    r, alpha, s, beta = params
    first, second = _pareto_terms(params, x, t_x, T)
    common = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
              + s * np.log(beta))
    return common + np.logaddexp(first, second)


def pareto_nbd_p_alive(params, x, t_x, T):
    """P(alive | x, t_x, T) under the Pareto/NBD model."""
    first, second = _pareto_terms(params, x, t_x, T)
    return np.exp(first - np.logaddexp(first, second))


def _power_gap(s, base, t):
    """(1 - (base / (base + t))^(s - 1)) / (s - 1), continuous at s = 1."""
    log_u = np.log(base) - np.log(base + t)
    if abs(s - 1) < 1e-10:
        return -log_u
    return -np.expm1((s - 1) * log_u) / (s - 1)


def pareto_nbd_expected(params, t):
    """E[X(t)] for a customer just acquired (Fader & Hardie 2005 note)."""
    r, alpha, s, beta = params
    t = np.asarray(t, dtype=float)
    return r * beta / alpha * _power_gap(s, beta, t)


def pareto_nbd_conditional(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T] (Fader & Hardie 2005 note)."""
    r, alpha, s, beta = params
    return ((r + x) * (beta + T) / (alpha + T) * _power_gap(s, beta + T, t)
            * pareto_nbd_p_alive(params, x, t_x, T))


# --------------------------------------------------------------------------------------------
# gamma–gamma (Fader & Hardie 2013 note)
# --------------------------------------------------------------------------------------------


def gamma_gamma_loglik(params, x, m):
    """Log-likelihood of each repeat customer's mean spend ``m`` over ``x`` transactions."""
    from scipy import special
    p, q, gamma = params
    px = p * x
    return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
            + q * np.log(gamma) + (px - 1) * np.log(m) + px * np.log(x)
            - (px + q) * np.log(gamma + m * x))


def gamma_gamma_spend(params, x, m):
    """E[M | x, m]: expected spend per transaction (the population mean when x = 0)."""
    p, q, gamma = params
    return p * (gamma + x * m) / (p * x + q - 1)


# --------------------------------------------------------------------------------------------
# maximum likelihood on log-parameters
# --------------------------------------------------------------------------------------------


def maximise(loglik, start) -> tuple[np.ndarray, float, OptimizeResult]:
    """Maximise ``sum(loglik(exp(theta)))`` over log-parameters ``theta``.

    Nelder–Mead from ``log(start)`` finds the basin (it needs no gradient, so the likelihood's
    kinks far from the optimum do no harm), BFGS polishes from there. Returns the natural
    parameters, the maximised log-likelihood and BFGS's result (``success`` tells whether it
    converged).
    """
    from scipy import optimize
    def negative(theta):
        value = -np.sum(loglik(np.exp(theta)))
        return value if np.isfinite(value) else 1e300

    theta0 = np.log(np.asarray(start, dtype=float))
    coarse = optimize.minimize(negative, theta0, method="Nelder-Mead",
                               options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-8})
    fine = optimize.minimize(negative, coarse.x, method="BFGS", options={"gtol": 1e-6})
    best = fine if fine.fun <= coarse.fun else coarse
    return np.exp(best.x), -float(best.fun), fine


def hessian(function, theta, step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of ``function`` at ``theta`` (steps relative to 1)."""
    k = len(theta)
    out = np.empty((k, k))
    shift = np.eye(k) * step
    f0 = function(theta)
    for i in range(k):
        for j in range(i, k):
            if i == j:
                value = (function(theta + shift[i]) - 2 * f0 + function(theta - shift[i])) \
                    / step ** 2
            else:
                value = (function(theta + shift[i] + shift[j])
                         - function(theta + shift[i] - shift[j])
                         - function(theta - shift[i] + shift[j])
                         + function(theta - shift[i] - shift[j])) / (4 * step ** 2)
            out[i, j] = out[j, i] = value
    return out


def log_covariance(loglik, params) -> np.ndarray:
    """Covariance of the log-parameters: the inverse observed information.

    The information is the negative Hessian of the summed log-likelihood with respect to the
    log-parameters at the estimate; NaN where it is not positive definite.
    """
    theta = np.log(np.asarray(params, dtype=float))
    info = -hessian(lambda th: float(np.sum(loglik(np.exp(th)))), theta)
    try:
        np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        return np.full_like(info, np.nan)
    return np.linalg.inv(info)
