"""From the engine back to pandas, and the parameter texts both loaders share."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Parameter texts of both loaders (``{doc:on_error}``, ``{doc:dialect}``).
LOADER_DOCS = {
    "on_error": (
        'on_error : {"raise", "set_aside"}\n'
        "        ``\"raise\"`` (default): the first problem raises :class:`cxkit.DataError`\n"
        "        naming the file, the column and every row with that problem.\n"
        "        ``\"set_aside\"``: rows with an empty or placeholder id, an unreadable time,\n"
        "        a wrong number of fields, a value that is not a finite number (or out of\n"
        "        range), an Excel error cell or a formula in an id are kept out and listed in\n"
        "        the report's ``set_aside`` (file, row, line, reason); the load goes on.\n"
        "        Problems of the whole file or of a column's type always raise."
    ),
    "dialect": (
        "sep, decimal, thousands, quotechar : str\n"
        "        How a CSV file is written: the field separator (``\";\"`` and\n"
        "        ``decimal=\",\"`` for most European spreadsheets' CSV, ``\"\\\\t\"`` for\n"
        "        tab-separated), the decimal mark, the thousands mark (``\".\"`` for\n"
        "        ``1.234,56``; default none) and the quote character. Nothing is sniffed: a\n"
        "        file whose header splits on another separator is refused with the\n"
        "        parameter to pass. Excel and Parquet cells are typed and ignore them.\n"
        "    encoding : str\n"
        "        Text encoding of a CSV file (``\"latin-1\"``, ``\"cp1252\"`` ...)."
    ),
}


def arrow_to_pandas(table, *, nanoseconds=()) -> pd.DataFrame:
    """A DuckDB result as pandas: text as ``str``, true/false with missing values as
    ``boolean``, and the ``nanoseconds`` columns (int64 since 1970) as datetime64[ns, UTC]."""
    import pyarrow as pa

    for name in nanoseconds:
        if name in table.column_names:
            i = table.column_names.index(name)
            kind = pa.timestamp("ns", tz="UTC")
            column = pa.chunked_array([c.view(kind) for c in table.column(i).chunks], kind)
            table = table.set_column(i, name, column)
    mapper = {pa.bool_(): pd.BooleanDtype()}.get
    frame = table.to_pandas(types_mapper=mapper, self_destruct=True, split_blocks=True)
    for name in nanoseconds:
        if name in frame.columns and frame[name].dtype != "datetime64[ns, UTC]":
            frame[name] = frame[name].astype("datetime64[ns, UTC]")
    return frame


def frame_extras(frame: pd.DataFrame, source: pd.DataFrame, positions: list[int],
                 names: list[str]) -> pd.DataFrame:
    """Replace the extra columns of ``frame`` by the source DataFrame's own (their dtypes
    exactly as given), at the rows kept (``__cx_ord`` is the 1-based source row)."""
    rows = frame["__cx_ord"].to_numpy(dtype=np.int64) - 1
    for name, j in zip(names, positions, strict=True):
        frame[name] = source.iloc[rows, j].reset_index(drop=True)
    return frame
