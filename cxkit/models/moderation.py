"""Moderation: for whom does a treatment work? An interaction model and the conditional effect
of the treatment at each level of a moderator (a category, or a number probed at its mean and
one standard deviation either side), with a joint test that the effect does not differ.

:func:`cxkit.plot_simple_slopes` (and ``ModerationResult.plot()``) draws the simple slopes
from :meth:`ModerationResult.simple_slopes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _check
from .._deprecated import old_keywords, renamed_attribute
from .._docstrings import shared_docs
from .._results import Result
from ._formula import (
    DOCS,
    _is_categorical,
    _levels,
    _model_frame,
    _ols,
    _p_text,
    _q,
    _term,
)

__all__ = ["ModerationResult", "moderation"]


@dataclass(frozen=True, repr=False)
class ModerationResult(Result):
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
    conf_level : float
        Confidence level (``level`` before cxkit 0.2.0; that name warns).
    data : DataFrame
        The rows used (for :meth:`simple_slopes`).
    missing_note : str
        What the rule for missing values did (``missing=``; see
        :func:`cxkit._check.apply_missing`).
    """

    conditional_effects: pd.DataFrame
    fit: object = field()  # required (the base's ``fit = None`` is no default here)
    interaction_test: dict
    treatment: str
    moderator: str
    outcome: str
    moderator_kind: str
    n: int
    conf_level: float
    data: pd.DataFrame = field(repr=False, default=None)
    missing_note: str = ""

    level = renamed_attribute("level", "conf_level")

    @property
    def _label_columns(self) -> tuple[str, ...]:
        # a number probed at two values has "value" twice in ``at``
        return (self.moderator,) if self.moderator_kind == "categorical" \
            else (self.moderator, "at")

    def to_frame(self) -> pd.DataFrame:
        """The conditional-effects table (a copy)."""
        return self.conditional_effects.copy()

    def summary(self) -> str:
        """The conditional effects with their intervals and the interaction test, as text."""
        lines = [f"Effect of {self.treatment} on {self.outcome} by {self.moderator} "
                 f"({self.n} rows)"]
        if getattr(self.missing_note, "rows", None):
            lines.append(self.missing_note)
        for row in self.conditional_effects.itertuples(index=False):
            value = row[0]
            shown = f"{value:.3g} ({row.at})" if self.moderator_kind == "numeric" else str(value)
            lines.append(f"  {self.moderator} = {shown}: {row.estimate:.3f} ({self.conf_level:.0%} "
                         f"CI {row.ci_low:.3f} to {row.ci_high:.3f}), p {_p_text(row.p_value)}")
        test = self.interaction_test
        lines.append(f"does the effect differ by {self.moderator}? Wald chi2({test['df']}) = "
                     f"{test['statistic']:.2f}, p {_p_text(test['p_value'])}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"ModerationResult(\n{self.summary()}\n)"

    def simple_slopes(self) -> pd.DataFrame:
        """The points of the simple-slopes figure: the predicted outcome at two values of the
        treatment, for each moderator value of ``conditional_effects``.

        Each prediction is the model's, averaged over all rows used with the treatment and the
        moderator set to the values shown (confounders stay as observed), so the lines differ
        only by the conditional effects. The treatment takes its two values when it has two
        (0/1), otherwise its mean minus and plus one standard deviation.

        Returns
        -------
        DataFrame
            Two rows per moderator value, with columns: the moderator's name and ``at`` (as
            in ``conditional_effects``); the treatment's name (its value) and
            ``treatment_at`` (``"value"``, ``"mean - 1 SD"`` or ``"mean + 1 SD"``);
            ``predicted``; and the conditional effect's ``estimate``, ``ci_low``,
            ``ci_high``. ``attrs`` holds ``treatment``, ``moderator``, ``outcome`` and
            ``conf_level``.
        """
        frame, t, m = self.data, self.treatment, self.moderator
        grid = _probe_points(frame[t], with_mean=False)
        rows = []
        for row in self.conditional_effects.itertuples(index=False):
            value = row[0]
            for x, label in grid:
                predicted = float(np.mean(self.fit.predict(frame.assign(**{t: x, m: value}))))
                rows.append({m: value, "at": row.at, t: x, "treatment_at": label,
                             "predicted": predicted, "estimate": row.estimate,
                             "ci_low": row.ci_low, "ci_high": row.ci_high})
        table = pd.DataFrame(rows)
        table.attrs = {"treatment": t, "moderator": m, "outcome": self.outcome,
                       "conf_level": self.conf_level}
        return table

    def plot(self, ax=None):
        """Simple slopes: see :func:`cxkit.plot_simple_slopes`."""
        from ..plots.drivers import plot_simple_slopes

        return plot_simple_slopes(self.simple_slopes(), ax=ax)


@shared_docs(extra=DOCS)
@old_keywords()
def moderation(data: pd.DataFrame, *, treatment: str, moderator: str, outcome: str,
               confounders: Sequence[str] = (), conf_level: float = 0.95,
               cluster: str | None = None, level: float | None = None,
               missing: str = _check.MISSING_DEFAULT) -> ModerationResult:
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
    {doc:equation_confounders}
        With a panel, ``["region", "wave"]`` makes each conditional effect a
        difference in differences (group and period fixed effects).
    {doc:conf_level}
    {doc:bootstrap_cluster}
        Without it, standard errors are heteroskedasticity-robust (HC1).
    {doc:level}
    {doc:missing}
        {doc:regression_rules}

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

        Also ``.fit`` (statsmodels), ``.interaction_test``, ``.summary()``, ``.to_frame()``,
        ``.conf_int()``, ``.simple_slopes()`` and ``.plot()``.

    Raises
    ------
    DataError
        Absent columns, missing values, a treatment or outcome that is not numeric, a
        treatment or moderator that does not vary, a model that is not identified.
    ValueError
        A column in two roles, a bad ``conf_level``.

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
    conf_level = _check.conf_level(conf_level)
    confounders = [confounders] if isinstance(confounders, str) else list(confounders)
    _check.one_role([treatment, moderator, outcome, *confounders])
    frame, missing_note = _model_frame(data, numeric=[treatment, outcome], missing=missing,
                         other=[moderator, *confounders]
                         + ([cluster] if cluster is not None else []))
    categorical = _is_categorical(frame[moderator])
    _check.varies(frame[moderator], moderator)
    if categorical:
        mterm = f"C({_q(moderator)})"
    else:
        frame[moderator] = _check.numbers(frame, moderator, finite=True)
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
        for value, label in _probe_points(frame[moderator], with_mean=True):
            vector = np.zeros(len(names))
            vector[names.index(xname)] = 1.0
            vector[names.index(f"{xname}:{mterm}")] = value
            rows.append((value, label, np.nan))
            contrasts.append(vector)
        interaction = [f"{xname}:{mterm}"]
    test = fit.t_test(np.array(contrasts))
    bounds = np.asarray(test.conf_int(alpha=1 - conf_level), dtype=float)
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
                            n=len(frame), conf_level=conf_level, data=frame,
                            missing_note=missing_note)


def _probe_points(values: pd.Series, *, with_mean: bool) -> list[tuple[float, str]]:
    """Where to probe a numeric variable: its two values when it has two (0/1), otherwise its
    mean minus and plus one standard deviation (and the mean itself, ``with_mean``)."""
    values = values.to_numpy(dtype=float)
    distinct = np.unique(values)
    if len(distinct) == 2:
        return [(float(v), "value") for v in distinct]
    mean, sd = values.mean(), values.std(ddof=1)
    middle = [(mean, "mean")] if with_mean else []
    return [(mean - sd, "mean - 1 SD"), *middle, (mean + sd, "mean + 1 SD")]
