"""A model trained once for the linkage tests, on a small seeded synthetic index and feed."""

import pytest

from linkage import evaluation, model, synthetic


@pytest.fixture(scope="session")
def small_world():
    """(index rows, feed rows, truth) cleaned: 2,000 children, 4,000 records, seed 20."""
    index, feed, truth = synthetic.make(2000, 4000, 20)
    return evaluation.clean_index(index), evaluation.clean_feed(feed), {r["record_id"]: r["person_id"] for r in truth}


@pytest.fixture(scope="session")
def trained(small_world):
    """Splink's JSON of a model trained on the small world."""
    index_rows, feed_rows, _ = small_world
    return model.train(model.arrow_table(index_rows), model.arrow_table(feed_rows))
