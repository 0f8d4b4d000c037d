"""The registry of exercises: each exercise id maps to the function that computes its solution.

Topic files in :mod:`cxkit.teaching.topics` register their exercises with :func:`exercise`;
:func:`cxkit.teaching.check` looks them up. A solution is computed once per session (cached),
from the kit and the bundled data, exactly as the notebook's solution cell computes it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .._check import DataError

#: Exercise ids: a topic slug (lower-case words joined by ``-``), a dot and a number.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[1-9][0-9]*$")
KINDS = ("number", "label", "set", "bool")


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its id, how answers are compared, the hint, the solution."""

    id: str
    kind: str
    tolerance: float
    hint: str
    solve: Callable[[], object]
    relative: bool = False

    def solution(self):
        """The solution's value (computed once per session)."""
        return _solved(self.id)


_REGISTRY: dict[str, Exercise] = {}


def exercise(id: str, *, kind: str = "number", tolerance: float = 0.0, hint: str = "",
             relative: bool = False):
    """Register the decorated function as the solution of exercise ``id``.

    Parameters
    ----------
    id : str
        ``"<topic>.<n>"``, e.g. ``"csr-did.2"``: by topic, never by chapter number.
    kind : {"number", "label", "set", "bool"}
        How an answer is compared: a number within ``tolerance``; a text label
        (case-insensitive, surrounding spaces ignored); a set of labels (order ignored); a
        boolean.
    tolerance : float
        For numbers: the largest accepted absolute difference (relative to the solution's size
        with ``relative=True``). State in a comment why that tolerance.
    hint : str
        Shown when the answer is wrong; it must not give the value away.

    Examples
    --------
    >>> from cxkit.teaching._registry import exercise, _REGISTRY
    >>> @exercise("doc-example.1", tolerance=0.01, hint="Add the two numbers.")
    ... def _():
    ...     return 0.1 + 0.2
    >>> _REGISTRY["doc-example.1"].kind
    'number'
    >>> del _REGISTRY["doc-example.1"]
    """
    if not ID_PATTERN.match(id):
        raise ValueError(f"exercise id {id!r} must look like 'topic-name.2'")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if tolerance < 0 or not math.isfinite(tolerance):
        raise ValueError("tolerance must be a finite number ≥ 0")

    def register(solve):
        if id in _REGISTRY:
            raise ValueError(f"exercise {id!r} is registered twice")
        _REGISTRY[id] = Exercise(id, kind, float(tolerance), hint, solve, relative)
        return solve

    return register


@functools.cache
def _solved(id: str):
    return _REGISTRY[id].solve()


@functools.lru_cache(maxsize=1)
def sample():
    """The bundled simulated study (``cxkit.datasets.load_sample()``), read once per session."""
    from ..study.datasets import load_sample

    return load_sample()


def lookup(id: str) -> Exercise:
    """The registered exercise ``id``; a ``DataError`` naming the topic's ids when unknown."""
    from . import topics  # noqa: F401  (registers every topic)

    if not isinstance(id, str) or id not in _REGISTRY:
        topic = str(id).split(".")[0]
        known = sorted(k for k in _REGISTRY if k.split(".")[0] == topic)
        where = (f"the exercises of topic {topic!r} are {', '.join(known)}" if known
                 else "see cxkit.teaching.exercises() for the ids")
        raise DataError(f"no exercise {id!r}: {where}.")
    return _REGISTRY[id]
