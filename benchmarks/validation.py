"""Validation study: bias, RMSE, coverage and false-positive rate of the kit's estimators.

    python benchmarks/validation.py --reps 200 [--customers 5000] [--processes 2]
    python benchmarks/validation.py --reps 20 --estimators cs did_region did_region_wild

Each replicate simulates a study (and the same study with the effects switched off) and runs
the e-mail experiment, AIPW, difference in differences for the CSR launch, the Cox hazard ratio
of an unresolved service failure, the app's checkout redesign (difference in differences on
sessions with a cart, app vs web), the randomised ad hold-out and two naive comparisons (see
cxkit.study.validation). Prints the
summary table as Markdown (the README's table) and writes all replicate rows to
benchmarks/_out/validation_rows.csv.
"""

import argparse
import time
import warnings
from pathlib import Path

from cxkit.study.validation import ESTIMATORS, summarise, validation_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--estimators", nargs="+", choices=ESTIMATORS, default=None,
                        help="a subset (default: the README table's); also cs (Callaway & "
                             "Sant'Anna), did_region and did_region_wild (DiD clustered on "
                             "the five regions: analytic and wild cluster bootstrap intervals)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # library deprecation chatter would drown the table
    start = time.perf_counter()
    rows = validation_study(args.reps, n_customers=args.customers, first_seed=args.first_seed,
                            processes=args.processes, estimators=args.estimators)
    seconds = time.perf_counter() - start
    out = Path(__file__).resolve().parent / "_out"
    out.mkdir(exist_ok=True)
    name = "validation_rows.csv" if args.estimators is None else \
        f"validation_rows_{'_'.join(args.estimators)}.csv"
    rows.to_csv(out / name, index=False)
    table = summarise(rows)
    print(table.to_markdown(index=False, floatfmt=".3f"))
    print(f"reps={args.reps} customers={args.customers} seconds={seconds:.0f}")


if __name__ == "__main__":
    main()
