"""The export corpus of issue #11: one small file (or DataFrame) per defect of real exports.

Every defect the issue lists is here, in ``tests/exports/`` (binary files from
``tests/exports/make_exports.py``). A defect in one row is refused under ``on_error="raise"``
with a :class:`cxkit.DataError` naming the file, the column (canonical name) and *all* the rows
with that problem, and under ``on_error="set_aside"`` those rows are listed in the load report
with their row number, physical line and reason while every other row loads unchanged. A
defect of the whole file or of a column's type is refused in both modes. No corrupt input
raises anything but ``DataError``.

Row numbers: 1 at the first data row (the row below the header). ``line`` is the physical
line of the file where the record starts (CSV), the sheet row (Excel), NA (Parquet,
DataFrame).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

import cxkit

EXPORTS = Path(__file__).resolve().parent / "exports"
NPS = {"ranges": {"nps": (0, 10)}}
LOADERS = {"journeys": cxkit.load_journeys, "survey": cxkit.load_survey}
ANY = "any"  # where the contract does not say (the rows of a refused column type)

# The phrases of the contract's reasons (a reason starts with the problem).
PLACEHOLDER = r"^empty or placeholder id"
FIELDS_5 = r"^wrong number of fields: {} \(the header has 5\)"
FIELDS_4 = r"^wrong number of fields: {} \(the header has 4\)"
# Under on_error="raise" the message wording is the core's: accept the contract's phrase or the
# kit's earlier one, and check the quoted offending text where there is one.
EMPTY_ID = r"empty or placeholder id|empty id"
WRONG_FIELDS = r"wrong number of fields|fields than the header"
GZIP = r"(?i)gzip|\.csv\.gz|compress|crc"
XLSX = r"(?i)\.xlsx|xml|zip|workbook|sheet"


@dataclass(frozen=True)
class Defect:
    """One entry of the corpus.

    ``aside``: for a defect in some rows, ``(row, reason regex)`` of every row that
    ``on_error="set_aside"`` must list (and ``lines`` where the physical line is not the
    default); empty for a defect of the file or of a column, refused in both modes.
    """

    load: str
    source: str | Callable[[], pd.DataFrame]
    column: str | list | None
    rows: list | str
    says: tuple[str, ...]
    aside: tuple[tuple[int, str], ...] = ()
    lines: tuple[int, ...] | None = None
    kwargs: dict = field(default_factory=dict)

    def open(self):
        """The source to pass to the loader, and the file name the errors must give."""
        if callable(self.source):
            return self.source(), "<DataFrame>"
        path = EXPORTS / self.source
        return path, str(path)

    @property
    def kind(self) -> str:
        if callable(self.source):
            return "frame"
        return next(s for s in ("csv.gz", "csv", "xlsx", "parquet")
                    if self.source.endswith("." + s))


def defect(name, load, source, column, rows, says, *, aside=(), lines=None, **kwargs):
    says = (says,) if isinstance(says, str) else tuple(says)
    return pytest.param(Defect(load, source, column, rows, says, tuple(aside), lines, kwargs),
                        id=name)


# --------------------------------------------------------------------------------------------
# DataFrames of the corpus (a DataFrame is a source like a file)
# --------------------------------------------------------------------------------------------
TIMES = ["2024-03-01 09:00", "2024-03-01 10:00"]


def float_ids_1e20() -> pd.DataFrame:
    # int64 wraps both 1e20 and 2e20 to -9223372036854775808: two customers merged into one
    return pd.DataFrame({"customer_id": [1e20, 2e20], "timestamp": TIMES,
                         "touchpoint": ["web_visit", "purchase"]})


def survey_float_ids_1e20() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [1e20, 2e20], "ease_1": [6, 7], "nps": [9, 10]})


def value_above_2_53() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "timestamp": TIMES + TIMES[:1],
                         "touchpoint": ["purchase"] * 3,
                         "value": np.array([5, 2**53 + 1, 7], dtype="int64")})


def two_level_header() -> pd.DataFrame:
    columns = pd.MultiIndex.from_tuples([("who", "customer_id"), ("when", "timestamp"),
                                         ("what", "touchpoint")])
    return pd.DataFrame([["c1", TIMES[0], "web_visit"], ["c2", TIMES[1], "purchase"]],
                        columns=columns)


def survey_two_level_header() -> pd.DataFrame:
    columns = pd.MultiIndex.from_tuples([("id", "customer_id"), ("ease", "ease_1"),
                                         ("loyalty", "nps")])
    return pd.DataFrame([["r1", 6, 9], ["r2", 7, 10]], columns=columns)


# --------------------------------------------------------------------------------------------
# the corpus
# --------------------------------------------------------------------------------------------
DEFECTS = [
    # --- dialects: a ';' or tab export read without sep= (the whole file: always refused)
    defect("semicolon_export_without_sep_names_the_parameter", "journeys",
           "journeys_semicolon_without_sep.csv", None, [], ('sep=";"', 'decimal=","')),
    defect("tab_export_without_sep_names_the_parameter", "journeys",
           "journeys_tab_without_sep.csv", None, [], r"""sep=["']\\t["']"""),
    # --- ids: blank, placeholders, formulas, Excel error cells, floats int64 cannot hold
    defect("blank_ids_are_not_ids", "journeys", "journeys_blank_id.csv", "customer_id",
           [2, 4], EMPTY_ID, aside=[(2, PLACEHOLDER), (4, PLACEHOLDER)]),
    defect("placeholder_ids_are_not_ids", "journeys", "journeys_placeholder_ids.csv",
           "customer_id", [2, 3, 4, 6, 7, 8, 9, 10, 11, 12], "placeholder id",
           aside=[(2, PLACEHOLDER + " 'NULL'"), (3, PLACEHOLDER + " 'N/A'"),
                  (4, PLACEHOLDER + " '-'"), (6, PLACEHOLDER + " 'undefined'"),
                  (7, PLACEHOLDER + " '#N/A'"), (8, PLACEHOLDER + " 'None'"),
                  (9, PLACEHOLDER), (10, PLACEHOLDER + " 'nan'"),
                  (11, PLACEHOLDER + " 'NaN'"), (12, PLACEHOLDER + " 'NA'")]),
    defect("spreadsheet_formula_as_id_is_refused", "journeys", "journeys_formula_id.csv",
           "customer_id", [2, 4], "formula", aside=[(2, r"^formula in an id"),
                                                    (4, r"^formula in an id")]),
    defect("formula_cell_as_id_in_xlsx_is_refused", "journeys", "journeys_formula_id.xlsx",
           "customer_id", [3], r"formula|empty or placeholder id|empty id",
           aside=[(3, r"^formula in an id|" + PLACEHOLDER)]),
    defect("excel_error_cell_as_id_is_refused", "journeys", "journeys_excel_error_id.xlsx",
           "customer_id", [2], "#REF!", aside=[(2, r"^Excel error cell '#REF!'")]),
    defect("float_ids_1e20_and_2e20_in_parquet_are_refused_not_merged", "journeys",
           "journeys_float_ids_1e20.parquet", "customer_id", [1, 2],
           r"(?i)decimal|float|1e\+?20|100000000000000000000"),
    defect("float_ids_1e20_and_2e20_in_a_frame_are_refused_not_merged", "journeys",
           float_ids_1e20, "customer_id", [1, 2],
           r"(?i)decimal|float|1e\+?20|100000000000000000000"),
    # --- timestamps
    defect("timestamp_n_d_is_unreadable", "journeys", "journeys_timestamp_nd.csv", "timestamp",
           [3], "'N/D'", aside=[(3, r"^unreadable timestamp 'N/D'")]),
    defect("one_mistyped_time_among_naive_times_is_named_by_row", "journeys",
           "journeys_mistyped_month.csv", "timestamp", [3], "'2024-13-01 10:00'",
           aside=[(3, r"^unreadable timestamp '2024-13-01 10:00'")], tz="Europe/Rome"),
    # --- field counts: never padded, never shifted
    defect("truncated_lines_are_not_padded", "journeys", "journeys_truncated_line.csv", None,
           [3, 5], WRONG_FIELDS, aside=[(3, FIELDS_5.format(3)), (5, FIELDS_5.format(2))]),
    defect("line_with_one_extra_field_is_not_shifted", "journeys",
           "journeys_one_extra_field.csv", None, [2], WRONG_FIELDS,
           aside=[(2, FIELDS_5.format(6))]),
    defect("every_row_with_one_extra_field_is_not_shifted", "journeys",
           "journeys_every_row_extra_field.csv", None, [1, 2, 3, 4], WRONG_FIELDS),
    defect("quoted_field_spanning_lines_gives_rows_and_lines_apart", "journeys",
           "journeys_multiline_field_then_bad_row.csv", "customer_id", [3, 5], EMPTY_ID,
           aside=[(3, PLACEHOLDER), (5, PLACEHOLDER + " 'NULL'")], lines=(5, 9)),
    # --- values: never non-finite, never rounded, never an error cell turned into NaN
    defect("value_1e309_is_refused", "journeys", "journeys_value_1e309.csv", "value", [2, 4],
           "'1e309'", aside=[(2, r"'1e309'"), (4, r"'-1e309'")]),
    defect("value_inf_is_refused", "journeys", "journeys_value_inf.csv", "value", [1, 3],
           "'inf'", aside=[(1, r"'inf'"), (3, r"'-Infinity'")]),
    defect("value_nan_text_is_refused_not_missing", "journeys", "journeys_value_nan_text.csv",
           "value", [2, 3], "'nan'", aside=[(2, r"'nan'"), (3, r"'NaN'")]),
    defect("integer_value_above_2_53_is_refused_not_rounded", "journeys",
           "journeys_value_above_2_53.csv", "value", [2, 3], "9007199254740993",
           aside=[(2, "9007199254740993"), (3, "12345678901234567890")]),
    defect("integer_value_above_2_53_in_parquet_is_refused_not_rounded", "journeys",
           "journeys_value_above_2_53.parquet", "value", [2], "9007199254740993",
           aside=[(2, "9007199254740993")]),
    defect("integer_value_above_2_53_in_a_frame_is_refused_not_rounded", "journeys",
           value_above_2_53, "value", [2], "9007199254740993",
           aside=[(2, "9007199254740993")]),
    defect("excel_error_cells_in_a_value_column_are_refused_not_nan", "journeys",
           "journeys_excel_error_value.xlsx", "value", [2, 4], "#DIV/0!",
           aside=[(2, r"^Excel error cell '#DIV/0!'"), (4, r"^Excel error cell '#VALUE!'")]),
    defect("excel_error_text_in_a_csv_value_column_is_refused", "journeys",
           "journeys_value_excel_error_text.csv", "value", [2, 3], "#DIV/0!",
           aside=[(2, r"'#DIV/0!'"), (3, r"'#VALUE!'")]),
    # --- damaged files and tables the readers choke on
    defect("csv_gz_that_is_not_gzip", "journeys", "journeys_not_gzip.csv.gz", None, [], GZIP),
    defect("csv_gz_cut_short", "journeys", "journeys_truncated.csv.gz", None, [], GZIP),
    defect("csv_gz_with_a_damaged_byte", "journeys", "journeys_bad_crc.csv.gz", None, [], GZIP),
    defect("xlsx_with_broken_sheet_xml", "journeys", "journeys_broken_sheet_xml.xlsx", None,
           [], XLSX),
    defect("xlsx_cut_short", "journeys", "journeys_truncated_zip.xlsx", None, [], XLSX),
    defect("nested_parquet_id_column_is_refused", "journeys", "journeys_nested_id.parquet",
           "customer_id", ANY, r"(?i)nested|struct|dict|list|type|text"),
    defect("two_level_column_header_is_refused", "journeys", two_level_header, ANY, [],
           r"(?i)level|multiindex|header"),
    # --- surveys
    defect("survey_semicolon_export_without_sep_names_the_parameter", "survey",
           "survey_semicolon_without_sep.csv", None, [], ('sep=";"', 'decimal=","'), **NPS),
    defect("survey_blank_id_is_not_an_id", "survey", "survey_blank_id.csv", "customer_id",
           [2], EMPTY_ID, aside=[(2, PLACEHOLDER)], **NPS),
    defect("survey_placeholder_ids_are_not_ids", "survey", "survey_placeholder_id.csv",
           "customer_id", [2, 3, 5, 6], "placeholder id",
           aside=[(2, PLACEHOLDER + " 'NULL'"), (3, PLACEHOLDER + " 'N/A'"),
                  (5, PLACEHOLDER + " '#N/A'"), (6, PLACEHOLDER + " 'undefined'")], **NPS),
    defect("survey_non_numeric_answers_are_refused", "survey", "survey_non_numeric_answer.csv",
           "nps", [2, 4], "'ten'", aside=[(2, r"^not a number: 'ten'"),
                                          (4, r"^not a number: 'n.d.'")], **NPS),
    defect("survey_excel_error_answer_is_refused_not_nan", "survey",
           "survey_excel_error_answer.xlsx", "ease_1", [2], "#DIV/0!",
           aside=[(2, r"^Excel error cell '#DIV/0!'")], **NPS),
    defect("survey_truncated_line_is_not_padded", "survey", "survey_truncated_line.csv", None,
           [3], WRONG_FIELDS, aside=[(3, FIELDS_4.format(2))], **NPS),
    defect("survey_line_with_one_extra_field_is_not_shifted", "survey",
           "survey_one_extra_field.csv", None, [2], WRONG_FIELDS,
           aside=[(2, FIELDS_4.format(5))], **NPS),
    defect("survey_every_row_with_one_extra_field_is_not_shifted", "survey",
           "survey_every_row_extra_field.csv", None, [1, 2, 3], WRONG_FIELDS, **NPS),
    defect("survey_float_ids_1e20_and_2e20_are_refused_not_merged", "survey",
           survey_float_ids_1e20, "customer_id", [1, 2],
           r"(?i)decimal|float|1e\+?20|100000000000000000000", **NPS),
    defect("survey_two_level_column_header_is_refused", "survey", survey_two_level_header, ANY,
           [], r"(?i)level|multiindex|header", **NPS),
]
ROW_DEFECTS = [p for p in DEFECTS if p.values[0].aside]
EVERY_ROW_EXTRA = [p for p in DEFECTS if "every_row_with_one_extra_field" in p.id]


def _as_list(column):
    return None if column is None else [column] if isinstance(column, str) else list(column)


# --------------------------------------------------------------------------------------------
# on_error="raise": one DataError naming file, column and every row with the problem
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", DEFECTS)
def test_defect_is_refused_naming_file_column_and_rows(case):
    source, name = case.open()
    with pytest.raises(cxkit.DataError) as info:
        LOADERS[case.load](source, **case.kwargs)
    err, message = info.value, str(info.value)
    assert err.file == name
    assert message.startswith(f"{name}: ")
    for phrase in case.says:
        assert re.search(phrase, message), f"{phrase!r} not in {message!r}"
    if case.column != ANY:
        assert _as_list(err.column) == _as_list(case.column)
    if case.rows == ANY:
        assert err.rows in ([], list(range(1, len(source if case.kind == "frame" else
                                                       pd.read_parquet(source)) + 1)))
    else:
        assert err.rows == case.rows


@pytest.mark.parametrize("case", [p for p in DEFECTS if not p.values[0].aside
                                  and p not in EVERY_ROW_EXTRA])
def test_defect_of_a_whole_file_or_column_is_refused_also_when_setting_rows_aside(case):
    source, name = case.open()
    with pytest.raises(cxkit.DataError) as info:
        LOADERS[case.load](source, on_error="set_aside", **case.kwargs)
    assert info.value.file == name
    for phrase in case.says:
        assert re.search(phrase, str(info.value))


# --------------------------------------------------------------------------------------------
# on_error="set_aside": the bad rows are listed; every other row loads unchanged
# --------------------------------------------------------------------------------------------
def _records(case) -> list[dict]:
    """The data rows as an independent reader sees them (header → cell), with the file's own
    text for CSV, openpyxl's cells for Excel (error cells and formulas as their text)."""
    source, _ = case.open()
    if case.kind == "frame":
        return source.to_dict("records")
    if case.kind == "parquet":
        return pd.read_parquet(source).to_dict("records")
    if case.kind == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(source).active.iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    text = source.read_text(encoding="utf-8")  # the corpus CSVs are plain (no .gz) and UTF-8
    header, *rows = csv.reader(io.StringIO(text, newline=""), delimiter=",")
    return [dict(zip(header, row, strict=False)) for row in rows]


def _number(cell) -> float:
    if cell is None or cell == "" or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan
    return float(cell)


def _instant(cell, tz: str) -> pd.Timestamp:
    when = dt.datetime.strptime(cell, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz))
    return pd.Timestamp(when.astimezone(dt.UTC))


def _check_kept_rows(case, data: pd.DataFrame, kept: list[dict]) -> None:
    """Every kept row equals the file's row: the id as text, values and times as read
    independently (so no row was shifted, padded or changed)."""
    assert data["customer_id"].tolist() == [str(r["customer_id"]) for r in kept]
    if case.load == "journeys":
        assert data["touchpoint"].tolist() == [r["touchpoint"] for r in kept]
        tz = case.kwargs.get("tz", "UTC")
        assert data["timestamp"].tolist() == [_instant(r["timestamp"], tz) for r in kept]
        if "channel" in kept[0]:
            assert data["channel"].tolist() == [r["channel"] for r in kept]
        if "value" in kept[0]:
            np.testing.assert_array_equal(data["value"].to_numpy(dtype=float),
                                          [_number(r.get("value")) for r in kept])
    else:
        for item in (c for c in kept[0] if c != "customer_id"):
            np.testing.assert_array_equal(data[item].to_numpy(dtype=float),
                                          [_number(r.get(item)) for r in kept])


@pytest.mark.parametrize("case", ROW_DEFECTS)
def test_defective_rows_are_set_aside_with_row_line_and_reason(case):
    source, name = case.open()
    data = LOADERS[case.load](source, on_error="set_aside", **case.kwargs)
    report = cxkit.load_report(data)
    aside = report.set_aside.sort_values("row", kind="stable")
    assert {"file", "row", "line", "reason"} <= set(aside.columns)
    records = _records(case)
    assert report.rows_read == len(records)
    assert report.rows_read == report.rows_kept + len(report.set_aside)
    assert len(data) == report.rows_kept
    rows = [row for row, _ in case.aside]
    assert aside["row"].tolist() == rows
    if case.kind in ("frame", "parquet"):
        assert aside["line"].isna().all()
    else:  # CSV: the line where the record starts (header on line 1); Excel: the sheet row
        assert aside["line"].tolist() == list(case.lines or [row + 1 for row in rows])
    for (row, phrase), reason in zip(case.aside, aside["reason"], strict=True):
        assert re.search(phrase, reason), f"row {row}: {phrase!r} not in {reason!r}"
    assert set(aside["file"]) == {name}
    _check_kept_rows(case, data, [r for i, r in enumerate(records, 1) if i not in rows])


@pytest.mark.parametrize("case", EVERY_ROW_EXTRA)
def test_rows_all_one_field_too_long_are_never_loaded_shifted(case):
    """When every row has one field more than the header, no row is loaded (pandas would take
    the first field as the index and shift every column): all rows are set aside, or the file
    is refused."""
    source, name = case.open()
    try:
        data = LOADERS[case.load](source, on_error="set_aside", **case.kwargs)
    except cxkit.DataError as err:
        assert err.file == name and re.search(WRONG_FIELDS + "|no data rows|no row", str(err))
        return
    report = cxkit.load_report(data)
    assert len(data) == report.rows_kept == 0
    assert report.set_aside["row"].tolist() == case.rows
    assert report.rows_read == len(case.rows)


# --------------------------------------------------------------------------------------------
# nothing but DataError
# --------------------------------------------------------------------------------------------
CORRUPT = [pytest.param(p.values[0], mode, id=f"{p.id}-{mode}") for p in DEFECTS
           for mode in ("raise", "set_aside")]
NESTED_EXTRA = Defect("journeys", "journeys_nested_extra.parquet", "meta", ANY, ())
CORRUPT += [pytest.param(NESTED_EXTRA, mode, id=f"nested_parquet_extra_column-{mode}")
            for mode in ("raise", "set_aside")]


@pytest.mark.parametrize(("case", "mode"), CORRUPT)
def test_corrupt_input_raises_nothing_but_data_error(case, mode):
    source, name = case.open()
    try:
        LOADERS[case.load](source, on_error=mode, **case.kwargs)
    except cxkit.DataError as err:
        assert err.file == name
    except Exception as err:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(err).__module__}.{type(err).__name__} instead of DataError: {err}")
    else:
        assert mode == "set_aside" or case is NESTED_EXTRA, "a corrupt input loaded"


BAD_INPUTS = Path(__file__).resolve().parent / "bad_inputs"  # the loaders' older corpus
OLDER = [pytest.param(path, mode, id=f"{path.name}-{mode}")
         for path in sorted(BAD_INPUTS.iterdir()) if path.name.startswith(("journeys", "survey"))
         for mode in ("raise", "set_aside")]


@pytest.mark.parametrize(("path", "mode"), OLDER)
def test_bad_inputs_of_the_older_corpus_raise_nothing_but_data_error(path, mode):
    load, kwargs = ((cxkit.load_survey, NPS) if path.name.startswith("survey")
                    else (cxkit.load_journeys, {}))
    try:
        load(path, on_error=mode, **kwargs)
    except cxkit.DataError as err:
        assert err.file == str(path)
    except Exception as err:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(err).__module__}.{type(err).__name__} instead of DataError: {err}")


def test_nested_parquet_extra_column_is_refused_or_kept_unchanged():
    """A struct column beside the canonical ones: refused naming it, or kept as it is."""
    path = EXPORTS / NESTED_EXTRA.source
    try:
        data = cxkit.load_journeys(path)
    except cxkit.DataError as err:
        assert err.file == str(path) and _as_list(err.column) == ["meta"]
        return
    assert data["customer_id"].tolist() == ["c1", "c2"]
    assert list(data["meta"]) == [{"device": "ios", "build": 3}, {"device": "web", "build": 4}]


# --------------------------------------------------------------------------------------------
# the corpus itself
# --------------------------------------------------------------------------------------------
CLEAN_EXPORTS = {"export_italian_journeys.csv", "export_italian_survey.csv", "monthly"}


def test_every_file_of_the_corpus_is_used_and_small():
    on_disk = {p.name for p in EXPORTS.iterdir() if p.suffix != ".py" and p.name != "__pycache__"}
    used = {p.values[0].source for p in DEFECTS if isinstance(p.values[0].source, str)}
    assert used | {NESTED_EXTRA.source} | CLEAN_EXPORTS == on_disk
    sizes = [p.stat().st_size for p in EXPORTS.rglob("*") if p.is_file()]
    assert max(sizes) <= 8_000 and sum(sizes) < 1_000_000
    assert len(DEFECTS) >= 35
