"""The access matrix's records for pre-proceedings (see test_access_matrix.MODULES): the
child's episode in pre-proceedings, its letter before proceedings sent with the offer of family
group decision-making, and the initial meeting. The routes use the existing rules (case_work
to read, case_change to record), so no rows are added."""

import datetime

EXPECTED: dict[str, object] = {}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from childprotection.pre_proceedings import services as pre_proceedings
    from partners.models import User

    users = world["users"]
    worker, manager = users[User.Role.SOCIAL_WORKER], users[User.Role.TEAM_MANAGER]
    today = datetime.date.today()
    found = pre_proceedings.start_pre_proceedings(
        worker,
        world["episode"],
        start_date=today - datetime.timedelta(days=3),
        decided_by=manager,
        reasons="Matrix reasons",
    )
    pre_proceedings.send_letter_before_proceedings(
        worker, found, sent_on=today - datetime.timedelta(days=2), fgdm_offered=True, fgdm_offered_to="Matrix parents"
    )
    pre_proceedings.hold_pre_proceedings_meeting(
        worker, found, kind="initial", held_on=today - datetime.timedelta(days=1), notes="Matrix meeting"
    )
    return {"pre_proceedings_id": found.pk}
