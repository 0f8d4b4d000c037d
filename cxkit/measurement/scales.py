"""The reliability of one scale: Cronbach's alpha and McDonald's omega, each with a percentile
bootstrap interval over respondents (and Feldt's analytic interval beside alpha's).

:func:`reliability` needs at least two constructs because PLS estimates their loadings
together; :func:`alpha` needs none: alpha is a formula on the items' covariances, and omega
comes from a one-factor model of the scale's items alone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._docstrings import shared_docs
from .._results import Result
from ._items import _PLS_HINT, _items
from ._spec import DOCS

__all__ = ["AlphaResult", "alpha"]

#: The rules for missing answers ``alpha`` takes (the kit's default:
#: ``cxkit._check.MISSING_DEFAULT``).
MISSING_RULES = ("refuse", "listwise", "pairwise")

_HINT = _PLS_HINT.replace("are mean-replaced", "are handled as missing= says")


# --------------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class AlphaResult(Result):
    """Cronbach's alpha and McDonald's omega of one scale, with intervals.

    Attributes
    ----------
    estimates : DataFrame
        One row per coefficient; see :func:`alpha` (also ``to_frame()``).
    loadings : DataFrame
        The one-factor model omega comes from, one row per item: ``item``, ``loading`` (in
        the item's units), ``loading_std`` (standardized) and ``residual_variance``.
    items : tuple of str
        The scale's items.
    n : int
        Respondents used.
    n_missing : int
        Respondents with at least one missing answer among the items.
    missing : str
        The rule for missing answers (``"refuse"``, ``"listwise"`` or ``"pairwise"``).
    feldt : tuple of float
        Feldt's analytic interval for alpha at ``conf_level``.
    bootstrap : int
        Bootstrap resamples that could be used (0: no bootstrap).
    conf_level : float
        Confidence level of the intervals.
    notes : list of str
        What the reader must know: respondents left out, pairwise covariances, an improper
        one-factor solution, negatively loading items, resamples that failed.
    fit : statsmodels FactorResults
        The one-factor ML model (on the items' correlations) omega comes from.
    draws : DataFrame
        The bootstrap estimates (columns ``alpha``, ``omega``; one row per resample).
    missing_note : str
        What the rule for missing answers did (the note every function with ``missing=``
        gives; see :func:`cxkit._check.apply_missing`).
    """

    estimates: pd.DataFrame
    loadings: pd.DataFrame
    items: tuple[str, ...]
    n: int
    n_missing: int
    missing: str
    feldt: tuple[float, float]
    bootstrap: int
    conf_level: float
    notes: list[str]
    fit: object = field(repr=False)
    draws: pd.DataFrame = field(repr=False)
    missing_note: str = ""

    _label_columns = ("coefficient",)

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient: ``coefficient`` (alpha, omega), ``estimate``, ``ci_low``,
        ``ci_high``, ``n``, ``n_missing``, ``method`` (how the interval was computed)."""
        return self.estimates.copy()

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Lower and upper bounds, one row per coefficient (columns ``lower``, ``upper``).

        Parameters
        ----------
        conf_level : float, optional
            By default the level the result was computed at. Another level is read from the
            same bootstrap resamples (what ``alpha(..., conf_level=...)`` with the same seed
            gives); without a bootstrap, alpha's interval is Feldt's at that level and
            omega has none.
        """
        if conf_level is None or math.isclose(_check.conf_level(conf_level), self.conf_level):
            return super().conf_int()
        level = _check.conf_level(conf_level)
        index = pd.Index(self.estimates["coefficient"], name="coefficient")
        if self.bootstrap:
            bounds = [_percentile(self.draws[c].to_numpy(), level) for c in ("alpha", "omega")]
        else:
            k = len(self.items)
            bounds = [_feldt(self.estimates["estimate"].iloc[0], self.n, k, level),
                      (math.nan, math.nan)]
        return pd.DataFrame(bounds, columns=["lower", "upper"], index=index)

    def summary(self) -> str:
        """The two coefficients with their intervals, and the notes."""
        rows = self.estimates.set_index("coefficient")
        level = f"{self.conf_level:.0%}"
        lines = [f"Reliability of one scale: {len(self.items)} items "
                 f"({', '.join(self.items)}), {self.n} respondents"
                 + (f", missing answers: {self.missing}" if self.n_missing else "")]
        for name, label in (("alpha", "Cronbach's alpha"), ("omega", "McDonald's omega")):
            row = rows.loc[name]
            interval = ("no interval" if math.isnan(row["ci_low"]) else
                        f"{level} CI {row['ci_low']:.3f} to {row['ci_high']:.3f} "
                        f"({row['method']})")
            lines.append(f"  {label} = {row['estimate']:.3f}, {interval}")
        if self.bootstrap:
            lines.append(f"  alpha's analytic (Feldt) {level} interval: {self.feldt[0]:.3f} to "
                         f"{self.feldt[1]:.3f}")
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "AlphaResult(\n" + self.summary() + "\n)"


# --------------------------------------------------------------------------------------------
# alpha
# --------------------------------------------------------------------------------------------
@shared_docs(extra=DOCS)
def alpha(data: pd.DataFrame, items: Sequence[str], *, missing: str = _check.MISSING_DEFAULT,
          conf_level: float = 0.95, bootstrap: int = 1000, seed=None,
          missing_codes: Sequence[float] | None = None) -> AlphaResult:
    """Cronbach's alpha and McDonald's omega of one scale, with bootstrap intervals.

    The internal consistency of one multi-item scale (the three *ease* items of the CX
    pyramid, the four perceived-CSR items): how much of the variance of the item sum is
    shared by the items rather than noise. No model of other constructs is needed.

    Parameters
    ----------
    {doc:data}
    items : list of str
        The scale's item columns (at least two), keyed in the same direction: recode
        reverse-worded items first.
    {doc:missing}
        Alpha takes ``"refuse"``, ``"listwise"`` (respondents left out are counted in
        ``n_missing`` and the notes) and ``"pairwise"`` (each covariance uses the
        respondents who answered both items, as ``psych::alpha(use="pairwise")`` and
        pingouin); ``"mean"`` is refused: means put in place of missing answers shrink the
        items' variances and so bias alpha.
    {doc:conf_level}
    bootstrap : int
        Resamples of respondents for the percentile intervals (0: none; alpha then gets
        Feldt's interval and omega none).
    {doc:seed}
    {doc:missing_codes}

    Returns
    -------
    AlphaResult
        ``.to_frame()`` has one row per coefficient:

        - ``coefficient``: ``"alpha"`` or ``"omega"``;
        - ``estimate``;
        - ``ci_low``, ``ci_high``: percentile bootstrap interval (Feldt's for alpha when
          ``bootstrap=0`` or when no resample could be used);
        - ``n``: respondents used; ``n_missing``: respondents with a missing answer;
        - ``method``: how the interval was computed.

        Also ``feldt`` (alpha's analytic interval), ``loadings`` (the one-factor model),
        ``notes``, ``draws`` (the bootstrap estimates), ``fit`` (statsmodels' factor
        model); ``.summary()``, ``.conf_int(conf_level=...)``.

    Raises
    ------
    DataError
        Item columns absent, not numeric, constant, or holding undeclared missing codes;
        missing answers under ``missing="refuse"`` (naming the rows); fewer than two
        respondents.

    See Also
    --------
    reliability : alpha, rho_A, rho_C and AVE of several constructs at once (PLS).
    cfa : the one-factor (or several-factor) model with fit indices.

    Notes
    -----
    For :math:`k` items with covariance matrix :math:`C` (variances :math:`s_i^2`), Cronbach's
    (1951) alpha is

    .. math::

        \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\sum_i s_i^2}{\\sum_{ij} C_{ij}}\\Bigr),

    :math:`\\sum_{ij} C_{ij}` being the variance of the item sum. McDonald's (1999) omega
    total is the reliability of the same unit-weighted sum under a one-factor model
    :math:`x_i = \\lambda_i \\xi + \\varepsilon_i` with residual variances :math:`\\theta_i`:

    .. math::

        \\omega = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i \\theta_i}.

    The model is fitted by maximum likelihood (statsmodels' ``Factor(method="ml")`` on the
    items' correlations, rescaled to their units; ML is scale-invariant, so this is the ML
    fit of the covariances, as lavaan's and seminr's CFA). Alpha equals omega when the items
    load equally (tau-equivalence) and is below it otherwise. A residual variance of 0 (a
    Heywood case) is an improper solution and is noted.

    Intervals: the percentile bootstrap resamples respondents (with their missing answers,
    under ``"pairwise"``) and recomputes both coefficients, as Kelley & Pornprasertmanit
    (2016) recommend for omega. Feldt's interval assumes every respondent answered every
    item and equal-variance errors: :math:`1 - (1-\\hat\\alpha) F_{1-\\gamma/2}` to
    :math:`1 - (1-\\hat\\alpha) F_{\\gamma/2}` with :math:`F` on :math:`n-1` and
    :math:`(n-1)(k-1)` degrees of freedom, :math:`\\gamma = 1 -` ``conf_level``; under
    ``"pairwise"`` it takes :math:`n` as the respondents who answered at least one item (as
    pingouin), which overstates its precision when many answers are missing.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       *Psychometrika*, 16(3), 297–334.
    .. [2] Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
       coefficient alpha. *Applied Psychological Measurement*, 11(1), 93–103.
    .. [3] McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
    .. [4] Kelley, K., & Pornprasertmanit, S. (2016). Confidence intervals for population
       reliability coefficients: Evaluation of methods, recommendations, and software for
       composite measures. *Psychological Methods*, 21(1), 69–92.
    .. [5] Hayes, A. F., & Coutts, J. J. (2020). Use omega rather than Cronbach's alpha for
       estimating reliability. But…. *Communication Methods and Measures*, 14(1), 1–24.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.measurement import alpha
    >>> survey = cxkit.simulate_study(600, seed=1).survey.query("wave == 1")
    >>> result = alpha(survey, ["ease_1", "ease_2", "ease_3"], bootstrap=200, seed=1)
    >>> result.to_frame().round(3)
      coefficient  estimate  ci_low  ci_high    n  n_missing                method
    0       alpha     0.808   0.753    0.859  143          0  percentile bootstrap
    1       omega     0.811   0.760    0.862  143          0  percentile bootstrap
    >>> [round(bound, 3) for bound in result.feldt]  # alpha's analytic interval
    [0.746, 0.857]
    >>> result.loadings.round(2)  # the one-factor model omega comes from
         item  loading  loading_std  residual_variance
    0  ease_1     0.80         0.72               0.59
    1  ease_2     0.87         0.72               0.72
    2  ease_3     0.98         0.86               0.33
    """
    _check.missing_rule(missing, MISSING_RULES, what="alpha")
    level = _check.conf_level(conf_level)
    nboot = _check.count(bootstrap, "bootstrap")
    if nboot == 1:
        raise ValueError("bootstrap must be 0 (no bootstrap) or a number of resamples >= 2, "
                         "not 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(
        None if seed is None else _check.count(seed, "seed"))
    names = _check.distinct_columns(items, "items", minimum=2)
    answers = _items(data, names, missing_codes, hint=_HINT)
    values = answers.values
    incomplete = values.isna().any(axis=1).to_numpy()
    notes = []
    _, missing_note = _check.apply_missing(values, names, missing, allowed=MISSING_RULES,
                                           what="alpha")
    if missing == "listwise" and incomplete.any():
        notes.append(f"{int(incomplete.sum())} respondent(s) with a missing answer left out "
                     f"(listwise deletion): rows {_check.format_rows(_check.rows(incomplete))}")
    if missing == "pairwise":
        answered = values.notna().any(axis=1).to_numpy()
        used = values[answered].to_numpy()
        pairs = _pair_counts(used)
        if not answered.all():
            notes.append(f"{int((~answered).sum())} respondent(s) answered none of the items and "
                         f"are not counted: rows {_check.format_rows(_check.rows(~answered))}")
        if incomplete.any():
            notes.append("alpha and omega from the pairwise covariances: each uses the "
                         f"respondents who answered both items ({pairs.min()} to "
                         f"{pairs.max()} per pair)")
    else:
        used = values[~incomplete].to_numpy()
        pairs = np.full((len(names), len(names)), len(used))
    n, k = len(used), len(names)
    if pairs.min() < 2:
        problem = (f"only {n} respondent(s) answered every item" if missing != "pairwise" else
                   f"a pair of items was answered together by only {int(pairs.min())} "
                   "respondent(s)")
        raise DataError(problem, column=names, expected="at least two respondents with "
                        "answers to every pair of items")
    cov = _covariance(used, pairwise=missing == "pairwise")
    point = _Coefficients.of(cov, n)
    notes += point.notes(names)
    draws, improper = _bootstrap(used, nboot, rng, pairwise=missing == "pairwise")
    notes += _bootstrap_notes(draws, nboot, improper)
    feldt = _feldt(point.alpha, n, k, level)
    usable = int(draws["alpha"].notna().sum())
    if usable:
        intervals = [_percentile(draws[c].to_numpy(), level) for c in ("alpha", "omega")]
        methods = ["percentile bootstrap"] * 2
    else:
        intervals = [feldt, (math.nan, math.nan)]
        methods = ["Feldt", "none (no bootstrap)"]
    n_missing = int(incomplete.sum())
    estimates = pd.DataFrame({
        "coefficient": ["alpha", "omega"], "estimate": [point.alpha, point.omega],
        "ci_low": [low for low, _ in intervals], "ci_high": [high for _, high in intervals],
        "n": [n, n], "n_missing": [n_missing, n_missing], "method": methods})
    loadings = pd.DataFrame({"item": names, "loading": point.loadings,
                             "loading_std": point.loadings / np.sqrt(np.diag(cov)),
                             "residual_variance": point.residuals})
    return AlphaResult(estimates=estimates, loadings=loadings, items=tuple(names), n=n,
                       n_missing=n_missing, missing=missing, feldt=feldt, bootstrap=usable,
                       conf_level=level, notes=notes, fit=point.fit, draws=draws,
                       missing_note=missing_note)


# --------------------------------------------------------------------------------------------
# the coefficients of one covariance matrix
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Coefficients:
    alpha: float
    omega: float
    loadings: np.ndarray
    residuals: np.ndarray
    uniqueness: np.ndarray
    fit: object
    converged: bool

    @property
    def heywood(self) -> bool:
        return bool(np.nanmin(self.uniqueness, initial=np.inf) < _HEYWOOD)

    @classmethod
    def of(cls, cov: np.ndarray, n: int) -> _Coefficients:
        """Alpha by its formula and omega from a one-factor ML model of ``cov``."""
        k = cov.shape[0]
        a = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
        nan = np.full(k, math.nan)
        if n <= k:  # the one-factor model needs more respondents than items
            return cls(a, math.nan, nan, nan, nan, None, False)
        try:
            fit, converged = _one_factor(cov, n)
        except (np.linalg.LinAlgError, ValueError):
            return cls(a, math.nan, nan, nan, nan, None, False)
        sd = np.sqrt(np.diag(cov))
        lam = fit.loadings[:, 0] * sd
        if lam.sum() < 0:  # a factor's sign is arbitrary: the one the items share
            lam = -lam
        theta = fit.uniqueness * sd ** 2
        omega = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
        return cls(a, float(omega), lam, theta, fit.uniqueness, fit, converged)

    def notes(self, names: list[str]) -> list[str]:
        out = []
        if self.alpha < 0:
            out.append(f"alpha is negative ({self.alpha:.3f}): the items covary negatively on "
                       "average; reverse-worded items must be recoded first")
        if math.isnan(self.omega):
            out.append("omega could not be estimated: the one-factor model needs more "
                       "respondents than items and item correlations it can fit")
            return out
        negative = [i for i, lam in zip(names, self.loadings, strict=True) if lam < 0]
        if negative:
            out.append(f"item(s) {', '.join(map(repr, negative))} load negatively on the "
                       "common factor: if reverse-worded, recode them (e.g. 8 - x on a 1-7 "
                       "scale) before computing alpha")
        if self.heywood:
            zero = [i for i, u in zip(names, self.uniqueness, strict=True) if u < _HEYWOOD]
            out.append("improper one-factor solution (Heywood case): the residual variance of "
                       f"{', '.join(map(repr, zero))} is 0, so omega rests on a boundary "
                       "estimate; the items may not measure one factor")
        elif not self.converged:
            out.append("the one-factor model did not converge (statsmodels); omega may be "
                       "inaccurate")
        return out


#: A standardized residual variance below this is at the boundary 0 (a Heywood case).
_HEYWOOD = 1e-4


def _one_factor(cov: np.ndarray, n: int):
    """statsmodels' one-factor ML fit of the correlations, from a deterministic start."""
    from statsmodels.multivariate.factor import Factor

    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    try:  # squared multiple correlations as start communalities (as psych's fa)
        communality = np.clip(1 - 1 / np.diag(np.linalg.inv(corr)), 0.05, 0.95)
    except np.linalg.LinAlgError:
        communality = np.full(len(corr), 0.5)
    start = (np.sqrt(communality)[:, None], 1 - communality)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-convergence and Heywood cases are noted instead
        fit = Factor(endog=None, n_factor=1, corr=corr, method="ml", nobs=n).fit(start=start)
    if not np.all(np.isfinite(fit.loadings)):
        raise ValueError("the one-factor fit failed")
    return fit, bool(fit.mle_retvals.success)


def _covariance(values: np.ndarray, *, pairwise: bool) -> np.ndarray:
    if pairwise:
        return pd.DataFrame(values).cov().to_numpy()
    return np.cov(values, rowvar=False)


def _pair_counts(values: np.ndarray) -> np.ndarray:
    answered = (~np.isnan(values)).astype(int)
    return answered.T @ answered


# --------------------------------------------------------------------------------------------
# intervals
# --------------------------------------------------------------------------------------------
def _feldt(estimate: float, n: int, k: int, level: float) -> tuple[float, float]:
    from scipy.stats import f

    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (float(1 - (1 - estimate) * f.ppf(1 - tail, df1, df2)),
            float(1 - (1 - estimate) * f.ppf(tail, df1, df2)))


def _percentile(draws: np.ndarray, level: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if draws.size < 2:
        return math.nan, math.nan
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def _bootstrap(values: np.ndarray, nboot: int, rng: np.random.Generator, *,
               pairwise: bool) -> tuple[pd.DataFrame, int]:
    """Alpha and omega of ``nboot`` resamples of respondents (NaN where one failed), and how
    many resamples had an improper or unconverged one-factor model."""
    n = len(values)
    out = np.full((nboot, 2), math.nan)
    improper = np.zeros(nboot, dtype=bool)
    for b in range(nboot):
        cov = _covariance(values[rng.integers(0, n, n)], pairwise=pairwise)
        if not np.all(np.isfinite(cov)) or np.diag(cov).min() <= 0:
            continue  # an item without variation (or a pair without answers) in the resample
        point = _Coefficients.of(cov, n)
        out[b] = point.alpha, point.omega
        improper[b] = point.heywood or not point.converged
    return pd.DataFrame(out, columns=["alpha", "omega"]), int(improper.sum())


def _bootstrap_notes(draws: pd.DataFrame, nboot: int, improper: int) -> list[str]:
    notes = []
    failed = int(draws["alpha"].isna().sum())
    if failed:
        notes.append(f"{failed} of {nboot} bootstrap resamples could not be used (an item did "
                     "not vary in the resample) and were left out")
    no_omega = int((draws["omega"].isna() & draws["alpha"].notna()).sum())
    if no_omega:
        notes.append(f"omega could not be estimated in {no_omega} of {nboot} resamples; its "
                     "interval uses the others")
    if improper:
        notes.append(f"the one-factor model was improper (a Heywood case) or did not converge "
                     f"in {improper} of {nboot} resamples; they are kept in omega's interval")
    return notes
