"""Parameter texts shared by many docstrings, written once (as seaborn's ``_docstrings.py``).

A docstring names a shared text with a marker ``{doc:NAME}``; :func:`shared_docs` replaces
every marker when the module is imported, and an unknown name fails at import, so a typo
cannot reach the documentation. The marker cannot collide with the braces of LaTeX in a
formula (``\\text{level}``), which plain ``{level}`` markers did.

Texts used by one module only may stay in that module and be passed as ``extra``.

>>> @shared_docs
... def f(data, *, conf_level=0.95):
...     '''Parameters
...     ----------
...     {doc:conf_level}
...     '''
>>> print(f.__doc__.splitlines()[3])
        Confidence level of the intervals, strictly between 0 and 1 (default 0.95).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ._check import MISSING_DEFAULT

#: Shared texts; each starts at the parameter's name and continues indented by 8 spaces,
#: as numpydoc parameters inside a function's docstring.
DOCS: dict[str, str] = {
    "data": (
        "data : DataFrame\n"
        "        One row per respondent, customer or event, with the columns named below."
    ),
    "conf_level": (
        "conf_level : float\n"
        "        Confidence level of the intervals, strictly between 0 and 1 (default 0.95)."
    ),
    "level": (
        "level : float, optional\n"
        "        Deprecated name of ``conf_level`` (a ``FutureWarning``; removed in cxkit 0.3.0)."
    ),
    "seed": (
        "seed : int or numpy.random.Generator, optional\n"
        "        Seed of the random numbers (bootstrap resamples, cross-fitting splits): the same\n"
        "        seed gives the same numbers."
    ),
    "by": (
        "by : str or list of str, optional\n"
        "        Column(s) defining groups; the result has one row per group, in sorted order.\n"
        "        Rows whose group value is missing form a group of their own (they are not\n"
        "        dropped)."
    ),
    "cluster": (
        "cluster : str, optional\n"
        "        Column whose values define clusters (e.g. ``customer_id`` when a customer\n"
        "        answers several waves, or a region when a policy is rolled out by region):\n"
        "        standard errors are then cluster-robust."
    ),
    "confounders": (
        "confounders : list of str\n"
        "        Columns measured *before* the treatment that affect both treatment and\n"
        "        outcome; numeric ones enter linearly, text and categorical ones as indicators."
    ),
    "catalogue": (
        "catalogue : DataFrame, optional\n"
        "        Touchpoint catalogue (:func:`cxkit.catalogue`) used to classify events that do\n"
        "        not carry ``level``/``stage`` columns; the default catalogue when omitted."
    ),
    "missing": (
        "missing : {\"refuse\", \"listwise\", \"pairwise\", \"mean\"}\n"
        "        What to do with missing answers (NaN, None, declared missing codes) in the\n"
        f"        columns used; by default ``\"{MISSING_DEFAULT}\"``, the kit's one default\n"
        "        (``cxkit._check.MISSING_DEFAULT``). ``\"refuse\"``: raise\n"
        "        :class:`cxkit.DataError` naming the columns, the rows and these options;\n"
        "        ``\"listwise\"``: leave out every row with a missing answer;\n"
        "        ``\"pairwise\"``: keep every answer, each statistic using the rows that\n"
        "        answered its own columns; ``\"mean\"``: replace a missing answer by the mean\n"
        "        of its column's answers. A method that cannot use a rule refuses it with a\n"
        "        DataError naming the rules it takes. The result's note (``missing_note``)\n"
        "        says what the rule did: rows left out, answers replaced."
    ),
    "ax": (
        "ax : matplotlib Axes, optional\n"
        "        Where to draw; a new figure when omitted."
    ),
}

_MARKER = re.compile(r"\{doc:([A-Za-z_][A-Za-z0-9_]*)\}")


def shared_docs(func: Callable | None = None, *, extra: Mapping[str, str] | None = None):
    """Replace every ``{doc:NAME}`` marker in ``func.__doc__`` by its shared text.

    Use as ``@shared_docs`` or ``@shared_docs(extra=_DOCS)`` with texts of one module.
    """
    texts = {**DOCS, **(extra or {})}

    def apply(f: Callable) -> Callable:
        if f.__doc__:
            f.__doc__ = _MARKER.sub(lambda m: texts[m.group(1)], f.__doc__)
        return f

    return apply(func) if func is not None else apply
