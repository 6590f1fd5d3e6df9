"""The audit trail: who saw or changed what, when, and why.

Rows are only ever added (audit.services.record); triggers in the database refuse any
UPDATE, DELETE or TRUNCATE of them (migration 0004). Each event carries a keyed hash of its
content (`row_hash`), so a changed row no longer matches; the sealer (audit.integrity)
then links events into a keyed hash chain, one AuditSeal per event, so that a removed,
replaced or reordered event breaks the chain, and writes each new end of the chain to an
anchor outside the database (audit.anchor), so that removing the last events is caught too.
`python manage.py verify_audit` checks all three and names the first broken entry.
See docs/audit-integrity.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):  # noqa: DJ008
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
        BREAK_GLASS = "break_glass", "Broke the glass"
        DENIED = "denied", "Refused access"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
    # HMAC-SHA256 of the fields above, keyed by settings.AUDIT_HASH_KEY (see audit.integrity).
    row_hash = models.CharField(max_length=64, blank=True)
    # Not columns: set by audit.views.withhold_restricted for the report.
    withheld: bool
    terms_withheld: bool

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person_id", "-at"]),
            models.Index(fields=["object_type", "object_id", "-at"]),
            models.Index(fields=["user", "-at"]),
        ]


class AuditSeal(models.Model):  # noqa: DJ008
    """One link of the hash chain: the event, its row hash as sealed, and the chain hash of
    (previous chain hash | event id | row hash), by the rule named in `scheme`. Append-only,
    like the events."""

    class Scheme(models.IntegerChoices):
        # Links made before the chain was keyed (migration 0006): plain SHA-256. Accepted only
        # up to the end recorded, under the audit key, on AuditChainHead by that migration.
        SHA256 = 1, "SHA-256 (unkeyed, before the upgrade)"
        # Every link since: HMAC-SHA256 under a key derived from settings.AUDIT_HASH_KEY.
        HMAC = 2, "HMAC-SHA256 keyed by the audit key"

    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="seal")
    row_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)
    scheme = models.PositiveSmallIntegerField(choices=Scheme.choices, default=Scheme.HMAC)

    class Meta:
        ordering = ["id"]


class AuditChainHead(models.Model):  # noqa: DJ008
    """The end of the chain, one row, locked while sealing so that sealers take turns.

    The `legacy_*` fields record where the old unkeyed chain ended when the chain was keyed
    (migration 0006): that seal, its event and chain hash, and an HMAC of the three under
    the audit key. Unkeyed links are accepted up to that seal and nowhere else. Empty when
    the chain began keyed."""

    last_seal = models.ForeignKey(AuditSeal, null=True, on_delete=models.PROTECT, related_name="+")
    last_chain_hash = models.CharField(max_length=64, default="0" * 64)
    last_event_at = models.DateTimeField(null=True)
    legacy_seal_id = models.BigIntegerField(null=True, blank=True)
    legacy_event_id = models.BigIntegerField(null=True, blank=True)
    legacy_chain_hash = models.CharField(max_length=64, blank=True)
    legacy_mac = models.CharField(max_length=64, blank=True)
