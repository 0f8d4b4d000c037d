"""simulate_study(..., to=...): events streamed to Parquet in chunks (#17, item 6)."""

import pandas as pd
import pyarrow.parquet as pq
import pytest

import cxkit

N, CHUNK = 1_500, 500  # three chunks


@pytest.fixture(scope="module")
def streamed(tmp_path_factory):
    path = tmp_path_factory.mktemp("simto") / "events.parquet"
    return cxkit.simulate_study(N, seed=5, to=path, chunk_size=CHUNK)


def test_writes_one_file_of_all_chunks(streamed):
    chunks = streamed.truth["chunks"]
    assert chunks["customers"] == [CHUNK] * 3
    assert pq.ParquetFile(streamed.events).metadata.num_rows == sum(chunks["events"])
    assert all(k > 0 for k in chunks["events"])
    events = cxkit.load_journeys(streamed.events)
    assert len(events) == sum(chunks["events"])


def test_customer_ids_run_on_across_chunks(streamed):
    customers = streamed.customers
    assert len(customers) == N and customers["customer_id"].is_unique
    beside = pd.read_parquet(streamed.truth["chunks"]["customers_path"])
    pd.testing.assert_series_equal(beside["customer_id"], customers["customer_id"])
    ids = pq.read_table(streamed.events, columns=["customer_id"]).column(0).to_pandas()
    assert set(ids) <= set(customers["customer_id"])
    # every chunk contributes customers to the events
    numbers = ids.str[1:].astype(int) - 1
    assert set(numbers // CHUNK) == {0, 1, 2}
    assert set(streamed.survey["customer_id"]) <= set(customers["customer_id"])


def test_attribution_counts_are_summed(streamed):
    attribution = streamed.truth["attribution"]
    events = pq.read_table(streamed.events, columns=["touchpoint", "latent_cause"]).to_pandas()
    purchases = events.loc[events["touchpoint"] == "purchase", "latent_cause"]
    # every purchase in the file carries its cause; the sums over chunks count them all
    assert purchases.value_counts().to_dict() == {
        k: v for k, v in attribution["by_cause"].items() if v}
    assert attribution["conversions"] == sum(attribution["by_cause"].values())
    assert attribution["ad_holdout"]["customers"] == int(streamed.customers["ad_holdout"].sum())


def test_deterministic_by_seed(streamed, tmp_path):
    again = cxkit.simulate_study(N, seed=5, to=tmp_path / "again.parquet", chunk_size=CHUNK)
    assert pq.read_table(again.events).equals(pq.read_table(streamed.events))
    pd.testing.assert_frame_equal(again.survey, streamed.survey)
    other = cxkit.simulate_study(N, seed=6, to=tmp_path / "other.parquet", chunk_size=CHUNK)
    assert not pq.read_table(other.events).equals(pq.read_table(streamed.events))


def test_bad_target(tmp_path):
    with pytest.raises(ValueError, match="parquet"):
        cxkit.simulate_study(10, to=tmp_path / "events.csv")
    with pytest.raises(ValueError, match="chunk_size"):
        cxkit.simulate_study(10, to=tmp_path / "events.parquet", chunk_size=0)
