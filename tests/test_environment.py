"""environment.yml (conda, Binder) and pyproject.toml must list the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
NOT_PACKAGES = {"python", "pip", "-e ."}
# system dependencies conda installs that pip cannot (the Java runtime Spark needs)
CONDA_ONLY = {"openjdk"}


def _requirement(text: str) -> tuple[str, str]:
    """(name, version specifier), extras such as ``[duckdb]`` left out."""
    match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", text.strip())
    name, spec = match.group(1).lower(), match.group(3).replace(" ", "")
    return CONDA_TO_PYPI.get(name, name), spec


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        listed += extra
    return dict(_requirement(r) for r in listed)


def _environment() -> dict[str, str]:
    listed, in_dependencies = [], False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if not line.startswith(" "):
            in_dependencies = line.startswith("dependencies:")
            continue
        item = re.match(r"^\s+-\s+(.+?)\s*$", line)
        text = item.group(1) if item else ""
        if in_dependencies and text and not text.endswith(":") and text not in NOT_PACKAGES:
            listed.append(text)
    return dict(_requirement(r) for r in listed
                if _requirement(r)[0] not in NOT_PACKAGES | CONDA_ONLY)


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert _environment() == _pyproject()


def test_environment_yml_pins_python_311_like_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert "  - python>=3.11" in (ROOT / "environment.yml").read_text().splitlines()
