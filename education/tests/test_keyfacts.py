"""Key facts from education: a request waiting for a decision, and a relevant child, once s434A
is in force; nothing before, and no query then."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from education import services
from education.keyfacts import education_facts
from people.keyfacts import key_facts

from .conftest import IN_FORCE, TODAY, plan

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


@IN_FORCE
def test_a_relevant_child_with_a_pending_request_shows_both(worker, pupil, episode):
    plan(episode, TODAY() - 60 * DAY)
    services.receive_consent_request(
        worker, pupil, source="school_notice", received_on=TODAY(), requested_by="A DSL", urn="999001"
    )
    facts = {fact.kind: fact for fact in key_facts(worker, pupil).facts}
    assert facts["home_education_request"].label == "Consent to home educate asked"
    assert facts["relevant_child"].code == "B"
    assert "On a child protection plan since" in facts["relevant_child"].detail


@IN_FORCE
def test_a_pupil_who_is_not_relevant_shows_nothing(worker, pupil, episode):
    kinds = {fact.kind for fact in key_facts(worker, pupil).facts}
    assert not kinds & {"home_education_request", "relevant_child"}


def test_before_commencement_nothing_and_no_query(worker, pupil, episode):
    plan(episode, TODAY() - 60 * DAY)
    with override_settings(S434A_COMMENCEMENT=None), CaptureQueriesContext(connection) as queries:
        assert education_facts([pupil.pk], TODAY()) == {}
    # Only the query for children missing education (s436A, in force since 2007, not gated).
    assert len(queries.captured_queries) == 1
    assert "missingeducationcase" in queries.captured_queries[0]["sql"]


@IN_FORCE
def test_a_caseload_costs_a_fixed_number_of_queries(worker, pupil, episode):
    with CaptureQueriesContext(connection) as one:
        education_facts([pupil.pk], TODAY())
    with CaptureQueriesContext(connection) as many:
        education_facts([pupil.pk, *range(10_000, 10_300)], TODAY())
    # The register, s434A and children missing education: their reads go as one query.
    assert len(one.captured_queries) == len(many.captured_queries) == 1
