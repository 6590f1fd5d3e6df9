"""Scoring a feed against the index with a stored model: bands, guards and margins.

For each partner record, every candidate person found by the blocking rules is scored
(Splink's match weight, the sum of each comparison's weight). The best candidate then gets a
band:

- ``auto``: its weight is at least the upper threshold, it beats the runner-up by at least the
  margin, and no guard fires;
- ``review``: its weight is at least the lower threshold, but it is not ``auto``;
- ``none``: below the lower threshold, or no candidate: a new person, or a hold.

The guards (the main false links are twins and brothers and sisters):

- ``placeholder``: either side is an unborn child or has a placeholder name ("Baby Smith",
  "Unborn"): never linked automatically;
- ``first_name``: the first names are plainly different (not the same, not swapped with the
  family name, not nicknames of each other, Jaro-Winkler below 0.80), or only loosely alike
  (Jaro-Winkler 0.80 to 0.92: "Eliza" and "Elijah", "Ronan" and "Ronnie", often twins) with
  no identifier agreeing;
- ``nhs_number``: both have an NHS number and they differ by more than one digit (a single
  mistyped digit is a typing error; more is another child);
- ``upn``: the same for UPNs (more than one character apart);
- ``dob``: the dates of birth are plainly different (not the same, not day and month swapped,
  not one character apart, not within a month): a brother or sister given another's number;
- ``household``: the candidate shares a date of birth and a household with another child in
  the index (twins): the first name (or a nickname of it) must agree, and an identifier (NHS
  number or UPN) too, or the best must beat the runner-up (the other twin) by the
  ``twin_margin``;
- ``margin``: the runner-up is within the margin of the best (which of the two is it?).

The thresholds and margin are data (linkage/data/thresholds.json), may be set by the
LINKAGE_THRESHOLDS setting, and are stored with each approved model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings

from . import model as linkage_model

THRESHOLDS_FILE = Path(__file__).resolve().parent / "data" / "thresholds.json"
COMPARISONS = ("first_name", "family_name", "dob", "postcode", "nhs_number", "upn", "sex")
GUARDS = ("placeholder", "first_name", "nhs_number", "upn", "dob", "household", "margin")
# Gamma levels of the model's comparisons (linkage.model): ElseLevel is 0, counting upwards.
FIRST_NAME_EXACT, FIRST_NAME_NICKNAME, FIRST_NAME_LOOSE, FIRST_NAME_DIFFERENT = 5, 3, 1, 0
IDENTIFIER_SAME, IDENTIFIER_DIFFERENT = 2, 0
DATE_OF_BIRTH_DIFFERENT = 0
# Records scored at a time (ranked_table): the engine's memory grows with this, not the feed.
RECORDS_AT_A_TIME = 250_000


@dataclass(frozen=True)
class Thresholds:
    upper: float
    lower: float
    margin: float
    # How many candidates per record are kept for review (best first).
    keep: int = 3
    # How far a twin must beat the runner-up, its first name agreeing, to link without an
    # identifier (None: a twin always needs an identifier).
    twin_margin: float | None = None

    @classmethod
    def default(cls) -> Thresholds:
        data = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
        values = {key: data[key] for key in ("upper", "lower", "margin", "keep", "twin_margin") if key in data}
        values.update(getattr(settings, "LINKAGE_THRESHOLDS", None) or {})
        return cls(**values)

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def _weight(name: str) -> str:
    if name in ("first_name", "family_name"):
        return f"coalesce(mw_{name}, 0) + coalesce(mw_tf_adj_{name}, 0)"
    return f"coalesce(mw_{name}, 0)"


def _household_guard(thresholds: Thresholds) -> str:
    """A twin (the candidate shares a date of birth and a household with another indexed child)
    needs the first name (or a nickname) to agree and an identifier to agree, or, with a
    `twin_margin`, the first name to agree and the best to beat the runner-up (the other twin,
    when it is a candidate) by that much: then the first names tell the twins apart."""
    if thresholds.twin_margin is None:
        return "twin_unconfirmed"
    return f"""twin_unconfirmed AND NOT (
            rank = 1 AND gamma_first_name IN ({FIRST_NAME_EXACT}, {FIRST_NAME_NICKNAME})
            AND (next_weight IS NULL OR match_weight - next_weight >= {float(thresholds.twin_margin)})
        )"""


def ranking_sql(predictions: str, thresholds: Thresholds) -> str:
    """SQL over Splink's predictions (index on the left): each record's best `keep` candidates,
    with each comparison's weight, the guards, and the band of the best. Plain SQL with window
    functions, so it runs on DuckDB and on Spark."""
    weights = ",\n        ".join(f"{_weight(name)} AS w_{name}" for name in COMPARISONS)
    # Each comparison's level too: the review page says in words what each weight is for.
    gammas = ", ".join(f"gamma_{name}" for name in COMPARISONS)
    return f"""
WITH ranked AS (
    SELECT
        unique_id_r AS record_id,
        unique_id_l AS person_id,
        match_weight,
        match_probability,
        {weights},
        {gammas},
        coalesce(placeholder_l, false) OR coalesce(placeholder_r, false) AS g_placeholder,
        gamma_first_name = {FIRST_NAME_DIFFERENT} OR (
            gamma_first_name = {FIRST_NAME_LOOSE}
            AND NOT (gamma_nhs_number = {IDENTIFIER_SAME} OR gamma_upn = {IDENTIFIER_SAME})
        ) AS g_first_name,
        gamma_nhs_number = {IDENTIFIER_DIFFERENT} AS g_nhs_number,
        gamma_upn = {IDENTIFIER_DIFFERENT} AS g_upn,
        gamma_dob = {DATE_OF_BIRTH_DIFFERENT} AS g_dob,
        coalesce(household_dob_peers_l, 0) > 0 AND NOT (
            gamma_first_name IN ({FIRST_NAME_EXACT}, {FIRST_NAME_NICKNAME})
            AND (gamma_nhs_number = {IDENTIFIER_SAME} OR gamma_upn = {IDENTIFIER_SAME})
        ) AS twin_unconfirmed,
        row_number() OVER (PARTITION BY unique_id_r ORDER BY match_weight DESC, unique_id_l) AS rank,
        lead(match_weight) OVER (PARTITION BY unique_id_r ORDER BY match_weight DESC, unique_id_l) AS next_weight
    FROM {predictions}
), guarded AS (
    SELECT *,
        CASE WHEN rank = 1 THEN next_weight END AS runner_up,
        {_household_guard(thresholds)} AS g_household,
        rank = 1 AND next_weight IS NOT NULL AND match_weight - next_weight < {float(thresholds.margin)} AS g_margin
    FROM ranked
    WHERE rank <= {int(thresholds.keep)}
)
SELECT *,
    CASE
        WHEN rank > 1 THEN NULL
        WHEN match_weight >= {float(thresholds.upper)}
            AND NOT (g_placeholder OR g_first_name OR g_nhs_number OR g_upn OR g_dob OR g_household OR g_margin)
            THEN 'auto'
        WHEN match_weight >= {float(thresholds.lower)} THEN 'review'
        ELSE 'none'
    END AS band
FROM guarded
"""


def ranked_table(
    index: pa.Table,
    records: pa.Table,
    model_json: dict[str, Any],
    thresholds: Thresholds,
    *,
    db_api: Any = None,
    best_only: bool = False,
    trained_index_size: int | None = None,
) -> pa.Table:
    """The ranked candidates (ranking_sql) of cleaned records against the cleaned index, as Arrow
    (linkage.model.arrow_table on both sides): every kept candidate, or with `best_only` each
    record's best alone, so that a large feed's other candidates are never fetched. A model
    trained on an index of another size has its prior set for this index first
    (linkage.model.for_index_size)."""
    if trained_index_size:
        model_json = linkage_model.for_index_size(model_json, trained_index_size, index.num_rows)
    link = linkage_model.linker(index, records, model_json, db_api)
    floor = min(thresholds.lower, thresholds.upper) - 10
    # The records are scored a share at a time (each record's candidates all in one share, so
    # each share is ranked on its own), so that the engine holds one share's predictions.
    shares = max(1, -(-records.num_rows // RECORDS_AT_A_TIME))
    tables = []
    for share in range(1, shares + 1):
        predictions = link.inference.predict_chunk(
            right_chunk=(share, shares), threshold_match_weight=floor, warning_mode="never"
        )
        sql = ranking_sql(predictions.physical_name, thresholds)
        if best_only:
            sql = f"SELECT * FROM ({sql}) AS ranked_candidates WHERE rank = 1"
        ranked = link.misc.query_sql(sql)
        tables.append(ranked.as_pyarrow_table())
        predictions.drop_table_from_database_and_remove_from_cache()
        ranked.drop_table_from_database_and_remove_from_cache()
    return pa.concat_tables(tables)


@dataclass
class Scored:
    """The outcome of scoring a feed: `best` has one row per record (record_id, person_id,
    match_weight, band, runner_up, guards); `candidates` the kept candidates of every record
    with a candidate, with each comparison's weight (w_<comparison>)."""

    best: list[dict[str, Any]]
    candidates: list[dict[str, Any]]


def score(
    index_rows: Sequence[dict[str, Any]],
    record_rows: Sequence[dict[str, Any]],
    model_json: dict[str, Any],
    thresholds: Thresholds,
    *,
    db_api: Any = None,
    with_candidates: bool = True,
    trained_index_size: int | None = None,
) -> Scored:
    """Score cleaned records (linkage.cleaning) against the cleaned index with a trained model
    (trained on an index of `trained_index_size`: see ranked_table)."""
    columns = ranked_table(
        linkage_model.arrow_table(index_rows),
        linkage_model.arrow_table(record_rows),
        model_json,
        thresholds,
        db_api=db_api,
        best_only=not with_candidates,
        trained_index_size=trained_index_size,
    ).to_pydict()
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    best: dict[str, dict[str, Any]] = {}
    candidates = []
    for row in rows:
        row["guards"] = [name for name in GUARDS if row.get(f"g_{name}")]
        if row["rank"] == 1:
            best[row["record_id"]] = row
        if with_candidates:
            candidates.append(row)
    outcome = []
    for record in record_rows:
        found = best.get(record["unique_id"])
        if found is None:
            outcome.append(
                {
                    "record_id": record["unique_id"],
                    "person_id": None,
                    "match_weight": None,
                    "band": "none",
                    "runner_up": None,
                    "guards": [],
                }
            )
        else:
            outcome.append(found)
    return Scored(best=outcome, candidates=candidates)
