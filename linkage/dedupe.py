"""The periodic de-duplication of the person index itself (issue 20, item 5): likely duplicates
within the index, found with the approved linkage model, kept for a manager to review. Nothing
is ever merged here: merging is people.merging's, by a person.

How: the index as every linkage run sees it (``selectors.index_rows``: no restricted record, no
tombstone, an adopted child's earlier names and identifiers left out) is scored against itself
by Splink with ``link_type="dedupe_only"`` and the newest approved model's trained weights
(the same comparisons and blocking rules as the runs against partners' records: a pair is
compared once, the lower id on the left), its prior set for the index's size as a run's is
(``linkage.model.for_index_size``). That prior is the chance that a partner's record is of a
given child; two records of the index are one child far less often, so the weights here are
higher than the evidence alone says [U]: the threshold errs towards showing a manager more. A
pair whose match weight reaches the threshold (the model's ``lower`` threshold, or the setting
``LINKAGE_DEDUPE_MIN_WEIGHT`` [U]) is a likely duplicate, with each comparison's weight kept for
the review page.

Guards, as in linkage.scoring (twins and brothers and sisters are the main false matches):

- **Twins** are never proposed: two children at the same home address with the same date of
  birth whose first names are not the same, unless an NHS number or UPN agrees; or whose first
  names are only nicknames of each other ("Oliver" and "Olivia" share one in the list) and whose
  NHS numbers or UPNs are plainly different. They are counted (``twins``) and left out. A pair
  at one home born the same day that is proposed carries the ``household`` guard.
- **Adopted children** are never proposed (``selectors.adopted``): the records from before and
  after an adoption order are kept apart (issue 20, item 6), and a merge of them is refused.
  Counted (``adopted``).
- **Relatives** are never proposed: two people recorded as related to each other (a
  relationship or parental responsibility either way) are counted (``related``) and left out;
  a merge of them would be refused anyway.
- The other guards (``placeholder``, ``first_name``, ``nhs_number``, ``upn``, ``dob``, ``household``) do not
  stop a pair being proposed; they are kept with it and the review page says "Check carefully".

A pair a reviewer has decided (merged, or not the same person) is not proposed again
(people.merging.services.keep_duplicate_pairs).

The job (``tasks.find_duplicates``) gets the check's id only; ``manage.py find_duplicate_people``
queues one (run it nightly from the scheduler) or, with ``--now``, runs it in the process.
"""

from __future__ import annotations

import copy
import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from people.merging import services as merging
from people.merging.models import DuplicateCheck
from people.merging.signals import duplicate_check_requested
from people.models import ParentalResponsibility, Relationship

from . import model as linkage_model
from . import scoring, selectors
from .services import approved_model

logger = logging.getLogger(__name__)

# Columns each scored pair carries for the guards (beyond the model's own).
_RETAIN = ["household", "placeholder"]


def min_weight(model_thresholds: dict[str, Any]) -> float:
    """The match weight from which a pair is proposed: LINKAGE_DEDUPE_MIN_WEIGHT [U], else the
    model's lower threshold (its review band)."""
    configured = getattr(settings, "LINKAGE_DEDUPE_MIN_WEIGHT", None)
    if configured is not None:
        return float(configured)
    return float(model_thresholds.get("lower", scoring.Thresholds.default().lower))


def dedupe_settings(model_json: dict[str, Any]) -> dict[str, Any]:
    """The approved model's settings (its trained weights), to compare the index with itself."""
    found = copy.deepcopy(model_json)
    found["link_type"] = "dedupe_only"
    retained = list(found.get("additional_columns_to_retain") or [])
    found["additional_columns_to_retain"] = retained + [name for name in _RETAIN if name not in retained]
    found["retain_matching_columns"] = True
    found["retain_intermediate_calculation_columns"] = True
    return found


def _weight(name: str) -> str:
    if name in ("first_name", "family_name"):
        return f"coalesce(mw_{name}, 0) + coalesce(mw_tf_adj_{name}, 0)"
    return f"coalesce(mw_{name}, 0)"


def pairs_sql(predictions: str, floor: float) -> str:
    """Each likely pair with each comparison's weight and what the guards need."""
    weights = ",\n    ".join(f"{_weight(name)} AS w_{name}" for name in scoring.COMPARISONS)
    return f"""
SELECT
    unique_id_l, unique_id_r, match_weight, match_probability,
    {weights},
    gamma_first_name, gamma_nhs_number, gamma_upn, gamma_dob,
    coalesce(placeholder_l, false) OR coalesce(placeholder_r, false) AS placeholder,
    household_l, household_r, dob_l, dob_r
FROM {predictions}
WHERE match_weight >= {float(floor)}
"""


def score_index(
    rows: Sequence[dict[str, Any]],
    model_json: dict[str, Any],
    floor: float,
    *,
    db_api: Any = None,
    trained_index_size: int | None = None,
) -> list[dict[str, Any]]:
    """Splink's likely pairs within the cleaned index rows, with the match weight of each. A model
    trained on an index of another size has its prior set for this one, as a run's is
    (linkage.model.for_index_size)."""
    if len(rows) < 2:
        return []
    from splink import Linker

    if trained_index_size:
        model_json = linkage_model.for_index_size(model_json, trained_index_size, len(rows))
    db_api = db_api or linkage_model.database_api()
    table = db_api.register(linkage_model.arrow_table(rows), dataset_display_name=linkage_model.INDEX)
    link = Linker(table, dedupe_settings(model_json), log_level=logging.WARNING)
    predictions = link.inference.predict(threshold_match_weight=floor, warning_mode="never")
    found = link.misc.query_sql(pairs_sql(predictions.physical_name, floor))
    columns = found.as_pyarrow_table().to_pydict()
    predictions.drop_table_from_database_and_remove_from_cache()
    found.drop_table_from_database_and_remove_from_cache()
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _identifier_agrees(row: dict[str, Any]) -> bool:
    return row["gamma_nhs_number"] == scoring.IDENTIFIER_SAME or row["gamma_upn"] == scoring.IDENTIFIER_SAME


def _same_home_and_day(row: dict[str, Any]) -> bool:
    same_home = bool(row["household_l"]) and row["household_l"] == row["household_r"]
    return same_home and bool(row["dob_l"]) and row["dob_l"] == row["dob_r"]


def _identifier_differs(row: dict[str, Any]) -> bool:
    return scoring.IDENTIFIER_DIFFERENT in (row["gamma_nhs_number"], row["gamma_upn"])


def is_twins(row: dict[str, Any]) -> bool:
    """Two children at one home, born the same day, whose first names are not the same and
    either are not nicknames of each other either with no identifier agreeing, or have plainly
    different NHS numbers or UPNs ("Oliver" and "Olivia", nicknames of each other in the list,
    are twins with two NHS numbers): twins, not one child recorded twice."""
    if not _same_home_and_day(row) or row["gamma_first_name"] == scoring.FIRST_NAME_EXACT:
        return False
    if row["gamma_first_name"] == scoring.FIRST_NAME_NICKNAME:
        return _identifier_differs(row) and not _identifier_agrees(row)
    return not _identifier_agrees(row)


def guards(row: dict[str, Any]) -> list[str]:
    """The guards of linkage.scoring that fire on a pair (shown to the reviewer)."""
    fired = []
    if row["placeholder"]:
        fired.append("placeholder")
    gamma = row["gamma_first_name"]
    if gamma == scoring.FIRST_NAME_DIFFERENT or (gamma == scoring.FIRST_NAME_LOOSE and not _identifier_agrees(row)):
        fired.append("first_name")
    if row["gamma_nhs_number"] == scoring.IDENTIFIER_DIFFERENT:
        fired.append("nhs_number")
    if row["gamma_upn"] == scoring.IDENTIFIER_DIFFERENT:
        fired.append("upn")
    if row["gamma_dob"] == scoring.DATE_OF_BIRTH_DIFFERENT:
        fired.append("dob")
    if _same_home_and_day(row):
        fired.append("household")
    return fired


def related_pairs(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs (lower id first) recorded as related to each other, either way."""
    if not pairs:
        return set()
    ids = {pk for pair in pairs for pk in pair}
    wanted = set(pairs)
    found = set()
    links = list(
        Relationship.objects.filter(person_id__in=ids, related_person_id__in=ids).values_list(
            "person_id", "related_person_id"
        )
    ) + list(
        ParentalResponsibility.objects.filter(child_id__in=ids, holder_id__in=ids).values_list("child_id", "holder_id")
    )
    for one, other in links:
        key = (min(one, other), max(one, other))
        if key in wanted:
            found.add(key)
    return found


def find_duplicates(check_id: int, *, db_api: Any = None, today: datetime.date | None = None) -> str:
    """The background job: score the index against itself, keep the likely pairs (one
    transaction, after the scoring, which runs outside any)."""
    check = merging.claim_duplicate_check(check_id)
    if check is None:
        return "skipped"
    model = approved_model()
    if model is None:
        merging.fail_duplicate_check(
            check.pk, "No linkage model is approved yet: approve one (manage.py linkage_approve)"
        )
        return "failed"
    try:
        rows = selectors.index_rows(today)
        floor = min_weight(model.thresholds)
        scored = score_index(
            rows,
            model.splink_settings,
            floor,
            db_api=db_api,
            trained_index_size=linkage_model.trained_index_size(model.accuracy),
        )
        keys = [
            (min(int(r["unique_id_l"]), int(r["unique_id_r"])), max(int(r["unique_id_l"]), int(r["unique_id_r"])))
            for r in scored
        ]
        relatives = related_pairs(keys)
        adopted = set(selectors.adopted())
        found, twins, related, adoptions = [], 0, 0, 0
        for row, key in zip(scored, keys, strict=True):
            if is_twins(row):
                twins += 1
                continue
            if adopted.intersection(key):
                adoptions += 1
                continue
            if key in relatives:
                related += 1
                continue
            weights = {name: float(row[f"w_{name}"]) for name in scoring.COMPARISONS}
            weights["prior"] = float(row["match_weight"]) - sum(weights.values())
            found.append(
                merging.FoundPair(
                    one=key[0],
                    other=key[1],
                    match_weight=float(row["match_weight"]),
                    match_probability=float(row["match_probability"]),
                    weights=weights,
                    guards=guards(row),
                )
            )
        counts = {"people": len(rows), "pairs": len(found), "twins": twins, "related": related, "adopted": adoptions}
        merging.keep_duplicate_pairs(check, found, model_version=model.version, counts=counts)
    except Exception:
        merging.fail_duplicate_check(check.pk, "The check failed in the service")
        logger.error("duplicate check %s failed", check.pk)
        raise
    return "finished"


def queue_check(check: DuplicateCheck) -> None:
    """Put a waiting check on the task queue."""
    from .tasks import find_duplicates as job

    result = job.enqueue(check.pk)
    DuplicateCheck.objects.filter(pk=check.pk).update(task_id=str(result.id))


def _on_requested(sender: Any, check_id: int, **kwargs: Any) -> None:
    check = DuplicateCheck.objects.filter(pk=check_id, status=DuplicateCheck.Status.WAITING).first()
    if check is not None:
        queue_check(check)


def connect() -> None:
    """Called from LinkageConfig.ready: checks asked for on the people's pages are queued here."""
    duplicate_check_requested.connect(_on_requested, dispatch_uid="linkage.dedupe.queue")
