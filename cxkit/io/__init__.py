"""Files → validated tables: the journey and survey loaders, time parsing, the load report.

The loaders read at engine speed: a private DuckDB database reads the files (CSV as text,
Parquet typed, Excel through openpyxl, DataFrames through Arrow), converts and checks every
column in SQL, looks touchpoints up in the catalogue and hands the table back to pandas or
streams it to Parquet (``to=``).

May import :mod:`cxkit.catalogue` (the loader classifies touchpoints) and the private base
modules; nothing above.
"""

from .journeys import load_journeys
from .privacy import pseudonymise
from .survey import load_survey
from .times import parse_timestamps

__all__ = ["load_journeys", "load_survey", "parse_timestamps", "pseudonymise"]
