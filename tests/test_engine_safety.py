"""Safe engines (#12): the kit's DuckDB databases load no extension on their own and read no
remote path; their spill folders go on SIGTERM, Ctrl-C and exit; Ctrl-C is KeyboardInterrupt."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import cxkit
from cxkit import _engines, journeys
from cxkit.io._engine import Session
from cxkit.journeys._engine import connect

ROOT = Path(__file__).resolve().parents[1]
# a sort of 60 million random strings in 30 MB: DuckDB spills within seconds
SPILLING = ("SELECT count(*) AS n FROM (SELECT i, md5(i::VARCHAR) AS m FROM range(60000000) t(i) "
            "ORDER BY m)")

SCRIPTS = {
    "loader": """
        from cxkit.io._engine import Session
        session = Session(memory_limit="30MB")
        session.con.execute("SET threads = 1")
        print(session.folder, session.folder / "spill", flush=True)
        try:
            session.run(QUERY)
        except Exception as err:  # a Ctrl-C must not end up here
            print("swallowed", type(err).__name__, flush=True)
    """,
    "journeys": """
        from cxkit.journeys._engine import connect, fetch
        con = connect()
        con.raw_sql("SET memory_limit = '30MB'; SET threads = 1; CREATE VIEW v AS " + QUERY)
        print(con._cxkit_spill, con._cxkit_spill, flush=True)
        try:
            fetch(con.table("v"))
        except Exception as err:  # a Ctrl-C must not end up here
            print("swallowed", type(err).__name__, flush=True)
    """,
}


def _start(kind: str, preamble: str = ""):
    code = preamble + f"QUERY = {SPILLING!r}\n" + textwrap.dedent(SCRIPTS[kind])
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _wait_for_spill(proc) -> tuple[Path, Path]:
    folder, spill = map(Path, proc.stdout.readline().split())
    deadline = time.monotonic() + 120
    while not (spill.exists() and any(spill.iterdir())):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the query never spilled"
        time.sleep(0.1)
    return folder, spill


@pytest.mark.parametrize("kind", SCRIPTS)
def test_sigterm_during_a_spilling_query_leaves_no_folder(kind):
    proc = _start(kind)
    folder, _ = _wait_for_spill(proc)
    assert folder.name.startswith("cxkit-")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM, err  # ended as by SIGTERM's default action
    assert not folder.exists()


@pytest.mark.parametrize("kind", SCRIPTS)
def test_ctrl_c_during_a_query_is_keyboard_interrupt_and_leaves_no_folder(kind):
    proc = _start(kind)
    folder, _ = _wait_for_spill(proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert "swallowed" not in out
    # an uncaught KeyboardInterrupt ends Python as by SIGINT (returncode -2)
    assert proc.returncode == -signal.SIGINT and "KeyboardInterrupt" in err.splitlines()[-1]
    assert not folder.exists()


def test_a_host_sigterm_handler_is_kept_and_what_it_raises_arrives():
    preamble = textwrap.dedent("""
        import signal, sys
        def host(signum, frame):
            raise SystemExit(7)
        signal.signal(signal.SIGTERM, host)
    """)
    proc = _start("journeys", preamble)
    folder, _ = _wait_for_spill(proc)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 7, err  # the host's SystemExit, not "Query interrupted"
    assert not folder.exists()


def test_databases_load_and_install_no_extension():
    with Session() as session:
        settings = dict(session.run("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('autoinstall_known_extensions', "
                                    "'autoload_known_extensions')"))
        folder = session.folder
    assert settings == {"autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}
    assert not folder.exists()
    con = connect()
    try:
        got = con.con.sql("SELECT value FROM duckdb_settings() WHERE name LIKE 'auto%_known_"
                          "extensions'").fetchall()
    finally:
        journeys._engine._release(con)
    assert got == [("false",), ("false",)]


@pytest.mark.parametrize("url", ["http://example.org/e.csv", "https://example.org/e.parquet",
                                 "s3://bucket/e.parquet", "gs://b/e.csv", "az://c/e.csv",
                                 "hf://datasets/x/e.parquet"])
def test_remote_paths_are_refused_before_anything_is_fetched(url):
    with pytest.raises(cxkit.DataError, match="a remote path"):
        cxkit.load_journeys(url)
    with pytest.raises(cxkit.DataError, match="a remote path"):
        cxkit.load_survey(url)
    with pytest.raises(cxkit.DataError, match=r"a remote path .* engine of your own"):
        journeys.transitions(url)


def test_a_remote_path_is_left_to_an_engine_of_the_callers_own():
    import ibis

    own = ibis.duckdb.connect()
    with pytest.raises(Exception) as err:  # the caller's engine tries (and fails offline)
        journeys.transitions("https://127.0.0.1:9/e.parquet", engine=own)
    assert not isinstance(err.value, cxkit.DataError) or "remote path" not in str(err.value)


def test_interrupts_are_recognised_and_other_errors_pass():
    assert _engines.interrupted(RuntimeError("Query interrupted"))
    with pytest.raises(KeyboardInterrupt), _engines.translated():
        raise RuntimeError("Query interrupted")
    with pytest.raises(ValueError), _engines.translated():
        raise ValueError("other")


def test_folders_are_private_and_removed_at_exit(tmp_path):
    code = ("from cxkit import _engines; f = _engines.private_folder('x'); "
            "import os, stat; print(f, oct(stat.S_IMODE(os.stat(f).st_mode)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    folder, mode = out.stdout.split()
    assert mode == "0o700" and Path(folder).name.startswith("cxkit-x-")
    assert not Path(folder).exists()


def test_a_frame_still_loads(tmp_path):
    events = pd.DataFrame({"customer_id": ["a"], "timestamp": ["2025-01-01T10:00:00Z"],
                           "touchpoint": ["web_visit"]})
    assert len(cxkit.load_journeys(events)) == 1
