"""Helpers for the children-in-care tests, the browser journey and the demo: a child who
became looked after the way the services record it.

    from childrenincare.testing import foster_carer, looked_after
    period = looked_after(worker, child, datetime.date(2026, 3, 2))
"""

from familyhelp.testing import open_episode

from . import services
from .models import Carer, Designation


def foster_carer(
    name="Testfoster household",
    kind=Carer.Kind.LA_FOSTER_CARER,
    provider="PR1",
    urn="SC900001",
    postcode="TE1 1AA",
    **fields,
):
    return Carer.objects.create(kind=kind, name=name, provider=provider, urn=urn, postcode=postcode, **fields)


def foster_placement(carer=None, place="U6", **fields):
    carer = carer or foster_carer()
    return services.PlacementDetails(
        place=place, provider=carer.provider, carer=carer, postcode=carer.postcode, urn=carer.urn, **fields
    )


def looked_after(
    user,
    child,
    start_date,
    *,
    legal_status="V2",
    placement=None,
    category_of_need="N1",
    episode=None,
    referral_date=None,
):
    """The child becomes looked after on `start_date` (a referral the same day opens the
    child-in-need episode unless one is given), in a local authority foster placement."""
    if episode is None:
        episode = open_episode(user, child, referral_date or start_date)
    return services.become_looked_after(
        user,
        episode,
        on=start_date,
        legal_status=legal_status,
        placement=placement or foster_placement(),
        category_of_need=category_of_need,
        home_postcode="TE2 2BB",
        previous_permanence="Z1",
    )


def designate(user, kind=Designation.Kind.NOMINATED_OFFICER, valid_from="2020-01-01"):
    return Designation.objects.create(user=user, kind=kind, valid_from=valid_from)
