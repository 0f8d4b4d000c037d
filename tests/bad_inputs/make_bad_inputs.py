"""Write the binary bad inputs of the loaders' test corpus into this folder.

The plain-text CSVs next to this script are written by hand; the files below are bytes that an
editor would not keep (latin-1 text, gzip, Excel, Parquet, an empty file), so they are generated.
The generated files are committed too: the tests read them and never run this script.

    python tests/bad_inputs/make_bad_inputs.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["customer_id", "timestamp", "touchpoint"]
# Data row 2 holds "café" written in latin-1: the byte 0xe9 is not valid UTF-8.
LATIN1_CSV = ("customer_id,timestamp,touchpoint,note\n"
              "c1,2024-03-01 09:00,store_visit,bar\n"
              "c2,2024-03-01 10:00,store_visit,café\n"
              "c3,2024-03-02 11:00,purchase,\n").encode("latin-1")
PLAIN_CSV = b"customer_id,timestamp,touchpoint\nc1,2024-03-01 09:00,web_visit\n"


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # mtime=0: the same bytes on every run


def _excel(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def main() -> None:
    import pandas as pd

    (HERE / "journeys_empty.csv").write_bytes(b"")
    (HERE / "journeys_empty.csv.gz").write_bytes(_gzip(b""))
    (HERE / "journeys_latin1.csv").write_bytes(LATIN1_CSV)
    (HERE / "journeys_latin1.csv.gz").write_bytes(_gzip(LATIN1_CSV))
    # Right suffix, wrong contents: a CSV saved under another format's name.
    (HERE / "journeys_not_gzip.csv.gz").write_bytes(PLAIN_CSV)
    (HERE / "journeys_not_parquet.parquet").write_bytes(PLAIN_CSV)
    (HERE / "journeys_not_xlsx.xlsx").write_bytes(PLAIN_CSV)

    # An exported sheet: a title on line 1, a blank line 2, the header on line 3.
    _excel(HERE / "journeys_title_row.xlsx", [
        ["Customer journeys, March 2024"], [], HEADER,
        ["c1", "2024-03-01 09:00", "web_visit"],
        ["c2", "2024-03-01 10:00", "purchase"],
    ])
    # -99 ("no answer") in csr_2 at data row 2, not declared with missing_codes=.
    _excel(HERE / "survey_undeclared_missing_code.xlsx", [
        ["customer_id", "csr_1", "csr_2", "nps"],
        ["007", 6, 7, 9], ["008", 5, -99, 7], ["009", 4, 6, 10],
    ])

    pd.DataFrame({"customer_id": ["c1", None, "c3"],
                  "timestamp": ["2024-03-01 09:00", "2024-03-01 10:00", "2024-03-02 11:00"],
                  "touchpoint": ["web_visit", "purchase", "email_open"]},
                 ).to_parquet(HERE / "journeys_nan_customer_id.parquet", index=False)
    # Milliseconds since 1970 as int64, as analytics exports store them.
    pd.DataFrame({"customer_id": ["c1", "c2"],
                  "timestamp": pd.array([1709280000000, 1709283600000], dtype="int64"),
                  "touchpoint": ["web_visit", "purchase"]},
                 ).to_parquet(HERE / "journeys_epoch_ms.parquet", index=False)
    pd.DataFrame({c: pd.Series([], dtype="object") for c in HEADER}).to_parquet(
        HERE / "journeys_header_only.parquet", index=False)


if __name__ == "__main__":
    main()
