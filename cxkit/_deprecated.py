"""Aliases kept for one minor version where a public module moved (see CHANGELOG.md).

An alias module calls :func:`moved` and is replaced by the module it names, so every name,
private ones included, keeps working; importing it warns once with a ``FutureWarning``
(shown by default, unlike ``DeprecationWarning``), naming the new home.
"""

from __future__ import annotations

import functools
import importlib
import sys
import warnings

REMOVED_IN = "0.3.0"


def moved(old: str, new: str) -> None:
    """Make module ``old`` an alias of module ``new``, with a warning."""
    warnings.warn(f"{old} moved to {new}; the old name will be removed in cxkit {REMOVED_IN}",
                  FutureWarning, stacklevel=3)
    sys.modules[old] = importlib.import_module(new)


def renamed_argument(func_name: str, old: str, new: str, value, current):
    """The value of a renamed keyword argument, warning when the old name was used.

    ``value`` is what was passed under the old name (``None`` when it was not), ``current``
    what was passed under the new one.
    """
    if value is None:
        return current
    warnings.warn(f"{func_name}(): {old}= is now {new}=; {old}= will be removed in cxkit "
                  f"{REMOVED_IN}", FutureWarning, stacklevel=3)
    return value


def renamed_attribute(old: str, new: str) -> property:
    """A read-only attribute ``old`` of a result that warns and returns attribute ``new``.

    Use in a class body: ``level = renamed_attribute("level", "conf_level")``.
    """

    def get(self):
        warnings.warn(f"{type(self).__name__}.{old} is now .{new}; .{old} will be removed in "
                      f"cxkit {REMOVED_IN}", FutureWarning, stacklevel=2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated name of ``{new}`` (goes in cxkit {REMOVED_IN}).")


def old_keywords(*, positional_by: bool = False):
    """Keep the old spellings of a function's arguments working, each with a FutureWarning.

    ``level=`` is read as ``conf_level=``; with ``positional_by``, ``by`` passed as the
    second positional argument (``effects_by(data, "segment", ...)``) is read as ``by=``.
    The one mechanism for these spellings: passing both ``level=`` and ``conf_level=`` is a
    ``TypeError``. A function may keep ``level=None`` in its signature to document it; the
    wrapper takes the keyword before the call, so the function never sees it.
    """

    def decorate(func):
        name = func.__name__

        @functools.wraps(func)
        def wrapper(*args, level=None, **kwargs):
            if positional_by and len(args) == 2:
                if "by" in kwargs:
                    raise TypeError(f"{name}() got by both positionally and as by=")
                warnings.warn(f"{name}(): pass by as a keyword ({name}(data, by={args[1]!r}, "
                              f"...)); a positional by will stop working in cxkit "
                              f"{REMOVED_IN}", FutureWarning, stacklevel=2)
                args, kwargs = args[:1], {**kwargs, "by": args[1]}
            if level is not None:
                if "conf_level" in kwargs:
                    raise TypeError(f"{name}() got both level= and conf_level=")
                kwargs["conf_level"] = renamed_argument(name, "level", "conf_level", level, None)
            return func(*args, **kwargs)

        return wrapper

    return decorate
