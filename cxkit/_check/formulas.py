"""The check of a model formula before it is evaluated (part of :mod:`cxkit._check`; added
for #12).

patsy evaluates each term of a formula as Python, with the builtins in reach, so a formula
such as ``y ~ I(__import__("os").remove("f"))`` would run. The kit therefore reads every term
with Python's :mod:`ast` first and accepts only column names, numbers, text constants,
operators and the transforms of :data:`FORMULA_CALLS` and :data:`FORMULA_NUMPY`.
"""

from __future__ import annotations

import ast

from .core import DataError

__all__ = ["FORMULA_CALLS", "FORMULA_NUMPY", "formula"]

#: Functions a formula term may call by their bare name: patsy's ``C`` (a category, with an
#: optional contrast), ``I`` (arithmetic taken literally), ``Q`` (a column whose name is not
#: an identifier), ``center``, ``standardize``, ``scale``, the contrasts ``C(x, ...)`` takes,
#: and ``log``, ``exp``, ``sqrt`` (where the caller's formula environment provides them).
FORMULA_CALLS = frozenset({"C", "I", "Q", "center", "standardize", "scale", "log", "exp",
                           "sqrt", "Treatment", "Sum", "Diff", "Poly", "Helmert"})
#: numpy functions a term may call as ``np.<name>``.
FORMULA_NUMPY = frozenset({"log", "log1p", "log2", "log10", "exp", "sqrt", "abs", "square"})

_SAFE_NODES = (ast.Expression, ast.Name, ast.Constant, ast.Load, ast.BinOp, ast.UnaryOp,
               ast.BoolOp, ast.Compare, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
               ast.Call, ast.keyword, ast.Attribute, ast.List, ast.Tuple)


def formula(text, *, name: str = "formula") -> str:
    """``text`` when it is a formula whose terms use only column names, numbers, text,
    operators and the allowed transforms (:data:`FORMULA_CALLS`, ``np.`` +
    :data:`FORMULA_NUMPY`); a :class:`DataError` otherwise, before anything is evaluated.

    >>> formula("loyalty ~ np.log(spend) + C(segment) + I(age ** 2) + Q('odd name')")
    "loyalty ~ np.log(spend) + C(segment) + I(age ** 2) + Q('odd name')"
    >>> formula("y ~ I(__import__('os').getcwd())")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.DataError: formula "y ~ I(__import__('os').getcwd())": the term \
"I(__import__('os').getcwd())" uses '__import__', which a formula may not use (expected ...)
    """
    import patsy

    if not isinstance(text, str):
        raise TypeError(f"{name} must be a string, not {type(text).__name__}")
    try:
        desc = patsy.ModelDesc.from_formula(text)
    except patsy.PatsyError as err:
        raise ValueError(f"not a valid formula: {text!r} ({err})") from None
    for term in [*desc.lhs_termlist, *desc.rhs_termlist]:
        for factor in term.factors:
            culprit = _refused(factor.code)
            if culprit is not None:
                raise DataError(f"{name} {text!r}: the term {factor.code!r} uses {culprit}, "
                                "which a formula may not use", expected=_ALLOWED)
    return text


_ALLOWED = ("column names, numbers, operators and the transforms C(), I(), Q(), center(), "
            "standardize(), scale(), log(), exp(), sqrt(), a contrast in C() and "
            + ", ".join(f"np.{f}" for f in ("log", "exp", "sqrt", "abs", "square", "log1p",
                                             "log2", "log10")))


def _refused(code: str) -> str | None:
    """What in one term's Python code is not allowed (``None`` if nothing)."""
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError:
        return "Python syntax patsy cannot read"
    for node in ast.walk(tree):  # names such as __import__ first: the plainest message
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            return repr(node.id)
        if isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            return repr(node.attr)
        if not isinstance(node, _SAFE_NODES):
            return {ast.Lambda: "a lambda", ast.Subscript: "a subscript ([...])"}.get(
                type(node), f"a {type(node).__name__} expression")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            return "a bytes constant"
        if isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "np"
                    and node.attr in FORMULA_NUMPY):
                return f"the attribute {ast.unparse(node)!r}"
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id not in FORMULA_CALLS:
                return f"the call {func.id}()"
            if not isinstance(func, (ast.Name, ast.Attribute)):
                return f"the call {ast.unparse(node)!r}"
            if isinstance(func, ast.Name) and func.id == "Q" and not (
                    len(node.args) == 1 and not node.keywords
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                return "Q() of something other than a column name in quotes"
    return None
