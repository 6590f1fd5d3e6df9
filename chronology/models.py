"""The chronology: one timeline of every significant event in a child's life, from every
part of the system and every agency.

Modules do not write rows directly: they call `chronology.services.record_event`, naming a
kind they registered in `chronology.kinds`. The record page reads ChronologyEntry and never
needs to know which module an entry came from.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ChronologyEntry(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField(help_text="When the event happened (not when it was recorded)")
    kind = models.CharField(max_length=60, help_text="A kind registered in chronology.kinds")
    category = models.CharField(max_length=60)
    agency = models.ForeignKey("partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    # The record the event is about, when it lives in the system.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manual = models.BooleanField(default=False, help_text="Added by hand for an event outside the system")

    class Meta:
        verbose_name_plural = "chronology entries"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at", "-id"]),
            models.Index(fields=["person", "kind", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return self.title
