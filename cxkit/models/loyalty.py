"""Loyalty models: one formula front end over statsmodels for the usual loyalty outcomes.

:func:`loyalty_model` fits a scale score (OLS), a single Likert item (ordered logit), churn or
referral (logit), repurchase counts (Poisson, negative binomial). It hands back statsmodels' own
results in ``.fit`` and a tidy coefficient table with odds ratios or incidence-rate ratios.

What moves loyalty, through what and for whom lives beside it: :mod:`cxkit.models.drivers`
(key drivers), :mod:`cxkit.models.mediation` and :mod:`cxkit.models.moderation`.

Coefficients describe associations in the data; they are effects only under a causal model
(no unmeasured common cause of a predictor and the outcome, predictors measured without error).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check, _deprecated
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from ._formula import DOCS, REGRESSION_RULES, _p_text

__all__ = ["KINDS", "LoyaltyModelResult", "loyalty_model"]

#: Model families of :func:`loyalty_model`.
KINDS = ("ols", "ordered", "logit", "poisson", "negbin")

_KIND_NAMES = {"ols": "OLS", "ordered": "Ordered logit", "logit": "Logit",
               "poisson": "Poisson", "negbin": "Negative binomial (NB2)"}
_WEIGHTED_KINDS = ("ols", "logit", "poisson")
_RATIO_COLUMN = {"logit": "odds_ratio", "ordered": "odds_ratio",
                 "poisson": "incidence_rate_ratio", "negbin": "incidence_rate_ratio"}


# ------------------------------------------------------------------------------------------
# loyalty models
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class LoyaltyModelResult(Result):
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
    conf_level : float
        Confidence level of the intervals (``level`` before cxkit 0.2.0; that name warns).
    cov_type : str
        How standard errors were computed (``"HC1"``, ``"nonrobust"``, ``"cluster"`` or,
        with sampling weights, ``"design-based (sandwich)"``).
    converged : bool
        Whether the maximum-likelihood fit converged (always true for OLS).
    weights, weight_type : str or None
        The weights column and what its weights mean (``"frequency"`` or ``"sampling"``);
        ``None`` for an unweighted fit.
    sum_weights : float or None
        The sum of the weights (for frequency weights: the answers the rows stand for).
    missing_note : str
        What the rule for missing values did (``missing=``; see
        :func:`cxkit._check.apply_missing`).
    """

    fit: object = field()  # required (the base's ``fit = None`` is no default here)
    coefficients: pd.DataFrame
    ancillary: pd.DataFrame
    kind: str
    formula: str
    outcome: str
    n: int
    conf_level: float
    cov_type: str
    converged: bool = True
    weights: str | None = None
    weight_type: str | None = None
    sum_weights: float | None = None
    missing_note: str = ""

    _label_columns = ("term",)
    level = renamed_attribute("level", "conf_level")

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (a copy)."""
        return self.coefficients.copy()

    def summary(self) -> str:
        """The coefficients with their intervals (and ratios), one line per term, as text."""
        head = (f"{_KIND_NAMES[self.kind]} model of {self.outcome}: {self.n} rows, "
                f"{self.cov_type} standard errors")
        if self.weights is not None:
            head += (f"; {self.weight_type} weights {self.weights!r}"
                     + (f" (the rows stand for {self.sum_weights:g} answers)"
                        if self.weight_type == "frequency" else ""))
        if not self.converged:
            head += " (the fit did NOT converge)"
        if getattr(self.missing_note, "rows", None):
            head += f"\n{self.missing_note}"
        ratio = _RATIO_COLUMN.get(self.kind)
        table = self.coefficients
        terms = [*map(str, table["term"]), *map(str, self.ancillary["term"])]
        width = max(len("term"), *(len(t) for t in terms))
        ci = f"{self.conf_level:.0%} CI"
        lines = [head, f"{'term':<{width}}  {'estimate':>8}  {ci:<18}  "
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

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Lower and upper bounds of the coefficients (columns ``lower``, ``upper``, one row
        per term of ``coefficients``): statsmodels' own ``fit.conf_int(alpha=1 - conf_level)``,
        at the level fitted by default."""
        conf_level = self.conf_level if conf_level is None else _check.conf_level(conf_level)
        bounds = np.asarray(self.fit.conf_int(alpha=1 - conf_level), dtype=float)
        rows = len(self.coefficients)  # the ancillary parameters come last
        return pd.DataFrame({"lower": bounds[:rows, 0], "upper": bounds[:rows, 1]},
                            index=pd.Index(self.coefficients["term"], name="term"))

    def __repr__(self) -> str:
        return f"LoyaltyModelResult(\n{self.summary()}\n)"


@shared_docs(extra=DOCS)
@old_keywords()
def loyalty_model(data: pd.DataFrame, formula: str, *, kind: str = "auto",
                  cluster: str | None = None, conf_level: float = 0.95,
                  level: float | None = None, weights: str | None = None,
                  weight_type: str | None = None,
                  missing: str = _check.MISSING_DEFAULT) -> LoyaltyModelResult:
    """Fit a regression for a loyalty outcome from a formula, with statsmodels.

    Parameters
    ----------
    data : DataFrame
        One row per respondent or customer.
    formula : str
        A statsmodels (patsy) formula, ``"outcome ~ term + term"``: ``C(segment)`` for a
        category, ``a:b`` or ``a * b`` for interactions, ``np.log(x)``, ``I(x ** 2)``,
        ``Q("odd name")`` for a column name that is not an identifier. The formula sees the
        columns of ``data``, numpy as ``np`` and patsy's built-ins (``C``, ``Q``, ``I``,
        ``center``, ``standardize``), nothing else. Before anything is evaluated the terms
        are checked against an allow-list: column names, numbers, operators, ``C()``,
        ``I()``, ``Q("...")``, ``center()``, ``standardize()``, ``scale()``, the contrasts
        of ``C()`` and ``np.log``, ``np.log1p``, ``np.log2``, ``np.log10``, ``np.exp``,
        ``np.sqrt``, ``np.abs``, ``np.square``; anything else (a name starting with
        ``__``, another attribute or call, a subscript, a lambda) raises a ``DataError``.

        Before cxkit 0.2.0 the formula came first, ``loyalty_model(formula, data)``; that
        order still works, with a ``FutureWarning``, until cxkit 0.3.0.
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
    {doc:bootstrap_cluster}
        Without it, OLS has heteroskedasticity-robust (HC1) standard errors and the
        maximum-likelihood models (``ordered``, ``logit``, ``poisson``, ``negbin``)
        model-based ones (the inverse information), as statsmodels gives by default.
    {doc:conf_level}
    {doc:level}
    {doc:model_weights}
    {doc:missing}
        {doc:regression_rules}

    Returns
    -------
    LoyaltyModelResult
        ``.fit`` (the statsmodels results), ``.coefficients``, ``.ancillary``,
        ``.summary()``, ``.to_frame()``, ``.conf_int()``. ``.coefficients`` has one row per
        regression term (the intercept included; an ordered logit has none, its cut points
        take its place) with columns

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
        The formula uses something outside the allow-list; a column of the formula is
        absent or has missing values (``missing="refuse"``); the formula cannot be evaluated
        on the data; the outcome does not suit the model (not 0/1 for ``logit``, not whole
        numbers of at least 0 for counts) or does not vary.
    ValueError
        An unknown ``kind``, or ``kind="auto"`` with an outcome it cannot decide on.

    Notes
    -----
    The statsmodels calls are ``smf.ols(formula, data).fit(cov_type="HC1")``,
    ``smf.logit(...).fit()``, ``smf.poisson(...).fit()``,
    ``smf.negativebinomial(..., loglike_method="nb2").fit()`` and
    ``OrderedModel.from_formula(formula, data, distr="logit").fit(method="bfgs")``, with
    ``cov_type="cluster"`` when ``cluster`` is given, so results equal statsmodels'.

    With ``weights``, ``ols``, ``logit`` and ``poisson`` are
    ``smf.glm(formula, data, family=..., freq_weights=w)`` (frequency weights; HC1 for OLS
    computed as on the repeated rows, :math:`N = \\sum w_i`, with :math:`N - k` degrees of
    freedom) or ``var_weights=w`` (sampling weights). For sampling weights the covariance is
    the sandwich :math:`\\frac{G}{G-1} A^{-1} \\big(\\sum_g U_g U_g^\\top\\big) A^{-1}`, with
    :math:`U_g` the weighted scores of unit :math:`g` and :math:`A` the weighted information,
    as ``survey::svyglm`` computes it for a design with one stage and no strata; intervals
    use the t distribution with :math:`n - k` degrees of freedom (:math:`G - 1` with a
    ``cluster``).

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
    >>> model = loyalty_model(customers, "referred ~ nps + C(segment)")
    >>> model.kind
    'logit'
    >>> list(model.coefficients.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['term', 'estimate', 'se', 'ci_low', 'ci_high', 'p_value', 'odds_ratio', 'ci_low_ratio',
     'ci_high_ratio']
    >>> bool(model.coefficients.set_index("term").loc["nps", "odds_ratio"] > 1)
    True

    Counts need their kind spelled out:

    >>> counts = loyalty_model(customers, "n_repurchases ~ C(segment)", kind="negbin")
    >>> counts.ancillary["term"].tolist()
    ['alpha']
    """
    import statsmodels.formula.api as smf
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    if isinstance(data, str) and isinstance(formula, pd.DataFrame):
        warnings.warn("loyalty_model(): the data now come first, loyalty_model(data, formula); "
                      "loyalty_model(formula, data) will be removed in cxkit "
                      f"{_deprecated.REMOVED_IN}", FutureWarning,
                      stacklevel=3)  # the user's call, through old_keywords' wrapper
        data, formula = formula, data
    conf_level = _check.conf_level(conf_level)
    _check.one_of(kind, ("auto", *KINDS), "kind")
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"formula must read 'outcome ~ terms', not {formula!r}")
    _check.formula(formula)  # the allow-list, before patsy evaluates anything
    _check.frame(data)
    used, outcome = _formula_columns(formula, data)
    columns = _check.columns(data, used + ([cluster] if cluster is not None else []))
    _check.missing_rule(missing, REGRESSION_RULES, what="a regression")
    w = _check.weights(data, weights, weight_type)
    frame = data[columns].reset_index(drop=True)
    frame, missing_note = _check.apply_missing(frame, columns, missing,
                                               allowed=REGRESSION_RULES, what="a regression")
    if w is not None:
        w = w[frame.index].reset_index(drop=True)
    frame = frame.reset_index(drop=True)
    if outcome is not None and pd.api.types.is_bool_dtype(frame[outcome]):
        frame[outcome] = frame[outcome].astype(int)  # patsy would make two columns of a bool
    values = frame[outcome] if outcome is not None else _evaluated_outcome(formula, frame)
    name = outcome if outcome is not None else formula.split("~")[0].strip()
    if kind == "auto":
        kind = _auto_kind(values, name)
    if kind == "ordered" and outcome is None:
        raise ValueError("kind='ordered' needs the left-hand side to be a column name")
    _suited_outcome(values, name, kind)
    options = {}
    if cluster is not None:
        options = {"cov_type": "cluster",
                   "cov_kwds": {"groups": pd.factorize(frame[cluster])[0]}}
    elif kind == "ols":
        options = {"cov_type": "HC1"}
    env = {"np": np}
    try:
        if w is not None:
            fit, cov_label = _weighted_fit(formula, frame, kind, w, weight_type, cluster, env)
        elif kind == "ordered":
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
        raise _check.DataError(f"the formula {formula!r} cannot be evaluated on the data: "
                        f"{str(err).splitlines()[0]}", column=used or None,
                        expected="terms built from the columns " + ", ".join(
                            map(str, data.columns))) from None
    coefficients, ancillary = _coefficient_tables(fit, kind, conf_level)
    retvals = getattr(fit, "mle_retvals", None) or {}
    converged = bool(retvals.get("converged", True))
    return LoyaltyModelResult(fit=fit, coefficients=coefficients, ancillary=ancillary,
                              kind=kind, formula=formula, outcome=name, n=int(fit.nobs),
                              conf_level=conf_level,
                              cov_type=str(fit.cov_type) if w is None else cov_label,
                              converged=converged, weights=weights, weight_type=weight_type,
                              sum_weights=None if w is None else float(w.sum()),
                              missing_note=missing_note)


def _weighted_fit(formula, frame, kind, w, weight_type, cluster, env):
    """A weighted GLM (Gaussian for ``ols``, binomial for ``logit``, Poisson for
    ``poisson``) and the label of its standard errors; see :func:`loyalty_model`'s Notes."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    if kind not in _WEIGHTED_KINDS:
        raise ValueError(f"weights= works with kind 'ols', 'logit' or 'poisson', not {kind!r} "
                         "(statsmodels fits the ordered logit and the negative binomial "
                         "model without weights)")
    family = {"ols": sm.families.Gaussian(), "logit": sm.families.Binomial(),
              "poisson": sm.families.Poisson()}[kind]
    weight_option = "freq_weights" if weight_type == "frequency" else "var_weights"
    model = smf.glm(formula, frame, family=family, eval_env=env, missing="raise",
                    **{weight_option: w.to_numpy()})
    k = np.asarray(model.exog).shape[1]
    groups = (pd.factorize(frame[cluster])[0] if cluster is not None
              else np.arange(len(frame)))
    n_groups = len(np.unique(groups))
    with warnings.catch_warnings():
        # statsmodels warns that robust covariances are "not fully supported" with
        # freq_weights/var_weights; the sandwich they give here is checked in
        # tests/test_loyalty.py against the repeated rows and against svyglm's formula
        warnings.filterwarnings("ignore", "cov_type not fully supported")
        return _weighted_cov(model, kind, w, weight_type, cluster, groups, n_groups, k)


def _weighted_cov(model, kind, w, weight_type, cluster, groups, n_groups, k):
    if weight_type == "sampling":  # survey::svyglm's sandwich: factor G / (G - 1)
        fit = model.fit(cov_type="cluster", use_t=True,
                        cov_kwds={"groups": groups, "use_correction": False,
                                  "df_correction": cluster is not None,
                                  "scaling_factor": n_groups / (n_groups - 1)})
        return fit, "design-based (sandwich" + (f", clusters {cluster!r})" if cluster else ")")
    total = float(w.sum())  # frequency weights: the expanded data's corrections
    if cluster is not None:
        fit = model.fit(cov_type="cluster",
                        cov_kwds={"groups": groups, "use_correction": False,
                                  "scaling_factor": n_groups / (n_groups - 1)
                                  * (total - 1) / (total - k)})
        return fit, "cluster"
    if kind == "ols":
        fit = model.fit(cov_type="HC0",
                        cov_kwds={"scaling_factor": total / (total - k)})
        return fit, "HC1"
    return model.fit(), "nonrobust"


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
        raise _check.DataError(f"the outcome {lhs!r} cannot be evaluated on the data: "
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
        raise _check.DataError("the outcome is neither numbers nor an ordered Categorical",
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


def _suited_outcome(values: pd.Series, name: str, kind: str) -> None:
    """Refuse an outcome the model ``kind`` cannot take (the checks of :mod:`cxkit._check`)."""
    if kind == "ordered" and isinstance(values.dtype, pd.CategoricalDtype):
        if not values.dtype.ordered:
            raise _check.DataError("an unordered Categorical outcome", column=name,
                            expected="numbers or an ordered Categorical for kind='ordered'")
        if values.nunique() < 2:
            raise _check.DataError("the outcome does not vary", column=name,
                            expected="at least two answers")
        return
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise _check.DataError("the outcome is not numeric", column=name,
                        expected="numbers (or an ordered Categorical for kind='ordered')")
    x = values.to_numpy(dtype=float)
    _check.refuse_rows(~np.isfinite(x), "infinite outcome", name, "finite numbers")
    if kind == "logit":
        _check.refuse_rows(~np.isin(x, [0.0, 1.0]), "outcome not 0/1", name,
                           "0/1 or true/false for kind='logit'")
    if kind in ("poisson", "negbin"):
        _check.refuse_rows((x < 0) | (x != np.round(x)), "not a count", name,
                           f"whole numbers of at least 0 for kind={kind!r}")
    if np.unique(x).size < 2:
        raise _check.DataError("the outcome does not vary", column=name,
                        expected="at least two different values")


def _coefficient_tables(fit, kind: str,
                        conf_level: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    params = pd.Series(fit.params)
    bounds = np.asarray(fit.conf_int(alpha=1 - conf_level), dtype=float)
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
# names that lived here before the split
# ------------------------------------------------------------------------------------------
_MOVED = {"key_drivers": "cxkit.models.drivers", "DRIVER_METHODS": "cxkit.models.drivers",
          "MAX_SHAPLEY_DRIVERS": "cxkit.models.drivers",
          "mediation": "cxkit.models.mediation", "MediationResult": "cxkit.models.mediation",
          "moderation": "cxkit.models.moderation", "ModerationResult": "cxkit.models.moderation",
          "plot_drivers": "cxkit.plots.drivers", "plot_simple_slopes": "cxkit.plots.drivers"}


def __getattr__(name: str):
    """The names this module held before it was split (``cxkit.loyalty``, the 0.1 module, is
    an alias of this one), with a warning, until cxkit 0.3.0."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ..plots.drivers import plot_drivers, plot_simple_slopes
    from .drivers import DRIVER_METHODS, MAX_SHAPLEY_DRIVERS, key_drivers
    from .mediation import MediationResult, mediation
    from .moderation import ModerationResult, moderation

    moved = {"key_drivers": key_drivers, "DRIVER_METHODS": DRIVER_METHODS,
             "MAX_SHAPLEY_DRIVERS": MAX_SHAPLEY_DRIVERS, "mediation": mediation,
             "MediationResult": MediationResult, "moderation": moderation,
             "ModerationResult": ModerationResult, "plot_drivers": plot_drivers,
             "plot_simple_slopes": plot_simple_slopes}
    warnings.warn(f"{name} moved from {__name__} to {_MOVED[name]} (import it from cxkit); "
                  f"the old place will be removed in cxkit {_deprecated.REMOVED_IN}",
                  FutureWarning, stacklevel=2)
    return moved[name]
