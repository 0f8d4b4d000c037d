"""Real exports that load cleanly (issue #11): an Italian ';' export with decimal commas,
thousands dots, local times and Italian labels; an Italian survey; several monthly files at
once; any file written in a chosen dialect (a property test against an independent reader);
and ``to=``, which streams the validated events to Parquet with the report beside them.

The exports live in ``tests/exports/``. Expected values are written out by hand or computed by
an independent reader in this file (Python's ``csv``, ``decimal`` and ``zoneinfo``), never by
the loader.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import pickle
import string
import tempfile
import warnings
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxkit

EXPORTS = Path(__file__).resolve().parent / "exports"
MONTHLY = EXPORTS / "monthly"
JOURNEY_COLUMNS = ["customer_id", "timestamp", "touchpoint", "channel", "value"]
CLASS_COLUMNS = ["level", "stage", "direction", "controllable", "moment_of_truth"]
CATALOGUE = cxkit.catalogue().set_index("touchpoint")
PLACEHOLDERS = {"", "null", "none", "nan", "n/a", "na", "#n/a", "-", "undefined"}

# --------------------------------------------------------------------------------------------
# an Italian export: ';', decimal commas, thousands dots, Europe/Rome times, Italian labels
# --------------------------------------------------------------------------------------------
ITALIAN = {
    "columns": {"customer_id": "Cliente", "timestamp": "Data e ora", "touchpoint": "Evento",
                "channel": "Canale", "value": "Importo (€)"},
    "values": {"channel": {"telefono": "phone", "negozio": "store", "sito": "web", "app": "app",
                           "email": "email"},
               "touchpoint": {"visita_sito": "web_visit", "acquisto": "purchase",
                              "visita_negozio": "store_visit", "apertura_app": "app_open",
                              "chiamata_assistenza": "support_call",
                              "clic_email": "email_click", "reso": "return_request"}},
    "sep": ";", "decimal": ",", "thousands": ".", "tz": "Europe/Rome",
    "time_format": "%d/%m/%Y %H:%M", "on_error": "set_aside",
}
# The rows of export_italian_journeys.csv that load, as read by hand: Rome is UTC+1 in winter
# and UTC+2 from 31 March 2024 02:00 to 27 October 2024 03:00.
ITALIAN_KEPT = [  # row, customer_id, UTC time, touchpoint, channel, value, Città
    (1, "IT-0001", "2024-03-01 08:30", "web_visit", "web", np.nan, "Milano"),
    (2, "IT-0001", "2024-03-01 08:42", "purchase", "web", 1234.56, "Milano"),
    (3, "IT-0002", "2024-03-02 09:05", "store_visit", "store", np.nan, "Forlì"),
    (4, "IT-0002", "2024-03-02 09:40", "purchase", "store", 59.90, "Forlì"),
    (7, "IT-0003", "2024-03-31 01:15", "support_call", "phone", np.nan, "Napoli"),
    (8, "IT-0004", "2024-04-05 06:00", "email_click", "email", np.nan, "Torino"),
    (9, "IT-0004", "2024-04-05 06:03", "purchase", "web", 12500.0, "Torino"),
    (12, "IT-0005", "2024-04-07 17:30", "purchase", "app", 0.99, "Bari"),
    (13, "007", "2024-10-28 01:30", "app_open", "app", np.nan, "Bologna"),
    (14, "IT-0006", "2025-01-15 11:00", "purchase", "store", -45.0, "Palermo"),
]
ITALIAN_ASIDE = [  # row, line, the reason's opening
    (5, 6, "empty or placeholder id"),
    (6, 7, "unreadable timestamp 'N/D'"),
    (10, 11, "wrong number of fields: 4 (the header has 6)"),
    (11, 12, "empty or placeholder id 'NULL'"),
    (15, 16, "not a number: 'abc'"),
]


def _aside(report) -> list[tuple]:
    table = report.set_aside.sort_values(["file", "row"], kind="stable")
    return list(zip(table["row"], table["line"], table["reason"], strict=True))


def test_italian_export_loads_in_one_call_setting_the_broken_rows_aside():
    path = EXPORTS / "export_italian_journeys.csv"
    events = cxkit.load_journeys(path, **ITALIAN)
    report = cxkit.load_report(events)
    assert (report.rows_read, report.rows_kept, len(report.set_aside)) == (15, 10, 5)
    assert [(row, line) for row, line, _ in _aside(report)] == [
        (row, line) for row, line, _ in ITALIAN_ASIDE]
    for (_, _, reason), (_, _, opening) in zip(_aside(report), ITALIAN_ASIDE, strict=True):
        assert reason.startswith(opening), (reason, opening)
        assert "IT-0005" not in reason and "Bari" not in reason  # never a whole row
    assert {Path(f).name for f in report.set_aside["file"]} == {path.name}

    assert events.columns.tolist() == JOURNEY_COLUMNS + CLASS_COLUMNS + ["Città"]
    assert str(events["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert events["value"].dtype == np.float64
    _, ids, times, touchpoints, channels, amounts, cities = zip(*ITALIAN_KEPT, strict=True)
    assert events["customer_id"].tolist() == list(ids)
    assert all(isinstance(i, str) for i in events["customer_id"])
    assert events["timestamp"].tolist() == [pd.Timestamp(t, tz="UTC") for t in times]
    assert events["touchpoint"].tolist() == list(touchpoints)
    assert events["channel"].tolist() == list(channels)
    np.testing.assert_array_equal(events["value"].to_numpy(), np.array(amounts))  # exact
    assert events["Città"].tolist() == list(cities)
    assert events["level"].tolist() == CATALOGUE.loc[list(touchpoints), "level"].tolist()
    assert events["stage"].tolist() == CATALOGUE.loc[list(touchpoints), "stage"].tolist()
    # every mapping of labels applied is recorded
    assert any("telefono" in n and "phone" in n for n in report.notes), report.notes
    assert any("acquisto" in n and "purchase" in n for n in report.notes), report.notes


def test_italian_export_read_without_sep_names_the_parameters_to_pass():
    path = EXPORTS / "export_italian_journeys.csv"
    with pytest.raises(cxkit.DataError) as info:
        cxkit.load_journeys(path, columns=ITALIAN["columns"])
    assert info.value.file == str(path)
    assert 'sep=";"' in str(info.value) and 'decimal=","' in str(info.value)


def test_italian_export_stops_at_the_first_problem_under_on_error_raise():
    path = EXPORTS / "export_italian_journeys.csv"
    with pytest.raises(cxkit.DataError) as info:
        cxkit.load_journeys(path, **{**ITALIAN, "on_error": "raise"})
    assert info.value.file == str(path)
    assert set(info.value.rows) <= {row for row, _, _ in ITALIAN_ASIDE} and info.value.rows


def test_italian_survey_export_with_decimal_commas_loads_cleanly():
    survey = cxkit.load_survey(
        EXPORTS / "export_italian_survey.csv", sep=";", decimal=",",
        columns={"customer_id": "id_cliente", "wave": "onda", "ease_1": "facilità_1",
                 "ease_2": "facilità_2", "csat": "soddisfazione"},
        ranges={"nps": (0, 10), "csat": (1, 5)})
    report = cxkit.load_report(survey)
    assert (report.rows_read, report.rows_kept) == (4, 4) and report.set_aside.empty
    assert survey.columns.tolist() == ["customer_id", "wave", "ease_1", "ease_2", "nps", "csat"]
    assert survey["customer_id"].tolist() == ["IT-0001", "IT-0002", "007", "IT-0001"]
    assert survey["wave"].tolist() == [1, 1, 1, 2]
    expected = {"ease_1": [5.5, 7, 3, 6], "ease_2": [6, 6.5, 2.5, 6], "nps": [9, 10, 4, 8],
                "csat": [4.5, 5, 2, np.nan]}
    for item, answers in expected.items():
        assert survey[item].dtype == np.float64
        np.testing.assert_array_equal(survey[item].to_numpy(), np.array(answers, dtype=float))


# --------------------------------------------------------------------------------------------
# several files at once: a glob, a folder, a list
# --------------------------------------------------------------------------------------------
MONTHS = [MONTHLY / "2024-03.csv", MONTHLY / "2024-04.csv"]
SOURCES = {"glob": str(MONTHLY / "2024-*.csv"), "folder": MONTHLY, "list": MONTHS,
           "list_of_text": [str(p) for p in MONTHS]}


@pytest.mark.parametrize("how", SOURCES)
def test_several_files_load_as_one_table_and_set_aside_rows_name_their_own_file(how):
    events = cxkit.load_journeys(SOURCES[how], on_error="set_aside")
    report = cxkit.load_report(events)
    assert (report.rows_read, report.rows_kept, len(report.set_aside)) == (7, 5, 2)
    aside = report.set_aside
    found = sorted(zip([Path(f).name for f in aside["file"]], aside["row"], aside["line"],
                       strict=True))
    assert found == [("2024-03.csv", 3, 4), ("2024-04.csv", 2, 3)]
    by_file = dict(zip([Path(f).name for f in aside["file"]], aside["reason"], strict=True))
    assert by_file["2024-03.csv"].startswith("empty or placeholder id")
    assert by_file["2024-04.csv"].startswith("unreadable timestamp 'N/D'")
    # rows in file order, the files in name (or list) order
    assert events["customer_id"].tolist() == ["m1", "m1", "m2", "m3", "m1"]
    assert events["touchpoint"].tolist() == ["web_visit", "purchase", "support_call",
                                             "web_visit", "store_visit"]
    assert events["timestamp"].tolist() == [pd.Timestamp(t, tz="UTC") for t in (
        "2024-03-01 09:00", "2024-03-01 09:20", "2024-03-03 11:30", "2024-04-01 09:00",
        "2024-04-02 10:00")]
    np.testing.assert_array_equal(events["value"].to_numpy(), [np.nan, 59.9, np.nan, np.nan,
                                                                np.nan])


@pytest.mark.parametrize("dedupe", [False, True])
def test_several_files_written_with_to_are_numbered_by_file_as_when_returned(tmp_path, dedupe):
    # the to= stage numbers the rows of each file from where the file starts in its table;
    # the second file repeats an event of the first and one of its own (duplicates name
    # their own file and row)
    second = tmp_path / "2024-04.csv"
    second.write_text(MONTHS[1].read_text() + MONTHS[0].read_text().splitlines()[1] + "\n"
                      + MONTHS[1].read_text().splitlines()[1] + "\n")
    source = [MONTHS[0], second]
    written = cxkit.load_journeys(source, on_error="set_aside", dedupe=dedupe,
                                  to=tmp_path / "events.parquet")
    returned = cxkit.load_journeys(source, on_error="set_aside", dedupe=dedupe)
    saved, loaded = cxkit.load_report(written), cxkit.load_report(returned)
    pd.testing.assert_frame_equal(saved.set_aside, loaded.set_aside, check_dtype=False)
    pd.testing.assert_frame_equal(saved.details["duplicates"], loaded.details["duplicates"],
                                  check_dtype=False)
    assert saved.details["duplicates"]["row"].tolist() == [4, 5]
    assert [Path(f).name for f in saved.details["duplicates"]["file"]] == ["2024-04.csv"] * 2
    assert sorted(zip([Path(f).name for f in saved.set_aside["file"]], saved.set_aside["row"],
                      strict=True))[:2] == [("2024-03.csv", 3), ("2024-04.csv", 2)]
    table = pd.read_parquet(written)
    assert table["customer_id"].tolist() == returned["customer_id"].tolist()
    assert table["timestamp"].tolist() == returned["timestamp"].tolist()


@pytest.mark.parametrize("how", SOURCES)
def test_an_error_in_one_of_several_files_names_that_file_and_its_row(how):
    with pytest.raises(cxkit.DataError) as info:
        cxkit.load_journeys(SOURCES[how])
    err = info.value
    assert (Path(err.file).name, err.column, err.rows) in [
        ("2024-03.csv", "customer_id", [3]), ("2024-04.csv", "timestamp", [2])]
    assert str(err).startswith(f"{err.file}: ")


MISSING = {  # a source naming no file → (the path the error names, the problem)
    "path": (lambda d: d / "events.csv", lambda d: d / "events.csv", "no such file"),
    "glob": (lambda d: str(d / "2025-*.csv"), lambda d: str(d / "2025-*.csv"),
             "no file matches this pattern"),
    "folder": (lambda d: d, lambda d: d, "the folder has no CSV or Parquet files"),
    "list": (lambda d: [MONTHS[0], d / "2024-05.csv"], lambda d: d / "2024-05.csv",
             "no such file"),
}


@pytest.mark.parametrize("loader", ["journeys", "survey"])
@pytest.mark.parametrize("how", MISSING)
def test_a_source_naming_no_file_is_a_data_error_naming_the_path(tmp_path, how, loader):
    (tmp_path / "notes.txt").write_text("not a table\n")  # the folder holds no CSV/Parquet
    source, named, problem = MISSING[how]
    load = cxkit.load_journeys if loader == "journeys" else cxkit.load_survey
    with pytest.raises(cxkit.DataError) as info:
        load(source(tmp_path))
    err = info.value
    assert isinstance(err, FileNotFoundError)  # except FileNotFoundError still catches it
    assert err.file == str(named(tmp_path))
    assert str(err).startswith(f"{named(tmp_path)}: {problem}")


# --------------------------------------------------------------------------------------------
# property: every kept value equals what an independent reader of the file sees
# --------------------------------------------------------------------------------------------
TOUCHPOINTS = CATALOGUE.index.tolist()
CHANNELS = sorted(set(CATALOGUE["channel"]))
DIALECTS = [(",", "."), (";", ","), (";", "."), ("\t", ",")]  # sep, decimal
LOOKS_LIKE_A_NUMBER = ["007", "1e5", "0x1F", "1.50", "1,5", "00", "3.0", "TRUE", "2024-03-01",
                       "9007199254740993", "12345678901234567890", "1;2"]
START = dt.datetime(1990, 1, 1)


def _placeholder(text: str) -> bool:
    return text.strip().lower() in PLACEHOLDERS


def _exists_once(local: dt.datetime, tz: str) -> bool:
    """A wall-clock time that occurs exactly once in ``tz`` (not in a DST gap or overlap)."""
    zone = ZoneInfo(tz)
    early, late = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    back = early.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return early.utcoffset() == late.utcoffset() and back == local


ids = st.one_of(
    st.sampled_from(LOOKS_LIKE_A_NUMBER),
    st.text(string.ascii_letters + string.digits + "_. ,;", min_size=1, max_size=8).filter(
        lambda s: s == s.strip()),
    st.sampled_from(["NULL", "N/A", "-", "undefined", "#N/A", "None", "nan", "", " null "]),
)
amounts = st.one_of(st.none(), st.decimals(min_value=-10**6, max_value=10**6, places=2,
                                           allow_nan=False, allow_infinity=False),
                    st.decimals(min_value=-1, max_value=1, places=4, allow_nan=False,
                                allow_infinity=False))
notes = st.text(string.ascii_letters + " ,;\"\n", max_size=10).map(lambda s: "note " + s)


@st.composite
def exports(draw):
    """A small journey export: its dialect, time zone, line ends, compression and rows of
    text cells (id, naive local time, touchpoint, channel, amount, note)."""
    sep, decimal = draw(st.sampled_from(DIALECTS))
    tz = draw(st.sampled_from(["UTC", "Europe/Rome"]))
    times = st.integers(0, 100 * 365 * 86400).map(lambda s: START + dt.timedelta(seconds=s))
    rows = draw(st.lists(st.tuples(
        ids, times.filter(lambda t: _exists_once(t, tz)), st.sampled_from(TOUCHPOINTS),
        st.sampled_from(CHANNELS), amounts, notes), min_size=1, max_size=12).filter(
            lambda rows: any(not _placeholder(r[0]) for r in rows)))
    cells = [[i, t.strftime("%Y-%m-%d %H:%M:%S"), tp, ch,
              "" if v is None else format(v, "f").replace(".", decimal), note]
             for i, t, tp, ch, v, note in rows]
    return {"sep": sep, "decimal": decimal, "tz": tz, "cells": cells,
            "newline": draw(st.sampled_from(["\n", "\r\n"])),
            "suffix": draw(st.sampled_from([".csv", ".csv.gz"]))}


def _write_export(export, folder: Path) -> Path:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=export["sep"], lineterminator=export["newline"])
    writer.writerow(JOURNEY_COLUMNS + ["note"])
    writer.writerows(export["cells"])
    data = text.getvalue().encode("utf-8")
    path = folder / ("export" + export["suffix"])
    path.write_bytes(gzip.compress(data, mtime=0) if export["suffix"] == ".csv.gz" else data)
    return path


def _read_independently(path: Path, *, sep: str, decimal: str, tz: str):
    """(kept rows, set-aside (row, line)) as Python's csv module, Decimal and zoneinfo read the
    file: ids as the file's text; rows with an empty or placeholder id set aside."""
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = next(reader)
    kept, aside, row = [], [], 0
    while True:
        line = reader.line_num + 1  # the record starts on the line after the last one read
        try:
            cells = dict(zip(header, next(reader), strict=True))
        except StopIteration:
            break
        row += 1
        if _placeholder(cells["customer_id"]):
            aside.append((row, line))
            continue
        local = dt.datetime.strptime(cells["timestamp"], "%Y-%m-%d %H:%M:%S")
        amount = cells["value"]
        kept.append({
            "customer_id": cells["customer_id"],
            "timestamp": pd.Timestamp(local.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)),
            "touchpoint": cells["touchpoint"], "channel": cells["channel"],
            "value": float(Decimal(amount.replace(decimal, "."))) if amount else np.nan,
            "note": cells["note"]})
    return kept, aside


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(export=exports())
def test_every_kept_value_equals_what_an_independent_reader_sees(export):
    with tempfile.TemporaryDirectory() as folder:
        path = _write_export(export, Path(folder))
        kept, aside = _read_independently(path, sep=export["sep"], decimal=export["decimal"],
                                          tz=export["tz"])
        events = cxkit.load_journeys(path, sep=export["sep"], decimal=export["decimal"],
                                     tz=export["tz"], on_error="set_aside")
    report = cxkit.load_report(events)
    assert report.rows_read == len(export["cells"]) == report.rows_kept + len(report.set_aside)
    assert list(zip(report.set_aside["row"], report.set_aside["line"], strict=True)) == aside
    assert all(r.startswith("empty or placeholder id") for r in report.set_aside["reason"])
    assert len(events) == report.rows_kept == len(kept)
    assert events.columns.tolist() == JOURNEY_COLUMNS + CLASS_COLUMNS + ["note"]
    assert events["customer_id"].tolist() == [r["customer_id"] for r in kept]  # the file's text
    assert all(isinstance(i, str) for i in events["customer_id"])
    assert str(events["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert events["timestamp"].tolist() == [r["timestamp"] for r in kept]
    for column in ("touchpoint", "channel", "note"):
        assert events[column].tolist() == [r[column] for r in kept]
    assert events["value"].dtype == np.float64
    np.testing.assert_array_equal(events["value"].to_numpy(), [r["value"] for r in kept])


# --------------------------------------------------------------------------------------------
# to=: validated events streamed to Parquet, the report beside them
# --------------------------------------------------------------------------------------------
@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A private TMPDIR and an empty working directory, to see that nothing is left behind."""
    temp, work = tmp_path / "tmp", tmp_path / "cwd"
    temp.mkdir()
    work.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    monkeypatch.chdir(work)
    return temp, work


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.attrs = {}
    frame["timestamp"] = frame["timestamp"].dt.as_unit("ns")
    return frame


@pytest.mark.parametrize("as_text", [False, True])
def test_to_streams_the_validated_events_to_parquet_with_the_report_beside(
        tmp_path, private_tmp, as_text):
    source = EXPORTS / "export_italian_journeys.csv"
    target = tmp_path / "v" / "events.parquet"
    written = cxkit.load_journeys(source, to=str(target) if as_text else target, **ITALIAN)
    assert isinstance(written, Path) and written == target
    assert sorted(p.name for p in target.parent.iterdir()) == ["events.parquet",
                                                              "events.report.json"]

    in_memory = cxkit.load_journeys(source, **ITALIAN)
    on_disk = pd.read_parquet(written)
    assert str(on_disk["timestamp"].dtype).endswith(", UTC]")
    pd.testing.assert_frame_equal(_comparable(on_disk), _comparable(in_memory),
                                  check_dtype=False)

    saved, loaded = cxkit.load_report(written), cxkit.load_report(in_memory)
    assert (saved.rows_read, saved.rows_kept) == (loaded.rows_read, loaded.rows_kept) == (15, 10)
    assert saved.rows_read == saved.rows_kept + len(saved.set_aside)
    pd.testing.assert_frame_equal(saved.set_aside.reset_index(drop=True),
                                  loaded.set_aside.reset_index(drop=True), check_dtype=False)

    features = cxkit.journeys.customer_features(written)
    assert features["customer_id"].tolist() == sorted(set(in_memory["customer_id"]))
    pd.testing.assert_frame_equal(features, cxkit.journeys.customer_features(in_memory),
                                  check_dtype=False)

    temp, work = private_tmp
    assert list(temp.iterdir()) == [] and list(work.iterdir()) == []  # no temporary file left


def _same_report(back, report) -> None:
    assert (back.source, back.kind, back.rows_read, back.rows_kept) == (
        report.source, report.kind, report.rows_read, report.rows_kept)
    assert (back.notes, back.warnings) == (report.notes, report.warnings)
    pd.testing.assert_frame_equal(back.set_aside, report.set_aside)
    assert back.details.keys() == report.details.keys()
    for name, table in report.details.items():
        pd.testing.assert_frame_equal(back.details[name], table, check_dtype=False)


def test_a_loaded_table_saved_with_pandas_to_parquet_keeps_its_report(tmp_path):
    events = cxkit.load_journeys(EXPORTS / "export_italian_journeys.csv", **ITALIAN)
    events = pd.concat([events, events.iloc[:2]], ignore_index=True)  # two duplicates
    events = cxkit.load_journeys(events, on_error="set_aside")
    report = cxkit.load_report(events)
    assert "duplicates" in report.details and report.rows_kept == 12
    path = tmp_path / "events.parquet"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pyarrow warns when it cannot store attrs
        events.to_parquet(path)
    assert cxkit.load_report(events) is report  # the table is unchanged
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(_comparable(back), _comparable(events))
    _same_report(cxkit.load_report(back), report)
    # tables derived by pandas share the report; so does a pickled copy
    assert cxkit.load_report(events[["customer_id"]].head(3)) is report
    _same_report(cxkit.load_report(pickle.loads(pickle.dumps(events))), report)

    survey = cxkit.load_survey(EXPORTS / "export_italian_survey.csv", sep=";", decimal=",",
                               columns={"customer_id": "id_cliente", "wave": "onda"},
                               ranges={"nps": (0, 10), "soddisfazione": (1, 5)})
    survey.to_parquet(tmp_path / "survey.parquet")
    _same_report(cxkit.load_report(pd.read_parquet(tmp_path / "survey.parquet")),
                 cxkit.load_report(survey))


def test_to_leaves_no_file_behind_when_the_load_is_refused(tmp_path, private_tmp):
    target = tmp_path / "v" / "events.parquet"
    with pytest.raises(cxkit.DataError):
        cxkit.load_journeys(EXPORTS / "journeys_timestamp_nd.csv", to=target)
    assert not target.exists()
    temp, work = private_tmp
    assert list(temp.iterdir()) == [] and list(work.iterdir()) == []


def test_to_writes_the_catalogues_columns_as_plain_text(tmp_path):
    import pyarrow.parquet as pq

    raw = pd.DataFrame({"customer_id": ["c1", "c2", "c3"],
                        "timestamp": ["2024-03-01 09:00", "2024-03-01 10:00", "2024-03-02 11:00"],
                        "touchpoint": ["web_visit", "carrier_pigeon", "purchase"]})
    written = cxkit.load_journeys(raw, to=tmp_path / "events.parquet")
    schema = pq.read_schema(written)
    for column in ("touchpoint", "channel", "level", "stage", "direction"):
        assert str(schema.field(column).type) in ("string", "large_string"), schema
    on_disk, in_memory = pd.read_parquet(written), cxkit.load_journeys(raw)
    assert on_disk["touchpoint"].tolist() == raw["touchpoint"].tolist()  # unknown one kept
    assert on_disk["timestamp"].tolist() == in_memory["timestamp"].tolist()
    for column in CLASS_COLUMNS:
        assert on_disk[column].tolist()[0::2] == in_memory[column].tolist()[0::2]
        assert pd.isna(on_disk[column].iloc[1]) and pd.isna(in_memory[column].iloc[1])
    assert on_disk["level"].tolist()[0::2] == CATALOGUE.loc[["web_visit", "purchase"],
                                                            "level"].tolist()


def test_to_writes_the_datas_own_channels_as_plain_text(tmp_path):
    raw = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4"],
                        "timestamp": ["2024-03-01 09:00:00.123456", "2024-03-01 10:00",
                                      "2099-12-31 23:59:59.999999", "1971-01-01 00:00:00.000001"],
                        "touchpoint": ["web_visit", "carrier_pigeon", "purchase", "web_visit"],
                        "channel": ["web", "pigeon post", None, "canale d'o"]})
    written = cxkit.load_journeys(raw, to=tmp_path / "events.parquet")
    on_disk, in_memory = pd.read_parquet(written), cxkit.load_journeys(raw)
    assert on_disk["channel"].tolist() == ["web", "pigeon post", "web", "canale d'o"]
    assert on_disk["channel"].tolist() == in_memory["channel"].tolist()
    # microseconds kept at both ends of the accepted range
    assert on_disk["timestamp"].tolist() == in_memory["timestamp"].tolist()


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_rows_keep_the_files_order_when_the_engine_reads_it_in_parallel(tmp_path, kind):
    # DuckDB reads a Parquet file's row groups and a CSV file's blocks on several threads;
    # a query plan with a join (DuckDB makes one of a long IN list) then returns the rows
    # in another order, and every row number counted from the result would be wrong
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 300_000
    ids = np.array([f"C{i:07d}" for i in range(n)], dtype=object)
    stamps = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.arange(n), unit="s")
    touchpoints = np.array(["web_visit", "purchase", "email_click"], dtype=object)[
        np.arange(n) % 3]
    raw = pd.DataFrame({"customer_id": ids, "timestamp": stamps, "touchpoint": touchpoints})
    late = 250_000  # a broken row far into the file
    if kind == "parquet":
        raw.loc[late, "customer_id"] = "N/A"
        path = tmp_path / "events.parquet"
        pq.write_table(pa.Table.from_pandas(raw, preserve_index=False), path,
                       row_group_size=10_000)
    else:
        path = tmp_path / "events.csv"
        text = raw.assign(timestamp=raw["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        text.loc[late, "customer_id"] = "N/A"
        text.to_csv(path, index=False)
    events = cxkit.load_journeys(path, on_error="set_aside")
    kept = np.delete(ids, late)
    assert (events["customer_id"].to_numpy() == kept).all()
    assert cxkit.load_report(events).set_aside["row"].tolist() == [late + 1]
    written = cxkit.load_journeys(path, on_error="set_aside", to=tmp_path / "out.parquet")
    assert (pd.read_parquet(written)["customer_id"].to_numpy() == kept).all()
    assert cxkit.load_report(written).set_aside["row"].tolist() == [late + 1]


def test_survey_rows_keep_the_files_order_when_the_engine_reads_it_in_parallel(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n, late = 200_000, 150_000
    ids = np.array([f"R{i:07d}" for i in range(n)], dtype=object)
    raw = pd.DataFrame({"customer_id": ids, "nps": np.arange(n) % 11})
    raw.loc[late, "customer_id"] = "NULL"
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.Table.from_pandas(raw, preserve_index=False), path, row_group_size=10_000)
    survey = cxkit.load_survey(path, ranges={"nps": (0, 10)}, on_error="set_aside")
    assert (survey["customer_id"].to_numpy() == np.delete(ids, late)).all()
    assert (survey["nps"].to_numpy() == np.delete(np.arange(n) % 11, late)).all()
    assert cxkit.load_report(survey).set_aside["row"].tolist() == [late + 1]
