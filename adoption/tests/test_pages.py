"""The adoption pages: each renders, a good POST takes the step through the service, a bad one
answers 400 with the service's message in the GOV.UK error summary and saves nothing; every
view is audited; another team's worker gets the 404 of a record that does not exist; a
partner practitioner may read the plan but not change it and never sees the adopters; the
adopters' names show on a child's plan only to those the `adopters` rule lets in."""

import datetime

import pytest
from django.urls import reverse

from adoption import services
from adoption.models import AdopterHousehold, AdoptionDecision
from adoption.testing import approved_household
from audit.models import AuditEvent
from childrenincare import services as care
from childrenincare.models import LegalStatus
from childrenincare.testing import looked_after
from partners.models import Team, User
from people.models import Involvement
from testing.pages import date_data, refused

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


def ago(days):
    return TODAY() - days * DAY


@pytest.fixture
def period(worker, child):
    period = looked_after(worker, child, ago(300))
    care.change_legal_status(worker, period, code="C1", on=ago(280))
    return period


@pytest.fixture
def decision(worker, period):
    return services.record_decision(worker, period, decided_on=ago(250), decision_maker="A. Decider")


def test_the_decision_page_records_the_decision_and_keeps_bad_input(signed_in, child, period):
    url = reverse("adoption:decide", args=[child.pk])
    assert signed_in.get(url).status_code == 200
    body = refused(
        signed_in.post(url, {**date_data("decided_on", ago(400)), "decision_maker": "Pat Decider"}),
        "cannot be before the child became looked after",
    )
    assert 'value="Pat Decider"' in body
    assert not AdoptionDecision.objects.exists()
    refused(
        signed_in.post(
            url, {"decided_on_0": "31", "decided_on_1": "2", "decided_on_2": "2026", "decision_maker": "Pat"}
        ),
        "must be a real date",
    )
    response = signed_in.post(url, {**date_data("decided_on", ago(200)), "decision_maker": "Pat Decider"})
    assert response.status_code == 302
    assert response.url == reverse("adoption:plan", args=[child.pk])
    assert AdoptionDecision.objects.get().decided_on == ago(200)


def test_the_plan_shows_each_step_and_what_is_next_and_is_audited(signed_in, child, decision):
    response = signed_in.get(reverse("adoption:plan", args=[child.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-task-list" in body
    assert "Next: Record the placement order or the parents" in body
    assert "Placed with the adoptive family (adoption scorecard A1/A10)" in body
    assert AuditEvent.objects.filter(action="view", summary="Viewed the adoption plan", person_id=child.pk).exists()
    person_page = signed_in.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert reverse("adoption:plan", args=[child.pk]) in person_page


def test_each_step_through_its_page(signed_in, worker, child, period, decision):
    step = lambda name: reverse("adoption:step", args=[decision.pk, name])  # noqa: E731
    refused(signed_in.post(step("placement-order"), date_data("on", ago(260))), "before the decision to place")
    assert not LegalStatus.objects.filter(code="E1").exists()
    assert signed_in.post(step("placement-order"), date_data("on", ago(200))).status_code == 302
    household = approved_household(worker, approved_on=ago(150))
    match_page = signed_in.get(step("match")).content.decode()
    assert household.name in match_page
    refused(signed_in.post(step("placement"), date_data("on", ago(90))), "Match the child with adopters first")
    assert (
        signed_in.post(step("match"), {"household": household.pk, **date_data("matched_on", ago(100))}).status_code
        == 302
    )
    assert signed_in.post(step("placement"), date_data("on", ago(90))).status_code == 302
    refused(signed_in.post(step("order"), {**date_data("on", ago(10)), "reason": "E4A"}), "Select whether")
    assert signed_in.post(step("order"), {**date_data("on", ago(10)), "reason": "E11"}).status_code == 302
    period.refresh_from_db()
    assert period.end_reason == "E11"
    assert "Adoption order" in signed_in.get(reverse("adoption:plan", args=[child.pk])).content.decode()
    assert signed_in.get(reverse("adoption:step", args=[decision.pk, "nonsense"])).status_code == 404


def test_no_longer_placed_page(signed_in, child, decision):
    url = reverse("adoption:step", args=[decision.pk, "no-longer"])
    refused(signed_in.post(url, date_data("on", ago(5))), "Select why the child should no longer be placed")
    assert signed_in.post(url, {**date_data("on", ago(5)), "reason": "RD3"}).status_code == 302
    decision.refresh_from_db()
    assert decision.ceased_reason == "RD3"


def test_another_teams_worker_gets_the_404_of_a_record_that_does_not_exist(client, user, la, child, decision):
    other = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team", function="Assessment"))
    client.force_login(other)
    assert client.get(reverse("adoption:plan", args=[child.pk])).status_code == 404
    assert client.get(reverse("adoption:step", args=[decision.pk, "placement-order"])).status_code == 404
    assert AuditEvent.objects.filter(action="denied", person_id=child.pk).exists()


def test_a_partner_may_read_the_plan_but_not_change_it_nor_see_adopters(
    client, police_officer, worker, child, decision
):
    Involvement.objects.create(person=child, agency=police_officer.agency, kind="Police", start_date=ago(30))
    household = approved_household(worker, approved_on=ago(150))
    services.record_match(worker, decision, household=household, matched_on=ago(100))
    client.force_login(police_officer)
    body = client.get(reverse("adoption:plan", args=[child.pk])).content.decode()
    assert household.reference in body
    assert household.name not in body
    assert client.get(reverse("adoption:step", args=[decision.pk, "placement-order"])).status_code == 403
    assert client.get(reverse("adoption:adopters")).status_code == 403
    assert client.get(reverse("adoption:household", args=[household.pk])).status_code == 403


def test_an_iro_may_change_the_plan_but_not_match_with_adopters(client, user, la, child, decision):
    iro = user(User.Role.IRO, agency=la, team=None)
    Involvement.objects.create(person=child, agency=la, worker=iro, kind="IRO", start_date=ago(30))
    client.force_login(iro)
    assert client.get(reverse("adoption:step", args=[decision.pk, "placement-order"])).status_code == 200
    assert client.get(reverse("adoption:step", args=[decision.pk, "match"])).status_code == 403


def test_the_adopters_pages_record_an_enquiry_and_each_stage(signed_in):
    assert signed_in.get(reverse("adoption:adopters")).status_code == 200
    url = reverse("adoption:household-new")
    data = {
        "name": "The Testwood household",
        "relationship": "married",
        **date_data("enquiry_on", ago(100)),
        "first_given_names": "Jo",
        "first_family_name": "Testwood",
        "first_sex": "F",
        "first_ethnicity": "WBRI",
        "first_disability": "no",
    }
    body = refused(signed_in.post(url, data), "Enter both adopters of a couple")
    assert 'value="The Testwood household"' in body
    assert not AdopterHousehold.objects.exists()
    data.update(
        {
            "second_given_names": "Sam",
            "second_family_name": "Testwood",
            "second_sex": "M",
            "second_disability": "unknown",
        }
    )
    response = signed_in.post(url, data)
    household = AdopterHousehold.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("adoption:household", args=[household.pk])
    stage = lambda name: reverse("adoption:household-stage", args=[household.pk, name])  # noqa: E731
    refused(signed_in.post(stage("stage-1-start"), date_data("on", ago(120))), "cannot be before the enquiry")
    assert signed_in.post(stage("stage-1-start"), date_data("on", ago(90))).status_code == 302
    refused(signed_in.post(stage("stage-1-end"), date_data("on", ago(5))), "give the reason it is late")
    assert (
        signed_in.post(stage("stage-1-end"), {**date_data("on", ago(5)), "late_reason": "References"}).status_code
        == 302
    )
    page = signed_in.get(reverse("adoption:household", args=[household.pk])).content.decode()
    assert "Stage 1 ended" in page
    assert "Late" in page
    assert "Jo Testwood" in page
    assert signed_in.post(stage("left"), {**date_data("on", ago(1)), "reason": "withdrew"}).status_code == 302
    household.refresh_from_db()
    assert household.left_reason == "withdrew"
    assert AuditEvent.objects.filter(action="view", object_id=str(household.pk)).exists()
    assert signed_in.get(reverse("adoption:household", args=[household.pk + 100])).status_code == 404
