"""The kit's options: a few documented settings that hold for every call until changed.

=========  =======  =========================================================================
name       default  meaning
=========  =======  =========================================================================
``min_n``  10       results broken down by group suppress groups with fewer distinct
                    customers or respondents than this (:mod:`cxkit._cells`); 0 turns the
                    rule off
=========  =======  =========================================================================

>>> import cxkit
>>> cxkit.get_option("min_n")
10
>>> with option_context(min_n=5):
...     cxkit.get_option("min_n")
5
>>> cxkit.get_option("min_n")
10
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager

__all__ = ["get_option", "option_context", "set_option"]

_DEFAULTS = {"min_n": 10}
_values = dict(_DEFAULTS)


def _checked(name: str, value):
    if name not in _DEFAULTS:
        raise KeyError(f"no option {name!r}; the options are " + ", ".join(sorted(_DEFAULTS)))
    if name == "min_n" and (isinstance(value, bool) or not isinstance(value, numbers.Integral)
                            or value < 0):
        raise ValueError(f"min_n must be a whole number of at least 0 (0: no suppression), "
                         f"not {value!r}")
    return int(value) if name == "min_n" else value


def set_option(name: str, value) -> None:
    """Set option ``name`` for the rest of the session (see :mod:`cxkit._options`).

    Parameters
    ----------
    name : str
        ``"min_n"``: the smallest number of distinct customers or respondents a group of a
        by-group result may have and still be shown (default 10; 0 shows every group).
    value
        The new value.

    Examples
    --------
    >>> import cxkit
    >>> cxkit.set_option("min_n", 20)
    >>> cxkit.get_option("min_n")
    20
    >>> cxkit.set_option("min_n", 10)
    """
    _values[name] = _checked(name, value)


def get_option(name: str):
    """The current value of option ``name`` (see :func:`set_option`).

    >>> import cxkit
    >>> cxkit.get_option("min_n")
    10
    """
    _checked(name, _DEFAULTS.get(name))
    return _values[name]


@contextmanager
def option_context(**options):
    """Set options inside a ``with`` block and restore them after it.

    >>> with option_context(min_n=0):
    ...     get_option("min_n")
    0
    """
    checked = {name: _checked(name, value) for name, value in options.items()}
    saved = {name: _values[name] for name in checked}
    _values.update(checked)
    try:
        yield
    finally:
        _values.update(saved)
