"""The review pages: the queue, a record beside its candidates (the waterfall chart drawn on the
server, the reasons in words, the key facts), the decision with the GOV.UK error summary, the
refusal when someone decided first, the audited "not found" for a child who may not be shown,
and the model's accuracy. Everyone here is synthetic."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from linkage import testing
from linkage.models import LinkDecision, PartnerRecord
from linkage.review import services
from partners.models import User
from testing import builders
from testing.pages import audited, problem, text

pytestmark = pytest.mark.django_db
R = User.Role


@pytest.fixture
def reviewer(user):
    return user(R.MASH_PRACTITIONER)


@pytest.fixture
def head(user):
    return user(R.HEAD_OF_SERVICE)


@pytest.fixture
def twin(db):
    return builders.child(given_names="Alexa", date_of_birth=datetime.date(2016, 4, 1), sex="F")


@pytest.fixture
def record(child, twin):
    return testing.scored_record(builders.police(), [child, twin])


def _url(record):
    return reverse("linkage:record", args=[record.pk])


def test_the_queue_lists_the_records_waiting_oldest_first(client, reviewer, record):
    client.force_login(reviewer)
    response = client.get(reverse("linkage:queue"))
    page = text(response)
    assert response.status_code == 200
    assert _url(record) in page
    assert "Testshire Police" in page
    assert "Another candidate&#x27;s weight is close to this one&#x27;s" in page
    assert audited(user=reviewer, action="view", summary="Viewed the partner records waiting for review")


def test_the_pages_are_the_front_doors_and_not_a_social_workers(client, worker, record):
    client.force_login(worker)
    assert client.get(reverse("linkage:queue")).status_code == 403
    assert client.get(_url(record)).status_code == 403


def test_a_record_beside_its_candidates_with_the_chart_and_the_reasons(
    client, head, record, child, twin, worker, manager
):
    builders.allocated_episode(worker, manager, child, timezone.localdate() - datetime.timedelta(days=20))
    client.force_login(head)
    response = client.get(_url(record))
    page = text(response)
    assert response.status_code == 200
    # Side by side, the differences in words.
    assert "The record beside Alex Testchild" in page
    assert re.search(r"govuk-tag--yellow\">Different<", page)
    # The waterfall, drawn on the server: an image named and described, with its table.
    assert page.count('role="img"') == 2
    assert '<title id="weights-1-title">How the match weight of Alex Testchild adds up</title>' in page
    assert "The figures are in the table with the chart." in page
    assert "Dates of birth are the same" in page
    assert "+7.1" in page
    # The key facts: a compact banner for each candidate the viewer may see in full.
    banner = page[page.index('data-testid="key-facts"') : page.index("<h1")]
    assert f'data-person="{child.pk}"' in banner
    assert "Child in need" in banner
    # Audited: one view for each child named.
    for person in (child, twin):
        assert AuditEvent.objects.filter(
            user=head, action="view", person_id=person.pk, object_id=str(record.pk)
        ).exists()


def test_a_decision_is_saved_and_the_reviewer_goes_back_to_the_queue(client, reviewer, record, child):
    client.force_login(reviewer)
    response = client.post(
        _url(record), {"decision": "same", "person": child.pk, "reason": "Same school", "version": record.version}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:queue")
    assert LinkDecision.objects.get(record=record).person == child
    follow = client.get(response["Location"])
    assert "Record linked to Alex Testchild" in text(follow)


def test_a_decision_without_a_reason_shows_the_error_summary(client, reviewer, record, child):
    client.force_login(reviewer)
    response = client.post(_url(record), {"decision": "same", "person": child.pk, "version": record.version})
    assert "Enter why this is the same child" in problem(response)
    response = client.post(_url(record), {"reason": "x", "version": record.version})
    assert "Select your decision" in problem(response)
    assert not LinkDecision.objects.exists()


def test_the_second_of_two_reviewers_is_told_someone_decided_first(client, reviewer, user, record, child):
    seen = record.version
    services.link_record(user(R.MASH_MANAGER), record, person_id=child.pk, reason="Same", version=seen)
    client.force_login(reviewer)
    response = client.post(_url(record), {"decision": "not", "person": child.pk, "reason": "Not him", "version": seen})
    page = text(response)
    assert response.status_code == 409
    assert "Someone else decided this record while you were looking at it" in page
    assert "Not him" not in page or "not waiting for a decision" in page.lower()
    assert LinkDecision.objects.filter(record=record).count() == 1
    assert audited(user=reviewer, action="conflict")


def test_an_escalated_record_shows_no_form_to_a_practitioner(client, reviewer, record):
    services.escalate_record(reviewer, record, reason="Unsure", version=record.version)
    client.force_login(reviewer)
    page = text(client.get(_url(record)))
    assert "This record was escalated: a manager decides it." in page
    assert "Save the decision" not in page


def test_a_record_naming_a_child_restricted_since_is_not_found(client, reviewer, record, child):
    child.restricted = True
    child.save()
    client.force_login(reviewer)
    assert client.get(_url(record)).status_code == 404
    assert audited(user=reviewer, action="denied")
    assert _url(record) not in text(client.get(reverse("linkage:queue")))


def test_sign_off_is_offered_to_a_second_reviewer_only(client, reviewer, user, record, child, worker, manager):
    builders.allocated_episode(worker, manager, child, timezone.localdate() - datetime.timedelta(days=20))
    client.force_login(reviewer)
    response = client.post(
        _url(record), {"decision": "same", "person": child.pk, "reason": "Same GP", "version": record.version}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.review_state == PartnerRecord.ReviewState.SIGN_OFF
    page = text(client.get(_url(record)))
    assert "Sign off the link" in page  # offered, but refused to the proposer:
    response = client.post(_url(record), {"decision": "sign_off", "reason": "Mine", "version": record.version})
    assert "You proposed this link: a second reviewer must sign it off" in problem(response)
    client.force_login(user(R.MASH_MANAGER))
    response = client.post(_url(record), {"decision": "sign_off", "reason": "Agreed", "version": record.version})
    assert response.status_code == 302
    assert LinkDecision.objects.filter(record=record, outcome="linked").exists()


def test_the_accuracy_page_explains_and_tabulates(client, reviewer, record, child):
    services.link_record(reviewer, record, person_id=child.pk, reason="Same", version=record.version)
    client.force_login(reviewer)
    response = client.get(reverse("linkage:accuracy"))
    page = text(response)
    assert response.status_code == 200
    assert "What the model would have done with the labelled pairs" in page
    assert "precision" in page
    assert "1 (1 the same child)" in page
    assert audited(user=reviewer, summary="Viewed the linkage model's accuracy against reviewers' decisions")
