"""Checks of weights and the one rule for missing answers (part of :mod:`cxkit._check`, whose
docstring states the conventions; a module of its own because ``core`` is at its 700 lines)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .core import (
    DataError,
    columns,
    format_rows,
    numbers,
    one_of,
    refuse_rows,
    refuse_values,
    rows,
)

__all__ = ["MISSING_DEFAULT", "MISSING_RULES", "WEIGHT_TYPES", "MissingNote", "apply_missing",
           "missing_rule", "weights"]


#: The kinds of weights the kit knows (``weight_type=``).
WEIGHT_TYPES = ("frequency", "sampling")

_WEIGHT_TYPE_HINT = ('weight_type="frequency" (each row stands for that many identical '
                     'answers) or weight_type="sampling" (survey weights: inverse selection '
                     'probabilities, raked or post-stratified weights)')


def weights(data: pd.DataFrame, column, weight_type) -> pd.Series | None:
    """The weights column as float64 with a positional index, checked; ``None`` without one.

    A weight must be a finite number of at least 0 on every row, and the weights must not
    sum to zero; frequency weights must be whole numbers (counts of identical answers).
    ``weight_type`` is required with weights: the two kinds give the same estimate but
    different intervals.

    >>> weights(pd.DataFrame({"w": [1.0, 2.5]}), "w", "sampling").tolist()
    [1.0, 2.5]
    >>> weights(pd.DataFrame({"w": [1, -2]}), "w", "frequency")
    Traceback (most recent call last):
    ...
    cxkit.DataError: column 'w', row 2: negative weight(s): -2 (expected weights of at least 0)
    """
    if column is None:
        if weight_type is not None:
            raise ValueError(f"weight_type={weight_type!r} given without weights=")
        return None
    if not isinstance(column, str):
        raise TypeError(f"weights must be the name of a column, not {column!r}")
    columns(data, [column])
    if weight_type is None:
        raise DataError("weights given without weight_type", column=column,
                        expected=_WEIGHT_TYPE_HINT)
    one_of(weight_type, WEIGHT_TYPES, "weight_type")
    values = numbers(data, column, finite=True, hint="numbers of at least 0")
    refuse_rows(values.isna(), "missing weight", column,
                "a weight on every row (0 leaves a row out of the estimates)")
    refuse_values(values < 0, values, column, "negative weight(s)", "weights of at least 0")
    if weight_type == "frequency":
        refuse_values(values % 1 != 0, values, column,
                      "frequency weights that are not whole numbers",
                      'whole numbers (counts of identical answers); survey weights are '
                      'weight_type="sampling"')
    if not values.sum() > 0:
        raise DataError("the weights sum to zero", column=column,
                        expected="at least one positive weight")
    return values


#: The rules for missing answers (``missing=``), one meaning across the kit:
#:
#: - ``"refuse"``: raise a :class:`DataError` naming the columns and rows with a missing
#:   answer and these options;
#: - ``"listwise"``: leave out every row with a missing answer in the columns used;
#: - ``"pairwise"``: keep every answer; each statistic uses the rows that answered its own
#:   columns (only methods built from pairwise covariances or one column at a time);
#: - ``"mean"``: replace each missing answer by the mean of its column's answers.
MISSING_RULES = ("refuse", "listwise", "pairwise", "mean")

#: The rule for missing answers when a function is not told otherwise: stated here only.
MISSING_DEFAULT = "refuse"


class MissingNote(str):
    """What a rule for missing answers did: a sentence (the ``str`` itself) for summaries,
    with ``rule``, ``rows`` (rows with a missing answer, 1 at the first row; for
    ``"listwise"`` the rows left out) and ``cells`` (``{column: missing answers}``; for
    ``"mean"`` the cells replaced)."""

    rule: str
    rows: list[int]
    cells: dict[str, int]

    def __new__(cls, text: str, rule: str | None = None, rows: list[int] | None = None,
                cells: dict[str, int] | None = None):
        note = super().__new__(cls, text)
        note.rule, note.rows, note.cells = rule, list(rows or []), dict(cells or {})
        return note


def missing_rule(rule, allowed: Sequence[str] = MISSING_RULES, *, what: str = "this method"
                 ) -> str:
    """``rule`` checked: one of :data:`MISSING_RULES` (a ``ValueError`` otherwise) and one that
    suits the method (a :class:`DataError` saying which rules apply otherwise).

    >>> missing_rule("pairwise", ("refuse", "listwise"), what="a regression")
    Traceback (most recent call last):
    ...
    cxkit.DataError: missing='pairwise' does not suit a regression (expected missing= one of \
'refuse', 'listwise')
    """
    one_of(rule, MISSING_RULES, "missing")
    if rule not in allowed:
        raise DataError(f"missing={rule!r} does not suit {what}",
                        expected="missing= one of " + ", ".join(map(repr, allowed)))
    return rule


def apply_missing(frame: pd.DataFrame, names: Sequence, rule: str, *,
                  allowed: Sequence[str] = MISSING_RULES, what: str = "this method"
                  ) -> tuple[pd.DataFrame, MissingNote]:
    """Apply the rule for missing answers to the columns ``names`` of ``frame`` (a table with
    a positional index, e.g. after ``reset_index(drop=True)``); return the table to use and
    the note.

    ``"listwise"`` keeps the positional index of the rows kept (so rows can still be named);
    ``"pairwise"`` returns the table unchanged (the method uses the pairs available);
    ``"mean"`` replaces the missing cells of numeric columns by their column's mean.

    >>> table = pd.DataFrame({"q1": [1.0, None, 3.0], "q2": [2.0, 2.0, None]})
    >>> kept, note = apply_missing(table, ["q1", "q2"], "listwise")
    >>> kept.index.tolist(), str(note)
    ([0], 'missing answers, rule "listwise": 2 of 3 rows left out (rows 2, 3)')
    >>> filled, note = apply_missing(table, ["q1", "q2"], "mean")
    >>> filled["q1"].tolist(), note.cells
    ([1.0, 2.0, 3.0], {'q1': 1, 'q2': 1})
    >>> apply_missing(table, ["q1", "q2"], "refuse")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.DataError: columns 'q1', 'q2', rows 2, 3: missing answer(s) (expected an answer in \
every cell, or missing="listwise" (leave these rows out), "pairwise" (...), "mean" (...)
    """
    rule = missing_rule(rule, allowed, what=what)
    names = list(dict.fromkeys(names))
    absent = frame[names].isna()
    incomplete = absent.any(axis=1).to_numpy()
    rows_ = rows(incomplete)
    cells = {str(c): int(absent[c].sum()) for c in names if absent[c].any()}
    if not incomplete.any():
        return frame, MissingNote(f'missing answers, rule "{rule}": none', rule, [], {})
    if rule == "refuse":
        options = {"listwise": '"listwise" (leave these rows out)',
                   "pairwise": '"pairwise" (each statistic uses the rows that answered its '
                               'columns)',
                   "mean": '"mean" (replace a missing answer by its column\'s mean)'}
        offered = [options[r] for r in allowed if r in options]
        raise DataError("missing answer(s)", column=list(cells), rows=rows_,
                        expected="an answer in every cell"
                        + (", or missing=" + ", ".join(offered) if offered else ""))
    if rule == "listwise":
        kept = frame.loc[~incomplete]
        text = (f'missing answers, rule "listwise": {len(rows_)} of {len(frame)} rows left out '
                f"(rows {format_rows(rows_)})")
        return kept, MissingNote(text, rule, rows_, cells)
    counts = ", ".join(f"{c}: {k}" for c, k in cells.items())
    if rule == "pairwise":
        text = (f'missing answers, rule "pairwise": {sum(cells.values())} missing answer(s) in '
                f"{len(rows_)} of {len(frame)} rows ({counts}); each statistic uses the rows "
                "that answered its columns")
        return frame, MissingNote(text, rule, rows_, cells)
    filled = frame.copy()
    for c in cells:
        filled[c] = filled[c].fillna(filled[c].mean())
    text = (f'missing answers, rule "mean": {sum(cells.values())} answer(s) in {len(rows_)} of '
            f"{len(frame)} rows replaced by their column's mean ({counts})")
    return filled, MissingNote(text, rule, rows_, cells)
