"""The access matrix's records for the care leavers module (see test_access_matrix.MODULES):
a care leaver record for the matrix child, with a personal adviser. The module adds no access
rule: reading is case_work, changing case_change."""

import datetime

EXPECTED: dict[str, object] = {}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from leavingcare.models import CareLeaver, PersonalAdviser
    from partners.models import User

    worker = world["users"][User.Role.SOCIAL_WORKER]
    record = CareLeaver.objects.create(person=world["child"], opened_on=datetime.date.today(), created_by=worker)
    PersonalAdviser.objects.create(
        care_leaver=record, adviser=worker, start_date=datetime.date.today(), appointed_by=worker
    )
    return {"care_leaver_id": record.pk}
