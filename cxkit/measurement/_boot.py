"""seminr's bootstrap as the measurement functions run it: the seed handed to seminr, how
many processes, the resamples that failed, and seminr's summary rows read back by path.

Several processes run on a pool of the kit's own (seminr's pool, ``spawn`` start method,
replaced while the bootstrap runs): each worker ends by itself within a fraction of a
second when its parent process is gone (SIGTERM, SIGKILL), ignores Ctrl-C, and the parent
ends the workers when a Ctrl-C (or any error) stops it while it waits. A script without an
``if __name__ == "__main__":`` guard cannot start ``spawn`` workers (each would run the
script again): the bootstrap then runs in one process, and the result's notes say so.
"""

from __future__ import annotations

import ast
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

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
    seed, notes = _seed(seed), []
    if used > 1 and not _spawn_safe():
        used = 1
        notes.append(_NO_GUARD)
    boot = None
    if used > 1:
        from concurrent.futures.process import BrokenProcessPool

        try:
            with _own_pool():
                boot = seminr.bootstrap_model(model, int(nboot), seed=seed, cores=used)
        except BrokenProcessPool as err:
            used = 1
            notes.append(f"the bootstrap's worker processes failed ({err}); it ran again in "
                         "one process")
    if boot is None:
        boot = seminr.bootstrap_model(model, int(nboot), seed=seed, cores=None)
    object.__setattr__(boot, "_cxkit_notes", notes)  # read by _bootstrap_notes
    if boot.boots < 2:
        raise DataError(f"only {boot.boots} of {nboot} bootstrap resamples could be estimated "
                        "(resamples with an item that does not vary fail)",
                        expected="more respondents or items with more varied answers")
    return boot, used


def _bootstrap_notes(boot) -> list[str]:
    if boot is None:
        return []
    notes = list(getattr(boot, "_cxkit_notes", []))
    if not boot.fails:
        return notes
    return notes + [f"{boot.fails} of {boot.boots + boot.fails} bootstrap resamples could "
                    "not be estimated (an item did not vary in the resample) and were left out "
                    "by seminr"]


# --------------------------------------------------------------------------------------------
# the worker processes
# --------------------------------------------------------------------------------------------
_NO_GUARD = ("the bootstrap ran in one process: the script has no "
             "'if __name__ == \"__main__\":' guard, without which worker processes (started "
             "with spawn) would run the script again; add the guard to use several cores")
_LOCK = threading.Lock()


def _spawn_safe() -> bool:
    """Whether ``spawn`` workers can start: not inside a worker, and the main script (if
    any) has an ``if __name__ == "__main__":`` guard at its top level."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        return False  # a worker (or a script run again by one): no pool inside a pool
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if path is None:
        return True  # a notebook, the REPL, python -c: nothing is run again
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return True  # unreadable: the pool is tried, and a failure falls back
    return any(isinstance(node, ast.If) and _is_main_test(node.test) for node in tree.body)


def _is_main_test(test) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = {s.id for s in sides if isinstance(s, ast.Name)}
    texts = {s.value for s in sides if isinstance(s, ast.Constant)}
    return names == {"__name__"} and texts == {"__main__"}


def _worker_start(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent, and end when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="cxkit-parent-watch").start()


def _run_chunks(task, requests, cores: int) -> list:
    """seminr's ``run_chunks`` (same order, ``spawn``), with workers that end with the parent
    and are ended when waiting for them is interrupted."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(max_workers=cores,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_start, initargs=(os.getpid(),))
    try:
        results = list(executor.map(task, requests))
    except BaseException:
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
        raise
    executor.shutdown(wait=True)
    return results


@contextmanager
def _own_pool():
    """seminr's parallel bootstrap on :func:`_run_chunks` while the block runs."""
    from seminr.bootstrap import parallel

    with _LOCK:
        original, parallel.run_chunks = parallel.run_chunks, _run_chunks
        try:
            yield
        finally:
            parallel.run_chunks = original


def _boot_table(table) -> dict[tuple[str, str], np.ndarray]:
    """seminr's bootstrap summary rows ``"a  ->  b"`` → (a, b): the row's values."""
    out = {}
    for label, row in zip(table.rows, table.values, strict=True):
        source, target = label.split("  ->  ")
        out[(source, target)] = row
    return out

