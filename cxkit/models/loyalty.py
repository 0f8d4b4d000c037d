"""Loyalty models, key drivers, mediation and moderation: what moves loyalty, through what, and
for whom.

- :func:`loyalty_model` is one formula front end over statsmodels for the usual loyalty
  outcomes: a scale score (OLS), a single Likert item (ordered logit), churn or referral
  (logit), repurchase counts (Poisson, negative binomial). It hands back statsmodels' own
  results in ``.fit`` and a tidy coefficient table with odds ratios or incidence-rate ratios.
- :func:`key_drivers` is key-driver analysis: how much of the explained variance of an outcome
  each driver accounts for (relative weights, Shapley R² decomposition), or how much a
  model's fit drops when a driver is scrambled (permutation importance), with bootstrap
  intervals; :func:`plot_drivers` draws the importance–performance quadrant chart.
- :func:`mediation` estimates serial or parallel mediation with linear models (e.g. CSR
  launch → perceived CSR → satisfaction → loyalty): path coefficients, indirect, direct and
  total effects with percentile bootstrap intervals.
- :func:`moderation` fits an interaction model and gives the conditional effect of a treatment
  at each level of a moderator (for whom does it work?); :func:`plot_simple_slopes` draws it.

Driver weights and mediation paths describe associations in the data. They are effects only
under a causal model: no unmeasured common cause of any linked pair (for mediation, also none
of mediator and outcome, which randomising the treatment does not buy) and variables measured
without error. A mediator measured with error (a scale mean, a single item) has its paths
biased towards zero, which moves part of the indirect effect into the "direct" one.
"""

from __future__ import annotations

import ast
import itertools
import keyword
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._report import DataError

__all__ = ["LoyaltyModelResult", "MediationResult", "ModerationResult", "key_drivers",
           "loyalty_model", "mediation", "moderation", "plot_drivers", "plot_simple_slopes"]

#: Model families of :func:`loyalty_model`.
KINDS = ("ols", "ordered", "logit", "poisson", "negbin")
#: Methods of :func:`key_drivers`.
DRIVER_METHODS = ("relative_weights", "shapley", "permutation")
#: Exact Shapley decomposition fits 2^p regressions per bootstrap sample.
MAX_SHAPLEY_DRIVERS = 10

_KIND_NAMES = {"ols": "OLS", "ordered": "Ordered logit", "logit": "Logit",
               "poisson": "Poisson", "negbin": "Negative binomial (NB2)"}
_RATIO_COLUMN = {"logit": "odds_ratio", "ordered": "odds_ratio",
                 "poisson": "incidence_rate_ratio", "negbin": "incidence_rate_ratio"}
# names patsy's formulas reserve; a column called so is quoted with Q()
_PATSY_NAMES = {"C", "Q", "I", "np", "center", "standardize", "scale"}

# Parameter text shared by several docstrings (written once, as seaborn does in its
# _docstrings.py); ``_shared_docs`` replaces each ``{name}`` marker.
_DOCS = {
    "level": (
        "level : float\n"
        "        Confidence level of the intervals, strictly between 0 and 1."
    ),
    "seed": (
        "seed : int or numpy.random.Generator, optional\n"
        "        Seed of the bootstrap draws: the same seed gives the same intervals."
    ),
    "confounders": (
        "confounders : sequence of str\n"
        "        Columns every equation adjusts for. Numbers enter as they are; text, boolean\n"
        "        and categorical columns as categories (one dummy per level but the first)."
    ),
    "cluster": (
        "cluster : str, optional\n"
        "        Column whose values are clusters (e.g. ``\"customer_id\"`` when a customer\n"
        "        answers several waves): standard errors are cluster-robust and the bootstrap,\n"
        "        where there is one, resamples whole clusters. Without it, rows are taken as\n"
        "        independent."
    ),
}


def _shared_docs(func: Callable) -> Callable:
    for name, text in _DOCS.items():
        func.__doc__ = func.__doc__.replace("{" + name + "}", text)
    return func


# ------------------------------------------------------------------------------------------
# loyalty models
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoyaltyModelResult:
    """A fitted loyalty model (from :func:`loyalty_model`).

    Attributes
    ----------
    fit : statsmodels results
        The statsmodels results behind the tables (``params``, ``cov_params()``,
        ``predict()``, ``summary()`` ...), exactly what the corresponding statsmodels call
        returns.
    coefficients : DataFrame
        One row per regression term (see :func:`loyalty_model`).
    ancillary : DataFrame
        Parameters that are not regression coefficients: the cut points of an ordered logit
        or the dispersion ``alpha`` of a negative binomial model (empty otherwise).
    kind : str
        The model family used (one of :data:`KINDS`).
    formula, outcome : str
        The formula and its left-hand side.
    n : int
        Rows used.
    level : float
        Confidence level of the intervals.
    cov_type : str
        How standard errors were computed (``"HC1"``, ``"nonrobust"`` or ``"cluster"``).
    converged : bool
        Whether the maximum-likelihood fit converged (always true for OLS).
    """

    fit: object
    coefficients: pd.DataFrame
    ancillary: pd.DataFrame
    kind: str
    formula: str
    outcome: str
    n: int
    level: float
    cov_type: str
    converged: bool = True

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (a copy)."""
        return self.coefficients.copy()

    def summary(self) -> str:
        """The coefficients with their intervals (and ratios), one line per term, as text."""
        head = (f"{_KIND_NAMES[self.kind]} model of {self.outcome}: {self.n} rows, "
                f"{self.cov_type} standard errors")
        if not self.converged:
            head += " (the fit did NOT converge)"
        ratio = _RATIO_COLUMN.get(self.kind)
        table = self.coefficients
        terms = [*map(str, table["term"]), *map(str, self.ancillary["term"])]
        width = max(len("term"), *(len(t) for t in terms))
        lines = [head, f"{'term':<{width}}  {'estimate':>8}  {f'{self.level:.0%} CI':<18}  "
                       f"{'p':>6}" + (f"  {ratio.replace('_', ' ')}" if ratio else "")]
        for row in table.itertuples(index=False):
            line = (f"{row.term:<{width}}  {row.estimate:8.3f}  {row.ci_low:7.3f} to "
                    f"{row.ci_high:7.3f}  {_p_text(row.p_value):>6}")
            if ratio:
                line += f"  {getattr(row, ratio):.3f}"
            lines.append(line)
        for row in self.ancillary.itertuples(index=False):
            value = row.cut_point if self.kind == "ordered" else row.estimate
            lines.append(f"{row.term:<{width}}  {value:8.3f}  "
                         + ("(cut point)" if self.kind == "ordered" else "(dispersion)"))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"LoyaltyModelResult(\n{self.summary()}\n)"


@_shared_docs
def loyalty_model(formula: str, data: pd.DataFrame, *, kind: str = "auto",
                  cluster: str | None = None, level: float = 0.95) -> LoyaltyModelResult:
    """Fit a regression for a loyalty outcome from a formula, with statsmodels.

    Parameters
    ----------
    formula : str
        A statsmodels (patsy) formula, ``"outcome ~ term + term"``: ``C(segment)`` for a
        category, ``a:b`` or ``a * b`` for interactions, ``np.log(x)``, ``I(x ** 2)``,
        ``Q("odd name")`` for a column name that is not an identifier. The formula sees the
        columns of ``data``, numpy as ``np`` and patsy's built-ins (``C``, ``Q``, ``I``,
        ``center``, ``standardize``), nothing else.
    data : DataFrame
        One row per respondent or customer.
    kind : {"auto", "ols", "ordered", "logit", "poisson", "negbin"}
        The model family:

        - ``"ols"``: linear regression, for a scale score (the mean of several items);
        - ``"ordered"``: ordered logit (proportional odds), for a single Likert item or any
          ordered answer (numbers or an ordered pandas ``Categorical``);
        - ``"logit"``: logistic regression, for a yes/no outcome (churned, referred);
        - ``"poisson"``: Poisson regression, for counts (repurchases);
        - ``"negbin"``: negative binomial regression (NB2), for counts more variable than a
          Poisson count allows (overdispersion; the usual case for purchases);
        - ``"auto"`` decides only where the outcome leaves no doubt: true/false or 0/1 →
          ``"logit"``; an ordered ``Categorical`` → ``"ordered"``; numbers that are not all
          whole (a mean of items) → ``"ols"``. Whole numbers with more than two values may be
          a Likert item, a 0–10 recommendation score or a count, and the right model differs,
          so ``"auto"`` refuses them and asks for ``kind``.
    {cluster}
        Without it, OLS has heteroskedasticity-robust (HC1) standard errors and the
        maximum-likelihood models (``ordered``, ``logit``, ``poisson``, ``negbin``)
        model-based ones (the inverse information), as statsmodels gives by default.
    {level}

    Returns
    -------
    LoyaltyModelResult
        ``.fit`` (the statsmodels results), ``.coefficients``, ``.ancillary``,
        ``.summary()``, ``.to_frame()``. ``.coefficients`` has one row per regression term
        (the intercept included; an ordered logit has none, its cut points take its place)
        with columns

        - ``term``: the term as statsmodels names it (``C(segment)[T.premium]``);
        - ``estimate``: the coefficient (outcome points for OLS, log odds for ``logit`` and
          ``ordered``, log rate for ``poisson`` and ``negbin``);
        - ``se``: its standard error;
        - ``ci_low``, ``ci_high``: its interval (``fit.conf_int()``);
        - ``p_value``: Wald test of a zero coefficient;
        - ``logit`` and ``ordered`` only: ``odds_ratio`` (:math:`e^{\\hat\\beta}`) and its
          interval ``ci_low_ratio``, ``ci_high_ratio``;
        - ``poisson`` and ``negbin`` only: ``incidence_rate_ratio`` (:math:`e^{\\hat\\beta}`,
          the factor by which the expected count is multiplied) and ``ci_low_ratio``,
          ``ci_high_ratio``.

        ``.ancillary`` has the same first six columns for the cut points of an ordered
        logit (as statsmodels parameterises them: the first cut point, then the logarithms of
        the gaps between successive ones; ``cut_point`` holds the cut points themselves) or
        for the dispersion ``alpha`` of ``negbin``.

    Raises
    ------
    DataError
        A column of the formula is absent or has missing values; the formula cannot be
        evaluated on the data; the outcome does not suit the model (not 0/1 for ``logit``,
        not whole numbers of at least 0 for counts) or does not vary.
    ValueError
        An unknown ``kind``, or ``kind="auto"`` with an outcome it cannot decide on.

    Notes
    -----
    The statsmodels calls are ``smf.ols(formula, data).fit(cov_type="HC1")``,
    ``smf.logit(...).fit()``, ``smf.poisson(...).fit()``,
    ``smf.negativebinomial(..., loglike_method="nb2").fit()`` and
    ``OrderedModel.from_formula(formula, data, distr="logit").fit(method="bfgs")``, with
    ``cov_type="cluster"`` when ``cluster`` is given, so results equal statsmodels'.

    The ordered logit models a Likert answer :math:`Y \\in \\{1, \\dots, K\\}` through a
    latent :math:`Y^* = x^\\top\\beta + \\varepsilon` with logistic :math:`\\varepsilon`
    and cut points :math:`\\kappa_1 < \\dots < \\kappa_{K-1}`:
    :math:`P(Y \\le k \\mid x) = \\Lambda(\\kappa_k - x^\\top\\beta)`. :math:`e^{\\beta_j}` is
    the factor by which the odds of answering above any given category are multiplied per
    unit of :math:`x_j`, the same for every category (proportional odds). The negative
    binomial (NB2) count has variance :math:`\\mu + \\alpha\\mu^2`; :math:`\\alpha = 0` is
    the Poisson model, whose model-based standard errors are too small when counts are
    overdispersed.

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. *JRSS B*, 42(2), 109–142.
    Cameron, A. C., & Trivedi, P. K. (2013). *Regression Analysis of Count Data* (2nd ed.).
    Cambridge University Press.

    Examples
    --------
    Referral (yes/no) and final NPS of simulated customers:

    >>> import cxkit
    >>> from cxkit.models import loyalty_model
    >>> customers = cxkit.simulate_study(500, seed=1).customers
    >>> model = loyalty_model("referred ~ nps + C(segment)", customers)
    >>> model.kind
    'logit'
    >>> list(model.coefficients.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['term', 'estimate', 'se', 'ci_low', 'ci_high', 'p_value', 'odds_ratio', 'ci_low_ratio',
     'ci_high_ratio']
    >>> bool(model.coefficients.set_index("term").loc["nps", "odds_ratio"] > 1)
    True

    Counts need their kind spelled out:

    >>> counts = loyalty_model("n_repurchases ~ C(segment)", customers, kind="negbin")
    >>> counts.ancillary["term"].tolist()
    ['alpha']
    """
    import statsmodels.formula.api as smf
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    level = _check_level(level)
    if kind != "auto" and kind not in KINDS:
        raise ValueError(f"kind must be 'auto' or one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"formula must read 'outcome ~ terms', not {formula!r}")
    _require_frame(data)
    used, outcome = _formula_columns(formula, data)
    columns = used + ([cluster] if cluster is not None else [])
    _require_columns(data, columns)
    frame = data[list(dict.fromkeys(columns))].reset_index(drop=True)
    _refuse_missing(frame, list(frame.columns))
    if outcome is not None and pd.api.types.is_bool_dtype(frame[outcome]):
        frame[outcome] = frame[outcome].astype(int)  # patsy would make two columns of a bool
    values = frame[outcome] if outcome is not None else _evaluated_outcome(formula, frame)
    name = outcome if outcome is not None else formula.split("~")[0].strip()
    if kind == "auto":
        kind = _auto_kind(values, name)
    if kind == "ordered" and outcome is None:
        raise ValueError("kind='ordered' needs the left-hand side to be a column name")
    _check_outcome(values, name, kind)
    options = {}
    if cluster is not None:
        options = {"cov_type": "cluster",
                   "cov_kwds": {"groups": pd.factorize(frame[cluster])[0]}}
    elif kind == "ols":
        options = {"cov_type": "HC1"}
    env = {"np": np}
    try:
        if kind == "ordered":
            model = OrderedModel.from_formula(formula, frame, distr="logit", eval_env=env)
            fit = model.fit(method="bfgs", maxiter=1000, disp=False, **options)
        elif kind == "ols":
            fit = smf.ols(formula, frame, eval_env=env, missing="raise").fit(**options)
        else:
            maker = {"logit": smf.logit, "poisson": smf.poisson,
                     "negbin": smf.negativebinomial}[kind]
            extra = {"loglike_method": "nb2"} if kind == "negbin" else {}
            model = maker(formula, frame, eval_env=env, missing="raise", **extra)
            fit = model.fit(disp=False, maxiter=200, **options)
    except Exception as err:
        if type(err).__name__ not in ("PatsyError", "MissingDataError"):
            raise
        raise DataError(f"the formula {formula!r} cannot be evaluated on the data: "
                        f"{str(err).splitlines()[0]}", column=used or None,
                        expected="terms built from the columns " + ", ".join(
                            map(str, data.columns))) from None
    coefficients, ancillary = _coefficient_tables(fit, kind, level)
    retvals = getattr(fit, "mle_retvals", None) or {}
    converged = bool(retvals.get("converged", True))
    return LoyaltyModelResult(fit=fit, coefficients=coefficients, ancillary=ancillary,
                              kind=kind, formula=formula, outcome=name, n=int(fit.nobs),
                              level=level, cov_type=str(fit.cov_type), converged=converged)


def _formula_columns(formula: str, data: pd.DataFrame) -> tuple[list[str], str | None]:
    """Columns of ``data`` the formula uses, and the outcome column if the left side is one.

    Names the formula uses that are not columns (``np``, ``C``, a typo) are left to patsy,
    whose error is turned into a DataError.
    """
    import patsy

    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as err:
        raise ValueError(f"not a valid formula: {formula!r} ({err})") from None
    names = []
    for term in [*desc.lhs_termlist, *desc.rhs_termlist]:
        for factor in term.factors:
            names += _names_in(factor.code)
    columns = set(map(str, data.columns))
    used = [n for n in dict.fromkeys(names) if n in columns]
    lhs = desc.lhs_termlist
    outcome = None
    if len(lhs) == 1 and len(lhs[0].factors) == 1:
        single = _single_name(lhs[0].factors[0].code)
        if single in columns:
            outcome = single
    return used, outcome


def _names_in(code: str) -> list[str]:
    """Identifiers and ``Q("...")`` names in a patsy factor (a Python expression)."""
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.append(node.id)
        elif _is_q_call(node):
            found.append(node.args[0].value)
    return found


def _is_q_call(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "Q" and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))


def _single_name(code: str) -> str | None:
    try:
        body = ast.parse(code, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(body, ast.Name):
        return body.id
    return body.args[0].value if _is_q_call(body) else None


def _evaluated_outcome(formula: str, frame: pd.DataFrame) -> pd.Series:
    """The left-hand side of a formula that is an expression (``np.log(y)``), evaluated."""
    import patsy

    lhs = formula.split("~")[0].strip()
    try:
        values = patsy.dmatrix(f"0 + {lhs}", frame, eval_env=patsy.EvalEnvironment([{"np": np}]),
                               return_type="dataframe")
    except patsy.PatsyError as err:
        raise DataError(f"the outcome {lhs!r} cannot be evaluated on the data: "
                        f"{str(err).splitlines()[0]}") from None
    if values.shape[1] != 1:
        raise ValueError(f"the outcome {lhs!r} must be one numeric column")
    return values.iloc[:, 0]


def _auto_kind(values: pd.Series, name: str) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "logit"
    if isinstance(values.dtype, pd.CategoricalDtype) and values.dtype.ordered:
        return "ordered"
    if not pd.api.types.is_numeric_dtype(values):
        raise DataError("the outcome is neither numbers nor an ordered Categorical",
                        column=name, expected="numbers, true/false or an ordered Categorical")
    numbers_ = values.to_numpy(dtype=float)
    distinct = np.unique(numbers_[np.isfinite(numbers_)])
    if len(distinct) == 2 and set(distinct) == {0.0, 1.0}:
        return "logit"
    if not np.all(distinct == np.round(distinct)):
        return "ols"
    shown = (f"{distinct.min():g} to {distinct.max():g}" if len(distinct) else "none")
    raise ValueError(
        f"kind='auto' cannot tell which model suits {name!r}: whole numbers with "
        f"{len(distinct)} distinct values ({shown}) may be a Likert item (kind='ordered', "
        "or 'ols' to treat it as interval), a 0-10 recommendation score, or a count "
        "(kind='poisson' or 'negbin'); pass kind=")


def _check_outcome(values: pd.Series, name: str, kind: str) -> None:
    if kind == "ordered" and isinstance(values.dtype, pd.CategoricalDtype):
        if not values.dtype.ordered:
            raise DataError("an unordered Categorical outcome", column=name,
                            expected="numbers or an ordered Categorical for kind='ordered'")
        if values.nunique() < 2:
            raise DataError("the outcome does not vary", column=name,
                            expected="at least two answers")
        return
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise DataError("the outcome is not numeric", column=name,
                        expected="numbers (or an ordered Categorical for kind='ordered')")
    x = values.to_numpy(dtype=float)
    _refuse_rows(~np.isfinite(x), "infinite outcome", name, "finite numbers")
    if kind == "logit":
        _refuse_rows(~np.isin(x, [0.0, 1.0]), "outcome not 0/1", name,
                     "0/1 or true/false for kind='logit'")
    if kind in ("poisson", "negbin"):
        _refuse_rows((x < 0) | (x != np.round(x)), "not a count", name,
                     f"whole numbers of at least 0 for kind={kind!r}")
    if np.unique(x).size < 2:
        raise DataError("the outcome does not vary", column=name,
                        expected="at least two different values")


def _coefficient_tables(fit, kind: str, level: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    params = pd.Series(fit.params)
    bounds = np.asarray(fit.conf_int(alpha=1 - level), dtype=float)
    table = pd.DataFrame({"term": [str(t) for t in params.index],
                          "estimate": params.to_numpy(dtype=float),
                          "se": np.asarray(fit.bse, dtype=float),
                          "ci_low": bounds[:, 0], "ci_high": bounds[:, 1],
                          "p_value": np.asarray(fit.pvalues, dtype=float)})
    k_extra = int(getattr(fit.model, "k_extra", 0)) if kind in ("ordered", "negbin") else 0
    main = table.iloc[:len(table) - k_extra].reset_index(drop=True)
    ancillary = table.iloc[len(table) - k_extra:].reset_index(drop=True)
    ratio = _RATIO_COLUMN.get(kind)
    if ratio:
        main[ratio] = np.exp(main["estimate"])
        main["ci_low_ratio"] = np.exp(main["ci_low"])
        main["ci_high_ratio"] = np.exp(main["ci_high"])
    if kind == "ordered":
        cuts = fit.model.transform_threshold_params(params.to_numpy(dtype=float))
        ancillary["cut_point"] = cuts[1:-1]
    return main, ancillary


# ------------------------------------------------------------------------------------------
# key drivers
# ------------------------------------------------------------------------------------------
@_shared_docs
def key_drivers(data: pd.DataFrame, *, outcome: str, drivers: Sequence[str],
                method: str = "relative_weights", bootstrap: int = 200, seed=None,
                level: float = 0.95, model=None) -> pd.DataFrame:
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
    {seed}
    {level}
    model : {"linear", "random_forest"} or scikit-learn regressor, optional
        ``"permutation"`` only: the model whose importance is measured. Default
        ``"linear"`` (``LinearRegression()``); ``"random_forest"`` is
        ``RandomForestRegressor(n_estimators=100, min_samples_leaf=5)``, which picks up
        non-linear effects and interactions but costs a forest per bootstrap sample.

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
          quadrant chart of :func:`plot_drivers`.

        ``table.attrs`` records ``method``, ``outcome``, ``r2`` (in-sample R² of the linear
        model for the first two methods, mean out-of-sample R² for ``permutation``), ``n``,
        ``level`` and ``bootstrap``.

    Raises
    ------
    DataError
        Absent columns; missing, non-numeric or infinite values; a driver that does not vary;
        drivers that are collinear.
    ValueError
        An unknown method, too many drivers for ``"shapley"``, a bad ``bootstrap`` or
        ``level``.

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
    if method not in DRIVER_METHODS:
        raise ValueError(f"method must be one of {', '.join(DRIVER_METHODS)}, not {method!r}")
    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    if not drivers:
        raise ValueError("drivers must name at least one column")
    if outcome in drivers:
        raise ValueError(f"{outcome!r} is both the outcome and a driver")
    if method == "shapley" and len(drivers) > MAX_SHAPLEY_DRIVERS:
        raise ValueError(f"exact Shapley values need 2^p regressions: at most "
                         f"{MAX_SHAPLEY_DRIVERS} drivers (got {len(drivers)}); use "
                         "method='relative_weights', which agrees closely")
    level = _check_level(level)
    bootstrap = _check_count(bootstrap, "bootstrap")
    frame = _model_frame(data, numeric=[outcome, *drivers])
    _refuse_collinear(frame[drivers].to_numpy(dtype=float), drivers)
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
    low, high = _percentiles(draws, level, len(drivers))
    total = importance.sum()
    table = pd.DataFrame({"driver": drivers, "importance": importance,
                          "share": importance / total if total != 0 else np.nan,
                          "ci_low": low, "ci_high": high, "performance": x.mean(axis=0)})
    table = table.sort_values("importance", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    table.attrs = {"method": method, "outcome": outcome, "r2": float(r2), "n": len(y),
                   "level": level, "bootstrap": bootstrap}
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


def _percentiles(draws: np.ndarray, level: float, width: int) -> tuple[np.ndarray, np.ndarray]:
    draws = np.asarray(draws, dtype=float).reshape(-1, width)
    keep = np.all(np.isfinite(draws), axis=1)
    if keep.sum() < 2:
        return np.full(width, np.nan), np.full(width, np.nan)
    low, high = np.quantile(draws[keep], [(1 - level) / 2, (1 + level) / 2], axis=0)
    return low, high


def plot_drivers(table: pd.DataFrame, *, ax=None):
    """Importance–performance quadrant chart of key drivers (Martilla & James, 1977).

    Each driver is a point at its current performance (its mean, horizontal) and its
    importance (vertical, with the bootstrap interval); dashed lines at the medians cut the
    chart into four quadrants: *concentrate here* (important, performing below the others),
    *keep up the good work* (important, performing well), *low priority* and *possible
    overkill* (performing well on what matters little).

    Parameters
    ----------
    table : DataFrame
        From :func:`key_drivers` (columns ``driver``, ``importance``, ``performance`` and,
        optionally, ``ci_low``, ``ci_high``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.models import plot_drivers
    >>> table = pd.DataFrame({"driver": ["needs", "ease", "enjoy"],
    ...                       "importance": [0.20, 0.12, 0.05],
    ...                       "performance": [5.0, 4.8, 4.3]})
    >>> ax = plot_drivers(table)
    >>> [t.get_text() for t in ax.texts][:3]
    ['needs', 'ease', 'enjoy']
    >>> ax.get_title()
    'needs matters most'
    """
    import matplotlib.pyplot as plt

    absent = [c for c in ("driver", "importance", "performance") if c not in table.columns]
    if absent:
        raise DataError("column(s) not in the driver table", column=absent,
                        expected="the table of cxkit.key_drivers")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5))
    x = table["performance"].to_numpy(dtype=float)
    y = table["importance"].to_numpy(dtype=float)
    if {"ci_low", "ci_high"} <= set(table.columns) and table["ci_low"].notna().all():
        ax.errorbar(x, y, yerr=[y - table["ci_low"].to_numpy(dtype=float),
                                table["ci_high"].to_numpy(dtype=float) - y],
                    fmt="none", ecolor="grey", elinewidth=1, capsize=2)
    ax.scatter(x, y, color="tab:blue", zorder=3)
    for name, xi, yi in zip(table["driver"], x, y, strict=True):
        ax.annotate(str(name), (xi, yi), xytext=(5, 4), textcoords="offset points")
    ax.axvline(np.median(x), color="grey", ls="--", lw=0.8)
    ax.axhline(np.median(y), color="grey", ls="--", lw=0.8)
    corners = (("concentrate here", 0.02, 0.98, "left", "top"),
               ("keep up the good work", 0.98, 0.98, "right", "top"),
               ("low priority", 0.02, 0.02, "left", "bottom"),
               ("possible overkill", 0.98, 0.02, "right", "bottom"))
    for label, cx, cy, ha, va in corners:
        ax.text(cx, cy, label, transform=ax.transAxes, ha=ha, va=va, fontsize=8,
                color="grey", style="italic")
    ax.margins(0.15)
    ax.set_xlabel("performance (mean score)")
    method = table.attrs.get("method", "")
    ax.set_ylabel("importance" + (f" ({method.replace('_', ' ')})" if method else ""))
    top = table["driver"].iloc[int(np.argmax(y))]
    outcome = table.attrs.get("outcome")
    ax.set_title(f"{top} matters most" + (f" for {outcome}" if outcome else ""))
    return ax


# ------------------------------------------------------------------------------------------
# mediation
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MediationResult:
    """Paths, indirect, direct and total effects of a mediation model (from :func:`mediation`).

    Attributes
    ----------
    effects : DataFrame
        The tidy table of :func:`mediation`.
    fits : dict
        The statsmodels OLS results of each equation: one per mediator (keyed by its name),
        the outcome equation (keyed by the outcome) and ``"total"`` (the outcome on the
        treatment and confounders only).
    treatment, outcome : str
        Column names.
    mediators : tuple of str
        The mediators, in causal order.
    n : int
        Rows used.
    level : float
        Confidence level.
    bootstrap : int
        Bootstrap samples drawn.
    serial : bool
        Whether each mediator depends on the earlier ones (serial) or not (parallel).
    cluster : str or None
        The column whose clusters the bootstrap resampled.
    draws : DataFrame
        The bootstrap replicates, one column per row of ``effects`` (named by its
        ``symbol``).
    """

    effects: pd.DataFrame
    fits: dict
    treatment: str
    mediators: tuple
    outcome: str
    n: int
    level: float
    bootstrap: int
    serial: bool
    cluster: str | None = None
    draws: pd.DataFrame = field(repr=False, default=None)

    def to_frame(self) -> pd.DataFrame:
        """The effects table (a copy)."""
        return self.effects.copy()

    def summary(self) -> str:
        """Indirect, direct and total effects with their bootstrap intervals, as text."""
        design = "serial" if self.serial and len(self.mediators) > 1 else "parallel" \
            if len(self.mediators) > 1 else "simple"
        head = (f"{design.capitalize()} mediation of {self.treatment} → {self.outcome} through "
                f"{', '.join(self.mediators)}: {self.n} rows, {self.bootstrap} bootstrap "
                f"samples" + (f" of {self.cluster} clusters" if self.cluster else ""))
        width = max(len(p) for p in self.effects["path"])
        lines = [head]
        for row in self.effects.itertuples(index=False):
            lines.append(f"{row.effect:<14} {row.symbol:<12} {row.path:<{width}}  "
                         f"{row.estimate:8.3f}  ({row.ci_low:.3f} to {row.ci_high:.3f})")
        table = self.effects.set_index("effect")
        total = float(table.loc["total", "estimate"])
        if total != 0:
            share = float(table.loc["total indirect", "estimate"]) / total
            lines.append(f"share of the total effect that is indirect: {share:.0%}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"MediationResult(\n{self.summary()}\n)"


@_shared_docs
def mediation(data: pd.DataFrame, *, treatment: str, mediators: Sequence[str], outcome: str,
              confounders: Sequence[str] = (), serial: bool = True, bootstrap: int = 1000,
              seed=None, level: float = 0.95, cluster: str | None = None) -> MediationResult:
    """Mediation with linear models: through which steps does a treatment move the outcome?

    Parameters
    ----------
    data : DataFrame
        One row per respondent (or respondent and wave, with ``cluster``).
    treatment : str
        The cause (0/1, true/false or a number), e.g. ``"csr_in_force"``.
    mediators : sequence of str
        The intermediate steps, in causal order, e.g. ``["csr_perception", "csat"]``.
    outcome : str
        The final outcome, e.g. ``"loyalty"``.
    {confounders}
    serial : bool
        ``True`` (the default): each mediator depends on the treatment and on every earlier
        mediator, so effects can flow along chains (Hayes' model 6). ``False``: the mediators
        depend on the treatment only (parallel mediators, Hayes' model 4). Irrelevant with
        one mediator.
    bootstrap : int
        Bootstrap samples for the percentile intervals (0: none, intervals NaN).
    {seed}
    {level}
    {cluster}
        Without it, the equations' own standard errors are heteroskedasticity-robust (HC1).

    Returns
    -------
    MediationResult
        ``.effects``: a tidy table with one row per quantity and columns

        - ``effect``: ``"path"`` (a coefficient of one equation), ``"indirect"`` (one chain
          from treatment to outcome through one or more mediators), ``"total indirect"``
          (their sum), ``"direct"`` (the treatment's coefficient in the outcome equation)
          or ``"total"`` (the treatment's coefficient without the mediators);
        - ``path``: the arrows, e.g. ``csr_in_force → csr_perception → csat → loyalty``;
        - ``symbol``: the usual name: ``a1`` (treatment → mediator 1), ``d21`` (mediator 1 →
          mediator 2), ``b2`` (mediator 2 → outcome), ``c'`` (direct), ``c`` (total),
          products such as ``a1·d21·b2`` (``a``, ``b`` without numbers for one mediator);
        - ``estimate``: the OLS estimate (products of the OLS paths for indirect effects);
        - ``se``: the standard deviation of the bootstrap replicates;
        - ``ci_low``, ``ci_high``: the percentile bootstrap interval.

        ``.fits`` holds the statsmodels results of every equation (with HC1 or cluster-robust
        standard errors for the paths' own tests), ``.draws`` the bootstrap replicates,
        ``.summary()`` and ``.to_frame()``.

    Raises
    ------
    DataError
        Absent columns; missing values; a treatment, mediator or outcome that is not numeric
        or does not vary; a treatment that the confounders determine (e.g. a policy set by
        region, with region among the confounders in a single period).
    ValueError
        A column in two roles, no mediator, a bad ``bootstrap`` or ``level``.

    Notes
    -----
    With treatment :math:`X`, mediators :math:`M_1, \\dots, M_K` in causal order, outcome
    :math:`Y` and confounders :math:`C`, the serial model is the set of OLS regressions

    .. math::

        M_k = i_k + a_k X + \\sum_{j<k} d_{kj} M_j + C\\gamma_k + e_k, \\qquad
        Y = i_Y + c' X + \\sum_k b_k M_k + C\\gamma_Y + e_Y,

    and the total effect :math:`c` is the coefficient of :math:`X` in the regression of
    :math:`Y` on :math:`X` and :math:`C` alone. Each indirect effect is the product of the
    paths along one chain: with one mediator :math:`a\\cdot b` (Baron & Kenny, 1986); with
    two serial mediators :math:`a_1 b_1`, :math:`a_2 b_2` and the serial
    :math:`a_1 d_{21} b_2` (Hayes, 2018). For OLS with the same confounders in every
    equation the decomposition is exact in every sample,

    .. math::

        c = c' + \\sum_{\\text{chains}} \\text{indirect}
          = c' + a_1 b_1 + a_2 b_2 + a_1 d_{21} b_2 \\quad (K = 2).

    Products of coefficients are not normally distributed, so intervals come from the
    percentile bootstrap (Preacher & Hayes, 2008): rows (or clusters) are drawn with
    replacement, every equation refitted and every effect recomputed.

    The effects are causal only if, given :math:`C`, nothing unmeasured drives both the
    treatment and any mediator or the outcome, and both each mediator and what follows it
    (sequential ignorability). Randomising the treatment secures the first part only. A
    mediator measured with error (a mean of Likert items, a single item) attenuates its
    :math:`b` path and the indirect effects through it; the direct effect absorbs the rest.

    References
    ----------
    Baron, R. M., & Kenny, D. A. (1986). The moderator–mediator variable distinction in
    social psychological research. *Journal of Personality and Social Psychology*, 51(6),
    1173–1182.
    Preacher, K. J., & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing
    and comparing indirect effects in multiple mediator models. *Behavior Research Methods*,
    40(3), 879–891.
    Hayes, A. F. (2018). *Introduction to Mediation, Moderation, and Conditional Process
    Analysis* (2nd ed.). Guilford Press.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cxkit.models import mediation
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 2000)
    >>> m1 = 0.8 * x + rng.normal(size=2000)
    >>> m2 = 0.5 * m1 + rng.normal(size=2000)
    >>> y = 0.6 * m2 + 0.2 * x + rng.normal(size=2000)
    >>> data = pd.DataFrame({"x": x, "m1": m1, "m2": m2, "y": y})
    >>> result = mediation(data, treatment="x", mediators=["m1", "m2"], outcome="y",
    ...                    bootstrap=200, seed=1)
    >>> result.effects.query("effect == 'indirect'")[["symbol", "estimate", "ci_low",
    ...                                               "ci_high"]].round(2)
          symbol  estimate  ci_low  ci_high
    5      a1·b1      0.02   -0.02     0.06
    6      a2·b2     -0.01   -0.06     0.05
    7  a1·d21·b2      0.25    0.22     0.29

    The serial chain carries the effect (true value 0.8 · 0.5 · 0.6 = 0.24), and the
    decomposition adds up: total = direct + the indirect effects.

    >>> table = result.effects.set_index("effect")
    >>> bool(np.isclose(table.loc["total", "estimate"],
    ...                 table.loc["direct", "estimate"] + table.loc["total indirect", "estimate"]))
    True
    """
    mediators = [mediators] if isinstance(mediators, str) else list(mediators)
    confounders = [confounders] if isinstance(confounders, str) else list(confounders)
    if not mediators:
        raise ValueError("mediators must name at least one column")
    roles = [treatment, *mediators, outcome, *confounders]
    if len(set(roles)) < len(roles):
        twice = sorted({c for c in roles if roles.count(c) > 1})
        raise ValueError(f"column(s) {', '.join(map(repr, twice))} given in more than one role")
    level = _check_level(level)
    bootstrap = _check_count(bootstrap, "bootstrap")
    frame = _model_frame(data, numeric=[treatment, *mediators, outcome],
                         other=confounders + ([cluster] if cluster is not None else []))
    adjust = [_term(frame, c) for c in confounders]
    equations = [(m, [treatment, *(mediators[:k] if serial else [])])
                 for k, m in enumerate(mediators)]
    equations += [(outcome, [treatment, *mediators]), (outcome, [treatment])]
    keys = [*mediators, outcome, "total"]
    fits = {key: _ols(frame, dependent, [_q(r) for r in regressors] + adjust, cluster,
                      f"{treatment} varying within the confounders' levels")
            for key, (dependent, regressors) in zip(keys, equations, strict=True)}
    rows, compute = _mediation_effects(treatment, mediators, outcome, serial, fits)
    estimates = compute([np.asarray(fit.params, dtype=float) for fit in fits.values()])
    designs = [(np.asarray(f.model.exog, dtype=float), np.asarray(f.model.endog, dtype=float))
               for f in fits.values()]
    draws = _bootstrap_ols(designs, compute, bootstrap, np.random.default_rng(seed),
                           None if cluster is None else pd.factorize(frame[cluster])[0])
    low, high = _percentiles(draws, level, len(rows))
    with np.errstate(invalid="ignore"):
        se = draws.std(axis=0, ddof=1) if len(draws) > 1 else np.full(len(rows), np.nan)
    effects = pd.DataFrame(rows, columns=["effect", "path", "symbol"])
    effects["estimate"] = estimates
    effects["se"] = se
    effects["ci_low"], effects["ci_high"] = low, high
    return MediationResult(effects=effects, fits=fits,
                           draws=pd.DataFrame(draws.reshape(-1, len(rows)),
                                              columns=effects["symbol"]),
                           treatment=treatment, mediators=tuple(mediators), outcome=outcome,
                           n=len(frame), level=level, bootstrap=bootstrap, serial=serial,
                           cluster=cluster)


def _ols(frame, dependent, terms, cluster, expected):
    """OLS of ``dependent`` on formula ``terms`` with HC1 or cluster-robust errors."""
    import statsmodels.formula.api as smf

    formula = f"{_q(dependent)} ~ " + " + ".join(terms)
    model = smf.ols(formula, frame, missing="raise")
    exog = np.asarray(model.exog)
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise DataError(f"the model {formula} is not identified: a term is a linear "
                        "combination of the others, e.g. a treatment assigned by region with "
                        "region among the confounders", column=[c for c in frame.columns
                                                                 if c != dependent],
                        expected=expected)
    if cluster is not None:
        return model.fit(cov_type="cluster",
                         cov_kwds={"groups": pd.factorize(frame[cluster])[0]})
    return model.fit(cov_type="HC1")


def _mediation_effects(treatment, mediators, outcome, serial, fits):
    """Row labels of the effects table and a function from coefficient vectors to effects."""
    k = len(mediators)
    names = [list(fit.model.exog_names) for fit in fits.values()]
    at = [{name: i for i, name in enumerate(eq)} for eq in names]
    num = (lambda i: str(i + 1)) if k > 1 else (lambda i: "")
    rows, getters = [], []

    def coef(eq, column):
        return lambda betas: betas[eq][at[eq][_q(column)]]

    a = [coef(i, treatment) for i in range(k)]
    b = [coef(k, m) for m in mediators]
    d = {(i, j): coef(i, mediators[j]) for i in range(k) for j in range(i) if serial}
    for i, m in enumerate(mediators):
        rows.append(("path", f"{treatment} → {m}", f"a{num(i)}"))
        getters.append(a[i])
    for (i, j), getter in d.items():
        rows.append(("path", f"{mediators[j]} → {mediators[i]}", f"d{i + 1}{j + 1}"))
        getters.append(getter)
    for i, m in enumerate(mediators):
        rows.append(("path", f"{m} → {outcome}", f"b{num(i)}"))
        getters.append(b[i])
    chains = [c for r in range(1, k + 1) for c in itertools.combinations(range(k), r)] \
        if serial else [(i,) for i in range(k)]
    chain_getters = []
    for chain in chains:
        parts = [a[chain[0]]] + [d[(nxt, prev)] for prev, nxt in itertools.pairwise(chain)] \
            + [b[chain[-1]]]
        symbols = [f"a{num(chain[0])}"] + [f"d{nxt + 1}{prev + 1}" for prev, nxt
                                           in itertools.pairwise(chain)] + [f"b{num(chain[-1])}"]
        rows.append(("indirect", " → ".join([treatment, *(mediators[i] for i in chain),
                                              outcome]), "·".join(symbols)))
        getter = (lambda ps: lambda betas: math.prod(p(betas) for p in ps))(parts)
        getters.append(getter)
        chain_getters.append(getter)
    rows.append(("total indirect", f"{treatment} → … → {outcome}", "Σ indirect"))
    getters.append(lambda betas: sum(g(betas) for g in chain_getters))
    rows.append(("direct", f"{treatment} → {outcome}", "c'"))
    getters.append(coef(k, treatment))
    rows.append(("total", f"{treatment} ⇒ {outcome}", "c"))
    getters.append(coef(k + 1, treatment))

    def compute(betas):
        return np.array([g(betas) for g in getters], dtype=float)

    return rows, compute


def _bootstrap_ols(designs, compute, bootstrap, rng, clusters):
    """Refit every OLS equation on ``bootstrap`` resamples; the effects of each replicate.

    A resample is represented by how often each row (or cluster) was drawn: weighting the
    normal equations by those counts is the same as stacking the drawn rows, and cheaper.
    """
    n = len(designs[0][1])
    out = np.empty((bootstrap, len(compute([np.zeros(x.shape[1]) for x, _ in designs]))))
    n_groups = None if clusters is None else int(clusters.max()) + 1
    for r in range(bootstrap):
        if clusters is None:
            weights = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        else:
            counts = np.bincount(rng.integers(0, n_groups, n_groups), minlength=n_groups)
            weights = counts[clusters].astype(float)
        betas = []
        for x, y in designs:
            xw = x * weights[:, None]
            # least squares on the normal equations: a dummy whose level was not drawn has a
            # zero column, which gets the minimum-norm coefficient 0 instead of an error
            betas.append(np.linalg.lstsq(xw.T @ x, xw.T @ y, rcond=None)[0])
        out[r] = compute(betas)
    return out


# ------------------------------------------------------------------------------------------
# moderation
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModerationResult:
    """Conditional effects of a treatment by a moderator (from :func:`moderation`).

    Attributes
    ----------
    conditional_effects : DataFrame
        The tidy table of :func:`moderation`.
    fit : statsmodels RegressionResults
        The interaction model (with HC1 or cluster-robust standard errors).
    interaction_test : dict
        Joint Wald test that every interaction coefficient is zero (the effect does not
        depend on the moderator): ``statistic``, ``df``, ``p_value``.
    treatment, moderator, outcome : str
        Column names.
    moderator_kind : str
        ``"categorical"`` (an effect per level) or ``"numeric"`` (effects at chosen values).
    n : int
        Rows used.
    level : float
        Confidence level.
    data : DataFrame
        The rows used (for :func:`plot_simple_slopes`).
    """

    conditional_effects: pd.DataFrame
    fit: object
    interaction_test: dict
    treatment: str
    moderator: str
    outcome: str
    moderator_kind: str
    n: int
    level: float
    data: pd.DataFrame = field(repr=False, default=None)

    def to_frame(self) -> pd.DataFrame:
        """The conditional-effects table (a copy)."""
        return self.conditional_effects.copy()

    def summary(self) -> str:
        """The conditional effects with their intervals and the interaction test, as text."""
        lines = [f"Effect of {self.treatment} on {self.outcome} by {self.moderator} "
                 f"({self.n} rows)"]
        for row in self.conditional_effects.itertuples(index=False):
            value = row[0]
            shown = f"{value:.3g} ({row.at})" if self.moderator_kind == "numeric" else str(value)
            lines.append(f"  {self.moderator} = {shown}: {row.estimate:.3f} ({self.level:.0%} "
                         f"CI {row.ci_low:.3f} to {row.ci_high:.3f}), p {_p_text(row.p_value)}")
        test = self.interaction_test
        lines.append(f"does the effect differ by {self.moderator}? Wald chi2({test['df']}) = "
                     f"{test['statistic']:.2f}, p {_p_text(test['p_value'])}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"ModerationResult(\n{self.summary()}\n)"

    def plot(self, ax=None):
        """Simple slopes: see :func:`plot_simple_slopes`."""
        return plot_simple_slopes(self, ax=ax)


@_shared_docs
def moderation(data: pd.DataFrame, *, treatment: str, moderator: str, outcome: str,
               confounders: Sequence[str] = (), level: float = 0.95,
               cluster: str | None = None) -> ModerationResult:
    """Moderation: does the effect of a treatment differ by a moderator, and how?

    Parameters
    ----------
    data : DataFrame
        One row per respondent (or respondent and wave, with ``cluster``).
    treatment : str
        The cause: 0/1, true/false or a number (its coefficient is then a slope).
    moderator : str
        Who or when the effect may differ for: a category (text, true/false, a pandas
        ``Categorical`` — its first category, otherwise the first level in sorted order, is
        the reference) or a number.
    outcome : str
        The outcome (numbers).
    {confounders}
        With a panel, ``["region", "wave"]`` makes each conditional effect a
        difference in differences (group and period fixed effects).
    {level}
    {cluster}
        Without it, standard errors are heteroskedasticity-robust (HC1).

    Returns
    -------
    ModerationResult
        ``.conditional_effects``: one row per moderator value with columns

        - the moderator's name: the level (categorical) or the value (numeric) the effect is
          evaluated at;
        - ``at``: ``"level"``, or for a number ``"mean - 1 SD"``, ``"mean"``,
          ``"mean + 1 SD"`` (for a number with exactly two values: each value, ``"value"``);
        - ``estimate``: the conditional effect of the treatment (outcome points per unit of
          treatment);
        - ``se``, ``ci_low``, ``ci_high``, ``p_value``: its standard error, interval and Wald
          test, from the model's robust covariance;
        - ``n``: rows at that level (categorical moderators; NaN for numbers).

        Also ``.fit`` (statsmodels), ``.interaction_test``, ``.summary()``, ``.to_frame()``
        and ``.plot()``.

    Raises
    ------
    DataError
        Absent columns, missing values, a treatment or outcome that is not numeric, a
        treatment or moderator that does not vary, a model that is not identified.
    ValueError
        A column in two roles, a bad ``level``.

    Notes
    -----
    The model is OLS with heteroskedasticity-robust (HC1) or cluster-robust standard errors:

    .. math::

        Y = \\beta_0 + \\beta_1 X + \\beta_2 W + \\beta_3 X W + C\\gamma + e,

    so the conditional effect of :math:`X` at moderator value :math:`w` is
    :math:`\\theta(w) = \\beta_1 + \\beta_3 w`, with variance
    :math:`\\mathrm{V}(\\hat\\beta_1) + w^2 \\mathrm{V}(\\hat\\beta_3) + 2w\\,
    \\mathrm{Cov}(\\hat\\beta_1, \\hat\\beta_3)` (the pick-a-point approach of Aiken & West,
    1991, at the mean and one standard deviation either side). A categorical moderator gets
    one dummy :math:`W_l` and one interaction per level but the reference, and
    :math:`\\theta(l) = \\beta_1 + \\beta_{3l}`. The moderator's own coefficient
    :math:`\\beta_2` is not an effect of anything.

    References
    ----------
    Aiken, L. S., & West, S. G. (1991). *Multiple Regression: Testing and Interpreting
    Interactions*. Sage.
    Hayes, A. F. (2018). *Introduction to Mediation, Moderation, and Conditional Process
    Analysis* (2nd ed.). Guilford Press.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cxkit.models import moderation
    >>> rng = np.random.default_rng(0)
    >>> segment = rng.choice(["budget", "conscious"], 2000)
    >>> launched = rng.integers(0, 2, 2000)
    >>> y = np.where(segment == "conscious", 0.7, 0.2) * launched + rng.normal(size=2000)
    >>> data = pd.DataFrame({"segment": segment, "launched": launched, "loyalty": y})
    >>> result = moderation(data, treatment="launched", moderator="segment",
    ...                     outcome="loyalty")
    >>> result.conditional_effects[["segment", "estimate"]].round(1)
         segment  estimate
    0     budget       0.2
    1  conscious       0.7
    """
    confounders = [confounders] if isinstance(confounders, str) else list(confounders)
    roles = [treatment, moderator, outcome, *confounders]
    if len(set(roles)) < len(roles):
        twice = sorted({c for c in roles if roles.count(c) > 1})
        raise ValueError(f"column(s) {', '.join(map(repr, twice))} given in more than one role")
    level = _check_level(level)
    frame = _model_frame(data, numeric=[treatment, outcome],
                         other=[moderator, *confounders]
                         + ([cluster] if cluster is not None else []))
    categorical = _is_categorical(frame[moderator])
    if frame[moderator].nunique() < 2:
        raise DataError("the moderator does not vary", column=moderator,
                        expected="at least two different values")
    if categorical:
        mterm = f"C({_q(moderator)})"
    else:
        frame[moderator] = frame[moderator].astype(float)
        _refuse_rows(~np.isfinite(frame[moderator].to_numpy()), "infinite value", moderator,
                     "finite numbers")
        mterm = _q(moderator)
    adjust = [_term(frame, c) for c in confounders]
    fit = _ols(frame, outcome, [f"{_q(treatment)} * {mterm}", *adjust], cluster,
               f"{treatment} varying within the levels of {moderator} and the confounders")
    names = list(fit.model.exog_names)
    xname = _q(treatment)
    rows, contrasts = [], []
    if categorical:
        levels = _levels(frame[moderator])
        counts = frame[moderator].astype(str).value_counts()
        for i, value in enumerate(levels):
            vector = np.zeros(len(names))
            vector[names.index(xname)] = 1.0
            if i > 0:
                vector[names.index(f"{xname}:{mterm}[T.{value}]")] = 1.0
            rows.append((value, "level", int(counts.get(str(value), 0))))
            contrasts.append(vector)
        interaction = [n for n in names if n.startswith(f"{xname}:{mterm}[")]
    else:
        values = frame[moderator].to_numpy(dtype=float)
        distinct = np.unique(values)
        if len(distinct) == 2:
            points = [(float(v), "value") for v in distinct]
        else:
            mean, sd = values.mean(), values.std(ddof=1)
            points = [(mean - sd, "mean - 1 SD"), (mean, "mean"), (mean + sd, "mean + 1 SD")]
        for value, label in points:
            vector = np.zeros(len(names))
            vector[names.index(xname)] = 1.0
            vector[names.index(f"{xname}:{mterm}")] = value
            rows.append((value, label, np.nan))
            contrasts.append(vector)
        interaction = [f"{xname}:{mterm}"]
    test = fit.t_test(np.array(contrasts))
    bounds = np.asarray(test.conf_int(alpha=1 - level), dtype=float)
    table = pd.DataFrame({moderator: [r[0] for r in rows], "at": [r[1] for r in rows],
                          "estimate": np.asarray(test.effect, dtype=float).ravel(),
                          "se": np.asarray(test.sd, dtype=float).ravel(),
                          "ci_low": bounds[:, 0], "ci_high": bounds[:, 1],
                          "p_value": np.asarray(test.pvalue, dtype=float).ravel(),
                          "n": [r[2] for r in rows]})
    restriction = np.zeros((len(interaction), len(names)))
    for i, name in enumerate(interaction):
        restriction[i, names.index(name)] = 1.0
    wald = fit.wald_test(restriction, scalar=True, use_f=False)
    interaction_test = {"statistic": float(wald.statistic), "df": len(interaction),
                        "p_value": float(wald.pvalue)}
    return ModerationResult(conditional_effects=table, fit=fit,
                            interaction_test=interaction_test, treatment=treatment,
                            moderator=moderator, outcome=outcome,
                            moderator_kind="categorical" if categorical else "numeric",
                            n=len(frame), level=level, data=frame)


def plot_simple_slopes(result: ModerationResult, *, ax=None):
    """Simple slopes: the predicted outcome against the treatment, one line per moderator value.

    Each point is the model's prediction averaged over all rows used, with the treatment and
    the moderator set to the values shown (confounders stay as observed), so the lines differ
    only by the conditional effects of :func:`moderation`. The treatment runs over its two
    values when it has two (0/1), otherwise from its mean minus to its mean plus one standard
    deviation. The legend gives each conditional effect with its interval.

    Parameters
    ----------
    result : ModerationResult
        From :func:`moderation`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cxkit.models import moderation, plot_simple_slopes
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"w": rng.normal(size=300), "t": rng.integers(0, 2, 300)})
    >>> data["y"] = (1 + data["w"]) * data["t"] + rng.normal(size=300)
    >>> ax = plot_simple_slopes(moderation(data, treatment="t", moderator="w", outcome="y"))
    >>> len(ax.get_lines())
    3
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, ModerationResult):
        raise TypeError("result must come from cxkit.moderation")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    frame, t, m = result.data, result.treatment, result.moderator
    values = frame[t].to_numpy(dtype=float)
    distinct = np.unique(values)
    if len(distinct) == 2:
        grid = distinct
    else:
        grid = np.array([values.mean() - values.std(ddof=1), values.mean() + values.std(ddof=1)])
    table = result.conditional_effects
    for row in table.itertuples(index=False):
        value = row[0]
        predicted = [float(np.mean(result.fit.predict(frame.assign(**{t: x, m: value}))))
                     for x in grid]
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        ax.plot(grid, predicted, marker="o",
                label=f"{m} = {shown}: {row.estimate:+.2f} ({row.ci_low:.2f} to "
                      f"{row.ci_high:.2f})")
    if len(distinct) == 2:
        ax.set_xticks(grid)
    ax.set_xlabel(t)
    ax.set_ylabel(f"predicted {result.outcome} (mean over rows)")
    best = table.iloc[int(np.argmax(table["estimate"].to_numpy())), 0]
    best = f"{best:.3g}" if isinstance(best, float) else str(best)
    ax.set_title(f"{t} moves {result.outcome} most for {m} = {best}")
    ax.legend(loc="best", fontsize=8, title=f"effect of {t}")
    return ax


# ------------------------------------------------------------------------------------------
# input checks and small helpers
# ------------------------------------------------------------------------------------------
def _q(name: str) -> str:
    """A column name as a formula term: bare when it is a plain identifier, else Q("...")."""
    name = str(name)
    if name.isidentifier() and not keyword.iskeyword(name) and name not in _PATSY_NAMES:
        return name
    return f"Q({name!r})"


def _term(frame: pd.DataFrame, column: str) -> str:
    return f"C({_q(column)})" if _is_categorical(frame[column]) else _q(column)


def _is_categorical(values: pd.Series) -> bool:
    return (pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype))


def _levels(values: pd.Series) -> list:
    """Levels in patsy's order: a Categorical's categories (used ones), else sorted values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if (values == c).any()]
    return sorted(pd.unique(values))


def _require_frame(data) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if len(data) == 0:
        raise DataError("the table has no rows", expected="at least one row")


def _require_columns(data: pd.DataFrame, columns: list[str]) -> None:
    absent = [c for c in dict.fromkeys(columns) if c not in data.columns]
    if absent:
        raise DataError("column(s) not in the data", column=[str(c) for c in absent],
                        expected="columns " + ", ".join(map(str, data.columns)))


def _refuse_rows(mask, problem: str, column, expected: str) -> None:
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        raise DataError(problem, column=column, rows=(np.flatnonzero(mask) + 1).tolist(),
                        expected=expected)


def _refuse_missing(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = frame[columns].isna()
    if missing.to_numpy().any():
        _refuse_rows(missing.any(axis=1).to_numpy(), "missing values in the columns used; drop "
                     "or impute them first and say so",
                     [c for c in columns if missing[c].any()], "complete rows")


def _model_frame(data, *, numeric: list[str], other: Sequence[str] = ()) -> pd.DataFrame:
    """The columns used, checked: present, complete; ``numeric`` ones finite numbers that vary.

    Booleans among ``numeric`` become 0/1. Rows keep their order; positions count from 1.
    """
    _require_frame(data)
    columns = list(dict.fromkeys([*numeric, *other]))
    _require_columns(data, columns)
    frame = data[columns].reset_index(drop=True)
    _refuse_missing(frame, columns)
    for column in numeric:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype(float)
        elif not pd.api.types.is_numeric_dtype(values):
            raise DataError("not numeric", column=column, expected="numbers or true/false")
        else:
            frame[column] = values.astype(float)
        _refuse_rows(~np.isfinite(frame[column].to_numpy()), "infinite value", column,
                     "finite numbers")
        if frame[column].nunique() < 2:
            raise DataError("does not vary", column=column,
                            expected="at least two different values")
    return frame


def _refuse_collinear(x: np.ndarray, names: list[str]) -> None:
    centred = x - x.mean(axis=0)
    if np.linalg.matrix_rank(centred) < x.shape[1]:
        raise DataError("drivers are collinear (one is a combination of the others)",
                        column=names, expected="drivers that are not collinear")


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1, not {level!r}")
    return float(level)


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, not {value!r}")
    return int(value)


def _p_text(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"
