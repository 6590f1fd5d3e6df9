"""Record linkage: partners' records, the models that score them, and what was decided.

- `LinkageModel`: a trained Splink model (its JSON settings, with the weights), versioned, with
  the thresholds it is used with, its measured accuracy and who approved it. Routine runs use
  the newest approved model and only score; training is done offline (`manage.py
  linkage_train`).
- `Submission`: one feed from an agency (a file uploaded or dropped, or an API call), loaded
  whole or not at all; `PartnerRecord`: one agency's record of a child, as supplied, keyed by
  the agency and the agency's own record id.
- `LinkageRun`: one scoring of submitted records against the index; `CandidatePair`: a person
  the run found for a record, with the weight of each comparison (for the review page's
  waterfall chart), the guards that fired and, for the best, the band.
- `LinkDecision`: what was decided for a record: linked automatically, linked or rejected by a
  reviewer, a new person, escalated to a manager, a link waiting for a second reviewer's
  sign-off, or a hold. The latest decision of a record stands; the labelled pairs (linked / not
  a match by a reviewer) are training data for the next model and measure it
  (linkage.review.selectors).

What waits for a reviewer is kept on the record (`PartnerRecord.review_state`, with the run
that scored it last), so the review queue is one indexed filter however many records there
are; the record's `version` is raised by every decision and every new scoring, so that two
reviewers deciding the same record at once cannot both win (kernel.concurrency).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kernel.concurrency import VersionedModel


class LinkageModel(models.Model):
    version = models.PositiveIntegerField(unique=True)
    splink_settings = models.JSONField(help_text="Splink's JSON settings with the trained weights")
    thresholds = models.JSONField(help_text="upper, lower, margin and keep (linkage.scoring.Thresholds)")
    accuracy = models.JSONField(default=dict, help_text="Figures measured on labelled data, and what data")
    description = models.TextField(blank=True)
    trained_at = models.DateTimeField(auto_now_add=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(approved_by__isnull=False), name="linkage_model_approver"
            )
        ]

    def __str__(self) -> str:
        return f"Linkage model {self.version}"


class Submission(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "File uploaded"
        DROP = "drop", "File dropped"
        API = "api", "API"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        SCORED = "scored", "Scored"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="linkage_submissions")
    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    records = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    # The API's retry key and a digest of the body (partners.idempotent).
    idempotency_key = models.CharField(max_length=200, blank=True)
    body_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="linkage_submission_idempotent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} from {self.agency_id}, {self.records} records"


class PartnerRecord(VersionedModel):
    """An agency's record of a child, as the agency last sent it."""

    class ReviewState(models.TextChoices):
        NONE = "", "Nothing waiting"
        REVIEW = "review", "Waiting for review"
        ESCALATED = "escalated", "Escalated to a manager"
        SIGN_OFF = "sign_off", "Waiting for a second reviewer's sign-off"

    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="linkage_records")
    agency_record_id = models.CharField(max_length=100)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="partner_records")
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    nhs_number = models.CharField(max_length=20, blank=True, help_text="As supplied: checked when scored")
    upn = models.CharField(max_length=20, blank=True, help_text="As supplied: checked when scored")
    updated_at = models.DateTimeField(auto_now=True)
    # The run that scored the record last (its candidates are that run's), and what waits.
    run = models.ForeignKey(
        "LinkageRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="records_scored"
    )
    review_state = models.CharField(max_length=10, choices=ReviewState.choices, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "agency_record_id"], name="partner_record_once_per_agency")
        ]
        indexes = [
            models.Index(fields=["review_state", "id"], condition=~Q(review_state=""), name="partner_record_waiting")
        ]

    def __str__(self) -> str:
        return f"Record {self.agency_record_id} of agency {self.agency_id}"


class LinkageRun(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="runs")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="runs")
    thresholds = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, help_text="Records, and how many in each band")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk}"


class CandidatePair(models.Model):  # noqa: DJ008
    class Band(models.TextChoices):
        AUTO = "auto", "Linked automatically"
        REVIEW = "review", "For review"
        NONE = "none", "No match"

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    record = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # {comparison: match weight}: the bars of a waterfall chart (plus the model's prior).
    weights = models.JSONField()
    guards = models.JSONField(default=list)
    # {comparison: level}: Splink's gamma of each comparison (-1 missing, 0 the weakest level
    # upwards), for the review page's reasons in words (linkage.review.reasons).
    levels = models.JSONField(default=dict)
    band = models.CharField(max_length=10, choices=Band.choices, blank=True, help_text="Set on the best (rank 1)")

    class Meta:
        ordering = ["run", "record", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "record", "rank"], name="candidate_rank_once")]
        indexes = [models.Index(fields=["run", "band"])]


class LinkDecision(models.Model):  # noqa: DJ008
    class Outcome(models.TextChoices):
        LINKED_AUTOMATICALLY = "auto", "Linked automatically"
        LINKED = "linked", "Linked by a reviewer"
        NOT_A_MATCH = "not_a_match", "Not this person"
        NEW_PERSON = "new_person", "A new person"
        HELD = "held", "Held"
        ESCALATED = "escalated", "Escalated to a manager"
        AWAITING_SIGN_OFF = "sign_off", "Same child, waiting for a second reviewer's sign-off"

    record = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="decisions")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    run = models.ForeignKey(LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    # The pair as the reviewer saw it: its match weight and the guards that fired (a labelled
    # pair measures the model by what it would have done with that weight).
    match_weight = models.FloatField(null=True, blank=True)
    guards = models.JSONField(default=list, blank=True)
    # A link of a child with statutory involvement is signed off by a second reviewer: the
    # decision stays the proposer's (decided_by), signed off by another (never the proposer).
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record", "-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["auto", "linked", "not_a_match", "sign_off"], person__isnull=False)
                | Q(outcome__in=["new_person", "held", "escalated"]),
                name="link_decision_names_person",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True)
                | (
                    Q(outcome="linked", decided_by__isnull=False, signed_off_at__isnull=False)
                    & ~Q(signed_off_by=F("decided_by"))
                ),
                name="link_decision_signed_off_by_another",
            ),
        ]
        indexes = [models.Index(fields=["record", "-decided_at", "-id"], name="link_decision_latest")]
