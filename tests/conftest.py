"""Shared fixtures: a seeded generator, a small simulated study, and figures closed after each
test (drawn with the non-interactive Agg backend, so the suite runs without a display)."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import cxkit

matplotlib.use("Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: the same numbers on every run."""
    return np.random.default_rng(20240501)


@pytest.fixture(scope="session")
def study() -> cxkit.Study:
    """A small simulated study (1,500 customers), simulated once per test session."""
    return cxkit.simulate_study(1500, seed=7)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------ Java, for the Spark tests
# Test infrastructure, not package code: pip cannot install a Java runtime, so the tests marked
# `spark` skip with one line where none (or an older one) is found. The imports stay inside the
# functions so that this section is all this file gains.
JAVA_MINIMUM = 17
JAVA_HINT = "install it (apt-get install openjdk-17-jre-headless) to run the Spark tests"


def parse_java_version(text: str) -> int | None:
    """The major version in ``java -version``'s output: ``"17.0.15"`` → 17, ``"1.8.0_381"`` → 8."""
    import re

    found = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2)) if major == 1 and found.group(2) else major


def java_version() -> int | None:
    """Major version of the Java that Spark would start (``$JAVA_HOME/bin/java``, else ``java``
    on ``PATH``, as pyspark's launcher chooses); None when there is none."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).is_file():
        return None
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_java_version(done.stderr + done.stdout)


def java_missing() -> str | None:
    """Why the Spark tests cannot run (one line), or None when Java 17 or newer is there."""
    version = java_version()
    if version is None:
        return f"Java {JAVA_MINIMUM} not found: {JAVA_HINT}"
    if version < JAVA_MINIMUM:
        return f"Java {JAVA_MINIMUM} not found (java is Java {version}): {JAVA_HINT}"
    return None
