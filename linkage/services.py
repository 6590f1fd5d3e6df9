"""Writes for linkage, one transaction each.

- `receive_records`: an agency's feed (file or API), checked whole and kept whole or not at
  all; its scoring is queued for the background worker once the feed is committed.
- `store_model` / `approve_model`: a model trained offline, kept with its measured accuracy;
  only an approved model is used by routine runs.
- `link_records` (the background job's body): score a submission's records against the index
  with the newest approved model, keep the candidates with their per-comparison weights (and
  levels), record an automatic link for each record in the ``auto`` band, and put the records in
  the ``review`` band in the review queue. A record a reviewer has decided keeps its decision:
  a later run neither links it automatically nor queues it again.

The reviewers' decisions are in `linkage.review.services`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from audit import services as audit
from kernel.rules import Errors, RuleBroken
from partners.models import Agency

from . import model as linkage_model
from . import scoring, selectors
from .cleaning import RecordProblem, parse_date
from .models import CandidatePair, LinkageModel, LinkageRun, LinkDecision, PartnerRecord, Submission

logger = logging.getLogger(__name__)

RECORD_FIELDS = ("record_id", "given_names", "family_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn")
# A feed larger than this is refused (the setting LINKAGE_MAX_RECORDS may change it).
MAX_RECORDS = 200_000
_LIMITS = {
    "record_id": 100,
    "given_names": 200,
    "family_name": 200,
    "sex": 10,
    "postcode": 8,
    "nhs_number": 20,
    "upn": 20,
}


def max_records() -> int:
    return int(getattr(settings, "LINKAGE_MAX_RECORDS", MAX_RECORDS))


def check_records(agency: Agency | None, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check a feed's rows; RuleBroken lists every problem (by row) so nothing is half-loaded."""
    errors = Errors()
    if agency is None:
        errors.add("agency", "Select the agency the records are from")
    if not rows:
        errors.add("records", "The feed has no records")
    if len(rows) > max_records():
        errors.add("records", f"The feed has {len(rows):,} records: send at most {max_records():,} at a time")
    errors.raise_if_any()
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors.add("records", f"Record {number} is not a record with named fields")
            continue
        unknown = sorted(set(row) - set(RECORD_FIELDS) - {"agency"})
        if unknown:
            errors.add("records", f"Record {number} has fields this feed does not take: {', '.join(unknown)}")
            continue
        values: dict[str, Any] = {name: str(row.get(name) or "").strip() for name in RECORD_FIELDS}
        label = f"Record {number}"
        if not values["record_id"]:
            errors.add("records", f"{label} has no record_id: give the agency's own id for the record")
        elif values["record_id"] in seen:
            errors.add("records", f"{label} repeats record_id {values['record_id']}")
        seen.add(values["record_id"])
        if not values["given_names"] and not values["family_name"]:
            errors.add("records", f"{label} has no name: give a given name or a family name")
        for name, limit in _LIMITS.items():
            if len(values[name]) > limit:
                errors.add("records", f"{label}: {name} must be {limit} characters or fewer")
        try:
            values["date_of_birth"] = parse_date(values["date_of_birth"])
        except RecordProblem as problem:
            errors.add("records", f"{label}: {problem}")
        checked.append(values)
        if sum(len(messages) for messages in errors.values()) >= 50:
            errors.add("records", "There are more problems: correct these and send the feed again")
            break
    errors.raise_if_any()
    return checked


@transaction.atomic
def receive_records(
    user: Any,
    agency: Agency | None,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    filename: str = "",
    idempotency_key: str = "",
    body_digest: str = "",
) -> Submission:
    """Keep an agency's feed, whole: each record is created, or updated when the agency sent
    its record before. Its scoring is queued once the feed is committed."""
    checked = check_records(agency, rows)
    assert agency is not None  # checked above
    submission = Submission.objects.create(
        agency=agency,
        source=source,
        filename=filename[:200],
        received_by=user if getattr(user, "is_authenticated", False) else None,
        records=len(checked),
        idempotency_key=idempotency_key,
        body_digest=body_digest,
    )
    existing = {
        record.agency_record_id: record
        for record in PartnerRecord.objects.select_for_update().filter(
            agency=agency, agency_record_id__in=[row["record_id"] for row in checked]
        )
    }
    fields = ["given_names", "family_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn"]
    new: list[PartnerRecord] = []
    changed: list[PartnerRecord] = []
    for row in checked:
        record = existing.get(row["record_id"]) or PartnerRecord(agency=agency, agency_record_id=row["record_id"])
        record.submission = submission
        for name in fields:
            setattr(record, name, row[name])
        (changed if record.pk else new).append(record)
    PartnerRecord.objects.bulk_create(new, batch_size=2000)
    PartnerRecord.objects.bulk_update(changed, [*fields, "submission"], batch_size=2000)
    # A record sent again is another record to a reviewer whose page showed the old one.
    _update_in_batches([record.pk for record in changed], version=F("version") + 1)
    audit.record(
        user,
        "create",
        obj=submission,
        summary=f"Received {len(checked)} records from {agency} for linkage",
        detail={"source": source, "new": len(new), "updated": len(changed)},
    )
    transaction.on_commit(lambda: queue_run(submission))
    return submission


def queue_run(submission: Submission) -> LinkageRun | None:
    """Queue the scoring of a submission with the newest approved model (none: it waits)."""
    model = approved_model()
    if model is None:
        logger.warning("linkage submission %s waits: no approved model", submission.pk)
        return None
    from .tasks import run_linkage

    run = LinkageRun.objects.create(model=model, submission=submission, thresholds=model.thresholds)
    result = run_linkage.enqueue(run.pk)
    LinkageRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    return run


def approved_model() -> LinkageModel | None:
    return LinkageModel.objects.filter(approved_at__isnull=False).order_by("-version").first()


@transaction.atomic
def store_model(
    user: Any,
    splink_settings: dict[str, Any],
    *,
    thresholds: scoring.Thresholds,
    accuracy: dict[str, Any],
    description: str = "",
) -> LinkageModel:
    """Keep a model trained offline, as the next version, not yet approved."""
    version = (LinkageModel.objects.select_for_update().aggregate(top=Max("version"))["top"] or 0) + 1
    model = LinkageModel.objects.create(
        version=version,
        splink_settings=splink_settings,
        thresholds=thresholds.as_dict(),
        accuracy=accuracy,
        description=description,
        trained_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record(user, "create", obj=model, summary=f"Trained linkage model {version}", detail={"accuracy": accuracy})
    return model


@transaction.atomic
def approve_model(user: Any, model: LinkageModel) -> LinkageModel:
    """Approve a model for routine runs: from now on the newest approved model scores feeds."""
    model = LinkageModel.objects.select_for_update().get(pk=model.pk)
    if model.approved_at is not None:
        raise RuleBroken(f"Linkage model {model.version} was approved already")
    if user is None or not getattr(user, "pk", None):
        raise RuleBroken("A model is approved by a named person")
    model.approved_at, model.approved_by = timezone.now(), user
    model.save(update_fields=["approved_at", "approved_by"])
    audit.record_change(user, model, {"approved_at": (None, model.approved_at)}, summary="Approved a linkage model")
    return model


def _claim(run_id: int) -> LinkageRun | None:
    with transaction.atomic():
        claimed = LinkageRun.objects.filter(pk=run_id, status=LinkageRun.Status.WAITING).update(
            status=LinkageRun.Status.RUNNING, started_at=timezone.now()
        )
    return LinkageRun.objects.select_related("model", "submission").get(pk=run_id) if claimed else None


def link_records(run_id: int, *, db_api: Any = None, today: datetime.date | None = None) -> str:
    """The background job: score the run's submission. Scoring (minutes at most) is done outside
    any transaction; what it found is then written in one."""
    run = _claim(run_id)
    if run is None:
        return "skipped"
    try:
        records = list(PartnerRecord.objects.filter(submission=run.submission_id))
        thresholds = scoring.Thresholds(**run.thresholds)
        scored = scoring.score(
            selectors.index_rows(today),
            selectors.partner_rows(records),
            run.model.splink_settings,
            thresholds,
            db_api=db_api,
            trained_index_size=linkage_model.trained_index_size(run.model.accuracy),
        )
        _keep(run, records, scored)
    except Exception:
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.FAILED, finished_at=timezone.now(), error="The run failed in the service"
        )
        Submission.objects.filter(pk=run.submission_id or 0).update(status=Submission.Status.FAILED)
        logger.error("linkage run %s failed", run.pk)
        raise
    return "finished"


def _update_in_batches(ids: Sequence[int], size: int = 2000, **values: Any) -> None:
    for start in range(0, len(ids), size):
        PartnerRecord.objects.filter(pk__in=ids[start : start + size]).update(**values)


def _decided_by_a_reviewer(record_ids: Sequence[int]) -> set[int]:
    """The records whose current (latest) decision is a person's, not the model's: a later run
    keeps it (it neither links them automatically nor queues them again)."""
    latest: dict[int, str] = {}
    for start in range(0, len(record_ids), 2000):
        for record_id, outcome in (
            LinkDecision.objects.filter(record_id__in=record_ids[start : start + 2000])
            .order_by("record_id", "-decided_at", "-id")
            .values_list("record_id", "outcome")
        ):
            latest.setdefault(record_id, outcome)
    return {pk for pk, outcome in latest.items() if outcome != LinkDecision.Outcome.LINKED_AUTOMATICALLY}


def _level(value: Any) -> int:
    return -1 if value is None else int(value)


@transaction.atomic
def _keep(run: LinkageRun, records: list[PartnerRecord], scored: scoring.Scored) -> None:
    by_id = {str(record.pk): record for record in records}
    bands = {row["record_id"]: row["band"] for row in scored.best}
    pairs = []
    for row in scored.candidates:
        weights = {name: row[f"w_{name}"] for name in scoring.COMPARISONS}
        weights["prior"] = row["match_weight"] - sum(weights.values())
        pairs.append(
            CandidatePair(
                run=run,
                record=by_id[row["record_id"]],
                person_id=int(row["person_id"]),
                rank=row["rank"],
                match_weight=row["match_weight"],
                match_probability=row["match_probability"],
                weights=weights,
                guards=row["guards"],
                levels={name: _level(row.get(f"gamma_{name}")) for name in scoring.COMPARISONS},
                band=bands[row["record_id"]] if row["rank"] == 1 else "",
            )
        )
    CandidatePair.objects.bulk_create(pairs, batch_size=2000)
    reviewed = _decided_by_a_reviewer([record.pk for record in records])
    decisions = [
        LinkDecision(
            record=by_id[row["record_id"]],
            person_id=int(row["person_id"]),
            outcome=LinkDecision.Outcome.LINKED_AUTOMATICALLY,
            run=run,
            reason=f"Match weight {row['match_weight']:.1f}, model {run.model.version}",
            match_weight=row["match_weight"],
        )
        for row in scored.best
        if row["band"] == "auto" and by_id[row["record_id"]].pk not in reviewed
    ]
    # What waits for a reviewer now: the records in review, unless a reviewer has decided them.
    waiting = [
        by_id[row["record_id"]].pk
        for row in scored.best
        if row["band"] == "review" and by_id[row["record_id"]].pk not in reviewed
    ]
    settled = reviewed | set(waiting)
    others = [record.pk for record in records if record.pk not in settled]
    _update_in_batches(waiting, run=run, review_state=PartnerRecord.ReviewState.REVIEW, version=F("version") + 1)
    _update_in_batches(others, run=run, review_state=PartnerRecord.ReviewState.NONE, version=F("version") + 1)
    _update_in_batches(sorted(reviewed), run=run, version=F("version") + 1)
    LinkDecision.objects.bulk_create(decisions, batch_size=2000)
    audit.record_many(
        audit.entry(
            None, "create", obj=decision, person=decision.person_id, summary="Partner record linked automatically"
        )
        for decision in decisions
    )
    counts = {band: sum(1 for row in scored.best if row["band"] == band) for band in ("auto", "review", "none")}
    counts["records"] = len(scored.best)
    LinkageRun.objects.filter(pk=run.pk).update(
        status=LinkageRun.Status.FINISHED, finished_at=timezone.now(), counts=counts
    )
    Submission.objects.filter(pk=run.submission_id or 0).update(status=Submission.Status.SCORED)
