"""Helpers for the care leavers tests and the browser journey: a care history written as
childrenincare keeps it (period, legal status, placement, derived episodes).

    from leavingcare.testing import care_period
    care_period(worker, person, datetime.date(2022, 1, 10), datetime.date(2024, 6, 1), end_reason="E5")
"""

import datetime

from django.utils import timezone

from childrenincare import services as care
from childrenincare.models import LegalStatus, PeriodOfCare, Placement
from frontdoor.models import Contact, ContactPerson, Referral


def historic_referral(user, person, referral_date, closure_date=None):
    """A referral long ago (before the timescale rules the front door counts with were in force)."""
    received = timezone.make_aware(datetime.datetime.combine(referral_date, datetime.time(10, 0)))
    contact = Contact.objects.create(
        received_at=received,
        channel=Contact.Channel.PHONE,
        source="6",
        concerns="Synthetic historic concern for a test.",
        consent=Contact.Consent.NOT_NEEDED,
        status=Contact.Status.DECIDED,
        decision_due_date=referral_date,
        decision_due_at=received,
        decision_due_explanation="Historic",
        recorded_by=user,
    )
    ContactPerson.objects.create(
        contact=contact, person=person, role=ContactPerson.Role.SUBJECT, matched_by=ContactPerson.Match.CHOSEN
    )
    return Referral.objects.create(
        person=person,
        contact=contact,
        referral_date=referral_date,
        source="6",
        primary_need="N1",
        closure_date=closure_date,
        closure_reason="RC7" if closure_date else "",
    )


def care_period(user, person, start, end=None, *, end_reason="E8", legal_status="C2", statuses=None):
    """A period of care from `start` to `end` (open when None). `statuses`: [(day, code)] for
    more than one legal status."""
    episode = historic_referral(user, person, start, end)
    period = PeriodOfCare.objects.create(
        person=person,
        episode=episode,
        start_date=start,
        category_of_need="N1",
        end_date=end,
        end_reason=end_reason if end else "",
        created_by=user,
    )
    rows = statuses or [(start, legal_status)]
    for index, (day, code) in enumerate(rows):
        following = rows[index + 1][0] if index + 1 < len(rows) else end
        LegalStatus.objects.create(period=period, code=code, start_date=day, end_date=following, recorded_by=user)
    Placement.objects.create(
        period=period,
        place="U6",
        provider="PR1",
        urn="SC900001",
        postcode="TE1 1AA",
        start_date=start,
        end_date=end,
        recorded_by=user,
    )
    care.derive_episodes(period)
    return period
