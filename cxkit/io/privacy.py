"""Pseudonymised ids: :func:`pseudonymise` for a table in hand, and the loaders'
``pseudonymise=`` (done in the engine, so that neither the returned table nor a Parquet file
written with ``to=`` ever holds a raw id).

A pseudonym is ``"px_"`` followed by the first 16 hexadecimal characters of
HMAC-SHA-256(key, id), both encoded as UTF-8, the id as it was read (text; whole numbers in
decimal digits). The format is fixed, so the same key gives the same pseudonyms in every file,
load and version of the kit: events and survey answers pseudonymised with one key still join.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _check, _privacy
from .._check import DataError

#: The environment variable a key is read from when none is passed.
KEY_VARIABLE = "CXKIT_KEY"

#: The loaders' ``pseudonymise=`` (``{doc:pseudonymise}``).
PRIVACY_DOCS = {
    "pseudonymise": (
        "pseudonymise : str, bytes or True, optional\n"
        "        Replace each customer id at load time by its keyed pseudonym, ``\"px_\"`` +\n"
        "        the first 16 hex characters of HMAC-SHA-256(key, id as read), as\n"
        "        :func:`cxkit.pseudonymise` does: the returned table (or the Parquet file of\n"
        "        ``to=``) never holds a raw id, and errors and the report never quote one.\n"
        "        Pass the key (text or bytes), or ``True`` (or ``\"env\"``) to read it from\n"
        "        the environment variable ``CXKIT_KEY`` (a :class:`DataError` when it is not\n"
        "        set). The key is never stored. Pseudonymisation is not anonymisation: the\n"
        "        data stay personal data under the GDPR (Recital 26)."
    ),
}


def key_bytes(key, *, argument: str = "key") -> tuple[bytes, str]:
    """The key as bytes and where it came from (``"CXKIT_KEY"`` or the argument's name).

    ``key`` is the key itself (text, encoded as UTF-8, or bytes), or ``None``, ``True`` or
    ``"env"``: read it from the environment variable ``CXKIT_KEY``.
    """
    if key is None or key is True or (isinstance(key, str) and key == "env"):
        value = os.environ.get(KEY_VARIABLE, "")
        if not value:
            raise DataError(f"no key to pseudonymise with: {argument}= names no key and the "
                            f"environment variable {KEY_VARIABLE} is not set",
                            expected=f"a secret key in {KEY_VARIABLE} (e.g. export "
                            f"{KEY_VARIABLE}=$(python -c 'import secrets; "
                            "print(secrets.token_hex(32))')) or passed as "
                            f"{argument}=")
        return value.encode("utf-8"), KEY_VARIABLE
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"{argument} must be a key (text or bytes), True or 'env' (read "
                        f"{KEY_VARIABLE}), not {type(key).__name__}")
    if not key:
        raise ValueError(f"{argument} must not be empty")
    return bytes(key), f"{argument}="


def pseudonymise(data: pd.DataFrame, *, columns: Sequence[str] | str = ("customer_id",),
                 key: str | bytes | None = None) -> pd.DataFrame:
    """Replace ids by keyed pseudonyms: ``"px_"`` + the first 16 hex characters of
    HMAC-SHA-256(key, id).

    This is **pseudonymisation, not anonymisation**: whoever holds the key can recompute the
    pseudonym of a known id, so pseudonymised data are still personal data under the GDPR
    (Recital 26). Keep the key apart from the data; the kit never stores it in a table, its
    attributes, a load report or a message.

    Parameters
    ----------
    data : DataFrame
        The table (e.g. events or survey answers).
    columns : str or list of str
        The id columns to replace (default ``"customer_id"``).
    key : str or bytes, optional
        The secret key (text is encoded as UTF-8). ``None`` (default), ``True`` or ``"env"``
        read it from the environment variable ``CXKIT_KEY``; without either a
        :class:`DataError` is raised. Use a long random key, e.g.
        ``python -c "import secrets; print(secrets.token_hex(32))"``, and the same key for
        every table that must join.

    Returns
    -------
    DataFrame
        A copy of ``data`` with each id replaced by its pseudonym (text; a missing id stays
        missing). The pseudonym of an id is the same in every table and every run with the
        same key: events and survey still join on it.

    Raises
    ------
    DataError
        No key; ids stored as floating-point numbers or true/false values; values that are
        already pseudonyms (pseudonymising twice would break the joins).

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> events = pd.DataFrame({"customer_id": ["c1", "c2", "c1"], "n": [1, 2, 3]})
    >>> cxkit.pseudonymise(events, key="a secret key kept apart from the data")
               customer_id  n
    0  px_0e1e51c3ae015ffc  1
    1  px_718220d18fb03c2a  2
    2  px_0e1e51c3ae015ffc  3
    """
    names = [columns] if isinstance(columns, str) else list(columns)
    _check.table(data, _check.as_list(names, "columns"))
    secret, _ = key_bytes(key)
    out = data.copy()
    for column in names:
        out[column] = _pseudonymised(data[column], column, secret)
    return out


def _pseudonymised(values: pd.Series, column: str, key: bytes) -> pd.Series:
    kind = values.dtype
    if pd.api.types.is_bool_dtype(kind) or pd.api.types.is_float_dtype(kind):
        what = "true/false values" if pd.api.types.is_bool_dtype(kind) else \
            "floating-point numbers"
        raise DataError(f"ids stored as {what} ({kind})", column=column,
                        expected="ids as text or whole numbers (load the table with "
                        "cxkit.load_journeys or cxkit.load_survey, which read ids as text)")
    codes, uniques = pd.factorize(values)  # each distinct id is looked at once
    uniques = list(uniques)
    bad = [i for i, u in enumerate(uniques)
           if isinstance(u, (bool, np.bool_)) or not isinstance(u, (str, int, np.integer))]
    _check.refuse_rows(np.isin(codes, bad), "ids that are neither text nor whole numbers",
                       column, "ids as text or whole numbers")
    uniques = [u if isinstance(u, str) else str(int(u)) for u in uniques]
    already = [i for i, u in enumerate(uniques) if _privacy.PSEUDONYM.fullmatch(u)]
    _check.refuse_rows(np.isin(codes, already),
                       "ids that are already pseudonyms (px_ and 16 hex characters)", column,
                       "raw ids (pseudonymise each table once, with one key)")
    done = np.array(_privacy.pseudonyms(key, uniques) + [None], dtype=object)
    result = done[np.where(codes < 0, len(uniques), codes)]
    return pd.Series(result, index=values.index, name=values.name).astype("str")


def pseudonymise_stage(load, column: str, key: tuple[bytes, str]) -> None:
    """Replace ``column`` of a loader's checked stage by its pseudonyms, in DuckDB (the
    in-memory stage: a new Arrow column; a table stage: updated in place, so that a Parquet
    file written from it holds pseudonyms only), and say so in the report."""
    import pyarrow as pa
    import pyarrow.compute as pc

    secret, source = key
    params = _privacy.hmac_pads(secret)
    session = load.session
    sql = _privacy.pseudonym_sql("id")
    # each distinct id is hashed once (customers are far fewer than events)
    if load.table is not None:
        values = load.table.column(column)
        distinct = pc.unique(values)
        name = session.name("ids")
        session.register(name, pa.table({"id": distinct}))
        hashed = session.run(f"SELECT {sql} AS p FROM {name}", params, fetch="arrow")["p"]
        load.replace_column(column, pc.take(hashed, pc.index_in(values, value_set=distinct)))
    else:
        table, name = load.table_name, session.name("ids")
        session.run(f"CREATE TEMP TABLE {name} AS SELECT id, {sql} AS p FROM (SELECT DISTINCT "
                    f"{column} AS id FROM {table})", params, fetch=None)
        session.run(f"UPDATE {table} SET {column} = {name}.p FROM {name} WHERE "
                    f"{table}.{column} IS NOT DISTINCT FROM {name}.id", fetch=None)
    where = "the environment variable " + KEY_VARIABLE if source == KEY_VARIABLE else source
    load.report.notes.append(
        f"{load.names.get(column, column)} pseudonymised at load: px_ + HMAC-SHA-256 with the "
        f"key from {where} (not stored); the table holds no raw id")


def report_personal_data(report, frame: pd.DataFrame, *, ids=(), skip=(), names=None) -> None:
    """Add a warning to ``report`` for each column of ``frame`` that holds personal data (by
    its name or its content, on up to :data:`cxkit._privacy.SAMPLE_ROWS` evenly spaced rows),
    naming the column, the kind and the share of rows (never a value), and the table of them
    as ``report.details["personal_data"]``."""
    found = _privacy.detect(frame, ids=ids, skip=skip, names=names,
                            label=lambda c: _check.column_label(c, names))
    if found:
        report.warnings += [f.warning() for f in found]
        report.details["personal_data"] = _privacy.findings_table(found)


__all__ = ["KEY_VARIABLE", "pseudonymise"]
