"""The linkage model: what is compared, how candidates are found, and how it is trained.

The model is Splink's (Fellegi-Sunter): each comparison below has levels, from the strongest
agreement to none, and training gives each level a match weight (log2 of m/u). A pair's match
weight is the sum of its levels' weights plus the prior. The comparisons:

- First name: both missing / exact (weighted by how common the name is) / first and family
  names swapped / nicknames of each other (linkage/data/nicknames.*) / Jaro-Winkler >= 0.92 /
  >= 0.80 / other.
- Family name: exact (by frequency) / one of the names the person is or was known by, or a
  part of a hyphenated name (family_names) / Jaro-Winkler >= 0.92 / >= 0.80 / other.
- Date of birth: exact / day and month swapped / one character apart / within a month /
  other.
- Postcode: full / sector / district / other.
- NHS number: the same valid number / one digit or a transposition apart (a mistyped
  number that failed Modulus 11 still counts as evidence here) / different.
- UPN: the same valid UPN / one character apart / different.
- Sex: same / different.

Candidates (blocking rules) are pairs agreeing on at least one of `BLOCKING_RULES`, each an
equality join so that the work grows with the number of true candidates rather than with
index x feed (docs/linkage.md gives the arithmetic).

The engine is given in one place, `database_api()`: DuckDB embedded in the process, or Spark
(linkage.spark) for a region's or the nation's run. Everything else is Splink's engine-neutral
API. A stored model is Splink's JSON, whose comparison levels are SQL in the dialect it was
trained on; `for_dialect()` renders the same levels for another engine from the comparisons
below (so one definition serves both), and scores and bands agree between the engines
(linkage/tests/test_spark.py).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
import sqlglot
from splink import Linker, SettingsCreator, block_on

from .cleaning import COLUMNS

INDEX, RECORDS = "index", "records"

_LIST_COLUMNS = {"first_name_group", "family_names"}
_INT_COLUMNS = {"birth_year", "household_dob_peers"}
_BOOL_COLUMNS = {"placeholder"}


# DuckDB's own memory limit (it spills to disk past it): with Python's 1 GB at a million records
# (the cleaned Arrow tables), the process stays under the goal's 4 GB. Measured: 1.7 to 1.9 GB.
DUCKDB_MEMORY_LIMIT = "2GB"


# The engines, named as their SQL dialects.
ENGINES = ("duckdb", "spark")


def database_api(engine: str = "duckdb", *, spark_session: Any = None, **options: Any) -> Any:
    """The engine, chosen here and nowhere else.

    - ``duckdb``: DuckDB embedded in the process, in memory, spilling to disk past
      DUCKDB_MEMORY_LIMIT (options go to Splink's DuckDBAPI);
    - ``spark``: Splink's SparkAPI on a session made by `linkage.spark.session()` (local or a
      cluster), its tables from any earlier run in that session dropped first.
    """
    if engine == "spark":
        from . import spark

        if spark_session is None:
            raise ValueError("The spark engine needs a session: linkage.spark.session()")
        return spark.database_api(spark_session, **options)
    if engine != "duckdb":
        raise ValueError(f"Unknown linkage engine {engine!r}: one of {', '.join(ENGINES)}")
    import duckdb
    from splink import DuckDBAPI

    if "connection" not in options:
        options["connection"] = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT})
    return DuckDBAPI(**options)


class ModelDialectProblem(ValueError):
    """A stored model cannot be rendered for another engine; the message says why."""


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The stored model (Splink's JSON) with its SQL in `dialect` ("duckdb" or "spark").

    The weights (m and u of each level, the prior) are the model's own; only the SQL changes.
    Each level's SQL must be what this module's comparisons render in the model's own dialect
    (a model trained with other comparisons is refused rather than guessed at); it is replaced
    by what they render in `dialect`. The blocking rules, plain equality joins, are transpiled
    with sqlglot (which Splink itself uses)."""
    source = model.get("sql_dialect", "duckdb")
    if source == dialect:
        return model
    creator = settings()
    ours = creator.create_settings_dict(source)["comparisons"]
    theirs = creator.create_settings_dict(dialect)["comparisons"]
    converted = copy.deepcopy(model)
    converted["sql_dialect"] = dialect
    stored = converted["comparisons"]
    if [c["output_column_name"] for c in stored] != [c["output_column_name"] for c in ours]:
        raise ModelDialectProblem(
            "The model's comparisons are not this version's (linkage/model.py): it can be scored only on "
            f"{source}; train it again to score it on {dialect}"
        )
    for comparison, own, target in zip(stored, ours, theirs, strict=True):
        levels = comparison["comparison_levels"]
        own_sql = [level["sql_condition"] for level in own["comparison_levels"]]
        if [level["sql_condition"] for level in levels] != own_sql:
            raise ModelDialectProblem(
                f"The model's {comparison['output_column_name']} comparison is not this version's "
                f"(linkage/model.py): it can be scored only on {source}; train it again to score it on {dialect}"
            )
        for level, rendered in zip(levels, target["comparison_levels"], strict=True):
            level["sql_condition"] = rendered["sql_condition"]
    for rule in converted.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, dict):
            rule["blocking_rule"] = sqlglot.transpile(rule["blocking_rule"], read=source, write=dialect)[0]
            rule["sql_dialect"] = dialect
    return converted


def arrow_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Cleaned rows as an Arrow table with the model's column types (also when empty)."""
    fields = []
    for name in COLUMNS:
        if name in _LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif name in _INT_COLUMNS:
            kind = pa.int32()
        elif name in _BOOL_COLUMNS:
            kind = pa.bool_()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    schema = pa.schema(fields)
    return pa.Table.from_pydict({name: [row[name] for row in rows] for name in COLUMNS}, schema=schema)


def _names_swapped(*, counted: bool = True) -> cll.CustomLevel:
    """First and family names swapped: "Smith" given as the first name and "Oliver" as the
    family name, also when the family name then holds all the given names ("Oliver Jacob").
    Both name comparisons have the level, but the evidence is counted once, in the first name:
    in the family name its weight is fixed at 0 (m = u)."""
    level = cll.CustomLevel(
        "(first_name_l = family_name_r AND family_name_l = first_name_r)"
        " OR (family_name_l = first_name_r AND array_contains(family_names_r, first_name_l))"
        " OR (family_name_r = first_name_l AND array_contains(family_names_l, first_name_r))",
        label_for_charts="Names swapped" if counted else "Names swapped (counted in the first name)",
    )
    if not counted:
        level.configure(m_probability=0.01, u_probability=0.01, fix_m_probability=True, fix_u_probability=True)
    return level


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            _names_swapped(),
            cll.ArrayIntersectLevel("first_name_group", min_intersection=1).configure(label_for_charts="Nickname"),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.80),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            _names_swapped(counted=False),
            cll.ArrayIntersectLevel("family_names", min_intersection=1).configure(
                label_for_charts="A name known by, or part of a hyphenated name"
            ),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.JaroWinklerLevel("family_name", 0.80),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_swapped_l = dob_r OR dob_l = dob_swapped_r", label_for_charts="Day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="One digit apart"),
            cll.AbsoluteDateDifferenceLevel("dob", input_is_string=True, threshold=1, metric="month").configure(
                label_for_charts="Within a month"
            ),
            cll.ElseLevel(),
        ],
    )


def _postcode() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
            cll.ElseLevel(),
        ],
    )


def _identifier(name: str, label: str) -> cl.CustomComparison:
    supplied = {"nhs_number": "nhs_supplied", "upn": "upn_supplied"}[name]
    return cl.CustomComparison(
        output_column_name=name,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(supplied),
            cll.CustomLevel(f"{name}_l = {name}_r", label_for_charts=f"Same valid {label}"),
            cll.DamerauLevenshteinLevel(supplied, 1).configure(label_for_charts="One character apart"),
            cll.ElseLevel(),
        ],
    )


def _sex() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
    )


# How candidate pairs are found: each rule an equality join on cleaned columns.
BLOCKING_RULES: list[Any] = [
    block_on("nhs_number"),
    block_on("upn"),
    block_on("dob", "family_name_sound"),
    block_on("dob", "first_name_sound"),
    block_on("dob", "postcode"),
    block_on("birth_year", "first_name_sound", "family_name_sound"),
    block_on("postcode", "first_name_sound"),
    "l.first_name = r.family_name AND l.family_name = r.first_name",
]

# Extra columns each scored pair carries, for the guards and for the review page.
RETAINED = ["given_names", "placeholder", "household_dob_peers"]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _first_name(),
            _family_name(),
            _date_of_birth(),
            _postcode(),
            _identifier("nhs_number", "NHS number"),
            _identifier("upn", "UPN"),
            _sex(),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=RETAINED,
    )


def linker(index: pa.Table, records: pa.Table, model: SettingsCreator | dict[str, Any], db_api: Any = None) -> Linker:
    """A Splink linker over the index and the partners' records, with the given model (a
    stored model's JSON is rendered in the engine's dialect first: `for_dialect`)."""
    db_api = db_api or database_api()
    if isinstance(model, dict):
        model = for_dialect(model, db_api.sql_dialect.sql_dialect_str)
    left = db_api.register(index, dataset_display_name=INDEX)
    right = db_api.register(records, dataset_display_name=RECORDS)
    return Linker([left, right], model, log_level=logging.WARNING)


def train(index: pa.Table, records: pa.Table, *, seed: int = 1, db_api: Any = None) -> dict[str, Any]:
    """Train the model (offline) on an index and a feed: the prior from near-certain matches,
    u by random sampling, m by expectation maximisation in two sessions that each leave out
    what they block on: on the date of birth (for the rest), and on the valid NHS number (for the
    rest, the date of birth among them: pairs sharing an NHS number are nearly all matches, so
    they show how matches differ; blocking on the sounds of the names instead gave the date of
    birth an m of 0.3, where 0.94 of matches have it right). Returns Splink's JSON settings with
    the trained weights."""
    link = linker(index, records, settings(), db_api)
    training = link.training
    training.estimate_probability_two_random_records_match(
        [
            block_on("nhs_number", "dob"),
            "l.first_name = r.first_name AND l.family_name = r.family_name AND l.dob = r.dob",
        ],
        recall=0.8,
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    training.estimate_parameters_using_expectation_maximisation(block_on("dob"), record_sample_proportion=1.0)
    training.estimate_parameters_using_expectation_maximisation(block_on("nhs_number"), record_sample_proportion=1.0)
    return link.misc.save_model_to_json()


def for_index_size(model_json: dict[str, Any], trained_index_size: int, index_size: int) -> dict[str, Any]:
    """The model with its prior set for an index of `index_size` people, when it was trained on
    an index of `trained_index_size`.

    The prior is the chance that a random pair (index person, partner record) is a match. A
    record is of at most one person in the index, so for a share p of records whose child is in
    the index the prior is p / (people in the index): ten times the index, a tenth of the prior,
    every pair's match weight log2(10) = 3.3 lower. Without this, a model trained on a small
    world overstates every match in a large one (the same name and date of birth is less telling
    among 500,000 children than among 50,000). The prior odds are scaled, so the weights shift by
    exactly log2(trained_index_size / index_size)."""
    if not trained_index_size or not index_size or trained_index_size == index_size:
        return model_json
    prior = float(model_json["probability_two_random_records_match"])
    odds = prior / (1 - prior) * trained_index_size / index_size
    return {**model_json, "probability_two_random_records_match": odds / (1 + odds)}


def trained_index_size(accuracy: dict[str, Any] | None) -> int | None:
    """The size of the index a stored model was trained on (linkage_train keeps it in the
    model's `accuracy`, under trained_on), or None for a model trained before it was kept."""
    size = ((accuracy or {}).get("trained_on") or {}).get("index_size")
    return int(size) if size else None
