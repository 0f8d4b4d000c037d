"""Personal data (#12, items 1-3): keyed pseudonyms, detection by name and content, nothing
personal in errors, reports or a rendered notebook.

The synthetic files in tests/privacy/ (made by make_privacy_data.py) are notebook 90's
teaching data with made-up codici fiscali (valid check characters, birthplace Z999, which
does not exist) as ids and made-up e-mail addresses at example.com.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import _privacy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PRIVATE = HERE / "privacy"
BAD = HERE / "bad_inputs"
KEY = "test-key: 7f3a kept apart from the data"
CF = "RSSMRA80A01H501U"  # the codice fiscale of the Agenzia delle Entrate's own example
MAPPING = {"customer_id": "id_cliente", "timestamp": "data_ora", "touchpoint": "evento",
           "channel": "canale", "value": "importo"}


def _hmac(key: str, text: str) -> str:
    """The pseudonym as the issue defines it, with Python's hmac."""
    return "px_" + hmac.new(key.encode("utf-8"), text.encode("utf-8"),
                            hashlib.sha256).hexdigest()[:16]


def _events_file() -> tuple[pd.DataFrame, list[str], list[str]]:
    raw = pd.read_csv(PRIVATE / "export_eventi.csv", dtype=str, keep_default_na=False)
    return raw, sorted(set(raw["id_cliente"])), sorted(set(raw["email"]))


# --------------------------------------------------------------------------------------------
# 1. pseudonyms
# --------------------------------------------------------------------------------------------
def test_pseudonym_is_px_and_the_first_16_hex_of_hmac_sha256():
    data = pd.DataFrame({"customer_id": [CF, "c1", "è-ü", CF], "n": [1, 2, 3, 4]})
    out = cxkit.pseudonymise(data, key=KEY)
    # computed by hand once (python -c "import hmac, hashlib; ...") and by hmac here
    assert out["customer_id"][0] == _hmac(KEY, CF)
    assert out["customer_id"].tolist() == [_hmac(KEY, v) for v in data["customer_id"]]
    assert cxkit.pseudonymise(pd.DataFrame({"customer_id": ["c1"]}),
                              key="key")["customer_id"][0] == "px_6f349ae9d3b1867f"
    assert out["n"].tolist() == [1, 2, 3, 4]
    assert data["customer_id"][0] == CF  # the input is not changed
    assert KEY not in repr(out) and KEY not in repr(out.attrs)


def test_pseudonymise_reads_the_key_from_cxkit_key(monkeypatch):
    data = pd.DataFrame({"customer_id": ["c1"], "other": ["c1"]})
    monkeypatch.setenv("CXKIT_KEY", KEY)
    for key in (None, True, "env"):
        assert cxkit.pseudonymise(data, key=key)["customer_id"][0] == _hmac(KEY, "c1")
    out = cxkit.pseudonymise(data, columns=["customer_id", "other"])
    assert out["other"][0] == out["customer_id"][0]
    monkeypatch.delenv("CXKIT_KEY")
    with pytest.raises(cxkit.DataError, match="CXKIT_KEY is not set"):
        cxkit.pseudonymise(data)
    with pytest.raises(cxkit.DataError, match="CXKIT_KEY"):
        cxkit.load_journeys(BAD / "journeys_exact_duplicates.csv", pseudonymise=True)


def test_pseudonymise_refuses_floats_and_pseudonyms_twice_and_keeps_missing_ids():
    ints = cxkit.pseudonymise(pd.DataFrame({"customer_id": [7, 12]}), key=KEY)
    assert ints["customer_id"].tolist() == [_hmac(KEY, "7"), _hmac(KEY, "12")]
    with pytest.raises(cxkit.DataError, match="floating-point"):
        cxkit.pseudonymise(pd.DataFrame({"customer_id": [1.0, 2.0]}), key=KEY)
    once = cxkit.pseudonymise(pd.DataFrame({"customer_id": ["a", "b"]}), key=KEY)
    with pytest.raises(cxkit.DataError, match=r"rows 1, 2: ids that are already pseudonyms"):
        cxkit.pseudonymise(once, key=KEY)
    gaps = cxkit.pseudonymise(pd.DataFrame({"customer_id": ["a", None]}), key=KEY)
    assert gaps["customer_id"][0] == _hmac(KEY, "a") and pd.isna(gaps["customer_id"][1])
    with pytest.raises(ValueError, match="must not be empty"):
        cxkit.pseudonymise(once, key="")


def test_loaders_pseudonymise_at_load_and_events_still_join_the_survey(tmp_path):
    raw, ids, _ = _events_file()
    events = cxkit.load_journeys(PRIVATE / "export_eventi.csv", columns=MAPPING,
                                 tz="Europe/Rome", pseudonymise=KEY)
    plain = cxkit.load_journeys(PRIVATE / "export_eventi.csv", columns=MAPPING,
                                tz="Europe/Rome")
    assert events["customer_id"].tolist() == [_hmac(KEY, v) for v in raw["id_cliente"]]
    pd.testing.assert_frame_equal(events, cxkit.pseudonymise(plain, key=KEY))
    survey = cxkit.load_survey(PRIVATE / "sondaggio_clienti.csv", id_column="cliente",
                               missing_codes=(-99,), ranges={"nps": (0, 10)},
                               pseudonymise=KEY)
    raw_survey = pd.read_csv(PRIVATE / "sondaggio_clienti.csv", dtype=str)
    assert survey["cliente"].tolist() == [_hmac(KEY, v) for v in raw_survey["cliente"]]
    joined = events.merge(survey, left_on="customer_id", right_on="cliente")
    raw_joined = raw.merge(raw_survey, left_on="id_cliente", right_on="cliente")
    assert len(joined) == len(raw_joined) > 0
    for table in (events, survey):
        report = cxkit.load_report(table)
        text = repr(table) + str(report) + report._repr_html_() + repr(table.attrs)
        assert not any(i in text for i in ids) and KEY not in text
        assert any("pseudonymised at load" in n for n in report.notes)
        assert report.to_json(tmp_path / "r.json").read_text().find(KEY) < 0


def test_to_parquet_holds_pseudonyms_never_raw_ids(tmp_path):
    import pyarrow.parquet as pq

    raw, ids, _ = _events_file()
    path = cxkit.load_journeys(PRIVATE / "export_eventi.csv", columns=MAPPING,
                               tz="Europe/Rome", pseudonymise=KEY,
                               to=tmp_path / "events.parquet")
    written = pq.read_table(path).column("customer_id").to_pylist()
    assert written == [_hmac(KEY, v) for v in raw["id_cliente"]]
    data = path.read_bytes() + (tmp_path / "events.report.json").read_bytes()
    assert not any(i.encode() in data for i in ids) and KEY.encode() not in data
    report = cxkit.load_report(path)
    assert report.details["duplicates"].columns.tolist() == ["file", "row"]


# --------------------------------------------------------------------------------------------
# 2. detection
# --------------------------------------------------------------------------------------------
def test_check_characters_of_codice_fiscale_iban_and_partita_iva():
    assert _privacy.valid_cf(CF) and not _privacy.valid_cf(CF[:-1] + "A")
    assert _privacy.valid_cf("RSSMRALPALMHLNMU") is False  # omocodia letters, wrong check
    raw, ids, _ = _events_file()
    assert all(_privacy.valid_cf(i) for i in ids)  # the generator's own implementation agrees
    assert _privacy.valid_iban("IT60X0542811101000000123456")
    assert _privacy.valid_iban("GB82 WEST 1234 5698 7654 32")
    assert not _privacy.valid_iban("IT60X0542811101000000123457")
    assert _privacy.valid_piva("12345678903") and not _privacy.valid_piva("12345678901")


def _warnings(report) -> dict[str, str]:
    table = report.details.get("personal_data", pd.DataFrame(columns=["column", "kind"]))
    return dict(zip(table["column"], table["kind"], strict=True))


def test_journey_loader_finds_personal_data_by_content_and_by_name():
    n = 50
    rng = np.random.default_rng(3)
    raw, ids, mails = _events_file()
    data = pd.DataFrame({
        "customer_id": [ids[i % len(ids)] for i in range(n)],
        "timestamp": pd.date_range("2024-03-01", periods=n, freq="h").astype(str),
        "touchpoint": ["web_visit"] * n,
        "contatto": [mails[i % len(mails)] if i % 5 < 2 else "" for i in range(n)],  # 40 %
        "note": [f"IBAN IT60X0542811101000000123456 {i}" if i % 10 == 0 else "ok"
                 for i in range(n)],
        "recapito": [f"3{rng.integers(10**8, 10**9)}" for _ in range(n)],  # plain digits
        "fornitore": ["12345678903"] * n,  # partita IVA
        "nome": ["x"] * n, "data_nascita": ["1980-01-01"] * n, "cf": ["y"] * n,
        "partita_iva": ["z"] * n, "date_of_birth": ["w"] * n, "indirizzo": ["v"] * n,
        "campaign_name": ["spring"] * n, "segment": ["Gold Plus"] * n,
    })
    events = cxkit.load_journeys(data)
    report = cxkit.load_report(events)
    found = _warnings(report)
    assert found == {
        "customer_id": "codici fiscali", "contatto": "e-mail addresses", "note": "IBANs",
        "recapito": "phone numbers", "fornitore": "partite IVA", "nome": "names",
        "data_nascita": "dates of birth", "cf": "codici fiscali", "partita_iva": "partite IVA",
        "date_of_birth": "dates of birth", "indirizzo": "addresses"}
    share = report.details["personal_data"].set_index("column")["share"]
    assert share["contatto"] == pytest.approx(0.4) and share["note"] == pytest.approx(0.1)
    assert share["customer_id"] == 1.0
    text = " ".join(report.warnings)
    assert "'contatto' holds personal data: e-mail addresses in 40% of rows (50 rows" in text
    assert not any(v in text for v in [*ids, *mails, "IT60X", "12345678903"])


def test_names_in_id_columns_and_the_survey_id_column_are_checked():
    survey = pd.DataFrame({"respondent": ["Mario Rossi", "Anna Verdi", "ROSSI LUCA"],
                           "nps": [9, 3, 10], "email": ["a", "b", "c"]})
    report = cxkit.load_report(cxkit.load_survey(survey, id_column="respondent",
                                                 ranges={"nps": (0, 10)}, keep=["email"]))
    assert _warnings(report) == {"respondent": "names", "email": "e-mail addresses"}
    assert "Mario" not in " ".join(report.warnings)
    # a name in a label column is not a person
    events = cxkit.load_journeys(pd.DataFrame({
        "customer_id": ["c1", "c2"], "timestamp": ["2024-03-01 09:00"] * 2,
        "touchpoint": ["web_visit", "purchase"], "shop": ["Milano Centrale", "Roma Termini"]}))
    assert _warnings(cxkit.load_report(events)) == {}


def test_a_mapped_column_is_named_as_the_file_names_it():
    events = cxkit.load_journeys(pd.DataFrame({
        "email": ["anna@example.com", "luca@example.com"], "ts": ["2024-03-01 09:00"] * 2,
        "touchpoint": ["web_visit"] * 2}), columns={"customer_id": "email", "timestamp": "ts"})
    report = cxkit.load_report(events)
    assert report.warnings[0] == ("column 'email' (customer_id) holds personal data: e-mail "
                                  "addresses, by its name and in 100% of rows (2 rows "
                                  "checked); pseudonymise or drop it before sharing")


def test_detection_samples_evenly_spaced_rows():
    n = 25_000
    frame = pd.DataFrame({"x": ["plain"] * (n - 100) + ["a@b.com"] * 100})
    found = _privacy.detect(frame)
    assert found[0].rows == _privacy.SAMPLE_ROWS == 10_000
    assert found[0].kind == "e-mail addresses" and found[0].share == pytest.approx(0.004, abs=1e-3)


# --------------------------------------------------------------------------------------------
# 3. nothing personal in errors and reports
# --------------------------------------------------------------------------------------------
def test_errors_quote_only_masked_personal_values():
    data = pd.DataFrame({"id": ["c1", "c2"], "contact": ["mario.rossi@gmail.com", "x@y.it"],
                         "touchpoint": ["web_visit"] * 2})
    with pytest.raises(cxkit.DataError) as err:
        cxkit.load_journeys(data, columns={"customer_id": "id", "timestamp": "contact"})
    assert "mario.rossi@gmail.com" not in str(err.value)
    assert "m***@g***.com" in str(err.value)
    free = pd.DataFrame({"customer_id": ["c1"] * 4, "timestamp": ["2024-03-01 09:00"] * 4,
                         "touchpoint": ["purchase"] * 4,
                         "value": [CF, "IT60X0542811101000000123456", "+39 333 1234567",
                                   "Mario Rossi"]})
    with pytest.raises(cxkit.DataError) as err:
        cxkit.load_journeys(free)
    message = str(err.value)
    for raw in free["value"]:
        assert raw not in message
    assert "'RSS***'" in message and "rows 1, 2, 3, 4" in message
    kept = cxkit.load_journeys(free, on_error="set_aside")
    reasons = " ".join(cxkit.load_report(kept).set_aside["reason"])
    assert reasons.count("***") == 4 and not any(raw in reasons for raw in free["value"])


def test_survey_range_errors_mask_phone_numbers_and_pseudonymised_ids_are_never_quoted():
    survey = pd.DataFrame({"customer_id": ["c1", "c2"], "nps": [3331234567, 9]})
    with pytest.raises(cxkit.DataError) as err:
        cxkit.load_survey(survey, ranges={"nps": (0, 10)})
    assert "3331234567" not in str(err.value) and "333***" in str(err.value)
    ids = pd.DataFrame({"customer_id": ["undefined", "c2"], "nps": [3, 9]})
    with pytest.raises(cxkit.DataError, match="'und\\*\\*\\*'"):
        cxkit.load_survey(ids, ranges={"nps": (0, 10)}, pseudonymise=KEY)


def test_check_messages_mask_values_and_every_data_error_is_scrubbed():
    from cxkit import _check

    frame = pd.DataFrame({"score": ["mario@gmail.com", 3]})
    with pytest.raises(cxkit.DataError) as err:
        _check.numbers(frame, "score")
    assert "mario@gmail.com" not in str(err.value) and "m***@g***.com" in str(err.value)
    err = cxkit.DataError(f"cannot read the file: line '{CF},+39 06 1234 5678,a@b.org'")
    assert CF not in str(err) and "06 1234" not in str(err) and "a@b.org" not in str(err)


def test_duplicates_in_the_report_are_row_numbers_not_rows():
    events = cxkit.load_journeys(BAD / "journeys_exact_duplicates.csv")
    details = cxkit.load_report(events).details["duplicates"]
    assert details.columns.tolist() == ["file", "row"]
    assert details["row"].tolist() == [3, 5]


# --------------------------------------------------------------------------------------------
# 4. a rendered notebook holds no raw id, e-mail or key
# --------------------------------------------------------------------------------------------
def test_notebook_90_on_personal_ids_renders_html_without_them(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    # a project folder of its own: the notebook finds data/byod/ beside pyproject.toml
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data" / "byod").mkdir(parents=True)
    for name in ("export_eventi.csv", "sondaggio_clienti.csv"):
        shutil.copy(PRIVATE / name, tmp_path / "data" / "byod" / name)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.setenv("CXKIT_KEY", KEY)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # this checkout's cxkit in the kernel
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(ROOT / "notebooks" / "90_bring_your_own_data.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    html, _ = HTMLExporter().from_notebook_node(nb)
    raw, ids, mails = _events_file()
    survey_ids = pd.read_csv(PRIVATE / "sondaggio_clienti.csv", dtype=str)["cliente"]
    assert "px_" in html and "pseudonyms keyed by CXKIT_KEY" in html
    leaked = [v for v in [*ids, *survey_ids, *mails] if v in html]
    assert leaked == [] and KEY not in html
    # nor in the executed notebook's outputs
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert not any(v in outputs for v in [*ids, *mails]) and KEY not in outputs
