"""How much per purchase, and what a customer is worth: the gamma–gamma model and CLV.

:func:`gamma_gamma` fits the spend model of Fader, Hardie & Lee (2005, "RFM and CLV") to the
mean spend of customers with repeat purchases; :meth:`GammaGammaResult.clv` and :func:`clv`
combine it with a transaction model (:func:`cxkit.models.bg_nbd` or
:func:`cxkit.models.pareto_nbd`) into each customer's discounted expected value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._docstrings import shared_docs
from . import _btyd
from .transactions import (
    BGNBDResult,
    ParetoNBDResult,
    ValueModelResult,
    _fit,
    _unit,
    bg_nbd,
    pareto_nbd,
)
from .value import UNIT_DAYS

__all__ = ["GammaGammaResult", "clv", "gamma_gamma"]

_DOCS = {
    "horizon": (
        "horizon : int\n"
        "        Number of periods of ``unit`` to sum over (default 12: a year of months)."
    ),
    "discount_rate": (
        "discount_rate : float\n"
        "        Discount rate per period of ``unit`` (default 0.01 a month, about 12.7% a\n"
        "        year), 0 or more."
    ),
    "clv_unit": (
        "unit : {\"M\", \"W\", \"D\"}\n"
        "        The discounting period: months (365.25 / 12 days), weeks or days."
    ),
}

_DOCS["clv_notes"] = """\
Customer lifetime value over :math:`H` = ``horizon`` periods of ``unit``, discounted at
    :math:`d` = ``discount_rate`` per period, as ``lifetimes``' ``customer_lifetime_value``:

    .. math::

        \\mathrm{CLV}_i = \\sum_{k=1}^{H} E[M_i] \\,
        \\frac{E[Y_i(k c)] - E[Y_i((k - 1) c)]}{(1 + d)^k},

    where :math:`E[M_i]` is the customer's expected spend per purchase (gamma–gamma),
    :math:`E[Y_i(t)]` the purchases expected in the next :math:`t` units of model time given
    the customer's history (BG/NBD or Pareto/NBD) and :math:`c` the model units in one
    period (e.g. :math:`30.4375 / 7 = 4.348` weeks in a month; ``lifetimes`` uses 4.345).
    Each period's purchases are discounted to the start as if made at its end. Spend and
    purchase counts are taken as independent, the gamma–gamma model's assumption."""


@dataclass(frozen=True, repr=False)
class GammaGammaResult(ValueModelResult):
    """A fitted gamma–gamma spend model (from :func:`gamma_gamma`).

    Attributes
    ----------
    params : Series
        ``p``, ``q``, ``gamma``.
    se, cov, loglik, conf_level, converged, fit
        As :class:`cxkit.models.BGNBDResult`.
    n : int
        Customers fitted: those with a repeat purchase.
    n_set_aside : int
        Customers of the summary without a repeat purchase, not used in the fit (they have
        no repeat spend); :meth:`expected_spend` gives them the population mean.
    correlation : float
        Pearson correlation of ``frequency`` and ``monetary_value`` among the customers
        fitted; the model assumes spend and frequency independent (near 0 is reassuring).
    """

    n_set_aside: int = 0
    correlation: float = float("nan")
    _title = "Gamma–gamma spend model"

    @property
    def mean_spend(self) -> float:
        """Population mean spend per purchase, :math:`p\\gamma / (q - 1)` (infinite if
        :math:`q \\le 1`)."""
        p, q, gamma = self.params.to_numpy(dtype=float)
        return p * gamma / (q - 1) if q > 1 else math.inf

    def _head(self) -> str:
        return (f"{self._title}: {self.n} customers with a repeat purchase "
                f"({self.n_set_aside} without one set aside), log-likelihood "
                f"{self.loglik:.3f}; corr(frequency, monetary_value) = {self.correlation:.3f}"
                + ("" if self.converged else " — the optimiser did NOT converge: do not use "
                   "these estimates"))

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Each customer's expected spend per purchase given their history.

        .. math::

            E[M \\mid x, \\bar m_x] = \\frac{p(\\gamma + x \\bar m_x)}{p x + q - 1}
            = \\frac{q - 1}{p x + q - 1}\\,\\frac{p\\gamma}{q - 1}
            + \\frac{p x}{p x + q - 1}\\,\\bar m_x,

        a weighted mean of the population mean and the customer's own mean spend (the
        population mean for a customer without a repeat purchase).

        Parameters
        ----------
        summary : DataFrame
            ``frequency``, ``recency``, ``T`` and ``monetary_value`` (mean repeat spend).

        Returns
        -------
        Series (index of ``summary``), name ``expected_spend``.
        """
        cols = _check.repeat_purchases(summary, monetary=True)
        values = _btyd.gamma_gamma_spend(self.params.to_numpy(dtype=float),
                                         cols["frequency"], cols["monetary_value"])
        return pd.Series(values, index=summary.index, name="expected_spend")

    def clv(self, transactions, summary: pd.DataFrame, *, horizon: int = 12,
            discount_rate: float = 0.01, unit: str = "M") -> pd.Series:
        """Customer lifetime value: discounted expected spend over a horizon.

        Parameters
        ----------
        transactions : BGNBDResult or ParetoNBDResult
            The fitted transaction model; its ``unit`` (the unit of ``recency`` and ``T``)
            must be known.
        summary : DataFrame
            ``frequency``, ``recency``, ``T``, ``monetary_value``, in the transaction
            model's time unit.
        horizon : int
            Number of periods of ``unit`` to sum over (default 12: a year of months).
        discount_rate : float
            Discount rate per period of ``unit`` (default 0.01 a month), 0 or more.
        unit : {"M", "W", "D"}
            The discounting period: months (365.25 / 12 days), weeks or days.

        Returns
        -------
        Series (index of ``summary``), name ``clv``: in the currency of ``monetary_value``.

        Notes
        -----
        The formula is in :func:`cxkit.models.clv`, which fits both models and calls this.
        """
        spend = self.expected_spend(summary).to_numpy()
        return pd.Series(spend * _discounted_purchases(transactions, summary, horizon,
                                                       discount_rate, unit),
                         index=summary.index, name="clv")


def _discounted_purchases(transactions, summary, horizon, discount_rate, unit) -> np.ndarray:
    """Σ_k (E[Y(k c)] − E[Y((k − 1) c)]) / (1 + d)^k for each customer."""
    if not isinstance(transactions, (BGNBDResult, ParetoNBDResult)):
        raise TypeError("transactions must be a fitted BG/NBD or Pareto/NBD model "
                        f"(cxkit.models.bg_nbd, pareto_nbd), not {type(transactions).__name__}")
    horizon = _check.count(horizon, "horizon", minimum=1)
    if not (_check.is_number(discount_rate) and 0 <= discount_rate < math.inf):
        raise ValueError(f"discount_rate must be a number, 0 or more, not {discount_rate!r}")
    _check.one_of(unit, tuple(UNIT_DAYS), "unit")
    if transactions.unit is None:
        raise ValueError("the transaction model's time unit is unknown: fit it on a summary "
                         "from repeat_purchase_summary, or pass unit= to bg_nbd/pareto_nbd")
    per_period = UNIT_DAYS[unit] / UNIT_DAYS[transactions.unit]
    total = np.zeros(len(summary))
    before = np.zeros(len(summary))
    for k in range(1, horizon + 1):
        upto = transactions.expected_transactions(k * per_period, summary).to_numpy()
        total += (upto - before) / (1 + discount_rate) ** k
        before = upto
    return total


@shared_docs
def gamma_gamma(summary: pd.DataFrame, *, conf_level: float = 0.95) -> GammaGammaResult:
    """Fit the gamma–gamma model of spend per purchase (Fader, Hardie & Lee 2005).

    A customer's purchase amounts are gamma distributed with shape ``p`` and a rate
    :math:`\\nu` of their own; across customers :math:`\\nu` is gamma distributed with shape
    ``q`` and rate ``gamma``. The model is fitted to the mean repeat spend of the customers
    with at least one repeat purchase.

    Parameters
    ----------
    summary : DataFrame
        From :func:`cxkit.models.repeat_purchase_summary`: ``frequency``, ``recency``,
        ``T`` and ``monetary_value`` (mean spend of the repeat purchases).
    {doc:conf_level}

    Returns
    -------
    GammaGammaResult
        ``params`` (``p``, ``q``, ``gamma``), ``se``, ``loglik``, ``n`` (customers used),
        ``n_set_aside`` (customers without a repeat purchase, left out and stated in
        ``summary()``), ``correlation``, ``mean_spend``; ``expected_spend(summary)`` and
        ``clv(transactions, summary, horizon=, discount_rate=, unit=)``.

    Raises
    ------
    DataError
        As :func:`cxkit.models.bg_nbd`, and a missing ``monetary_value`` column, or a mean
        spend that is not positive for a customer with repeat purchases (naming the rows);
        fewer than two customers with a repeat purchase.

    Notes
    -----
    With :math:`x` = ``frequency`` and :math:`\\bar m_x` = ``monetary_value``, the likelihood
    of a customer (Fader & Hardie 2013) is

    .. math::

        L = \\frac{\\Gamma(p x + q)}{\\Gamma(p x)\\Gamma(q)}
        \\frac{\\gamma^q\\, \\bar m_x^{p x - 1} x^{p x}}{(\\gamma + x \\bar m_x)^{p x + q}}.

    Estimation, standard errors and intervals as :func:`cxkit.models.bg_nbd` (log-parameters,
    delta method). On the 946 CDNOW customers with a repeat purchase in the first 39 weeks
    it gives the published p = 6.25, q = 3.74, γ = 15.44 (log-likelihood −4055.9;
    ``tests/test_clv.py``).

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
       curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.
    .. [2] Fader, P. S., & Hardie, B. G. S. (2013). The gamma-gamma model of monetary value.
       http://brucehardie.com/notes/025/

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import gamma_gamma, repeat_purchase_summary
    >>> summary = repeat_purchase_summary(cxkit.datasets.load_cdnow(),
    ...                                   calibration_end="1997-09-30", unit="W")
    >>> spend = gamma_gamma(summary)
    >>> spend.params.round(2).to_dict()
    {'p': 6.25, 'q': 3.74, 'gamma': 15.44}
    >>> spend.n, spend.n_set_aside
    (946, 1411)
    """
    conf_level = _check.conf_level(conf_level)
    cols = _check.repeat_purchases(summary, monetary=True)
    repeat = cols["frequency"] > 0
    if repeat.sum() < 2:
        raise DataError(f"only {int(repeat.sum())} customer(s) with a repeat purchase",
                        column="frequency", expected="at least two customers with frequency > 0")
    x, m = cols["frequency"][repeat], cols["monetary_value"][repeat]
    fields = _fit(_btyd.gamma_gamma_loglik, (x, m), ["p", "q", "gamma"], [1.0, 1.0, 1.0],
                  conf_level=conf_level)
    correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 and np.ptp(m) > 0 \
        else float("nan")
    return GammaGammaResult(n=int(repeat.sum()), n_set_aside=int((~repeat).sum()),
                            correlation=correlation, **fields)


@shared_docs(extra=_DOCS)
def clv(summary: pd.DataFrame, *, horizon: int = 12, discount_rate: float = 0.01,
        unit: str = "M", transactions="bg_nbd", conf_level: float = 0.95) -> pd.DataFrame:
    """Customer lifetime value per customer: a transaction model and the gamma–gamma spend
    model fitted on one summary, and combined.

    Parameters
    ----------
    summary : DataFrame
        From :func:`cxkit.models.repeat_purchase_summary`: ``frequency``, ``recency``,
        ``T``, ``monetary_value`` (and ``customer_id``, kept).
    {doc:horizon}
    {doc:discount_rate}
    {doc:clv_unit}
    transactions : {"bg_nbd", "pareto_nbd"} or a fitted model
        The transaction model to fit, or one already fitted (:func:`cxkit.models.bg_nbd`,
        :func:`cxkit.models.pareto_nbd`) on customers in the same time unit.
    {doc:conf_level}

    Returns
    -------
    DataFrame
        One row per customer of ``summary``, in its order and with its index:
        ``customer_id`` (if the summary has it), ``frequency``, ``recency``, ``T``,
        ``monetary_value``, ``p_alive``, ``expected_transactions`` (purchases expected over
        the horizon, undiscounted), ``expected_spend`` (per purchase) and ``clv``.
        ``attrs`` holds ``horizon``, ``discount_rate``, ``unit``, ``transactions`` (the
        model's name), ``params`` (both models' parameters) and ``n_spend_set_aside``.

    Raises
    ------
    DataError
        As :func:`cxkit.models.gamma_gamma`.

    Notes
    -----
    {doc:clv_notes}

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import clv, repeat_purchase_summary
    >>> summary = repeat_purchase_summary(cxkit.datasets.load_cdnow(),
    ...                                   calibration_end="1997-09-30", unit="W")
    >>> value = clv(summary, horizon=12, discount_rate=0.01)
    >>> value[["customer_id", "p_alive", "expected_spend", "clv"]].head(2).round(2)
      customer_id  p_alive  expected_spend    clv
    0        0001     0.73           24.65  36.30
    1        0002     0.21           18.91   4.64
    """
    _check.repeat_purchases(summary, monetary=True)
    if isinstance(transactions, str):
        _check.one_of(transactions, ("bg_nbd", "pareto_nbd"), "transactions")
        fit = {"bg_nbd": bg_nbd, "pareto_nbd": pareto_nbd}[transactions]
        model = fit(summary, unit=_unit(summary, None), conf_level=conf_level)
        name = transactions
    else:
        model = transactions
        name = {"BGNBDResult": "bg_nbd", "ParetoNBDResult": "pareto_nbd"}.get(
            type(model).__name__, type(model).__name__)
    spend = gamma_gamma(summary, conf_level=conf_level)
    keep = [c for c in ("customer_id", "frequency", "recency", "T", "monetary_value")
            if c in summary.columns]
    out = summary[keep].copy()
    value = spend.clv(model, summary, horizon=horizon, discount_rate=discount_rate,
                      unit=unit).to_numpy()  # checks the arguments and the model's unit
    out["p_alive"] = model.p_alive(summary).to_numpy()
    out["expected_transactions"] = model.expected_transactions(
        horizon * UNIT_DAYS[unit] / UNIT_DAYS[model.unit], summary).to_numpy()
    out["expected_spend"] = spend.expected_spend(summary).to_numpy()
    out["clv"] = value
    out.attrs = {"horizon": horizon, "discount_rate": discount_rate, "unit": unit,
                 "transactions": name,
                 "params": {**model.params.to_dict(), **spend.params.to_dict()},
                 "n_spend_set_aside": spend.n_set_aside}
    return out
