"""Effects for whom, and by which method: several estimates of one question side by side.

- :func:`compare_effects`: several methods of :func:`cxkit.effect` on the same question (do
  they agree? which assumption moves the answer?);
- :func:`effects_by`: conditional average effects, :func:`cxkit.effect` refitted within each
  group;
- :func:`cate`: conditional average effects by group with a DR-learner (Kennedy, 2023), whose
  nuisance models borrow strength across groups.

Each returns a tidy table that :func:`cxkit.plot_effects` draws as a forest plot. Segment
estimates are noisy: test a difference between groups before reading one into it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _cells, _check
from .._deprecated import old_keywords
from .._docstrings import shared_docs
from . import _causal, _wild
from .did import ols_wild
from .effects import EffectResult, effect

__all__ = ["cate", "compare_effects", "effects_by"]

_DOCS = {
    **_causal.DOCS,
    **_cells.DOCS,
    "group_by": (
        "by : str\n"
        "        The effect modifier whose groups get an effect (e.g. ``\"segment\"``).\n"
        "        Keyword-only since 0.2: a positional ``by`` still works, with a FutureWarning,\n"
        "        until 0.3.0."
    ),
}


@old_keywords()
def compare_effects(data: pd.DataFrame, *, treatment: str, outcome: str,
                    methods: Sequence[str] = ("naive", "regression", "ipw", "aipw"),
                    truth: float | None = None, **options) -> pd.DataFrame:
    """Run several methods on the same question; a forest plot with :func:`cxkit.plot_effects`.

    Parameters
    ----------
    data, treatment, outcome
        As in :func:`cxkit.effect`.
    methods : sequence of str
        Methods of :func:`cxkit.effect` to run. When ``"did"`` is among them and adoption is
        staggered (more than two periods), its row is three: ``twfe`` (the two-way
        fixed-effects regression, biased when effects vary by cohort or over time),
        ``did2s`` (the imputation estimator) and ``cs`` (Callaway & Sant'Anna), side by side.
    truth : float, optional
        The true effect (simulated data): added as a column for the plot.
    **options
        Passed to :func:`cxkit.effect` (``confounders``, ``seed``, ``conf_level``, ``group``,
        ``time``...). Options a method does not use are ignored by it.

    Returns
    -------
    DataFrame
        One row per method: the columns of :meth:`EffectResult.to_frame` (``method``,
        ``treatment``, ``outcome``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``),
        plus ``truth`` when given.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=400); t = (x + rng.normal(size=400) > 0).astype(int)
    >>> data = pd.DataFrame({"x": x, "t": t, "y": t + 2 * x + rng.normal(size=400)})
    >>> table = cxkit.compare_effects(data, treatment="t", outcome="y", confounders=["x"],
    ...                               methods=("naive", "aipw"), seed=0, truth=1.0)
    >>> table["method"].tolist()
    ['naive', 'aipw']
    """
    frames = []
    for m in methods:
        result = effect(data, treatment=treatment, outcome=outcome, method=m, **options)
        staggered = m == "did" and str(result.diagnostics.get("estimator", "")).startswith(
            "did2s")
        if not staggered:
            frames.append(result.to_frame())
            continue
        frames.append(_twfe(data, treatment, outcome, options).to_frame())
        frames.append(result.to_frame().assign(method="did2s"))
        if "cs" not in methods:
            frames.append(effect(data, treatment=treatment, outcome=outcome, method="cs",
                                 **options).to_frame())
    table = pd.concat(frames, ignore_index=True)
    if truth is not None:
        table["truth"] = truth
    return table


def _twfe(data, treatment, outcome, options) -> EffectResult:
    """The static two-way fixed-effects regression (group and period indicators)."""
    group, time = options["group"], options["time"]
    confounders = list(options.get("confounders", ()))
    conf_level = _check.conf_level(options.get("conf_level", 0.95))
    frame = _causal.treatment_frame(data, treatment, outcome, confounders + [group, time])
    terms = [_causal.term(frame, c) for c in confounders]
    terms += [f"C(Q({group!r}))", f"C(Q({time!r}))"]
    cluster = options.get("cluster") or group
    fields = _causal.ols_effect(frame, treatment, outcome, terms, confounders=confounders,
                                cluster=cluster, conf_level=conf_level)
    ols_wild(fields, treatment, _causal.cluster_codes(frame, cluster),
             bootstrap=options.get("bootstrap", _wild.NBOOT), seed=options.get("seed"),
             conf_level=conf_level)
    return EffectResult(method="twfe", treatment=treatment, outcome=outcome,
                        conf_level=conf_level, **fields)


@old_keywords(positional_by=True)
@shared_docs(extra=_DOCS)
def effects_by(data: pd.DataFrame, *, by: str, treatment: str, outcome: str,
               method: str = "aipw", min_n: int | None = None, **options) -> pd.DataFrame:
    """Conditional average effects: :func:`cxkit.effect` within each group of ``by``.

    Parameters
    ----------
    data : DataFrame
        As in :func:`cxkit.effect`.
    {doc:group_by}
        Rows with a missing value in it are left out.
    {doc:treatment}
    {doc:outcome}
    method : str
        The method of :func:`cxkit.effect` (default ``"aipw"``).
    {doc:min_n}
        A suppressed group is not estimated. Customers are the distinct values of a
        ``customer_id`` column if there is one, else the rows.
    **options
        Passed to :func:`cxkit.effect` (``confounders``, ``seed``, ``conf_level``, ...).

    Returns
    -------
    DataFrame
        One row per group, in sorted order: ``by``, then the columns of
        :meth:`EffectResult.to_frame` (``method``, ``treatment``, ``outcome``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``n``), ``suppressed``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(2)
    >>> g = rng.choice(["a", "b"], 600); t = rng.integers(0, 2, 600)
    >>> y = np.where(g == "a", 1.0, 3.0) * t + rng.normal(size=600)
    >>> data = pd.DataFrame({"g": g, "t": t, "y": y})
    >>> cxkit.effects_by(data, by="g", treatment="t", outcome="y", method="naive")[
    ...     ["g", "estimate", "ci_low", "ci_high"]].round(1)
       g  estimate  ci_low  ci_high
    0  a       1.0     0.7      1.2
    1  b       3.1     2.9      3.4
    """
    min_n = _cells.min_n(min_n)
    _check.table(data, [by])
    people = _cells.people(data[data[by].notna()], [by])
    rows = []
    for value, part in data.groupby(by, sort=True):
        if people[value] < min_n:  # not estimated: its value would not be shown
            rows.append(pd.DataFrame([{"method": method, "treatment": treatment,
                                       "outcome": outcome, by: value}]))
            continue
        result = effect(part, treatment=treatment, outcome=outcome, method=method, **options)
        rows.append(result.to_frame().assign(**{by: value}))
    table = pd.concat(rows, ignore_index=True)
    table = table[[by] + [c for c in table.columns if c != by]]
    return _cells.suppress(table, table[by].map(people), keys=[by], min_n=min_n,
                           keep=["method", "treatment", "outcome"], unit="customers")


@old_keywords(positional_by=True)
@shared_docs(extra=_DOCS)
def cate(data: pd.DataFrame, *, by: str, treatment: str, outcome: str,
         confounders: Sequence[str] = (), seed: int | None = None, folds: int = 5,
         repetitions: int = 20, trim: float = 0.01, conf_level: float = 0.95,
         propensity_model=None, outcome_model=None,
         min_n: int | None = None) -> pd.DataFrame:
    """Conditional average effects by group with a DR-learner (Kennedy, 2023).

    Nuisance models (propensity, and the outcome under each arm) are fitted on *all* rows with
    cross-fitting, on the ``confounders`` plus ``by``; each row gets the doubly robust
    pseudo-outcome :math:`\\psi_i` of :func:`cxkit.effect` (``aipw``), and the effect in a group
    is the mean of its pseudo-outcomes — the DR-learner with the group indicators as its second
    stage. Unlike :func:`effects_by`, which refits everything inside each group, the models
    borrow strength across groups, which helps small groups.

    As in :func:`cxkit.effect`, the cross-fitting is repeated over ``repetitions`` random splits:
    a group's estimate is the median of its estimates over the splits, and its variance the
    median of each split's variance (:math:`\\mathrm{var}(\\psi)/n_g`) plus its squared distance
    from that median (Chernozhukov et al., 2018).

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    {doc:group_by}
    {doc:treatment}
    {doc:outcome}
    {doc:confounders}
    {doc:fold_seed}
    {doc:folds}
    {doc:repetitions}
    {doc:trim}
    {doc:conf_level}
        (``level=`` before 0.2: still accepted, with a FutureWarning.)
    {doc:nuisance_models}
    {doc:min_n}
        Small groups still enter the nuisance models (they borrow strength from the
        others); only their own estimate is held back. Customers are the distinct values of
        a ``customer_id`` column if there is one, else the rows.

    Returns
    -------
    DataFrame
        One row per group: ``by``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``,
        ``method`` (``"dr-learner"``), ``treatment``, ``outcome``, ``suppressed``. Plot it with
        :func:`cxkit.plot_effects` (``label=by``).

    References
    ----------
    Chernozhukov, V., et al. (2018). Double/debiased machine learning for treatment and
    structural parameters. *The Econometrics Journal*, 21(1), C1–C68.
    Kennedy, E. H. (2023). Towards optimal doubly robust estimation of heterogeneous causal
    effects. *Electronic Journal of Statistics*, 17(2), 3008–3049.
    Künzel, S. R., et al. (2019). Metalearners for estimating heterogeneous treatment effects
    using machine learning. *PNAS*, 116(10), 4156–4165.

    Examples
    --------
    >>> import numpy as np, pandas as pd, cxkit
    >>> rng = np.random.default_rng(5)
    >>> g = rng.choice(["a", "b"], 2000); x = rng.normal(size=2000)
    >>> t = (x + rng.normal(size=2000) > 0).astype(int)
    >>> y = np.where(g == "a", 0.5, 2.0) * t + x + rng.normal(size=2000)
    >>> data = pd.DataFrame({"g": g, "x": x, "t": t, "y": y})
    >>> cxkit.cate(data, by="g", treatment="t", outcome="y", confounders=["x"], seed=0)[
    ...     ["g", "estimate"]].round(1)
       g  estimate
    0  a       0.5
    1  b       2.0
    """
    conf_level = _check.conf_level(conf_level)
    min_n = _cells.min_n(min_n)
    _check.count(folds, "folds", minimum=2)
    _check.count(repetitions, "repetitions", minimum=1)
    columns = list(dict.fromkeys([*confounders, by]))
    frame = _causal.treatment_frame(data, treatment, outcome, columns)
    x = _causal.design(frame, columns)
    t = frame[treatment].to_numpy(dtype=int)
    y = frame[outcome].to_numpy(dtype=float)
    psi, _ = _causal.repeated_scores(x, t, y, folds=folds, repetitions=repetitions, seed=seed,
                                     trim=trim, propensity_model=propensity_model,
                                     outcome_model=outcome_model)
    codes, groups = pd.factorize(frame[by], sort=True)
    size = np.bincount(codes)
    # per split (rows) and group (columns): the mean pseudo-outcome and its variance
    means = np.stack([np.bincount(codes, weights=p) / size for p in psi])
    squares = np.stack([np.bincount(codes, weights=(p - m[codes]) ** 2)
                        for p, m in zip(psi, means, strict=True)])
    with np.errstate(divide="ignore", invalid="ignore"):  # a group of one has no variance
        variances = squares / (size - 1) / size
    pooled = [_causal.split_median(means[:, g], variances[:, g]) for g in range(len(groups))]
    estimate = np.array([m for m, _ in pooled])
    se = np.sqrt([v for _, v in pooled])
    z = _causal.z_value(conf_level)
    table = pd.DataFrame({by: np.asarray(groups), "estimate": estimate, "se": se,
                          "ci_low": estimate - z * se, "ci_high": estimate + z * se,
                          "n": size, "method": "dr-learner",
                          "treatment": treatment, "outcome": outcome})
    people = pd.Series(size, index=groups)
    if "customer_id" in data.columns and len(frame) == len(data):  # no row was set aside
        people = _cells.people(data, [by])
    return _cells.suppress(table, table[by].map(people), keys=[by], min_n=min_n,
                           keep=["method", "treatment", "outcome"], unit="customers")
