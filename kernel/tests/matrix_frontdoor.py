"""The access matrix's records for the front door's partner submissions (see
test_access_matrix.MODULES): a submission sent with `Prefer: respond-async` by a school's API
token, waiting. The rule `front_door_oversight` (the page of submissions that are not contacts
yet) lets in front-door managers and the head of service. Its status in the API is under
`contact_submit`; a signed-in person of another agency is answered 404 (let in by the rule)."""

from partners.models import User

R = User.Role

EXPECTED = {"front_door_oversight": {R.MASH_MANAGER, R.HEAD_OF_SERVICE}}


def history(world):
    from frontdoor.models import ContactSubmission
    from partners.models import Agency
    from partners.tokens import issue_token

    school = Agency.objects.create(name="Matrix Primary School", kind=Agency.Kind.SCHOOL, urn="100999")
    token = issue_token(school, "Matrix school system", ["contacts:create"])[0]
    submission = ContactSubmission.objects.create(
        api_token=token,
        idempotency_key="matrix-1",
        body_digest="0" * 64,
        status=ContactSubmission.Status.RECEIVED,
        payload={},
    )
    return {"submission_id": submission.public_id}
