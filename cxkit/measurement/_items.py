"""Item answers as the measurement functions use them: checked numbers, missing answers
(``NaN`` and declared ``missing_codes``) counted, and values that look like undeclared
"no answer" codes refused.

The missing-code rule is the measurement functions' own data rule (an item on a rating scale
with ``-99`` among its answers); the generic checks it relies on are :mod:`cxkit._check`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .. import _check
from .._check import DataError

#: Values at or beyond these bounds look like "no answer" codes (-9, -99, 99, 999 ...).
_CODE_BELOW, _CODE_FROM = 0.0, 90.0


# --------------------------------------------------------------------------------------------
# item answers
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Items:
    """Item answers as float64 (positional index; declared codes already NaN)."""

    values: pd.DataFrame
    blank: dict[str, int]
    coded: dict[str, int]
    note: str = ""

    def missing_table(self) -> pd.DataFrame:
        n = len(self.values)
        cols = list(self.values.columns)
        missing = [self.blank[c] + self.coded[c] for c in cols]
        return pd.DataFrame({"column": cols, "blank": [self.blank[c] for c in cols],
                             "missing_code": [self.coded[c] for c in cols],
                             "share": [m / n for m in missing],
                             "replaced_with": [float(self.values[c].mean())
                                               if m and getattr(self.note, "rule", "") == "mean"
                                               else math.nan
                                               for c, m in zip(cols, missing, strict=True)]})


def _items(data, columns: list[str], missing_codes, *, hint: str, missing: str | None = None,
           allowed=_check.MISSING_RULES, what: str = "this method",
           fill_means: bool = True) -> _Items:
    """The items checked, declared codes made missing, and the rule for missing answers
    (``missing``; none when ``None``) applied, its note kept. ``fill_means=False`` leaves the
    cells ``"mean"`` would fill missing, for seminr, which replaces them itself."""
    if missing is not None:
        _check.missing_rule(missing, allowed, what=what)
    _check.table(data, columns)
    values = pd.DataFrame({c: _check.numbers(data, c, finite=True, hint=_NUMBERS_HINT)
                           for c in columns})
    blank = {c: int(values[c].isna().sum()) for c in columns}
    coded = dict.fromkeys(columns, 0)
    if missing_codes is None:
        _refuse_suspected_codes(values, hint)
    else:
        codes = _codes(missing_codes)
        for c in columns:
            hit = values[c].isin(codes)
            coded[c] = int(hit.sum())
            values[c] = values[c].mask(hit)
    note = ""
    if missing is not None:
        ruled, note = _check.apply_missing(values, columns, missing, allowed=allowed, what=what)
        if missing != "mean" or fill_means:
            values = ruled.reset_index(drop=True)
    for c in columns:
        # an item that does not vary cannot be standardized
        _check.varies(_check.some(values[c], c), c)
    return _Items(values, blank, coded, note)


_NUMBERS_HINT = "numeric answers (load text files with cxkit.load_survey)"


# --------------------------------------------------------------------------------------------
# missing codes
# --------------------------------------------------------------------------------------------
def _codes(missing_codes) -> list[float]:
    if isinstance(missing_codes, (str, bytes)) or not isinstance(missing_codes, Sequence) \
            or not all(_check.is_number(v) for v in missing_codes):
        raise TypeError(f"missing_codes must be a sequence of numbers such as (-99,), not "
                        f"{missing_codes!r}")
    return [float(v) for v in missing_codes]


def _suspected_codes(values: pd.Series) -> pd.Series:
    """Values that look like undeclared "no answer" codes (see ``missing_codes``).

    Candidates are whole numbers below 0 or from 90 up (-1, -9, -99, 99, 999 ...); the other
    values are answers, spanning ``lo``..``hi`` (width ``w``). A negative candidate is a code
    when it lies more than ``w`` below ``lo``, or when the answers are whole numbers starting
    above 0 (a 1–7 scale has no negative points); a candidate from 90 up is a code when it
    lies more than ``w`` above ``hi``. So a centred -3..3 scale keeps its negative points,
    90–100 on a 0–100 scale are answers, and standardized scores keep their negative values,
    while -99 or 99 on a 1–7 scale are refused.
    """
    whole = values.notna() & (values % 1 == 0)
    candidate = whole & ((values < _CODE_BELOW) | (values >= _CODE_FROM))
    answers = values[values.notna() & ~candidate]
    if answers.empty:
        return pd.Series(False, index=values.index)
    lo, hi = float(answers.min()), float(answers.max())
    width = max(hi - lo, 1.0)
    rating_scale = lo > 0 and bool((answers % 1 == 0).all())
    low = candidate & (values < _CODE_BELOW) & (rating_scale | (values < lo - width))
    high = candidate & (values >= _CODE_FROM) & (values > hi + width)
    return low | high


def _refuse_suspected_codes(values: pd.DataFrame, hint: str) -> None:
    problems, rows = [], set()
    for c in values.columns:
        mask = _suspected_codes(values[c])
        if mask.any():
            body = values.loc[~mask, c].dropna()
            problems.append((c, f"{c}: {_check.shown(values.loc[mask, c])} (other answers "
                                f"{_check.plain(body.min())}–{_check.plain(body.max())})"))
            rows.update(_check.rows(mask))
    if problems:
        raise DataError("value(s) that look like codes for 'no answer', far outside the other "
                        "answers: " + "; ".join(text for _, text in problems),
                        column=[c for c, _ in problems], rows=sorted(rows), expected=hint)


_PLS_HINT = ("answers on the items' scale: declare 'no answer' codes with missing_codes=(-99,) "
             "(they become missing and are handled as missing= says), or missing_codes=() if "
             "these values are genuine answers")

