"""The touchpoint catalogue (cxkit.catalogue, cxkit.classify).

The catalogue's bad input files are in the loaders' corpus (tests/test_io.py); here are the
default catalogue's coverage, extension and classification.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import _check

BAD = Path(__file__).resolve().parent / "bad_inputs"
# The contract in DESIGN.md, written out rather than imported, so that the test pins it.
CONTRACT = {
    "channel": {"email", "web", "app", "store", "phone", "chat", "social", "media"},
    "level": {"engagement", "interaction", "experience"},
    "stage": {"awareness", "consideration", "purchase", "use", "service", "loyalty", "exit"},
    "direction": {"customer_to_firm", "firm_to_customer", "two_way", "third_party"},
}
KIOSK = {"touchpoint": "kiosk_checkin", "channel": "store", "level": "interaction",
         "direction": "two_way", "stage": "service", "controllable": True,
         "moment_of_truth": False, "description": "Self check-in at a kiosk"}


def test_default_catalogue_has_30_to_40_touchpoints_once_each():
    cat = cxkit.catalogue()
    assert 30 <= len(cat) <= 40
    assert cat["touchpoint"].is_unique
    assert cat.columns.tolist() == ["touchpoint", "channel", "level", "direction", "stage",
                                    "controllable", "moment_of_truth", "description"]
    assert (cat["description"].str.len() > 10).all()


@pytest.mark.parametrize("column", sorted(CONTRACT))
def test_default_catalogue_covers_every_value_of_the_contract(column):
    assert set(cxkit.catalogue()[column]) == CONTRACT[column]


def test_default_catalogue_flags_are_booleans():
    cat = cxkit.catalogue()
    for flag in ("controllable", "moment_of_truth"):
        assert cat[flag].dtype == bool
        assert set(cat[flag]) == {True, False}


@pytest.mark.parametrize(("touchpoint", "channel", "direction"), [
    ("csr_report_view", "web", "firm_to_customer"),
    ("csr_news_exposure", "media", "third_party"),
    ("word_of_mouth_received", "social", "third_party"),
])
def test_non_interaction_factors_are_experiences(touchpoint, channel, direction):
    row = cxkit.catalogue().set_index("touchpoint").loc[touchpoint]
    assert (row["channel"], row["level"], row["direction"]) == (channel, "experience", direction)


def test_default_catalogue_has_a_load_report():
    report = cxkit.load_report(cxkit.catalogue())
    assert (report.kind, report.source) == ("catalogue", "cxkit default catalogue")
    assert report.rows_read == report.rows_kept == len(cxkit.catalogue())


def test_changing_a_returned_catalogue_leaves_the_default_untouched():
    before = cxkit.catalogue()
    cat = cxkit.catalogue()
    cat.loc[cat["touchpoint"] == "purchase", "channel"] = "store"
    cat.loc[0, "controllable"] = not cat.loc[0, "controllable"]
    assert cxkit.catalogue().equals(before)
    assert cxkit.catalogue().set_index("touchpoint").loc["purchase", "channel"] == "web"


def test_extend_adds_a_touchpoint():
    base = cxkit.catalogue()
    mine = cxkit.catalogue(extend=[KIOSK])
    assert len(mine) == len(base) + 1
    assert mine.iloc[:-1].equals(base)
    assert mine.iloc[-1].to_dict() == KIOSK
    assert cxkit.load_report(mine).notes == []


def test_extend_replaces_a_touchpoint_and_reports_it():
    in_store = {**KIOSK, "touchpoint": "purchase", "stage": "purchase",
                "moment_of_truth": True, "description": "Buying at the till"}
    mine = cxkit.catalogue(extend=pd.DataFrame([in_store]))
    assert len(mine) == len(cxkit.catalogue())
    assert mine["touchpoint"].is_unique
    assert mine.set_index("touchpoint").loc["purchase", "channel"] == "store"
    assert cxkit.load_report(mine).notes == ["touchpoints replaced by the extension: purchase"]


def test_extend_reads_a_csv_with_text_flags_and_no_description(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("touchpoint,channel,level,direction,stage,controllable,moment_of_truth\n"
                    "kiosk_checkin,store,interaction,two_way,service,Yes,no\n")
    row = cxkit.catalogue(extend=path).set_index("touchpoint").loc["kiosk_checkin"]
    assert (row["controllable"], row["moment_of_truth"], row["description"]) == (True, False, "")


def test_own_catalogue_replaces_the_default():
    mine = cxkit.catalogue(pd.DataFrame([KIOSK]))
    assert mine["touchpoint"].tolist() == ["kiosk_checkin"]
    assert cxkit.load_report(mine).source == "<DataFrame>"


@pytest.mark.parametrize(("change", "column", "says"), [
    ({"level": "engagment"}, "level", "unknown value(s) ['engagment']"),
    ({"stage": "retention"}, "stage", "unknown value(s) ['retention']"),
    ({"direction": "both"}, "direction", "unknown value(s) ['both']"),
    ({"controllable": "maybe"}, "controllable", "not a true/false flag"),
    ({"moment_of_truth": None}, "moment_of_truth", "not a true/false flag"),
    ({"touchpoint": " "}, "touchpoint", "empty value"),
    ({"touchpoint": "kiosk_checkin"}, "touchpoint", "listed more than once"),
])
def test_bad_extension_row_is_refused_naming_column_and_row(change, column, says):
    second = {**KIOSK, "touchpoint": "parcel_locker", **change}
    with pytest.raises(cxkit.DataError) as info:
        cxkit.catalogue(extend=[KIOSK, second])
    rows = [1, 2] if says == "listed more than once" else [2]
    assert info.value.rows == rows
    assert info.value.column == column
    assert says in str(info.value)
    assert f"column '{column}'" in str(info.value)


def test_catalogue_bad_input_files_are_refused_as_extensions_too():
    with pytest.raises(cxkit.DataError, match=r"column 'level', row 2: unknown value"):
        cxkit.catalogue(extend=BAD / "catalogue_bad_level.csv")


# --------------------------------------------------------------------------------------------
# classify
# --------------------------------------------------------------------------------------------
def test_classify_fills_channel_and_levels_from_the_catalogue():
    events = pd.DataFrame({"touchpoint": ["email_click", "purchase", "csr_news_exposure",
                                          "support_chat"]})
    out = cxkit.classify(events)
    assert out["channel"].tolist() == ["email", "web", "media", "chat"]
    assert out["level"].tolist() == ["engagement", "interaction", "experience", "interaction"]
    assert out["stage"].tolist() == ["consideration", "purchase", "awareness", "service"]
    assert out["moment_of_truth"].tolist() == [False, True, False, True]
    assert "level" not in events.columns  # a copy, not the caller's table


def test_classify_keeps_the_data_channel_and_fills_only_empty_ones():
    events = pd.DataFrame({"touchpoint": ["purchase", "purchase", "support_call"],
                           "channel": ["store", None, np.nan]})
    report = cxkit.LoadReport(source="test", kind="journeys")
    out = cxkit.classify(events, report=report)
    assert out["channel"].tolist() == ["store", "web", "phone"]
    assert report.notes == ["channel taken from the catalogue for 2 event(s) with an empty "
                            "channel: rows 2, 3"]


def test_classify_with_an_extended_catalogue_knows_the_new_touchpoint():
    events = pd.DataFrame({"touchpoint": ["kiosk_checkin", "web_visit"]})
    out = cxkit.classify(events, cxkit.catalogue(extend=[KIOSK]), on_unknown="raise")
    assert out["channel"].tolist() == ["store", "web"]
    assert out["level"].tolist() == ["interaction", "engagement"]


def test_classify_refuses_unknown_touchpoints_on_request():
    events = pd.DataFrame({"touchpoint": ["web_visit", "kiosk_checkin"]})
    with pytest.raises(cxkit.DataError, match=r"column 'touchpoint', row 2: .*kiosk_checkin"):
        cxkit.classify(events, on_unknown="raise")
    out = cxkit.classify(events)
    assert out["level"].isna().tolist() == [False, True]
    assert out["channel"].isna().tolist() == [False, True]


def test_classify_rejects_an_unknown_on_unknown_option():
    with pytest.raises(ValueError, match="on_unknown must be one of 'keep', 'raise'"):
        cxkit.classify(pd.DataFrame({"touchpoint": ["web_visit"]}), on_unknown="drop")


def test_load_journeys_classifies_with_the_given_catalogue():
    raw = pd.DataFrame({"customer_id": ["c1", "c1"], "timestamp": ["2024-03-01 09:00",
                                                                    "2024-03-01 09:05"],
                        "touchpoint": ["kiosk_checkin", "purchase"]})
    events = cxkit.load_journeys(raw, catalogue=cxkit.catalogue(extend=[KIOSK]),
                                 on_unknown="raise")
    assert events["channel"].tolist() == ["store", "web"]
    assert events["controllable"].tolist() == [True, True]


def test_a_catalogue_with_a_missing_level_is_refused_naming_the_row():
    rows = [KIOSK, {**KIOSK, "touchpoint": "kiosk_help", "level": None}]
    with pytest.raises(cxkit.DataError, match=r"column 'level', row 2: unknown value\(s\)"):
        cxkit.catalogue(pd.DataFrame(rows))


def test_catalogue_flags_may_be_written_as_text_in_any_case():
    rows = [{**KIOSK, "controllable": "Yes", "moment_of_truth": "f"},
            {**KIOSK, "touchpoint": "kiosk_help", "controllable": "0", "moment_of_truth": "TRUE"}]
    cat = cxkit.catalogue(pd.DataFrame(rows))
    assert cat["controllable"].tolist() == [True, False]
    assert cat["moment_of_truth"].tolist() == [False, True]


# --------------------------------------------------------------------------------------------
# the checks of cxkit._check that the catalogue uses
# --------------------------------------------------------------------------------------------
def test_allowed_values_without_missing_refuse_unknown_and_missing_values():
    _check.allowed_values(pd.Series(["web", "app"]), ["web", "app"], "channel", missing=False)
    with pytest.raises(cxkit.DataError, match=r"unknown value\(s\) \['nan', 'webb'\]") as info:
        _check.allowed_values(pd.Series(["web", "webb", None], index=[4, 5, 6]), ["web"],
                              "channel", missing=False)
    assert info.value.rows == [2, 3] and info.value.column == "channel"


def test_flags_from_text_read_the_usual_spellings_and_refuse_others():
    values = pd.Series(["true", " FALSE ", "yes", "n", "1", "0", "T", "f"])
    assert _check.flags_from_text(values, "x").tolist() == [True, False, True, False, True,
                                                            False, True, False]
    assert _check.flags_from_text(pd.Series([True, False]), "x").tolist() == [True, False]
    with pytest.raises(cxkit.DataError, match="not a true/false flag") as info:
        _check.flags_from_text(pd.Series(["yes", "maybe", None]), "controllable")
    assert info.value.rows == [2, 3]
