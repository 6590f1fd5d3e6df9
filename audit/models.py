"""The audit trail: who saw or changed what, when, and why.

Rows are only ever added (audit.services.record). The access issue makes the table
append-only in the database and chains each row to the one before with a hash.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Removed"
        EXPORT = "export", "Exported"
        CONFLICT = "conflict", "Save refused: changed by someone else"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=40, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # What was seen or changed: a model label and id, like "people.person" and "42".
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # The child (or other person) whose record it is, when there is one.
    person_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # Search terms, changed fields (old and new values), export parameters...
    detail = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person_id", "-at"]),
            models.Index(fields=["object_type", "object_id", "-at"]),
            models.Index(fields=["user", "-at"]),
        ]
