"""The load report that travels with every loaded table.

Nothing in cxkit drops or fixes data silently: a problem either raises :class:`cxkit.DataError`
(naming the file, the column, the rows and what was expected) or is written into the
:class:`LoadReport` of the load, which :func:`load_report` returns. ``DataError`` lives in
:mod:`cxkit._check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import pandas as pd

_REPORT_KEY = "cxkit_load_report"


@dataclass(repr=False)
class LoadReport:
    """What happened in one load: rows read and kept, every row set aside, notes and warnings.

    Get it with :func:`cxkit.load_report` from the table a loader returned. In a notebook the
    report displays as a small HTML summary; ``str(report)`` gives the same as text.

    Attributes
    ----------
    source : str
        The file (or ``"<DataFrame>"``) that was read.
    kind : str
        ``"journeys"``, ``"survey"`` or ``"catalogue"``.
    rows_read, rows_kept : int
        Data rows read from the source and rows in the returned table.
    set_aside : DataFrame
        One row per data row that is *not* in the returned table: ``row`` (1-based data row of
        the source), ``reason``. Empty unless rows were removed on request (``dedupe=True``).
    notes : list of str
        Facts about the load that did not change any row count (duplicates kept, touchpoints
        not in the catalogue, missing codes turned into NaN, channels taken from the catalogue).
    warnings : list of str
        Things to look at, e.g. columns that look like personal data.
    details : dict of DataFrame
        Tables behind the notes (``"unknown_touchpoints"``, ``"duplicates"``,
        ``"missing_codes"``, ``"missing_values"``...).
    """

    source: str
    kind: str
    rows_read: int = 0
    rows_kept: int = 0
    set_aside: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"row": pd.Series(dtype="int64"),
                                              "reason": pd.Series(dtype="object")})
    )
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    details: dict[str, pd.DataFrame] = field(default_factory=dict)

    # A report is a record of a finished load: pandas copies ``DataFrame.attrs`` deeply on
    # many operations, so copying returns the same object instead of duplicating tables.
    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    @property
    def ok(self) -> bool:
        """True when nothing was set aside and there are no warnings."""
        return self.set_aside.empty and not self.warnings

    def to_frame(self) -> pd.DataFrame:
        """The report as a tidy table with columns ``section`` and ``message``."""
        rows = [("source", self.source), ("rows_read", str(self.rows_read)),
                ("rows_kept", str(self.rows_kept))]
        rows += [("set_aside", f"row {r}: {why}")
                 for r, why in zip(self.set_aside["row"], self.set_aside["reason"], strict=True)]
        rows += [("note", n) for n in self.notes]
        rows += [("warning", w) for w in self.warnings]
        return pd.DataFrame(rows, columns=["section", "message"])

    def __str__(self) -> str:
        lines = [f"Load report ({self.kind}) for {self.source}",
                 f"  rows read: {self.rows_read}, rows kept: {self.rows_kept}, "
                 f"rows set aside: {len(self.set_aside)}"]
        for r, why in zip(self.set_aside["row"][:20], self.set_aside["reason"][:20], strict=True):
            lines.append(f"  set aside row {r}: {why}")
        if len(self.set_aside) > 20:
            lines.append(f"  ... and {len(self.set_aside) - 20} more rows set aside")
        lines += [f"  note: {n}" for n in self.notes]
        lines += [f"  WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        warns = "".join(f"<li style='color:#a33'>{escape(w)}</li>" for w in self.warnings)
        aside = (self.set_aside.head(20).to_html(index=False) if len(self.set_aside) else "")
        return (
            f"<div><b>Load report</b> ({escape(self.kind)}) for <code>{escape(self.source)}"
            f"</code><br>rows read: {self.rows_read}; rows kept: {self.rows_kept}; "
            f"rows set aside: {len(self.set_aside)}"
            f"{'<ul>' + warns + '</ul>' if warns else ''}"
            f"{'<ul>' + items + '</ul>' if items else ''}{aside}</div>"
        )


def attach_report(data: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    data.attrs[_REPORT_KEY] = report
    return data


def load_report(data: pd.DataFrame) -> LoadReport:
    """The :class:`LoadReport` of a table returned by a cxkit loader.

    The report travels with the table (in ``data.attrs``); tables derived from it by pandas
    operations usually keep it, but a table built from scratch has none.

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> raw = pd.DataFrame({"customer_id": ["a", "a"], "touchpoint": ["web_visit"] * 2,
    ...                     "timestamp": ["2024-03-01 10:00", "2024-03-01 10:00"]})
    >>> events = cxkit.load_journeys(raw)
    >>> report = cxkit.load_report(events)
    >>> report.rows_read, report.rows_kept
    (2, 2)
    >>> print(report)
    Load report (journeys) for <DataFrame>
      rows read: 2, rows kept: 2, rows set aside: 0
      note: 2 timestamp(s) without a UTC offset read as local time in UTC (tz=)
      note: channel taken from the catalogue (the data have no channel)
      note: 1 exact duplicate event(s) kept (pass dedupe=True to remove them): rows 2
    """
    report = data.attrs.get(_REPORT_KEY) if isinstance(data, pd.DataFrame) else None
    if report is None:
        raise ValueError(
            "this table carries no load report: it was not returned by a cxkit loader "
            "(cxkit.load_journeys, cxkit.load_survey, cxkit.catalogue)"
        )
    return report
