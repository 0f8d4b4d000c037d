"""Time what personal-data protection costs a load: the detection of personal data (run on
every load, on up to ``cxkit._privacy.SAMPLE_ROWS`` evenly spaced rows per column) and
pseudonymisation at load time (``pseudonymise=``, HMAC-SHA-256 in DuckDB).

    python benchmarks/privacy.py --events 1000000 [--repeat 3] [--keep DIR]

The journey log is benchmarks/load.py's (same seed, same columns; CSV). Printed, per line,
the best of ``--repeat`` runs in this process (after one warm-up load):

- ``detect``: ``cxkit._privacy.detect`` alone on the loaded table;
- ``load`` / ``load_pseudonymised``: ``cxkit.load_journeys(path)`` without / with
  ``pseudonymise=``; ``pseudonymise_cost`` their difference;
- ``to`` / ``to_pseudonymised``: the same through ``to=`` (a Parquet file);
- ``pseudonymise_frame``: ``cxkit.pseudonymise`` on the loaded table (pandas, each distinct
  id hashed once in Python).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if (ROOT / "cxkit" / "__init__.py").exists() and str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

KEY = "benchmark key, not a secret"


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()

    import cxkit
    from cxkit import _privacy

    with tempfile.TemporaryDirectory(prefix="cxkit-bench-privacy-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"log_{args.events}_{args.seed}_offsets.csv"
        if not path.exists():
            _load_module().write_log(path, args.events, args.seed, "offsets")
        events = cxkit.load_journeys(path)  # warm-up
        n = len(events)
        out = Path(tmp) / "out.parquet"
        results = {
            "detect": best(args.repeat, lambda: _privacy.detect(
                events, ids=("customer_id",), skip=("timestamp", "value"))),
            "load": best(args.repeat, lambda: cxkit.load_journeys(path)),
            "load_pseudonymised": best(args.repeat, lambda: cxkit.load_journeys(
                path, pseudonymise=KEY)),
            "to": best(args.repeat, lambda: cxkit.load_journeys(path, to=out)),
            "to_pseudonymised": best(args.repeat, lambda: cxkit.load_journeys(
                path, to=out, pseudonymise=KEY)),
            "pseudonymise_frame": best(args.repeat, lambda: cxkit.pseudonymise(events,
                                                                                key=KEY)),
        }
        results["pseudonymise_cost"] = results["load_pseudonymised"] - results["load"]
        results["to_pseudonymise_cost"] = results["to_pseudonymised"] - results["to"]
        print(f"events={n} customers={events['customer_id'].nunique()} "
              f"sample_rows={_privacy.SAMPLE_ROWS} repeat={args.repeat}")
        for name, seconds in results.items():
            share = f" share_of_load={seconds / results['load']:.1%}" if name in (
                "detect", "pseudonymise_cost") else ""
            print(f"{name}: seconds={seconds:.3f}{share}")


if __name__ == "__main__":
    main()
