"""The load report that travels with every loaded table.

Nothing in cxkit drops or fixes data silently: a problem either raises :class:`cxkit.DataError`
(naming the file, the column, the rows and what was expected) or is written into the
:class:`LoadReport` of the load, which :func:`load_report` returns. ``DataError`` lives in
:mod:`cxkit._check`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from io import StringIO
from pathlib import Path

import pandas as pd

_REPORT_KEY = "cxkit_load_report"
_JSON_VERSION = 1


def empty_set_aside() -> pd.DataFrame:
    """The set-aside table of a load that set nothing aside."""
    return pd.DataFrame({"file": pd.Series(dtype="str"), "row": pd.Series(dtype="int64"),
                         "line": pd.Series(dtype="Int64"), "reason": pd.Series(dtype="str")})


@dataclass(repr=False)
class LoadReport:
    """What happened in one load: rows read and kept, every row set aside, notes and warnings.

    Get it with :func:`cxkit.load_report` from the table a loader returned. In a notebook the
    report displays as a small HTML summary; ``str(report)`` gives the same as text.

    Attributes
    ----------
    source : str
        The file, glob, folder or files (or ``"<DataFrame>"``) that were read.
    kind : str
        ``"journeys"``, ``"survey"`` or ``"catalogue"``.
    rows_read, rows_kept : int
        Data rows read from the source and rows in the returned table.
    set_aside : DataFrame
        One row per data row that is *not* in the returned table: ``file``, ``row`` (1 at the
        first data row of that file; the sheet's data rows for Excel), ``line`` (the physical
        line where the record starts in a CSV file, the sheet row in Excel, NA for Parquet
        and DataFrames) and ``reason`` (a short phrase starting with the problem). Rows are
        set aside with ``on_error="set_aside"`` and ``dedupe=True``; always
        ``rows_read == rows_kept + len(set_aside)``.
    notes : list of str
        Facts about the load that did not change any row count (duplicates kept, touchpoints
        not in the catalogue, missing codes turned into NaN, channels taken from the catalogue).
    warnings : list of str
        Things to look at, e.g. columns that hold personal data (named with the kind and the
        share of rows, never a value).
    details : dict of DataFrame
        Tables behind the notes (``"unknown_touchpoints"``, ``"duplicates"``,
        ``"missing_codes"``, ``"missing_values"``, ``"personal_data"``...). They hold row
        numbers, counts and labels, never a whole row: ``"duplicates"`` has the ``file`` and
        ``row`` of each duplicate, ``"personal_data"`` the ``column``, ``kind``,
        ``found_by`` (``"name"`` or ``"content"``), ``share`` and ``rows_checked``.
    """

    source: str
    kind: str
    rows_read: int = 0
    rows_kept: int = 0
    set_aside: pd.DataFrame = field(default_factory=empty_set_aside)
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
        rows += [("set_aside", f"{self._where(f, r, line)}: {why}")
                 for f, r, line, why in self.set_aside[["file", "row", "line", "reason"]]
                 .itertuples(index=False)]
        rows += [("note", n) for n in self.notes]
        rows += [("warning", w) for w in self.warnings]
        return pd.DataFrame(rows, columns=["section", "message"])

    def __str__(self) -> str:
        lines = [f"Load report ({self.kind}) for {self.source}",
                 f"  rows read: {self.rows_read}, rows kept: {self.rows_kept}, "
                 f"rows set aside: {len(self.set_aside)}"]
        for f, r, line, why in self.set_aside[["file", "row", "line", "reason"]].head(20) \
                .itertuples(index=False):
            lines.append(f"  set aside {self._where(f, r, line)}: {why}")
        if len(self.set_aside) > 20:
            lines.append(f"  ... and {len(self.set_aside) - 20} more rows set aside")
        lines += [f"  note: {n}" for n in self.notes]
        lines += [f"  WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)

    __repr__ = __str__

    def _where(self, file, row, line) -> str:
        where = f"row {row}" + (f" (line {line})" if not pd.isna(line) and line != row + 1
                                else "")
        return where if file == self.source else f"{file} {where}"

    # ----------------------------------------------------------------------------------------
    # JSON, beside a Parquet file written by a loader
    # ----------------------------------------------------------------------------------------
    def to_json(self, path) -> Path:
        """Write the report as JSON (read it back with :func:`cxkit.load_report`)."""
        path = Path(path)
        partial = path.with_name(f".{path.name}.partial")
        try:
            partial.write_text(json.dumps(self._data(), ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path

    @classmethod
    def from_json(cls, path) -> LoadReport:
        """The report written by :meth:`to_json`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ValueError(f"{path}: not a cxkit load report ({err})") from None
        return cls._from_data(data, where=str(path))

    def _data(self) -> dict:
        """The report as JSON data (text, numbers, lists and dicts)."""
        return {"cxkit_load_report": _JSON_VERSION, "source": self.source, "kind": self.kind,
                "rows_read": int(self.rows_read), "rows_kept": int(self.rows_kept),
                "notes": list(self.notes), "warnings": list(self.warnings),
                "set_aside": _table_json(self.set_aside),
                "details": {k: _table_json(v) for k, v in self.details.items()}}

    @classmethod
    def _from_data(cls, data, *, where: str) -> LoadReport:
        version = data.get("cxkit_load_report") if isinstance(data, Mapping) else None
        if version != _JSON_VERSION:
            raise ValueError(f"{where}: not a cxkit load report (version {version!r})")
        aside = _table_from_json(data["set_aside"])
        return cls(source=data["source"], kind=data["kind"], rows_read=data["rows_read"],
                   rows_kept=data["rows_kept"],
                   set_aside=aside if len(aside.columns) else empty_set_aside(),
                   notes=list(data["notes"]), warnings=list(data["warnings"]),
                   details={k: _table_from_json(v) for k, v in data["details"].items()})

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
    data.attrs[_REPORT_KEY] = _Attached(report)
    return data


class _Attached(dict):
    """What a loaded table's ``attrs["cxkit_load_report"]`` holds.

    To :func:`load_report` it is the :class:`LoadReport` itself (``.report``). To anything
    that reads ``attrs`` as data — pandas' ``to_parquet`` and pyarrow's ``from_pandas``
    write ``attrs`` into the file as JSON — it is a dict of the report's JSON form (the
    same as ``<name>.report.json``), made the first time it is read, so a load costs nothing
    for it and ``pd.read_parquet`` gives back a table whose report :func:`load_report`
    reads. Like the report, it is a record of a finished load: copying ``attrs`` (pandas
    does, deeply, on most operations) shares it.
    """

    def __init__(self, report: LoadReport):
        super().__init__(cxkit_load_report=_JSON_VERSION)  # never empty: json's fast path
        self.report = report
        self._full = False

    def _fill(self) -> None:
        if not self._full:
            self.update(self.report._data())
            self._full = True

    def items(self):
        self._fill()
        return super().items()

    def keys(self):
        self._fill()
        return super().keys()

    def values(self):
        self._fill()
        return super().values()

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._fill()
        return super().__contains__(key)

    def copy(self) -> dict:
        return dict(self.items())

    def __eq__(self, other) -> bool:
        if isinstance(other, _Attached):
            return other.report is self.report
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = None

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __reduce__(self):
        return (_Attached, (self.report,))

    def __repr__(self) -> str:
        r = self.report
        return (f"<cxkit load report ({r.kind}) for {r.source}: {r.rows_read} rows read, "
                f"{r.rows_kept} kept; cxkit.load_report(data) gives it>")


def _table_json(table: pd.DataFrame) -> dict:
    return json.loads(table.to_json(orient="table", index=False, date_unit="ns"))


def _table_from_json(data: dict) -> pd.DataFrame:
    table = pd.read_json(StringIO(json.dumps(data)), orient="table")
    for column in table.columns:  # JSON's table schema has no string type: object → str
        if table[column].dtype == object and table[column].map(
                lambda v: v is None or isinstance(v, str)).all():
            table[column] = table[column].astype("str")
    if "line" in table.columns:
        table["line"] = table["line"].astype("Int64")
    return table.reset_index(drop=True)


def load_report(data) -> LoadReport:
    """The :class:`LoadReport` of a table returned by a cxkit loader, or of a Parquet file
    written by ``load_journeys(..., to=...)``.

    The report travels with the table (in ``data.attrs``); tables derived from it by pandas
    operations usually keep it, but a table built from scratch has none. pandas'
    ``to_parquet`` stores it in the file (as JSON, in the file's metadata), so the table
    ``pd.read_parquet`` gives back has it too. A loader that writes Parquet itself (``to=``)
    writes the report beside it as JSON (``events.parquet`` → ``events.report.json``): pass
    either path.

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
    if isinstance(data, (str, os.PathLike)):
        return LoadReport.from_json(report_path(data))
    found = data.attrs.get(_REPORT_KEY) if isinstance(data, pd.DataFrame) else None
    if isinstance(found, _Attached):
        return found.report
    if isinstance(found, LoadReport):  # attached by hand
        return found
    if isinstance(found, Mapping):  # read back from a file by pandas (to_parquet keeps it)
        return LoadReport._from_data(found, where="the table's attrs")
    raise ValueError(
        "this table carries no load report: it was not returned by a cxkit loader "
        "(cxkit.load_journeys, cxkit.load_survey, cxkit.catalogue)"
    )


def report_path(path) -> Path:
    """Where the JSON report of a Parquet file written by a loader lives
    (``validated/events.parquet`` → ``validated/events.report.json``)."""
    path = Path(path)
    if path.name.endswith(".report.json"):
        return path
    stem = path.name[: -len(".parquet")] if path.name.endswith(".parquet") else path.name
    return path.with_name(stem + ".report.json")
