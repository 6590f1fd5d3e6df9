"""The shared kernel's data: code lists, versioned by date.

A code list (ethnicity, disability, referral source, legal status...) is data, loaded from
kernel/data/codelists.json by a migration and editable by an administrator. Each code is valid
from one date to another, so a collection year's list is the codes valid in that year.
"""

from django.db import models


class CodeList(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300, help_text="Where the list comes from")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    valid_from = models.DateField(null=True, blank=True, help_text="First day the code may be used; blank means always")
    valid_to = models.DateField(
        null=True, blank=True, help_text="Last day the code may be used; blank means still valid"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code", "valid_from"], name="code_unique_per_list_and_start"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class BankHoliday(models.Model):
    """A bank holiday in England and Wales: data, not a rule, since one-off days happen (the
    2022 State Funeral, the 2023 Coronation). Seeded 2022-2028 by a migration from the GOV.UK
    feed as copied into the process specification; an administrator adds new years."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=200, default="GOV.UK bank holidays feed, england-and-wales")
    confirmed = models.BooleanField(
        default=True, help_text="False while the date is computed by the usual rules, not yet published"
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %B %Y})"


class TimescaleRule(models.Model):
    """A statutory or local timescale as data: from a trigger event, an offset in a unit, on a
    calendar. National figures are the defaults; a partnership may set tighter local ones by
    adding a rule with the same slug from a later date (the newest rule in force applies).
    A due date, once issued from a rule, is stored on the record it belongs to and never
    silently recomputed (kernel.timescales)."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "Working days"
        CALENDAR_DAYS = "calendar_days", "Calendar days"
        WEEKS = "weeks", "Weeks"
        MONTHS = "months", "Calendar months"
        HOURS = "hours", "Clock hours"

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200, help_text="What must happen, for example: Decision on a contact")
    trigger = models.CharField(max_length=200, help_text="The event the time runs from, for example: contact received")
    offset = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    counting = models.CharField(
        max_length=20, blank=True, help_text="For working days: day_zero or inclusive; blank uses the setting"
    )
    source = models.CharField(max_length=300, help_text="The guidance or local decision it comes from")
    local = models.BooleanField(default=False, help_text="Set locally by the partnership rather than nationally")
    valid_from = models.DateField(help_text="First day the rule applies to trigger events")
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["slug", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["slug", "valid_from"], name="timescale_rule_once_per_start")]

    def __str__(self) -> str:
        return f"{self.name}: {self.offset} {self.get_unit_display().lower()} from {self.trigger}"


class Deadline(models.Model):
    """A due date issued from a timescale rule for one child: stored when issued, with its
    explanation, and never recomputed (kernel.deadlines). It is met when the thing happens
    (late ones carry the reason), or withdrawn when it no longer needs to happen (a section 47
    enquiry that ends without a conference). The team and worker are those responsible, kept
    up to date when a case is allocated, so the dashboards read one table."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Done"
        WITHDRAWN = "withdrawn", "No longer needed"

    rule_slug = models.SlugField(max_length=60)
    rule_name = models.CharField(max_length=200)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="deadlines")
    # The child-in-need episode it belongs to (frontdoor.Referral), when there is one.
    episode = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    # What must happen by the date: the assessment, the enquiry, the plan...
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    start_event = models.CharField(max_length=200, help_text="The trigger, as the rule names it")
    start_date = models.DateField()
    due_date = models.DateField()
    due_at = models.DateTimeField()
    explanation = models.CharField(max_length=600)
    team = models.ForeignKey(
        "partners.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines"
    )
    worker = models.ForeignKey(
        "partners.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    late = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="deadline_open_due"),
            models.Index(fields=["team", "status", "due_date"], name="deadline_team_due"),
            models.Index(fields=["worker", "status", "due_date"], name="deadline_worker_due"),
            models.Index(fields=["subject_type", "subject_id", "rule_slug"], name="deadline_subject"),
            models.Index(fields=["person", "status"], name="deadline_person"),
            models.Index(fields=["late", "done_on"], name="deadline_done_late"),
            # The team and worker dashboards' "done late" (kernel.selectors.summary, listing).
            models.Index(fields=["team", "done_on"], condition=models.Q(late=True), name="deadline_team_late"),
            models.Index(fields=["worker", "done_on"], condition=models.Q(late=True), name="deadline_worker_late"),
            # The service dashboard's counts by team and rule, read from the index alone
            # (kernel.selectors.summary_in_two; INCLUDE is ignored on SQLite).
            models.Index(
                fields=["due_date"],
                include=["team", "rule_name"],
                condition=models.Q(status="open"),
                name="deadline_open_cover",
            ),
            models.Index(
                fields=["done_on"],
                include=["team", "rule_name"],
                condition=models.Q(status="met", late=True),
                name="deadline_late_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "rule_slug"],
                condition=models.Q(status="open"),
                name="one_open_deadline_per_rule_and_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name}: due {self.due_date:%-d %B %Y}"
