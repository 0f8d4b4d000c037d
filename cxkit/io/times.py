"""Timestamps, read without guessing: SQL that parses them in the engine, local times turned
into UTC, and :func:`parse_timestamps` for a pandas Series.

A timestamp is held as nanoseconds since 1970 (``BIGINT``) with a kind: ``0`` a local wall
clock (no offset; read in ``tz``), ``1`` an instant (an offset, ``Z``, ``UTC``, a typed
UTC column or an epoch), or a problem code (:data:`PROBLEMS`). Text in ISO 8601 is matched by
a pattern before DuckDB casts it (DuckDB would otherwise drop an offset or a zone name
silently when casting to a naive timestamp); whole numbers are never taken for times unless
``time_format`` says how (``"s"``, ``"ms"``, ``"us"``, ``"ns"`` or a ``strftime`` pattern).

Local times become UTC through a table of the zone's offset for every hour the data span
(one DuckDB time-zone lookup per hour, not per row); the rows in an hour where the offset
changes are looked up one by one, and a time that does not exist or is ambiguous there (a
daylight-saving change) is refused or set aside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._convert import ColumnRefused, Conv, is_decimal, is_float, is_integer, is_text, trimmed
from ._engine import lit
from ._load import Check, Codes, Load
from ._sources import EXCEL_ERRORS

EPOCH_UNITS = ("s", "ms", "us", "ns")
_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_EPOCH_LOW, _EPOCH_HIGH = 31_536_000, 4_133_980_800  # 1971-01-01, 2101-01-01 in seconds
_NS_LOW, _NS_HIGH = 0, 4_133_980_800 * 10**9           # 1970-01-01, 2101-01-01
_HOUR = 3_600 * 10**9
_MAX_HOURS = 400_000
_NAIVE = (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[T ][0-9]{1,2}:[0-9]{2}"
          r"(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?)?")
_AWARE = (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
          r"\s*(?:[Zz]|[Uu][Tt][Cc]|[+-][0-9]{2}(?::?[0-9]{2})?)")

NAIVE, AWARE, EMPTY, EXCEL, INTEGERS, UNREADABLE, NOT_EPOCH, EPOCH_RANGE = range(8)
_SLOW = 50  # a text that needs stripping and a pattern to be recognised
# the 7th to 9th digits of a fraction of a second, which DuckDB's instants (microseconds) drop
_NANOS = ("CAST(rpad(regexp_extract({t}, '[.,][0-9]{{6}}([0-9]{{1,3}})', 1), 3, '0') "
          "AS INTEGER)")

MIXED, LOCAL, RANGE = 8, 9, 10

INTEGER_ADVICE = ("timestamps written as whole numbers; say how to read them with time_format= "
                  "('s', 'ms', 'us' or 'ns' for epochs, or a pattern such as '%Y%m%d' for "
                  "compact dates) — cxkit does not guess")


def check_time_format(time_format) -> None:
    if time_format is not None and not isinstance(time_format, str):
        raise ValueError(f"time_format must be an epoch unit ('s', 'ms', 'us', 'ns') or a "
                         f"strftime pattern, not {time_format!r}")


def check_tz(tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {tz!r}: use an IANA name such as 'Europe/Rome', "
                         "'America/New_York' or 'UTC'") from None


# --------------------------------------------------------------------------------------------
# the stage's timestamp: nanoseconds and a kind
# --------------------------------------------------------------------------------------------
def time_columns(x: str, kind: str, column: str = "timestamp", *, file: str,
                 time_format: str | None = None, aware_ns: bool = False) -> Conv:
    """The stage's ``{column}`` (BIGINT ns), ``{column}__kind`` and ``{column}__raw``."""
    c, k, raw = column, f"{column}__kind", f"{column}__raw"
    upper = kind.upper()
    null = f"{x} IS NULL"
    none = "CAST(NULL AS VARCHAR)"
    if aware_ns:
        return Conv({c: x, k: f"CASE WHEN {null} THEN {EMPTY} ELSE {AWARE} END", raw: none})
    if upper == "TIMESTAMP WITH TIME ZONE":
        return Conv({c: f"epoch_us({x}) * 1000", k: f"CASE WHEN {null} THEN {EMPTY} ELSE "
                                                    f"{AWARE} END", raw: none})
    if upper.startswith("TIMESTAMP") or upper == "DATE":
        value = f"epoch_ns({x})" if upper.startswith("TIMESTAMP") else \
            f"epoch_ns(CAST({x} AS TIMESTAMP))"
        return Conv({c: value, k: f"CASE WHEN {null} THEN {EMPTY} ELSE {NAIVE} END", raw: none})
    numeric = is_integer(kind) or is_float(kind) or is_decimal(kind)
    if numeric:
        if time_format in EPOCH_UNITS:
            return _epochs(x, kind, c, time_format)
        if time_format is None:
            return Conv({c: "CAST(NULL AS BIGINT)",
                         k: f"CASE WHEN {null} THEN {EMPTY} ELSE {INTEGERS} END",
                         raw: f"CAST({x} AS VARCHAR)"})
        whole = f"CAST(CAST({x} AS HUGEINT) AS VARCHAR)" if not is_integer(kind) else \
            f"CAST({x} AS VARCHAR)"
        return _pattern(whole, c, time_format)
    if not is_text(kind):
        raise ColumnRefused(f"the timestamp column holds {kind} values", file=file,
                            column=column, expected="date-times, ISO 8601 text or epochs "
                                                    "(with time_format=)")
    if time_format in EPOCH_UNITS:
        return _epochs(x, "VARCHAR", c, time_format)
    if time_format is not None:
        return _pattern(x, c, time_format)
    # The commonest shapes are cast directly: 19 characters with two ':' ('YYYY-MM-DD
    # HH:MM:SS', no room for an offset) as a naive time; 20 ending in 'Z' or 25 without a '.'
    # ('YYYY-MM-DDTHH:MM:SS+hh:mm') as an instant. Any other text, and any text that these
    # casts refuse, is stripped and matched by a pattern first: a cast alone would drop an
    # offset or a zone name silently.
    text = f"CAST({x} AS VARCHAR)"
    t, n, a = f"{c}__pt", f"{c}__pn", f"{c}__pa"
    aware_shape = (f"CASE length({text}) WHEN 20 THEN ends_with({text}, 'Z') WHEN 25 THEN "
                   f"NOT contains({text}, '.') END")
    first = (f"CASE WHEN {x} IS NULL THEN {EMPTY} WHEN {n} IS NOT NULL THEN {NAIVE} "
             f"WHEN {a} IS NOT NULL THEN {AWARE} ELSE {_SLOW} END")
    slow = (f"CASE WHEN {t} = '' THEN {EMPTY} "
            f"WHEN starts_with({t}, '#') AND {t} IN ({_texts(EXCEL_ERRORS)}) THEN {EXCEL} "
            f"WHEN regexp_full_match({t}, {lit(_NAIVE)}) THEN {_SLOW + NAIVE} "
            f"WHEN regexp_full_match({t}, {lit(_AWARE)}) THEN {_SLOW + AWARE} "
            f"WHEN regexp_full_match({t}, '[+-]?[0-9]+') THEN {INTEGERS} "
            f"ELSE {UNREADABLE} END")
    value = (f"CASE {c}__pk WHEN {NAIVE} THEN epoch_us({n}) * 1000 "
             f"WHEN {AWARE} THEN epoch_us({a}) * 1000 "
             f"WHEN {_SLOW + NAIVE} THEN epoch_ns(TRY_CAST(replace({t}, ',', '.') "
             f"AS TIMESTAMP_NS)) WHEN {_SLOW + AWARE} THEN epoch_us(TRY_CAST(replace(upper({t}), "
             f"',', '.') AS TIMESTAMPTZ)) * 1000 + {_NANOS.format(t=t)} END")
    return Conv({n: f"CASE WHEN length({text}) = 19 AND {text} LIKE '%:%:%' THEN "
                    f"TRY_CAST({text} AS TIMESTAMP) END",
                 a: f"CASE WHEN {aware_shape} THEN TRY_CAST({text} AS TIMESTAMPTZ) END"},
                {f"{c}__p0": first},
                {t: f"CASE WHEN {c}__p0 = {_SLOW} THEN {trimmed(x)} END"},
                {f"{c}__pk": f"CASE WHEN {c}__p0 = {_SLOW} THEN {slow} ELSE {c}__p0 END"},
                {c: value},
                {k: f"CAST(CASE WHEN {c}__pk IN ({NAIVE}, {_SLOW + NAIVE}) THEN CASE WHEN {c} "
                    f"IS NULL THEN {UNREADABLE} ELSE {NAIVE} END WHEN {c}__pk IN ({AWARE}, "
                    f"{_SLOW + AWARE}) THEN CASE WHEN {c} IS NULL THEN {UNREADABLE} ELSE "
                    f"{AWARE} END ELSE {c}__pk END AS UTINYINT)"},
                {raw: f"CASE WHEN {k} > {AWARE} THEN coalesce({t}, {text}, '') END"})


def _texts(values) -> str:
    return ", ".join(lit(v) for v in values)


def _pattern(x: str, c: str, time_format: str) -> Conv:
    aware = "%z" in time_format or "%Z" in time_format
    t = f"{c}__pt"
    parsed = f"try_strptime({t}, {lit(time_format)})"
    value = f"epoch_us({parsed}) * 1000" if aware else f"epoch_ns({parsed})"
    first = (f"CASE WHEN {t} IS NULL OR {t} = '' THEN {EMPTY} "
             f"WHEN starts_with({t}, '#') AND {t} IN ({_texts(EXCEL_ERRORS)}) THEN {EXCEL} END")
    k = f"{c}__kind"
    return Conv({t: trimmed(x)}, {f"{c}__pk": first},
                {c: f"CASE WHEN {c}__pk IS NULL THEN {value} END"},
                {k: f"coalesce({c}__pk, CASE WHEN {c} IS NULL THEN {UNREADABLE} ELSE "
                    f"{AWARE if aware else NAIVE} END)"},
                {f"{c}__raw": f"CASE WHEN {k} > {AWARE} THEN coalesce({t}, '') END"})


def _epochs(x: str, kind: str, c: str, unit: str) -> Conv:
    per = _PER_SECOND[unit]
    t = f"{c}__pt"
    k = f"{c}__kind"
    if is_text(kind):
        whole = f"regexp_full_match({t}, '[+-]?[0-9]+')"
        number = f"TRY_CAST({t} AS HUGEINT)"
        empty = f"{t} IS NULL OR {t} = ''"
        prep = {t: trimmed(x)}
        excel = f"WHEN {t} IN ({_texts(EXCEL_ERRORS)}) THEN {EXCEL} "
    else:
        whole = f"{x} = trunc({x})" if not is_integer(kind) else "true"
        number = f"CAST({x} AS HUGEINT)"
        empty = f"{x} IS NULL" + (f" OR isnan({x})" if is_float(kind) else "")
        prep = {t: f"CAST({x} AS VARCHAR)"}
        excel = ""
        if is_float(kind):
            whole = f"(isfinite({x}) AND {x} = trunc({x}))"
    first = (f"CASE WHEN {empty} THEN {EMPTY} {excel}WHEN NOT ({whole}) THEN {NOT_EPOCH} "
             f"WHEN {number} < {_EPOCH_LOW * per} OR {number} >= {_EPOCH_HIGH * per} "
             f"THEN {EPOCH_RANGE} ELSE {AWARE} END")
    factor = 10**9 // per
    return Conv(prep, {k: first},
                {c: f"CASE WHEN {k} = {AWARE} THEN CAST({number} * {factor} AS BIGINT) END",
                 f"{c}__raw": f"CASE WHEN {k} > {AWARE} THEN coalesce({t}, '') END"})


# --------------------------------------------------------------------------------------------
# problems, as reasons and as errors
# --------------------------------------------------------------------------------------------
def reason(code: int, raw: str | None, *, tz: str = "UTC", unit: str | None = None,
           minority: int | None = None) -> str:
    shown = repr(raw) if raw is not None else ""
    if code == MIXED:
        return ("timestamp without a UTC offset among times with one" if minority == NAIVE
                else "timestamp with a UTC offset among times without one")
    return {
        EMPTY: "empty timestamp",
        EXCEL: f"Excel error cell {shown} in timestamp",
        INTEGERS: f"timestamp written as a whole number {shown} (pass time_format=)",
        UNREADABLE: f"unreadable timestamp {shown}",
        NOT_EPOCH: f"not an integer epoch: {shown}",
        EPOCH_RANGE: f"epoch {shown} in {unit!r} outside 1971–2100",
        LOCAL: f"local time {shown} that does not exist or is ambiguous in {tz}",
        RANGE: f"timestamp outside 1970–2100: {shown}",
    }[code]


def problem(code: int, examples: list, *, tz: str = "UTC", time_format=None, minority=None):
    """``(problem, expected)`` for a DataError about timestamps with problem ``code``."""
    shown = ", ".join(repr(v) for v in examples[:3])
    if code == EMPTY:
        return "empty timestamp", "a date-time in every row"
    if code == EXCEL:
        return f"Excel error cell(s) {shown}", "date-times"
    if code == INTEGERS:
        return INTEGER_ADVICE, "ISO 8601 text such as 2024-03-01 09:30"
    if code == UNREADABLE:
        if time_format is not None:
            return f"cannot read timestamp(s) {shown}", f"text matching {time_format!r}"
        return (f"cannot read timestamp(s) {shown}",
                "ISO 8601 date-times such as 2024-03-01 09:30 (or pass time_format=)")
    if code == NOT_EPOCH:
        return (f"not an integer epoch in {time_format}: {shown}",
                f"whole numbers of {time_format} since 1970-01-01 UTC")
    if code == EPOCH_RANGE:
        return (f"epoch(s) in {time_format!r} that fall outside 1971–2100 (e.g. "
                f"{examples[0]}); check time_format (an epoch in seconds read as "
                "milliseconds lands in January 1970)",
                f"whole numbers of {time_format} since 1970-01-01 UTC")
    if code == MIXED:
        kind = "without" if minority == NAIVE else "with"
        return (f"a mix of time zones: these rows have timestamps {kind} a UTC offset while "
                "the others do not match",
                "every timestamp with an offset, or none (then tz= says the zone)")
    if code == LOCAL:
        return (f"local time that does not exist or is ambiguous in {tz} (a daylight-saving "
                "change)", "times stored in UTC or with their offset")
    return (f"timestamp(s) outside 1970–2100 (e.g. {examples[0]}); check time_format (an "
            "epoch in seconds read as milliseconds, say)", "dates between 1970 and 2100")


# --------------------------------------------------------------------------------------------
# local wall clocks → UTC
# --------------------------------------------------------------------------------------------
class Clock:
    """How the stage's timestamps become UTC: ``utc_sql`` (an expression, with ``params``
    for the offsets table) and the rows it refuses (mixed kinds, daylight-saving gaps and
    overlaps, dates outside 1970–2100), found with a few small queries."""

    def __init__(self, session, stage: str, *, tz: str, column: str = "timestamp"):
        self.session, self.stage, self.tz, self.c = session, stage, tz, column
        self.k = f"{column}__kind"
        n_naive, n_aware, low, high = session.run(
            f"SELECT count(*) FILTER ({self.k} = {NAIVE}), count(*) FILTER ({self.k} = {AWARE}),"
            f" min({self.c}) FILTER ({self.k} = {NAIVE}), max({self.c}) FILTER "
            f"({self.k} = {NAIVE}) FROM {stage}", fetch="one")
        self.n_naive, self.n_aware = int(n_naive), int(n_aware)
        self.minority = None
        if self.n_naive and self.n_aware:
            self.minority = NAIVE if self.n_aware >= self.n_naive else AWARE
        self.params: list = []
        self.utc_sql = self.c
        self.problems: list[tuple] = []  # (file, ord, code, raw)
        if self.minority is not None:
            rows = session.run(f"SELECT __cx_file, __cx_ord FROM {stage} WHERE {self.k} = "
                               f"{self.minority}", fetch="rows")
            self.problems += [(f, o, MIXED, None) for f, o in rows]
        if self.n_naive and tz != "UTC":
            self._local(int(low), int(high))
        self._range()

    def _exact(self, ns: str) -> str:
        micro = f"make_timestamp(CAST({ns} // 1000 AS BIGINT))"
        return (f"(epoch_us(timezone({lit(self.tz)}, {micro})) * 1000 + "
                f"CAST({ns} % 1000 AS BIGINT))")

    def _local(self, low: int, high: int) -> None:
        h0, h1 = max(low // _HOUR, -48), min(high // _HOUR, _NS_HIGH // _HOUR + 48)
        c, k = self.c, self.k
        naive = f"{k} = {NAIVE}"
        if h1 - h0 + 1 > _MAX_HOURS or h1 < h0:
            exact = self._exact(c)
            self.utc_sql = f"CASE WHEN {naive} THEN {exact} ELSE {c} END"
            self._gaps(f"{naive}")
            return
        tz = lit(self.tz)
        rows = self.session.run(f"""
            SELECT h, epoch_us(timezone({tz}, a)) AS u0, epoch_us(timezone({tz}, b)) AS u1,
                   timezone({tz}, timezone({tz}, a)) = a AND timezone({tz}, timezone({tz}, b)) = b
                   AND timezone({tz}, timezone({tz}, a) + INTERVAL 1 HOUR) <> a
                   AND timezone({tz}, timezone({tz}, a) - INTERVAL 1 HOUR) <> a
                   AND timezone({tz}, timezone({tz}, b) + INTERVAL 1 HOUR) <> b
                   AND timezone({tz}, timezone({tz}, b) - INTERVAL 1 HOUR) <> b
                   AND timezone({tz}, timezone({tz}, a) + INTERVAL 30 MINUTE) <> a
                   AND timezone({tz}, timezone({tz}, a) - INTERVAL 30 MINUTE) <> a
                   AS fine
            FROM (SELECT h, make_timestamp(h * 3600000000) AS a,
                         make_timestamp(h * 3600000000 + 3599999999) AS b
                  FROM range({h0}, {h1 + 1}) r(h)) ORDER BY h""", fetch="arrow")
        h = rows["h"].to_numpy()
        u0, u1 = rows["u0"].to_numpy(), rows["u1"].to_numpy()
        fine = rows["fine"].to_numpy(zero_copy_only=False)
        off0 = h * 3_600_000_000 - u0
        off1 = h * 3_600_000_000 + 3_599_999_999 - u1
        clean = fine & (off0 == off1)
        offsets = np.where(clean, off0 * 1000, 0).astype(np.int64)
        self.params = [offsets.tolist(), clean.tolist()]
        idx = f"CAST({c} // {_HOUR} - ({h0}) + 1 AS BIGINT)"
        self._offsets, self._clean = "$offsets", "$clean"
        self.utc_sql = (f"CASE WHEN {naive} THEN CASE WHEN $clean[{idx}] THEN {c} - "
                        f"$offsets[{idx}] ELSE {self._exact(c)} END ELSE {c} END")
        if not clean.all():
            self._gaps(f"{naive} AND NOT $clean[{idx}]")

    def _gaps(self, where: str) -> None:
        """Rows whose local time does not exist or is ambiguous (checked one by one)."""
        tz, c = lit(self.tz), self.c
        local = f"make_timestamp(CAST({c} // 1000 AS BIGINT))"
        rows = self.session.run(f"""
            SELECT __cx_file, __cx_ord, strftime(local, '%Y-%m-%d %H:%M:%S') FROM (
              SELECT __cx_file, __cx_ord, {local} AS local, timezone({tz}, {local}) AS u
              FROM {self.stage} WHERE {where})
            WHERE timezone({tz}, u) <> local
               OR timezone({tz}, u + INTERVAL 1 HOUR) = local
               OR timezone({tz}, u - INTERVAL 1 HOUR) = local
               OR timezone({tz}, u + INTERVAL 30 MINUTE) = local
               OR timezone({tz}, u - INTERVAL 30 MINUTE) = local""", self.named())
        self.problems += [(f, o, LOCAL, text) for f, o, text in rows]

    def named(self) -> dict:
        """The parameters of ``utc_sql`` for ``execute``."""
        if not self.params:
            return {}
        return {"offsets": self.params[0], "clean": self.params[1]}

    def _range(self) -> None:
        rows = self.session.run(f"""
            SELECT __cx_file, __cx_ord, utc FROM (
              SELECT __cx_file, __cx_ord, {self.utc_sql} AS utc FROM {self.stage}
              WHERE {self.k} IN ({NAIVE}, {AWARE}))
            WHERE utc < {_NS_LOW} OR utc >= {_NS_HIGH}""", self.named())
        self.problems += [(f, o, RANGE, str(pd.Timestamp(int(u), tz="UTC")))
                          for f, o, u in rows]

    def note(self, kept: int | None = None) -> str | None:
        """The report's note on local times (``kept``: how many of the rows kept have one,
        when rows were set aside)."""
        n = self.n_naive if kept is None else kept
        if not n or self.minority == NAIVE:
            return None
        return f"{n} timestamp(s) without a UTC offset read as local time in {self.tz} (tz=)"


# --------------------------------------------------------------------------------------------
# the checks of a load
# --------------------------------------------------------------------------------------------
def time_check(code: int, column: str, *, tz, time_format, minority=None) -> Check:
    """The check of problem ``code`` of a timestamp column (order ``100 + code``)."""
    unit = time_format if time_format in EPOCH_UNITS else None
    return Check(100 + code, column,
                 lambda raw: reason(code, raw, tz=tz, unit=unit, minority=minority),
                 lambda ex: problem(code, ex, tz=tz, time_format=time_format,
                                    minority=minority))


def time_checks(column: str, *, tz, time_format) -> tuple[list[Check], Codes]:
    """The row checks of a timestamp column (the stage's ``{column}__kind``)."""
    return ([time_check(code, column, tz=tz, time_format=time_format)
             for code in (EMPTY, EXCEL, INTEGERS, UNREADABLE, NOT_EPOCH, EPOCH_RANGE)],
            Codes(f"CASE WHEN {column}__kind > {AWARE} THEN 100 + {column}__kind END",
                  f"{column}__raw"))


def check_times(load: Load, column: str = "timestamp") -> Clock:
    """The checks of the timestamp column past its row checks (:func:`time_checks`, run
    with the stage): mixed kinds, daylight-saving gaps and dates outside 1970–2100 (under
    ``"raise"``, once no earlier problem was found); the :class:`Clock`."""
    load.resolve(before=100 + MIXED)
    clock = Clock(load.session, load.stage, tz=load.tz, column=column)
    for code in (MIXED, LOCAL, RANGE):
        rows = [(f, o, raw) for f, o, c, raw in clock.problems if c == code]
        check = time_check(code, column, tz=load.tz, time_format=load.time_format,
                           minority=clock.minority)
        load.add_found(check, rows)
    return clock


# --------------------------------------------------------------------------------------------
# a pandas Series
# --------------------------------------------------------------------------------------------
def parse_timestamps(values: pd.Series, *, tz: str = "UTC", time_format: str | None = None,
                     file: str | None = None, column: str = "timestamp",
                     report=None) -> pd.Series:
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
    check_tz(tz)
    check_time_format(time_format)
    frame = pd.DataFrame({column: pd.Series(values).reset_index(drop=True)})
    with Load(frame, kind="timestamps", tz=tz, time_format=time_format,
              name=file if file is not None else "<Series>") as load:
        load.open()

        def select(i, part):
            return [time_columns("__r0", part.types[column], column, file=part.name,
                                 time_format=time_format,
                                 aware_ns=column in part.aware_ns)], []

        checks, codes = time_checks(column, tz=tz, time_format=time_format)
        load.build(select, checks, [codes])
        clock = check_times(load, column)
        load.resolve()
        ns = load.session.run(f"SELECT {clock.utc_sql} AS ns FROM {load.stage}",
                              clock.named(), fetch="arrow")["ns"]
    if report is not None and clock.note():
        report.notes.append(clock.note())
    out = as_datetimes(ns.to_numpy())
    out.name = values.name if isinstance(values, pd.Series) else None
    return out


def as_datetimes(ns) -> pd.Series:
    """Nanoseconds since 1970 (an Arrow or numpy array) as ``datetime64[ns, UTC]``."""
    return pd.Series(pd.to_datetime(np.asarray(ns, dtype="int64"), unit="ns", utc=True))
