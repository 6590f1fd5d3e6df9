"""The partnership's pages: a valid post saves and redirects, a bad one answers 400 with the GOV.UK
error summary and nothing saved, every view is audited, children named in an incident are named
only as people.access allows, and an agency sees only the requests asked of it."""

import datetime

import pytest
from django.urls import reverse

from partners.models import User
from partnership import services
from partnership.models import Member, Recommendation, SeriousIncident
from testing.pages import date_data, refused, text, viewed

R = User.Role
KNOWN = datetime.date(2026, 4, 2)


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


@pytest.fixture
def incident(officer, child):
    return services.record_serious_incident(
        officer,
        children=child.identifiers.get(id_type="CI").value,
        became_aware_on=KNOWN,
        harm="died",
        summary="A synthetic incident",
    )


def test_recording_an_incident(client, officer, child):
    client.force_login(officer)
    url = reverse("partnership:incident-new")
    assert client.get(url).status_code == 200
    data = {
        "children": child.identifiers.get(id_type="CI").value,
        "harm": "seriously_harmed",
        "summary": "What happened",
        **date_data("became_aware_on", KNOWN),
        **date_data("incident_on", None),
    }
    response = client.post(url, data)
    found = SeriousIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnership:incident", args=[found.pk])
    assert found.notification_due == datetime.date(2026, 4, 13)


def test_an_incident_without_children_or_summary_shows_the_error_summary(client, officer):
    client.force_login(officer)
    data = {"children": "", "harm": "", "summary": "", **date_data("became_aware_on", KNOWN)}
    body = refused(client.post(reverse("partnership:incident-new"), data), "Enter what happened")
    assert "Enter the NHS number or local authority child ID of each child" in body
    assert not SeriousIncident.objects.exists()


def test_a_late_notification_without_a_reason_shows_the_error_summary(client, officer, incident):
    client.force_login(officer)
    url = reverse("partnership:notify", args=[incident.pk])
    data = {"notified_by": "DCS", **date_data("notified_on", datetime.date(2026, 4, 14))}
    refused(client.post(url, data), "was due by 13 April 2026: give the reason it is late")
    incident.refresh_from_db()
    assert incident.notified_on is None
    response = client.post(url, {**data, "late_reason": "Known late"})
    assert response.status_code == 302


def test_the_business_unit_sees_the_childs_name_but_no_link_to_the_record(client, officer, incident, child):
    client.force_login(officer)
    body = text(client.get(reverse("partnership:incident", args=[incident.pk])))
    assert child.full_name in body
    assert reverse("people:detail", args=[child.pk]) not in body
    assert viewed(officer, f"Viewed serious incident {incident.reference}")
    # The record is closed to them by the route's rule.
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 403


def test_a_head_of_service_may_follow_the_link_to_the_record(client, user, incident, child):
    client.force_login(user(R.HEAD_OF_SERVICE))
    body = text(client.get(reverse("partnership:incident", args=[incident.pk])))
    assert reverse("people:detail", args=[child.pk]) in body


def test_a_restricted_child_is_withheld_from_the_scrutineer(client, user, incident, child):
    child.restricted = True
    child.save(update_fields=["restricted"])
    client.force_login(user(R.SCRUTINEER))
    body = text(client.get(reverse("partnership:incident", args=[incident.pk])))
    assert "Name withheld" in body
    assert child.full_name not in body


def test_an_agency_sees_and_answers_only_its_own_requests(client, officer, incident, police_officer, dsl):
    request = services.request_information(
        officer, incident, agency=police_officer.agency, question="Police contact", due_on=datetime.date.today()
    )
    client.force_login(dsl)
    assert "Police contact" not in text(client.get(reverse("partnership:requests")))
    assert client.get(reverse("partnership:request-answer", args=[request.pk])).status_code == 404
    client.force_login(police_officer)
    assert incident.reference in text(client.get(reverse("partnership:requests")))
    url = reverse("partnership:request-answer", args=[request.pk])
    refused(client.post(url, {"status": "answered", "answer": ""}), "Enter the information your agency holds")
    response = client.post(url, {"status": "answered", "answer": "Two call-outs"})
    assert response["Location"] == reverse("partnership:requests")
    request.refresh_from_db()
    assert request.answer == "Two call-outs"


def test_a_recommendation_without_an_owner_shows_the_error_summary(client, officer):
    review = services.start_practice_review(
        officer, kind="national", title="Panel review", decided_on=datetime.date(2026, 5, 1)
    )
    client.force_login(officer)
    url = reverse("partnership:recommendation-new", args=[review.pk])
    data = {"text": "Share information", "owner": "", **date_data("due_on", datetime.date(2026, 9, 1))}
    refused(client.post(url, data), "Select the agency that owns the recommendation")
    assert not Recommendation.objects.exists()


def test_the_tracker_shows_what_is_overdue(client, officer, la):
    review = services.start_practice_review(
        officer, kind="local", title="Child T", decided_on=datetime.date(2026, 1, 5), terms_of_reference="Scope"
    )
    services.add_recommendation(officer, review, text="Late one", owner=la, due_on=datetime.date(2026, 2, 1))
    client.force_login(officer)
    body = text(client.get(reverse("partnership:tracker")))
    assert "Overdue" in body
    assert "Late one" in body
    assert viewed(officer, "Viewed the recommendations tracker")


def test_the_published_arrangements_are_public(client, officer, la):
    draft = services.draft_arrangements(officer, title="Testshire safeguarding arrangements")
    for partner in ("local_authority", "icb", "police"):
        draft.members.create(
            part=Member.Part.LEAD_PARTNER,
            partner=partner,
            organisation=f"Lead {partner}",
            date_from=datetime.date(2024, 1, 1),
        )
    for sector in ("education", "childcare"):
        draft.members.create(
            part=Member.Part.RELEVANT_AGENCY,
            sector=sector,
            organisation=f"Testshire {sector}",
            date_from=datetime.date(2024, 1, 1),
        )
    url = reverse("partnership:arrangements")
    assert "have not published their arrangements" in text(client.get(url))
    services.publish_arrangements(officer, draft)
    body = text(client.get(url))
    assert "Testshire safeguarding arrangements" in body
    assert "Testshire childcare" in body
