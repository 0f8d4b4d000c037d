"""The base every result object of the kit shares (as statsmodels' results and lifelines'
fitters share theirs).

A result is a frozen dataclass that subclasses :class:`Result` and provides ``to_frame()``;
it inherits

- ``summary()``: a short text (subclasses write their own sentence);
- ``conf_int(conf_level=None)``: lower and upper bounds as a table, as statsmodels'
  ``conf_int()``; at another level than the one fitted, recomputed from the estimate and its
  standard error (normal approximation) where the table has ``se``, refused otherwise;
- ``_repr_html_()`` for notebooks and ``__repr__`` from ``summary()``;
- ``plot(ax=None)``, which subclasses with a figure override;
- ``fit``: the underlying library's fitted object (statsmodels, seminr, pyfixest ...), or
  ``None`` where there is none.

Conventions of ``to_frame()``: one row per estimate, the estimate in ``estimate`` (or the
column named by ``_estimate_column``), its interval in ``ci_low``/``ci_high``, its standard
error in ``se``; the columns that name a row are listed in ``_label_columns``.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from ._check import conf_level as _checked_level


class Result:
    """Base class of the kit's result objects.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True, repr=False)
    ... class Mean(Result):
    ...     estimate: float
    ...     se: float
    ...     conf_level: float = 0.95
    ...     _label_columns = ("quantity",)
    ...     def to_frame(self):
    ...         return pd.DataFrame({"quantity": ["mean"], "estimate": [self.estimate],
    ...                              "se": [self.se], "ci_low": [self.estimate - 1.96 * self.se],
    ...                              "ci_high": [self.estimate + 1.96 * self.se]})
    >>> Mean(2.0, 0.5).conf_int(conf_level=0.90).round(3)
           lower  upper
    quantity
    mean  1.178  2.822
    """

    #: The underlying library's fitted object, where there is one.
    fit = None
    #: Columns of ``to_frame()`` that name a row (its index in ``conf_int()``).
    _label_columns: tuple[str, ...] = ()
    #: The column of ``to_frame()`` holding the estimates.
    _estimate_column: str = "estimate"

    # -- to be provided by each result ---------------------------------------------------
    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    # -- shared behaviour ---------------------------------------------------------------
    def summary(self) -> str:
        """A short text: the result's name and its table."""
        return f"{type(self).__name__}\n{self.to_frame().to_string(index=False)}"

    @property
    def _fitted_level(self) -> float | None:
        return getattr(self, "conf_level", None)

    def conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Lower and upper confidence bounds, one row per estimate (columns ``lower``,
        ``upper``), as statsmodels' ``conf_int()``.

        Parameters
        ----------
        conf_level : float, optional
            The confidence level; by default the one the result was computed at. Another
            level is recomputed from the estimate and its standard error (normal
            approximation) where the result has standard errors; otherwise call the function
            again with ``conf_level=``.
        """
        table = self.to_frame()
        labels = [c for c in self._label_columns if c in table.columns]
        index = (pd.MultiIndex.from_frame(table[labels]) if len(labels) > 1
                 else pd.Index(table[labels[0]]) if labels else table.index)
        fitted = self._fitted_level
        if conf_level is None or (fitted is not None
                                  and math.isclose(_checked_level(conf_level), fitted)):
            if not {"ci_low", "ci_high"} <= set(table.columns):
                raise ValueError(f"{type(self).__name__} has no confidence interval")
            return pd.DataFrame({"lower": table["ci_low"].to_numpy(),
                                 "upper": table["ci_high"].to_numpy()}, index=index)
        level = _checked_level(conf_level)
        if "se" not in table.columns:
            raise ValueError(f"{type(self).__name__} was computed at conf_level={fitted}; "
                             "its intervals are not normal-based: compute it again with "
                             f"conf_level={level}")
        from scipy.stats import norm

        z = float(norm.ppf(0.5 + level / 2))
        estimate = table[self._estimate_column].to_numpy(dtype=float)
        se = table["se"].to_numpy(dtype=float)
        return pd.DataFrame({"lower": estimate - z * se, "upper": estimate + z * se},
                            index=index)

    def plot(self, ax=None):
        """Draw the result; results without a figure say so."""
        raise NotImplementedError(f"{type(self).__name__} has no figure; plot its table "
                                  "(to_frame()) instead")

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self.to_frame()
        shown = table.head(30).to_html(index=False, float_format=lambda v: f"{v:.4g}")
        more = (f"<p>… {len(table) - 30} more rows: <code>to_frame()</code></p>"
                if len(table) > 30 else "")
        return (f"<div><pre>{escape(self.summary())}</pre><details><summary>table "
                f"({len(table)} rows)</summary>{shown}{more}</details></div>")
