"""The children-in-care pages: each renders, a good POST takes the step through the service,
a bad one answers 400 with the service's message in the GOV.UK error summary and saves
nothing; every view is audited; another team's worker gets the 404 of a record that does
not exist; a partner practitioner may read but not change."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from childrenincare import services
from childrenincare.models import (
    Approval,
    GateRecord,
    LookedAfterReview,
    MonitoringFlag,
    PeriodOfCare,
    Placement,
    ReunificationDecision,
)
from childrenincare.return_home import services as reunification
from childrenincare.testing import foster_carer, looked_after
from familyhelp.testing import open_episode
from partners.models import Team, User
from people.models import Involvement, Relationship
from people.services import record_person
from testing.pages import date_data, refused

D = datetime.date
TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


@pytest.fixture
def period(worker, child):
    return looked_after(worker, child, TODAY() - 60 * DAY)


@pytest.fixture
def mother(child):
    parent = record_person(
        None, kind="adult", given_names="Morgan", family_name="Testparent", date_of_birth=D(1990, 2, 2), sex="F"
    )
    Relationship.objects.create(person=child, related_person=parent, relationship=Relationship.Type.PARENT)
    return parent


def test_start_page_records_that_the_child_is_looked_after(signed_in, worker, child):
    episode = open_episode(worker, child, TODAY() - 10 * DAY)
    url = reverse("childrenincare:start", args=[episode.pk])
    assert signed_in.get(url).status_code == 200
    carer = foster_carer()
    data = {
        **date_data("on", TODAY() - 5 * DAY),
        "legal_status": "V2",
        "category_of_need": "N1",
        "place": "U6",
        "carer": carer.pk,
        "provider": "PR1",
        "postcode": "TE1 1AA",
        "area": "inside",
    }
    refused(signed_in.post(url, {**data, "urn": ""}), "Enter the provider&#x27;s Ofsted unique reference number")
    assert not PeriodOfCare.objects.exists()
    response = signed_in.post(url, {**data, "urn": "SC900001"})
    period = PeriodOfCare.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("childrenincare:period", args=[period.pk])


def test_the_care_record_shows_episodes_and_is_audited(signed_in, period):
    response = signed_in.get(reverse("childrenincare:period", args=[period.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "SSDA903 codes" in body
    assert "S: Started to be looked after" in body
    assert "Why this date" in body
    assert "First looked-after child review" in body
    assert AuditEvent.objects.filter(
        action="view", summary="Viewed the care record", person_id=period.person_id
    ).exists()


def test_placement_page_needs_the_reason_the_last_one_ended(signed_in, period):
    url = reverse("childrenincare:placement", args=[period.pk])
    assert signed_in.get(url).status_code == 200
    carer = foster_carer(name="Second carers", urn="SC900002")
    data = {
        **date_data("on", TODAY() - 10 * DAY),
        "place": "U6",
        "carer": carer.pk,
        "provider": "PR1",
        "postcode": "TE1 1AA",
        "urn": "SC900002",
        "area": "inside",
    }
    refused(signed_in.post(url, data), "Select the reason the last placement ended")
    assert Placement.objects.count() == 1
    assert signed_in.post(url, {**data, "change_reason": "CARPL"}).status_code == 302
    assert Placement.objects.count() == 2


def test_legal_status_and_cease_pages(signed_in, period):
    url = reverse("childrenincare:legal-status", args=[period.pk])
    refused(signed_in.post(url, {**date_data("on", TODAY() - 10 * DAY), "code": "V2"}), "The legal status is already")
    assert signed_in.post(url, {**date_data("on", TODAY() - 10 * DAY), "code": "C1"}).status_code == 302
    url = reverse("childrenincare:cease", args=[period.pk])
    refused(
        signed_in.post(url, {**date_data("on", TODAY() - 5 * DAY), "reason": "E4A"}),
        "needs a return-home decision approved by a nominated officer",
    )
    assert signed_in.post(url, {**date_data("on", TODAY() - 5 * DAY), "reason": "E4B"}).status_code == 302
    period.refresh_from_db()
    assert period.end_reason == "E4B"


def test_another_teams_worker_gets_a_404_and_a_partner_cannot_post(client, la, user, police_officer, period):
    stranger = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))
    client.force_login(stranger)
    assert client.get(reverse("childrenincare:period", args=[period.pk])).status_code == 404
    assert client.get(reverse("childrenincare:placement", args=[period.pk])).status_code == 404
    assert AuditEvent.objects.filter(user=stranger, action="denied").exists()
    Involvement.objects.create(
        person=period.person, agency=police_officer.agency, kind="Police", start_date=period.start_date
    )
    client.force_login(police_officer)
    assert client.get(reverse("childrenincare:period", args=[period.pk])).status_code == 200
    assert (
        client.post(
            reverse("childrenincare:cease", args=[period.pk]), {**date_data("on", TODAY()), "reason": "E4B"}
        ).status_code
        == 403
    )


def test_approvals_queue_and_decision(client, worker, nominated_officer, period):
    services.request_approval(worker, period, kind=Approval.Kind.CEASE, reasons="Going to live with an aunt")
    approval = Approval.objects.get()
    client.force_login(nominated_officer)
    body = client.get(reverse("childrenincare:approvals")).content.decode()
    assert period.person.full_name in body
    url = reverse("childrenincare:approval", args=[approval.pk])
    refused(client.post(url, {"approve": "no"}), "Give the reasons it is not approved")
    assert client.post(url, {"approve": "yes"}).status_code == 302
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED


def test_the_return_home_decision_pages(client, signed_in, worker, nominated_officer, period, mother):
    url = reverse("childrenincare:decision-new", args=[period.pk])
    body = signed_in.get(url).content.decode()
    assert "Morgan Testparent" in body
    refused(signed_in.post(url, {"route": "B"}), "Route B is for a child on an interim or full care order")
    response = signed_in.post(
        url,
        {
            "route": "A",
            **date_data("proposed_date", TODAY() + 14 * DAY),
            "proposed_home": "With mother",
            "carers": [mother.pk],
            "reasons": "Progress made",
        },
    )
    decision = ReunificationDecision.objects.get()
    assert response.status_code == 302
    page = signed_in.get(reverse("childrenincare:decision", args=[decision.pk])).content.decode()
    assert "This return home cannot be approved while" in page
    assert "govuk-task-list" in page
    gate_url = reverse("childrenincare:gate", args=[decision.pk, "iro-consulted"])
    refused(
        signed_in.post(gate_url, {"state": "met", **date_data("done_on", TODAY())}),
        "Say what was done and what it found",
    )
    assert (
        signed_in.post(
            gate_url, {"state": "met", **date_data("done_on", TODAY()), "evidence": "The IRO agrees"}
        ).status_code
        == 302
    )
    assert GateRecord.objects.filter(decision=decision, gate="iro-consulted").exists()
    # The review gate is done by a review, or marked as not applying with the reason.
    review_url = reverse("childrenincare:gate", args=[decision.pk, "review-held"])
    assert review_url in signed_in.get(reverse("childrenincare:decision", args=[decision.pk])).content.decode()
    form = signed_in.get(review_url).content.decode()
    assert "Why it does not apply" in form
    assert "When it does not apply" in form
    assert 'value="met"' not in form
    refused(
        signed_in.post(review_url, {"state": "met", **date_data("done_on", TODAY()), "evidence": "Held"}),
        "This gate is done by the records it names",
    )
    assert (
        signed_in.post(
            review_url,
            {
                "state": "not_applicable",
                **date_data("done_on", TODAY()),
                "evidence": "Not reasonably practicable: the court brought the date forward",
            },
        ).status_code
        == 302
    )
    member = decision.household.get()
    refused(
        signed_in.post(reverse("childrenincare:household-assess", args=[member.pk]), {"outcome": "no_concerns"}),
        "Enter the date of the assessment",
    )
    refused(
        signed_in.post(reverse("childrenincare:support-add", args=[decision.pk]), {"what": "Support"}),
        "Say who provides it",
    )
    refused(
        signed_in.post(reverse("childrenincare:fgdm", args=[decision.pk]), {"response": "not_offered"}),
        "not in the child&#x27;s best interests",
    )
    client.force_login(nominated_officer)
    decide = reverse("childrenincare:decide", args=[decision.pk])
    assert "still open" in client.get(decide).content.decode()
    refused(client.post(decide, {"approve": "yes", "reasons": "Ready"}), "This return home cannot be approved while")
    decision.refresh_from_db()
    assert decision.status == ReunificationDecision.Status.DRAFT


def test_monitoring_page_and_flag(client, worker, manager, child, team):
    period = looked_after(worker, child, TODAY() - 120 * DAY)
    from familyhelp import services as family_help

    family_help.allocate(manager, period.episode, team=team, worker=worker, on=period.start_date)
    services.cease_care(worker, period, on=TODAY() - 100 * DAY, reason="E4B")
    looked_after(worker, child, TODAY() - 10 * DAY, episode=period.episode)
    flag = MonitoringFlag.objects.get()
    client.force_login(manager)
    # Flagged to the team manager at once: on the team's dashboard and on their own.
    for url in (reverse("dashboards:team", args=[team.pk]), reverse("dashboards:mine")):
        assert "1 concern about children within 12 months of returning home" in client.get(url).content.decode()
    body = client.get(reverse("childrenincare:monitoring")).content.decode()
    assert "not yet seen" in body
    assert child.full_name in body
    url = reverse("childrenincare:flag", args=[flag.pk])
    refused(client.post(url, {"action": ""}), "Say what you have decided to do")
    assert client.post(url, {"action": "Review the plan"}).status_code == 302
    flag.refresh_from_db()
    assert flag.seen_by == manager
    client.force_login(worker)
    assert client.post(url, {"action": "x"}).status_code == 403


def test_every_page_about_the_child_audits_the_view(signed_in, period, mother, worker):
    decision = reunification.start_decision(
        worker,
        period,
        route="A",
        proposed_date=TODAY() + 7 * DAY,
        proposed_home="Home",
        reasons="Ready",
        carers=[mother],
    )
    LookedAfterReview.objects.create(
        period=period, number=1, held_on=TODAY() - 20 * DAY, participation="PN1", recorded_by=worker
    )
    urls = [
        reverse(name, args=[period.pk])
        for name in (
            "childrenincare:period",
            "childrenincare:legal-status",
            "childrenincare:placement",
            "childrenincare:cease",
            "childrenincare:approval-request",
        )
    ]
    urls += [
        reverse(name, args=[decision.pk])
        for name in (
            "childrenincare:decision",
            "childrenincare:household-add",
            "childrenincare:support-add",
            "childrenincare:fgdm",
            "childrenincare:decide",
            "childrenincare:returned",
            "childrenincare:withdraw",
        )
    ]
    for url in urls:
        before = AuditEvent.objects.filter(action="view", person_id=period.person_id).count()
        assert signed_in.get(url).status_code == 200, url
        assert AuditEvent.objects.filter(action="view", person_id=period.person_id).count() == before + 1, url


def test_a_new_carer_comes_back_chosen_on_the_placement_page(signed_in, period):
    url = reverse("childrenincare:placement", args=[period.pk])
    body = signed_in.get(url).content.decode()
    assert reverse("childrenincare:carer-new") + "?next=" in body
    assert f"child={period.person_id}" in body
    carer = foster_carer(name="Newly added carers", urn="SC900077")
    body = signed_in.get(url + f"?carer={carer.pk}").content.decode()
    assert f'<option value="{carer.pk}" selected>' in body
