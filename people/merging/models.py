"""The records of merging people and of the search for likely duplicates.

- ``PersonMerge``: one merge of two people, from its proposal to its undoing. ``survivor`` keeps
  its record and consistent identifier; ``merged`` becomes a tombstone (``Person.merged_into``).
  A merge of two people who both have statutory involvement (or of a restricted record, or
  proposed by someone who is not a manager) waits for a different manager's sign-off.
- ``MovedRow``: one column of one row a merge changed (the row's model, primary key and field,
  the value before and after), or left where it was because the survivor already holds the
  same (``moved`` false). Unmerging puts back exactly these.
- ``DuplicateCheck``: one run of the periodic search for duplicates within the person index
  (``linkage.dedupe``, on the database task queue), with its counts.
- ``DuplicatePair``: two people that a check found likely to be one, with the match weight of
  each comparison, for a manager to review. Never merged automatically.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DuplicateCheck(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    model_version = models.PositiveIntegerField(null=True, blank=True, help_text="The linkage model used")
    counts = models.JSONField(default=dict, help_text="People checked, pairs found, left out (twins...)")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Duplicate check {self.pk}"


class DuplicatePair(models.Model):
    """Two people a duplicate check found likely to be one (``first`` has the lower id)."""

    class Status(models.TextChoices):
        OPEN = "open", "For review"
        MERGED = "merged", "Merged"
        NOT_DUPLICATES = "not_duplicates", "Not the same person"
        GONE = "gone", "No longer found"

    first = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    found_by = models.ForeignKey(DuplicateCheck, on_delete=models.PROTECT, related_name="pairs")
    found_at = models.DateTimeField()
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # {comparison: match weight} and the model's prior: the bars of a waterfall chart.
    weights = models.JSONField(default=dict)
    # Guards that fired (linkage.scoring.GUARDS, and "placeholder"...): shown to the reviewer.
    guards = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_weight", "id"]
        indexes = [models.Index(fields=["status", "-match_weight"])]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicate_pair_in_order"),
        ]

    def __str__(self) -> str:
        return f"Likely duplicates {self.first_id} and {self.second_id}"

    @property
    def likelihood(self) -> str:
        """How likely the two are one person, in words, from the model's probability."""
        if self.match_probability >= 0.999:
            return "Very likely"
        if self.match_probability >= 0.95:
            return "Likely"
        return "Possible"


class PersonMerge(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for sign-off"
        DECLINED = "declined", "Not signed off"
        MERGED = "merged", "Merged"
        UNMERGED = "unmerged", "Undone"

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(help_text="Why the two records are one person")
    pair = models.ForeignKey(DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges")
    # Why a second person must sign it off ("" when the proposer may carry it out).
    sign_off_because = models.CharField(max_length=300, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)
    # {model label: rows} moved, and left with the tombstone because the survivor holds the same.
    moved = models.JSONField(default=dict)
    kept = models.JSONField(default=dict)
    # Rows the unmerge could not put back: [{"model", "id", "field", "why"}].
    not_restored = models.JSONField(default=list)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "-proposed_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_not_with_self"),
            # A person is the merged side of one live merge at most: a tombstone is merged once,
            # and two proposals to merge the same record away cannot both wait.
            models.UniqueConstraint(
                fields=["merged"], condition=Q(status__in=["proposed", "merged"]), name="merged_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Merge {self.pk}: {self.merged_id} into {self.survivor_id}"

    @property
    def waiting(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def done(self) -> bool:
        return self.status == self.Status.MERGED


class MovedRow(models.Model):
    """One column of one row that a merge moved from the merged person to the survivor (or,
    ``moved`` false, left with the tombstone because the survivor holds the same already)."""

    merge = models.ForeignKey(PersonMerge, on_delete=models.PROTECT, related_name="rows")
    model = models.CharField(max_length=100, help_text="The row's model, app_label.model_name")
    object_id = models.CharField(max_length=64, help_text="The row's primary key, as text")
    field = models.CharField(max_length=100, help_text="The column, as Django names it (person_id)")
    old_value = models.BigIntegerField()
    new_value = models.BigIntegerField()
    moved = models.BooleanField(default=True)
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["merge", "model", "field", "id"]
        indexes = [models.Index(fields=["merge", "model", "field"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}.{self.field}: {self.old_value} to {self.new_value}"
