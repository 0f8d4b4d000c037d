"""The loaders (cxkit.io): bad inputs are refused or reported, good inputs load unchanged.

Row numbers in every message are 1-based data rows: row 1 is the first row after the header.
The bad input files live in tests/bad_inputs/ (the binary ones come from make_bad_inputs.py).
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxkit
from cxkit import _check

BAD = Path(__file__).resolve().parent / "bad_inputs"
UTC = dt.UTC
MAPPING = {"customer_id": "client", "timestamp": "when", "touchpoint": "what", "value": "amount"}
NPS = {"ranges": {"nps": (0, 10)}}

LOADERS = {"journeys": cxkit.load_journeys, "survey": cxkit.load_survey,
           "catalogue": cxkit.catalogue}


def refused(load, file, column, rows, says, name, **kwargs):
    """One bad input: loader, file, the column(s) and rows the error must name, a phrase."""
    return pytest.param(load, file, column, rows, says, kwargs, id=name)


# Each case: what is wrong, the column(s) and 1-based data rows the DataError must name
# (None / [] where the problem is the whole file), and a phrase of the message.
REFUSED = [
    # --- journeys: columns and files
    refused("journeys", "journeys_missing_touchpoint.csv", "touchpoint", [],
            "required column(s) missing", "missing_required_column"),
    refused("journeys", "journeys_mapped_column_absent.csv", "amount", [],
            "mapped column(s) not in the data", "mapped_column_absent", columns=MAPPING),
    refused("journeys", "journeys_empty.csv", None, [], "the file is empty", "empty_file"),
    refused("journeys", "journeys_empty.csv.gz", None, [], "the file is empty",
            "empty_gzip_file"),
    refused("journeys", "journeys_header_only.csv", None, [], "no data rows",
            "header_only_csv"),
    refused("journeys", "journeys_header_only.parquet", None, [], "no data rows",
            "header_only_parquet"),
    refused("journeys", "journeys_latin1.csv", "note", [2], "byte 0xe9 at line 3",
            "latin1_byte_in_utf8_csv"),
    refused("journeys", "journeys_latin1.csv.gz", "note", [2], "byte 0xe9 at line 3",
            "latin1_byte_in_utf8_csv_gz"),
    refused("journeys", "journeys_title_row.xlsx", ["customer_id", "timestamp", "touchpoint"],
            [], "pass skiprows=2", "excel_title_row_above_header"),
    refused("journeys", "journeys_ragged_row.csv", None, [2],
            "wrong number of fields: 5 (the header has 4)", "ragged_row_with_unquoted_comma"),
    refused("journeys", "journeys_duplicate_header.csv", "touchpoint", [],
            "used more than once", "column_name_repeated_in_header"),
    refused("journeys", "journeys_export.tsv", None, [], "unsupported file type '.tsv'",
            "unsupported_suffix"),
    refused("journeys", "journeys_not_gzip.csv.gz", None, [], "cannot read the file as .csv.gz",
            "csv_gz_that_is_not_gzip"),
    refused("journeys", "journeys_not_parquet.parquet", None, [],
            "cannot read the file as .parquet", "parquet_that_is_not_parquet"),
    refused("journeys", "journeys_not_xlsx.xlsx", None, [], "cannot read the file as .xlsx",
            "xlsx_that_is_not_a_workbook"),
    # --- journeys: ids, touchpoints, values
    refused("journeys", "journeys_empty_customer_id.csv", "customer_id", [2, 4],
            "empty or placeholder id", "empty_customer_ids"),
    refused("journeys", "journeys_nan_customer_id.parquet", "customer_id", [2],
            "empty or placeholder id", "nan_customer_id_in_parquet"),
    refused("journeys", "journeys_empty_touchpoint.csv", "touchpoint", [3], "empty value",
            "empty_touchpoint"),
    refused("journeys", "journeys_unknown_touchpoint.csv", "touchpoint", [2, 4],
            "not in the catalogue: ['Purchase', 'kiosk_checkin']",
            "unknown_touchpoints_with_on_unknown_raise", on_unknown="raise"),
    refused("journeys", "journeys_non_numeric_value.csv", "value", [2, 3],
            "not a number: '12,50', 'n/a'", "non_numeric_value"),
    # --- journeys: timestamps
    refused("journeys", "journeys_empty_timestamp.csv", "timestamp", [2], "empty timestamp",
            "empty_timestamp"),
    refused("journeys", "journeys_unparsable_timestamp.csv", "timestamp", [3],
            "cannot read timestamp(s) '31/02/2024 9h'", "unparsable_timestamp"),
    refused("journeys", "journeys_mixed_time_zones.csv", "timestamp", [3],
            "a mix of time zones", "mixed_naive_and_offset_timestamps"),
    refused("journeys", "journeys_epoch_without_time_format.csv", "timestamp", [1, 2, 3],
            "timestamps written as whole numbers; say how to read them with time_format=",
            "integer_epochs_without_time_format"),
    refused("journeys", "journeys_epoch_ms.parquet", "timestamp", [1, 2],
            "timestamps written as whole numbers", "int64_epochs_in_parquet_without_time_format"),
    refused("journeys", "journeys_compact_dates.csv", "timestamp", [1, 2, 3], "'%Y%m%d'",
            "compact_dates_without_time_format"),
    refused("journeys", "journeys_epoch_seconds.csv", "timestamp", [1, 2, 3],
            "outside 1971–2100", "epoch_seconds_read_as_milliseconds", time_format="ms"),
    refused("journeys", "journeys_epoch_ms.parquet", "timestamp", [1, 2], "outside 1971–2100",
            "epoch_milliseconds_read_as_seconds", time_format="s"),
    refused("journeys", "journeys_dst_gap_rome.csv", "timestamp", [2],
            "does not exist or is ambiguous in Europe/Rome",
            "nonexistent_local_time_at_dst_start", tz="Europe/Rome"),
    refused("journeys", "journeys_dst_ambiguous_rome.csv", "timestamp", [3],
            "does not exist or is ambiguous in Europe/Rome", "ambiguous_local_time_at_dst_end",
            tz="Europe/Rome"),
    # --- surveys
    refused("survey", "survey_likert_out_of_scale.csv", "ease_1", [3], "ease_1: 8 (range 1–7)",
            "likert_8_on_a_1_to_7_scale", **NPS),
    refused("survey", "survey_undeclared_missing_code.csv", "csr_2", [2, 4],
            "csr_2: -99 (range 1–7); if a value is a code for 'no answer', declare it",
            "undeclared_missing_code", **NPS),
    refused("survey", "survey_undeclared_missing_code.xlsx", "csr_2", [2], "csr_2: -99",
            "undeclared_missing_code_in_xlsx", **NPS),
    refused("survey", "survey_empty_id.csv", "customer_id", [2], "empty or placeholder id",
            "empty_respondent_id", **NPS),
    refused("survey", "survey_duplicate_respondent.csv", "customer_id", [1, 3],
            "respondent key is not unique", "duplicate_respondent_ids", **NPS),
    refused("survey", "survey_duplicate_wave.csv", ["customer_id", "wave"], [1, 4],
            "respondent key is not unique", "duplicate_respondent_wave_keys", **NPS),
    refused("survey", "survey_non_numeric_answer.csv", "nps", [2], "not a number: 'ten'",
            "non_numeric_answer", **NPS),
    refused("survey", "survey_without_nps.csv", "nps", [], "named in ranges/keep are not in "
            "the data", "ranges_naming_an_absent_column", **NPS),
    refused("survey", "survey_without_nps.csv", "segment", [], "not in the data",
            "keep_naming_an_absent_column", keep=["segment"]),
    refused("survey", "survey_without_nps.csv", "respondent", [],
            "respondent id column not found", "id_column_absent", id_column="respondent"),
    # --- catalogues
    refused("catalogue", "catalogue_bad_level.csv", "level", [2], "unknown value(s) "
            "['engagment']", "catalogue_level_misspelt"),
    refused("catalogue", "catalogue_duplicate_touchpoint.csv", "touchpoint", [1, 3],
            "touchpoint listed more than once", "catalogue_duplicate_touchpoint"),
    refused("catalogue", "catalogue_bad_flag.csv", "moment_of_truth", [2],
            "not a true/false flag", "catalogue_non_boolean_flag"),
    refused("catalogue", "catalogue_missing_stage.csv", "stage", [],
            "column(s) not in the touchpoint catalogue table", "catalogue_missing_column"),
]


def _as_list(column):
    return None if column is None else [column] if isinstance(column, str) else list(column)


@pytest.mark.parametrize(("load", "file", "column", "rows", "says", "kwargs"), REFUSED)
def test_bad_input_is_refused_naming_file_column_and_rows(load, file, column, rows, says,
                                                          kwargs):
    path = BAD / file
    with pytest.raises(cxkit.DataError) as info:
        LOADERS[load](path, **kwargs)
    err = info.value
    message = str(err)
    assert type(err) is cxkit.DataError and isinstance(err, ValueError)
    assert message.startswith(f"{path}: ")
    assert says in message
    assert err.rows == rows
    if rows:
        label = "row" if len(rows) == 1 else "rows"
        assert f"{label} {', '.join(map(str, rows))}: " in message
    assert _as_list(err.column) == _as_list(column)
    for name in _as_list(column) or []:
        assert repr(name) in message.split(": ")[1]


def test_corpus_has_at_least_24_small_bad_input_files():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix != ".py"}
    used = {case.values[1] for case in REFUSED}
    assert len(REFUSED) >= 24
    assert used <= on_disk
    assert all((BAD / name).stat().st_size <= 8_000 for name in on_disk)


def test_data_error_is_a_value_error_shown_as_cxkit_data_error():
    assert issubclass(cxkit.DataError, ValueError)
    assert f"{cxkit.DataError.__module__}.{cxkit.DataError.__name__}" == "cxkit.DataError"


def test_undeclared_missing_code_is_refused():
    raw = pd.DataFrame({"customer_id": ["r1", "r2", "r3"], "csr_1": [6, -99, 7]})
    with pytest.raises(cxkit.DataError, match=r"column 'csr_1', row 2: .*csr_1: -99"):
        cxkit.load_survey(raw)


def test_repeated_column_names_in_a_frame_are_refused():
    raw = pd.DataFrame([["c1", "2024-03-01 09:00", "web_visit", "purchase"]],
                       columns=["customer_id", "timestamp", "touchpoint", "touchpoint"])
    with pytest.raises(cxkit.DataError, match="column 'touchpoint': column name"):
        cxkit.load_journeys(raw)


def test_unknown_canonical_name_in_columns_is_a_usage_error():
    raw = pd.DataFrame({"customer_id": ["c1"], "timestamp": ["2024-03-01"],
                        "touchpoint": ["web_visit"]})
    with pytest.raises(ValueError, match="unknown canonical name") as info:
        cxkit.load_journeys(raw, columns={"client_id": "customer_id"})
    assert not isinstance(info.value, cxkit.DataError)


# --------------------------------------------------------------------------------------------
# a column mapped with columns= is named as the user's file names it
# --------------------------------------------------------------------------------------------
def test_a_bad_time_in_a_mapped_timestamp_column_is_named_as_the_file_names_it(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("Kunde,Zeit,Was\nc1,2024-03-01 09:00,web_visit\nc1,2024-03-01 10:00,purchase\n"
                    "c2,2024-03-02 11:00,web_visit\nc2,gestern,purchase\n")
    with pytest.raises(cxkit.DataError) as info:
        cxkit.load_journeys(path, columns={"customer_id": "Kunde", "timestamp": "Zeit",
                                           "touchpoint": "Was"})
    message = str(info.value)
    assert message.startswith(f"{path}: column 'Zeit' (timestamp), row 4: cannot read "
                              "timestamp(s) 'gestern'")
    assert info.value.column == "timestamp" and info.value.rows == [4]


def test_an_empty_id_in_a_mapped_id_column_is_named_as_the_file_names_it():
    raw = pd.DataFrame({"client": ["c1", " ", "c2"], "timestamp": ["2024-03-01 09:00"] * 3,
                        "touchpoint": ["web_visit"] * 3})
    with pytest.raises(cxkit.DataError,
                       match=r"^<DataFrame>: column 'client' \(customer_id\), row 2: empty or "
                             "placeholder id"):
        cxkit.load_journeys(raw, columns={"customer_id": "client"})


def test_survey_errors_name_mapped_columns_as_the_file_names_them():
    raw = pd.DataFrame({"respondent": ["r1", "r2", ""], "facilita_1": [7, 9, 5]})
    with pytest.raises(cxkit.DataError,
                       match=r"column 'respondent' \(customer_id\), row 3: empty or "
                             "placeholder id"):
        cxkit.load_survey(raw, columns={"customer_id": "respondent", "ease_1": "facilita_1"})
    with pytest.raises(cxkit.DataError, match=r"column 'facilita_1' \(ease_1\), row 2: value"):
        cxkit.load_survey(raw.assign(respondent=["r1", "r2", "r3"]),
                          columns={"customer_id": "respondent", "ease_1": "facilita_1"})


def test_unmapped_columns_are_named_as_they_are():
    raw = pd.DataFrame({"customer_id": ["c1"], "timestamp": ["soon"], "touchpoint": ["web_visit"]})
    with pytest.raises(cxkit.DataError, match=r"^<DataFrame>: column 'timestamp', row 1: "):
        cxkit.load_journeys(raw)


# --------------------------------------------------------------------------------------------
# the checks of cxkit._check that the loaders use
# --------------------------------------------------------------------------------------------
def test_in_source_adds_the_file_and_the_users_names_to_any_data_error():
    with pytest.raises(cxkit.DataError) as info:
        with _check.in_source(file="survey.csv", names={"ease_1": "facilita_1"}):
            _check.refuse_rows([True, False, True], "bad", "ease_1", "good")
    assert str(info.value) == ("survey.csv: column 'facilita_1' (ease_1), rows 1, 3: bad "
                               "(expected good)")
    assert (info.value.file, info.value.column, info.value.rows) == ("survey.csv", "ease_1",
                                                                     [1, 3])
    with pytest.raises(cxkit.DataError, match="^inner.csv: "):  # a file already named stays
        with _check.in_source(file="outer.csv"):
            raise cxkit.DataError("bad", file="inner.csv")
    with pytest.raises(KeyError):  # other errors pass through untouched
        with _check.in_source(file="outer.csv"):
            raise KeyError("x")


def test_blank_is_missing_or_only_spaces():
    assert _check.blank(pd.Series(["a", "", "  ", None, 0], index=[5, 6, 7, 8, 9])).tolist() == [
        False, True, True, True, False]


def test_numbers_from_text_convert_text_and_refuse_what_is_not_a_number():
    values = _check.numbers_from_text(pd.Series(["1", " 2.5", "", None]), "ease_1")
    np.testing.assert_array_equal(values.to_numpy(), [1.0, 2.5, np.nan, np.nan])
    assert values.dtype == "float64"
    assert _check.numbers_from_text(pd.Series([3, 4]), "nps").tolist() == [3.0, 4.0]
    with pytest.raises(cxkit.DataError, match="not a number: 'ten', '1,5'") as info:
        _check.numbers_from_text(pd.Series(["7", "ten", "1,5"]), "nps")
    assert info.value.rows == [2, 3] and info.value.column == "nps"
    with pytest.raises(cxkit.DataError, match="true/false values"):
        _check.numbers_from_text(pd.Series([True, False]), "nps")


def test_parsed_refuses_what_a_parser_could_not_read():
    text = pd.Series(["2024-01-01", "never", "2024-01-03"])
    result = pd.to_datetime(text, errors="coerce", format="ISO8601")
    with pytest.raises(cxkit.DataError,
                       match=r"column 'timestamp', row 2: cannot read timestamp\(s\) 'never'"):
        _check.parsed(text, result, "timestamp", what="timestamp(s)", expected="dates")
    assert _check.parsed(text[[0, 2]], result[[0, 2]], "timestamp", what="timestamp(s)",
                         expected="dates") is not None


def test_unique_header_ignores_blank_header_cells():
    _check.unique_header(["a", "b", "", None, "", "c"])
    with pytest.raises(cxkit.DataError, match="used more than once in the header") as info:
        _check.unique_header(["a", "b", "a", "b", "c"])
    assert info.value.column == ["a", "b"]


# --------------------------------------------------------------------------------------------
# bad inputs the kit reports instead of refusing: every row is kept, the report says why
# --------------------------------------------------------------------------------------------
def _nothing_lost(table, rows):
    report = cxkit.load_report(table)
    assert (report.rows_read, report.rows_kept, len(table)) == (rows, rows, rows)
    assert report.set_aside.empty
    return report


def test_unknown_touchpoints_are_kept_with_level_nan_and_reported():
    events = cxkit.load_journeys(BAD / "journeys_unknown_touchpoint.csv")
    report = _nothing_lost(events, 4)
    assert events["touchpoint"].tolist() == ["web_visit", "kiosk_checkin", "purchase",
                                             "Purchase"]
    assert events["level"].isna().tolist() == [False, True, False, True]
    assert events["stage"].isna().tolist() == [False, True, False, True]
    assert events["channel"].tolist() == ["web", "store", "store", "web"]  # the data's own
    assert ("2 event(s) with 2 touchpoint(s) not in the catalogue kept with level NaN: "
            "kiosk_checkin, Purchase") in report.notes
    unknown = report.details["unknown_touchpoints"]
    assert sorted(zip(unknown["touchpoint"], unknown["events"], strict=True)) == [
        ("Purchase", 1), ("kiosk_checkin", 1)]


def test_exact_duplicates_are_kept_and_reported_by_default():
    events = cxkit.load_journeys(BAD / "journeys_exact_duplicates.csv")
    report = _nothing_lost(events, 5)
    assert ("2 exact duplicate event(s) kept (pass dedupe=True to remove them): rows 3, 5"
            in report.notes)
    assert report.details["duplicates"]["row"].tolist() == [3, 5]
    assert report.ok


@pytest.mark.parametrize("few", [32, 0])
@pytest.mark.parametrize("sorted_at_once", [12_000_000, 2])
@pytest.mark.parametrize("dedupe", [False, True])
def test_exact_duplicates_found_the_same_way_when_written_to_parquet(
        tmp_path, monkeypatch, dedupe, sorted_at_once, few):
    # with to= the hashes are sorted in passes (forced here: 2 at a time) and, without
    # dedupe, on a second connection while the file is written; the rows of repeated
    # hashes are found one hash at a time or (forced here: few=0) by a binary search
    from cxkit.io import journeys

    monkeypatch.setattr(journeys, "_SORTED", sorted_at_once)
    monkeypatch.setattr(journeys, "_FEW", few)
    source = BAD / "journeys_exact_duplicates.csv"
    written = cxkit.load_journeys(source, dedupe=dedupe, to=tmp_path / "events.parquet")
    in_memory = cxkit.load_journeys(source, dedupe=dedupe)
    saved, loaded = cxkit.load_report(written), cxkit.load_report(in_memory)
    assert saved.notes == loaded.notes
    pd.testing.assert_frame_equal(saved.details["duplicates"], loaded.details["duplicates"],
                                  check_dtype=False)
    pd.testing.assert_frame_equal(saved.set_aside, loaded.set_aside, check_dtype=False)
    assert pd.read_parquet(written)["touchpoint"].tolist() == in_memory["touchpoint"].tolist()


def test_duplicates_of_touchpoints_not_in_the_catalogue_are_found_when_written(tmp_path):
    # in the to= stage an unknown touchpoint is held as text beside an empty code: two
    # unknown touchpoints at the same time are not duplicates, the same one twice is
    raw = pd.DataFrame({"customer_id": ["c1"] * 5,
                        "timestamp": ["2024-03-01 09:00"] * 4 + ["2024-03-02 09:00"],
                        "touchpoint": ["kiosk_checkin", "kiosk_exit", "kiosk_checkin",
                                       "web_visit", "kiosk_checkin"]})
    written = cxkit.load_journeys(raw, to=tmp_path / "events.parquet")
    in_memory = cxkit.load_journeys(raw)
    for report in (cxkit.load_report(written), cxkit.load_report(in_memory)):
        assert report.details["duplicates"]["row"].tolist() == [3]
    assert pd.read_parquet(written)["touchpoint"].tolist() == raw["touchpoint"].tolist()


def test_rows_of_repeated_hashes_are_found_alike_one_by_one_and_by_binary_search():
    from cxkit.io.journeys import _among

    hashes = np.array([7, 3, 9, 3, 2**64 - 1, 7, 0, 2**64 - 1], dtype=np.uint64)
    for repeated, expected in [([], []), ([3], [1, 3]), ([3, 7, 2**64 - 1], [0, 1, 3, 4, 5, 7]),
                               ([0, 1], [6])]:
        repeated = np.array(repeated, dtype=np.uint64)
        found = np.flatnonzero(_among(hashes, repeated)).tolist()
        assert found == expected
        with pytest.MonkeyPatch.context() as patch:
            from cxkit.io import journeys

            patch.setattr(journeys, "_FEW", 0)
            assert np.flatnonzero(_among(hashes, repeated)).tolist() == expected


def test_dedupe_removes_exact_duplicates_and_lists_them_as_set_aside():
    events = cxkit.load_journeys(BAD / "journeys_exact_duplicates.csv", dedupe=True)
    report = cxkit.load_report(events)
    assert (report.rows_read, report.rows_kept, len(events)) == (5, 3, 3)
    assert report.set_aside.to_dict("list") == {
        "file": [str(BAD / "journeys_exact_duplicates.csv")] * 2, "row": [3, 5],
        "line": [4, 6], "reason": ["exact duplicate of an earlier event"] * 2}
    assert events["customer_id"].tolist() == ["c1", "c1", "c2"]
    assert events["touchpoint"].tolist() == ["purchase", "web_visit", "purchase"]
    assert "2 exact duplicate event(s) removed (dedupe=True)" in report.notes
    assert not report.ok


def test_email_column_is_reported_as_personal_data():
    events = cxkit.load_journeys(BAD / "journeys_email_column.csv")
    report = _nothing_lost(events, 3)
    assert report.warnings == ["column 'contact' holds personal data: e-mail addresses in 100% "
                               "of rows (3 rows checked); pseudonymise or drop it before sharing"]
    assert events["contact"].tolist() == ["anna.rossi@example.org", "luca+shop@example.com",
                                          "giulia_b@example.it"]
    assert not report.ok


def test_declared_missing_code_becomes_nan_and_is_counted():
    survey = cxkit.load_survey(BAD / "survey_undeclared_missing_code.csv",
                               missing_codes=(-99,), **NPS)
    report = _nothing_lost(survey, 4)
    assert survey["csr_2"].isna().tolist() == [False, True, False, True]
    assert report.notes == ["missing code(s) turned into NaN: csr_2: -99 × 2"]
    assert report.details["missing_codes"].to_dict("list") == {
        "column": ["csr_2"], "code": [-99.0], "count": [2]}


def test_file_with_latin1_bytes_loads_with_the_stated_encoding():
    events = cxkit.load_journeys(BAD / "journeys_latin1.csv", encoding="latin-1")
    assert events["note"].iloc[:2].tolist() == ["bar", "café"]
    assert events["note"].isna().tolist() == [False, False, True]


def test_sheet_with_a_title_row_loads_with_the_suggested_skiprows():
    events = cxkit.load_journeys(BAD / "journeys_title_row.xlsx", skiprows=2)
    assert events["customer_id"].tolist() == ["c1", "c2"]
    assert events["timestamp"].tolist() == [pd.Timestamp("2024-03-01 09:00", tz="UTC"),
                                            pd.Timestamp("2024-03-01 10:00", tz="UTC")]


def test_blank_answers_are_left_as_nan_and_counted():
    raw = pd.DataFrame({"customer_id": ["r1", "r2"], "csr_1": [6, None], "nps": [9, 7]})
    survey = cxkit.load_survey(raw, **NPS)
    report = _nothing_lost(survey, 2)
    assert report.notes == ["blank answers (left as NaN): csr_1: 1"]
    assert report.details["missing_values"].to_dict("list") == {
        "column": ["csr_1", "nps"], "blank": [1, 0], "missing_code": [0, 0]}


def test_whole_number_float_ids_are_read_as_integers_and_noted():
    raw = pd.DataFrame({"customer_id": [101.0, 102.0], "nps": [9, 7]})
    survey = cxkit.load_survey(raw, **NPS)
    assert survey["customer_id"].tolist() == ["101", "102"]
    assert cxkit.load_report(survey).notes == [
        "customer_id stored as decimals (e.g. 101.0); read as whole-number ids"]


# --------------------------------------------------------------------------------------------
# round trips: every format gives back exactly what was written
# --------------------------------------------------------------------------------------------
FORMATS = ["csv", "csv.gz", "parquet", "xlsx", "frame"]
EVENT_TIMES = ["2024-03-01 09:30:00", "2024-07-15 23:59:59", "1999-12-31 23:00:00",
               "2024-03-01 09:30:00", "2071-06-30 12:00:01"]
# Values Excel keeps exactly (it stores 15 significant digits; 0.1 + 0.2 would not survive).
EVENT_VALUES = [59.9, np.nan, 0.1, -3.25, 1234.5678]


@pytest.fixture
def events():
    return pd.DataFrame({
        "customer_id": ["007", "7", "N-A", "c-4", "007"],
        "timestamp": pd.to_datetime(EVENT_TIMES).tz_localize("UTC"),
        "touchpoint": ["purchase", "support_call", "csr_report_view", "purchase",
                       "word_of_mouth_received"],
        "channel": ["store", "phone", "web", "web", "social"],
        "value": EVENT_VALUES,
        # text that other readers take for missing values stays text (outside the ids, where
        # the contract makes NA, None, nan ... placeholders that are never ids)
        "note": ["NA", "None", "nan", "N/A", "null"],
    })


@pytest.fixture
def survey():
    return pd.DataFrame({
        "customer_id": ["007", "007", "7", "A-12"],
        "wave": [1, 2, 1, 2],
        "csr_1": [7.0, 1.0, np.nan, 4.0],
        "csr_2": [6.5, 2.0, 3.0, np.nan],
        "nps": [10.0, 0.0, 7.0, 9.0],
    })


def _write(frame: pd.DataFrame, folder: Path, fmt: str):
    if fmt == "frame":
        return frame.copy()
    path = folder / f"table.{fmt}"
    if fmt == "xlsx":
        # Excel has no time zones: write the UTC wall clock, which tz="UTC" reads back.
        naive = {c: frame[c].dt.tz_localize(None) for c in frame
                 if isinstance(frame[c].dtype, pd.DatetimeTZDtype)}
        frame.assign(**naive).to_excel(path, index=False)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_events_round_trip_unchanged(events, tmp_path, fmt):
    loaded = cxkit.load_journeys(_write(events, tmp_path, fmt))
    assert loaded.columns[:5].tolist() == ["customer_id", "timestamp", "touchpoint", "channel",
                                           "value"]
    assert loaded["customer_id"].tolist() == ["007", "7", "N-A", "c-4", "007"]
    assert loaded["note"].tolist() == ["NA", "None", "nan", "N/A", "null"]
    assert all(isinstance(v, str) for v in loaded["customer_id"])
    assert str(loaded["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert loaded["timestamp"].tolist() == [pd.Timestamp(t, tz="UTC") for t in EVENT_TIMES]
    assert loaded["touchpoint"].tolist() == events["touchpoint"].tolist()
    assert loaded["channel"].tolist() == events["channel"].tolist()
    assert loaded["value"].dtype == np.float64
    np.testing.assert_array_equal(loaded["value"].to_numpy(), np.array(EVENT_VALUES))
    assert loaded["level"].tolist() == ["interaction", "interaction", "experience",
                                        "interaction", "experience"]
    report = _nothing_lost(loaded, 5)
    assert report.source == ("<DataFrame>" if fmt == "frame" else str(tmp_path / f"table.{fmt}"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_survey_round_trips_unchanged(survey, tmp_path, fmt):
    loaded = cxkit.load_survey(_write(survey, tmp_path, fmt), **NPS)
    assert loaded.columns.tolist() == ["customer_id", "wave", "csr_1", "csr_2", "nps"]
    assert loaded["customer_id"].tolist() == ["007", "007", "7", "A-12"]
    assert loaded["wave"].tolist() == [1, 2, 1, 2]
    for item in ("csr_1", "csr_2", "nps"):
        assert loaded[item].dtype == np.float64
        np.testing.assert_array_equal(loaded[item].to_numpy(), survey[item].to_numpy())
    _nothing_lost(loaded, 4)


def test_column_mapping_renames_to_canonical_names_and_keeps_other_columns():
    raw = pd.DataFrame({"client": ["c1", "c2"], "when": ["2024-03-01 09:00", "2024-03-02 10:00"],
                        "what": ["purchase", "support_call"], "amount": ["59.90", ""],
                        "store": ["Milan", "Rome"]})
    events = cxkit.load_journeys(raw, columns=MAPPING)
    assert events.columns.tolist() == ["customer_id", "timestamp", "touchpoint", "channel",
                                       "value", "level", "stage", "direction", "controllable",
                                       "moment_of_truth", "store"]
    assert events["customer_id"].tolist() == ["c1", "c2"]
    assert events["channel"].tolist() == ["web", "phone"]  # from the catalogue
    np.testing.assert_array_equal(events["value"].to_numpy(), [59.9, np.nan])
    assert events["store"].tolist() == ["Milan", "Rome"]


# --------------------------------------------------------------------------------------------
# timestamps, against answers worked out by hand
# --------------------------------------------------------------------------------------------
def _load_times(values, **kwargs) -> list[pd.Timestamp]:
    raw = pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(values))],
                        "timestamp": values, "touchpoint": "web_visit"})
    return cxkit.load_journeys(raw, **kwargs)["timestamp"].tolist()


def _utc(*texts):
    return [pd.Timestamp(t, tz="UTC") for t in texts]


def test_naive_times_in_rome_are_one_hour_ahead_in_winter_and_two_in_summer():
    times = _load_times(["2024-01-15 12:00", "2024-07-15 12:00", "2024-03-31 01:59",
                         "2024-03-31 03:00", "2024-10-27 03:00"], tz="Europe/Rome")
    assert times == _utc("2024-01-15 11:00", "2024-07-15 10:00", "2024-03-31 00:59",
                         "2024-03-31 01:00", "2024-10-27 02:00")


def test_naive_datetime_column_is_read_in_the_stated_zone():
    naive = pd.to_datetime(pd.Series(["2024-01-15 12:00", "2024-07-15 12:00"]))
    assert _load_times(naive, tz="Europe/Rome") == _utc("2024-01-15 11:00", "2024-07-15 10:00")
    assert _load_times(naive) == _utc("2024-01-15 12:00", "2024-07-15 12:00")


def test_aware_strings_with_different_offsets_become_the_same_utc_instants():
    times = _load_times(["2024-01-15T12:00:00+01:00", "2024-01-15T06:00:00-05:00",
                         "2024-01-15T11:00:00Z", "2024-01-15 11:00 UTC",
                         "2024-01-15T16:30:00+05:30"])
    assert times == _utc(*["2024-01-15 11:00"] * 5)


def test_offsets_win_over_tz_for_aware_strings():
    assert _load_times(["2024-07-15T12:00:00+00:00"], tz="Europe/Rome") == _utc(
        "2024-07-15 12:00")


def test_aware_datetime_column_in_another_zone_is_converted_to_utc():
    rome = pd.to_datetime(pd.Series(["2024-01-15 12:00", "2024-07-15 12:00"])
                          ).dt.tz_localize("Europe/Rome")
    assert _load_times(rome) == _utc("2024-01-15 11:00", "2024-07-15 10:00")


@pytest.mark.parametrize(("unit", "epoch"), [("s", 1705320000), ("ms", 1705320000000),
                                             ("us", 1705320000000000),
                                             ("ns", 1705320000000000000)])
def test_epochs_in_each_unit_give_the_same_instant(unit, epoch):
    # 2024-01-01 00:00 UTC is 1704067200 s; + 14 days (1209600 s) + 12 hours (43200 s).
    expected = _utc("2024-01-15 12:00", "2024-01-15 12:00:01")
    step = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    assert _load_times([epoch, epoch + step], time_format=unit) == expected
    assert _load_times([str(epoch), str(epoch + step)], time_format=unit) == expected


def test_epoch_text_in_a_csv_loads_with_time_format():
    events = cxkit.load_journeys(BAD / "journeys_epoch_seconds.csv", time_format="s")
    assert events["timestamp"].tolist() == _utc("2024-01-15 12:00", "2024-01-15 12:01",
                                                "2024-01-16 12:00")


def test_epoch_milliseconds_in_parquet_load_with_time_format():
    events = cxkit.load_journeys(BAD / "journeys_epoch_ms.parquet", time_format="ms")
    assert events["timestamp"].tolist() == _utc("2024-03-01 08:00", "2024-03-01 09:00")


def test_compact_dates_load_with_a_pattern():
    assert _load_times(["19970101", "20240229"], time_format="%Y%m%d") == _utc(
        "1997-01-01", "2024-02-29")
    assert _load_times([19970101, 20240229], time_format="%Y%m%d") == _utc(
        "1997-01-01", "2024-02-29")
    assert _load_times(["19970101"], time_format="%Y%m%d", tz="Europe/Rome") == _utc(
        "1996-12-31 23:00")


def test_day_first_pattern_is_read_in_the_stated_zone():
    times = _load_times(["31/03/2024 09:30", "01/02/2024 09:30"],
                        time_format="%d/%m/%Y %H:%M", tz="Europe/Rome")
    assert times == _utc("2024-03-31 07:30", "2024-02-01 08:30")


def test_mixed_naive_and_aware_datetimes_are_refused():
    values = pd.Series([dt.datetime(2024, 1, 1, 9, tzinfo=UTC), dt.datetime(2024, 1, 1, 10),
                        dt.datetime(2024, 1, 1, 11, tzinfo=UTC)], dtype=object)
    with pytest.raises(cxkit.DataError, match=r"column 'timestamp', row 2: a mix of time zones"):
        _load_times(values)


@pytest.mark.parametrize("text", ["1969-12-31 23:00", "2101-01-01 00:00"])
def test_timestamps_outside_1970_to_2100_are_refused(text):
    with pytest.raises(cxkit.DataError, match=r"row 2: timestamp\(s\) outside 1970–2100"):
        _load_times(["2024-01-01 00:00", text])


def test_microsecond_epoch_read_as_seconds_is_refused_not_overflowed():
    with pytest.raises(cxkit.DataError, match=r"row 1: epoch\(s\) in 's' that fall outside"):
        _load_times([1705320000000000], time_format="s")


# --------------------------------------------------------------------------------------------
# property: any valid journey table loads with no row lost and no value changed
# --------------------------------------------------------------------------------------------
TOUCHPOINTS = cxkit.catalogue()["touchpoint"].tolist()
# placeholders (NA, nan, None, -, ...) are never ids: the contract refuses them (tested in
# test_io_corpus.py); every other text is an id, kept exactly
PLACEHOLDERS = {"", "null", "none", "nan", "n/a", "na", "#n/a", "-", "undefined"}
ids = st.one_of(st.sampled_from(["007", "0", "00042", "N-A", "nan0", "None_"]),
                st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=8)
                .filter(lambda s: s.strip().lower() not in PLACEHOLDERS))
instants = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 12, 31),
                        timezones=st.just(UTC))
values = st.one_of(st.just(float("nan")), st.floats(allow_infinity=False))
events_rows = st.lists(st.tuples(ids, instants, st.sampled_from(TOUCHPOINTS), values),
                       min_size=1, max_size=25)


@pytest.mark.parametrize("fmt", ["frame", "csv", "parquet"])
@settings(max_examples=50, deadline=None)
@given(rows=events_rows)
def test_any_valid_journey_table_loads_without_loss_or_change(fmt, rows):
    customer, when, touchpoint, value = (list(c) for c in zip(*rows, strict=True))
    frame = pd.DataFrame({"customer_id": customer, "timestamp": pd.to_datetime(when, utc=True),
                          "touchpoint": touchpoint, "value": np.array(value, dtype=float)})
    with tempfile.TemporaryDirectory() as folder:
        loaded = cxkit.load_journeys(_write(frame, Path(folder), fmt))
    _nothing_lost(loaded, len(rows))
    assert loaded["customer_id"].tolist() == customer
    assert loaded["timestamp"].tolist() == [pd.Timestamp(t) for t in when]
    assert loaded["touchpoint"].tolist() == touchpoint
    np.testing.assert_array_equal(loaded["value"].to_numpy(), np.array(value, dtype=float))


# --------------------------------------------------------------------------------------------
# the engine of the loaders (#11): large files, rows and lines, Ctrl-C, dialects, sources
# --------------------------------------------------------------------------------------------
def test_rows_and_lines_of_a_large_file_read_in_parallel(tmp_path):
    """DuckDB reads a large file in parallel: every row keeps its number, a wrong field count
    is set aside (never padded), and the kept rows are the file's, in order."""
    n = 150_000
    bad_fields, bad_time = {1_234, 77_777, 149_999}, {5, 100_001}
    lines = ["customer_id,timestamp,touchpoint,value"]
    for i in range(1, n + 1):
        when = "N/D" if i in bad_time else f"2024-01-{1 + i % 28:02d} {i % 24:02d}:00:00"
        row = f"c{i},{when},web_visit,{i % 100}"
        lines.append(row + (",extra" if i in bad_fields else ""))
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    events = cxkit.load_journeys(path, on_error="set_aside")
    report = cxkit.load_report(events)
    assert (report.rows_read, report.rows_kept) == (n, n - 5)
    assert report.set_aside["row"].tolist() == sorted(bad_fields | bad_time)
    assert report.set_aside["line"].tolist() == [r + 1 for r in sorted(bad_fields | bad_time)]
    kept = [i for i in range(1, n + 1) if i not in bad_fields | bad_time]
    assert events["customer_id"].tolist() == [f"c{i}" for i in kept]
    np.testing.assert_array_equal(events["value"].to_numpy(), [i % 100 for i in kept])
    with pytest.raises(cxkit.DataError, match="wrong number of fields: 5 \\(the header has 4\\)"
                       ) as info:
        cxkit.load_journeys(path)
    assert info.value.rows == sorted(bad_fields)


def test_ctrl_c_in_the_engine_is_a_keyboard_interrupt_and_leaves_no_temporary_folder():
    import threading

    from cxkit.io._engine import Session, interrupted

    # DuckDB reports Ctrl-C as RuntimeError("Query interrupted") or InterruptException
    assert interrupted(RuntimeError("Query interrupted"))
    assert not interrupted(RuntimeError("something else"))
    session = Session()
    folder = session.folder
    assert folder.exists()
    timer = threading.Timer(0.3, session.con.interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt), session:
            session.run("SELECT count(*) FROM range(20000000000) r(i) WHERE hash(i) % 7 = 3")
    finally:
        timer.cancel()
    assert not folder.exists()


def test_an_interrupted_load_leaves_no_temporary_file(tmp_path, monkeypatch):
    import cxkit.io._engine as engine

    made = []
    real = engine.Session.__init__

    def spy(self, **kwargs):
        real(self, **kwargs)
        made.append(self.folder)

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.Session, "__init__", spy)
    monkeypatch.setattr(engine.Session, "register", interrupted)
    raw = pd.DataFrame({"customer_id": ["c1"], "timestamp": ["2024-03-01"],
                        "touchpoint": ["web_visit"]})
    with pytest.raises(KeyboardInterrupt):
        cxkit.load_journeys(raw, to=tmp_path / "out" / "events.parquet")
    assert made and not any(f.exists() for f in made)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_semicolon_file_with_decimal_commas_and_thousands_dots_loads_exactly(tmp_path):
    path = tmp_path / "it.csv"
    path.write_text("cliente;quando;cosa;importo\nc1;2024-03-01 10:00;purchase;1.234,56\n"
                    "c2;2024-03-01 11:00;purchase;-0,5\nc3;2024-03-01 12:00;purchase;\n",
                    encoding="cp1252")
    columns = {"customer_id": "cliente", "timestamp": "quando", "touchpoint": "cosa",
               "value": "importo"}
    with pytest.raises(cxkit.DataError, match=r"""looks ';'-separated: pass sep=";" and """
                                              r'''decimal=","'''):
        cxkit.load_journeys(path, columns=columns)
    events = cxkit.load_journeys(path, columns=columns, sep=";", decimal=",", thousands=".",
                                 encoding="cp1252")
    np.testing.assert_array_equal(events["value"].to_numpy(), [1234.56, -0.5, np.nan])
    with pytest.raises(cxkit.DataError, match=r"row 1: not a number: '1.234,56'"):
        cxkit.load_journeys(path, columns=columns, sep=";", decimal=",")


def test_a_file_in_another_encoding_is_read_through_a_private_copy(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes("customer_id,timestamp,touchpoint,note\nc1,2024-03-01,web_visit,€ 5\n"
                     .encode("cp1252"))
    events = cxkit.load_journeys(path, encoding="cp1252")
    assert events["note"].tolist() == ["€ 5"]
    with pytest.raises(cxkit.DataError, match="byte 0x80 at line 2 is not valid utf-8") as info:
        cxkit.load_journeys(path)
    assert info.value.column == "note" and info.value.rows == [1]


def test_values_maps_labels_and_the_report_says_how_many(tmp_path):
    raw = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "timestamp": ["2024-03-01"] * 3,
                        "touchpoint": ["acquisto", "purchase", "acquisto"],
                        "channel": ["negozio", "telefono", None]})
    events = cxkit.load_journeys(raw, values={"touchpoint": {"acquisto": "purchase"},
                                              "channel": {"negozio": "store",
                                                          "telefono": "phone", "fax": "mail"}})
    assert events["touchpoint"].tolist() == ["purchase"] * 3
    assert events["channel"].tolist() == ["store", "phone", "web"]
    notes = cxkit.load_report(events).notes
    assert "values= mapped 2 event(s) in touchpoint: 'acquisto' → 'purchase' (2)" in notes
    assert ("values= mapped 2 event(s) in channel: 'negozio' → 'store' (1), 'telefono' → "
            "'phone' (1); labels not in the data: 'fax'") in notes
    survey = cxkit.load_survey(pd.DataFrame({"customer_id": ["r1", "r2"],
                                             "nps": ["dieci", "7"]}),
                               values={"nps": {"dieci": 10}}, ranges={"nps": (0, 10)})
    assert survey["nps"].tolist() == [10.0, 7.0]
    with pytest.raises(ValueError, match="values= maps labels of 'value'"):
        cxkit.load_journeys(raw, values={"value": {"x": "1"}})


def test_excel_rows_set_aside_name_their_sheet_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [["Export"], [], ["customer_id", "timestamp", "touchpoint", "value"],
                ["c1", "2024-03-01 09:00", "web_visit", 5], [None, None, None, None],
                ["NULL", "2024-03-01 10:00", "purchase", 7],
                ["c2", "2024-03-01 11:00", "purchase", "=1/0"]]:
        sheet.append(row)
    sheet["D7"] = "=C7*2"  # a formula whose value was never computed: an empty cell
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    events = cxkit.load_journeys(path, skiprows=2, on_error="set_aside")
    report = cxkit.load_report(events)
    assert report.set_aside[["row", "line"]].values.tolist() == [[2, 6]]
    assert report.set_aside["reason"].tolist() == ["empty or placeholder id 'NULL'"]
    assert events["customer_id"].tolist() == ["c1", "c2"]
    assert events["value"].isna().tolist() == [False, True]


def test_files_with_different_columns_are_refused_naming_the_file(tmp_path):
    (tmp_path / "a.csv").write_text("customer_id,timestamp,touchpoint\nc1,2024-03-01,web_visit\n")
    (tmp_path / "b.csv").write_text("customer_id,timestamp,touchpoint,store\n"
                                    "c2,2024-03-02,purchase,Rome\n")
    with pytest.raises(cxkit.DataError, match="b.csv: the files do not have the same columns"):
        cxkit.load_journeys(tmp_path)
    with pytest.raises(FileNotFoundError, match="no file matches"):
        cxkit.load_journeys(str(tmp_path / "2025-*.csv"))


def test_local_times_become_utc_as_zoneinfo_says_across_daylight_saving_changes():
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    local = pd.date_range("2023-10-28", "2024-04-02", freq="37min")
    ok = [t for t in local.to_pydatetime()
          if t.replace(tzinfo=rome).utcoffset() == t.replace(tzinfo=rome, fold=1).utcoffset()
          and t.replace(tzinfo=rome).astimezone(UTC).astimezone(rome).replace(tzinfo=None) == t]
    times = _load_times([t.strftime("%Y-%m-%d %H:%M:%S") for t in ok], tz="Europe/Rome")
    assert times == [pd.Timestamp(t.replace(tzinfo=rome).astimezone(UTC)) for t in ok]


def test_a_dataframes_own_columns_come_back_with_their_dtypes():
    raw = pd.DataFrame({"customer_id": ["c1", "c2"], "timestamp": ["2024-03-01"] * 2,
                        "touchpoint": ["web_visit", "purchase"],
                        "segment": pd.Categorical(["a", "b"]),
                        "visits": pd.array([1, None], dtype="Int64"),
                        "meta": [{"device": "ios"}, {"device": "web"}]})
    events = cxkit.load_journeys(raw)
    for column in ("segment", "visits"):
        assert events[column].dtype == raw[column].dtype
        assert events[column].tolist() == raw[column].tolist()
    assert events["meta"].tolist() == [{"device": "ios"}, {"device": "web"}]


def test_the_report_travels_as_json_beside_a_parquet_file(tmp_path):
    raw = pd.DataFrame({"customer_id": ["c1", "NULL"], "timestamp": ["2024-03-01"] * 2,
                        "touchpoint": ["web_visit", "purchase"]})
    path = cxkit.load_journeys(raw, on_error="set_aside", to=tmp_path / "events.parquet")
    assert path == tmp_path / "events.parquet"
    report = cxkit.load_report(path)
    assert report is not None and report.rows_read == 2 and report.rows_kept == 1
    assert report.set_aside.to_dict("list") == {"file": ["<DataFrame>"], "row": [2],
                                                "line": [None],
                                                "reason": ["empty or placeholder id 'NULL'"]}
    assert cxkit.load_report(tmp_path / "events.report.json").rows_kept == 1
    assert "row 2: empty or placeholder id 'NULL'" in str(report)
    assert pd.read_parquet(path)["customer_id"].tolist() == ["c1"]


def test_nanoseconds_survive_the_engine():
    stamps = pd.Series(pd.to_datetime(["2024-03-01 10:00:00.123456789",
                                       "2024-03-02 10:00:00.000000001"]))
    expected = [pd.Timestamp("2024-03-01 09:00:00.123456789", tz="UTC"),
                pd.Timestamp("2024-03-02 09:00:00.000000001", tz="UTC")]
    assert _load_times(stamps, tz="Europe/Rome") == expected
    assert _load_times(stamps.dt.tz_localize("Europe/Rome")) == expected
    assert _load_times(["2024-03-01T10:00:00.123456789+01:00",
                        "2024-03-02 10:00:00.000000001+01:00"]) == expected


def test_channels_outside_the_catalogues_list_are_kept_and_noted():
    raw = pd.DataFrame({"customer_id": ["c1", "c2", "c3"],
                        "timestamp": ["2024-03-01 09:00"] * 3,
                        "touchpoint": ["web_visit", "purchase", "support_call"],
                        "channel": ["fax", None, "web"]})
    events = cxkit.load_journeys(raw)
    assert events["channel"].tolist() == ["fax", "web", "web"]  # purchase's from the catalogue
    notes = cxkit.load_report(events).notes
    assert "channels not in the catalogue's list (kept): fax" in notes, notes
