"""Sensitivity to unmeasured confounding: how strong a hidden common cause of treatment and
outcome would have to be to explain an estimated effect away.

- the *E-value* (VanderWeele & Ding, 2017), on the risk-ratio scale, for any estimate;
- the *robustness values* RV_q and RV_q,α and the treatment's partial R² (Cinelli & Hazlett,
  2020), for estimates that are a regression coefficient (``naive``, ``regression``, 2×2
  ``did``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._results import Result

__all__ = ["sensitivity"]


def sensitivity(result: Result, *, q: float = 1.0, alpha: float | None = None
                ) -> pd.DataFrame:
    """E-value and robustness values of an estimated effect.

    Parameters
    ----------
    result : EffectResult
        From :func:`cxkit.effect`.
    q : float
        Share of the estimate a confounder would have to remove for the robustness value
        (``q = 1``: bring it to zero).
    alpha : float, optional
        Significance level of RV_q,α; by default ``1 - result.conf_level``.

    Returns
    -------
    DataFrame
        ``measure``, ``value``, ``meaning``. Measures: ``e_value`` and ``e_value_ci`` (always);
        ``partial_r2_treatment``, ``rv_q`` and ``rv_q_alpha`` (regression-based methods).

    Notes
    -----
    *E-value* (VanderWeele & Ding, 2017): the minimum strength of association, on the risk-ratio
    scale, that an unmeasured confounder would need with both treatment and outcome to explain
    the estimate away: :math:`E = RR + \\sqrt{RR(RR-1)}` (with :math:`RR \\ge 1`; the inverse
    is taken for protective effects). For a continuous outcome the standardised difference
    :math:`d = \\hat\\tau / \\mathrm{sd}(Y)` is converted with :math:`RR \\approx e^{0.91 d}`.

    *Robustness value* (Cinelli & Hazlett, 2020): with :math:`f = t/\\sqrt{\\mathrm{dof}}` the
    treatment's partial Cohen's f, :math:`RV_q = \\tfrac12(\\sqrt{f_q^4 + 4 f_q^2} - f_q^2)`,
    :math:`f_q = q|f|`: a confounder explaining RV_q of the residual variance of both treatment
    and outcome would remove 100·q % of the estimate. RV_q,α uses
    :math:`f_{q,\\alpha} = q|f| - |t^*_{\\alpha,\\mathrm{dof}-1}|/\\sqrt{\\mathrm{dof}-1}` and is 0
    when the interval already includes zero.

    References
    ----------
    VanderWeele, T. J., & Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. *Annals of Internal Medicine*, 167(4), 268–274.
    Cinelli, C., & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. *JRSS B*, 82(1), 39–67.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=500); t = (x + rng.normal(size=500) > 0).astype(int)
    >>> data = pd.DataFrame({"x": x, "t": t, "y": 0.5 * t + x + rng.normal(size=500)})
    >>> fit = cxkit.effect(data, treatment="t", outcome="y", confounders=["x"],
    ...                    method="regression")
    >>> table = cxkit.sensitivity(fit).set_index("measure")["value"]
    >>> bool(table["e_value"] > table["e_value_ci"] > 1)
    True
    """
    from scipy.stats import t as student

    rows = []
    sd = result.diagnostics.get("outcome_sd")
    if sd:
        nearest = 0.0 if result.ci_low <= 0 <= result.ci_high else \
            min((result.ci_low, result.ci_high), key=abs)
        for name, value in (("e_value", result.estimate), ("e_value_ci", nearest)):
            rows.append((name, _e_value(value / sd),
                         "risk ratio a hidden confounder needs with treatment and outcome to "
                         + ("explain the estimate away" if name == "e_value"
                            else "move the interval to include zero")))
    if "t" in result.diagnostics:
        t_value, dof = result.diagnostics["t"], result.diagnostics["dof"]
        alpha = 1 - result.conf_level if alpha is None else alpha
        f = abs(t_value) / np.sqrt(dof)
        f_alpha = q * f - abs(student.ppf(alpha / 2, dof - 1)) / np.sqrt(dof - 1)
        rows += [
            ("partial_r2_treatment", t_value ** 2 / (t_value ** 2 + dof),
             "share of the outcome's residual variance the treatment explains"),
            ("rv_q", _rv(q * f), f"confounder strength (partial R² with treatment and outcome) "
             f"that removes {q:.0%} of the estimate"),
            ("rv_q_alpha", _rv(f_alpha) if f_alpha > 0 else 0.0,
             "confounder strength that makes the interval include zero"),
        ]
    return pd.DataFrame(rows, columns=["measure", "value", "meaning"])


def _e_value(d: float) -> float:
    rr = float(np.exp(0.91 * abs(d)))
    return rr + float(np.sqrt(rr * (rr - 1)))


def _rv(f: float) -> float:
    return 0.5 * (np.sqrt(f ** 4 + 4 * f ** 2) - f ** 2)
