"""Write the binary files of the export corpus (tests/exports/) into this folder.

The plain-text exports next to this script (``*.csv``) are written by hand and committed as
they are. The files below are bytes an editor would not keep — gzip, Excel workbooks (zip
archives of XML), Parquet — so they are generated here, deterministically: running the script
again writes the same bytes (gzip with mtime 0, zip entries with a fixed date, workbook
properties with a fixed date, Parquet without the writer's pandas metadata). The generated
files are committed too; the tests read them and never run this script.

    python tests/exports/make_exports.py
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["customer_id", "timestamp", "touchpoint", "channel", "value"]
GOOD_ROWS = [
    ["c1", "2024-03-01 09:00", "web_visit", "web", None],
    ["c1", "2024-03-01 09:20", "purchase", "web", 59.9],
    ["c2", "2024-03-02 10:00", "store_visit", "store", None],
    ["c3", "2024-03-03 11:30", "support_call", "phone", None],
]
CSV_TEXT = (b"customer_id,timestamp,touchpoint,channel,value\n"
            b"c1,2024-03-01 09:00,web_visit,web,\n"
            b"c1,2024-03-01 09:20,purchase,web,59.9\n"
            b"c2,2024-03-02 10:00,store_visit,store,\n"
            b"c3,2024-03-03 11:30,support_call,phone,\n"
            b"c4,2024-03-04 12:00,purchase,store,12.5\n"
            b"c5,2024-03-05 13:00,email_click,email,\n")
FIXED = (2024, 1, 1, 0, 0, 0)  # the date written into every zip entry
_W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # mtime=0: the same bytes on every run


def _rezip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The same archive with fixed dates (and some members replaced): reproducible bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = (replace or {}).get(name, src.read(name))
            if name == "docProps/core.xml":
                body = _W3CDTF.sub(rb"\g<1>2024-01-01T00:00:00Z\g<3>", body)
            dst.writestr(zipfile.ZipInfo(name, date_time=FIXED), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _workbook(rows: list[list]) -> bytes:
    """An .xlsx with one sheet holding ``rows``. openpyxl stores a text equal to an Excel error
    code (``#DIV/0!``, ``#REF!``) as an error cell and a text starting with ``=`` as a formula,
    as Excel itself would."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = dt.datetime(2024, 1, 1)
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return _rezip(stream.getvalue())


def _parquet(path: Path, columns: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path, compression="snappy")


def main() -> None:
    import pyarrow as pa

    # --- corrupt .csv.gz: not gzip at all, cut in the middle, a damaged byte (CRC mismatch)
    (HERE / "journeys_not_gzip.csv.gz").write_bytes(CSV_TEXT)
    packed = _gzip(CSV_TEXT)
    (HERE / "journeys_truncated.csv.gz").write_bytes(packed[: len(packed) // 2])
    damaged = bytearray(packed)
    damaged[-8] ^= 0xFF  # the stored CRC-32 no longer matches the data
    (HERE / "journeys_bad_crc.csv.gz").write_bytes(bytes(damaged))

    # --- Excel: error cells in a value column and in an id column; a formula as an id
    (HERE / "journeys_excel_error_value.xlsx").write_bytes(_workbook([
        HEADER, GOOD_ROWS[0], GOOD_ROWS[1][:4] + ["#DIV/0!"], GOOD_ROWS[2],
        GOOD_ROWS[3][:4] + ["#VALUE!"]]))
    (HERE / "journeys_excel_error_id.xlsx").write_bytes(_workbook([
        HEADER, GOOD_ROWS[0], ["#REF!"] + GOOD_ROWS[1][1:], GOOD_ROWS[2], GOOD_ROWS[3]]))
    (HERE / "journeys_formula_id.xlsx").write_bytes(_workbook([
        HEADER, GOOD_ROWS[0], GOOD_ROWS[1], ['=HYPERLINK("x","y")'] + GOOD_ROWS[2][1:],
        GOOD_ROWS[3]]))
    (HERE / "survey_excel_error_answer.xlsx").write_bytes(_workbook([
        ["customer_id", "ease_1", "nps"], ["r1", 6, 9], ["r2", "#DIV/0!", 7], ["r3", 5, 10]]))

    # --- Excel: a damaged workbook: the sheet's XML cut in the middle; the zip cut short
    good = _workbook([HEADER] + GOOD_ROWS)
    with zipfile.ZipFile(io.BytesIO(good)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    (HERE / "journeys_broken_sheet_xml.xlsx").write_bytes(
        _rezip(good, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]}))
    (HERE / "journeys_truncated_zip.xlsx").write_bytes(good[: len(good) * 2 // 3])

    # --- Parquet: float ids 1e20 and 2e20 (int64 would wrap both to -2**63: one customer)
    times = ["2024-03-01 09:00", "2024-03-01 10:00"]
    _parquet(HERE / "journeys_float_ids_1e20.parquet", {
        "customer_id": pa.array([1e20, 2e20], pa.float64()),
        "timestamp": times, "touchpoint": ["web_visit", "purchase"]})
    # an integer a float cannot hold (2**53 + 1) in an int64 value column
    _parquet(HERE / "journeys_value_above_2_53.parquet", {
        "customer_id": ["c1", "c2"], "timestamp": times, "touchpoint": ["purchase"] * 2,
        "value": pa.array([5, 2**53 + 1], pa.int64())})
    # nested columns: a struct as the id; a struct as an extra column
    _parquet(HERE / "journeys_nested_id.parquet", {
        "customer_id": pa.array([{"crm": "c1", "shop": 7}, {"crm": "c2", "shop": 8}]),
        "timestamp": times, "touchpoint": ["web_visit", "purchase"]})
    _parquet(HERE / "journeys_nested_extra.parquet", {
        "customer_id": ["c1", "c2"], "timestamp": times, "touchpoint": ["web_visit", "purchase"],
        "meta": pa.array([{"device": "ios", "build": 3}, {"device": "web", "build": 4}])})


if __name__ == "__main__":
    main()
