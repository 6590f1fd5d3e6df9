"""Migrations 0005-0007: idempotency keys move from unique per token to unique per agency. The
rows kept before take their token's agency; where two tokens of one agency used the same key,
the earliest keeps it and the later ones are marked, so that the new constraint holds."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners.models import Agency
from partners.tokens import issue_token

BEFORE = [("frontdoor", "0004_contactsubmission_public_id_unique")]
AFTER = [("frontdoor", "0007_contactsubmission_key_per_agency")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_submissions_take_their_agency_and_duplicate_keys_are_marked():
    try:
        old = migrate(BEFORE)  # frontdoor only: the other apps stay as they are
        Submission = old.get_model("frontdoor", "ContactSubmission")
        school = Agency.objects.create(name="Testshire Primary School", kind=Agency.Kind.SCHOOL)
        police = Agency.objects.create(name="Testshire Police", kind=Agency.Kind.POLICE)
        first, second = (issue_token(school, name, ["contacts:create"])[0].pk for name in ("Server 1", "Server 2"))
        theirs = issue_token(police, "Police case system", ["contacts:create"])[0].pk
        first, second, theirs = (
            old.get_model("partners", "ApiToken").objects.get(pk=pk) for pk in (first, second, theirs)
        )
        kept = Submission.objects.create(api_token=first, idempotency_key="key-1", body_digest="0" * 64)
        duplicate = Submission.objects.create(api_token=second, idempotency_key="key-1", body_digest="1" * 64)
        other = Submission.objects.create(api_token=theirs, idempotency_key="key-1", body_digest="2" * 64)
        long_key = Submission.objects.create(api_token=first, idempotency_key="k" * 200, body_digest="3" * 64)
        long_duplicate = Submission.objects.create(api_token=second, idempotency_key="k" * 200, body_digest="4" * 64)

        new = migrate(AFTER)
        rows = {row.pk: row for row in new.get_model("frontdoor", "ContactSubmission").objects.all()}
        assert rows[kept.pk].agency_id == rows[duplicate.pk].agency_id == school.pk
        assert rows[other.pk].agency_id == police.pk
        assert rows[kept.pk].idempotency_key == "key-1"
        assert rows[other.pk].idempotency_key == "key-1"
        assert rows[duplicate.pk].idempotency_key == f"key-1 (duplicate of an earlier submission, S{duplicate.pk:07d})"
        assert rows[long_key.pk].idempotency_key == "k" * 200
        marked = rows[long_duplicate.pk].idempotency_key
        assert len(marked) == 200
        assert marked.endswith(f"(duplicate of an earlier submission, S{long_duplicate.pk:07d})")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
