"""The early help pages: each renders and is audited, a good POST takes the step, a bad one
answers 400 with the GOV.UK error summary, keeps what was typed and saves nothing, and
need-to-know holds (a partner lead practitioner sees only the early help they lead or their
agency is part of; someone else gets the 404 of a record that does not exist, and a partner
who may read but does not lead gets 403 on a change)."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from familyhelp.early_help import selectors as early_help_selectors
from familyhelp.models import EarlyHelpAssessment, EarlyHelpEpisode, FamilyPlan, FamilyPlanReview
from frontdoor.models import Contact
from partners.models import Agency, User
from people.models import Involvement
from testing.pages import date_data, refused

from .test_early_help import decided_contact, start

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


@pytest.fixture
def involved(worker, child, sibling):
    for person in (child, sibling):
        Involvement.objects.create(
            person=person, agency=worker.agency, team=worker.team, kind="Test", start_date=TODAY() - 100 * DAY
        )
    return worker


@pytest.fixture
def episode(involved, fh_lead, child):
    return start(involved, [child], fh_lead, on=TODAY() - 20 * DAY)


def test_the_childs_early_help_and_starting_it_directly(client, involved, fh_lead, child):
    client.force_login(involved)
    page = client.get(reverse("earlyhelp:child", args=[child.pk]))
    assert page.status_code == 200
    assert "has no early help" in page.content.decode()
    assert AuditEvent.objects.filter(person_id=child.pk, summary="Viewed the child's early help").exists()
    url = reverse("earlyhelp:start", args=[child.pk])
    assert client.get(url).status_code == 200
    on = TODAY() - 3 * DAY
    bad = client.post(
        url, {"lead_practitioner": fh_lead.pk, **date_data("start_date", on), "consent_given_by": "Their grandmother"}
    )
    body = refused(bad, "Enter the date the family gave consent")
    assert 'value="Their grandmother"' in body
    assert not EarlyHelpEpisode.objects.exists()
    good = client.post(
        url,
        {
            "lead_practitioner": fh_lead.pk,
            **date_data("start_date", on),
            **date_data("consent_given_on", on),
            "consent_given_by": "Their grandmother",
        },
    )
    made = EarlyHelpEpisode.objects.get()
    assert good.status_code == 302
    assert good["Location"] == reverse("earlyhelp:episode", args=[made.pk])
    page = client.get(good["Location"])
    text = page.content.decode()
    assert "Given by Their grandmother" in text
    assert "Early help assessment completed" in text
    assert AuditEvent.objects.filter(person_id=child.pk, summary="Viewed early help").exists()
    assert "Start an early help assessment" in text


def test_starting_from_a_decided_contact(client, involved, fh_lead, dsl, child, sibling):
    contact = decided_contact(involved, [child, sibling])
    client.force_login(involved)
    page = client.get(reverse("frontdoor:contact", args=[contact.pk]))
    assert reverse("earlyhelp:start-from-contact", args=[contact.pk]) in page.content.decode()
    url = reverse("earlyhelp:start-from-contact", args=[contact.pk])
    assert client.get(url).status_code == 200
    on = TODAY() - 10 * DAY
    refused(
        client.post(
            url,
            {
                "lead_practitioner": "",
                **date_data("start_date", on),
                **date_data("consent_given_on", on),
                "consent_given_by": "Mother",
            },
        ),
        "Select the lead practitioner",
    )
    assert not EarlyHelpEpisode.objects.exists()
    response = client.post(
        url,
        {
            "lead_practitioner": dsl.pk,
            **date_data("start_date", on),
            **date_data("consent_given_on", on),
            "consent_given_by": "Mother",
        },
    )
    assert response.status_code == 302
    made = EarlyHelpEpisode.objects.get()
    assert made.contact == contact
    assert made.children.count() == 2
    page = client.get(reverse("frontdoor:contact", args=[contact.pk]))
    assert reverse("earlyhelp:episode", args=[made.pk]) in page.content.decode()
    # The front door's records are the authority's: a partner gets the 404.
    client.force_login(dsl)
    assert client.get(url).status_code == 404


def test_a_contact_not_decided_early_help_says_so(client, involved, child):
    contact = decided_contact(involved, [child], outcome="advice")
    client.force_login(involved)
    page = client.get(reverse("earlyhelp:start-from-contact", args=[contact.pk]))
    assert page.status_code == 200
    assert "this contact was not" in page.content.decode()
    assert "<form" not in page.content.decode().split("govuk-main-wrapper")[-1]


def test_the_assessment_plan_review_and_step_up_pages(client, involved, fh_lead, episode, child):
    client.force_login(fh_lead)
    url = reverse("earlyhelp:assessment-start", args=[episode.pk])
    assert client.get(url).status_code == 200
    refused(client.post(url, date_data("start_date", episode.start_date - 5 * DAY)), "cannot be before")
    assert not EarlyHelpAssessment.objects.exists()
    assert client.post(url, date_data("start_date", episode.start_date + DAY)).status_code == 302
    assessment = EarlyHelpAssessment.objects.get()
    assert assessment.organisation == fh_lead.agency
    url = reverse("earlyhelp:assessment", args=[assessment.pk])
    assert client.get(url).status_code == 200
    done = episode.start_date + 5 * DAY
    body = refused(
        client.post(url, {**date_data("completed_date", done), "needs": "Sleep and routines", "family_views": ""}),
        "Enter the family",
    )
    assert "Sleep and routines" in body
    assessment.refresh_from_db()
    assert assessment.completed_date is None
    assert (
        client.post(
            url,
            {
                **date_data("completed_date", done),
                "needs": "Sleep and routines",
                "family_views": "We need help",
                "consent_to_share": "yes",
            },
        ).status_code
        == 302
    )
    url = reverse("earlyhelp:plan-start", args=[episode.pk])
    refused(client.post(url, date_data("start_date", done)), "at least one outcome")
    assert not FamilyPlan.objects.exists()
    assert (
        client.post(url, {**date_data("start_date", done), "outcome_1": "Bedtime by 8", "who_1": "Parents"}).status_code
        == 302
    )
    plan = FamilyPlan.objects.get()
    url = reverse("earlyhelp:plan-review", args=[plan.pk])
    assert client.get(url).status_code == 200
    refused(
        client.post(url, {**date_data("review_date", done + DAY), "progress": "Better"}),
        "Select whether the plan continues or ends",
    )
    assert not FamilyPlanReview.objects.exists()
    assert (
        client.post(
            url, {**date_data("review_date", done + DAY), "progress": "Better", "decision": "continue"}
        ).status_code
        == 302
    )
    page = client.get(reverse("earlyhelp:episode", args=[episode.pk])).content.decode()
    assert "Bedtime by 8" in page
    assert "Continue the plan" in page
    assert "Family plan review" in page
    url = reverse("earlyhelp:close", args=[episode.pk])
    refused(client.post(url, {**date_data("closure_date", TODAY()), "reason": "step_up"}), "what the front door")
    assert EarlyHelpEpisode.objects.get().is_open
    assert not Contact.objects.exists()
    response = client.post(
        url, {**date_data("closure_date", TODAY()), "reason": "step_up", "concerns": "New worries about neglect"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.closure_reason == "step_up"
    assert episode.step_up_contact.concerns == "New worries about neglect"
    page = client.get(reverse("earlyhelp:episode", args=[episode.pk])).content.decode()
    assert episode.step_up_contact.reference in page
    assert "Start an early help assessment" not in page


def test_a_partner_lead_sees_only_their_own(client, involved, dsl, school, child, sibling, user):
    theirs = start(involved, [child], dsl)
    others = start(involved, [sibling], involved)
    client.force_login(dsl)
    mine = client.get(reverse("earlyhelp:mine")).content.decode()
    assert child.full_name in mine
    assert sibling.full_name not in mine
    assert client.get(reverse("earlyhelp:episode", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("earlyhelp:episode", args=[others.pk])).status_code == 404
    assert AuditEvent.objects.filter(user=dsl, action="denied").exists()
    assert client.get(reverse("earlyhelp:close", args=[theirs.pk])).status_code == 200
    # Another school's practitioner: nothing of it exists for them.
    elsewhere = user(
        User.Role.PARTNER_PRACTITIONER, agency=Agency.objects.create(name="Far School", kind="school"), team=None
    )
    client.force_login(elsewhere)
    assert client.get(reverse("earlyhelp:episode", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("earlyhelp:child", args=[child.pk])).status_code == 404
    assert child.full_name not in client.get(reverse("earlyhelp:mine")).content.decode()
    # A colleague at the same school reads it (their agency leads it) but may not change it.
    colleague = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
    client.force_login(colleague)
    assert client.get(reverse("earlyhelp:episode", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("earlyhelp:close", args=[theirs.pk])).status_code == 403
    assert (
        client.post(
            reverse("earlyhelp:close", args=[theirs.pk]), {**date_data("closure_date", TODAY()), "reason": "needs_met"}
        ).status_code
        == 403
    )
    assert EarlyHelpEpisode.objects.get(pk=theirs.pk).is_open


def test_someone_without_a_reason_gets_the_404_and_others_the_403(client, episode, child, user):
    stranger = user(User.Role.SOCIAL_WORKER)  # the authority, but not involved with the child
    client.force_login(stranger)
    assert client.get(reverse("earlyhelp:episode", args=[episode.pk])).status_code == 404
    assert client.get(reverse("earlyhelp:episode", args=[999999])).status_code == 404
    client.force_login(user(User.Role.ANALYST))
    assert client.get(reverse("earlyhelp:episode", args=[episode.pk])).status_code == 403
    assert client.get(reverse("earlyhelp:mine")).status_code == 403


def test_the_case_page_links_to_early_help(client, involved, child):
    client.force_login(involved)
    page = client.get(reverse("familyhelp:case", args=[child.pk])).content.decode()
    assert reverse("earlyhelp:child", args=[child.pk]) in page
    assert early_help_selectors.open_episode_of(child) is None
