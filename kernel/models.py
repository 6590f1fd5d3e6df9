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

    def __str__(self):
        return self.name


class Code(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    valid_from = models.DateField(null=True, blank=True, help_text="First day the code may be used; blank means always")
    valid_to = models.DateField(null=True, blank=True, help_text="Last day the code may be used; blank means still valid")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code", "valid_from"], name="code_unique_per_list_and_start"),
        ]

    def __str__(self):
        return f"{self.code}: {self.label}"


class BankHoliday(models.Model):
    """A bank holiday in England and Wales: data, not a rule, since one-off days happen (the
    2022 State Funeral, the 2023 Coronation). Seeded 2022-2028 by a migration from the GOV.UK
    feed as copied into the process specification; an administrator adds new years."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=200, default="GOV.UK bank holidays feed, england-and-wales")
    confirmed = models.BooleanField(default=True, help_text="False while the date is computed by the usual rules, not yet published")

    class Meta:
        ordering = ["date"]

    def __str__(self):
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
    counting = models.CharField(max_length=20, blank=True,
                                help_text="For working days: day_zero or inclusive; blank uses the setting")
    source = models.CharField(max_length=300, help_text="The guidance or local decision it comes from")
    local = models.BooleanField(default=False, help_text="Set locally by the partnership rather than nationally")
    valid_from = models.DateField(help_text="First day the rule applies to trigger events")
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["slug", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["slug", "valid_from"], name="timescale_rule_once_per_start")]

    def __str__(self):
        return f"{self.name}: {self.offset} {self.get_unit_display().lower()} from {self.trigger}"
