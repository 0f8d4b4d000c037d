"""Loaders: a researcher's files → validated, classified tables, with a report of every load.

The data contract (see ``DESIGN.md``): journey events have ``customer_id`` (string),
``timestamp`` (UTC), ``touchpoint``, ``channel`` and ``value``; surveys have one row per
respondent (and wave) with numeric items. Column names are mapped with ``columns=``; nothing is
guessed, converted or dropped silently: problems raise :class:`cxkit.DataError` and everything
else that happened is in the load report (:func:`cxkit.load_report`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _check
from .._check import DataError
from .._read import looks_like_personal_data, read_table, source_name
from .._report import LoadReport, attach_report
from ..catalogue import CLASS_COLUMNS, classify
from ..catalogue import catalogue as build_catalogue

JOURNEY_COLUMNS = ("customer_id", "timestamp", "touchpoint", "channel", "value")
REQUIRED_JOURNEY_COLUMNS = ("customer_id", "timestamp", "touchpoint")
EPOCH_UNITS = ("s", "ms", "us", "ns")
_PER_SECOND = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}
_EPOCH_LOW, _EPOCH_HIGH = 31_536_000, 4_133_980_800  # 1971-01-01, 2101-01-01 in seconds
_AWARE = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$",
                    re.IGNORECASE)
_DIGITS = re.compile(r"^\s*\d+\s*$")


# --------------------------------------------------------------------------------------------
# journeys
# --------------------------------------------------------------------------------------------
def load_journeys(source, *, columns: Mapping[str, str] | None = None, tz: str = "UTC",
                  time_format: str | None = None, catalogue=None, on_unknown: str = "keep",
                  dedupe: bool = False, encoding: str = "utf-8", sheet=0,
                  skiprows: int | None = None) -> pd.DataFrame:
    """Load journey events into the canonical, classified event table.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv``, ``.csv.gz``, ``.parquet`` or ``.xlsx`` file, or a pandas DataFrame.
    columns : dict, optional
        Canonical name → your column name, e.g. ``{"customer_id": "client", "timestamp":
        "ts"}``. Canonical names: ``customer_id``, ``timestamp``, ``touchpoint`` (required),
        ``channel``, ``value`` (optional). Other columns are kept after the canonical ones.
    tz : str
        Time zone in which *naive* timestamps (no offset) were recorded, e.g.
        ``"Europe/Rome"``. Timestamps with an offset (``+01:00``, ``Z``) are converted to UTC.
        A mix of naive and offset timestamps is refused.
    time_format : str, optional
        How to read timestamps that are not ISO 8601 text: ``"s"``, ``"ms"``, ``"us"`` or
        ``"ns"`` for integer epochs (analytics exports), or a ``strftime`` pattern such as
        ``"%Y%m%d"`` for compact dates like ``19970101`` or ``"%d/%m/%Y %H:%M"``. Integer
        timestamps are never guessed: without ``time_format`` they are refused.
    catalogue : path or DataFrame, optional
        The touchpoint catalogue (default: :func:`cxkit.catalogue`).
    on_unknown : {"keep", "raise"}
        Touchpoints missing from the catalogue are kept with ``level`` NaN and counted in the
        report, or refused.
    dedupe : bool
        Exact duplicate events are reported and kept (default) or removed (``True``; the
        removed rows are listed in the report's ``set_aside``).
    encoding : str
        Text encoding of a CSV file.
    sheet : int or str
        Sheet of an Excel file.
    skiprows : int, optional
        Lines to skip above the header (title lines in an exported sheet or CSV).

    Returns
    -------
    DataFrame
        One row per event: ``customer_id`` (str), ``timestamp`` (datetime64[ns, UTC]),
        ``touchpoint`` (str), ``channel`` (str), ``value`` (float, may be NaN), and from the
        catalogue ``level``, ``stage``, ``direction``, ``controllable`` and
        ``moment_of_truth`` (NaN for touchpoints not in the catalogue), then any other column
        of the source. Rows keep the source's order. The load report is available with
        :func:`cxkit.load_report`.

    Raises
    ------
    DataError
        Missing or unmapped columns; empty customer ids, touchpoints or timestamps;
        unparsable, mixed naive/aware or non-existent local timestamps; integer timestamps
        without ``time_format``; non-numeric values; an empty file or one with no data rows.
        The error names the file, the rows (1 at the first data row) and a column mapped
        with ``columns=`` as your file names it: ``column 'Zeit' (timestamp), row 4: ...``.

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> raw = pd.DataFrame({"client": ["c1", "c1", "c2"],
    ...                     "when": ["2024-03-01 09:00", "2024-03-02 18:30", "2024-03-05 12:00"],
    ...                     "what": ["email_click", "purchase", "support_call"],
    ...                     "amount": [None, 59.9, None]})
    >>> events = cxkit.load_journeys(raw, columns={"customer_id": "client", "timestamp": "when",
    ...                              "touchpoint": "what", "value": "amount"}, tz="Europe/Rome")
    >>> events[["customer_id", "timestamp", "touchpoint", "channel", "level"]]
      customer_id                 timestamp    touchpoint channel        level
    0          c1 2024-03-01 08:00:00+00:00   email_click   email   engagement
    1          c1 2024-03-02 17:30:00+00:00      purchase     web  interaction
    2          c2 2024-03-05 11:00:00+00:00  support_call   phone  interaction
    """
    name = source_name(source)
    raw = read_table(source, encoding=encoding, sheet=sheet, skiprows=skiprows,
                     expected_columns=_expected_names(columns, REQUIRED_JOURNEY_COLUMNS))
    report = LoadReport(source=name, kind="journeys", rows_read=len(raw))
    data = _apply_mapping(raw, columns, JOURNEY_COLUMNS, REQUIRED_JOURNEY_COLUMNS, file=name)
    if data.empty:
        raise DataError("the table has a header but no data rows", file=name,
                        expected="at least one event")
    cat = build_catalogue() if catalogue is None else build_catalogue(catalogue)

    out = pd.DataFrame(index=data.index)
    # errors name the file, and a mapped column as the user's file names it
    with _check.in_source(file=name, names=_user_names(columns)):
        out["customer_id"] = _ids(data["customer_id"], column="customer_id", report=report)
        out["timestamp"] = parse_timestamps(data["timestamp"], tz=tz, time_format=time_format,
                                            file=name, report=report)
        _check.refuse_rows(_check.blank(data["touchpoint"]), "empty value", "touchpoint",
                           "a touchpoint in every row")
        out["touchpoint"] = data["touchpoint"].astype(str)
        if "channel" in data.columns:
            channel = data["channel"]
            out["channel"] = channel.where(channel.isna(), channel.astype(str))
        out["value"] = (_check.numbers_from_text(data["value"], "value") if "value" in data
                        else np.nan)
        out = classify(out, cat, on_unknown=on_unknown, report=report)
    out = out[list(JOURNEY_COLUMNS) + list(CLASS_COLUMNS)]
    extra = [c for c in data.columns if c not in JOURNEY_COLUMNS and c not in CLASS_COLUMNS]
    for col in extra:
        out[col] = data[col]

    out = _handle_duplicates(out, dedupe=dedupe, report=report)
    report.warnings += looks_like_personal_data(out, skip=("timestamp", "value"))
    report.rows_kept = len(out)
    return attach_report(out.reset_index(drop=True), report)


def _handle_duplicates(out: pd.DataFrame, *, dedupe: bool, report: LoadReport) -> pd.DataFrame:
    dup = out.duplicated(keep="first")
    if not dup.any():
        return out
    rows = _check.rows(dup)
    report.details["duplicates"] = out.loc[dup].assign(row=rows)
    if dedupe:
        report.set_aside = pd.DataFrame({"row": rows,
                                         "reason": "exact duplicate of an earlier event"})
        report.notes.append(f"{len(rows)} exact duplicate event(s) removed (dedupe=True)")
        return out.loc[~dup]
    report.notes.append(f"{len(rows)} exact duplicate event(s) kept (pass dedupe=True to remove "
                        f"them): rows " + ", ".join(map(str, rows[:10]))
                        + (" ..." if len(rows) > 10 else ""))
    return out


def parse_timestamps(values: pd.Series, *, tz: str = "UTC", time_format: str | None = None,
                     file: str | None = None, column: str = "timestamp",
                     report: LoadReport | None = None) -> pd.Series:
    """Parse a column of timestamps to ``datetime64[ns, UTC]`` without guessing.

    Naive values are read in ``tz``; values with an offset are converted to UTC; integers need
    ``time_format`` (an epoch unit or a ``strftime`` pattern). See :func:`load_journeys`.
    Errors name ``file`` and ``column`` and the rows (1 at the first value).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit.io import parse_timestamps
    >>> parse_timestamps(pd.Series([1704067200000]), time_format="ms").iloc[0]
    Timestamp('2024-01-01 00:00:00+0000', tz='UTC')
    >>> parse_timestamps(pd.Series(["19970101"]), time_format="%Y%m%d").iloc[0]
    Timestamp('1997-01-01 00:00:00+0000', tz='UTC')
    """
    _check_tz(tz)
    with _check.in_source(file=file):
        parsed = _parsed(values, time_format=time_format, column=column)
        if parsed.dt.tz is None:
            if report is not None:
                report.notes.append(f"{len(parsed)} timestamp(s) without a UTC offset read as "
                                    f"local time in {tz} (tz=)")
            local = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            _check.refuse_rows(local.isna() & parsed.notna(), "local time that does not exist "
                               f"or is ambiguous in {tz} (a daylight-saving change)", column,
                               "times stored in UTC or with their offset")
            parsed = local
        parsed = parsed.dt.tz_convert("UTC")
        years = parsed.dt.year
        odd = (years < 1970) | (years > 2100)
        if odd.any():
            _check.refuse_rows(odd, f"timestamp(s) outside 1970–2100 (e.g. "
                               f"{parsed[odd].iloc[0]}); check time_format (an epoch in "
                               "seconds read as milliseconds, say)", column,
                               "dates between 1970 and 2100")
    return parsed.astype("datetime64[ns, UTC]")


def _parsed(values: pd.Series, *, time_format, column) -> pd.Series:
    """The timestamps as read, in the way their type and ``time_format`` say (not yet UTC)."""
    _check.refuse_rows(_check.blank(values), "empty timestamp", column,
                       "a date-time in every row")
    if time_format in EPOCH_UNITS:
        return _from_epoch(values, unit=time_format, column=column)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if pd.api.types.is_numeric_dtype(values):
        if time_format is None:
            _refuse_integers(values.notna(), column)
        return _from_pattern(values.astype(str), time_format, column=column)
    if not _is_text(values) and values.map(lambda v: isinstance(v, dt.datetime)).all():
        return _from_datetimes(values, column=column)
    text = values.astype(str).str.strip()
    if time_format is None:
        digits = text.str.match(_DIGITS)
        if digits.any():
            _refuse_integers(digits, column)
    return _from_text(text, time_format, column=column)


def _check_tz(tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {tz!r}: use an IANA name such as 'Europe/Rome', "
                         "'America/New_York' or 'UTC'") from None


def _refuse_integers(mask, column):
    _check.refuse_rows(
        mask, "timestamps written as whole numbers; say how to read them with time_format= "
        "('s', 'ms', 'us' or 'ns' for epochs, or a pattern such as '%Y%m%d' for compact "
        "dates) — cxkit does not guess", column, "ISO 8601 text such as 2024-03-01 09:30")


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values) or (
        values.dtype == object and values.dropna().map(lambda v: isinstance(v, str)).all())


def _from_epoch(values, *, unit, column):
    numeric = pd.to_numeric(values, errors="coerce")
    _check.refuse_rows(numeric.isna() | (numeric % 1 != 0), f"not an integer epoch in {unit}",
                       column, f"whole numbers of {unit} since 1970-01-01 UTC")
    # Checked before converting: an epoch in the wrong unit either overflows (microseconds
    # read as seconds) or lands in the first weeks of 1970 (seconds read as milliseconds),
    # which the general 1970–2100 check would let through.
    seconds = numeric / _PER_SECOND[unit]
    odd = (seconds < _EPOCH_LOW) | (seconds >= _EPOCH_HIGH)
    if odd.any():
        _check.refuse_rows(odd, f"epoch(s) in {unit!r} that fall outside 1971–2100 (e.g. "
                           f"{int(numeric[odd].iloc[0])}); check time_format (an epoch in "
                           "seconds read as milliseconds lands in January 1970)", column,
                           f"whole numbers of {unit} since 1970-01-01 UTC")
    return pd.to_datetime(numeric.astype("int64"), unit=unit, utc=True)


def _from_pattern(values, pattern, *, column):
    parsed = pd.to_datetime(values, format=pattern, errors="coerce")
    return _check.parsed(values, parsed, column, what="timestamp(s)",
                         expected=f"text matching {pattern!r}")


def _from_datetimes(values, *, column):
    aware = values.map(lambda v: v.tzinfo is not None)
    if aware.any() and not aware.all():
        _refuse_mixed(aware, column)
    return pd.to_datetime(values, utc=bool(aware.all()))


def _from_text(text: pd.Series, time_format, *, column):
    if time_format is not None:
        parsed = pd.to_datetime(text, format=time_format, errors="coerce",
                                utc="%z" in time_format or "%Z" in time_format)
        return _check.parsed(text, parsed, column, what="timestamp(s)",
                             expected=f"text matching {time_format!r}")
    aware = text.str.contains(_AWARE)
    if aware.any() and not aware.all():
        _refuse_mixed(aware, column)
    cleaned = text.str.replace(r"\s*UTC$", "+00:00", regex=True, case=False)
    parsed = pd.to_datetime(cleaned, format="ISO8601", errors="coerce", utc=bool(aware.all()))
    return _check.parsed(text, parsed, column, what="timestamp(s)",
                         expected="ISO 8601 date-times such as 2024-03-01 09:30 (or pass "
                                  "time_format=)")


def _refuse_mixed(aware, column):
    """A mix of times with and without an offset: name the rows of the smaller group."""
    minority = ~aware if aware.sum() >= (~aware).sum() else aware
    kind = "without" if aware.sum() >= (~aware).sum() else "with"
    _check.refuse_rows(minority, f"a mix of time zones: these rows have timestamps {kind} a "
                       "UTC offset while the others do not match", column,
                       "every timestamp with an offset, or none (then tz= says the zone)")


# --------------------------------------------------------------------------------------------
# surveys
# --------------------------------------------------------------------------------------------
def load_survey(source, *, id_column: str = "customer_id", scale: tuple[float, float] = (1, 7),
                missing_codes: Sequence[float] = (), ranges: Mapping[str, tuple] | None = None,
                keep: Sequence[str] = (), columns: Mapping[str, str] | None = None,
                wave_column: str = "wave", encoding: str = "utf-8", sheet=0,
                skiprows: int | None = None) -> pd.DataFrame:
    """Load survey responses: one row per respondent (and wave), numeric items checked.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv``, ``.csv.gz``, ``.parquet`` or ``.xlsx`` file, or a DataFrame.
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
        that items follow the ``<construct>_<k>`` convention. ``id_column``, ``ranges`` and
        ``keep`` then use the kit's names.
    wave_column : str
        When this column is present the key is (respondent, wave).

    Returns
    -------
    DataFrame
        ``id_column`` (str), the wave column if present, the ``keep`` columns, then every item
        as float (NaN where there was no answer). The load report lists missing codes and
        blank cells per item.

    Raises
    ------
    DataError
        Missing ids; duplicated respondent keys; non-numeric answers; values out of range
        that are not declared missing codes (naming columns, values and rows).
        A column mapped with ``columns=`` is named as your file names it:
        ``column 'facilita_1' (ease_1)``.

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
    name = source_name(source)
    raw = read_table(source, encoding=encoding, sheet=sheet, skiprows=skiprows,
                     expected_columns=(dict(columns or {}).get(id_column, id_column),))
    report = LoadReport(source=name, kind="survey", rows_read=len(raw))
    raw = _rename(raw, columns, file=name)
    names = _user_names(columns)
    if id_column not in raw.columns:
        raise DataError("respondent id column not found", file=name, column=id_column,
                        names=names, expected="an id column; available: "
                        + ", ".join(map(str, raw.columns)) + " (set id_column=)")
    if raw.empty:
        raise DataError("the table has a header but no data rows", file=name,
                        expected="at least one respondent")
    ranges = dict(ranges or {})
    absent = [c for c in list(ranges) + list(keep) if c not in raw.columns]
    if absent:
        raise DataError("column(s) named in ranges/keep are not in the data", file=name,
                        column=absent, expected="columns " + ", ".join(map(str, raw.columns)))
    # errors name the file, and a mapped column as the user's file names it
    with _check.in_source(file=name, names=names):
        out = _respondents(raw, id_column=id_column, wave_column=wave_column, report=report)
        key = list(out.columns)
        for col in keep:
            out[col] = raw[col]
        items = [c for c in raw.columns if c not in key and c not in keep]
        code_counts, blank_counts = _items(raw, items, out=out, scale=scale, ranges=ranges,
                                           codes={float(c) for c in missing_codes})
    if code_counts:
        report.notes.append("missing code(s) turned into NaN: " + ", ".join(
            f"{c}: {_check.plain(code)} × {n}" for (c, code), n in code_counts.items()))
        report.details["missing_codes"] = pd.DataFrame(
            [(c, code, n) for (c, code), n in code_counts.items()],
            columns=["column", "code", "count"])
    blanks = {c: n for c, n in blank_counts.items() if n}
    if blanks:
        report.notes.append("blank answers (left as NaN): " + ", ".join(
            f"{c}: {n}" for c, n in blanks.items()))
    report.details["missing_values"] = pd.DataFrame(
        {"column": items, "blank": [blank_counts[c] for c in items],
         "missing_code": [sum(n for (c2, _), n in code_counts.items() if c2 == c)
                          for c in items]})
    report.warnings += looks_like_personal_data(raw[[c for c in raw.columns if c != id_column]])
    report.rows_kept = len(out)
    return attach_report(out, report)


def _respondents(raw: pd.DataFrame, *, id_column, wave_column, report) -> pd.DataFrame:
    """The respondent key: the id (and the wave, when there is a wave column), checked."""
    out = pd.DataFrame(index=raw.index)
    out[id_column] = _ids(raw[id_column], column=id_column, report=report)
    if wave_column in raw.columns:
        wave = _check.numbers_from_text(raw[wave_column], wave_column)
        _check.refuse_rows(wave.isna(), "empty wave", wave_column, "a wave number in every row")
        out[wave_column] = wave.astype("int64") if (wave % 1 == 0).all() else wave
    key = list(out.columns)
    _check.refuse_rows(out.duplicated(subset=key, keep=False), "respondent key is not unique",
                       key, "one row per respondent" + (" and wave" if len(key) > 1 else ""))
    return out


def _items(raw: pd.DataFrame, items: list, *, out: pd.DataFrame, scale, ranges, codes):
    """Every item as numbers into ``out``, missing codes turned into NaN; answers outside an
    item's range refused, all items at once. Returns the counts of codes and blanks."""
    problems, bad_rows, code_counts, blank_counts = [], set(), {}, {}
    for col in items:
        values = _check.numbers_from_text(raw[col], col)
        blank_counts[col] = int(values.isna().sum())
        is_code = values.isin(codes)
        if is_code.any():
            for code, n in values[is_code].value_counts().items():
                code_counts[(col, code)] = int(n)
            values = values.mask(is_code)
        lo, hi = ranges.get(col, scale)
        outside = values.notna() & ((values < lo) | (values > hi))
        if outside.any():
            shown = sorted(set(values[outside].tolist()))[:5]
            problems.append((col, [_check.plain(v) for v in shown], lo, hi))
            bad_rows.update(_check.rows(outside))
        out[col] = values.astype("float64")
    if problems:
        text = "; ".join(f"{c}: {', '.join(map(str, v))} (range {_check.plain(lo)}–"
                         f"{_check.plain(hi)})" for c, v, lo, hi in problems)
        raise DataError(f"value(s) outside the item range: {text}; if a value is a code for "
                        "'no answer', declare it with missing_codes=",
                        column=[p[0] for p in problems], rows=sorted(bad_rows),
                        expected="answers within the scale (set scale= or ranges= per item)")
    return code_counts, blank_counts


# --------------------------------------------------------------------------------------------
# column mapping, ids
# --------------------------------------------------------------------------------------------
def _expected_names(columns, required):
    mapping = dict(columns or {})
    return [mapping.get(c, c) for c in required]


def _rename(raw, columns, *, file):
    mapping = dict(columns or {})
    absent = [user for user in mapping.values() if user not in raw.columns]
    if absent:
        raise DataError("mapped column(s) not in the data", file=file, column=absent,
                        expected="columns named in columns= to exist; available: "
                        + ", ".join(map(str, raw.columns)))
    clash = [c for c, user in mapping.items() if c != user and c in raw.columns]
    if clash:
        raise DataError("the data already have column(s) with the name(s) you mapped another "
                        "column onto", file=file, column=clash,
                        expected="rename or drop one of the two columns")
    return raw.rename(columns={user: c for c, user in mapping.items()})


def _apply_mapping(raw, columns, canonical, required, *, file):
    mapping = dict(columns or {})
    unknown = [k for k in mapping if k not in canonical]
    if unknown:
        raise ValueError(f"columns= maps unknown canonical name(s) {unknown}; canonical names "
                         "are " + ", ".join(canonical))
    data = _rename(raw, mapping, file=file)
    missing = [c for c in required if c not in data.columns]
    if missing:
        hint = ", ".join(f'"{c}": "<your column>"' for c in missing)
        raise DataError("required column(s) missing", file=file, column=missing,
                        expected=f"columns {', '.join(required)}; available: "
                        f"{', '.join(map(str, raw.columns))}; map yours with columns={{{hint}}}")
    return data


def _user_names(columns) -> dict:
    """``{canonical: user_name}`` of the columns that ``columns=`` renamed, for errors."""
    return {c: user for c, user in dict(columns or {}).items() if c != user}


def _ids(values: pd.Series, *, column, report) -> pd.Series:
    _check.refuse_rows(_check.blank(values), "empty id", column, "an id in every row")
    if _is_text(values):
        text = values.astype(str).str.strip()
        padded = text != values.astype(str)
        if padded.any():
            report.notes.append(f"{int(padded.sum())} {column} value(s) with spaces around them, "
                                "kept as they are (so ' c1' and 'c1' are different ids): rows "
                                + ", ".join(map(str, _check.rows(padded)[:10])))
    if pd.api.types.is_float_dtype(values):
        if (values % 1 == 0).all():
            report.notes.append(f"{column} stored as decimals (e.g. {float(values.iloc[0])!r}); "
                                "read as whole-number ids")
            values = values.astype("int64")
    return values.astype(str)
