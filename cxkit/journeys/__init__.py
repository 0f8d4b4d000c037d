"""Event-log analytics on an engine (DuckDB by default, Spark, any Ibis backend).

Customer features, sessions, transitions, paths, funnels and Markov attribution, written once
in Ibis. May import :mod:`cxkit.io`, :mod:`cxkit.catalogue` and the private base modules.
"""

from .analytics import (
    customer_features,
    funnel,
    markov_attribution,
    paths,
    sessions,
    transitions,
)

__all__ = ["customer_features", "funnel", "markov_attribution", "paths", "sessions",
           "transitions"]
