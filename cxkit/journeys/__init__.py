"""Journey analytics on event logs of any size: customer features, sessions, transitions,
paths, funnels and Markov-chain attribution; and the articles' concepts on the event log
(the three circles, the journey stages, behavioural engagement).

The engine functions take the journey events first — a pandas DataFrame, a path or glob of
Parquet or CSV files (or a list of them), or an Ibis table — and return a pandas DataFrame.
The work is written once, as an `Ibis <https://ibis-project.org>`_ expression, and runs where
``engine=`` says:

- ``engine=None`` (default): an in-process DuckDB database. Files are read where they are and
  streamed; DuckDB spills to disk when a query needs more memory than it has, so logs larger
  than memory work on a laptop.
- ``engine=spark`` (a ``pyspark.sql.SparkSession``): the same query runs on Spark.
- ``engine=con`` (any Ibis backend, e.g. ``ibis.duckdb.connect("warehouse.db")``): the query
  runs there. An Ibis table (``con.table("events")``) always runs on its own backend.

Only the results (one row per customer, session, transition, path or step) come back to
pandas. Events need the canonical columns ``customer_id``, ``timestamp`` and ``touchpoint``
(see :func:`cxkit.load_journeys`); ``channel``, ``level`` and ``stage`` are used where present.

**Event order.** A customer's events are ordered by time; events with the same timestamp are
ordered by touchpoint, then channel (alphabetically). The order never depends on the order of
the rows or on the engine, so DuckDB, Spark and pandas give the same answers. Timestamps are
used at microsecond resolution (Spark's); timestamps without a time zone in a file are taken
to be UTC (load local times with ``cxkit.load_journeys(..., tz=...)`` first).

Modules: ``features`` (customer features, sessions), ``sequences`` (transitions, paths,
funnels), ``attribution`` (Markov-chain attribution), ``credit`` (last-touch, first-touch and
Shapley attribution), ``circles`` (circles, stages),
``engagement`` (behavioural engagement, the dialogue); ``_engine`` and ``_common`` hold
what they share.
May import :mod:`cxkit.io`, :mod:`cxkit.catalogue` and the private base modules.
"""

from .attribution import markov_attribution
from .circles import Circles, circles, journey_stages, stages_wide
from .credit import first_touch_attribution, last_touch_attribution, shapley_attribution
from .engagement import BehaviouralEngagement, behavioural_engagement, dialogue
from .features import customer_features, sessions
from .sequences import funnel, paths, transitions

__all__ = [
    # engine analytics: customers and sessions, sequences, attribution
    "customer_features", "sessions",
    "funnel", "paths", "transitions",
    "first_touch_attribution", "last_touch_attribution", "markov_attribution",
    "shapley_attribution",
    # the articles' concepts on the event log
    "BehaviouralEngagement", "Circles", "behavioural_engagement", "circles", "dialogue",
    "journey_stages", "stages_wide",
]
