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
  reviewer, a new person, or a hold. The latest decision of a record stands; the labelled
  pairs (linked / not a match by a reviewer) are training data for the next model.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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


class PartnerRecord(models.Model):
    """An agency's record of a child, as the agency last sent it."""

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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "agency_record_id"], name="partner_record_once_per_agency")
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

    record = models.ForeignKey(PartnerRecord, on_delete=models.CASCADE, related_name="decisions")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    run = models.ForeignKey(LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["record", "-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["auto", "linked", "not_a_match"], person__isnull=False)
                | Q(outcome__in=["new_person", "held"]),
                name="link_decision_names_person",
            )
        ]
