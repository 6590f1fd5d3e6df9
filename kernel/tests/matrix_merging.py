"""The access matrix's records for merging people (see test_access_matrix.MODULES): a second
record of the matrix child, found by a duplicate check, and a merge of it into the child proposed
by the social worker and waiting for sign-off (so that the pages about the merge show both
children's banners, and no child of the world becomes a tombstone)."""

import datetime

from partners.models import User

R = User.Role
EXPECTED: dict[str, object] = {
    # Local-authority case staff propose merges and see the likely duplicates; what a user may
    # decide (sign off, merge, undo) is checked on the page and in the service (managers).
    "person_merging": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
    },
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from people.merging import services
    from people.merging.selectors import pair_of
    from people.models import Involvement
    from people.services import record_person

    child, users = world["child"], world["users"]
    # Spelt differently from the child (whose name the restricted walk looks for on every page).
    other = record_person(
        None, kind="child", given_names="Matrix", family_name="Chyld", date_of_birth=child.date_of_birth
    )
    for someone in users.values():
        Involvement.objects.create(
            person=other,
            agency=someone.agency,
            team=someone.team,
            worker=someone,
            kind="Matrix",
            start_date=datetime.date(2024, 1, 1),
        )
    check = services.request_duplicate_check(None, queue=False)
    services.keep_duplicate_pairs(
        check,
        [services.FoundPair(child.pk, other.pk, 18.5, 0.99999, {"first_name": 6.0, "dob": 8.0, "prior": -4.0})],
        model_version=None,
        counts={"people": 2, "pairs": 1},
    )
    pair = pair_of(child, other)
    merge = services.propose_merge(users[R.SOCIAL_WORKER], child, other, reason="Matrix: the same child", pair=pair)
    return {"other_id": other.pk, "pair_id": pair.pk, "merge_id": merge.pk}
