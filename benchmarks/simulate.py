"""Time cxkit.simulate_study (goal: 10,000 customers in <= 10 s on the 2-core machine).

    python benchmarks/simulate.py [--customers 10000] [--repeat 3]
"""

import argparse
import resource
import time

import cxkit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times = []
    for seed in range(args.repeat):
        start = time.perf_counter()
        study = cxkit.simulate_study(args.customers, seed=seed)
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"simulated {study!r}")
    print(f"customers={args.customers} seconds_best={min(times):.2f} "
          f"seconds_worst={max(times):.2f} events={len(study.events)} "
          f"events_per_s={len(study.events) / min(times):,.0f} peak_rss_mb={peak_mb:.0f} "
          f"goal_s=10")


if __name__ == "__main__":
    main()
