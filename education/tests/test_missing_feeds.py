"""What children missing education tells the lower layers through their registries: the front
door's pattern alerts on a contact about the child (frontdoor.patterns), and the return-home
risk signals of a child in care and their siblings (childrenincare.return_home.sources),
weighed like any other signal."""

import datetime

import pytest

from childrenincare.return_home import services as reunification
from childrenincare.testing import looked_after
from education.missing import services as missing
from frontdoor import services as front_door
from frontdoor.models import Contact, ContactPerson, PatternAlert
from partners.models import User
from people.models import Relationship
from people.services import record_person

from .conftest import TODAY

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def _contact(user, *children):
    return front_door.receive_contact(
        user,
        channel=Contact.Channel.PHONE,
        source="6",
        concerns="Synthetic concern.",
        consent=Contact.Consent.NOT_NEEDED,
        referrer_name="PC Test Officer",
        people=[
            front_door.PersonDetails(
                role=ContactPerson.Role.SUBJECT if i == 0 else ContactPerson.Role.CHILD_IN_HOUSEHOLD, person=c
            )
            for i, c in enumerate(children)
        ],
    )


def test_a_contact_about_a_child_missing_education_fires_an_alert(user, worker, child, sibling, school_list):
    case = missing.open_missing_education_case(
        worker, child, opened_on=TODAY() - 30 * DAY, source="agency", urn="999001"
    )
    mash = user(User.Role.MASH_PRACTITIONER)
    contact = _contact(mash, child, sibling)
    [alert] = PatternAlert.objects.filter(contact=contact, kind=PatternAlert.Kind.MISSING_EDUCATION)
    assert alert.person == child
    assert alert.explanation.startswith("Alex Testchild has been missing education since ")
    assert "left Testbrook Primary School with no known destination" in alert.explanation
    # Refreshing the alerts after the case closes: no more alert.
    missing.close_missing_education_case(worker, case, closed_on=TODAY(), reason="abroad")
    front_door.refresh_pattern_alerts(contact)
    assert not PatternAlert.objects.filter(contact=contact, kind=PatternAlert.Kind.MISSING_EDUCATION).exists()


def test_the_return_home_signal_is_shown_and_weighed_like_the_others(worker, child, sibling, school_list):
    mother = record_person(
        None, kind="adult", given_names="Morgan", family_name="Testparent", date_of_birth=datetime.date(1990, 2, 2)
    )
    Relationship.objects.create(person=child, related_person=mother, relationship=Relationship.Type.PARENT)
    Relationship.objects.create(person=child, related_person=sibling, relationship=Relationship.Type.SIBLING)
    sibling_case = missing.open_missing_education_case(
        worker, sibling, opened_on=TODAY() - 40 * DAY, source="authority"
    )
    period = looked_after(worker, child, TODAY() - 100 * DAY)
    decision = reunification.start_decision(
        worker,
        period,
        route=reunification.Route.SECTION_20,
        proposed_date=TODAY() + 30 * DAY,
        proposed_home="With mother at home",
        reasons="Synthetic",
        carers=[mother],
    )
    signals = {s.key: s for s in reunification.risk_signals(decision)}
    signal = signals[f"missing-education:{sibling_case.pk}"]
    assert signal.kind == "Missing education"
    assert signal.summary.startswith("Sam Testchild: missing education from")
    assert signal.weighing is None
    reunification.weigh_signal(worker, decision, signal=signal.key, how_weighed="The school place is arranged")
    weighed = {s.key: s for s in reunification.risk_signals(decision)}[signal.key]
    assert weighed.weighing is not None
    assert weighed.weighing.kind == "Missing education"
