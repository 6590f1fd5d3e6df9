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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .cleaning import RecordProblem, Supplied, clean_all, mark_household_peers, supplied_from_row

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


def read_table(path: Path, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of a Parquet or CSV file, every listed column as text ("" when empty)."""
    if not path.exists():
        raise FileProblem(f"There is no file at {path}")
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
    elif path.suffix.lower() == ".csv":
        text = {name: pa.string() for name in columns}
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=text, strings_can_be_null=False))
    else:
        raise FileProblem(f"{path.name} must be a Parquet (.parquet) or CSV (.csv) file")
    missing = [name for name in columns if name not in table.column_names]
    if missing:
        raise FileProblem(f"{path.name} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    wanted = list(columns) + [name for name in ("previous_family_names",) if name in table.column_names]
    data = table.select(wanted).cast(pa.schema([pa.field(name, pa.string()) for name in wanted])).to_pydict()
    return [
        {name: ("" if value is None else value) for name, value in zip(wanted, values, strict=True)}
        for values in zip(*(data[name] for name in wanted), strict=True)
    ]


def write_parquet(rows: Sequence[dict[str, Any]], path: Path) -> None:
    names = list(rows[0]) if rows else []
    pq.write_table(pa.table({name: [str(row[name]) for row in rows] for name in names}), path)


def clean_index(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    supplied = []
    for row in rows:
        base = supplied_from_row(row, "person_id")
        previous = tuple(name for name in str(row.get("previous_family_names") or "").split(";") if name.strip())
        supplied.append(
            Supplied(
                **{**base.__dict__, "other_family_names": previous, "household": base.postcode.replace(" ", "").upper()}
            )
        )
    cleaned, problems = clean_all(supplied)
    if problems:
        raise RecordProblem(_summary("index", problems))
    ids = [row["unique_id"] for row in cleaned]
    if len(set(ids)) != len(ids):
        raise RecordProblem("The index has a person_id more than once: each person must appear once")
    mark_household_peers(cleaned)
    return cleaned


def clean_feed(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned, problems = clean_all(supplied_from_row(row, "record_id") for row in rows)
    if problems:
        raise RecordProblem(_summary("feed", problems))
    ids = [row["unique_id"] for row in cleaned]
    if len(set(ids)) != len(ids):
        raise RecordProblem("The feed has a record_id more than once: each record must appear once")
    return cleaned


def _summary(what: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"The {what} has {len(problems)} record{'s' if len(problems) > 1 else ''} that cannot be used: {shown}{more}"


def write_links(best: Sequence[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_COLUMNS)
        for row in best:
            weight = row["match_weight"]
            writer.writerow(
                [row["record_id"], row["person_id"] or "", "" if weight is None else f"{weight:.3f}", row["band"]]
            )


def measure(best: Sequence[dict[str, Any]], truth: dict[str, str]) -> dict[str, float]:
    """The figures of the module docstring; `truth` maps record_id to person_id ("" if none)."""
    proposed = right = auto = auto_right = review = 0
    true_matches = sum(1 for person in truth.values() if person)
    for row in best:
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
        "records": len(best),
        "true_matches": true_matches,
        "best_link_precision": precision,
        "best_link_recall": recall,
        "best_link_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "auto_links": auto,
        "auto_wrong": auto - auto_right,
        "auto_precision": auto_right / auto if auto else 1.0,
        "auto_coverage": auto_right / true_matches if true_matches else 1.0,
        "review_share": review / len(best) if best else 0.0,
    }
