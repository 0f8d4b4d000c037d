"""Aliases kept for one minor version where a public module moved (see CHANGELOG.md).

An alias module calls :func:`moved` and is replaced by the module it names, so every name,
private ones included, keeps working; importing it warns once with a ``FutureWarning``
(shown by default, unlike ``DeprecationWarning``), naming the new home.
"""

from __future__ import annotations

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
