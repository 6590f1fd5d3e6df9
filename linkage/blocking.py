"""How many candidate pairs each blocking rule makes: to size a run before it is made.

For each rule of the model (or any rules given): the pairs it makes alone, the pairs it adds
to the rules before it (the scored pairs are the union), and its largest block (the key value
that makes the most pairs: "Oliver Smith, born 2015"). Counted by Splink's blocking analysis
on DuckDB, exactly, or estimated from a sample of the records on each side (`sample` below
1: Splink scales the count up). docs/linkage.md uses it to size the nation's run.

With the truth (synthetic worlds), `true_pairs_caught` says what a rule is for: the true
matches it finds, and those no other rule finds (what would be lost without it, or with it
made tighter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from splink.blocking_analysis import count_comparisons_from_blocking_rules, n_largest_blocks

from . import model


def rule_sql(rule: Any) -> str:
    """A blocking rule (Splink's block_on, or SQL over l. and r.) as DuckDB SQL."""
    if isinstance(rule, str):
        return rule
    return str(rule.create_blocking_rule_dict("duckdb")["blocking_rule"])


def true_pairs_caught(
    index: pa.Table, records: pa.Table, truth: dict[str, str], rules: Sequence[Any] | None = None
) -> dict[str, Any]:
    """For the true matches (record_id -> person_id, "" when none): how many each rule finds,
    how many only it finds, and how many no rule finds."""
    import duckdb

    rules = list(model.BLOCKING_RULES if rules is None else rules)
    pairs = pa.table({"record_id": [r for r, p in truth.items() if p], "person_id": [p for p in truth.values() if p]})
    connection = duckdb.connect()
    connection.register("index_rows", index)
    connection.register("record_rows", records)
    connection.register("true_pairs", pairs)
    caught = ", ".join(f"coalesce(({rule_sql(rule)}), false) AS rule_{n}" for n, rule in enumerate(rules))
    rows = connection.execute(
        f"""SELECT {caught} FROM true_pairs t
        JOIN index_rows l ON l.unique_id = t.person_id JOIN record_rows r ON r.unique_id = t.record_id"""
    ).fetchall()
    out = []
    for n, rule in enumerate(rules):
        out.append(
            {
                "rule": rule_sql(rule),
                "true_pairs": sum(1 for row in rows if row[n]),
                "only_this_rule": sum(1 for row in rows if row[n] and not any(row[:n] + row[n + 1 :])),
            }
        )
    return {"true_pairs": len(rows), "missed_by_every_rule": sum(1 for row in rows if not any(row)), "rules": out}


def analyse(
    index: pa.Table, records: pa.Table, rules: Sequence[Any] | None = None, *, sample: float = 1.0
) -> list[dict[str, Any]]:
    """One row per rule: rule, pairs_alone, pairs_added, pairs_cumulative, largest_block (the
    key's values and the records on each side), and the pairs per feed record."""
    rules = list(model.BLOCKING_RULES if rules is None else rules)
    db_api = model.database_api()
    tables = [
        db_api.register(index, dataset_display_name=model.INDEX),
        db_api.register(records, dataset_display_name=model.RECORDS),
    ]
    cumulative = count_comparisons_from_blocking_rules(
        tables, blocking_rules=rules, link_type="link_only", record_sample_proportion=sample
    )
    rows = []
    for rule, counted in zip(rules, cumulative, strict=True):
        alone = count_comparisons_from_blocking_rules(
            tables, blocking_rules=rule, link_type="link_only", record_sample_proportion=sample
        )[0]
        largest = n_largest_blocks(tables, blocking_rule=rule, link_type="link_only", n_largest=1).as_record_list()
        block = largest[0] if largest else {}
        rows.append(
            {
                "rule": counted["blocking_rule"],
                "pairs_alone": int(alone["marginal_comparison_count"]),
                "pairs_added": int(counted["marginal_comparison_count"]),
                "pairs_cumulative": int(counted["cumulative_comparison_count"]),
                "pairs_alone_per_record": round(alone["marginal_comparison_count"] / max(records.num_rows, 1), 3),
                "largest_block": {
                    "key": [value for name, value in block.items() if name.startswith("key_")],
                    "index": int(block.get("count_l", 0)),
                    "records": int(block.get("count_r", 0)),
                },
            }
        )
    return rows
