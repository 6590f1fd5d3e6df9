"""The access matrix's records for record linkage (see test_access_matrix.MODULES): a police
record of the matrix child, scored with the child as its best candidate and waiting for review,
and the feed it came in. The review pages are the front door's and the head of service's; the
feeds pages the front-door managers', the head of service's and the analysts'."""

from partners.models import User

R = User.Role
EXPECTED: dict[str, object] = {
    "linkage_review": {R.MASH_PRACTITIONER, R.MASH_MANAGER, R.HEAD_OF_SERVICE},
    "linkage_feeds": {R.MASH_MANAGER, R.HEAD_OF_SERVICE, R.ANALYST},
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from linkage import testing

    child = world["child"]
    police = world["users"][R.PARTNER_PRACTITIONER].agency
    record = testing.scored_record(
        police,
        [child],
        record_id="MATRIX-1",
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth.isoformat(),
    )
    return {"partner_record_id": record.pk, "linkage_submission_id": record.submission_id}
