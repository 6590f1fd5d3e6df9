"""Reading the linkage files, and measuring a run against the truth.

Files (link_files, linkage_synthetic): Parquet or CSV with a header. The index has
`INDEX_COLUMNS` (and may have `previous_family_names`, ";"-separated); the feed
`FEED_COLUMNS`; dates ISO, empty when unknown. In the files the household is the postcode
(the index file has no address history); in the service it is the current home address.

The figures (`measure`), for a run's best link per record against the truth:

- best-link precision, recall and F1: a link proposed (band auto or review: a reviewer sees
  the best candidate first) is right when it is the true person;
- auto precision: the share of automatic links that are right;
- auto coverage: the share of true matches (records whose child is in the index) linked
  automatically to the right person;
- review share: the share of all records in review.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import model
from .cleaning import (
    RecordProblem,
    Supplied,
    clean_all,
    household_peer_counts,
    mark_household_peers,
    supplied_from_row,
)

# Records cleaned at a time when a whole file is cleaned (clean_index_table, clean_feed_table).
BATCH_SIZE = 50_000

INDEX_COLUMNS = ("person_id", "given_names", "family_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn")
FEED_COLUMNS = (
    "record_id",
    "agency",
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
)
OUT_COLUMNS = ("record_id", "person_id", "match_weight", "band")


class FileProblem(ValueError):
    """A file that cannot be used; the message says why, in plain English."""


def read_arrow(path: Path, columns: Sequence[str]) -> pa.Table:
    """The listed columns of a Parquet or CSV file (and `previous_family_names` when there), all
    as text, "" when empty: Arrow, so that a file of a million rows stays compact."""
    if not path.exists():
        raise FileProblem(f"There is no file at {path}")
    if path.suffix.lower() == ".parquet":
        present = pq.read_schema(path).names
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            present = next(csv.reader(handle), [])
    else:
        raise FileProblem(f"{path.name} must be a Parquet (.parquet) or CSV (.csv) file")
    missing = [name for name in columns if name not in present]
    if missing:
        raise FileProblem(f"{path.name} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    wanted = list(columns) + [name for name in ("previous_family_names",) if name in present]
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path, columns=wanted)
    else:
        options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in wanted}, strings_can_be_null=False, include_columns=wanted
        )
        table = pacsv.read_csv(path, convert_options=options)
    table = table.cast(pa.schema([pa.field(name, pa.string()) for name in wanted]))
    return pa.table({name: pc.fill_null(table[name], "") for name in wanted})


def read_table(path: Path, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of a Parquet or CSV file, every listed column as text ("" when empty)."""
    return read_arrow(path, columns).to_pylist()


def write_parquet(rows: Sequence[dict[str, Any]], path: Path) -> None:
    names = list(rows[0]) if rows else []
    pq.write_table(pa.table({name: [str(row[name]) for row in rows] for name in names}), path)


def _index_supplied(row: dict[str, Any]) -> Supplied:
    base = supplied_from_row(row, "person_id")
    previous = tuple(name for name in str(row.get("previous_family_names") or "").split(";") if name.strip())
    return replace(base, other_family_names=previous, household=base.postcode.replace(" ", "").upper())


def _feed_supplied(row: dict[str, Any]) -> Supplied:
    return supplied_from_row(row, "record_id")


def clean_index(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The index's rows cleaned (linkage.cleaning), with the household peers marked."""
    cleaned, problems = clean_all(_index_supplied(row) for row in rows)
    if problems:
        raise RecordProblem(_summary("index", problems, len(problems)))
    if len({row["unique_id"] for row in cleaned}) != len(cleaned):
        _refuse_duplicates("index")
    mark_household_peers(cleaned)
    return cleaned


def clean_feed(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned, problems = clean_all(_feed_supplied(row) for row in rows)
    if problems:
        raise RecordProblem(_summary("feed", problems, len(problems)))
    if len({row["unique_id"] for row in cleaned}) != len(cleaned):
        _refuse_duplicates("feed")
    return cleaned


def clean_index_table(raw: pa.Table, *, batch_size: int = BATCH_SIZE) -> pa.Table:
    """`clean_index` for a whole file (read_arrow), a batch at a time: the same rows, as the
    model's Arrow table (linkage.model.arrow_table), without a Python dict per record held."""
    table = _clean_in_batches(raw, _index_supplied, "index", batch_size)
    peers = household_peer_counts(table["household"].to_pylist(), table["dob"].to_pylist())
    column = pa.array([0 if count is None else count for count in peers], pa.int32())
    return table.set_column(table.schema.get_field_index("household_dob_peers"), "household_dob_peers", column)


def clean_feed_table(raw: pa.Table, *, batch_size: int = BATCH_SIZE) -> pa.Table:
    """`clean_feed` for a whole file, a batch at a time (see clean_index_table)."""
    return _clean_in_batches(raw, _feed_supplied, "feed", batch_size)


def _clean_in_batches(
    raw: pa.Table, supplied: Callable[[dict[str, Any]], Supplied], what: str, batch_size: int
) -> pa.Table:
    tables: list[pa.Table] = []
    problems: list[str] = []
    count = 0
    for batch in raw.to_batches(max_chunksize=batch_size):
        cleaned, found = clean_all(supplied(row) for row in batch.to_pylist())
        count += len(found)
        problems.extend(found[: max(0, 5 - len(problems))])
        if not count:
            tables.append(model.arrow_table(cleaned))
    if count:
        raise RecordProblem(_summary(what, problems, count))
    table = pa.concat_tables(tables) if tables else model.arrow_table([])
    if pc.count_distinct(table["unique_id"]).as_py() != table.num_rows:
        _refuse_duplicates(what)
    return table


def _refuse_duplicates(what: str) -> NoReturn:
    if what == "index":
        raise RecordProblem("The index has a person_id more than once: each person must appear once")
    raise RecordProblem("The feed has a record_id more than once: each record must appear once")


def _summary(what: str, problems: list[str], count: int) -> str:
    shown = "; ".join(problems[:5])
    more = f" (and {count - 5} more)" if count > 5 else ""
    return f"The {what} has {count} record{'s' if count > 1 else ''} that cannot be used: {shown}{more}"


def links_table(record_ids: pa.ChunkedArray | pa.Array, best: pa.Table) -> pa.Table:
    """One row per record, in the feed's order: `OUT_COLUMNS`, from the best candidates
    (scoring.ranked_table with best_only); a record without a candidate is "none"."""
    order = pa.table({"record_id": record_ids, "feed_order": pa.array(range(len(record_ids)), pa.int64())})
    found = best.select(["record_id", "person_id", "match_weight", "band"])
    joined = order.join(found, "record_id", join_type="left outer").sort_by("feed_order")
    return pa.table(
        {
            "record_id": joined["record_id"],
            "person_id": joined["person_id"],
            "match_weight": joined["match_weight"],
            "band": pc.fill_null(joined["band"], "none"),
        }
    )


def rows_of(table: pa.Table, batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    """The rows of an Arrow table as dicts, a batch at a time."""
    for batch in table.to_batches(max_chunksize=batch_size):
        yield from batch.to_pylist()


def write_links(best: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_COLUMNS)
        for row in best:
            weight = row["match_weight"]
            writer.writerow(
                [row["record_id"], row["person_id"] or "", "" if weight is None else f"{weight:.3f}", row["band"]]
            )


def read_truth(path: Path) -> dict[str, str]:
    """truth.csv (linkage_synthetic) as record_id -> person_id ("" when not in the index)."""
    table = read_arrow(path, ("record_id", "person_id"))
    return dict(zip(table["record_id"].to_pylist(), table["person_id"].to_pylist(), strict=True))


def measure(best: Iterable[dict[str, Any]], truth: dict[str, str]) -> dict[str, float]:
    """The figures of the module docstring; `truth` maps record_id to person_id ("" if none)."""
    proposed = right = auto = auto_right = review = records = 0
    true_matches = sum(1 for person in truth.values() if person)
    for row in best:
        records += 1
        person = truth.get(row["record_id"], "")
        if row["band"] in ("auto", "review"):
            proposed += 1
            right += row["person_id"] == person
        if row["band"] == "auto":
            auto += 1
            auto_right += row["person_id"] == person
        review += row["band"] == "review"
    precision = right / proposed if proposed else 1.0
    recall = right / true_matches if true_matches else 1.0
    return {
        "records": records,
        "true_matches": true_matches,
        "best_link_precision": precision,
        "best_link_recall": recall,
        "best_link_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "auto_links": auto,
        "auto_wrong": auto - auto_right,
        "auto_precision": auto_right / auto if auto else 1.0,
        "auto_coverage": auto_right / true_matches if true_matches else 1.0,
        "review_share": review / records if records else 0.0,
    }
