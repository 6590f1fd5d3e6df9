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
