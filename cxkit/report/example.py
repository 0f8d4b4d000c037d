"""A simulated study written as a researcher's files, with its study file: for trying
``cxkit report`` where the true effects are known, for the tests and for the benchmark."""

from __future__ import annotations

import re
from pathlib import Path

from ..study import simulate_study


def example_study(folder, n_customers: int = 1500, *, seed: int = 3) -> Path:
    """Write ``events.csv``, ``survey.csv`` and ``study.toml`` of a simulated study.

    The events are the simulator's log in the data contract's columns; the survey holds both
    waves with the customers' segment, region and answer date; the study file names the
    constructs and the simulator's CSR launch by region. ``cxkit.simulate_study(n_customers,
    seed=seed).truth`` holds the true effects (``"effect_csr_on_loyalty"`` for the report's
    policy section).

    Parameters
    ----------
    folder : str or Path
        Where to write (created if needed).
    n_customers : int
        Customers to simulate.
    seed : int
        The simulator's seed.

    Returns
    -------
    Path
        The study file.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.report import example_study, read_study
    >>> path = example_study(tempfile.mkdtemp(), 300, seed=1)
    >>> sorted(read_study(path).constructs)
    ['csr', 'ease', 'enjoy', 'loyalty', 'needs']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    study = simulate_study(n_customers, seed=seed)
    study.events[["customer_id", "timestamp", "touchpoint", "channel", "value"]].to_csv(
        folder / "events.csv", index=False)
    panel = study.survey_panel()
    items = [c for c in study.survey.columns if re.fullmatch(r"[a-z]+_\d", c)]
    panel[["customer_id", "wave", "survey_date", *items, "csat", "nps", "segment",
           "region"]].to_csv(folder / "survey.csv", index=False)
    launch = ", ".join(f'{region} = "{day}"'
                       for region, day in study.truth["csr_launch_by_region"].items() if day)
    path = folder / "study.toml"
    path.write_text(f"""# cxkit.report.example_study({n_customers}, seed={seed})
[study]
title = "Simulated study"
[events]
source = "events.csv"
[survey]
source = "survey.csv"
keep = ["survey_date", "segment", "region"]
ranges = {{ nps = [0, 10], csat = [1, 7] }}
[constructs]
needs = ["needs_1", "needs_2", "needs_3"]
ease = ["ease_1", "ease_2", "ease_3"]
enjoy = ["enjoy_1", "enjoy_2", "enjoy_3"]
csr = ["csr_1", "csr_2", "csr_3", "csr_4"]
loyalty = ["loy_1", "loy_2", "loy_3"]
[policy]
launch = {{ {launch} }}
group = "region"
[report]
date = "survey_date"
segments = ["segment"]
""", encoding="utf-8")
    return path
