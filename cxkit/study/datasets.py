"""The bundled sample study and how it is made.

The simulated study of 5,000 customers (``simulate_study(5000, seed=0)``) ships inside the
package, in ``cxkit/study/data/sample/``: ``events.parquet``, ``customers.csv``, ``survey.csv``
and ``truth.json``, read with :mod:`importlib.resources` so that an installed wheel finds them
as well as a checkout does. ``make data`` (``cxkit.datasets.main(['--write',
'cxkit/study/data/sample'])``) regenerates them; their data card is the ``README.md`` beside them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from .simulate import Study, simulate_study

SAMPLE = {"n_customers": 5000, "seed": 0}
FILES = ("events.parquet", "customers.csv", "survey.csv", "truth.json")


def sample_dir() -> Path | Traversable:
    """Where the bundled sample lives: ``$CXKIT_DATA/sample`` if set, else the package's copy.

    The package's copy is ``cxkit/study/data/sample`` wherever cxkit is installed (a
    :class:`pathlib.Path` for an ordinary install; an :mod:`importlib.resources` traversable if
    the package is imported from a zip file).

    >>> (sample_dir() / "truth.json").is_file()
    True
    """
    if os.environ.get("CXKIT_DATA"):
        return Path(os.environ["CXKIT_DATA"]) / "sample"
    return resources.files("cxkit.study") / "data" / "sample"


def load_sample(path=None) -> Study:
    """The bundled simulated study of 5,000 customers, read from files (no simulation).

    It is identical to ``cxkit.simulate_study(5000, seed=0)``; its data card
    (``cxkit/study/data/sample/README.md``) describes every column, the generative story and the
    true values. Licence: CC0 (simulated data).

    Parameters
    ----------
    path : path, optional
        Folder holding the four files; by default :func:`sample_dir` (the copy shipped in the
        package, or ``$CXKIT_DATA/sample`` when that variable is set).

    Returns
    -------
    Study
        ``events`` (about 550,000 rows), ``customers`` (5,000), ``survey`` (two waves) and
        ``truth``.

    Examples
    --------
    >>> import cxkit
    >>> study = cxkit.datasets.load_sample()
    >>> len(study.customers), study.survey["wave"].unique().tolist()
    (5000, [1, 2])
    >>> study.truth["effect_csr_on_loyalty"]
    0.4
    """
    if path is None:
        folder = sample_dir()
    elif isinstance(path, str | os.PathLike):
        folder = Path(path)
    else:  # an importlib.resources traversable, as sample_dir() may return
        folder = path
    missing = [f for f in FILES if not (folder / f).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder}: sample file(s) {', '.join(missing)} not found; run `make data` in the "
            "checkout, pass path=, or simulate it with cxkit.simulate_study(5000, seed=0)")
    # as_file hands out a real path (a temporary copy only if the package sits in a zip file)
    with resources.as_file(folder / "events.parquet") as file:
        events = pd.read_parquet(file)
    with resources.as_file(folder / "customers.csv") as file:
        customers = pd.read_csv(file, dtype={"customer_id": str},
                                parse_dates=["signup_date", "churn_date"])
    with resources.as_file(folder / "survey.csv") as file:
        survey = pd.read_csv(file, dtype={"customer_id": str}, parse_dates=["survey_date"])
    # dates are stored as days; the simulator's tables hold them at nanosecond resolution
    for table, cols in ((customers, ["signup_date", "churn_date"]), (survey, ["survey_date"])):
        table[cols] = table[cols].astype("datetime64[ns]")
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return Study(events=events, customers=customers, survey=survey, truth=truth)


def write_sample(path, *, n_customers: int = SAMPLE["n_customers"],
                 seed: int = SAMPLE["seed"]) -> dict:
    """Simulate the sample study and write its four files; returns their content checksums."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    study = simulate_study(n_customers, seed=seed)
    study.events.to_parquet(folder / "events.parquet", index=False, compression="zstd")
    study.customers.to_csv(folder / "customers.csv", index=False, date_format="%Y-%m-%d")
    study.survey.to_csv(folder / "survey.csv", index=False, date_format="%Y-%m-%d")
    (folder / "truth.json").write_text(json.dumps(study.truth, indent=2) + "\n")
    return checksums(folder)


def checksums(path) -> dict:
    """SHA-256 of each sample file's *content* (tables hashed row by row, not file bytes).

    Parquet files embed the writer's version, so two identical tables written by different
    pyarrow versions differ byte by byte; hashing the content makes the check about the data.
    """
    study = load_sample(path)
    out = {}
    for name, table in (("events.parquet", study.events), ("customers.csv", study.customers),
                        ("survey.csv", study.survey)):
        digest = hashlib.sha256(pd.util.hash_pandas_object(table, index=False).values.tobytes())
        digest.update(",".join(f"{c}:{t}" for c, t in table.dtypes.astype(str).items()).encode())
        out[name] = digest.hexdigest()
    out["truth.json"] = hashlib.sha256(
        json.dumps(study.truth, sort_keys=True).encode()).hexdigest()
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate the bundled sample study.")
    parser.add_argument("--write", required=True,
                        help="folder to write, e.g. cxkit/study/data/sample")
    args = parser.parse_args(argv)
    sums = write_sample(args.write)
    (Path(args.write) / "CHECKSUMS.json").write_text(json.dumps(sums, indent=2) + "\n")


if __name__ == "__main__":
    main()
