"""Steps shared by the metrics: one row per group, Wilson shares, and the docstring texts of
the metrics (the texts shared by the whole kit live in :mod:`cxkit._docstrings`)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import _cells, _check

#: The rules for missing answers a score of one answer column takes: ``"pairwise"`` would be
#: ``"listwise"`` under another name, and means put in place of missing answers would change
#: the answers' spread (and make no sense for a category such as a promoter).
MISSING_RULES = ("refuse", "listwise")

#: Texts used by several metrics only, passed to ``shared_docs(extra=DOCS)``.
DOCS = {
    "answer_rules": (
        "A score of one answer column takes ``\"refuse\"`` and ``\"listwise\"`` (missing\n"
        "        answers left out of the estimate and counted in ``n_missing``, per group);\n"
        "        ``\"pairwise\"`` would be ``\"listwise\"`` under another name and means put in\n"
        "        place of missing answers would change their spread, so both are refused. The\n"
        "        result's ``attrs[\"missing_note\"]`` holds the note."
    ),
    "head_columns": (
        "- the ``by`` column(s), if given;\n"
        "        - ``estimate``, ``ci_low``, ``ci_high``: the estimate and its interval;\n"
        "        - ``n``: answers used (non-missing values in the group);\n"
        "        - ``n_missing``: missing values (NaN, None) in the group, left out of the\n"
        "          estimate (``missing=\"listwise\"``);"
    ),
    "share_columns": (
        "- ``count``: answers counted in the share (the numerator of ``estimate``)."
    ),
    "raises": (
        "DataError\n"
        "        The table has no rows; a column is absent; values are not numbers; no value of\n"
        "        the column is present."
    ),
    "wilson": (
        "The interval is Wilson's score interval [1]_, computed by\n"
        "    ``statsmodels.stats.proportion.proportion_confint(count, n, alpha=1 - conf_level,\n"
        "    method=\"wilson\")``: with :math:`\\hat p = x/n` and :math:`z` the\n"
        "    :math:`1 - (1 - \\text{conf\\_level})/2` normal quantile,\n"
        "\n"
        "    .. math::\n"
        "\n"
        "        \\frac{\\hat p + z^2/(2n) \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/(4n^2)}}\n"
        "             {1 + z^2/n}.\n"
        "\n"
        "    Unlike the textbook Wald interval it stays inside [0, 1] and keeps close to its\n"
        "    nominal coverage for small groups and shares near 0 or 1 [2]_. A group with no\n"
        "    answers gets NaN."
    ),
    "wilson_refs": (
        ".. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and\n"
        "       statistical inference. *Journal of the American Statistical Association*,\n"
        "       22(158), 209–212.\n"
        "    .. [2] Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a\n"
        "       binomial proportion. *Statistical Science*, 16(2), 101–133."
    ),
    **_cells.DOCS,
}


def missing_answers(values: pd.Series, column: str, missing: str) -> _check.MissingNote:
    """The rule for missing answers applied to one answer column: refused (a DataError naming
    the rows) or left out (the groups count them in ``n_missing``); the note."""
    _, note = _check.apply_missing(values.to_frame(column), [column], missing,
                                   allowed=MISSING_RULES, what="a score of one answer column")
    return note


def share(data, by, conf_level, values: pd.Series, hit: pd.Series,
          weights: pd.Series | None = None, weight_type: str | None = None, *, min_n=None,
          unit: str = "respondents") -> pd.DataFrame:
    """Wilson share of ``hit`` among the non-missing ``values``, per group (weighted with
    ``weights``, see :mod:`cxkit.metrics._weights`)."""
    from statsmodels.stats.proportion import proportion_confint

    from . import _weights

    parts = pd.DataFrame({"value": values, "hit": hit})

    def summarise(part: pd.DataFrame) -> dict:
        if weights is not None:
            return (_weights.share_row(part, weights, weight_type, len(data), conf_level,
                                       n_missing(part))
                    or _weights.columns(weights, weight_type, empty_row(part, ["count"]),
                                        np.empty(0)))
        present = part["value"].notna()
        n = int(present.sum())
        if n == 0:
            return empty_row(part, ["count"])
        count = int(part.loc[present, "hit"].sum())
        ci_low, ci_high = proportion_confint(count, n, alpha=1 - conf_level, method="wilson")
        return {"estimate": count / n, "ci_low": float(ci_low), "ci_high": float(ci_high),
                "n": n, "n_missing": n_missing(part), "count": count}

    return by_groups(data, by, parts, summarise, min_n=min_n, unit=unit, weights=weights)


def by_groups(data: pd.DataFrame, by: list[str], parts: pd.DataFrame,
              summarise: Callable, *, min_n=None, unit: str = "respondents",
              weights: pd.Series | None = None) -> pd.DataFrame:
    """Apply ``summarise`` to each group of ``parts``; the ``by`` columns come first. Groups
    with fewer than ``min_n`` people among the rows used (distinct ``customer_id`` values if
    ``data`` has that column, else ``n``: one row per respondent or customer) are suppressed
    (:func:`cxkit._cells.suppress`). With ``weights`` (positional, as ``parts``) the rule
    still counts people, not the sum of weights: the rows used are those with a positive
    weight (a row of weight 0 is no one's answer in the estimate)."""
    min_n = _cells.min_n(min_n)
    if not by:
        return _as_frame(summarise(parts))
    keys = [data[c].reset_index(drop=True) for c in by]
    ids = data["customer_id"].reset_index(drop=True) if "customer_id" in data.columns else None
    parts = parts.reset_index(drop=True)  # positions, as the keys
    group_keys, pieces, people = [], [], []
    for key, part in parts.groupby(keys, dropna=False, sort=True, observed=True):
        piece = _as_frame(summarise(part))
        group_keys += [key] * len(piece)
        pieces.append(piece)
        if ids is not None or weights is not None:
            used = part.index[part.notna().all(axis=1)]
            if weights is not None:
                used = used[weights.iloc[used].to_numpy() > 0]
            people += [ids.iloc[used].nunique() if ids is not None else len(used)] * len(piece)
    out = pd.concat(pieces, ignore_index=True)
    clash = [name for name in by if name in out.columns]
    if clash:
        raise ValueError(f"by column(s) {clash} have the name of an output column; rename them")
    for i, name in reversed(list(enumerate(by))):
        column = pd.Series([key[i] for key in group_keys], name=name)
        if isinstance(data[name].dtype, pd.CategoricalDtype):
            column = column.astype(data[name].dtype)
        out.insert(0, name, column)
    counts = out["n"] if ids is None and weights is None else people
    return _cells.suppress(out, counts, keys=by, min_n=min_n, unit=unit)


def _as_frame(result) -> pd.DataFrame:
    return result if isinstance(result, pd.DataFrame) else pd.DataFrame([result])


def n_missing(part: pd.DataFrame) -> int:
    """Missing answers in a group's ``value`` column."""
    return int(part["value"].isna().sum())


def empty_row(part: pd.DataFrame, extra: list[str]) -> dict:
    """The row of a group without answers: NaN estimates, 0 counts."""
    row = {"estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0,
           "n_missing": n_missing(part)}
    return row | {name: (0 if name == "count" else math.nan) for name in extra}
