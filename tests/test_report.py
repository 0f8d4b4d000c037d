"""`cxkit report`: the study file, the starter file, each section, and the whole report."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cxkit
from cxkit.report import example_study, init_study, read_study, run_report, sections

ROOT = Path(__file__).resolve().parents[1]
BYOD = ROOT / "data" / "byod"
SEED = 3


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("simulated")
    study = read_study(example_study(folder, 1500, seed=SEED))
    truth = cxkit.simulate_study(1500, seed=SEED).truth
    return {"folder": folder, "study": study, "data": sections.load(study), "truth": truth}


# --- the study file -------------------------------------------------------------------------

def study_file(folder: Path, text: str) -> Path:
    (folder / "events.csv").write_text("id_cliente;data_ora;evento\nC1;2024-01-02 10:00;purchase\n",
                                       encoding="utf-8")
    path = folder / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_named_with_the_closest_parameter(tmp_path):
    path = study_file(tmp_path, '[events]\nsource = "events.csv"\nsepp = ";"\n')
    with pytest.raises(cxkit.DataError, match=r"study\.toml: \[events\] has an unknown key "
                                              r"'sepp'; did you mean 'sep'\?"):
        read_study(path)


def test_unknown_table_is_refused(tmp_path):
    path = study_file(tmp_path, '[event]\nsource = "events.csv"\n')
    with pytest.raises(cxkit.DataError, match=r"unknown key 'event'; did you mean 'events'"):
        read_study(path)


def test_a_mapped_column_missing_from_the_file_is_named(tmp_path):
    path = study_file(tmp_path, '[events]\nsource = "events.csv"\nsep = ";"\n'
                                'columns = { customer_id = "id_cliente", timestamp = "data" }\n')
    with pytest.raises(cxkit.DataError) as err:
        read_study(path)
    message = str(err.value)
    assert "study.toml" in message and "columns.timestamp" in message
    assert "'data'" in message and "events.csv" in message and "data_ora" in message


def test_a_missing_source_is_named(tmp_path):
    path = study_file(tmp_path, '[events]\nsource = "eventi.csv"\n')
    with pytest.raises(cxkit.DataError, match=r"\[events\] source 'eventi.csv' does not exist"):
        read_study(path)


def test_loader_keys_are_the_loaders_parameters():
    from cxkit.report.study import loader_keys

    assert {"sep", "decimal", "columns", "values", "on_error", "tz"} <= set(
        loader_keys(cxkit.load_journeys))
    assert "to" not in loader_keys(cxkit.load_journeys)
    assert {"id_column", "wave_column", "keep", "missing_codes", "ranges"} <= set(
        loader_keys(cxkit.load_survey))


# --- the starter file -----------------------------------------------------------------------

def test_init_guesses_the_byod_export_and_the_result_reads_back(tmp_path):
    text = init_study(BYOD / "export_eventi.csv", BYOD / "sondaggio_clienti.csv",
                      title="Clienti", folder=BYOD)
    assert 'customer_id = "id_cliente"' in text and 'timestamp = "data_ora"' in text
    assert 'touchpoint = "evento"' in text and 'value = "importo"' in text
    assert 'id_column = "cliente"' in text and "missing_codes = [-99]" in text
    assert 'facilita = ["facilita_1", "facilita_2", "facilita_3"]' in text
    assert text.count("guessed") >= 4 and "CHECK" in text
    (tmp_path / "study.toml").write_text(text.replace('source = "', f'source = "{BYOD}/'))
    study = read_study(tmp_path / "study.toml")
    assert study.constructs == {"facilita": ["facilita_1", "facilita_2", "facilita_3"]}


def test_init_from_the_command_line_refuses_to_overwrite(tmp_path):
    out = tmp_path / "study.toml"
    command = [sys.executable, "-m", "cxkit", "study", "init", "--events",
               str(BYOD / "export_eventi.csv"), "--out", str(out)]
    assert subprocess.run(command, capture_output=True).returncode == 0
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 2 and "exists" in again.stderr


# --- the sections, against direct calls of the kit and the simulator's truth ----------------

def test_every_section_runs_on_the_simulated_study(simulated):
    for function in sections.SECTIONS:
        section = function(simulated["data"])
        assert section.skipped is None, (function.__name__, section.skipped)
        assert section._repr_html_().startswith("<h2>")


def test_section_numbers_equal_direct_calls(simulated):
    data, study = simulated["data"], simulated["study"]
    survey = cxkit.load_survey(**study.survey)
    assert sections.survey_metrics(data).numbers["nps"] == pytest.approx(
        cxkit.metrics.nps(survey)["estimate"].iloc[0])
    loads = sections.loads(data).numbers
    assert loads["survey_rows_kept"] == len(survey)
    assert loads["events_rows_read"] == len(pd.read_csv(simulated["folder"] / "events.csv"))
    alpha = cxkit.measurement.reliability(survey, study.constructs).set_index("construct")
    assert sections.measurement(data).numbers["alpha_loyalty"] == pytest.approx(
        alpha.loc["loyalty", "alpha"])


def test_survey_metrics_by_segment_follow_the_study_min_n(simulated):
    import dataclasses

    data = simulated["data"]

    def by_segment(min_n: int) -> list:
        study = dataclasses.replace(data.study, report={**data.study.report, "min_n": min_n})
        section = sections.survey_metrics(dataclasses.replace(data, study=study))
        assert f"fewer than {min_n} distinct respondents are suppressed" in section.text
        return [table for caption, table in section.tables if " by segment" in caption]

    # two waves: the rule counts distinct customers per segment, not rows
    people = data.survey.groupby("segment")["customer_id"].nunique().sort_values()
    smallest, threshold = people.index[0], int(people.iloc[:2].mean())
    assert people.iloc[0] < threshold <= people.iloc[1]
    tables = by_segment(threshold)
    assert len(tables) == 2  # NPS and CSAT (the simulated survey has no CES)
    for table in tables:
        assert table.loc[table["suppressed"], "segment"].tolist() == [smallest]
        assert table.loc[table["suppressed"], "estimate"].isna().all()
        assert table.attrs["small_cells"]["min_n"] == threshold
    for table in by_segment(0):
        assert not table["suppressed"].any()
        assert table.attrs["small_cells"]["note"].startswith("min_n=0")


def test_the_policy_interval_covers_the_simulated_effect(simulated):
    numbers = sections.policy(simulated["data"]).numbers
    truth = simulated["truth"]["effect_csr_on_loyalty"]
    assert numbers["ci_low"] < truth < numbers["ci_high"]


def test_sections_without_what_they_need_say_why(simulated, tmp_path):
    text = (simulated["folder"] / "study.toml").read_text()
    text = text.replace('source = "', f'source = "{simulated["folder"]}/')
    text = text.split("[constructs]")[0]  # no constructs, no policy, no report keys
    (tmp_path / "study.toml").write_text(text)
    data = sections.load(read_study(tmp_path / "study.toml"))
    assert "no [constructs]" in sections.measurement(data).skipped
    assert "no needs, ease, enjoy" in sections.pyramid(data).skipped
    assert "no [policy]" in sections.policy(data).skipped


# --- the whole report, on data/byod/studio/ ------------------------------------------------

STUDIO = BYOD / "studio" / "study.toml"


@pytest.fixture(scope="module")
def studio_report(tmp_path_factory):
    pytest.importorskip("nbclient", reason="the report needs the notebooks extra")
    out = tmp_path_factory.mktemp("studio")
    lines = []
    index = run_report(STUDIO, out, progress=lines.append)
    return {"html": index.read_text(encoding="utf-8"), "lines": lines, "out": out}


def ids_in(html: str, ids) -> list:
    """The ids found as whole words (not inside the base64 text of an image)."""
    return [i for i in ids if re.search(rf"(?<![A-Za-z0-9+/]){re.escape(i)}(?![A-Za-z0-9+/])",
                                        html)]


def cell(value: float) -> str:
    """A number as the report's tables print it."""
    return f"{value:.3g}"


def test_studio_report_has_every_section_and_its_progress(studio_report):
    html = studio_report["html"]
    for function in sections.SECTIONS:
        assert any(function.__name__ in line for line in studio_report["lines"])
    for title in ("Clienti 2025", "The data and its load reports", "The three circles",
                  "Channel and touchpoint mix", "NPS, CSAT and CES", "Construct reliability",
                  "The CX pyramid", "Key drivers of loyalty", "Moments of truth",
                  "The policy's effect", "Retention", "Reproducibility"):
        assert title in html, title
    assert "Skipped" not in html and "Traceback" not in html
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing fetched on opening


def test_studio_report_numbers_equal_direct_calls(studio_report):
    html = studio_report["html"]
    study = read_study(STUDIO)
    events = cxkit.load_journeys(**study.events)
    survey = cxkit.load_survey(**study.survey)
    report = cxkit.load_report(events)
    assert (report.rows_read, report.rows_kept) == (1721, 1719)
    assert report.set_aside["row"].tolist() == [18, 403]
    for number in (report.rows_read, report.rows_kept, 240):
        assert f"<td>{number}</td>" in html
    assert "unreadable timestamp" in html and "empty or placeholder id" in html
    assert cell(cxkit.metrics.nps(survey, missing="listwise")["estimate"].iloc[0]) in html
    alpha = cxkit.measurement.reliability(survey, study.constructs, missing="listwise")["alpha"]
    assert all(cell(a) in html for a in alpha)
    data = sections.load(study)
    did = sections.policy(data).numbers
    assert cell(did["estimate"]) in html
    # the files were made with a true effect of 0.5 (data/byod/make_byod.py)
    assert did["ci_low"] < 0.5 < did["ci_high"]


def test_studio_report_holds_no_id_and_a_manifest(studio_report):
    html = studio_report["html"]
    ids = set(pd.read_csv(BYOD / "studio" / "sondaggio.csv", sep=";")["cliente"])
    assert len(ids) == 120 and not ids_in(html, ids)
    manifest = json.loads((studio_report["out"] / "manifest.json").read_text())
    assert manifest["cxkit"] == cxkit.__version__ and manifest["seed"] == 2009
    assert set(manifest["inputs_sha256"]) == {"study.toml", "export_eventi.csv",
                                              "sondaggio.csv"}
    assert (studio_report["out"] / "report.ipynb").exists()


def test_the_readme_shows_the_studio_study_file_as_it_is():
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[study\]\ntitle = \"Clienti 2025\".*?)```", readme, re.S)
    shown = tomllib.loads(block.group(1))
    shipped = tomllib.loads(STUDIO.read_text(encoding="utf-8"))
    shipped["survey"].pop("scale")  # the README leaves the default scale out
    assert shown == shipped


def test_one_construct_gets_alpha_and_omega(tmp_path):
    (tmp_path / "study.toml").write_text(f"""
[survey]
source = "{(BYOD / 'sondaggio_clienti.csv').as_posix()}"
id_column = "cliente"
missing_codes = [-99]
ranges = {{ nps = [0, 10] }}
[constructs]
ease = ["facilita_1", "facilita_2", "facilita_3"]
""")
    data = sections.load(read_study(tmp_path / "study.toml"))
    section = sections.measurement(data)
    items = ["facilita_1", "facilita_2", "facilita_3"]
    direct = cxkit.measurement.alpha(data.survey, items, missing="listwise", seed=2009)
    assert section.numbers["alpha_ease"] == pytest.approx(direct.to_frame()["estimate"].iloc[0])
    assert "3 of 22 rows left out" in section.text
    assert "without events" not in sections.retention(data).text
    assert sections.retention(data).skipped == "the study has no [events]"


def test_the_readme_study_init_command_runs_as_written(tmp_path):
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"\.venv/bin/cxkit (study init .*?)#", readme.replace("\\\n", " "))
    args = shlex.split(line.group(1))
    args[args.index("--out") + 1] = str(tmp_path / "my_study.toml")  # not into the checkout
    run = subprocess.run([sys.executable, "-m", "cxkit", *args], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    study = read_study(tmp_path / "my_study.toml")
    assert study.events["columns"]["customer_id"] == "id_cliente"


def test_ids_are_pseudonymised_when_the_key_variable_is_set(monkeypatch):
    monkeypatch.setenv("CXKIT_KEY", "a key for the test")
    data = sections.load(read_study(STUDIO))
    assert data.survey["customer_id"].str.startswith("px_").all()
    assert data.events["customer_id"].astype(str).str.startswith("px_").all()
    # one key, one pseudonym per customer: the survey still joins the events
    assert data.survey["customer_id"].isin(set(data.events["customer_id"])).mean() > 0.9
    assert "pseudonymised at load time" in sections.loads(data).text
    assert "a key for the test" not in sections.loads(data)._repr_html_()
