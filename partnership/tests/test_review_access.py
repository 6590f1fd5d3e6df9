"""A local review's time-limited access to its children's records (issue 23 item 7: the business
unit and the scrutineer see no child's record "unless a review or audit gives them time-limited
access, which is audited"). The grant is people.access's (register_grant): while it lasts the
user holds the full record of the incident's children, and not a day longer."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from kernel.rules import RuleBroken
from partners.models import User
from partnership import services
from partnership.models import ReviewAccess
from people.access import Level, level
from people.models import RestrictedAccess
from testing.pages import date_data, refused

R = User.Role
TODAY = datetime.date.today()


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


@pytest.fixture
def review(officer, child):
    incident = services.record_serious_incident(
        officer,
        children=child.identifiers.get(id_type="CI").value,
        became_aware_on=TODAY - datetime.timedelta(days=30),
        harm="died",
        summary="A synthetic incident",
    )
    return services.start_practice_review(
        officer,
        kind="local",
        title="A synthetic local review",
        decided_on=TODAY,
        terms_of_reference="Terms",
        incident=incident,
    )


def test_the_reviewer_holds_the_record_only_while_access_lasts(officer, review, child, user):
    reviewer = user(R.SCRUTINEER)
    assert level(reviewer, child) == Level.NONE
    access = services.grant_review_access(
        officer, review, grantee=reviewer, access_to=TODAY + datetime.timedelta(days=30), reason="The review"
    )
    assert level(reviewer, child) == Level.FULL
    assert level(user(R.SCRUTINEER), child) == Level.NONE  # only the one named
    assert AuditEvent.objects.filter(person_id=child.pk, summary__contains="access to the record").exists()
    ReviewAccess.objects.filter(pk=access.pk).update(
        access_from=TODAY - datetime.timedelta(days=40), access_to=TODAY - datetime.timedelta(days=1)
    )
    assert level(reviewer, child) == Level.NONE  # its last day has passed
    ReviewAccess.objects.filter(pk=access.pk).update(access_to=TODAY)
    assert level(reviewer, child) == Level.FULL  # the last day counts
    services.end_review_access(officer, access)
    assert level(reviewer, child) == Level.NONE


def test_access_of_more_than_90_days_or_without_a_reason_is_refused(officer, review, user):
    reviewer = user(R.SCRUTINEER)
    with pytest.raises(RuleBroken) as error:
        services.grant_review_access(
            officer, review, grantee=reviewer, access_to=TODAY + datetime.timedelta(days=91), reason=""
        )
    assert "at most 90 days" in str(error.value)
    assert "Enter why they need the records" in str(error.value)
    assert not ReviewAccess.objects.exists()
    assert services.grant_review_access(
        officer, review, grantee=reviewer, access_to=TODAY + datetime.timedelta(days=90), reason="Review"
    )


def test_a_restricted_child_is_not_opened_to_someone_not_named_on_the_restriction(officer, review, child, user):
    reviewer = user(R.SCRUTINEER)
    child.restricted = True
    child.save(update_fields=["restricted"])
    RestrictedAccess.objects.create(person=child, user=officer)
    with pytest.raises(RuleBroken) as error:
        services.grant_review_access(officer, review, grantee=reviewer, access_to=TODAY, reason="Review")
    assert "not named on the restriction" in str(error.value)
    assert child.given_names not in str(error.value)
    assert not ReviewAccess.objects.exists()
    RestrictedAccess.objects.create(person=child, user=reviewer)
    services.grant_review_access(officer, review, grantee=reviewer, access_to=TODAY, reason="Review")
    assert level(reviewer, child) == Level.FULL


def test_a_national_review_gives_no_access(officer, user):
    national = services.start_practice_review(officer, kind="national", title="National", decided_on=TODAY)
    with pytest.raises(RuleBroken):
        services.grant_review_access(officer, national, grantee=user(R.SCRUTINEER), access_to=TODAY, reason="x")


def test_the_pages(client, officer, review, user):
    reviewer = user(R.SCRUTINEER, first_name="Rey", last_name="Viewer")
    client.force_login(officer)
    url = reverse("partnership:review-access", args=[review.pk])
    assert client.get(url).status_code == 200
    refused(client.post(url, {"grantee": reviewer.pk, "reason": "", **date_data("access_to", TODAY)}), "Enter why")
    response = client.post(url, {"grantee": reviewer.pk, "reason": "Review", **date_data("access_to", TODAY)})
    assert response.status_code == 302
    page = client.get(reverse("partnership:review", args=[review.pk])).content.decode()
    assert "Rey Viewer" in page
    access = ReviewAccess.objects.get()
    assert client.post(reverse("partnership:review-access-end", args=[access.pk])).status_code == 302
    access.refresh_from_db()
    assert access.ended_on == TODAY


def test_the_granted_reviewer_opens_the_childs_record_and_no_other(client, officer, review, child, user):
    from testing import builders

    reviewer = user(R.SCRUTINEER)
    other = builders.child(given_names="Other", family_name="Testchild", date_of_birth=datetime.date(2014, 1, 1))
    client.force_login(reviewer)
    record = reverse("people:detail", args=[child.pk])
    assert client.get(record).status_code == 403  # no grant: the scrutineer reads no record
    access = services.grant_review_access(officer, review, grantee=reviewer, access_to=TODAY, reason="Review")
    assert client.get(record).status_code == 200
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(user=reviewer, person_id=child.pk, action="view").exists()
    services.end_review_access(officer, access)
    assert client.get(record).status_code == 403
