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
from .circles import Circles, circles, journey_stages, stages_wide
from .engagement import BehaviouralEngagement, behavioural_engagement

__all__ = [
    # engine analytics
    "customer_features", "funnel", "markov_attribution", "paths", "sessions", "transitions",
    # the articles' concepts on the event log
    "BehaviouralEngagement", "Circles", "behavioural_engagement", "circles", "journey_stages",
    "stages_wide",
]
