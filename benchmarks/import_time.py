"""Cost of `import cxkit` over `import pandas` (goal: <= 0.15 s).

Runs each import in a fresh interpreter several times and prints the best times, so disk
caches and a busy core do not inflate the figure.

    python benchmarks/import_time.py [--repeat 7]
"""

import argparse
import subprocess
import sys
import time


def best_time(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    base = best_time("import pandas", args.repeat)
    kit = best_time("import pandas, cxkit", args.repeat)
    heavy = subprocess.run(
        [sys.executable, "-c",
         "import sys, cxkit; print(' '.join(m for m in ('scipy', 'statsmodels', 'sklearn', "
         "'matplotlib', 'seaborn', 'duckdb', 'seminr') if m in sys.modules))"],
        check=True, capture_output=True, text=True).stdout.strip()
    print(f"import pandas: {base:.3f} s (best of {args.repeat})")
    print(f"import pandas, cxkit: {kit:.3f} s")
    print(f"heavy modules loaded by import cxkit: {heavy or 'none'}")
    print(f"cxkit_over_pandas_s={kit - base:.3f} goal_s=0.150")


if __name__ == "__main__":
    main()
