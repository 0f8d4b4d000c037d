"""The sections of a study report, one function each, run by the report's template notebook.

Each function takes the loaded :class:`StudyData` and returns a :class:`Section`: a title, what
its numbers mean and what would make them wrong, tables and a figure — or the reason it was
skipped when the data lack what it needs. The functions hold the analysis; the notebook only
calls them in order, so every section is tested as Python.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import escape

import matplotlib.pyplot as plt
import pandas as pd

from .. import _check
from .._report import attach_report, load_report
from ..io import load_journeys, load_survey
from ..journeys import circles, journey_stages
from ..measurement import alpha, cx_pyramid, reliability, validity
from ..metrics import ces, csat, nps, retention_curve
from ..models import (
    activity_panel,
    effect,
    event_study,
    key_drivers,
    moments_of_truth,
    sensitivity,
)
from ..plots import plot_effects, plot_retention
from .study import StudyFile

STAGES = ["awareness", "consideration", "purchase", "use", "service", "loyalty", "exit"]


@dataclass
class Section:
    """One section of the report: its title, text, tables and figure, or why it was skipped."""

    title: str
    text: str = ""
    tables: list = field(default_factory=list)  # (caption, DataFrame)
    figure: object = None  # a matplotlib Figure, kept as PNG bytes
    skipped: str | None = None
    numbers: dict = field(default_factory=dict)  # key numbers, for tests and the summary

    def __post_init__(self):
        # Keep the figure as PNG and close it: nothing stays open, nothing displays twice.
        if self.figure is not None and not isinstance(self.figure, bytes):
            import io

            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
            plt.close(self.figure)
            self.figure = buffer.getvalue()

    def _repr_html_(self) -> str:
        parts = [f"<h2>{escape(self.title, quote=False)}</h2>"]
        if self.skipped:
            parts.append(f"<p><em>Skipped: {escape(self.skipped, quote=False)}</em></p>")
            return "\n".join(parts)
        parts += [f"<p>{escape(p, quote=False)}</p>" for p in self.text.split("\n\n") if p.strip()]
        for caption, table in self.tables:
            parts.append(f"<h4>{escape(caption, quote=False)}</h4>")
            parts.append(table.to_html(index=False, float_format=lambda v: f"{v:.3g}",
                                       na_rep="–"))
        if self.figure is not None:
            import base64

            data = base64.b64encode(self.figure).decode()
            parts.append(f'<img src="data:image/png;base64,{data}" alt="{escape(self.title)}">')
        return "\n".join(parts)


def _note(what: str, result) -> str:
    """The note a result carries on missing answers, prefixed with what it is for."""
    note = getattr(result, "missing_note", None) or getattr(result, "attrs", {}).get(
        "missing_note")
    return f"{what}: {note}" if note and str(note).strip() else ""


def _notes(notes) -> str:
    notes = [n for n in notes if n]
    return ("\n\nMissing answers: " + "; ".join(notes) + ".") if notes else ""


def _answered(data: StudyData, frame: pd.DataFrame, columns: list) -> tuple:
    """The rows with answers in ``columns`` by the study's rule for missing answers, and the
    note on what the rule did."""
    kept, note = _check.apply_missing(frame.reset_index(drop=True), columns, data.study.missing,
                                      allowed=("refuse", "listwise"))
    return kept, (str(note) if note.rows else "")


def skipped(title: str, reason: str) -> Section:
    return Section(title=title, skipped=reason)


@dataclass
class StudyData:
    """The loaded data of a study: events, survey, construct scores and what loading noted."""

    study: StudyFile
    events: pd.DataFrame | None
    survey: pd.DataFrame | None
    scores: pd.DataFrame | None
    notes: list = field(default_factory=list)


def load(study: StudyFile) -> StudyData:
    """Load the study's events and survey with the loaders' own parameters and score constructs.

    Ids are pseudonymised when the environment variable named by ``[report]
    pseudonymise_key_env`` (default ``CXKIT_KEY``) is set; otherwise a note says loudly that the
    report holds no raw id but the tables behind it do.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.report import example_study, read_study, sections
    >>> data = sections.load(read_study(example_study(tempfile.mkdtemp(), 300, seed=1)))
    >>> section = sections.run_section(sections.survey_metrics, data)
    >>> section.title, section.skipped is None, sorted(section.numbers)
    ('NPS, CSAT and CES', True, ['csat', 'nps'])
    """
    env = study.report.get("pseudonymise_key_env", "CXKIT_KEY")
    key = os.environ.get(env) or None
    notes = []
    if key:
        notes.append(f"Ids pseudonymised at load time with the key in ${env} (HMAC-SHA-256); "
                     "the key is not stored anywhere in this report.")
    else:
        notes.append(f"NOT PSEUDONYMISED: ${env} is not set, so ids were loaded as they are. "
                     "The report shows no id, but set the variable before sharing any output.")
    extra = {"pseudonymise": key} if key else {}
    events = _events(study.events, extra) if study.events else None
    survey = load_survey(**study.survey, **extra) if study.survey else None
    if survey is not None:  # the kit's names for the key, so that survey and events join
        survey = survey.rename(columns={study.survey.get("id_column", "customer_id"):
                                        "customer_id",
                                        study.survey.get("wave_column", "wave"): "wave"})
    scores = None
    if survey is not None and study.constructs:
        scores = survey[["customer_id"] + (["wave"] if "wave" in survey else [])].copy()
        for construct, items in study.constructs.items():
            scores[construct] = survey[items].mean(axis=1, skipna=False)
        keep = [c for c in survey.columns if c not in scores.columns
                and c not in sum(study.constructs.values(), [])]
        scores = scores.join(survey[keep])
    return StudyData(study=study, events=events, survey=survey, scores=scores, notes=notes)


def _events(kwargs: dict, extra: dict) -> pd.DataFrame:
    """The events through the loader's Parquet streaming, read back with categorical columns.

    A log larger than memory streams through DuckDB into validated Parquet (in a private
    temporary folder, removed at once); read back with text as categories it takes a fifth of
    the memory of the plain table (about 25 bytes an event), so a 10 M-event export fits a laptop.
    """
    import tempfile

    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="cxkit-report-") as folder:
        path = load_journeys(**kwargs, **extra, to=os.path.join(folder, "events.parquet"))
        report = load_report(path)
        events = pq.read_table(path).to_pandas(strings_to_categorical=True)
    return attach_report(events, report)


# --------------------------------------------------------------------------------------------
# the sections
# --------------------------------------------------------------------------------------------

def loads(data: StudyData) -> Section:
    """Rows read, kept and set aside by file row and reason; notes and warnings of each load."""
    rows, tables = [], []
    for name, frame in (("events", data.events), ("survey", data.survey)):
        if frame is None:
            continue
        report = load_report(frame)
        rows.append({"data": name, "rows_read": report.rows_read, "rows_kept": report.rows_kept,
                     "rows_set_aside": len(report.set_aside), "warnings": len(report.warnings),
                     "notes": len(report.notes)})
        if len(report.set_aside):
            aside = report.set_aside[["row", "line", "reason"]]
            tables.append((f"{name}: rows set aside (file row, line and reason)", aside))
        messages = ([("warning", w) for w in report.warnings]
                    + [("note", n) for n in report.notes])
        if messages:
            tables.append((f"{name}: warnings and notes",
                           pd.DataFrame(messages, columns=["kind", "message"])))
    summary = pd.DataFrame(rows)
    text = ("Every row the files hold is either in the analysis or listed here with its row "
            "number (1 at the first data row below the header) and the reason it was set aside: "
            "rows read = rows kept + rows set aside.\n\n" + "\n\n".join(data.notes) +
            "\n\nWhat would make it wrong: a column mapped to the wrong meaning, or a time zone "
            "that is not the one the export was written in; check the study file's mapping.")
    numbers = {f"{r['data']}_{k}": r[k] for r in rows for k in ("rows_read", "rows_kept")}
    return Section("The data and its load reports", text, [("Rows", summary), *tables],
                   numbers=numbers)


def circles_and_stages(data: StudyData) -> Section:
    """The three circles (engagement, interaction, experience) and the journey stages."""
    title = "The three circles and the journey stages"
    if data.events is None:
        return skipped(title, "the study has no [events]")
    result = circles(data.events)
    table = result.to_frame()
    table = table[table["reading"] == "disjoint"].drop(columns="reading")
    stages = journey_stages(data.events, on_unknown="skip") if "stage" in data.events else None
    tables = [("Customers and events by level", table)]
    if stages is not None and len(stages):
        reached = (stages.groupby("stage")["customer_id"].nunique()
                   .reindex(STAGES).dropna().astype(int).rename("customers").reset_index())
        tables.append(("Customers who reached each stage", reached))
    fig, ax = plt.subplots(figsize=(5, 3))
    result.plot(ax=ax)
    text = ("Each touchpoint of the catalogue has one level: engagement (one-way behaviour of "
            "the customer), interaction (a two-way exchange) or experience (exposure to the "
            "firm's outputs). The shares count customers who touched each level at least once.\n\n"
            "What would make it wrong: touchpoints the catalogue does not know (listed in the "
            "load report) have no level; a firm's own log misses word of mouth and news, so the "
            "experience circle is a lower bound.")
    numbers = dict(zip(table["level"], table["customers"], strict=True))
    return Section(title, text, tables, fig, numbers=numbers)


def channel_mix(data: StudyData) -> Section:
    """Channel shares of events by month and the most frequent touchpoints."""
    title = "Channel and touchpoint mix over time"
    if data.events is None:
        return skipped(title, "the study has no [events]")
    events = data.events
    month = events["timestamp"].dt.tz_convert(None).dt.to_period("M").astype(str)
    mix = pd.crosstab(month, events["channel"].fillna("(none)"), normalize="index")
    fig, ax = plt.subplots(figsize=(7, 3))
    mix.plot.area(ax=ax, linewidth=0)
    ax.set_ylabel("share of events")
    ax.set_xlabel("month")
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), frameon=False)
    top = (events.groupby("touchpoint").agg(events=("customer_id", "size"),
                                            customers=("customer_id", "nunique"))
           .sort_values("events", ascending=False).head(15).reset_index())
    table = mix.round(3).reset_index(names="month")
    text = ("Shares of the month's events by channel, and the touchpoints with most events.\n\n"
            "What would make it wrong: a change of the tracking (a new app version, a tag added "
            "to the website) shows as a change of the mix; months at the edges of the export "
            "may be partial.")
    return Section(title, text, [("Share of events by channel and month", table),
                                 ("Most frequent touchpoints", top)], fig,
                   numbers={"months": len(mix)})


def survey_metrics(data: StudyData) -> Section:
    """NPS, CSAT and CES with their intervals, overall and by segment (small cells suppressed)."""
    title = "NPS, CSAT and CES"
    survey = data.survey
    if survey is None:
        return skipped(title, "the study has no [survey]")
    found = [m for m in ("nps", "csat", "ces") if m in survey]
    if not found:
        return skipped(title, "the survey has no column named nps, csat or ces "
                              "(map yours with [survey] columns)")
    functions = {"nps": nps, "csat": csat, "ces": ces}
    scales = {"csat": {"scale": _observed_scale(survey["csat"], (1, 5))} if "csat" in survey
              else {}}
    segments = [s for s in data.study.report.get("segments", []) if s in survey]
    tables, numbers, notes = [], {}, []
    for metric in found:
        fn = functions[metric]
        options = {"conf_level": data.study.conf_level, "missing": data.study.missing,
                   **scales.get(metric, {})}
        overall = fn(survey, metric, **options)
        numbers[metric] = float(overall["estimate"].iloc[0])
        notes.append(_note(metric.upper(), overall))
        tables.append((f"{metric.upper()} overall", overall.round(3)))
        for segment in segments:
            by = fn(survey, metric, by=segment, min_n=data.study.min_n, **options)
            tables.append((f"{metric.upper()} by {segment}", by.round(3)))
    text = ("Each metric with its confidence interval; by segment, groups with fewer than "
            f"{data.study.min_n} distinct respondents are suppressed (shown without values; "
            "[report] min_n).\n\n"
            "What would make it wrong: who answers a survey is not who the customers are "
            "(non-response); the intervals cover sampling error only." + _notes(notes))
    return Section(title, text, tables, numbers=numbers)


def _observed_scale(values: pd.Series, default: tuple) -> tuple:
    top = values.max()
    return (1, 7) if pd.notna(top) and top > default[1] else default


def measurement(data: StudyData) -> Section:
    """Reliability (alpha, rho_A, CR, AVE) and discriminant validity (HTMT) of the constructs."""
    title = "Construct reliability and validity"
    constructs = {k: v for k, v in data.study.constructs.items() if len(v) >= 2}
    if data.survey is None or not constructs:
        return skipped(title, "no [constructs] with two or more items each")
    text = ("Alpha, rho_A and composite reliability above 0.7 and AVE above 0.5 are the usual "
            "thresholds; an HTMT interval below 0.85 (or 0.9) supports discriminant validity.\n\n"
            "What would make it wrong: items written for one construct that measure another, "
            "or a construct named after what it should measure rather than what it does.")
    if len(constructs) == 1:  # one scale: alpha and omega with their intervals
        (name, items), = constructs.items()
        result = alpha(data.survey, items, missing=data.study.missing, seed=data.study.seed)
        table = result.to_frame()
        return Section(title, text + _notes([_note(name, result)]),
                       [(f"Reliability of {name} (alpha and omega)", table.round(3))],
                       numbers={f"alpha_{name}": float(table["estimate"].iloc[0])})
    rel = reliability(data.survey, constructs, missing=data.study.missing)
    tables = [("Reliability", rel.round(3))]
    val = validity(data.survey, constructs, bootstrap=200, seed=data.study.seed, cores=1,
                   missing=data.study.missing)
    tables.append(("Discriminant validity (HTMT with bootstrap interval)",
                   val.to_frame().round(3)))
    text += _notes([_note("Reliability", rel)])
    numbers = {f"alpha_{name}": float(value)
               for name, value in zip(rel["construct"], rel["alpha"], strict=True)}
    return Section(title, text, tables, numbers=numbers)


def pyramid(data: StudyData) -> Section:
    """Manning & Bodine's CX pyramid when constructs ``needs``, ``ease`` and ``enjoy`` exist."""
    title = "The CX pyramid (needs, ease, enjoyment)"
    layers = ("needs", "ease", "enjoy")
    missing = [layer for layer in layers if layer not in data.study.constructs]
    if data.survey is None or missing:
        return skipped(title, f"[constructs] has no {', '.join(missing)} "
                              "(the pyramid needs needs, ease and enjoy)")
    result = cx_pyramid(data.survey, **{k: data.study.constructs[k] for k in layers},
                        missing=data.study.missing)
    fig, ax = plt.subplots(figsize=(5, 3))
    result.plot(ax=ax)
    text = ("The share of respondents in the top boxes of each layer, from meeting needs to ease "
            "to enjoyment (Manning & Bodine).\n\nWhat would make it wrong: the top-box cut-off is "
            "a convention; see the summary for which differences between layers the intervals "
            "support.")
    return Section(title, text + "\n\n" + result.summary(), [("Layers", result.to_frame())], fig)


def drivers(data: StudyData) -> Section:
    """Key drivers of the loyalty construct with bootstrap intervals (an association)."""
    title = "Key drivers of loyalty"
    outcome = data.study.report.get("outcome", "loyalty")
    if data.scores is None or outcome not in data.scores:
        return skipped(title, f"no construct named {outcome!r} in [constructs] "
                              "(set [report] outcome to name another)")
    predictors = [c for c in data.study.constructs if c != outcome]
    if not predictors:
        return skipped(title, "no construct besides the outcome")
    scores = data.scores[[outcome, *predictors]]
    table = key_drivers(scores, outcome=outcome, drivers=predictors, seed=data.study.seed,
                        missing=data.study.missing)
    fig, ax = plt.subplots(figsize=(5, 3))
    from ..models import plot_drivers

    plot_drivers(table, ax=ax)
    text = (f"Relative weights: the share of the explained variance of {outcome} each construct "
            "carries, with bootstrap intervals; a construct's score is the mean of its items, "
            "missing when one of them is.\n\n"
            "What would make it wrong: this is an association, not an effect. A driver that "
            "moves with loyalty because both follow a third factor (income, tenure) ranks high "
            "without causing anything." + _notes([_note("Drivers", table)]))
    return Section(title, text, [("Drivers", table.round(3))], fig,
                   numbers={"n": int(scores.notna().all(axis=1).sum())})


def moments(data: StudyData) -> Section:
    """A moments-of-truth scan: touchpoints in the 30 days before an answer, Holm-adjusted."""
    title = "Moments of truth"
    outcome = data.study.report.get("outcome", "loyalty")
    if data.events is None or data.scores is None:
        return skipped(title, "the scan needs both [events] and a survey with [constructs]")
    if outcome not in data.scores:
        outcome = "nps" if "nps" in data.scores else None
    if outcome is None or "date" not in data.study.report:
        return skipped(title, "the scan needs the answer dates ([report] date) and an outcome "
                              "(a loyalty construct or an nps column)")
    answers = data.scores.assign(survey_date=_answer_dates(data, {}))
    answers, note = _answered(data, answers, [outcome])
    table = moments_of_truth(data.events, answers, outcome=outcome, date="survey_date",
                             min_exposed=max(10, data.study.min_n), adjust="holm")
    flagged = int(table["significant"].sum()) if "significant" in table else 0
    text = (f"For each touchpoint, the difference in {outcome} between respondents who met it in "
            "the 30 days before answering and those who did not, adjusted for the number of "
            f"touchpoints scanned (Holm): {flagged} of {len(table)} differ at the 5 % level "
            "after adjustment. Touchpoints met by fewer than "
            f"{max(10, data.study.min_n)} respondents are not scanned.\n\n"
            "What would make it wrong: an association, not an effect — customers who call "
            "customer care had a problem before the call." + _notes([note]))
    return Section(title, text, [("Scan", table.round(3))],
                   numbers={"scanned": len(table), "significant": flagged})


def policy(data: StudyData) -> Section:
    """The policy's effect on loyalty (DiD) and on behaviour (event study), or an association."""
    title = "The policy's effect"
    spec = data.study.policy
    outcome = spec.get("outcome", data.study.report.get("outcome", "loyalty"))
    if not spec:
        return skipped(title, "the study file has no [policy]")
    if data.scores is None or outcome not in data.scores:
        return skipped(title, f"the survey has no construct {outcome!r} to measure it on")
    if "launch" in spec:
        return _policy_did(data, spec, outcome, title)
    if "treatment" in spec:
        return _policy_association(data, spec, outcome, title)
    return skipped(title, "[policy] has neither launch dates by group nor a treatment column")


def _answer_dates(data: StudyData, spec: dict) -> pd.Series:
    scores = data.scores
    column = data.study.report.get("date")
    if column is not None:
        _check.columns(scores, [column], what=str(data.study.survey["source"]))
        text = scores[column]
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        _check.refuse_rows(parsed.isna() & text.notna(), "not a date", column,
                           "a date such as 2025-01-31", what=str(data.study.survey["source"]))
        return parsed
    if "wave_dates" in spec and "wave" in scores:
        dates = {str(k): pd.Timestamp(v) for k, v in spec["wave_dates"].items()}
        return pd.to_datetime(scores["wave"].astype(str).map(dates))
    raise _check.DataError("[policy] needs the answer dates: [report] date = a survey column "
                           "kept with keep=, or [policy] wave_dates = { 1 = \"2025-01-15\" }",
                           file=str(data.study.path))


def _launch(groups: pd.Series, spec: dict) -> pd.Series:
    """Each row's launch date from ``[policy] launch`` by its group (NaT: never launched)."""
    return pd.to_datetime(groups.astype(str).map({str(k): v for k, v in spec["launch"].items()}))


def _policy_did(data: StudyData, spec: dict, outcome: str, title: str) -> Section:
    group = spec.get("group")
    scores = data.scores
    if group not in scores:
        return skipped(title, f"[policy] group {group!r} is not a survey column "
                              "(keep it with [survey] keep)")
    dates = _answer_dates(data, spec)
    launch = _launch(scores[group], spec)
    panel = scores.assign(policy_in_force=(launch <= dates.dt.tz_localize(None)
                                           if dates.dt.tz is not None else launch <= dates)
                          .astype(int))
    panel, note = _answered(data, panel, [outcome])
    if "wave" not in panel or panel["wave"].nunique() < 2:
        return skipped(title, "difference in differences needs two or more survey waves "
                              "([survey] wave_column)")
    result = effect(panel, treatment="policy_in_force", outcome=outcome, method="did",
                    group=group, time="wave", cluster="customer_id",
                    conf_level=data.study.conf_level)
    frame = result.to_frame()
    tables = [("Effect on " + outcome + " (difference in differences)", frame.round(3))]
    behaviour = _policy_behaviour(data, spec, group)
    fig, ax = plt.subplots(figsize=(6, 3))
    if behaviour is None:
        plot_effects(frame.assign(label=f"{outcome}: DiD"), label="label", ax=ax)
    else:
        behaviour.plot(ax=ax)
        ax.set_ylabel("extra purchases per customer-month")
        ax.set_title("Purchases by months since the launch (did2s event study)")
        tables.append(("Effect on purchases per customer-month, by months since launch "
                       "(event study, did2s)", behaviour.coefficients.round(3)))
    text = (f"Difference in differences: the change in {outcome} between waves where the policy "
            f"was launched, minus the change where it was not, with groups by {group!r}. "
            + result.summary() +
            "\n\nWhat would make it wrong: groups that would have trended differently anyway "
            "(parallel trends is an assumption, checked only before the launch), launch dates "
            "chosen because of how a group was doing, or other changes at the same time."
            + _notes([note]))
    return Section(title, text, tables, fig,
                   numbers={"estimate": result.estimate, "ci_low": result.ci_low,
                            "ci_high": result.ci_high})


def _policy_behaviour(data: StudyData, spec: dict, group: str):
    if data.events is None or "purchase" not in set(data.events["touchpoint"]):
        return None
    groups = data.scores.groupby("customer_id")[group].first()
    events = data.events[data.events["customer_id"].isin(groups.index)]
    customers = (events.groupby("customer_id")["timestamp"].min().dt.tz_convert(None)
                 .rename("signup_date").reset_index()
                 .assign(churn_date=pd.NaT))
    customers[group] = customers["customer_id"].map(groups)
    panel = activity_panel(events, customers, traits=[group])
    first = panel["month"].min()
    launch = _launch(panel[group], spec)
    cohort = ((launch.dt.year - first.year) * 12 + launch.dt.month - first.month)
    panel["cohort"] = cohort.where(launch <= panel["month"].max())
    if panel["cohort"].notna().sum() == 0 or panel["period"].nunique() < 3:
        return None
    return event_study(panel, outcome="count", unit=group, time="period", cohort="cohort",
                       cluster="customer_id")


def _policy_association(data: StudyData, spec: dict, outcome: str, title: str) -> Section:
    treatment = spec["treatment"]
    confounders = list(spec.get("confounders", []))
    frame, note = _answered(data, data.scores, [outcome, treatment, *confounders])
    result = effect(frame, treatment=treatment, outcome=outcome, method="regression",
                    confounders=confounders, conf_level=data.study.conf_level)
    evalue = sensitivity(result)
    text = (f"An adjusted comparison of {outcome} between respondents with and without "
            f"{treatment!r}, adjusted for {', '.join(confounders) or 'nothing'}: an ASSOCIATION, "
            "not an effect, because nobody assigned the treatment. The E-value says how strongly "
            "an unmeasured factor would have to be tied to both to explain it away.\n\n"
            + result.summary() + _notes([note]))
    return Section(title, text, [("Adjusted comparison", result.to_frame().round(3)),
                                 ("Sensitivity (E-value)", evalue.round(3))],
                   numbers={"estimate": result.estimate})


def retention(data: StudyData) -> Section:
    """Retention curves, churn taken as a gap of ``churn_after_days`` without events."""
    title = "Retention"
    if data.events is None:
        return skipped(title, "the study has no [events]")
    gap = float(data.study.report.get("churn_after_days", 90))
    times = data.events.groupby("customer_id")["timestamp"].agg(["min", "max"])
    end = data.events["timestamp"].max()
    span = (end - data.events["timestamp"].min()).days
    if span < 2 * gap:
        return skipped(title, f"the log spans {span} days; churn as {gap:.0f} days without "
                              f"events needs at least {2 * gap:.0f} ([report] churn_after_days)")
    customers = pd.DataFrame({
        "days": (times["max"] - times["min"]).dt.total_seconds() / 86400,
        "churned": ((end - times["max"]).dt.days >= gap).astype(int)})
    curve = retention_curve(customers, duration="days", event="churned")
    fig, ax = plt.subplots(figsize=(5, 3))
    plot_retention(curve, ax=ax)
    at = [t for t in (30, 90, 180, 365, 730) if t <= customers["days"].max()]
    table = retention_curve(customers, duration="days", event="churned", times=at)
    first = table.iloc[0]
    median = (f"Median tenure {first['median']:.0f} days (95 % CI {first['median_ci_low']:.0f} "
              f"to {first['median_ci_high']:.0f})." if pd.notna(first["median"])
              else f"Median tenure: {first['median_note']}.")
    text = (f"Kaplan–Meier retention: a customer counts as lost at the last event when no event "
            f"follows within {gap:.0f} days of the log's end; the others are censored. "
            f"{median}\n\n"
            "What would make it wrong: customers who buy less often than the gap look churned; "
            "a log that starts after customers joined makes tenures too short (left truncation).")
    columns = ["time", "estimate", "ci_low", "ci_high", "n_at_risk"]
    return Section(title, text, [("Share still active after so many days", table[columns]
                                  .round(3))], fig,
                   numbers={"customers": len(customers),
                            "churned": int(customers["churned"].sum())})


SECTIONS = (loads, circles_and_stages, channel_mix, survey_metrics, measurement, pyramid,
            drivers, moments, policy, retention)


def run_section(function, data: StudyData) -> Section:
    """Run one section; a ``DataError`` becomes a skipped section that says why."""
    try:
        return function(data)
    except _check.DataError as err:
        title = (function.__doc__ or function.__name__).split("\n")[0]
        return skipped(title, f"the data did not allow it: {err}")



def heading(study: StudyFile) -> str:
    """The report's heading in Markdown: title, kit version, study file, date."""
    from datetime import UTC, datetime

    from .._version import __version__

    return (f"# {study.title}\n\ncxkit {__version__} · study file `{study.path.name}` · "
            f"written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · seed {study.seed} · "
            f"groups under {study.min_n} people suppressed")


def provenance(study: StudyFile) -> str:
    """The reproducibility section in Markdown: the study file and a hash of each input."""
    rows = "\n".join(f"| `{name}` | `{digest[:16]}…` |"
                     for name, digest in study.hashes().items())
    text = study.path.read_text(encoding="utf-8")
    return ("## Reproducibility\n\nRe-run with `cxkit report " + study.path.name + "` on files "
            "with the same SHA-256 and the same cxkit version to get this report again.\n\n"
            "| input | SHA-256 |\n|---|---|\n" + rows + "\n\n```toml\n" + text + "\n```")


__all__ = ["SECTIONS", "Section", "StudyData", "heading", "load", "provenance", "run_section",
           *[f.__name__ for f in SECTIONS]]
