"""Exercises students can check: :func:`check` compares *your* answer with the solution's value.

Every chapter's exercises have ids by topic (``"csr-did.2"``, ``"nps.1"``); the value each
solution computes is registered in :mod:`cxkit.teaching.topics`. :func:`check` says whether an
answer is right, within the stated tolerance, with a hint when it is not; it never shows the
solution's value.

>>> from cxkit.teaching import check
>>> check("doc-nps.1", None)
doc-nps.1: no answer yet — replace None with your answer.
>>> check("doc-nps.1", 1.0).correct
False
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from html import escape

import pandas as pd

from ._registry import Exercise, exercise, lookup

__all__ = ["Verdict", "check", "exercise", "exercises"]

_MARK = {"correct": "✓", "wrong": "✗", "unanswered": "…", "invalid": "✗"}
_COLOUR = {"correct": "#1a7f37", "wrong": "#b42318", "unanswered": "#6e7781", "invalid": "#b42318"}


@dataclass(frozen=True)
class Verdict:
    """The verdict on one answer: ``status`` is ``"correct"``, ``"wrong"``, ``"unanswered"`` or
    ``"invalid"`` (an answer of the wrong kind); ``message`` is the one line a notebook shows.

    ``bool(verdict)`` is ``True`` only for a correct answer.
    """

    id: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"{self.id}: {self.message}"

    def _repr_html_(self) -> str:
        return (f'<p class="cxkit-verdict cxkit-verdict-{self.status}" '
                f'style="color:{_COLOUR[self.status]}">{_MARK[self.status]} '
                f"<code>{escape(self.id)}</code>: {escape(self.message)}</p>")


def check(id: str, answer) -> Verdict:
    """Check a student's answer to exercise ``id`` against the value its solution computes.

    Parameters
    ----------
    id : str
        The exercise's id, as the exercise gives it (``"topic.n"``).
    answer : number, str, set of str, bool or None
        Your answer; ``None`` means not answered yet. Numbers are right within the exercise's
        stated tolerance, labels ignore case and surrounding spaces, sets ignore order.

    Returns
    -------
    Verdict
        One line in a notebook: ✓ right (with the tolerance), ✗ not yet (with a hint), or
        "no answer yet". It never contains the solution's value.

    Examples
    --------
    >>> from cxkit.teaching import check
    >>> check("doc-nps.1", 999)
    doc-nps.1: not yet — hint: NPS is % promoters (9–10) minus % detractors (0–6), in points.
    """
    ex = lookup(id)
    if answer is None:
        return Verdict(id, "unanswered", "no answer yet — replace None with your answer.")
    status, detail = _compare(ex, answer)
    if status == "correct":
        return Verdict(id, status, f"correct{detail}.")
    if status == "invalid":
        return Verdict(id, status, detail)
    hint = f" — hint: {ex.hint}" if ex.hint else "."
    return Verdict(id, status, f"not yet{hint}")


def _compare(ex: Exercise, answer) -> tuple[str, str]:
    solution = ex.solution()
    if ex.kind == "number":
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return "invalid", (f"this exercise expects a number, got {type(answer).__name__} "
                               "(take the value out of the table, e.g. with float(...)).")
        answer = float(answer)
        if not math.isfinite(answer):
            return "invalid", "this exercise expects a finite number."
        allowed = ex.tolerance * (abs(float(solution)) if ex.relative else 1.0)
        within = f" (within ±{ex.tolerance:.0%} of the solution)" if ex.relative else \
            f" (within ±{ex.tolerance:g} of the solution)"
        ok = abs(answer - float(solution)) <= allowed + 1e-12
        return ("correct", within) if ok else ("wrong", "")
    if ex.kind == "bool":
        if not isinstance(answer, bool) and type(answer).__name__ != "bool_":
            return "invalid", "this exercise expects True or False."
        return ("correct", "") if bool(answer) == bool(solution) else ("wrong", "")
    if ex.kind == "label":
        if not isinstance(answer, str):
            return "invalid", "this exercise expects a text label (a str)."
        ok = answer.strip().casefold() == str(solution).strip().casefold()
        return ("correct", "") if ok else ("wrong", "")
    # a set of labels
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return "invalid", "this exercise expects a set (or list) of labels."
    given = {str(a).strip().casefold() for a in answer}
    wanted = {str(s).strip().casefold() for s in solution}
    return ("correct", "") if given == wanted else ("wrong", "")


def exercises() -> pd.DataFrame:
    """Every registered exercise: ``id``, ``topic``, ``kind``, ``tolerance`` (no solutions).

    Examples
    --------
    >>> from cxkit.teaching import exercises
    >>> {"id", "topic", "kind", "tolerance"} <= set(exercises().columns)
    True
    """
    from . import topics  # noqa: F401
    from ._registry import _REGISTRY

    rows = [{"id": e.id, "topic": e.id.split(".")[0], "kind": e.kind, "tolerance": e.tolerance,
             "relative": e.relative} for e in _REGISTRY.values()]
    return pd.DataFrame(rows, columns=["id", "topic", "kind", "tolerance", "relative"])
