"""seminr's bootstrap as the measurement functions run it: the seed handed to seminr, how
many processes, the resamples that failed, and seminr's summary rows read back by path.
"""

from __future__ import annotations

import os

import numpy as np

from .. import _check
from .._check import DataError

#: A bootstrap expected to take less than this (seconds, in one process) stays in one process:
#: seminr starts its workers with ``spawn``, and each must import numpy, scipy and seminr
#: again (about 2 s on the 2-core reference machine), which eats the gain of a short run.
_PARALLEL_FROM_SECONDS = 4.0
#: One resample re-estimates the model and its HTMT: about 1.3 times one estimation.
_RESAMPLE_COST = 1.3


def _seed(seed) -> int | None:
    """The integer seed seminr takes (a Generator draws one)."""
    if seed is None:
        return None
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    return _check.count(seed, "seed")


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _cores(cores, nboot: int, seconds_per_estimate: float) -> int:
    if cores is None:
        expected = nboot * _RESAMPLE_COST * seconds_per_estimate
        return _available_cores() if expected >= _PARALLEL_FROM_SECONDS else 1
    return _check.count(cores, "cores", minimum=1)


def _bootstrap(model, nboot, seed, cores, seconds_per_estimate: float):
    import seminr

    if _check.count(nboot, "bootstrap") == 1:
        raise ValueError("bootstrap must be 0 (no bootstrap) or a number of resamples >= 2, "
                         "not 1")
    if nboot == 0:
        return None, 0
    used = _cores(cores, int(nboot), seconds_per_estimate)
    boot = seminr.bootstrap_model(model, int(nboot), seed=_seed(seed),
                                  cores=used if used > 1 else None)
    if boot.boots < 2:
        raise DataError(f"only {boot.boots} of {nboot} bootstrap resamples could be estimated "
                        "(resamples with an item that does not vary fail)",
                        expected="more respondents or items with more varied answers")
    return boot, used


def _bootstrap_notes(boot) -> list[str]:
    if boot is None or not boot.fails:
        return []
    return [f"{boot.fails} of {boot.boots + boot.fails} bootstrap resamples could not be "
            "estimated (an item did not vary in the resample) and were left out by seminr"]


def _boot_table(table) -> dict[tuple[str, str], np.ndarray]:
    """seminr's bootstrap summary rows ``"a  ->  b"`` → (a, b): the row's values."""
    out = {}
    for label, row in zip(table.rows, table.values, strict=True):
        source, target = label.split("  ->  ")
        out[(source, target)] = row
    return out

