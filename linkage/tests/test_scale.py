"""What makes a run of a million records fit in memory gives the same answers as a small run,
and a model scores an index of another size with its prior set for it."""

import math

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkage import evaluation, model, scoring, synthetic
from linkage.cleaning import RecordProblem

THRESHOLDS = scoring.Thresholds.default()
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def raw_world():
    """A small world's rows as the files give them (all text), with twins and name changes."""
    index, feed, _ = synthetic.make(400, 300, 5)
    text = [{key: str(value) for key, value in row.items()} for row in index]
    return text, [{key: str(value) for key, value in row.items()} for row in feed]


def _as_file(rows):
    return pa.Table.from_pylist(rows)


@PROPERTY
@given(data=st.data(), batch_size=st.integers(1, 120))
def test_cleaning_a_file_a_batch_at_a_time_gives_the_rows_cleaned_whole(raw_world, data, batch_size):
    index, feed = raw_world
    start = data.draw(st.integers(0, len(index) - 1))
    rows = index[start : start + data.draw(st.integers(1, 250))]
    # Twins (the household peers) may fall in different batches: they are counted over the file.
    whole = model.arrow_table(evaluation.clean_index(rows))
    assert evaluation.clean_index_table(_as_file(rows), batch_size=batch_size).equals(whole)
    records = feed[: data.draw(st.integers(1, len(feed)))]
    whole = model.arrow_table(evaluation.clean_feed(records))
    assert evaluation.clean_feed_table(_as_file(records), batch_size=batch_size).equals(whole)


def test_the_household_peers_are_counted_across_batches(raw_world):
    index, _ = raw_world
    table = evaluation.clean_index_table(_as_file(index), batch_size=7)
    assert max(table["household_dob_peers"].to_pylist()) >= 1  # the world has twins
    cleaned_whole = evaluation.clean_index(index)
    assert table["household_dob_peers"].to_pylist() == [row["household_dob_peers"] for row in cleaned_whole]


def test_every_bad_record_of_a_file_is_counted_whatever_batch_it_is_in(raw_world):
    _, feed = raw_world
    rows = [dict(row) for row in feed[:40]]
    for n in (3, 17, 33):
        rows[n]["given_names"] = rows[n]["family_name"] = ""
    with pytest.raises(RecordProblem, match="The feed has 3 records that cannot be used"):
        evaluation.clean_feed_table(_as_file(rows), batch_size=10)
    rows = [dict(row) for row in feed[:40]]
    rows[35]["record_id"] = rows[2]["record_id"]
    with pytest.raises(RecordProblem, match="record_id more than once"):
        evaluation.clean_feed_table(_as_file(rows), batch_size=10)


def test_a_csv_file_reads_as_its_parquet_does(tmp_path, raw_world):
    index, _ = raw_world
    evaluation.write_parquet(index[:50], tmp_path / "index.parquet")
    with (tmp_path / "index.csv").open("w", encoding="utf-8") as handle:
        handle.write(",".join(index[0]) + "\n")
        for row in index[:50]:
            handle.write(",".join(row.values()) + "\n")
    parquet = evaluation.read_arrow(tmp_path / "index.parquet", evaluation.INDEX_COLUMNS)
    assert evaluation.read_arrow(tmp_path / "index.csv", evaluation.INDEX_COLUMNS).equals(parquet)
    assert "previous_family_names" in parquet.column_names


def test_scoring_the_records_a_share_at_a_time_ranks_them_as_all_at_once(small_world, trained, monkeypatch):
    index_rows, feed_rows, _ = small_world
    index, records = model.arrow_table(index_rows), model.arrow_table(feed_rows[:600])

    def best(table):
        columns = ["record_id", "person_id", "match_weight", "band", "runner_up"]
        return sorted(table.select(columns).to_pylist(), key=str)

    whole = scoring.ranked_table(index, records, trained, THRESHOLDS, best_only=True)
    monkeypatch.setattr(scoring, "RECORDS_AT_A_TIME", 70)  # 9 shares
    shared = scoring.ranked_table(index, records, trained, THRESHOLDS, best_only=True)
    assert best(shared) == best(whole)
    every = scoring.ranked_table(index, records, trained, THRESHOLDS)
    assert 1 < max(every["rank"].to_pylist()) <= THRESHOLDS.keep
    assert best(every.filter(pc.equal(every["rank"], 1))) == best(whole)


@given(
    prior=st.floats(1e-9, 0.5),
    trained_size=st.integers(1, 10**7),
    size=st.integers(1, 10**7),
)
def test_the_prior_is_set_for_the_index_size_by_shifting_every_weight_by_the_log_of_the_ratio(
    prior, trained_size, size
):
    settings_json = {"probability_two_random_records_match": prior}
    scaled = model.for_index_size(settings_json, trained_size, size)["probability_two_random_records_match"]

    def weight(p):
        return math.log2(p / (1 - p))

    assert weight(scaled) - weight(prior) == pytest.approx(math.log2(trained_size / size), abs=1e-6)
    assert settings_json["probability_two_random_records_match"] == prior  # the stored model is left alone


def test_a_model_trained_on_a_smaller_index_scores_a_larger_one_with_lower_weights(small_world, trained):
    index_rows, feed_rows, _ = small_world
    index, records = model.arrow_table(index_rows), model.arrow_table(feed_rows[:300])
    as_trained = scoring.ranked_table(index, records, trained, THRESHOLDS, best_only=True)
    # As if trained on an index a tenth of this one's size: every pair 3.3 (log2 10) lower.
    scaled = scoring.ranked_table(
        index, records, trained, THRESHOLDS, best_only=True, trained_index_size=index.num_rows // 10
    )
    before = {row["record_id"]: row for row in as_trained.to_pylist()}
    shifted = [
        before[row["record_id"]]["match_weight"] - row["match_weight"]
        for row in scaled.to_pylist()
        if row["person_id"] == before[row["record_id"]]["person_id"]
    ]
    assert len(shifted) > 200
    assert all(shift == pytest.approx(math.log2(10), abs=1e-6) for shift in shifted)


def test_the_size_of_the_training_index_is_read_from_a_models_accuracy():
    assert model.trained_index_size({"trained_on": {"index": "index.parquet", "index_size": 50000}}) == 50000
    assert model.trained_index_size({"trained_on": {"index": "index.parquet"}}) is None
    assert model.trained_index_size({}) is None
    assert model.trained_index_size(None) is None


def test_the_links_are_in_the_feeds_order_with_none_for_a_record_without_a_candidate():
    ids = pa.chunked_array([["R3", "R1"], ["R2"]])
    best = pa.table(
        {"record_id": ["R2", "R3"], "person_id": ["P2", "P3"], "match_weight": [12.5, -1.25], "band": ["auto", "none"]}
    )
    assert evaluation.links_table(ids, best).to_pylist() == [
        {"record_id": "R3", "person_id": "P3", "match_weight": -1.25, "band": "none"},
        {"record_id": "R1", "person_id": None, "match_weight": None, "band": "none"},
        {"record_id": "R2", "person_id": "P2", "match_weight": 12.5, "band": "auto"},
    ]
