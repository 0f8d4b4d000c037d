"""How far may parallel trends fail before an event study's conclusion falls? Rambachan & Roth
(2023)'s relative-magnitude bounds.

:func:`honest_did` takes an event study (:func:`~cxkit.models.did.event_study`, ``did2s`` or
``twfe``) and asks: if after adoption the treated and comparison groups drifted apart by up to
M̄ times the largest drift between consecutive periods seen *before* adoption
(:math:`\\Delta^{RM}(\\bar M)`), what can we still say about the effect? For each M̄ it gives the
robust confidence set of the paper — the conditional-least-favourable hybrid test of Andrews,
Roth & Pakes (ARP), inverted over the effect — and the breakdown value: the largest M̄ (in
the grid) at which the set still excludes zero.

The computation is moderndid's port of the authors' R package HonestDiD
(``moderndid.didhonest``, linear programmes through scipy's HiGHS; it needs cvxpy only at
import). The kit's test reproduces the HonestDiD README's Medicaid example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .._results import Result

__all__ = ["HonestDiDResult", "honest_did"]

METHODS = ("C-LF", "Conditional")


@dataclass(frozen=True, repr=False)
class HonestDiDResult(Result):
    """Robust confidence sets of an event-study effect under bounded violations of parallel
    trends (relative magnitudes).

    Attributes
    ----------
    bounds : DataFrame
        ``mbar`` (NaN in the first row: the original interval, exact parallel trends),
        ``ci_low``, ``ci_high``, ``method``.
    breakdown : float
        The largest M̄ of the grid whose set excludes zero (NaN if none does, and in that
        case not even M̄ = 0 keeps the effect significant).
    target : str
        The effect studied (e.g. ``"event time 0"`` or ``"mean of event times 0-5"``).
    estimate : float
        Its point estimate under exact parallel trends.
    conf_level : float
        Confidence level of the sets.
    """

    bounds: pd.DataFrame
    breakdown: float
    target: str
    estimate: float
    conf_level: float
    fit: object = None

    _label_columns = ("mbar",)

    def to_frame(self) -> pd.DataFrame:
        """The bounds table: ``mbar``, ``ci_low``, ``ci_high``, ``method``."""
        return self.bounds.copy()

    def summary(self) -> str:
        """The original interval, the breakdown value and the widest set."""
        original = self.bounds.iloc[0]
        last = self.bounds.iloc[-1]
        if np.isnan(self.breakdown):
            verdict = "no M̄ of the grid keeps it away from zero"
        else:
            verdict = (f"it excludes zero up to M̄ = {self.breakdown:g} (post-adoption drifts "
                       f"up to {self.breakdown:g} times the largest pre-adoption one)")
        return (f"Relative-magnitude bounds (Rambachan & Roth 2023) for the {self.target} "
                f"effect, estimate {self.estimate:.3f}: {self.conf_level:.0%} CI "
                f"{original['ci_low']:.3f} to {original['ci_high']:.3f} under exact parallel "
                f"trends; {verdict}; at M̄ = {last['mbar']:g}: {last['ci_low']:.3f} to "
                f"{last['ci_high']:.3f} ({last['method']})")


@shared_docs
def honest_did(result, *, mbar: Sequence[float] = (0, 0.5, 1, 1.5, 2),
               event_time: int | Sequence[int] = 0, conf_level: float = 0.95,
               method: str = "C-LF", grid_points: int = 1000) -> HonestDiDResult:
    """Sensitivity of an event study to violations of parallel trends: Rambachan & Roth's
    relative-magnitude bounds.

    Parameters
    ----------
    result : EventStudyResult
        From :func:`cxkit.event_study` with ``method="did2s"`` or ``"twfe"``, with event time
        -1 as the reference and at least one lead before it. (``cs`` event studies compare
        each lead with the period before it, not with one base period, which the bounds
        need: they are refused.)
    mbar : sequence of float
        The M̄ values: post-adoption violations of parallel trends (between consecutive
        periods) up to M̄ times the largest pre-adoption one. M̄ = 0 is exact parallel trends
        after adoption, extrapolated from no pre-trend; M̄ = 1 allows drifts as large as the
        worst seen before.
    event_time : int or sequence of int
        The effect studied: one event time (default 0, the first period after adoption, as
        HonestDiD), or several, averaged with equal weights (e.g. ``range(6)``).
    {doc:conf_level}
    method : {"C-LF", "Conditional"}
        The test inverted: the paper's conditional-least-favourable hybrid (default; it
        simulates 1,000 least-favourable draws for every sign and location of the largest
        pre-trend, seeded, so the result is reproducible) or the conditional test alone
        (faster, a little wider).
    grid_points : int
        Points of the grid over which the test is inverted (HonestDiD's default 1000).

    Returns
    -------
    HonestDiDResult
        ``bounds`` (one row per M̄ after the original interval), ``breakdown`` and
        ``summary()``.

    Raises
    ------
    ValueError
        A ``cs`` event study, or one without leads or without the target event times.

    Notes
    -----
    With pre-adoption coefficients :math:`\\hat\\beta_{pre}` and post-adoption
    :math:`\\hat\\beta_{post} = \\tau + \\delta_{post}`, the restriction is
    :math:`|\\delta_{t+1} - \\delta_t| \\le \\bar M \\max_{s<0} |\\delta_{s+1} - \\delta_s|` for
    every post-adoption t (with :math:`\\delta_{-1} = 0`); the set for
    :math:`\\theta = l'\\tau` collects the values a test of the moment inequalities does not
    reject (Andrews, Roth & Pakes, 2023). The covariance of the coefficients is the event
    study's own (cluster-robust): with few clusters it shares their weakness.

    References
    ----------
    Rambachan, A., & Roth, J. (2023). A more credible approach to parallel trends. *Review of
    Economic Studies*, 90(5), 2555–2591.
    Andrews, I., Roth, J., & Pakes, A. (2023). Inference for linear conditional moment
    inequalities. *Review of Economic Studies*, 90(6), 2763–2791.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> rows = [(u, t, 5.0 if u % 2 else np.nan) for u in range(200) for t in range(8)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "g"])
    >>> panel["y"] = (panel["t"] >= panel["g"]) + rng.normal(size=len(panel))
    >>> es = cxkit.event_study(panel, outcome="y", unit="unit", time="t", cohort="g",
    ...                        method="twfe", leads=3, lags=1)
    >>> bounds = cxkit.models.honest_did(es, mbar=(0, 1), method="Conditional", grid_points=50)
    >>> bounds.to_frame()["mbar"].tolist()
    [nan, 0.0, 1.0]
    """
    from moderndid.didhonest import construct_original_cs, create_sensitivity_results_rm

    conf_level = _check.conf_level(conf_level)
    _check.one_of(method, METHODS, "method")
    _check.count(grid_points, "grid_points", minimum=10)
    mbar = [float(m) for m in mbar]
    if not mbar or min(mbar) < 0:
        raise ValueError("mbar: give one or more values of M̄ ≥ 0")
    estimator = getattr(result, "estimator", None)
    if estimator not in ("did2s", "twfe"):
        raise ValueError("honest_did() needs an event study of method 'did2s' or 'twfe' "
                         f"(from cxkit.event_study), not {estimator!r}")
    times, beta, sigma = _coefficients(result)
    pre, post = times[times < -1], times[times >= 0]
    if not np.array_equal(times, np.arange(times.min(), times.max() + 1)[
            np.arange(times.min(), times.max() + 1) != -1]):
        raise ValueError("honest_did() needs consecutive event times (the bounds compare "
                         f"drifts between neighbouring periods); the event study has {times}")
    wanted = [event_time] if np.isscalar(event_time) else list(event_time)
    missing = sorted(set(wanted) - set(post.tolist()))
    if not len(pre) or missing:
        raise ValueError("honest_did() needs leads before event time -1 and the target "
                         f"event times among the lags; missing: {missing or 'leads'}")
    l_vec = np.array([1.0 / len(wanted) if t in wanted else 0.0 for t in post])
    alpha = 1 - conf_level
    original = construct_original_cs(beta, sigma, len(pre), len(post), l_vec=l_vec,
                                     alpha=alpha)
    table = create_sensitivity_results_rm(beta, sigma, len(pre), len(post), method=method,
                                          m_bar_vec=np.array(mbar), l_vec=l_vec, alpha=alpha,
                                          grid_points=grid_points).to_pandas()
    bounds = pd.concat([
        pd.DataFrame([{"mbar": np.nan, "ci_low": float(original.lb),
                       "ci_high": float(original.ub), "method": "original"}]),
        pd.DataFrame({"mbar": table["Mbar"].astype(float), "ci_low": table["lb"],
                      "ci_high": table["ub"], "method": table["method"]})],
        ignore_index=True)
    robust = bounds.iloc[1:]
    significant = robust[(robust["ci_low"] > 0) | (robust["ci_high"] < 0)]
    # the breakdown: the largest M̄ below the first that reaches zero
    reached = robust.loc[~robust.index.isin(significant.index), "mbar"]
    first_zero = reached.min() if len(reached) else np.inf
    kept = significant.loc[significant["mbar"] < first_zero, "mbar"]
    target = (f"event time {wanted[0]}" if len(wanted) == 1 else
              f"mean of event times {', '.join(map(str, wanted))}")
    return HonestDiDResult(bounds=bounds, breakdown=float(kept.max()) if len(kept) else np.nan,
                           target=target, estimate=float(l_vec @ beta[len(pre):]),
                           conf_level=conf_level, fit=table)


def _coefficients(result):
    """Event times (reference -1 left out), coefficients and their covariance."""
    coefs = result.coefficients
    times = coefs.loc[coefs["event_time"] != -1, "event_time"].to_numpy()
    if result.estimator == "did2s":
        vcov = np.asarray(result.fit.vcov)
        names = list(result.fit.coef.index)
        beta = result.fit.coef.to_numpy(dtype=float)
    else:
        vcov = np.asarray(result.fit._vcov)
        names = list(result.fit.coef().index)
        beta = result.fit.coef().to_numpy(dtype=float)
    fitted = np.array([int(float(n.split("::")[1].split(":")[0].rstrip("]")))
                       for n in names])
    order = np.argsort(fitted)
    if not np.array_equal(fitted[order], np.sort(times)):
        raise ValueError("the event study's coefficients do not match its table")
    return fitted[order], beta[order], vcov[np.ix_(order, order)]
