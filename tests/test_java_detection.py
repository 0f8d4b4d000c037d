"""The Java check that decides whether the Spark tests run (``tests/conftest.py``)."""

import pytest
from conftest import JAVA_HINT, java_missing, java_version, parse_java_version


@pytest.mark.parametrize(("output", "major"), [
    ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
    ('openjdk version "21" 2023-09-19', 21),
    ('openjdk version "11.0.22" 2024-01-16', 11),
    ('java version "1.8.0_381"', 8),
    ("bash: java: command not found", None),
])
def test_parse_java_version(output, major):
    assert parse_java_version(output) == major


def _fake_java(folder, version_line):
    java = folder / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)
    return folder


def test_no_java_on_the_path_gives_one_line_saying_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert java_version() is None
    reason = java_missing()
    assert reason == f"Java 17 not found: {JAVA_HINT}"
    assert "\n" not in reason and "apt-get install openjdk-17-jre-headless" in reason


def test_an_older_java_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(_fake_java(tmp_path, 'openjdk version "11.0.22" 2024-01-16')))
    assert java_version() == 11
    assert java_missing().startswith("Java 17 not found (java is Java 11): install it")


def test_java_17_or_newer_passes_and_java_home_wins(tmp_path, monkeypatch):
    (tmp_path / "old").mkdir()
    (tmp_path / "home" / "bin").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(_fake_java(tmp_path / "old", 'java version "1.8.0_381"')))
    _fake_java(tmp_path / "home" / "bin", 'openjdk version "21" 2023-09-19')
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "home"))
    assert java_version() == 21
    assert java_missing() is None
