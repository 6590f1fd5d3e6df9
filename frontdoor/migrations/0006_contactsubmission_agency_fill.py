"""An idempotency key is unique per agency, not per token (2 of 3): each submission kept takes
its token's agency. Where two tokens of one agency used the same key (which the per-token rule
allowed), the earliest submission keeps the key and each later one's is marked with its own
reference, so that the key is the agency's once: a retry of that key answers the first, and the
later submissions and their contacts are kept as they are."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

MARK = " (duplicate of an earlier submission, S{pk:07d})"


def fill(apps, schema_editor):
    ContactSubmission = apps.get_model("frontdoor", "ContactSubmission")
    ApiToken = apps.get_model("partners", "ApiToken")
    ContactSubmission.objects.filter(agency__isnull=True).update(
        agency_id=Subquery(ApiToken.objects.filter(pk=OuterRef("api_token_id")).values("agency_id")[:1])
    )
    seen = set()
    for pk, agency_id, key in (
        ContactSubmission.objects.order_by("agency_id", "idempotency_key", "pk")
        .values_list("pk", "agency_id", "idempotency_key")
        .iterator()
    ):
        if (agency_id, key) in seen:
            mark = MARK.format(pk=pk)
            ContactSubmission.objects.filter(pk=pk).update(idempotency_key=key[: 200 - len(mark)] + mark)
        else:
            seen.add((agency_id, key))


def unfill(apps, schema_editor):
    pass  # the column is dropped by reversing 0005; marked keys stay marked


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0005_contactsubmission_agency"), ("partners", "0002_session_generation_api_tokens")]

    operations = [migrations.RunPython(fill, unfill)]
