"""How many purchases, and is the customer still there: the BG/NBD and Pareto/NBD models.

:func:`bg_nbd` and :func:`pareto_nbd` fit the two "buy till you die" models of repeat
purchasing in a non-contractual setting by maximum likelihood, on the table of
:func:`cxkit.models.repeat_purchase_summary`. Their results predict each customer's purchases
over a horizon and the probability that the customer is still active ("alive"). The spend
model and customer lifetime value are in :mod:`cxkit.models.spend`; the formulas in
:mod:`cxkit.models._btyd`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .._results import Result
from . import _btyd
from .value import UNIT_DAYS

__all__ = ["BGNBDResult", "ParetoNBDResult", "bg_nbd", "pareto_nbd"]


# --------------------------------------------------------------------------------------------
# the base of the three value models' results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ValueModelResult(Result):
    """What the value models share: parameters on the natural scale with standard errors
    and intervals computed on the log scale (where they were estimated)."""

    params: pd.Series
    se: pd.Series
    cov: pd.DataFrame
    loglik: float
    n: int
    converged: bool
    conf_level: float = 0.95
    fit: object = None
    _label_columns = ("parameter",)
    _title = ""

    def _bounds(self, conf_level: float) -> tuple[np.ndarray, np.ndarray]:
        from scipy.stats import norm

        z = float(norm.ppf(0.5 + conf_level / 2))
        estimate = self.params.to_numpy(dtype=float)
        se_log = self.se.to_numpy(dtype=float) / estimate
        return estimate * np.exp(-z * se_log), estimate * np.exp(z * se_log)

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: ``parameter``, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``."""
        low, high = self._bounds(self.conf_level)
        return pd.DataFrame({"parameter": list(self.params.index),
                             "estimate": self.params.to_numpy(dtype=float),
                             "se": self.se.to_numpy(dtype=float),
                             "ci_low": low, "ci_high": high})

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Lower and upper bounds (columns ``lower``, ``upper``), one row per parameter.

        Intervals are Wald intervals of the log-parameter, exponentiated (so they stay
        positive and are not symmetric), at any level.
        """
        level = self.conf_level if conf_level is None else _check.conf_level(conf_level)
        low, high = self._bounds(level)
        return pd.DataFrame({"lower": low, "upper": high},
                            index=pd.Index(list(self.params.index), name="parameter"))

    def _head(self) -> str:
        return (f"{self._title}: {self.n} customers, log-likelihood {self.loglik:.3f}"
                + ("" if self.converged else " — the optimiser did NOT converge: do not use "
                   "these estimates"))

    def summary(self) -> str:
        table = self.to_frame().round(4).to_string(index=False)
        return f"{self._head()}\n{table}\n{self._notes()}".rstrip()

    def _notes(self) -> str:
        return (f"Standard errors: inverse observed information on the log scale, delta "
                f"method; {self.conf_level:.0%} intervals exp(log estimate ± z·se/estimate).")


def _fit(loglik, arrays, names, start, *, conf_level) -> dict:
    """Maximum likelihood on log-parameters; the fields every result shares."""
    estimate, value, result = _btyd.maximise(lambda p: loglik(p, *arrays), start)
    cov_log = _btyd.log_covariance(lambda p: loglik(p, *arrays), estimate)
    cov = cov_log * np.outer(estimate, estimate)  # delta method: d exp(θ) = exp(θ) dθ
    # converged: the gradient on the log scale vanishes (BFGS may stop on "precision loss"
    # at a flat optimum although it is there)
    theta, step = np.log(estimate), 1e-5
    gradient = [(np.sum(loglik(np.exp(theta + step * e), *arrays))
                 - np.sum(loglik(np.exp(theta - step * e), *arrays))) / (2 * step)
                for e in np.eye(len(theta))]
    converged = bool(np.all(np.isfinite(gradient)) and np.max(np.abs(gradient)) < 1e-2)
    return {"params": pd.Series(estimate, index=names, name="estimate"),
            "se": pd.Series(np.sqrt(np.diag(cov)), index=names, name="se"),
            "cov": pd.DataFrame(cov, index=names, columns=names),
            "loglik": value, "converged": converged, "conf_level": conf_level, "fit": result}


def _compressed(x, t_x, T):
    """Unique (x, t_x, T) rows and their counts: customers alike share one likelihood term."""
    rows, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)


def _unit(summary, unit):
    if unit is None:
        unit = summary.attrs.get("unit") if isinstance(summary, pd.DataFrame) else None
    if unit is not None:
        _check.one_of(unit, tuple(UNIT_DAYS), "unit")
    return unit


# --------------------------------------------------------------------------------------------
# the two transaction models
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class _TransactionModel(ValueModelResult):
    data: pd.DataFrame = field(default=None)
    unit: str | None = None
    _loglik = None
    _conditional = None
    _expected = None
    _alive = None

    @property
    def _p(self) -> np.ndarray:
        return self.params.to_numpy(dtype=float)

    def _customers(self, summary):
        if summary is None:
            return self.data, self.data["frequency"].to_numpy(float), \
                self.data["recency"].to_numpy(float), self.data["T"].to_numpy(float)
        cols = _check.repeat_purchases(summary)
        return summary, cols["frequency"], cols["recency"], cols["T"]

    def expected_transactions(self, t, summary: pd.DataFrame | None = None):
        """Expected purchases in the next ``t`` time units.

        Parameters
        ----------
        t : float (or array of floats when ``summary`` is None)
            The horizon, in the unit of ``recency`` and ``T`` (``self.unit``).
        summary : DataFrame, optional
            Customers (columns ``frequency``, ``recency``, ``T``): each one's expectation
            given their history, :math:`E[Y(t) \\mid x, t_x, T]`. When omitted, the
            expectation :math:`E[X(t)]` for a customer just acquired (whose first purchase
            is at 0; the purchases counted are repeat purchases).

        Returns
        -------
        Series (index of ``summary``, name ``expected_transactions``), or a float (an array
        for an array of ``t``) when ``summary`` is None.
        """
        if summary is None:
            t_arr = np.asarray(t, dtype=float)
            if np.any(t_arr < 0) or not np.all(np.isfinite(t_arr)):
                raise ValueError(f"t must be finite and 0 or more, not {t!r}")
            out = type(self)._expected(self._p, t_arr)
            return float(out) if out.ndim == 0 else out
        if not (_check.is_number(t) and math.isfinite(t) and t >= 0):
            raise ValueError(f"t must be a number, 0 or more, not {t!r}")
        table, x, t_x, T = self._customers(summary)
        values = type(self)._conditional(self._p, float(t), x, t_x, T)
        return pd.Series(values, index=table.index, name="expected_transactions")

    def p_alive(self, summary: pd.DataFrame | None = None) -> pd.Series:
        """Probability that each customer is still active at the end of their period ``T``.

        Parameters
        ----------
        summary : DataFrame, optional
            Customers (columns ``frequency``, ``recency``, ``T``); by default the customers
            the model was fitted on.

        Returns
        -------
        Series (index of ``summary``, or of the fitted table), name ``p_alive``.
        """
        table, x, t_x, T = self._customers(summary)
        return pd.Series(type(self)._alive(self._p, x, t_x, T), index=table.index,
                         name="p_alive")

    def p_alive_matrix(self, *, max_frequency: int | None = None,
                       max_recency: float | None = None, T: float | None = None
                       ) -> pd.DataFrame:
        """P(alive) for every frequency 0..``max_frequency`` and recency 0..``max_recency``
        (whole units) of a customer observed for ``T`` units: the table behind
        :func:`cxkit.plots.plot_p_alive_matrix`.

        Defaults: the largest frequency and ``T`` among the fitted customers, and
        ``max_recency = T``. Cells with frequency 0 and positive recency cannot occur (NaN).

        Returns
        -------
        DataFrame
            Columns ``frequency``, ``recency``, ``p_alive`` (tidy; one row per cell);
            ``attrs["T"]`` and ``attrs["unit"]``.
        """
        T = float(self.data["T"].max()) if T is None else float(T)
        max_frequency = int(self.data["frequency"].max()) if max_frequency is None \
            else _check.count(max_frequency, "max_frequency")
        max_recency = T if max_recency is None else float(max_recency)
        if not 0 <= max_recency <= T:
            raise ValueError(f"max_recency must be between 0 and T={T:g}, not {max_recency}")
        freq, rec = np.meshgrid(np.arange(max_frequency + 1, dtype=float),
                                np.arange(int(math.floor(max_recency)) + 1, dtype=float))
        freq, rec = freq.ravel(), rec.ravel()
        alive = type(self)._alive(self._p, freq, rec, np.full_like(freq, T))
        alive = np.where((freq == 0) & (rec > 0), np.nan, alive)
        out = pd.DataFrame({"frequency": freq.astype("int64"), "recency": rec,
                            "p_alive": alive})
        out.attrs = {"T": T, "unit": self.unit}
        return out

    def holdout_table(self, summary: pd.DataFrame, *, max_frequency: int = 7
                      ) -> pd.DataFrame:
        """Actual against predicted hold-out purchases, by calibration frequency: the table
        behind :func:`cxkit.plots.plot_calibration_holdout` (as in Fader, Hardie & Lee 2005).

        Parameters
        ----------
        summary : DataFrame
            From :func:`cxkit.models.calibration_holdout`: ``frequency``, ``recency``,
            ``T``, ``frequency_holdout`` and ``duration_holdout``.
        max_frequency : int
            Customers with this many calibration purchases or more form the last group.

        Returns
        -------
        DataFrame
            One row per calibration frequency 0..``max_frequency``: ``frequency``,
            ``label`` (``"7+"`` for the last group), ``n`` (customers), ``actual`` (their
            mean hold-out purchases) and ``predicted`` (the mean of each one's conditional
            expectation over their hold-out duration).
        """
        _check.table(summary, ["frequency_holdout", "duration_holdout"], what="summary")
        max_frequency = _check.count(max_frequency, "max_frequency", minimum=1)
        table, x, t_x, T = self._customers(summary)
        actual = _check.numbers(summary, "frequency_holdout", finite=True).to_numpy()
        duration = _check.numbers(summary, "duration_holdout", finite=True).to_numpy()
        _check.refuse_values(duration < 0, duration, "duration_holdout", "negative duration",
                             "0 or more")
        predicted = np.empty_like(actual)
        for d in np.unique(duration):
            rows = duration == d
            predicted[rows] = type(self)._conditional(self._p, float(d), x[rows], t_x[rows],
                                                      T[rows])
        group = np.minimum(x, max_frequency).astype("int64")
        frame = pd.DataFrame({"frequency": group, "actual": actual, "predicted": predicted})
        out = frame.groupby("frequency").agg(n=("actual", "size"), actual=("actual", "mean"),
                                             predicted=("predicted", "mean"))
        out = out.reindex(range(max_frequency + 1)).reset_index()
        out["n"] = out["n"].fillna(0).astype("int64")
        out.insert(1, "label", [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"])
        return out

    def plot(self, ax=None):
        """The probability-alive matrix (:meth:`p_alive_matrix` with its defaults)."""
        from ..plots.value import plot_p_alive_matrix

        return plot_p_alive_matrix(self.p_alive_matrix(), ax=ax)


@dataclass(frozen=True, repr=False)
class BGNBDResult(_TransactionModel):
    """A fitted BG/NBD model (from :func:`bg_nbd`).

    Attributes
    ----------
    params : Series
        ``r``, ``alpha``, ``a``, ``b``.
    se : Series
        Their standard errors (delta method from the log scale).
    cov : DataFrame
        Their covariance matrix.
    loglik : float
        The maximised log-likelihood.
    n : int
        Customers fitted.
    converged : bool
        Whether the optimiser reached a point where the gradient vanishes.
    conf_level : float
    fit : scipy.optimize.OptimizeResult
        The optimiser's result (on the log-parameters).
    data : DataFrame
        The customers fitted (``customer_id`` if the summary had it, ``frequency``,
        ``recency``, ``T``).
    unit : str or None
        The time unit of ``recency`` and ``T`` (``"W"``, ``"D"`` or ``"M"``).
    """

    _title = "BG/NBD"
    _loglik = staticmethod(_btyd.bg_nbd_loglik)
    _conditional = staticmethod(_btyd.bg_nbd_conditional)
    _expected = staticmethod(_btyd.bg_nbd_expected)
    _alive = staticmethod(_btyd.bg_nbd_p_alive)


@dataclass(frozen=True, repr=False)
class ParetoNBDResult(_TransactionModel):
    """A fitted Pareto/NBD model (from :func:`pareto_nbd`); attributes as
    :class:`BGNBDResult`, with ``params`` ``r``, ``alpha``, ``s``, ``beta``."""

    _title = "Pareto/NBD"
    _loglik = staticmethod(_btyd.pareto_nbd_loglik)
    _conditional = staticmethod(_btyd.pareto_nbd_conditional)
    _expected = staticmethod(_btyd.pareto_nbd_expected)
    _alive = staticmethod(_btyd.pareto_nbd_p_alive)


def _transaction_model(kind, summary, names, start, *, unit, conf_level):
    conf_level = _check.conf_level(conf_level)
    cols = _check.repeat_purchases(summary)
    unit = _unit(summary, unit)
    x, t_x, T, counts = _compressed(cols["frequency"], cols["recency"], cols["T"])
    loglik = kind._loglik

    def weighted(params, x, t_x, T):
        return counts * loglik(params, x, t_x, T)

    fields = _fit(weighted, (x, t_x, T), names, start, conf_level=conf_level)
    keep = [c for c in ("customer_id",) if c in summary.columns]
    data = summary[keep].copy()
    for c in ("frequency", "recency", "T"):
        data[c] = cols[c]
    return kind(n=len(summary), data=data, unit=unit, **fields)


_NOTES_COMMON = """
    The summary's columns are the sufficient statistics of the model: :math:`x` =
    ``frequency`` (repeat purchases), :math:`t_x` = ``recency`` (time of the last purchase,
    from the first) and :math:`T` = ``T`` (time from the first purchase to the end of the
    calibration period). The parameters are estimated by maximising the log-likelihood over
    their logarithms (scipy: Nelder–Mead, then BFGS); standard errors are the square roots
    of the inverse observed information (a central-difference Hessian of the log-likelihood
    in the log-parameters), carried to the natural scale by the delta method
    (:math:`\\mathrm{se}(\\theta) = \\theta\\,\\mathrm{se}(\\log\\theta)`); intervals are
    :math:`\\exp(\\log\\hat\\theta \\pm z\\,\\mathrm{se}(\\log\\theta))`.
"""


@shared_docs(extra={"btyd_notes": _NOTES_COMMON.strip("\n").lstrip()})
def bg_nbd(summary: pd.DataFrame, *, unit: str | None = None, conf_level: float = 0.95
           ) -> BGNBDResult:
    """Fit the BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

    While active, a customer buys at a Poisson rate :math:`\\lambda`; after every purchase
    the customer drops out with probability :math:`p`. Across customers :math:`\\lambda`
    follows a gamma distribution (shape ``r``, rate ``alpha``) and :math:`p` a beta
    distribution (``a``, ``b``).

    Parameters
    ----------
    summary : DataFrame
        One row per customer, from :func:`cxkit.models.repeat_purchase_summary` (or
        :func:`cxkit.models.calibration_holdout`): ``frequency``, ``recency``, ``T``.
    unit : {"W", "D", "M"}, optional
        Time unit of ``recency`` and ``T``; by default the summary's ``attrs["unit"]``.
        Needed only to turn a horizon in months into model time (:func:`cxkit.models.clv`).
    {doc:conf_level}

    Returns
    -------
    BGNBDResult
        ``params`` (``r``, ``alpha``, ``a``, ``b``), ``se``, ``loglik``, ``n``;
        ``expected_transactions(t, summary=None)``, ``p_alive(summary=None)``,
        ``p_alive_matrix()``, ``holdout_table(summary)``; ``to_frame()`` and ``summary()``.

    Raises
    ------
    DataError
        A column is absent; missing or non-numeric values; negative or fractional
        frequency; negative recency or T; recency greater than T; positive recency
        without a repeat purchase (naming the rows).

    Notes
    -----
    The likelihood of a customer (FHL 2005, eq. 6), with :math:`\\delta_{x>0}` = 1 after a
    repeat purchase:

    .. math::

        L = \\frac{B(a, b + x)}{B(a, b)} \\frac{\\Gamma(r + x)\\,\\alpha^r}{\\Gamma(r)
        (\\alpha + T)^{r + x} + \\delta_{x>0} \\frac{B(a + 1, b + x - 1)}{B(a, b)}
        \\frac{\\Gamma(r + x)\\,\\alpha^r}{\\Gamma(r)(\\alpha + t_x)^{r + x}.

    The conditional expectation (eq. 10) uses the Gaussian hypergeometric function
    :math:`{}_2F_1(r + x, b + x; a + b + x - 1; z)` (``scipy.special.hyp2f1``), taken through
    Euler's transformation to
    :math:`(1 - z)^{a - r - x - 1}\\,{}_2F_1(a + b - 1 - r, a - 1; a + b + x - 1; z)`, whose
    series converges at :math:`z = 1` (the untransformed one overflows for customers with many
    purchases or long horizons); and
    :math:`P(\\text{alive}) = 1 / (1 + \\delta_{x>0}\\, \\frac{a}{b + x - 1}
    (\\frac{\\alpha + T}{\\alpha + t_x})^{r + x})`: 1 without a repeat purchase (in this
    model a customer can only drop out just after a purchase).

    {doc:btyd_notes}

    On the CDNOW sample (39 weeks) it gives FHL's published r = 0.243, α = 4.414,
    a = 0.793, b = 2.426 and log-likelihood −9582.4 (``tests/test_clv.py``).

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
       easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import bg_nbd, calibration_holdout
    >>> cdnow = cxkit.datasets.load_cdnow()
    >>> summary = calibration_holdout(cdnow, calibration_end="1997-09-30",
    ...                               observation_end="1998-06-30", unit="W")
    >>> model = bg_nbd(summary)
    >>> model.params.round(3).to_dict()
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    >>> round(model.loglik, 1)
    -9582.4
    >>> model.expected_transactions(39, summary).head(2).round(3).tolist()
    [1.226, 0.203]
    """
    return _transaction_model(BGNBDResult, summary, ["r", "alpha", "a", "b"],
                              [1.0, 1.0, 1.0, 1.0], unit=unit, conf_level=conf_level)


@shared_docs(extra={"btyd_notes": _NOTES_COMMON.strip("\n").lstrip()})
def pareto_nbd(summary: pd.DataFrame, *, unit: str | None = None, conf_level: float = 0.95
               ) -> ParetoNBDResult:
    """Fit the Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

    While active, a customer buys at a Poisson rate :math:`\\lambda` and stays active for an
    exponential lifetime of rate :math:`\\mu`, unobserved. Across customers :math:`\\lambda`
    follows a gamma distribution (shape ``r``, rate ``alpha``) and :math:`\\mu` another
    (shape ``s``, rate ``beta``).

    Parameters
    ----------
    summary : DataFrame
        As :func:`bg_nbd`: ``frequency``, ``recency``, ``T``.
    unit : {"W", "D", "M"}, optional
        As :func:`bg_nbd`.
    {doc:conf_level}

    Returns
    -------
    ParetoNBDResult
        ``params`` (``r``, ``alpha``, ``s``, ``beta``) and the methods of
        :class:`BGNBDResult`.

    Raises
    ------
    DataError
        As :func:`bg_nbd`.

    Notes
    -----
    The likelihood of a customer (Fader & Hardie 2005 note) is

    .. math::

        L = \\frac{\\Gamma(r + x)\\,\\alpha^r \\beta^s}{\\Gamma(r)} \\Big[
        \\frac{1}{(\\alpha + T)^{r + x} (\\beta + T)^s} + \\frac{s}{r + s + x} A_0 \\Big],

    where, for :math:`\\alpha \\ge \\beta`, :math:`A_0 = F(t_x) - F(T)` with
    :math:`F(t) = {}_2F_1(r + s + x, s + 1; r + s + x + 1; \\frac{\\alpha - \\beta}
    {\\alpha + t}) / (\\alpha + t)^{r + s + x}` (for :math:`\\alpha < \\beta`, swap
    :math:`\\alpha` and :math:`\\beta` and use :math:`r + x` for :math:`s + 1`). The
    :math:`{}_2F_1(a, b; a + 1; z)` terms grow fast as :math:`z \\to 1`; they are computed
    on the log scale through Euler's transformation
    :math:`{}_2F_1(a, b; a + 1; z) = (1 - z)^{1 - b}\\,{}_2F_1(1, a + 1 - b; a + 1; z)`, whose
    series has positive terms, and :math:`A_0` as
    :math:`F(t_x)(1 - e^{\\log F(T) - \\log F(t_x)})`. :math:`P(\\text{alive})` is the first
    term's share of the bracket; the conditional expectation follows the same note.

    {doc:btyd_notes}

    On the CDNOW sample it gives r = 0.553, α = 10.578, s = 0.606, β = 11.669 and
    log-likelihood −9595.0, as reported with FHL (2005) (``tests/test_clv.py``).

    References
    ----------
    .. [1] Schmittlein, D. C., Morrison, D. G., & Colombo, R. (1987). Counting your
       customers: who are they and what will they do next? *Management Science*, 33(1), 1–24.
    .. [2] Fader, P. S., & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model
       and related expressions. http://brucehardie.com/notes/009/

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.models import pareto_nbd, repeat_purchase_summary
    >>> summary = repeat_purchase_summary(cxkit.datasets.load_cdnow(),
    ...                                   calibration_end="1997-09-30", unit="W")
    >>> model = pareto_nbd(summary)
    >>> model.params.round(3).to_dict()
    {'r': 0.553, 'alpha': 10.578, 's': 0.606, 'beta': 11.669}
    """
    return _transaction_model(ParetoNBDResult, summary, ["r", "alpha", "s", "beta"],
                              [1.0, 1.0, 1.0, 1.0], unit=unit, conf_level=conf_level)

