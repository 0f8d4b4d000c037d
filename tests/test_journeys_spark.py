"""cxkit.journeys on Apache Spark (local mode): the same queries as on DuckDB, the same answers.

Marked ``spark`` (select with ``-m spark``, leave out with ``-m "not spark"``). Spark runs in
local mode on two cores with the jars that ship in the pyspark package: nothing is downloaded.
The session starts once for the module (about ten seconds) and the sample is cut to a few
hundred customers so that the module runs in well under three minutes. Without Java 17 or newer
the whole module is skipped with one line saying how to install it (``make test`` on CI installs
it with apt-get).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from conftest import java_missing
from test_journeys import (
    assert_same,
    log,
    ref_features,
    ref_funnel_times_merged,
    ref_markov,
    ref_paths,
    ref_sessions,
    ref_transitions,
)

import cxkit
from cxkit import journeys

pytestmark = pytest.mark.spark
if (_no_java := java_missing()) is not None:
    pytest.skip(_no_java, allow_module_level=True)

STEPS = ["product_page_view", "cart_add", "purchase"]


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no name lookup of the host
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("cxkit-journeys-tests")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sample_part() -> pd.DataFrame:
    """The bundled sample cut to its first 300 customers (about 30,000 events)."""
    events = cxkit.datasets.load_sample().events
    keep = sorted(events["customer_id"].unique())[:300]
    return events[events["customer_id"].isin(keep)].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# hand-built logs on Spark
# --------------------------------------------------------------------------------------------
def test_sessions_split_at_exactly_the_gap_on_spark(spark):
    events = log([("c1", "2025-03-01 09:00:00", "web_visit"),
                  ("c1", "2025-03-01 09:29:59", "product_page_view"),
                  ("c1", "2025-03-01 09:59:59", "cart_add"),
                  ("c1", "2025-03-01 10:29:58.999999", "purchase"),
                  ("c2", "2025-03-02 12:00:00", "email_open")])
    s = journeys.sessions(events, engine=spark)
    assert s["session"].tolist() == [1, 2, 1]
    assert s["events"].tolist() == [2, 2, 1]
    assert s["duration"].tolist() == [pd.Timedelta("29min 59s"),
                                      pd.Timedelta("29min 59.999999s"), pd.Timedelta(0)]
    assert str(s["start"].dtype) == "datetime64[ns, UTC]"
    pd.testing.assert_frame_equal(s, journeys.sessions(events))
    f = journeys.customer_features(events, engine=spark)
    pd.testing.assert_frame_equal(f, journeys.customer_features(events))


def test_funnel_with_out_of_order_steps_on_spark(spark):
    t0 = pd.Timestamp("2025-05-01 09:00", tz="UTC")
    day = pd.Timedelta("1D")
    rows = [("inorder", t0, "product_page_view"), ("inorder", t0 + day, "cart_add"),
            ("inorder", t0 + 2 * day, "purchase"),
            ("cart_first", t0, "cart_add"), ("cart_first", t0 + day, "product_page_view"),
            ("swapped", t0, "product_page_view"), ("swapped", t0 + day, "purchase"),
            ("swapped", t0 + 2 * day, "cart_add"),
            ("late", t0, "product_page_view"), ("late", t0 + 8 * day, "cart_add")]
    events = log([(c, str(t), tp) for c, t, tp in rows])
    f = journeys.funnel(events, STEPS, within="7D", engine=spark)
    assert f["customers"].tolist() == [4, 2, 1]
    pd.testing.assert_frame_equal(f, journeys.funnel(events, STEPS, within="7D"))


def test_markov_attribution_of_a_hand_computed_chain_on_spark(spark):
    events = log([("x", "2025-01-01 10:00", "web_visit"), ("x", "2025-01-01 11:00", "email_open"),
                  ("x", "2025-01-01 12:00", "purchase"), ("x", "2025-01-02 10:00", "web_visit"),
                  ("y", "2025-01-01 10:00", "email_open"), ("y", "2025-01-01 11:00", "purchase")])
    credit = journeys.markov_attribution(events, engine=spark).set_index("channel")
    assert credit["removal_effect"].to_dict() == pytest.approx({"email": 1.0, "web": 0.5})


# --------------------------------------------------------------------------------------------
# the bundled sample: Spark = pandas reference (= DuckDB, checked in test_journeys.py)
# --------------------------------------------------------------------------------------------
def test_customer_features_on_spark_equal_the_reference_and_duckdb(spark, sample_part):
    got = journeys.customer_features(sample_part, engine=spark)
    assert_same(got, ref_features(sample_part), ["customer_id"])
    pd.testing.assert_frame_equal(got, journeys.customer_features(sample_part))


def test_sessions_on_spark_equal_the_reference(spark, sample_part):
    got = journeys.sessions(sample_part, engine=spark)
    assert_same(got, ref_sessions(sample_part), ["customer_id", "session"])


def test_transitions_on_spark_equal_the_reference(spark, sample_part):
    assert_same(journeys.transitions(sample_part, engine=spark), ref_transitions(sample_part),
                ["touchpoint", "next_touchpoint"])
    assert_same(journeys.transitions(sample_part, on="channel", by="level", engine=spark,
                                     min_n=0).drop(columns="suppressed"),
                ref_transitions(sample_part, on="channel", by="level"),
                ["level", "channel", "next_channel"])


def test_paths_on_spark_equal_the_reference(spark, sample_part):
    pd.testing.assert_frame_equal(journeys.paths(sample_part, max_len=4, engine=spark),
                                  ref_paths(sample_part, max_len=4), check_dtype=False)


def test_funnel_on_spark_equals_the_reference(spark, sample_part):
    got = journeys.funnel(sample_part, STEPS, within="30D", engine=spark)
    ref = ref_funnel_times_merged(sample_part, STEPS, pd.Timedelta("30D"))
    assert got["customers"].tolist() == [int(ref[f"t{k}"].notna().sum()) for k in range(3)]
    pd.testing.assert_frame_equal(got, journeys.funnel(sample_part, STEPS, within="30D"))


def test_markov_attribution_on_spark_equals_the_reference(spark, sample_part):
    got = journeys.markov_attribution(sample_part, engine=spark)
    assert_same(got[["channel", "removal_effect", "conversions"]], ref_markov(sample_part),
                ["channel"])


def test_parquet_files_and_ibis_tables_on_spark(spark, sample_part, tmp_path):
    import ibis

    sample_part.to_parquet(tmp_path / "nanos.parquet")
    with pytest.raises(cxkit.DataError, match="nanoseconds"):
        journeys.transitions(str(tmp_path / "nanos.parquet"), engine=spark)
    sample_part.to_parquet(tmp_path / "events.parquet", coerce_timestamps="us")
    expected = journeys.transitions(sample_part)
    got = journeys.transitions(str(tmp_path / "events.parquet"), engine=spark)
    pd.testing.assert_frame_equal(got, expected)
    table = ibis.pyspark.connect(spark).read_parquet(str(tmp_path / "events.parquet"))
    pd.testing.assert_frame_equal(journeys.transitions(table), expected)
    folder = tmp_path / "folder"
    folder.mkdir()
    half = sample_part["customer_id"] < sample_part["customer_id"].iloc[len(sample_part) // 2]
    for i, part in enumerate((sample_part[half], sample_part[~half])):
        part.to_parquet(folder / f"part-{i}.parquet", coerce_timestamps="us")
    pd.testing.assert_frame_equal(journeys.transitions(folder, engine=spark), expected)
