"""Files → validated tables: the journey and survey loaders, time parsing, the load report.

May import :mod:`cxkit.catalogue` (the loader classifies touchpoints) and the private base
modules; nothing above.
"""

from .loaders import load_journeys, load_survey, parse_timestamps

__all__ = ["load_journeys", "load_survey", "parse_timestamps"]
