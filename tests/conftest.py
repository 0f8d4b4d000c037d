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
