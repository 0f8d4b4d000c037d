"""Time `cxkit report` on a simulated study written as files (example_study).

    python benchmarks/report.py [--customers 5000]

Prints one line: customers, events, seconds for the whole report (fresh kernel included),
events per second and peak memory of this process and of the kernel's children.
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path

from cxkit.report import example_study, run_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = example_study(folder, args.customers, seed=1)
        events = sum(1 for _ in open(Path(folder) / "events.csv")) - 1
        start = time.perf_counter()
        run_report(path, Path(folder) / "out")
        seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kernel = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"customers={args.customers} events={events} seconds={seconds:.1f} "
          f"events_per_s={events / seconds:,.0f} peak_rss_mb={own:.0f} "
          f"kernel_peak_rss_mb={kernel:.0f}")


if __name__ == "__main__":
    main()
