"""A school's view of its own pupils known to children's social care: only the pupils on its
roll today that the designated safeguarding lead may see in full under today's need-to-know
(the school's involvement); a pupil with no involvement of the school is not listed, a
restricted pupil never listed or counted (unless the DSL is named on the restriction); the
key facts' tags; the notices the school sent; audited; the same queries for 3 pupils or 15."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from education import services
from education.models import SchoolRegistration
from people.models import Involvement, Person, PersonAlert, RestrictedAccess
from testing import builders
from testing.pages import text

from .conftest import TODAY

pytestmark = pytest.mark.django_db
URL = "/education/pupils/"


def _pupil(worker, name, urn="999001", start=datetime.date(2022, 9, 1), end=None, shared_with=None):
    child = builders.child(given_names=name, family_name="Testpupil", date_of_birth=datetime.date(2015, 5, 5))
    services.record_school_registration(
        worker, child, urn=urn, start_date=start, end_date=end, source=SchoolRegistration.Source.SCHOOL
    )
    if shared_with is not None:
        Involvement.objects.create(
            person=child, agency=shared_with, kind="Shared with the school", start_date=datetime.date(2024, 1, 1)
        )
    return child


def test_only_the_pupils_need_to_know_allows_are_listed(client, dsl, school, worker, school_list):
    shared = _pupil(worker, "Shared", shared_with=school)
    PersonAlert.objects.create(person=shared, kind=PersonAlert.Kind.OTHER, detail="Synthetic", start_date=TODAY())
    _pupil(worker, "Unshared")  # on the roll, known to social care, not shared with the school
    _pupil(worker, "Left", end=TODAY() - datetime.timedelta(days=1), shared_with=school)
    _pupil(worker, "Elsewhere", urn="999002", shared_with=school)
    hidden = _pupil(worker, "Hidden", shared_with=school)
    Person.objects.filter(pk=hidden.pk).update(restricted=True)
    named = _pupil(worker, "Named", shared_with=school)
    Person.objects.filter(pk=named.pk).update(restricted=True)
    RestrictedAccess.objects.create(person=named, user=dsl)
    services.receive_deregistration_notice(
        dsl,
        agency=school,
        key="k",
        digest="d",
        urn="999001",
        given_names="Nobody",
        family_name="Known",
        date_of_birth=datetime.date(2015, 1, 1),
        removal_date=TODAY(),
        reason="other",
    )
    client.force_login(dsl)
    response = client.get(URL)
    body = text(response)
    assert response.status_code == 200
    listed = [pupil.person.given_names for pupil in response.context["pupils"]]
    assert listed == ["Named", "Shared"]
    assert "2 pupils" in body
    for absent in ("Unshared", "Left", "Elsewhere", "Hidden"):
        assert absent not in body
    assert f">{PersonAlert.Kind.OTHER.label}<" in body  # the key facts' tags
    assert "Nobody Known" in body
    assert "Waiting to be matched" in body
    event = AuditEvent.objects.get(user=dsl, summary="Viewed the school's pupils known to children's social care")
    assert sorted(event.detail["people"]) == sorted([shared.pk, named.pk])


def test_the_page_makes_the_same_queries_for_3_pupils_as_for_15(client, dsl, school, worker, school_list):
    def queries():
        client.force_login(dsl)
        client.get(URL)  # warm up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured), len(response.context["pupils"])

    for n in range(3):
        _pupil(worker, f"Few{n}", shared_with=school)
    few, listed = queries()
    assert listed == 3
    for n in range(12):
        _pupil(worker, f"Many{n}", shared_with=school)
    many, listed = queries()
    assert listed == 15
    assert many == few, f"{few} queries for 3 pupils, {many} for 15"
