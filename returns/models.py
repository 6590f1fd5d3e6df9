"""The returns app's own records: runs of the sector's validators on a return (returns.sector).

A run is asked for by an analyst and done in the background by the task queue (returns.tasks,
run by `manage.py db_worker`). It keeps what the validator found as structured data: the
child as the return names them (the local authority child ID or the record id), the table,
field, rule and message, never a child's name. The link to a child's record is worked out
when the findings are shown (returns.sector.rows), and the record opens only for those with a
reason to see it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SectorValidatorRun(models.Model):
    class Kind(models.TextChoices):
        SSDA903 = "903", "SSDA903"
        CIN = "cin", "CIN census"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=3, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(help_text="The year the collection ends (2026 for 2025 to 2026)")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The queue's own record of the job (django_tasks_db.DBTaskResult.id).
    task_id = models.CharField(max_length=64, blank=True)
    version = models.CharField(max_length=60, blank=True)
    # [{"child", "table", "field", "rule", "message", "fix"}], as returns.validation.Failure.
    issues = models.JSONField(default=list, blank=True)
    crashed = models.JSONField(default=list, blank=True)  # rule codes the validator could not run
    leaked = models.PositiveIntegerField(default=0)  # 903 issues that go away when the rule runs alone
    error = models.TextField(blank=True, help_text="Why the run failed, in plain words, with what to do")

    class Meta:
        constraints = [
            # One run at a time per return and year.
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=Q(status__in=["queued", "running"]),
                name="returns_one_active_sector_run",
            ),
        ]
        indexes = [models.Index(fields=["kind", "year", "-requested_at"], name="returns_sector_run_latest")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year - 1} to {self.year}: {self.get_status_display()}"

    @property
    def active(self):
        return self.status in self.ACTIVE


class ReturnJob(models.Model):
    """A check of a return or an export, asked for by a user and done in the background by the
    task queue (returns.tasks.run_return_job, returns.jobs). It keeps how far it has got (to
    show progress), then the check's findings (as structured data: the child as the return
    names them, never a name) or the file it wrote, for the user who asked only, until
    RETURN_JOBS_KEEP_HOURS have passed (returns.jobs.prune)."""

    class Kind(models.TextChoices):
        SSDA903_CHECK = "903-check", "SSDA903 checks"
        SSDA903_FILES = "903-files", "SSDA903 CSV files"
        CIN_CHECK = "cin-check", "CIN census checks"
        CIN_XML = "cin-xml", "CIN census XML"
        ANNEX_A = "annex-a", "Ofsted Annex A workbook"

    Status = SectorValidatorRun.Status
    ACTIVE = SectorValidatorRun.ACTIVE

    kind = models.CharField(max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The year the collection ends")
    inspection_date = models.DateField(null=True, blank=True, help_text="Annex A only")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # How far it has got: what it is doing, and `done` of `total` (children, or lists).
    stage = models.CharField(max_length=60, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # A check: {"counts", "failures": [{child, table, field, rule, message, fix}], "children": {child ID: person id}}.
    result = models.JSONField(default=dict, blank=True)
    # An export: the file written by the job, by a random name under RETURN_JOBS_ROOT.
    file_name = models.CharField(max_length=100, blank=True)
    download_name = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True, help_text="Why the job failed, in plain words, with what to do")

    class Meta:
        indexes = [models.Index(fields=["requested_by", "kind", "-requested_at"], name="returns_job_latest")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_status_display()}"

    @property
    def active(self):
        return self.status in self.ACTIVE

    @property
    def progress(self):
        """What the job is doing, in words: "Checking 1,200 of 2,000 children"."""
        if self.status == self.Status.QUEUED:
            return "Waiting to start"
        stage = self.stage or "Reading the records"
        if "{" in stage and not self.total:
            return stage.split(" {", 1)[0].replace(" table", " tables").replace(" list", " lists")
        return stage.format(done=f"{self.done:,}", total=f"{self.total:,}")

    @property
    def is_check(self):
        return self.kind in (self.Kind.SSDA903_CHECK, self.Kind.CIN_CHECK)
