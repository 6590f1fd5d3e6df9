"""The access matrix's records for the information-sharing log (see test_access_matrix.MODULES):
a disclosure and a decision not to share about the matrix child, and a notice to the social
worker. The history and the forms use the ordinary case rules ("case_work", "case_change"),
the managers' list "access_oversight"; the rules below are the app's own."""

from partners.models import User

R = User.Role
EXPECTED: dict[str, object] = {
    # CP-IS look-ups: partner practitioners of a health agency only. The matrix's partner
    # practitioner is a police officer, so no role of the matrix's world may ask.
    "cpis_query": set(),
    "notices": {
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
    from sharing import services
    from sharing.models import Notice

    worker, manager = world["users"][R.SOCIAL_WORKER], world["users"][R.TEAM_MANAGER]
    police = world["users"][R.PARTNER_PRACTITIONER].agency
    services.record_disclosure(worker, world["child"], what="Matrix information", to_agency=police)
    services.record_withholding(
        worker, world["child"], information="Matrix", reasons="Matrix reasons", decision_maker=manager, to_agency=police
    )
    notice = Notice.objects.create(user=worker, person=world["child"], title="Matrix notice")
    return {"sharing_notice_id": notice.pk}
