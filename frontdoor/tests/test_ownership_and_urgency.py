"""Who works on a contact, how urgent it is, and deciding with checks unanswered (issue 19, part 3).

- A contact on the MASH queue is assigned to the user or to a front-door colleague of the same
  authority; taking over someone else's contact is confirmed first; a page left open while the
  contact was decided or reassigned changes nothing (kernel.concurrency) and says what happened.
- "Overdue" says by how much ("Overdue by 2 days 3 hours"), counted in elapsed time, weekends
  included; a check past its time is tagged overdue wherever checks are listed.
- Working Together 2023 asks for a decision within one working day; where it is made before
  the agencies asked have answered, the reason is given and kept with the decision.
"""

import datetime
import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from frontdoor import selectors, services, views
from frontdoor.models import AgencyCheck, Contact, ContactDecision, PatternAlert
from frontdoor.tests.conftest import at
from kernel.concurrency import EditConflict
from partners.models import User
from testing import builders
from testing.pages import text

Outcome = ContactDecision.Outcome


@pytest.fixture
def colleague(user, mash_team):
    return user(User.Role.MASH_PRACTITIONER, team=mash_team, first_name="Casey", last_name="Colleague")


def assigned(contact):
    contact.refresh_from_db()
    return contact.allocated_to


# --- Assigning a contact: the service ------------------------------------------------------


def test_a_contact_is_assigned_to_me_audited_and_in_the_chronology(receive, child, mash_worker):
    contact = receive(child)
    assert contact.allocated_to is None
    services.assign_contact(mash_worker, contact, mash_worker, expected_version=contact.version)
    assert assigned(contact) == mash_worker
    assert contact.version == 2
    event = AuditEvent.objects.get(object_type="frontdoor.contact", object_id=str(contact.pk), action="update")
    assert event.user == mash_worker
    assert event.person_id == child.pk
    assert event.detail["changes"]["allocated_to"] == ["", str(mash_worker)]
    assert event.summary == f"Assigned contact {contact.reference} to {mash_worker}"
    entry = ChronologyEntry.objects.get(person=child, kind="contact-assigned")
    assert entry.title == f"Front-door contact taken on by {mash_worker}"


def test_a_contact_is_given_only_to_a_front_door_colleague_of_the_same_authority(
    receive, child, mash_worker, colleague, user, school
):
    contact = receive(child)
    services.assign_contact(mash_worker, contact, colleague, expected_version=contact.version)
    assert assigned(contact) == colleague
    other_council = builders.local_authority("Otherton Council", la_code="998")
    elsewhere = user(User.Role.MASH_PRACTITIONER, agency=other_council)
    teacher = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
    gone = user(User.Role.MASH_PRACTITIONER, team=colleague.team, is_active=False)
    for refused in (elsewhere, teacher, gone):
        with pytest.raises(services.FrontDoorError) as error:
            services.assign_contact(colleague, contact, refused, expected_version=contact.version)
        assert error.value.errors == {"to_user": ["Select someone who works in your front door"]}
    assert assigned(contact) == colleague
    assert set(selectors.front_door_colleagues(mash_worker)) == {colleague, mash_worker}


def test_taking_over_someone_elses_contact_needs_confirming(receive, child, mash_worker, colleague):
    contact = receive(child)
    services.assign_contact(colleague, contact, colleague, expected_version=contact.version)
    version = contact.version
    with pytest.raises(services.TakingOver) as taking_over:
        services.assign_contact(mash_worker, contact, mash_worker, expected_version=version)
    assert taking_over.value.owner == colleague
    assert str(taking_over.value) == f"{colleague} is working on this contact"
    contact.refresh_from_db()
    assert (contact.allocated_to, contact.version) == (colleague, version), "nothing changed"
    services.assign_contact(mash_worker, contact, mash_worker, expected_version=version, confirm_taking_over=True)
    assert assigned(contact) == mash_worker
    event = AuditEvent.objects.filter(object_id=str(contact.pk), action="update").latest("id")
    assert event.summary == f"Assigned contact {contact.reference} to {mash_worker} (was {colleague})"
    # The owner may hand their own contact on without being asked.
    services.assign_contact(mash_worker, contact, colleague, expected_version=contact.version)
    assert assigned(contact) == colleague
    with pytest.raises(services.FrontDoorError) as already:
        services.assign_contact(mash_worker, contact, colleague, expected_version=contact.version)
    assert already.value.errors == {"to_user": [f"The contact is already assigned to {colleague}"]}


def test_a_stale_page_overwrites_nothing(receive, child, mash_worker, colleague, threshold):
    contact = receive(child)
    seen = contact.version  # both pages show version 1
    services.assign_contact(colleague, contact, colleague, expected_version=seen)
    with pytest.raises(EditConflict) as conflict:
        services.assign_contact(mash_worker, contact, mash_worker, expected_version=seen, confirm_taking_over=True)
    assert conflict.value.current.allocated_to == colleague
    assert assigned(contact) == colleague, "the later save did not overwrite the earlier one"

    decided = receive(child)
    page_version = decided.version
    services.decide_contact(mash_worker, decided, level=threshold.levels.get(number=1), outcome="nfa", rationale="x")
    with pytest.raises(EditConflict) as conflict:
        services.assign_contact(colleague, decided, colleague, expected_version=page_version)
    assert conflict.value.current.status == Contact.Status.DECIDED
    assert assigned(decided) is None


# --- Deciding with checks unanswered --------------------------------------------------------


def test_deciding_with_an_unanswered_check_needs_a_reason_which_is_kept(receive, child, mash_worker, threshold):
    contact = receive(child)
    police = services.request_check(mash_worker, contact, AgencyCheck.Kind.POLICE)
    health = services.request_check(mash_worker, contact, AgencyCheck.Kind.HEALTH)
    services.answer_check(mash_worker, health, status=AgencyCheck.Status.NOTHING_KNOWN)
    answers = dict(level=threshold.levels.get(number=2), outcome=Outcome.EARLY_HELP, rationale="Needs support")
    for attempt in (services.check_decision, services.decide_contact):
        with pytest.raises(services.FrontDoorError) as refused:
            attempt(mash_worker, contact, **answers, unanswered_checks_reason="  ")
        assert refused.value.errors == {
            "unanswered_checks_reason": [
                "The police check is not answered yet: give the reason for deciding without the answer"
            ]
        }
    assert not ContactDecision.objects.exists()
    police.refresh_from_db()
    assert police.status == AgencyCheck.Status.REQUESTED

    decision = services.decide_contact(
        mash_worker, contact, **answers, unanswered_checks_reason="The family asked for help today; police can follow."
    )
    assert decision.unanswered_checks_reason == "The family asked for help today; police can follow."
    assert list(decision.unanswered_checks.all()) == [police]
    police.refresh_from_db()
    assert police.status == AgencyCheck.Status.WITHDRAWN


def test_every_unanswered_check_is_named_and_a_reason_without_one_is_not_kept(receive, child, mash_worker, threshold):
    contact = receive(child)
    for kind in (AgencyCheck.Kind.POLICE, AgencyCheck.Kind.HEALTH, AgencyCheck.Kind.EDUCATION):
        services.request_check(mash_worker, contact, kind)
    answers = dict(level=threshold.levels.get(number=1), outcome=Outcome.NO_FURTHER_ACTION, rationale="x")
    with pytest.raises(services.FrontDoorError) as refused:
        services.decide_contact(mash_worker, contact, **answers)
    assert refused.value.errors["unanswered_checks_reason"] == [
        "The police, health and education checks are not answered yet: give the reason for deciding without the answer"
    ]
    answered = receive(child)
    decision = services.decide_contact(mash_worker, answered, **answers, unanswered_checks_reason="Not needed")
    assert decision.unanswered_checks_reason == ""
    assert not decision.unanswered_checks.exists()


# --- Urgency in words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (datetime.timedelta(0), "less than a minute"),
        (datetime.timedelta(seconds=59), "less than a minute"),
        (datetime.timedelta(minutes=1), "1 minute"),
        (datetime.timedelta(minutes=59, seconds=59), "59 minutes"),
        (datetime.timedelta(hours=1), "1 hour"),
        (datetime.timedelta(hours=1, minutes=59), "1 hour"),
        (datetime.timedelta(hours=23, minutes=59), "23 hours"),
        (datetime.timedelta(days=1), "1 day"),
        (datetime.timedelta(days=1, hours=1), "1 day 1 hour"),
        (datetime.timedelta(days=2, hours=3, minutes=40), "2 days 3 hours"),
        (datetime.timedelta(days=9, minutes=30), "9 days"),
        (datetime.timedelta(seconds=-5), "less than a minute"),
    ],
)
def test_time_in_words(delta, words):
    assert selectors.time_in_words(delta) == words


def test_due_and_overdue_at_the_boundary():
    due = at(2026, 12, 4, 23, 59)
    assert selectors.urgency(due, due) == "Due in less than a minute"
    assert selectors.urgency(due, due + datetime.timedelta(seconds=1)) == "Overdue by less than a minute"
    assert selectors.urgency(due, due - datetime.timedelta(hours=5)) == "Due in 5 hours"
    assert selectors.urgency(due, due + datetime.timedelta(days=2, hours=3)) == "Overdue by 2 days 3 hours"


def test_a_contact_due_on_friday_is_overdue_by_the_weekend_too_by_monday(receive, child, settings):
    """The one working day is counted when the deadline is set (Thursday's contact is due by the
    end of Friday); the time past it is elapsed time, the weekend included."""
    contact = receive(child, received_at=at(2026, 12, 3, 10))  # Thursday
    assert timezone.localtime(contact.decision_due_at).date() == datetime.date(2026, 12, 4)
    monday_nine = at(2026, 12, 7, 9)
    assert views.rag_tag(contact, monday_nine) == {"text": "Overdue by 2 days 9 hours", "class": "govuk-tag--red"}
    # A contact received on Friday is due by the end of Monday: on Sunday it is not due yet.
    friday = receive(child, received_at=at(2026, 12, 4, 16))
    assert timezone.localtime(friday.decision_due_at).date() == datetime.date(2026, 12, 7)
    settings.FRONT_DOOR_AMBER_HOURS = 48
    assert views.rag_tag(friday, at(2026, 12, 6, 12))["text"] == "Due in 1 day 11 hours"
    settings.FRONT_DOOR_AMBER_HOURS = 8
    assert views.rag_tag(friday, at(2026, 12, 6, 12)) == {"text": "On track", "class": "govuk-tag--green"}


def test_a_check_past_its_time_is_overdue_and_counted_in_the_queue(receive, child, mash_worker):
    contact = receive(child)
    asked = timezone.now() - datetime.timedelta(days=9)
    check = services.request_check(mash_worker, contact, AgencyCheck.Kind.HEALTH, requested_at=asked)
    fresh = services.request_check(mash_worker, contact, AgencyCheck.Kind.POLICE)
    now = timezone.now()
    tag = views.check_tag(check, now)
    assert tag["class"] == "govuk-tag--red"
    assert tag["text"] == "Overdue by 8 days 20 hours"  # due 4 hours after it was asked for, 9 days ago
    assert views.check_tag(fresh, now) == {"text": "Requested", "class": "govuk-tag--blue", "due": "Due in 3 hours"}
    row = selectors.queue(now=now).get(pk=contact.pk)
    assert (row.open_checks, row.overdue_checks) == (2, 1)
    services.answer_check(mash_worker, check, status=AgencyCheck.Status.NOTHING_KNOWN)
    check.refresh_from_db()
    assert views.check_tag(check, now) == {"text": "Answered: nothing known", "class": "govuk-tag--grey"}


# --- The pages -----------------------------------------------------------------------------


@pytest.fixture
def mash_client(client, mash_worker):
    client.force_login(mash_worker)
    return client


def assign_url(contact):
    return reverse("frontdoor:assign", args=[contact.pk])


def test_assign_to_me_from_the_queue_then_the_mine_and_unassigned_views(mash_client, receive, child, mash_worker):
    mine = receive(child)
    other = receive(child, concerns="Another concern")
    queue = reverse("frontdoor:queue")
    page = text(mash_client.get(queue))
    assert "Assigned to" in page
    assert "Nobody" in page
    assert "Assigned to you (0)" in page
    assert "Not assigned (2)" in page
    response = mash_client.post(
        assign_url(mine), {"to_user": mash_worker.pk, "version": mine.version, "back_to": "queue"}, follow=True
    )
    assert response.redirect_chain == [(queue, 302)]
    assert f"Contact {mine.reference} assigned to you" in text(response)
    assert assigned(mine) == mash_worker
    page = text(mash_client.get(queue + "?show=mine"))
    assert mine.reference in page
    assert other.reference not in page
    assert "Assigned to you (1)" in page
    page = text(mash_client.get(queue + "?show=unassigned"))
    assert other.reference in page
    assert mine.reference not in page
    event = AuditEvent.objects.filter(summary="Viewed the front-door queue").latest("id")
    assert event.detail["show"] == "unassigned"


def test_assigning_to_a_colleague_from_the_contact_page(mash_client, receive, child, colleague, user, school):
    contact = receive(child)
    teacher = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None, first_name="Not", last_name="Staff")
    page = text(mash_client.get(reverse("frontdoor:contact", args=[contact.pk])))
    assert "Nobody is assigned to this contact yet." in page
    assert "Assign to a colleague" in page
    page = text(mash_client.get(assign_url(contact)))
    assert "Who should work on this contact?" in page
    assert "Casey Colleague" in page
    assert "Not Staff" not in page
    assert f'href="{reverse("frontdoor:contact", args=[contact.pk])}" class="govuk-back-link"' in page
    from_queue = text(mash_client.get(assign_url(contact) + "?back_to=queue"))
    assert f'href="{reverse("frontdoor:queue")}" class="govuk-back-link"' in from_queue
    response = mash_client.post(assign_url(contact), {"to_user": teacher.pk, "version": contact.version})
    assert response.status_code == 400
    assert "Select someone from the list" in text(response)
    response = mash_client.post(assign_url(contact), {"to_user": colleague.pk, "version": contact.version}, follow=True)
    assert f"Contact {contact.reference} assigned to Casey Colleague" in text(response)
    assert "Assigned to Casey Colleague." in text(response)


def test_taking_over_asks_first_and_no_leaves_it(mash_client, receive, child, mash_worker, colleague):
    contact = receive(child)
    services.assign_contact(colleague, contact, colleague, expected_version=contact.version)
    asked = {"to_user": mash_worker.pk, "version": contact.version, "back_to": "contact"}
    response = mash_client.post(assign_url(contact), asked)
    assert response.status_code == 200
    page = text(response)
    assert "Do you want to take this contact over from Casey Colleague?" in page
    assert "Casey Colleague is working on this contact" in page
    assert assigned(contact) == colleague
    response = mash_client.post(assign_url(contact), {**asked, "asked": "yes"})
    assert response.status_code == 400
    assert "Select yes if the contact should be taken over" in text(response)
    response = mash_client.post(assign_url(contact), {**asked, "asked": "yes", "confirm": "no"})
    assert response.status_code == 302
    assert assigned(contact) == colleague
    response = mash_client.post(assign_url(contact), {**asked, "asked": "yes", "confirm": "yes"})
    assert response.status_code == 302
    assert assigned(contact) == mash_worker


def test_a_stale_page_says_what_happened(mash_client, receive, child, mash_worker, colleague, threshold):
    contact = receive(child)
    stale = {"to_user": mash_worker.pk, "version": contact.version}
    services.assign_contact(colleague, contact, colleague, expected_version=contact.version)
    response = mash_client.post(assign_url(contact), {**stale, "asked": "yes", "confirm": "yes"})
    assert response.status_code == 409
    page = text(response)
    assert "The contact has changed since you opened it" in page
    assert "Nothing has been changed" in page
    assert f"{colleague.username} assigned it to Casey Colleague" in page
    assert assigned(contact) == colleague
    assert AuditEvent.objects.filter(action="conflict", object_id=str(contact.pk)).exists()

    decided = receive(child)
    stale = {"to_user": mash_worker.pk, "version": decided.version}
    services.decide_contact(colleague, decided, level=threshold.levels.get(number=1), outcome="nfa", rationale="x")
    response = mash_client.post(assign_url(decided), stale)
    assert response.status_code == 409
    assert "Casey Colleague decided the contact on" in text(response)
    assert "no further action" in text(response)
    assert assigned(decided) is None


def test_the_decide_page_shows_the_contact_and_asks_why_checks_are_unanswered(
    mash_client, receive, child, mash_worker, threshold
):
    contact = receive(child, concerns="Bruising seen on both arms at school.")
    PatternAlert.objects.create(
        contact=contact,
        kind=PatternAlert.Kind.REPEATED_CONTACTS,
        explanation="Alex has been the subject of 3 contacts.",
    )
    police = services.request_check(mash_worker, contact, AgencyCheck.Kind.POLICE)
    health = services.request_check(mash_worker, contact, AgencyCheck.Kind.HEALTH)
    services.answer_check(mash_worker, health, status=AgencyCheck.Status.ANSWERED, information="Seen at A&E in May.")
    AgencyCheck.objects.filter(pk=police.pk).update(due_at=timezone.now() - datetime.timedelta(days=2, hours=3))
    url = reverse("frontdoor:decide", args=[contact.pk])
    page = text(mash_client.get(url))
    assert "What you are deciding on" in page
    assert "Bruising seen on both arms at school." in page
    assert "Alex Testchild" in page
    assert escape("Seen at A&E in May.") in page
    assert "Alex has been the subject of 3 contacts." in page
    assert "Overdue by 2 days 3 hours" in page
    assert "This check is not answered yet:" in page
    assert "Why decide before the checks are answered?" in page
    # Radios reveal their follow-up question with GOV.UK Frontend's own markup.
    assert 'data-aria-controls="conditional-malicious"' in page
    assert 'id="conditional-malicious"' in page
    assert "aria-expanded" not in page

    answers = {"level": threshold.levels.get(number=2).pk, "outcome": "early_help", "rationale": "Needs support"}
    answers["malicious"] = "no"
    response = mash_client.post(url, answers)
    assert response.status_code == 400
    assert "The police check is not answered yet: give the reason for deciding without the answer" in text(response)
    assert 'href="#id_unanswered_checks_reason"' in text(response)

    answers["unanswered_checks_reason"] = "The family asked for early help today."
    response = mash_client.post(url, answers, follow=True)
    check_url = reverse("frontdoor:decide-check", args=[contact.pk])
    assert response.redirect_chain == [(check_url, 302)]
    page = text(response)
    assert "Check your decision" in page
    assert "Why decide before the checks are answered" in page
    assert "The family asked for early help today." in page
    assert f'href="{url}#id_unanswered_checks_reason"' in page
    assert f'href="{url}#id_level"' in page
    assert not ContactDecision.objects.exists(), "nothing is written before the last POST"
    # Change: the answers come back as they were given.
    page = text(mash_client.get(url))
    assert "The family asked for early help today." in page
    assert "Needs support" in page

    response = mash_client.post(check_url, follow=True)
    assert response.redirect_chain == [(reverse("frontdoor:contact", args=[contact.pk]), 302)]
    decision = ContactDecision.objects.get(contact=contact)
    assert decision.unanswered_checks_reason == "The family asked for early help today."
    page = text(response)
    assert "Decided before checks were answered" in page
    assert "The family asked for early help today." in page
    # The answers are gone from the session: the check page goes back to the (decided) contact.
    assert mash_client.get(check_url).status_code == 302


def test_a_check_asked_for_meanwhile_sends_the_decision_back_with_the_question(
    mash_client, receive, child, mash_worker, threshold
):
    contact = receive(child)
    url = reverse("frontdoor:decide", args=[contact.pk])
    answers = {"level": threshold.levels.get(number=1).pk, "outcome": "nfa", "rationale": "x", "malicious": "no"}
    assert mash_client.post(url, answers).status_code == 302
    services.request_check(mash_worker, contact, AgencyCheck.Kind.EDUCATION)
    response = mash_client.post(reverse("frontdoor:decide-check", args=[contact.pk]))
    assert response.status_code == 400
    assert "The education check is not answered yet" in text(response)
    assert not ContactDecision.objects.exists()


def test_the_check_page_without_answers_goes_back_to_the_form(mash_client, receive, child, threshold):
    contact = receive(child)
    response = mash_client.get(reverse("frontdoor:decide-check", args=[contact.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:decide", args=[contact.pk])
    assert mash_client.post(reverse("frontdoor:decide-check", args=[contact.pk])).status_code == 302
    assert not ContactDecision.objects.exists()


def test_the_contact_page_tags_an_overdue_check(mash_client, receive, child, mash_worker):
    contact = receive(child)
    services.request_check(
        mash_worker, contact, AgencyCheck.Kind.HEALTH, requested_at=timezone.now() - datetime.timedelta(days=9)
    )
    page = text(mash_client.get(reverse("frontdoor:contact", args=[contact.pk])))
    assert re.search(r'govuk-tag--red">Overdue by 8 days \d+ hours<', page)
    page = text(mash_client.get(reverse("frontdoor:queue")))
    assert "1 overdue" in page
