"""What every DuckDB database the kit opens shares: safe settings, no remote paths, a private
temporary folder that goes away, and Ctrl-C as :class:`KeyboardInterrupt` (#12).

- **Settings** (:data:`DUCKDB_CONFIG`): DuckDB neither installs nor loads extensions on its
  own (``autoinstall_known_extensions`` and ``autoload_known_extensions`` off), so a path or
  query cannot make it download code.
- **Remote paths** (``http://``, ``https://``, ``s3://``, ``gs://``, ``az://``, ``hf://``,
  any ``scheme://``) are refused by :func:`refuse_remote` with a :class:`DataError`: the kit's
  own databases read local files only. Pass an engine or connection of your own to read
  remote data.
- **Temporary folders** (:func:`private_folder`): each database spills to a folder made by
  :func:`tempfile.mkdtemp` (readable by its owner only), named ``cxkit-<purpose>-<random>``
  in the system's temporary directory. It is removed when the database closes, on normal
  exit (``atexit``), on Ctrl-C (the :class:`KeyboardInterrupt` unwinds and closes it) and on
  SIGTERM. For SIGTERM the kit installs a handler only where the program has none (the
  default action): it stops the running queries, removes the folders, then ends the process
  by SIGTERM as the default action would. Where the program has a handler of its own, the
  kit calls it unchanged and keeps what it raises; the folders then go when the exception
  unwinds or at exit. A SIGKILL or an out-of-memory kill cannot be caught: the folders stay
  and may hold raw rows (ids included); remove ``cxkit-*`` folders in the temporary
  directory (``tempfile.gettempdir()``) that no running process owns.
- **Ctrl-C**: DuckDB reports an interrupted query as ``RuntimeError("Query interrupted")``
  or ``duckdb.InterruptException``; :func:`translated` turns both back into
  :class:`KeyboardInterrupt` (or into what a host's signal handler raised), so that an
  ``except Exception`` never swallows it.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

from ._check import DataError

__all__ = ["DUCKDB_CONFIG", "as_interrupt", "interrupted", "private_folder", "refuse_remote",
           "release", "translated", "watch"]

#: Settings of every DuckDB database the kit opens itself.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_LOCK = threading.Lock()
_FOLDERS: dict[str, list] = {}  # folder → connections to interrupt before removing it
_state = {"atexit": False, "signals": False, "pending": None}


def refuse_remote(path, *, what: str = "a path", engine_hint: bool = True) -> None:
    """A :class:`DataError` if ``path`` is a URL (``scheme://...``).

    >>> refuse_remote("events.csv")
    >>> refuse_remote("https://example.org/events.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.DataError: https://example.org/events.csv: a remote path ...
    """
    text = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if text is not None and _REMOTE.match(text):
        scheme = text.split("://", 1)[0]
        raise DataError(f"a remote path ({scheme}://): the kit's own DuckDB reads local "
                        f"files only and fetches nothing", file=text,
                        expected=f"{what} on this computer (download the file first)" + (
                            ", or an engine of your own that reads remote data (engine=, an "
                            "Ibis backend or a Spark session)" if engine_hint else ""))


def private_folder(purpose: str) -> Path:
    """A new private temporary folder ``cxkit-<purpose>-<random>``, removed at exit and on
    SIGTERM even if :func:`release` is never called."""
    folder = Path(tempfile.mkdtemp(prefix=f"cxkit-{purpose}-"))
    with _LOCK:
        _FOLDERS[str(folder)] = []
    _install()
    return folder


def watch(folder, con) -> None:
    """Interrupt ``con`` before ``folder`` is removed on SIGTERM."""
    with _LOCK:
        _FOLDERS.setdefault(str(folder), []).append(con)


def release(folder) -> None:
    """Remove ``folder`` (and forget it)."""
    with _LOCK:
        _FOLDERS.pop(str(folder), None)
    shutil.rmtree(folder, ignore_errors=True)


def _remove_all() -> None:
    with _LOCK:
        folders = list(_FOLDERS.items())
        _FOLDERS.clear()
    for _, cons in folders:
        for con in cons:
            with suppress(Exception):
                con.interrupt()
    for folder, _ in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _on_sigterm(signum, frame) -> None:
    """SIGTERM where the program had no handler: remove the folders, then die by SIGTERM."""
    _remove_all()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _chained(host):
    def handler(signum, frame):
        try:
            host(signum, frame)
        except BaseException as err:  # noqa: BLE001 - kept for translated(), then re-raised
            _state["pending"] = err  # DuckDB would turn it into "Query interrupted"
            raise
    handler.cxkit_host = host
    return handler


def _install() -> None:
    """The atexit clean-up, once, and the SIGTERM handler, once from the main thread (where
    Python allows signal handlers)."""
    if _state["atexit"] and _state["signals"]:
        return
    with _LOCK:
        if not _state["atexit"]:
            atexit.register(_remove_all)
            _state["atexit"] = True
        if not _state["signals"] and threading.current_thread() is threading.main_thread():
            current = signal.getsignal(signal.SIGTERM)
            if current == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _on_sigterm)
            elif callable(current):
                signal.signal(signal.SIGTERM, _chained(current))
            # SIG_IGN, or a handler set outside Python (None): left alone
            _state["signals"] = True


def interrupted(err: BaseException) -> bool:
    """Whether ``err`` is DuckDB's report of an interrupted query (Ctrl-C)."""
    if type(err).__name__ == "InterruptException":
        return True
    return type(err) is RuntimeError and "interrupt" in str(err).lower()


def as_interrupt() -> BaseException:
    """What to raise for an interrupted query: what a host's signal handler raised, else
    :class:`KeyboardInterrupt`."""
    pending, _state["pending"] = _state["pending"], None
    return pending if pending is not None else KeyboardInterrupt()


@contextmanager
def translated():
    """Run queries with DuckDB's report of Ctrl-C turned back into
    :class:`KeyboardInterrupt` (or into what a host's SIGTERM handler raised)."""
    try:
        yield
    except KeyboardInterrupt:
        raise
    except Exception as err:
        if interrupted(err):
            raise as_interrupt() from None
        raise
