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
    call_command("linkage_blocking", index=tmp_path / "index.parquet", feed=tmp_path / "feed.parquet")
    printed = json.loads(capsys.readouterr().out)
    assert printed["feed"] == 300
    assert [row["pairs_cumulative"] for row in printed["rules"]] == sorted(
        row["pairs_cumulative"] for row in printed["rules"]
    )
