"""Time a PLS-SEM bootstrap (goal: 1,000 resamples of 344 respondents in <= 10 s on 2 cores).

    python benchmarks/pls_bootstrap.py [--respondents 344] [--resamples 1000] [--cores N]

The model: the simulated survey's CX pyramid (needs, ease, enjoy) and perceived CSR drive
satisfaction (the single item ``csat``) and, with emotional and behavioural engagement,
loyalty — 8 constructs, 26 items, 15 paths. Respondents are a seeded random sample of the
simulated wave-1 survey. Without ``--cores`` cxkit chooses (every core for a long bootstrap).
"""

import argparse
import resource
import time

import cxkit
from cxkit.measurement import pls_sem

MEASUREMENT = {
    "needs": ["needs_1", "needs_2", "needs_3"],
    "ease": ["ease_1", "ease_2", "ease_3"],
    "enjoy": ["enjoy_1", "enjoy_2", "enjoy_3"],
    "csr_perception": ["csr_1", "csr_2", "csr_3", "csr_4"],
    "satisfaction": "csat",
    "emotional_engagement": ["emo_1", "emo_2", "emo_3"],
    "behavioural_engagement": ["beh_1", "beh_2", "beh_3"],
    "loyalty": ["loy_1", "loy_2", "loy_3"],
}
DRIVERS = ("needs", "ease", "enjoy", "csr_perception")
STRUCTURAL = ([(d, "satisfaction") for d in DRIVERS] + [(d, "loyalty") for d in DRIVERS]
              + [("satisfaction", "loyalty"), ("emotional_engagement", "loyalty"),
                 ("behavioural_engagement", "loyalty"), ("satisfaction", "emotional_engagement"),
                 ("satisfaction", "behavioural_engagement"),
                 ("emotional_engagement", "behavioural_engagement"),
                 ("csr_perception", "emotional_engagement")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=344)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--cores", type=int, default=None)
    args = parser.parse_args()
    survey = cxkit.simulate_study(3000, seed=4).survey.query("wave == 1")
    sample = survey.sample(args.respondents, random_state=1).reset_index(drop=True)
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    result = pls_sem(sample, MEASUREMENT, STRUCTURAL, bootstrap=args.resamples, seed=1,
                     cores=args.cores)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_before
    # cpu_s adds up this process and its (finished) bootstrap workers: on a machine shared with
    # other jobs it shows the work done when wall-clock seconds are inflated by waiting.
    print(f"respondents={result.n} constructs={len(MEASUREMENT)} paths={len(STRUCTURAL)} "
          f"resamples={result.bootstrap} seconds={seconds:.2f} cpu_s={cpu:.2f} "
          f"cores={result.cores} goal_s=10")


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":  # seminr's parallel bootstrap starts workers with spawn
    main()
