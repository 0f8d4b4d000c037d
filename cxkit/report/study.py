"""The study file: everything a report on a researcher's own files needs, in one TOML file.

The keys of ``[events]`` and ``[survey]`` are exactly the parameters of
:func:`cxkit.load_journeys` and :func:`cxkit.load_survey` (plus ``source``), so there is one rule
to remember. The other tables are ``[study]`` (``title``), ``[constructs]`` (item lists by
construct), ``[policy]`` (a dated policy such as a CSR launch) and ``[report]``.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .. import _check
from ..io import load_journeys, load_survey
from ..io._sources import parts_of

# Keys of the tables that are not a loader's parameters.
STUDY_KEYS = ("title", "description")
POLICY_KEYS = ("launch", "group", "wave_dates", "outcome", "treatment", "confounders")
REPORT_KEYS = ("segments", "min_n", "pseudonymise_key_env", "seed", "conf_level", "outcome",
               "date", "churn_after_days", "missing")
# The rule for missing answers the report passes to every function with survey items: two of
# the kit's rules apply to all of them (cxkit._check.MISSING_RULES).
REPORT_MISSING = ("listwise", "refuse")
TABLES = ("study", "events", "survey", "constructs", "policy", "report")
# Loader parameters a study file cannot set: the report decides where its output goes.
_NOT_SETTABLE = ("to",)
# TOML has arrays only: these loader parameters take tuples.
_TUPLES = ("scale", "missing_codes", "keep")


def loader_keys(loader) -> list[str]:
    """The keys a study-file table for ``loader`` may hold: ``source`` and its parameters."""
    names = [name for name in inspect.signature(loader).parameters
             if name not in ("source", *_NOT_SETTABLE)]
    return ["source", *names]


@dataclass(frozen=True)
class StudyFile:
    """A checked study file; read it with :func:`read_study`.

    Attributes
    ----------
    path : Path
        The study file.
    title : str
        ``[study] title`` (the file's name without suffix when absent).
    events, survey : dict
        Keyword arguments for :func:`cxkit.load_journeys` / :func:`cxkit.load_survey`, with
        ``source`` resolved against the study file's folder; empty when the table is absent.
    constructs : dict
        ``{construct: [items]}``.
    policy, report : dict
        The ``[policy]`` and ``[report]`` tables as written.
    """

    path: Path
    title: str
    events: dict = field(default_factory=dict)
    survey: dict = field(default_factory=dict)
    constructs: dict = field(default_factory=dict)
    policy: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)

    @property
    def min_n(self) -> int:
        """Groups with fewer people than this are suppressed (``[report] min_n``, default 10)."""
        return int(self.report.get("min_n", 10))

    @property
    def missing(self) -> str:
        """The rule for missing answers (``[report] missing``, default ``"listwise"``)."""
        return str(self.report.get("missing", REPORT_MISSING[0]))

    @property
    def conf_level(self) -> float:
        """The confidence level of every interval (``[report] conf_level``, default 0.95)."""
        return float(self.report.get("conf_level", 0.95))

    @property
    def seed(self) -> int:
        """The seed of every random step of the report (``[report] seed``, default 2009)."""
        return int(self.report.get("seed", 2009))

    def inputs(self) -> list[Path]:
        """The input files: the study file and every file the loaders read from its sources
        (a folder's data files, a glob's matches: :func:`cxkit.io._sources.parts_of`)."""
        files = [self.path]
        for table in (self.events, self.survey):
            if "source" in table:
                files += [part.path for part in parts_of(table["source"])]
        return files

    def hashes(self) -> dict[str, str]:
        """SHA-256 of each input file, keyed by its path relative to the study file's folder."""
        out = {}
        for path in self.inputs():
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            try:
                name = str(path.relative_to(self.path.parent))
            except ValueError:
                name = str(path)
            out[name] = digest.hexdigest()
        return out


def read_study(path) -> StudyFile:
    """Read and check a study file.

    Every key is checked before anything is loaded: an unknown key, a source that does not
    exist, or a mapped column, construct item or policy column that is not in the file's header
    raises :class:`cxkit.DataError` naming the key and the file.

    Parameters
    ----------
    path : str or Path
        The ``study.toml`` file. Relative sources are read from the study file's folder.

    Returns
    -------
    StudyFile

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "events.csv").write_text("customer_id,timestamp,touchpoint\\n"
    ...                                         "c1,2024-01-01 10:00,purchase\\n")
    >>> _ = (folder / "study.toml").write_text('[events]\\nsource = "events.csv"\\nsepp = ";"\\n')
    >>> read_study(folder / "study.toml")
    Traceback (most recent call last):
    ...
    cxkit.DataError: ...study.toml: [events] has an unknown key 'sepp'; did you mean 'sep'? ...
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise _check.DataError("the study file does not exist", file=file,
                               expected="a TOML file; `cxkit study init` writes one")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise _check.DataError(f"not a valid TOML file: {err}", file=file) from None
    _check.known_keys(data, TABLES, file=file, table="top level", what="the tables")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise _check.DataError(f"{name!r} must be a table ([{name}])", file=file)
    study = data.get("study", {})
    _check.known_keys(study, STUDY_KEYS, file=file, table="study", what="the keys")
    events = _loader_table(data.get("events", {}), load_journeys, path, "events")
    survey = _loader_table(data.get("survey", {}), load_survey, path, "survey")
    if not events and not survey:
        raise _check.DataError("the study file names no data", file=file,
                               expected="an [events] or a [survey] table with a source")
    constructs = data.get("constructs", {})
    for name, items in constructs.items():
        if not (isinstance(items, list) and items and all(isinstance(i, str) for i in items)):
            raise _check.DataError(f"[constructs] {name} must be a list of item columns",
                                   file=file)
    policy = data.get("policy", {})
    _check.known_keys(policy, POLICY_KEYS, file=file, table="policy", what="the keys")
    report = data.get("report", {})
    _check.known_keys(report, REPORT_KEYS, file=file, table="report", what="the keys")
    if report.get("missing", REPORT_MISSING[0]) not in REPORT_MISSING:
        raise _check.DataError(f"[report] missing = {report['missing']!r} is not a rule every "
                               "section can apply", file=file,
                               expected=" or ".join(repr(r) for r in REPORT_MISSING))
    if constructs and not survey:
        raise _check.DataError("[constructs] needs a [survey]", file=file)
    if survey:
        _check_survey_columns(survey, constructs, policy, report, file)
    if events:
        _check_event_columns(events, file)
    if "group" in policy:
        _check_group(policy["group"], survey, events, file)
    title = str(study.get("title", path.stem))
    return StudyFile(path=path, title=title, events=events, survey=survey,
                     constructs={k: list(v) for k, v in constructs.items()}, policy=policy,
                     report=report)


def _loader_table(table: dict, loader, path: Path, name: str) -> dict:
    if not table:
        return {}
    file = str(path)
    _check.known_keys(table, loader_keys(loader), file=file, table=name,
                      what=f"source and the parameters of cxkit.{loader.__name__}")
    if "source" not in table:
        raise _check.DataError(f"[{name}] has no source", file=file,
                               expected="source = a file, glob or folder")
    kwargs = {key: (tuple(value) if key in _TUPLES and isinstance(value, list) else value)
              for key, value in table.items()}
    if "ranges" in kwargs:
        kwargs["ranges"] = {k: tuple(v) for k, v in kwargs["ranges"].items()}
    sources = kwargs["source"] if isinstance(kwargs["source"], list) else [kwargs["source"]]
    resolved = []
    for source in sources:
        one = Path(source) if Path(source).is_absolute() else path.parent / source
        pattern = any(ch in one.name for ch in "*?[")
        if not pattern and not one.exists():
            raise _check.DataError(f"[{name}] source {source!r} does not exist", file=file,
                                   expected=f"a file, glob or folder relative to {path.parent}")
        resolved.append(str(one))
    kwargs["source"] = resolved if isinstance(table["source"], list) else resolved[0]
    return kwargs


def header(kwargs: dict) -> list[str] | None:
    """The column names of a CSV source (first file) read with the table's dialect, else None."""
    source = kwargs["source"]
    first = Path(source[0] if isinstance(source, list) else source)
    if first.is_dir() or any(ch in first.name for ch in "*?[") or first.suffix.lower() != ".csv":
        return None
    with open(first, newline="", encoding=kwargs.get("encoding", "utf-8"),
              errors="replace") as handle:
        for _ in range(kwargs.get("skiprows") or 0):
            handle.readline()
        reader = csv.reader(handle, delimiter=kwargs.get("sep", ","),
                            quotechar=kwargs.get("quotechar", '"'))
        return next(reader, [])


def _check_event_columns(events: dict, file: str) -> None:
    names = header(events)
    if names is not None and "columns" in events:
        _check.header_has(names, {f"columns.{k}": v for k, v in events["columns"].items()},
                          file=file, table="events", source=str(events["source"]))


def _check_survey_columns(survey: dict, constructs: dict, policy: dict, report: dict,
                          file: str) -> None:
    names = header(survey)
    if names is None:
        return
    source = str(survey["source"])
    wanted = {f"columns.{k}": v for k, v in survey.get("columns", {}).items()}
    wanted["id_column"] = survey.get("id_column", "customer_id")
    wanted.update({f"keep[{i}]": v for i, v in enumerate(survey.get("keep", ()))})
    for construct, items in constructs.items():
        wanted.update({f"{construct}[{i}]": item for i, item in enumerate(items)})
    if "treatment" in policy:
        wanted["policy.treatment"] = policy["treatment"]
    if "date" in report:
        wanted["report.date"] = report["date"]
    wanted.update({f"segments[{i}]": s for i, s in enumerate(report.get("segments", ()))})
    renamed = set(survey.get("columns", {}))  # canonical names a mapping created
    wanted = {k: v for k, v in wanted.items() if v not in renamed}
    _check.header_has(names, wanted, file=file, table="survey", source=source)


def _check_group(group: str, survey: dict, events: dict, file: str) -> None:
    available = []
    for kwargs in (survey, events):
        names = header(kwargs) if kwargs else None
        if names is None:
            return  # a source whose header is read by the loader only
        available += names
    if group not in available:
        raise _check.DataError(f"[policy] group names column {group!r}, which is in neither "
                               "the survey nor the events", file=file,
                               expected="a survey column (kept with keep=) or an events column")
