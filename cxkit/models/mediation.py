"""Mediation with linear models: through which steps does a treatment move the outcome (e.g.
CSR launch → perceived CSR → satisfaction → loyalty)? Path coefficients, indirect, direct and
total effects with percentile bootstrap intervals, for serial or parallel mediators.

Mediation paths are effects only under a causal model: no unmeasured common cause of any linked
pair (also none of mediator and outcome, which randomising the treatment does not buy) and
variables measured without error. A mediator measured with error (a scale mean, a single item)
has its paths biased towards zero, which moves part of the indirect effect into the "direct" one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from ._formula import DOCS, _model_frame, _ols, _percentiles, _q, _term

__all__ = ["MediationResult", "mediation"]


@dataclass(frozen=True, repr=False)
class MediationResult(Result):
    """Paths, indirect, direct and total effects of a mediation model (from :func:`mediation`).

    Attributes
    ----------
    effects : DataFrame
        The tidy table of :func:`mediation`.
    fit : dict
        The statsmodels OLS results of each equation: one per mediator (keyed by its name),
        the outcome equation (keyed by the outcome) and ``"total"`` (the outcome on the
        treatment and confounders only). Called ``fits`` before cxkit 0.2.0; that name warns.
    treatment, outcome : str
        Column names.
    mediators : tuple of str
        The mediators, in causal order.
    n : int
        Rows used.
    conf_level : float
        Confidence level (``level`` before cxkit 0.2.0; that name warns).
    bootstrap : int
        Bootstrap samples drawn.
    serial : bool
        Whether each mediator depends on the earlier ones (serial) or not (parallel).
    cluster : str or None
        The column whose clusters the bootstrap resampled.
    missing_note : str
        What the rule for missing values did (``missing=``; see
        :func:`cxkit._check.apply_missing`).
    draws : DataFrame
        The bootstrap replicates, one column per row of ``effects`` (named by its
        ``symbol``).
    """

    effects: pd.DataFrame
    fit: dict = field()  # required (the base's ``fit = None`` is no default here)
    treatment: str
    mediators: tuple
    outcome: str
    n: int
    conf_level: float
    bootstrap: int
    serial: bool
    cluster: str | None = None
    draws: pd.DataFrame = field(repr=False, default=None)
    missing_note: str = ""

    _label_columns = ("symbol",)
    fits = renamed_attribute("fits", "fit")
    level = renamed_attribute("level", "conf_level")

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
        lines = [head] + ([self.missing_note] if getattr(self.missing_note, "rows", None)
                          else [])
        for row in self.effects.itertuples(index=False):
            lines.append(f"{row.effect:<14} {row.symbol:<12} {row.path:<{width}}  "
                         f"{row.estimate:8.3f}  ({row.ci_low:.3f} to {row.ci_high:.3f})")
        table = self.effects.set_index("effect")
        total = float(table.loc["total", "estimate"])
        if total != 0:
            share = float(table.loc["total indirect", "estimate"]) / total
            lines.append(f"share of the total effect that is indirect: {share:.0%}")
        return "\n".join(lines)

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Percentile bootstrap bounds of every effect (columns ``lower``, ``upper``, one row
        per ``symbol``), at the level fitted by default; another level takes other
        percentiles of the same bootstrap replicates (``draws``)."""
        if conf_level is None:
            return super().conf_int()
        low, high = _percentiles(self.draws.to_numpy(dtype=float),
                                 _check.conf_level(conf_level), len(self.effects))
        return pd.DataFrame({"lower": low, "upper": high},
                            index=pd.Index(self.effects["symbol"], name="symbol"))

    def __repr__(self) -> str:
        return f"MediationResult(\n{self.summary()}\n)"


@shared_docs(extra=DOCS)
@old_keywords()
def mediation(data: pd.DataFrame, *, treatment: str, mediators: Sequence[str], outcome: str,
              confounders: Sequence[str] = (), serial: bool = True, bootstrap: int = 1000,
              seed=None, conf_level: float = 0.95, cluster: str | None = None,
              level: float | None = None,
              missing: str = _check.MISSING_DEFAULT) -> MediationResult:
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
    {doc:equation_confounders}
    serial : bool
        ``True`` (the default): each mediator depends on the treatment and on every earlier
        mediator, so effects can flow along chains (Hayes' model 6). ``False``: the mediators
        depend on the treatment only (parallel mediators, Hayes' model 4). Irrelevant with
        one mediator.
    bootstrap : int
        Bootstrap samples for the percentile intervals (0: none, intervals NaN).
    {doc:seed}
    {doc:conf_level}
    {doc:bootstrap_cluster}
        Without it, the equations' own standard errors are heteroskedasticity-robust (HC1).
    {doc:level}
    {doc:missing}
        {doc:regression_rules}

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

        ``.fit`` holds the statsmodels results of every equation (with HC1 or cluster-robust
        standard errors for the paths' own tests), ``.draws`` the bootstrap replicates;
        also ``.summary()``, ``.to_frame()`` and ``.conf_int()``.

    Raises
    ------
    DataError
        Absent columns; missing values; a treatment, mediator or outcome that is not numeric
        or does not vary; a treatment that the confounders determine (e.g. a policy set by
        region, with region among the confounders in a single period).
    ValueError
        A column in two roles, no mediator, a bad ``bootstrap`` or ``conf_level``.

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
    conf_level = _check.conf_level(conf_level)
    mediators = _check.as_list(mediators, "mediators")
    confounders = [confounders] if isinstance(confounders, str) else list(confounders)
    _check.one_role([treatment, *mediators, outcome, *confounders])
    bootstrap = _check.count(bootstrap, "bootstrap")
    frame, missing_note = _model_frame(data, numeric=[treatment, *mediators, outcome],
                                       missing=missing,
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
    low, high = _percentiles(draws, conf_level, len(rows))
    with np.errstate(invalid="ignore"):
        se = draws.std(axis=0, ddof=1) if len(draws) > 1 else np.full(len(rows), np.nan)
    effects = pd.DataFrame(rows, columns=["effect", "path", "symbol"])
    effects["estimate"] = estimates
    effects["se"] = se
    effects["ci_low"], effects["ci_high"] = low, high
    return MediationResult(effects=effects, fit=fits,
                           draws=pd.DataFrame(draws.reshape(-1, len(rows)),
                                              columns=effects["symbol"]),
                           treatment=treatment, mediators=tuple(mediators), outcome=outcome,
                           n=len(frame), conf_level=conf_level, bootstrap=bootstrap,
                           serial=serial,
                           cluster=cluster, missing_note=missing_note)


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
