"""The pre-proceedings pages through the Django test client: each renders, a valid POST does
the step through the service, a POST that breaks a rule answers 400 with the GOV.UK error
summary, keeps what was typed and saves nothing, who may read and who may record, and the
link from the child protection plan."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from childprotection.models import ChildProtectionPlan, PreProceedings
from childprotection.pre_proceedings import services
from partners.models import User
from people.models import Involvement
from testing import builders
from testing.pages import date_data, problem

TODAY = datetime.date.today


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def episode(worker, manager, team, child):
    return builders.allocated_episode(worker, manager, child, days_ago(200))


@pytest.fixture
def started(worker, manager, episode):
    return services.start_pre_proceedings(
        worker, episode, start_date=days_ago(60), decided_by=manager, reasons="Concerns continue"
    )


def test_starting_from_the_episode_page(signed_in, episode, manager):
    page = signed_in.get(reverse("childprotection:pre-proceedings-episode", args=[episode.pk]))
    assert page.status_code == 200
    assert "No pre-proceedings have been recorded" in page.content.decode()
    url = reverse("childprotection:pre-proceedings-start", args=[episode.pk])
    assert url in page.content.decode()
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(
        url,
        {
            **date_data("start_date", days_ago(3)),
            "forum": "Legal planning meeting",
            "decided_by": manager.pk,
            "reasons": "Neglect continues",
        },
    )
    found = PreProceedings.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("childprotection:pre-proceedings", args=[found.pk])
    page = signed_in.get(response["Location"]).content.decode()
    assert "Letter before proceedings sent" in page
    assert "Decision to step down or issue care proceedings" in page
    assert reverse("childprotection:pre-proceedings-letter", args=[found.pk]) in page
    assert AuditEvent.objects.filter(action="view", summary="Viewed pre-proceedings", object_id=str(found.pk)).exists()


def test_bad_input_is_refused_with_the_error_summary_and_nothing_saved(signed_in, episode, manager):
    url = reverse("childprotection:pre-proceedings-start", args=[episode.pk])
    response = signed_in.post(
        url,
        {
            "start_date_0": "31",
            "start_date_1": "2",
            "start_date_2": "2026",
            "decided_by": manager.pk,
            "reasons": "Typed reasons",
        },
    )
    assert "must be a real date" in problem(response)
    assert "Typed reasons" in response.content.decode()
    response = signed_in.post(url, {**date_data("start_date", days_ago(300)), "decided_by": "", "reasons": ""})
    summary = problem(response)
    assert "cannot be before the referral" in summary
    assert "Enter why pre-proceedings are starting" in summary
    assert not PreProceedings.objects.exists()


def test_a_second_open_pre_proceedings_is_refused(signed_in, episode, manager, started):
    response = signed_in.post(
        reverse("childprotection:pre-proceedings-start", args=[episode.pk]),
        {
            **date_data("start_date", days_ago(3)),
            "forum": "Legal planning meeting",
            "decided_by": manager.pk,
            "reasons": "Again",
        },
    )
    assert "already in pre-proceedings" in problem(response)
    assert PreProceedings.objects.count() == 1


def test_the_letter_must_offer_family_group_decision_making_or_say_why_not(signed_in, started):
    url = reverse("childprotection:pre-proceedings-letter", args=[started.pk])
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, {**date_data("sent_on", days_ago(58)), "fgdm_offered": "no"})
    assert "not in the child's best interests" in problem(response)
    started.refresh_from_db()
    assert started.letter_sent_on is None
    response = signed_in.post(
        url, {**date_data("sent_on", days_ago(58)), "fgdm_offered": "yes", "fgdm_offered_to": "Both parents"}
    )
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.letter_sent_on == days_ago(58)
    assert started.fgdm_offered is True


def test_each_step_page_and_the_decision(signed_in, worker, manager, started):
    services.send_letter_before_proceedings(
        worker, started, sent_on=days_ago(58), fgdm_offered=True, fgdm_offered_to="Both parents"
    )
    meeting = reverse("childprotection:pre-proceedings-initial-meeting", args=[started.pk])
    response = signed_in.post(
        meeting,
        {
            **date_data("held_on", days_ago(59)),
            "notes": "Met",
            "parents_attended": "yes",
            "parents_legally_represented": "no",
        },
    )
    assert "cannot be before the letter before proceedings" in problem(response)
    response = signed_in.post(
        meeting,
        {
            **date_data("held_on", days_ago(50)),
            "notes": "Met",
            "parents_attended": "yes",
            "parents_legally_represented": "no",
        },
    )
    assert response.status_code == 302
    assert started.meetings.get().parents_legally_represented is False
    family = reverse("childprotection:pre-proceedings-family-meeting", args=[started.pk])
    assert signed_in.get(family).status_code == 200
    assert (
        signed_in.post(
            family, {"response": "accepted", **date_data("meeting_on", days_ago(40)), "plan_response": "agreed"}
        ).status_code
        == 302
    )
    decision = reverse("childprotection:pre-proceedings-decision", args=[started.pk])
    response = signed_in.post(
        decision, {"decision": "", **date_data("decided_on", days_ago(10)), "decided_by": manager.pk, "reasons": ""}
    )
    summary = problem(response)
    assert "Select the decision" in summary
    assert "Enter the reasons" in summary
    assert (
        signed_in.post(
            decision,
            {
                "decision": "issue",
                **date_data("decided_on", days_ago(10)),
                "decided_by": manager.pk,
                "reasons": "No change",
            },
        ).status_code
        == 302
    )
    page = signed_in.get(reverse("childprotection:pre-proceedings", args=[started.pk])).content.decode()
    assert "Record the application to court" in page
    assert "Issue care proceedings" in page
    application = reverse("childprotection:pre-proceedings-court-application", args=[started.pk])
    assert (
        signed_in.post(application, {**date_data("applied_on", days_ago(9)), "order_sought": "care"}).status_code == 302
    )
    letter = reverse("childprotection:pre-proceedings-letter-of-issue", args=[started.pk])
    assert signed_in.post(letter, date_data("sent_on", days_ago(9))).status_code == 302
    started.refresh_from_db()
    assert started.court_application_date == started.letter_of_issue_sent_on == days_ago(9)


def test_who_may_read_and_who_may_record(client, user, started):
    detail = reverse("childprotection:pre-proceedings", args=[started.pk])
    letter = reverse("childprotection:pre-proceedings-letter", args=[started.pk])
    client.force_login(user(User.Role.SOCIAL_WORKER, team=None))  # no reason to see the child
    assert client.get(detail).status_code == 404
    assert client.get(letter).status_code == 404
    assert client.get(reverse("childprotection:pre-proceedings", args=[999999])).status_code == 404
    partner = user(User.Role.PARTNER_PRACTITIONER)
    Involvement.objects.create(person=started.person, agency=partner.agency, kind="Test", start_date=days_ago(5))
    client.force_login(partner)
    page = client.get(detail)
    assert page.status_code == 200
    assert letter not in page.content.decode()
    assert client.get(letter).status_code == 403
    assert client.post(letter, {"fgdm_offered": "yes"}).status_code == 403
    client.force_login(user(User.Role.ANALYST, team=None))
    assert client.get(detail).status_code == 403


def test_the_plan_and_enquiry_pages_link_to_pre_proceedings(signed_in, episode):
    plan = ChildProtectionPlan.objects.create(
        person=episode.person, episode=episode, start_date=days_ago(100), initial_category="NEG", latest_category="NEG"
    )
    page = signed_in.get(reverse("childprotection:plan", args=[plan.pk])).content.decode()
    assert reverse("childprotection:pre-proceedings-episode", args=[episode.pk]) in page
