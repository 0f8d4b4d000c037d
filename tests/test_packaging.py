"""The wheel works where the checkout is absent: built from the checkout, installed into a fresh
virtual environment in a temporary folder, and used from a working directory outside the checkout.

How (no network): the wheel is built from a copy of the checkout's sources (so no ``build/`` or
``*.egg-info`` lands in the checkout); a fresh venv is made without pip and the wheel is installed
into it with ``pip --python ENV --no-deps --no-index``. The new environment sees the dependencies
already installed in the running interpreter's site-packages through a ``.pth`` file that names
that folder. A ``.pth`` line that names a folder only appends it to ``sys.path``: the ``.pth``
files inside it, among them the editable install's ``__editable__.cxkit-*.pth`` finder, are not
run, so ``import cxkit`` finds the installed wheel (checked below). The ``.pth`` file is written
after the install, so pip does not see the editable cxkit as already installed.

Marked ``packaging``; ``make test`` runs it (about 15 seconds on two cores).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_quickstart.ipynb"  # among the quickest (about 5 s)
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "cxkit")


def _setuptools_major() -> int:
    try:
        return int(metadata.version("setuptools").split(".")[0])
    except metadata.PackageNotFoundError:
        return 0


def _run(cmd, *, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _clean_env(tmp: Path) -> dict[str, str]:
    """The caller's environment without anything that would put the checkout on sys.path."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV",
                        "CXKIT_DATA", "JUPYTER_PATH"}}
    env.update(MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1",
               IPYTHONDIR=str(tmp / "ipython"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("build")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, src / name)
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist")]
    if _setuptools_major() >= 77:  # the backend pyproject.toml names is installed (dev extra)
        cmd += ["--no-build-isolation", "--no-index"]
    # else (a venv made before the dev extra asked for setuptools>=77): pip builds in isolation
    # and fetches the backend from the package index, as the editable install did
    _run([*cmd, str(src)], cwd=tmp)
    (built,) = (tmp / "dist").glob("cxkit-*.whl")
    return built


@pytest.fixture(scope="module")
def env_python(wheel, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "env")], cwd=tmp)
    python = tmp / "env" / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", str(wheel)], cwd=tmp, env=_clean_env(tmp))
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                cwd=tmp, env=_clean_env(tmp)).stdout.strip()
    outer = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(site) / "_cxkit_test_dependencies.pth").write_text("\n".join(outer) + "\n")
    return python


def test_the_wheel_holds_the_sample_and_the_catalogue(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("events.parquet", "customers.csv", "survey.csv", "truth.json",
                 "CHECKSUMS.json", "README.md"):
        assert f"cxkit/study/data/sample/{name}" in names
    assert "cxkit/catalogue/data/touchpoints.csv" in names
    for name in ("CDNOW_sample.txt", "README.md"):
        assert f"cxkit/study/data/cdnow/{name}" in names


def test_installed_wheel_loads_the_sample_outside_the_checkout(env_python, tmp_path):
    check = textwrap.dedent("""
        import json, sys
        import cxkit
        study = cxkit.datasets.load_sample()
        print(json.dumps({
            "file": cxkit.__file__,
            "sample": str(cxkit.datasets.sample_dir()),
            "customers": len(study.customers),
            "editable": sorted(m for m in sys.modules if "editable" in m),
            "path": sys.path,
        }))
    """)
    out = _run([str(env_python), "-c", check], cwd=tmp_path, env=_clean_env(tmp_path)).stdout
    found = json.loads(out)  # the only line printed: the library printed nothing
    env = env_python.parents[1]
    assert Path(found["file"]).is_relative_to(env), found["file"]
    assert Path(found["sample"]).is_relative_to(env), found["sample"]
    assert found["customers"] == 5000
    assert found["editable"] == []  # the editable install's finder did not run
    assert str(ROOT) not in {str(Path(p).resolve()) for p in found["path"] if p}


def test_quickstart_notebook_runs_on_the_installed_wheel(env_python, tmp_path):
    # a kernel spec of our own, so that the kernel is surely the new environment's python
    spec = tmp_path / "jupyter" / "kernels" / "cxkit-wheel"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(env_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cxkit wheel", "language": "python"}))
    run = textwrap.dedent(f"""
        import nbformat
        from nbclient import NotebookClient
        nb = nbformat.read({str(NOTEBOOK)!r}, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(
            "import sys, cxkit; print(cxkit.__file__); print(sys.executable)"))
        NotebookClient(nb, timeout=600, kernel_name="cxkit-wheel").execute()
        nbformat.write(nb, "executed.ipynb")
        print(nb.cells[-1].outputs[0]["text"], end="")
    """)
    env = _clean_env(tmp_path)
    env["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    out = _run([str(env_python), "-c", run], cwd=tmp_path, env=env, timeout=600).stdout
    module_file, executable = out.splitlines()[-2:]
    assert Path(module_file).is_relative_to(env_python.parents[1]), module_file
    assert Path(executable).is_relative_to(env_python.parents[1]), executable
    assert (tmp_path / "executed.ipynb").is_file()
