"""Helpers for the case-work tests (familyhelp, childprotection, the browser journey and the
benchmarks): a child-in-need episode opened the way the front door opens one.

    from familyhelp.testing import open_episode
    episode = open_episode(worker, child, datetime.date(2025, 12, 1))
"""

import datetime

from django.utils import timezone

from frontdoor import services as front_door
from frontdoor.models import REFERRAL_INVOLVEMENT_KIND, Contact, ContactPerson, Referral
from people.models import Involvement

from . import services


def open_episode(
    user, child, referral_date, *, source="6", primary_need="N1", strategy_discussion_needed=False, household=()
):
    """A contact about the child (and any other children of the household) received on
    `referral_date`, and a referral opening a child-in-need episode for each, with the
    assessment clock started. Returns the child's episode (a frontdoor.Referral)."""
    received_at = timezone.make_aware(datetime.datetime.combine(referral_date, datetime.time(10, 0)))
    people = [front_door.PersonDetails(role=ContactPerson.Role.SUBJECT, person=child)]
    people += [
        front_door.PersonDetails(role=ContactPerson.Role.CHILD_IN_HOUSEHOLD, person=other) for other in household
    ]
    contact = front_door.receive_contact(
        user,
        channel=Contact.Channel.PHONE,
        source=source,
        concerns="Synthetic concern for a test.",
        consent=Contact.Consent.NOT_NEEDED,
        referrer_name="A test referrer",
        people=people,
        received_at=received_at,
    )
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.DECIDED)
    episodes = []
    for person in [child, *household]:
        referral = Referral.objects.create(
            person=person, contact=contact, referral_date=referral_date, source=source, primary_need=primary_need
        )
        # As the front door's decision does: the deciding user's team holds the referral.
        if user.agency_id:
            Involvement.objects.create(
                person=person,
                agency=user.agency,
                team=user.team,
                kind=REFERRAL_INVOLVEMENT_KIND,
                start_date=referral_date,
            )
        services.referral_opened(
            user, referral, strategy_discussion_needed=strategy_discussion_needed, decided_on=referral_date
        )
        episodes.append(referral)
    return episodes[0] if not household else episodes
