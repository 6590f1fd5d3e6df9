"""The blocking analysis counts the pairs each rule makes (linkage.blocking)."""

import json
from collections import Counter

from django.core.management import call_command

from linkage import blocking, model


def test_the_counts_add_up_and_match_a_count_by_hand(small_world):
    index_rows, feed_rows, _ = small_world
    rows = blocking.analyse(model.arrow_table(index_rows), model.arrow_table(feed_rows))
    assert len(rows) == len(model.BLOCKING_RULES)
    running = 0
    for row in rows:
        assert 0 <= row["pairs_added"] <= row["pairs_alone"]
        running += row["pairs_added"]
        assert row["pairs_cumulative"] == running
    # The first rule, the same valid NHS number, counted by hand.
    index_numbers = Counter(row["nhs_number"] for row in index_rows if row["nhs_number"])
    by_hand = sum(index_numbers[row["nhs_number"]] for row in feed_rows if row["nhs_number"])
    assert rows[0]["pairs_alone"] == rows[0]["pairs_added"] == by_hand
    # The largest block of date of birth and family name sound, by hand.
    key = rows[2]["largest_block"]["key"]
    assert rows[2]["largest_block"]["index"] == sum(
        1 for row in index_rows if [row["dob"], row["family_name_sound"]] == key
    )


def test_the_command_prints_the_rules(tmp_path, capsys):
    call_command("linkage_synthetic", children=200, feed=300, seed=4, out=tmp_path)
    capsys.readouterr()
    call_command(
        "linkage_blocking",
        index=tmp_path / "index.parquet",
        feed=tmp_path / "feed.parquet",
        truth=tmp_path / "truth.csv",
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["truth"]["true_pairs"] > 200
    assert printed["feed"] == 300
    assert [row["pairs_cumulative"] for row in printed["rules"]] == sorted(
        row["pairs_cumulative"] for row in printed["rules"]
    )


def test_true_pairs_caught_counts_what_only_each_rule_finds(small_world):
    index_rows, feed_rows, truth = small_world
    found = blocking.true_pairs_caught(model.arrow_table(index_rows), model.arrow_table(feed_rows), truth)
    assert found["true_pairs"] == sum(1 for person in truth.values() if person)
    nhs = found["rules"][0]
    index_nhs = {row["unique_id"]: row["nhs_number"] for row in index_rows}
    by_hand = sum(
        1
        for row in feed_rows
        if truth[row["unique_id"]] and row["nhs_number"] and row["nhs_number"] == index_nhs[truth[row["unique_id"]]]
    )
    assert nhs["true_pairs"] == by_hand
    for rule in found["rules"]:
        assert 0 <= rule["only_this_rule"] <= rule["true_pairs"] <= found["true_pairs"]
    # Nearly every true match is a candidate: what no rule finds cannot be linked.
    assert found["missed_by_every_rule"] / found["true_pairs"] < 0.01
