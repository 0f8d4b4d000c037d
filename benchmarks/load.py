"""Time the front door: ``cxkit.load_journeys`` on a large CSV and Parquet export against
DuckDB's own bare read of the same file.

    python benchmarks/load.py --events 10000000 [--formats csv,parquet] [--seed 0]
                              [--timestamps offsets|naive] [--repeat 1] [--skip-to]
                              [--modes duckdb,dataframe,to] [--keep DIR]

It writes one seeded journey log of N events over N/20 customers twice, as CSV and as Parquet,
with DuckDB's ``COPY (SELECT ... FROM range(N)) TO`` (streamed, so that writing does not hold
N rows anywhere): ``customer_id`` as text (``C00012345``), ``timestamp`` (in the CSV ISO 8601
text with a few UTC offsets, ``Z``, ``+01:00``, ``+02:00``, ``-05:00``, ``+05:30``, or naive
with ``--timestamps naive``; in the Parquet file a UTC timestamp), ``touchpoint`` from
``cxkit.catalogue()``, ``channel`` and ``value`` (an amount with two decimals in about a third
of the rows, empty elsewhere). Rows are in time order, as a log is appended.

Then, for each format, it flushes the file to disk and reads it once (untimed: a file still
being written back reads slower, which would flatter the ratios), and times, each in a fresh
process (libraries imported before the clock starts), the runs of the modes alternating when
``--repeat`` asks for more than one

- duckdb: ``duckdb.read_csv(path)`` / ``duckdb.read_parquet(path)`` into an Arrow table;
- dataframe: ``cxkit.load_journeys(path)``;
- to: ``cxkit.load_journeys(path, to=<tmp>/out.parquet)`` (left out with ``--skip-to``; until
  the loader takes ``to=`` the line says ``to= not available``).

``--modes`` runs only some of them (``--modes duckdb,to --events 100000000`` for the 100 M-event
goal of ``to=``, without a 100 M-row DataFrame).

Each line ends

    events=N seconds=S events_per_s=R duckdb_ratio=Q peak_rss_mb=M

with S the best of ``--repeat`` runs, R = N / S, Q = S / (DuckDB's bare read of the same
file) and M the peak resident memory of the process that ran it (its VmHWM, taken when the
load returns). ``order=ok`` says that the loaded ids are the file's, row for row (checked
after the clock against DuckDB's read of the id column; ``CXKIT_BENCH_ORDER=0`` skips it
for ``to=``); ``order=WRONG(...)`` that rows came out elsewhere. Before these,
``imports_mb`` is the process's resident memory once the libraries are imported (before the
clock), ``table_mb`` the size of the returned table (``memory_usage(deep=True)``; Arrow's
``nbytes`` for DuckDB), and ``above_table_mb_per_m`` = (M - imports_mb - table_mb) per
million events. A summary of the issue's goals (#11) follows: CSV <= 2.5x and Parquet <= 6.5x
DuckDB's bare read of the same file, <= 150 MB per million events above the returned table,
and a 100 M-event file through ``to=`` within 2 GB (measured only with ``--events`` >= 100 M).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the checkout this file belongs to is the one measured, not whichever cxkit is installed
ROOT = Path(__file__).resolve().parent.parent
if (ROOT / "cxkit" / "__init__.py").exists() and str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

EVENTS_PER_CUSTOMER = 20
LEVEL_SHARES = {"engagement": 0.45, "experience": 0.40, "interaction": 0.15}
# a customer's time zone: (offset in minutes, how the CSV writes it)
OFFSETS = [(0, "Z"), (60, "+01:00"), (120, "+02:00"), (-300, "-05:00"), (330, "+05:30")]
SHOPS = ["web", "app", "store"]
FORMATS = ("csv", "parquet")
MODES = ("duckdb", "dataframe", "to")
GOAL_RATIO = {"csv": 2.5, "parquet": 6.5}
GOAL_MB_PER_MILLION = 150
GOAL_BIG_EVENTS, GOAL_BIG_MB = 100_000_000, 2048


# --------------------------------------------------------------------------------------------
# the event log
# --------------------------------------------------------------------------------------------
def _sql_list(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def log_query(n_events: int, seed: int, timestamps: str, fmt: str) -> str:
    """The SELECT that produces the log, one row per value of ``range(n_events)``.

    Every draw is a hash of the row number and the seed, so the log is the same whichever
    thread writes which row, and the CSV and the Parquet file hold the same events.
    """
    from cxkit.catalogue import catalogue

    cat = catalogue()
    # touchpoints weighted by level (shares as in benchmarks/journeys.py), as a list of 1000
    per_level = cat.groupby("level")["level"].transform("size")
    weight = cat["level"].map(LEVEL_SHARES) / per_level
    counts = (weight / weight.sum() * 1000).round().astype(int).clip(lower=1)
    touchpoints = [t for t, k in zip(cat["touchpoint"], counts, strict=True) for _ in range(k)]
    channels = [c for c, k in zip(cat["channel"], counts, strict=True) for _ in range(k)]
    n_customers = max(n_events // EVENTS_PER_CUSTOMER, 1)
    span = 365 * 86_400  # one year of events
    t0 = 1_704_067_200  # 2024-01-01T00:00:00Z

    def draw(k: int, of: str = "i") -> str:
        return f"hash({of}, {seed * 16 + k})"

    utc = (f"make_timestamp(CAST(({t0} + i * {span} // {n_events} + {draw(1)} % 600)"
           " * 1000000 AS BIGINT))")
    if fmt == "parquet":
        timestamp = f"CAST({utc} AS TIMESTAMPTZ)"
    elif timestamps == "naive":
        timestamp = f"strftime({utc}, '%Y-%m-%d %H:%M:%S')"
    else:  # each customer's events in the customer's own time zone
        minutes = "[" + ", ".join(str(m) for m, _ in OFFSETS) + "]"
        timestamp = (f"strftime({utc} + to_minutes({minutes}[zone]), '%Y-%m-%dT%H:%M:%S')"
                     f" || {_sql_list(s for _, s in OFFSETS)}[zone]")
    amount = f"CAST(({draw(4)} % 50000) / 100 AS DECIMAL(10, 2))"
    value = f"CASE WHEN touchpoint = 'purchase' OR {draw(3)} % 3 = 0 THEN {amount} END"
    if fmt == "parquet":
        value = f"CAST({value} AS DOUBLE)"
    return f"""
        SELECT 'C' || lpad(CAST(customer AS VARCHAR), 8, '0') AS customer_id,
               {timestamp} AS timestamp, touchpoint,
               CASE WHEN touchpoint = 'purchase' THEN {_sql_list(SHOPS)}[1 + shop]
                    ELSE {_sql_list(channels)}[pick] END AS channel,
               {value} AS value
        FROM (SELECT *, {_sql_list(touchpoints)}[pick] AS touchpoint
              FROM (SELECT i, customer,
                           1 + CAST({draw(5, "customer")} % {len(OFFSETS)} AS INTEGER) AS zone,
                           1 + CAST({draw(2)} % {len(touchpoints)} AS INTEGER) AS pick,
                           CAST({draw(6)} % {len(SHOPS)} AS INTEGER) AS shop
                    FROM (SELECT i, {draw(0)} % {n_customers} + 1 AS customer
                          FROM range({n_events}) AS r(i))))"""


def write_log(path: Path, n_events: int, seed: int, timestamps: str) -> None:
    """Write the log to ``path`` (.csv or .parquet), streamed by DuckDB."""
    import duckdb

    fmt = "parquet" if path.suffix == ".parquet" else "csv"
    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"SET temp_directory = '{path.parent / '.duckdb_tmp'}'")
    options = "FORMAT parquet, ROW_GROUP_SIZE 1048576" if fmt == "parquet" else \
        "FORMAT csv, HEADER true, DELIMITER ','"
    partial = path.with_name(path.name + ".partial")
    con.execute(f"COPY ({log_query(n_events, seed, timestamps, fmt)}) TO '{partial}' "
                f"({options})")
    con.close()
    partial.replace(path)


# --------------------------------------------------------------------------------------------
# the contenders, each run in its own process
# --------------------------------------------------------------------------------------------
def run_duckdb(fmt: str, path: str, work: Path) -> dict:
    import duckdb

    start = time.perf_counter()
    reader = duckdb.read_csv if fmt == "csv" else duckdb.read_parquet
    table = reader(path).to_arrow_table()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": table.num_rows, "table_mb": table.nbytes / 2**20}


def _in_order(fmt: str, path: str, ids) -> str:
    """Whether the loaded ids are the file's, row for row (checked after the clock and the
    memory peak: a plan that loses the rows' order shows only on files read in parallel)."""
    import duckdb
    import numpy as np

    reader = duckdb.read_csv if fmt == "csv" else duckdb.read_parquet
    source = reader(path).select("customer_id").fetchnumpy()["customer_id"]
    ids = np.asarray(ids, dtype=object)
    if len(ids) != len(source):
        return "WRONG(rows)"
    same = float(np.mean(ids == np.asarray(source, dtype=object)))
    return "ok" if same == 1.0 else f"WRONG({100 * same:.4f}%_in_place)"


def run_dataframe(fmt: str, path: str, work: Path) -> dict:
    import cxkit

    start = time.perf_counter()
    events = cxkit.load_journeys(path)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    return {"seconds": seconds, "rows": len(events), "peak_rss_mb": peak,
            "table_mb": int(events.memory_usage(deep=True).sum()) / 2**20,
            "order": _in_order(fmt, path, events["customer_id"].to_numpy())}


def run_to(fmt: str, path: str, work: Path) -> dict:
    import cxkit

    out = work / "out.parquet"
    start = time.perf_counter()
    try:
        result = cxkit.load_journeys(path, to=out)
    except TypeError as exc:  # the loader does not take to= (yet)
        if "to" in str(exc) and "keyword" in str(exc):
            return {"unavailable": str(exc)}
        raise
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    import pyarrow.parquet as pq

    written = Path(result)
    info = {"seconds": seconds, "rows": pq.ParquetFile(written).metadata.num_rows,
            "table_mb": 0.0, "out_mb": written.stat().st_size / 2**20, "peak_rss_mb": peak}
    if os.environ.get("CXKIT_BENCH_ORDER", "1") != "0":  # 0: skip it (the 100 M-event run)
        ids = pq.read_table(written, columns=["customer_id"])["customer_id"].to_numpy()
        info["order"] = _in_order(fmt, path, ids)
    return info


RUNS = {"duckdb": run_duckdb, "dataframe": run_dataframe, "to": run_to}


def worker(mode: str, fmt: str, path: str, work: str) -> None:
    # libraries are imported before the clock starts: the time is the work, not the imports
    import duckdb  # noqa: F401
    import pyarrow  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    if mode != "duckdb":
        import cxkit  # noqa: F401
        import cxkit.io  # noqa: F401
    info = {"imports_mb": _status_mb("VmRSS")}
    try:
        info.update(RUNS[mode](fmt, path, Path(work)))
    except Exception as exc:  # reported as a line, so the other runs go on
        info["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    info.setdefault("peak_rss_mb", peak_rss_mb())
    print(json.dumps(info))


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise OSError(field)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to the running program,
    whereas ru_maxrss survives exec and may report the parent's peak (benchmarks/journeys.py)."""
    try:
        return _status_mb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, fmt: str, path: Path, work: Path) -> dict:
    """One run, in a fresh process with an empty work folder."""
    folder = Path(tempfile.mkdtemp(prefix=f"{mode}_", dir=work))
    load = os.getloadavg()[0]
    try:
        stdout, stderr, status, usage = _run_child(
            [sys.executable, __file__, "--worker", mode, fmt, str(path), str(folder)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        info = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        info = {"error": f"worker exited with status {status}: {tail}"[:300]}
    info["load_avg"] = load
    info["ru_maxrss_mb"] = usage.ru_maxrss / 1024
    return info


def _best(infos: list[dict]) -> dict:
    """The fastest of a mode's runs (or the first that failed)."""
    timed = [info for info in infos if "seconds" in info]
    if len(timed) < len(infos):
        return next(info for info in infos if "seconds" not in info)
    return min(timed, key=lambda info: info["seconds"])


def warm(path: Path) -> None:
    """Flush the file just written to disk and read it once, untimed: the first read of a
    file whose pages are still being written back took up to twice as long (2.9 s instead
    of 1.5-1.9 s for DuckDB's bare read of the 10 M-event CSV), which flattered every ratio
    measured against it."""
    start = time.perf_counter()
    os.sync()
    with open(path, "rb") as stream:
        while stream.read(1 << 24):
            pass
    print(f"flushed and read {path.name} once before timing ({time.perf_counter() - start:.1f} s)",
          flush=True)


def _run_child(command: list[str]):
    """Run ``command``; its output, exit status and resource usage (``ru_maxrss`` of that
    child alone, from ``wait4``, as a check on the VmHWM it reports itself)."""
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            stdout = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:  # Ctrl-C: stop the child too
            child.kill()
            child.wait()
            raise
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        err.seek(0)
        return stdout, err.read(), child.returncode, usage


def report_line(mode: str, fmt: str, n_events: int, info: dict, floor: dict | None) -> str:
    head = f"format={fmt} mode={mode}"
    if "unavailable" in info:
        return f"{head} to= not available ({info['unavailable']})"
    if "error" in info:
        return f"{head} error: {info['error']}"
    seconds = info["seconds"]
    if mode == "duckdb":
        floor = info
    ratio = seconds / floor["seconds"] if floor and "seconds" in floor else math.nan
    info["duckdb_ratio"] = ratio
    above = info["peak_rss_mb"] - info["imports_mb"] - info["table_mb"]
    info["above_table_mb_per_m"] = above / (n_events / 1e6)
    extra = [f"rows={info['rows']}" + ("" if info["rows"] == n_events else "(!)"),
             f"load_avg={info['load_avg']:.1f}", f"imports_mb={info['imports_mb']:.0f}",
             f"table_mb={info['table_mb']:.0f}", f"ru_maxrss_mb={info['ru_maxrss_mb']:.0f}"]
    if "out_mb" in info:
        extra.append(f"out_mb={info['out_mb']:.0f}")
    if "order" in info:
        extra.append(f"order={info['order']}")
    extra.append(f"above_table_mb_per_m={info['above_table_mb_per_m']:.0f}")
    return (f"{head} {' '.join(extra)} events={n_events} seconds={seconds:.2f} "
            f"events_per_s={n_events / seconds:.0f} duckdb_ratio={ratio:.2f} "
            f"peak_rss_mb={info['peak_rss_mb']:.0f}")


# --------------------------------------------------------------------------------------------
# the goals of issue #11
# --------------------------------------------------------------------------------------------
def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def summary(results: dict, n_events: int, skip_to: bool) -> list[str]:
    results = {fmt: {mode: info for mode, info in runs.items() if "seconds" in info}
               for fmt, runs in results.items()}
    lines = ["goals (issue #11), as measured in this run:"]
    for fmt in results:
        goal = GOAL_RATIO[fmt]
        parts = []
        for mode in ("dataframe", "to"):
            ratio = results[fmt].get(mode, {}).get("duckdb_ratio")
            if ratio is not None and not math.isnan(ratio):
                parts.append(f"{mode} {ratio:.2f}x: {_verdict(ratio <= goal)}")
        lines.append(f"  {fmt} <= {goal}x DuckDB's bare {fmt} read: "
                     + ("; ".join(parts) or "not measured"))
    parts = []
    for fmt in results:
        for mode in ("dataframe", "to"):
            per_m = results[fmt].get(mode, {}).get("above_table_mb_per_m")
            if per_m is not None:
                parts.append(f"{fmt} {mode} {per_m:.0f}: "
                             f"{_verdict(per_m <= GOAL_MB_PER_MILLION)}")
        bare = results[fmt].get("duckdb", {}).get("above_table_mb_per_m")
        if bare is not None:  # what a fixed cost (the engine's own) weighs at this size
            parts.append(f"({fmt} DuckDB's bare read itself {bare:.0f})")
    lines.append(f"  peak memory <= {GOAL_MB_PER_MILLION} MB per million events above the "
                 "returned table (and the imports): " + ("; ".join(parts) or "not measured"))
    parts = []
    for fmt in results:
        peak = results[fmt].get("to", {}).get("peak_rss_mb")
        if peak is not None:
            parts.append(f"{fmt} peak {peak:.0f} MB at {n_events:,} events")
    if skip_to:
        big = "not measured (to= not run)"
    elif not parts:
        big = "not measured (to= not available)"
    elif n_events < GOAL_BIG_EVENTS:
        big = f"not measured (needs --events {GOAL_BIG_EVENTS}); " + "; ".join(parts)
    else:
        peaks = [results[f]["to"]["peak_rss_mb"] for f in results if "to" in results[f]]
        big = _verdict(all(p <= GOAL_BIG_MB for p in peaks)) + ": " + "; ".join(parts)
    lines.append(f"  a {GOAL_BIG_EVENTS // 1_000_000} M-event file through to= within "
                 f"{GOAL_BIG_MB / 1024:.0f} GB: {big}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="csv,parquet",
                        help="comma-separated, from: " + ",".join(FORMATS))
    parser.add_argument("--timestamps", choices=("offsets", "naive"), default="offsets",
                        help="CSV timestamps with a few UTC offsets (default) or naive")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument("--skip-to", action="store_true", help="leave out the to= runs")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated, from: " + ",".join(MODES))
    parser.add_argument("--keep", metavar="DIR",
                        help="write the log files to DIR and keep them (files already there "
                             "for the same events, seed and timestamps are reused)")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--write", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.write:
        write_log(Path(args.write[0]), int(args.write[1]), int(args.write[2]), args.write[3])
        return
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not formats or set(formats) - set(FORMATS):
        parser.error(f"--formats takes a comma-separated list of {', '.join(FORMATS)}")
    chosen = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not chosen or set(chosen) - set(MODES):
        parser.error(f"--modes takes a comma-separated list of {', '.join(MODES)}")
    modes = [m for m in MODES if m in chosen and not (args.skip_to and m == "to")]

    # which cxkit is measured, without importing it here (this process stays small)
    spec = importlib.util.find_spec("cxkit")
    print(f"cxkit from {Path(spec.origin).parent}; python {sys.version.split()[0]}", flush=True)
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        scratch = None
    else:
        scratch = tempfile.TemporaryDirectory(prefix="cxkit_load_")
        folder = Path(scratch.name)
    results: dict = {}
    try:
        for fmt in formats:
            stem = f"events_{args.events}_seed{args.seed}"
            stem += f"_{args.timestamps}" if fmt == "csv" else ""
            path = folder / f"{stem}.{fmt}"
            start = time.perf_counter()
            if path.exists():
                print(f"reusing {path} ({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
            else:
                # in a child process, so that this one stays small
                subprocess.run([sys.executable, __file__, "--write", str(path),
                                str(args.events), str(args.seed), args.timestamps], check=True)
                print(f"wrote {args.events:,} events over "
                      f"{max(args.events // EVENTS_PER_CUSTOMER, 1):,} customers to {path.name} "
                      f"({path.stat().st_size / 2**20:.0f} MiB) in "
                      f"{time.perf_counter() - start:.1f} s; load average "
                      f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
            warm(path)
            # the runs of each mode alternate (duckdb, dataframe, to, duckdb, ...), so that a
            # change in the machine's load reaches every mode alike; the best of each counts
            runs: dict = {mode: [] for mode in modes}
            for _ in range(args.repeat):
                for mode in modes:
                    runs[mode].append(measure(mode, fmt, path, folder))
            results[fmt] = {}
            for mode in modes:
                info = _best(runs[mode])
                print(report_line(mode, fmt, args.events, info, results[fmt].get("duckdb")),
                      flush=True)
                results[fmt][mode] = info
            if scratch is not None:
                path.unlink()  # the next format's file needs the room, not this one
    finally:
        if scratch is not None:
            scratch.cleanup()
    print("\n".join(summary(results, args.events, "to" not in modes)))


if __name__ == "__main__":
    main()
