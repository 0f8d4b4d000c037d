"""The survey loader: one row per respondent (and wave), every item a checked number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .. import _check
from .._check import DataError
from .._docstrings import shared_docs
from .._report import attach_report
from . import _convert
from ._csv import Dialect
from ._engine import ident
from ._load import Check, Codes, Load, id_checks, id_notes, refuse_float_ids
from ._output import LOADER_DOCS, arrow_to_pandas, frame_extras
from .privacy import PRIVACY_DOCS, key_bytes, pseudonymise_stage, report_personal_data

_ID, _WAVE, _KEY, _ITEMS, _RANGE = 10, 20, 30, 1000, 10**7


@shared_docs(extra={**LOADER_DOCS, **PRIVACY_DOCS})
def load_survey(source, *, id_column: str = "customer_id", scale: tuple[float, float] = (1, 7),
                missing_codes: Sequence[float] = (), ranges: Mapping[str, tuple] | None = None,
                keep: Sequence[str] = (), columns: Mapping[str, str] | None = None,
                values: Mapping[str, Mapping] | None = None, wave_column: str = "wave",
                on_error: str = "raise", sep: str = ",", decimal: str = ".",
                thousands: str | None = None, quotechar: str = '"', encoding: str = "utf-8",
                sheet=0, skiprows: int | None = None, pseudonymise=None) -> pd.DataFrame:
    """Load survey responses: one row per respondent (and wave), numeric items checked.

    Parameters
    ----------
    source : path, glob, folder, list of paths or DataFrame
        A ``.csv``, ``.csv.gz``, ``.parquet`` or ``.xlsx`` file, a glob, a folder of CSV or
        Parquet files, a list of paths, or a DataFrame.
    id_column : str
        The respondent key (returned as strings).
    scale : (low, high)
        The range every item must lie in (inclusive), e.g. ``(1, 7)`` for 7-point Likert.
    missing_codes : sequence of numbers
        Values that mean "no answer" (e.g. ``(-99,)``); they become NaN and are counted in the
        report. An out-of-range value that is not declared here is refused.
    ranges : dict, optional
        Per-item ranges overriding ``scale``, e.g. ``{"nps": (0, 10)}``.
    keep : sequence of str
        Non-item columns carried through unchecked (e.g. ``"segment"``, ``"date"``).
    columns : dict, optional
        The kit's name → your column name, applied first, e.g. ``{"ease_1": "facilita_1"}``, so
        that items follow the ``<construct>_<k>`` convention. ``id_column``, ``ranges``,
        ``keep`` and ``values`` then use the kit's names.
    values : dict, optional
        Your answer labels → numbers, per item, e.g. ``{"nps": {"dieci": 10}}``; each
        mapping is recorded in the report.
    wave_column : str
        When this column is present the key is (respondent, wave).
    {doc:on_error}
    {doc:dialect}
    sheet : int or str
        Sheet of an Excel file.
    skiprows : int, optional
        Lines to skip above the header.
    {doc:pseudonymise}

    Returns
    -------
    DataFrame
        ``id_column`` (str), the wave column if present, the ``keep`` columns, then every item
        as float (NaN where there was no answer). The load report lists missing codes and
        blank cells per item, and the rows set aside.

    Raises
    ------
    DataError
        Missing, placeholder or formula ids; duplicated respondent keys; answers that are
        not finite numbers; values out of range that are not declared missing codes (naming
        columns, values and rows); rows with more or fewer fields than the header. A column
        mapped with ``columns=`` is named as your file names it: ``column 'facilita_1'
        (ease_1)``. With ``on_error="set_aside"`` rows with such a problem are listed in the
        report instead (a duplicated respondent key still raises).

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> raw = pd.DataFrame({"customer_id": [1, 2, 3], "ease_1": [7, -99, 5],
    ...                     "nps": [10, 3, 8]})
    >>> survey = cxkit.load_survey(raw, missing_codes=(-99,), ranges={"nps": (0, 10)})
    >>> survey
      customer_id  ease_1   nps
    0           1     7.0  10.0
    1           2     NaN   3.0
    2           3     5.0   8.0
    >>> cxkit.load_report(survey).notes
    ['missing code(s) turned into NaN: ease_1: -99 × 1']
    >>> cxkit.load_survey(raw, ranges={"nps": (0, 10)})
    Traceback (most recent call last):
    ...
    cxkit.DataError: <DataFrame>: column 'ease_1', row 2: value(s) outside the item range: ...
    """
    scale = _check.scale_range(scale)
    ranges = {k: _check.scale_range(v, f"ranges[{k!r}]") for k, v in dict(ranges or {}).items()}
    codes = [float(c) for c in missing_codes]
    if not all(_check.is_number(c) for c in missing_codes):
        raise ValueError(f"missing_codes must be numbers, not {list(missing_codes)!r}")
    keep = list(keep)
    dialect = Dialect.checked(sep=sep, decimal=decimal, thousands=thousands,
                              quotechar=quotechar, encoding=encoding)
    mapping = dict(columns or {})
    user_id = mapping.get(id_column, id_column)
    key = None if pseudonymise is None or pseudonymise is False else \
        key_bytes(pseudonymise, argument="pseudonymise")
    with Load(source, kind="survey", on_error=on_error, dialect=dialect, sheet=sheet,
              skiprows=skiprows) as load:
        load.open(expected=(user_id,), id_column=user_id)
        named = load.rename(mapping)[0]
        first = load.parts[0]
        if id_column not in named:
            raise DataError("respondent id column not found", file=first.name,
                            column=id_column, names=load.names,
                            expected="an id column; available: " + ", ".join(first.columns)
                            + " (set id_column=)")
        absent = [c for c in list(ranges) + keep if c not in named]
        if absent:
            raise DataError("column(s) named in ranges/keep are not in the data",
                            file=first.name, column=absent,
                            expected="columns " + ", ".join(first.columns))
        wave = wave_column if wave_column in named else None
        items = [c for c in named if c not in (id_column, wave) and c not in keep]
        labels = _check.label_mapping(values, [*items, *([wave] if wave else [])])
        spec = _Survey(load, id_column, wave, items, keep, labels, scale, ranges, codes, key)
        with _check.in_source(names=load.names):
            load.build(lambda i, part: spec.select(part, load.rename(mapping)[i]),
                       *spec.row_checks())
        return spec.finish()


class _Survey:
    def __init__(self, load, id_column, wave, items, keep, labels, scale, ranges, codes, key):
        self.load, self.id, self.wave, self.items, self.keep = load, id_column, wave, items, keep
        self.labels, self.scale, self.ranges, self.codes = labels, scale, ranges, codes
        self.key = key
        if key is not None:
            load.personal.add(id_column)

    def select(self, part, named):
        position = {c: part.columns.index(user) for c, user in named.items()}
        dialect = self.load.dialect if part.kind == "csv" else Dialect()

        def x(c):
            return f"__r{position[c]}"

        def number(c):
            kind = part.types[named[c]]
            source = x(c)
            prep = []
            if c in self.labels:
                prep = _convert.mapped_text(source, c, self.labels[c]).layers
                source, kind = f"{c}__pm", "VARCHAR"
            conv = _convert.number_columns(source, kind, c, file=part.name,
                                           decimal=dialect.decimal, thousands=dialect.thousands)
            return _convert.Conv(*prep, *conv.layers)

        convs = [_convert.id_columns(x(self.id), part.types[named[self.id]], self.id,
                                     file=part.name)]
        if self.wave:
            convs.append(number(self.wave))
        convs += [number(c) for c in self.items]
        return convs, [(x(c), c) for c in self.keep]

    # ----------------------------------------------------------------------------------------
    def row_checks(self):
        """The checks of single rows (and where the stage finds them), run while the stage
        is written."""
        checks, ids = id_checks(self.id, _ID)
        codes = [ids]
        if self.wave:
            checks += _number_checks(self.wave, _WAVE)
            checks.append(Check(_WAVE + 9, self.wave, lambda raw: "empty wave",
                                lambda ex: ("empty wave", "a wave number in every row")))
            codes.append(Codes(f"coalesce({self.wave}__bad, CASE WHEN {self.wave} IS NULL "
                               f"THEN 9 END) + {_WAVE}", f"{self.wave}__raw"))
        for i, item in enumerate(self.items):
            checks += _number_checks(item, _ITEMS + 10 * i)
            codes.append(Codes(f"{item}__bad + {_ITEMS + 10 * i}", f"{item}__raw"))
        return checks, codes

    def finish(self) -> pd.DataFrame:
        load = self.load
        refuse_float_ids(load, self.id)
        load.resolve(before=_KEY)
        if load.on_error == "raise":
            self._unique_keys()
        load.resolve(before=_RANGE)
        self._ranges()
        load.resolve()
        self._unique_keys()
        if self.key is not None:
            pseudonymise_stage(load, self.id, self.key)
        return self._output()

    def _key(self) -> list[str]:
        return [self.id] + ([self.wave] if self.wave else [])

    def _unique_keys(self) -> None:
        load, key = self.load, ", ".join(self._key())
        rows = load.session.run(f"""
            SELECT __cx_file, __cx_ord FROM (
              SELECT __cx_file, __cx_ord, count(*) OVER (PARTITION BY {key}) AS n
              FROM {load.kept}) WHERE n > 1
            ORDER BY __cx_file, __cx_ord""")
        if rows:
            i = rows[0][0]
            keys = [(f, o) for f, o in rows if f == i]
            column = self._key() if self.wave else self.id
            raise DataError("respondent key is not unique", file=load.parts[i].name,
                            column=column, rows=sorted(load.rows_of(keys)), names=load.names,
                            expected="one row per respondent"
                            + (" and wave" if self.wave else ""))

    def _ranges(self) -> None:
        """Answers outside their item's range that are not declared missing codes: one
        DataError for every item at once, or a reason per row."""
        load, parts = self.load, []
        for i, item in enumerate(self.items):
            lo, hi = self.ranges.get(item, self.scale)
            code = f" AND NOT list_contains({_floats(self.codes)}, {item})" if self.codes else ""
            parts.append(f"SELECT {i} AS item, __cx_file, __cx_ord, {item} AS v FROM "
                         f"{load.kept} WHERE {item} IS NOT NULL{code} "
                         f"AND ({item} < {lo!r} OR {item} > {hi!r})")
        if not parts:
            return
        found = load.session.run(" UNION ALL ".join(parts) + " ORDER BY item, __cx_file, "
                                 "__cx_ord")
        if not found:
            return
        if load.on_error == "raise":
            i = min(f for _, f, _, _ in found)
            mine = [r for r in found if r[1] == i]
            problems, rows = [], set()
            for item in dict.fromkeys(r[0] for r in mine):
                name = self.items[item]
                lo, hi = self.ranges.get(name, self.scale)
                shown = sorted({r[3] for r in mine if r[0] == item})[:5]
                problems.append((name, [load.quoted(name, _check.plain(v)) for v in shown],
                                 lo, hi))
                rows.update(load.rows_of([(r[1], r[2]) for r in mine if r[0] == item]))
            text = "; ".join(f"{c}: {', '.join(map(str, v))} (range {_check.plain(lo)}–"
                             f"{_check.plain(hi)})" for c, v, lo, hi in problems)
            raise DataError(f"value(s) outside the item range: {text}; if a value is a code for "
                            "'no answer', declare it with missing_codes=",
                            file=load.parts[i].name, column=[p[0] for p in problems],
                            rows=sorted(rows), names=load.names,
                            expected="answers within the scale (set scale= or ranges= per item)")
        for item in dict.fromkeys(r[0] for r in found):
            name = self.items[item]
            lo, hi = self.ranges.get(name, self.scale)
            order = _RANGE + item

            def reason(raw, name=name, lo=lo, hi=hi):
                return (f"outside the item range {_check.plain(lo)}–{_check.plain(hi)}: "
                        f"{raw} in {name}")

            load.add_found(Check(order, name, reason, lambda ex: ("", "")),
                           [(f, o, str(_check.plain(v))) for it, f, o, v in found
                            if it == item])

    # ----------------------------------------------------------------------------------------
    def _output(self) -> pd.DataFrame:
        load, session = self.load, self.load.session
        kept = load.kept
        codes = _floats(self.codes)
        columns = [self.id]
        if self.wave:
            whole = session.run(f"SELECT bool_and({self.wave} = trunc({self.wave})) FROM "
                                f"{kept}", fetch="one")[0]
            columns.append(f"CAST({self.wave} AS BIGINT) AS {self.wave}" if whole is not False
                           else self.wave)
        columns += [ident(c) for c in self.keep]
        columns += [f"CASE WHEN list_contains({codes}, {c}) THEN NULL ELSE {c} END AS {c}"
                    if self.codes else c for c in self.items]
        table = session.run(f"SELECT {', '.join(columns)}, __cx_ord FROM {kept}",
                            fetch="arrow")
        out = arrow_to_pandas(table)
        part = load.parts[0]
        if part.kind == "frame" and self.keep:
            out = frame_extras(out, part.frame, [part.columns.index(load.names.get(c, c))
                                                 for c in self.keep], self.keep)
        out = out.drop(columns="__cx_ord")
        for c in self.items:
            out[c] = out[c].astype("float64")
        self._notes(kept)
        report = load.finish(len(out))
        report_personal_data(report, out, ids=(self.id,), names=load.names)
        return attach_report(out, report)

    def _notes(self, kept: str) -> None:
        load, report = self.load, self.load.report
        id_notes(load, self.id)
        for column, mapping in self.labels.items():
            counts = dict(load.session.run(f"SELECT {column}__from, count(*) FROM {kept} WHERE "
                                           f"{column}__from > 0 GROUP BY 1"))
            report.notes.append(_convert.mapped_note(column, mapping, counts, "answer"))
        if not self.items:
            return
        blanks = [f"count(*) FILTER ({c} IS NULL)" for c in self.items]
        hits = [f"count(*) FILTER ({c} = {code!r})" for c in self.items for code in self.codes]
        counts = load.session.run(f"SELECT {', '.join(blanks + hits)} FROM {kept}",
                                  fetch="one")
        blank = dict(zip(self.items, counts[: len(self.items)], strict=True))
        code_counts = {}
        for k, n in enumerate(counts[len(self.items):]):
            if n:
                code_counts[(self.items[k // len(self.codes)], self.codes[k % len(self.codes)])] \
                    = int(n)
        if code_counts:
            report.notes.append("missing code(s) turned into NaN: " + ", ".join(
                f"{c}: {_check.plain(code)} × {n}" for (c, code), n in code_counts.items()))
            report.details["missing_codes"] = pd.DataFrame(
                [(c, code, n) for (c, code), n in code_counts.items()],
                columns=["column", "code", "count"])
        blanks = {c: int(n) for c, n in blank.items() if n}
        if blanks:
            report.notes.append("blank answers (left as NaN): " + ", ".join(
                f"{c}: {n}" for c, n in blanks.items()))
        report.details["missing_values"] = pd.DataFrame(
            {"column": self.items, "blank": [int(blank[c]) for c in self.items],
             "missing_code": [sum(n for (c2, _), n in code_counts.items() if c2 == c)
                              for c in self.items]})


def _number_checks(column: str, base: int) -> list[Check]:
    return [Check(base + code, column,
                  lambda raw, code=code: _convert.number_reason(code, raw, column),
                  lambda ex, code=code: _convert.number_problem(code, ex))
            for code in (1, 2, 3, 4)]


def _floats(values) -> str:
    return "[" + ", ".join(f"CAST({float(v)!r} AS DOUBLE)" for v in values) + "]"
