"""Time cxkit.simulate_study (goal: 10,000 customers in <= 10 s on the 2-core machine).

    python benchmarks/simulate.py [--customers 10000] [--repeat 3]

Streamed to Parquet in chunks (goal: 1,000,000 customers within 2 GB peak RSS):

    python benchmarks/simulate.py --to /tmp/events.parquet --customers 1000000 [--chunk 10000]

Measured 2026-11-27 (2 shared cores): 1,000,000 customers, chunks of 10,000: 193 s,
179.7 M events, 1.8 GB file, peak RSS 1,074 MB (chunks of 20,000: 198 s, 1,618 MB).
Run it from the repository with PYTHONPATH=. so the checkout's cxkit is timed.
"""

import argparse
import resource
import time

import pyarrow.parquet as pq

import cxkit


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def streamed(args) -> None:
    start = time.perf_counter()
    study = cxkit.simulate_study(args.customers, seed=0, to=args.to, chunk_size=args.chunk,
                                 progress=False)
    seconds = time.perf_counter() - start
    events = pq.ParquetFile(study.events).metadata.num_rows
    size_mb = study.events.stat().st_size / 2**20
    print(f"simulated {study!r}")
    print(f"customers={args.customers} chunk={args.chunk} seconds={seconds:.1f} events={events} "
          f"events_per_customer={events / args.customers:.1f} events_per_s={events / seconds:,.0f} "
          f"file_mb={size_mb:.0f} peak_rss_mb={peak_rss_mb():.0f} goal_rss_mb=2048")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--to", help="stream the events to this .parquet file")
    parser.add_argument("--chunk", type=int, default=10_000, help="customers per chunk (--to)")
    args = parser.parse_args()
    if args.to:
        streamed(args)
        return
    times = []
    for seed in range(args.repeat):
        start = time.perf_counter()
        study = cxkit.simulate_study(args.customers, seed=seed)
        times.append(time.perf_counter() - start)
    print(f"simulated {study!r}")
    print(f"customers={args.customers} seconds_best={min(times):.2f} "
          f"seconds_worst={max(times):.2f} events={len(study.events)} "
          f"events_per_s={len(study.events) / min(times):,.0f} peak_rss_mb={peak_rss_mb():.0f} "
          f"goal_s=10")


if __name__ == "__main__":
    main()
