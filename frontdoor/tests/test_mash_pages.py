"""The front-door (MASH) pages, through the Django test client: the queue, a contact's work
page, bringing in a sibling, checks, the decision, feedback, attachments and who may see what."""

import datetime
import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from frontdoor import services
from frontdoor.models import (
    AgencyCheck,
    Contact,
    ContactDecision,
    ContactPerson,
    PatternAlert,
    Referral,
    ReferrerFeedback,
)
from partners.models import Agency
from people.models import RestrictedAccess
from people.services import record_address, record_person, record_relationship
from testing.pages import text


@pytest.fixture
def mash_client(client, mash_worker):
    client.force_login(mash_worker)
    return client


def sibling(given="Sam", born=datetime.date(2018, 1, 1)):
    return record_person(None, kind="child", given_names=given, family_name="Testchild", date_of_birth=born)


def contact_url(contact, name="frontdoor:contact"):
    return reverse(name, args=[contact.pk])


# --- The queue ----------------------------------------------------------------------------


def test_the_queue_puts_immediate_risk_first_then_the_soonest_deadline_with_rag_text(
    mash_client, receive, child, settings
):
    later = receive(child, concerns="A later concern")
    overdue = receive(sibling(), received_at=timezone.now() - datetime.timedelta(days=10))
    urgent = receive(
        sibling("Jo", datetime.date(2012, 6, 6)),
        immediate_risk=True,
        immediate_risk_detail="The child says they are afraid to go home.",
    )
    response = mash_client.get(reverse("frontdoor:queue"))
    assert response.status_code == 200
    page = text(response)
    positions = [page.index(c.reference) for c in (urgent, overdue, later)]
    assert positions == sorted(positions), "immediate risk first, then the soonest deadline"
    assert "Immediate risk" in page
    assert "Overdue" in page
    assert "On track" in page
    texts = [row["rag"]["text"] for row in response.context["rows"]]
    assert (texts[0], texts[2]) == ("On track", "On track")
    assert re.fullmatch(r"Overdue by \d+ days( \d+ hours?)?", texts[1]), texts[1]
    assert response.context["counts"] == {"overdue": 1, "due_soon": 0, "on_track": 2}
    assert "Alex Testchild" in page
    assert "Police" in page  # the referral source's label, not its code

    # Within the amber window (set wide here) an open contact is due soon.
    settings.FRONT_DOOR_AMBER_HOURS = 24 * 30
    response = mash_client.get(reverse("frontdoor:queue"))
    texts = [row["rag"]["text"] for row in response.context["rows"]]
    assert [t.split(" ")[0] for t in texts] == ["Due", "Overdue", "Due"]
    assert texts[0].startswith("Due in ")
    assert response.context["counts"] == {"overdue": 1, "due_soon": 2, "on_track": 0}
    assert "Due soon" in text(response)  # the count's tag


def test_the_queue_is_audited_without_a_person(mash_client, receive, child, mash_worker):
    receive(child)
    mash_client.get(reverse("frontdoor:queue"))
    event = AuditEvent.objects.filter(user=mash_worker, summary="Viewed the front-door queue").get()
    assert event.action == "view"
    assert event.person_id is None


def test_decided_contacts_are_on_their_own_tab(mash_client, receive, child, mash_worker, threshold):
    decided = receive(child)
    services.decide_contact(
        mash_worker, decided, level=threshold.levels.get(number=1), outcome="nfa", rationale="No concern"
    )
    still_open = receive(sibling())
    assert still_open.reference in text(mash_client.get(reverse("frontdoor:queue")))
    assert decided.reference not in text(mash_client.get(reverse("frontdoor:queue")))
    response = mash_client.get(reverse("frontdoor:queue") + "?show=decided")
    assert decided.reference in text(response)
    assert still_open.reference not in text(response)
    assert "On time" in text(response)


def test_a_restricted_childs_contact_is_not_in_the_queue_and_its_page_is_not_found(
    mash_client, receive, child, mash_worker, user
):
    hidden = sibling("Hidden")
    hidden.restricted = True
    hidden.save()
    secret = receive(hidden, concerns="Concerns about a restricted child")
    shown = receive(child)
    page = text(mash_client.get(reverse("frontdoor:queue")))
    assert shown.reference in page
    assert secret.reference not in page
    assert "Hidden Testchild" not in page
    response = mash_client.get(contact_url(secret))
    assert response.status_code == 404
    assert mash_client.get(reverse("frontdoor:contact", args=[999999])).status_code == 404
    assert mash_client.get(contact_url(secret, "frontdoor:decide")).status_code == 404
    assert (
        mash_client.get(
            reverse(
                "frontdoor:check-answer", args=[services.request_check(mash_worker, secret, AgencyCheck.Kind.POLICE).pk]
            )
        ).status_code
        == 404
    )
    assert AuditEvent.objects.filter(user=mash_worker, action="denied", person_id=hidden.pk).exists()
    assert not AuditEvent.objects.filter(
        user=mash_worker, action="view", object_id=str(secret.pk), object_type="frontdoor.contact"
    ).exists()
    # A user named on the restricted record sees the contact.
    RestrictedAccess.objects.create(person=hidden, user=mash_worker, reason="Allocated worker")
    assert secret.reference in text(mash_client.get(reverse("frontdoor:queue")))
    assert mash_client.get(contact_url(secret)).status_code == 200


def test_a_partner_practitioner_may_not_use_the_front_door_pages(client, school_user, receive, child):
    contact = receive(child)
    client.force_login(school_user)
    assert client.get(reverse("frontdoor:queue")).status_code == 403
    assert client.get(contact_url(contact)).status_code == 403
    assert client.get(contact_url(contact, "frontdoor:decide")).status_code == 403


def test_the_queue_counts_each_contacts_open_checks_and_alerts(mash_client, receive, child, mash_worker):
    counted = receive(child)
    other = receive(sibling())
    for kind in (AgencyCheck.Kind.POLICE, AgencyCheck.Kind.HEALTH, AgencyCheck.Kind.EDUCATION):
        services.request_check(mash_worker, counted, kind)
    answered = counted.checks.order_by("pk").first()
    AgencyCheck.objects.filter(pk=answered.pk).update(status=AgencyCheck.Status.ANSWERED)
    for n in range(2):
        PatternAlert.objects.create(
            contact=counted, kind=PatternAlert.Kind.REPEATED_CONTACTS, explanation=f"Synthetic alert {n}"
        )
    rows = {row["contact"].pk: row["contact"] for row in mash_client.get(reverse("frontdoor:queue")).context["rows"]}
    assert counted.alerts.count() >= 2  # the two above, and any the contact fired itself
    assert (rows[counted.pk].open_checks, rows[counted.pk].alert_count) == (2, counted.alerts.count())
    assert (rows[other.pk].open_checks, rows[other.pk].alert_count) == (0, other.alerts.count())


def test_the_queue_does_not_make_more_queries_for_more_contacts(mash_client, receive):
    def count_queries():
        mash_client.get(reverse("frontdoor:queue"))  # warm caches (code lists) first
        with CaptureQueriesContext(connection) as queries:
            response = mash_client.get(reverse("frontdoor:queue"))
        assert response.status_code == 200
        return len(queries), len(response.context["rows"])

    for n in range(5):
        receive(sibling(f"Child{n}"))
    few, shown = count_queries()
    assert shown == 5
    for n in range(5, 30):
        receive(sibling(f"Child{n}"))
    many, shown = count_queries()
    assert shown == 30
    assert many <= few, f"{few} queries for 5 contacts but {many} for 30"


# --- The contact work page ----------------------------------------------------------------


@pytest.fixture
def family(child, receive):
    """A child living with a brother, their mother and her partner; an earlier contact about
    the brother named the partner as a risk."""
    brother = sibling("Jo", datetime.date(2012, 6, 6))
    mother = record_person(
        None, kind="adult", given_names="Kim", family_name="Testchild", date_of_birth=datetime.date(1988, 3, 3)
    )
    partner = record_person(
        None, kind="adult", given_names="Lee", family_name="Newpartner", date_of_birth=datetime.date(1985, 3, 3)
    )
    home = {"line_1": "1 Test Street", "town": "Testtown", "postcode": "NM1 1AA"}
    for person in (child, brother, mother, partner):
        record_address(None, person, address_fields=home, moved_in=datetime.date(2024, 1, 1))
    record_relationship(None, child, brother, relationship="sibling")
    receive(
        people=[
            services.PersonDetails(person=brother),
            services.PersonDetails(role=ContactPerson.Role.PERSON_OF_CONCERN, person=partner),
        ],
        received_at=timezone.now() - datetime.timedelta(days=20),
    )
    return {"brother": brother, "mother": mother, "partner": partner}


def test_the_work_page_shows_the_contact_its_alerts_and_the_household(mash_client, receive, child, family, mash_worker):
    contact = receive(child, referrer_relationship="Neighbour", consent=Contact.Consent.REFUSED)
    response = mash_client.get(contact_url(contact))
    assert response.status_code == 200
    page = text(response)
    assert "Pattern alerts" in page
    assert "Concerns about siblings" in page
    assert "Consider bringing them into this contact" in page
    assert "Concerns about adults in the household" in page
    assert "Lee Newpartner, an adult in the household" in page
    assert contact.decision_due_explanation in page
    assert "Police attended a domestic incident" in page
    assert "Neighbour" in page
    assert "The family does not agree" in page
    household = {row["person"] for row in response.context["household"]}
    assert household == {family["brother"], family["mother"], family["partner"]}
    assert reverse("people:detail", args=[child.pk]) in page
    event = AuditEvent.objects.filter(
        user=mash_worker, action="view", object_type="frontdoor.contact", object_id=str(contact.pk)
    ).get()
    assert event.person_id == child.pk


def test_bringing_a_sibling_into_the_contact(mash_client, receive, child, family):
    contact = receive(child)
    brother = family["brother"]
    prefix = f"bring-{brother.pk}"
    response = mash_client.post(
        contact_url(contact, "frontdoor:bring-in"),
        {
            "person_id": brother.pk,
            f"{prefix}-role": ContactPerson.Role.CHILD_IN_HOUSEHOLD,
            f"{prefix}-relationship": "Brother",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == contact_url(contact)
    link = ContactPerson.objects.get(contact=contact, person=brother)
    assert link.role == ContactPerson.Role.CHILD_IN_HOUSEHOLD
    assert link.relationship == "Brother"
    page = mash_client.get(contact_url(contact))
    assert brother not in {row["person"] for row in page.context["household"]}

    # An adult cannot be made a child of the contact: the error is shown, nothing is added.
    mother = family["mother"]
    prefix = f"bring-{mother.pk}"
    response = mash_client.post(
        contact_url(contact, "frontdoor:bring-in"),
        {"person_id": mother.pk, f"{prefix}-role": ContactPerson.Role.CHILD_IN_HOUSEHOLD},
    )
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert "Only a child can be a child in the contact" in text(response)
    assert not ContactPerson.objects.filter(contact=contact, person=mother).exists()

    # Someone who is not a sibling or household member cannot be brought in this way.
    stranger = sibling("Stranger")
    response = mash_client.post(
        contact_url(contact, "frontdoor:bring-in"),
        {"person_id": stranger.pk, f"bring-{stranger.pk}-role": ContactPerson.Role.CHILD_IN_HOUSEHOLD},
    )
    assert response.status_code == 404
    assert not ContactPerson.objects.filter(contact=contact, person=stranger).exists()


def test_requesting_a_check_and_recording_its_answer_given_by_phone(mash_client, receive, child, mash_worker):
    police = Agency.objects.create(name="Testshire Constabulary", kind=Agency.Kind.POLICE)
    school = Agency.objects.create(name="Testshire Academy", kind=Agency.Kind.SCHOOL)
    contact = receive(child)
    url = contact_url(contact, "frontdoor:request-check")
    response = mash_client.post(
        url, {"check-kind": "police", "check-agency": school.pk, "check-question": "Call-outs?"}
    )
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert "Testshire Academy is not a police agency" in text(response)
    assert not AgencyCheck.objects.exists()

    response = mash_client.post(
        url, {"check-kind": "police", "check-agency": police.pk, "check-question": "Any domestic abuse call-outs?"}
    )
    assert response.status_code == 302
    check = AgencyCheck.objects.get()
    assert (check.kind, check.agency, check.question, check.requested_by) == (
        "police",
        police,
        "Any domestic abuse call-outs?",
        mash_worker,
    )
    page = text(mash_client.get(contact_url(contact)))
    assert "Any domestic abuse call-outs?" in page
    assert check.due_explanation in page
    assert reverse("frontdoor:check-answer", args=[check.pk]) in page

    answer_url = reverse("frontdoor:check-answer", args=[check.pk])
    assert mash_client.get(answer_url).status_code == 200
    response = mash_client.post(answer_url, {"status": "answered", "information": " "})
    assert response.status_code == 400
    assert "Enter the information the agency holds" in text(response)
    check.refresh_from_db()
    assert check.status == AgencyCheck.Status.REQUESTED
    response = mash_client.post(answer_url, {"status": "answered", "information": "Two call-outs in October."})
    assert response.status_code == 302
    assert response["Location"] == contact_url(contact)
    check.refresh_from_db()
    assert check.status == AgencyCheck.Status.ANSWERED
    assert check.answered_by == mash_worker
    assert "Two call-outs in October." in text(mash_client.get(contact_url(contact)))
    # Once answered, the answer page sends the user back to the contact.
    assert mash_client.get(answer_url).status_code == 302


def test_feedback_to_the_referrer(mash_client, receive, child, mash_worker):
    contact = receive(child)
    url = contact_url(contact, "frontdoor:feedback")
    response = mash_client.post(url, {"feedback-method": "phone", "feedback-message": ""})
    assert response.status_code == 400
    assert "Enter what the referrer was told" in text(response)
    assert not ReferrerFeedback.objects.exists()
    response = mash_client.post(url, {"feedback-method": "phone", "feedback-message": "We are making enquiries."})
    assert response.status_code == 302
    feedback = ReferrerFeedback.objects.get()
    assert (feedback.method, feedback.message, feedback.given_by) == ("phone", "We are making enquiries.", mash_worker)
    assert "We are making enquiries." in text(mash_client.get(contact_url(contact)))


# --- The decision -------------------------------------------------------------------------


def test_the_decision_page_shows_the_threshold_document(mash_client, receive, child, threshold):
    response = mash_client.get(contact_url(receive(child), "frontdoor:decide"))
    assert response.status_code == 200
    page = text(response)
    for level in threshold.levels.all():
        assert f"Level {level.number}: {level.name}" in page
    for domain in threshold.domains.all():
        assert escape(domain.name) in page
    assert "Do you judge this contact malicious?" in page
    assert "Why is the decision late?" not in page  # not late yet


def test_a_decision_with_missing_answers_shows_the_error_summary_and_saves_nothing(
    mash_client, receive, child, threshold
):
    contact = receive(child)
    response = mash_client.post(contact_url(contact, "frontdoor:decide"), {"malicious": "yes"})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "<title>Error:" in page
    for message in [
        "Select the level of need from the published threshold document",
        "Select the outcome of the decision",
        "Explain the reasons for the decision",
        "Give the reason for judging the contact malicious",
    ]:
        assert message in page
    assert 'href="#id_level"' in page
    assert 'id="id_level"' in page
    assert not ContactDecision.objects.exists()
    contact.refresh_from_db()
    assert contact.status == Contact.Status.OPEN


def test_a_referral_decision_opens_child_in_need_episodes(mash_client, receive, child, threshold, mash_worker):
    brother = sibling("Jo", datetime.date(2012, 6, 6))
    contact = receive(child, brother)
    level = threshold.levels.get(number=4)
    indicator = threshold.domains.first().indicators.filter(level=level).first()
    url = contact_url(contact, "frontdoor:decide")
    # A referral needs a primary need: the answers typed are kept.
    response = mash_client.post(
        url,
        {
            "level": level.pk,
            "indicators": [indicator.pk],
            "outcome": "referral",
            "rationale": "Repeated domestic abuse with the children present.",
            "malicious": "no",
        },
    )
    assert response.status_code == 400
    assert escape("Select the child's primary need (N1 to N8) for the referral") in text(response)
    assert "Repeated domestic abuse with the children present." in text(response)
    assert not Referral.objects.exists()

    response = mash_client.post(
        url,
        {
            "level": level.pk,
            "indicators": [indicator.pk],
            "outcome": "referral",
            "primary_need": "N1",
            "malicious": "no",
            "rationale": "Repeated domestic abuse with the children present.",
        },
        follow=True,
    )
    # Answered, the decision is shown to check, and nothing is recorded until it is confirmed.
    assert response.redirect_chain[-1][0] == contact_url(contact, "frontdoor:decide-check")
    assert "Check your decision" in text(response)
    assert not ContactDecision.objects.exists()
    response = mash_client.post(contact_url(contact, "frontdoor:decide-check"), follow=True)
    assert response.redirect_chain[-1][0] == contact_url(contact)
    assert "Decision recorded: Referral to children" in text(response)
    decision = ContactDecision.objects.get(contact=contact)
    assert (decision.level, decision.outcome, decision.primary_need, decision.decided_by) == (
        level,
        "referral",
        "N1",
        mash_worker,
    )
    assert list(decision.indicators.all()) == [indicator]
    assert {r.person for r in Referral.objects.filter(contact=contact)} == {child, brother}
    page = text(response)
    assert "Level 4" in page
    assert indicator.text in page
    assert "On time" in page
    # Once decided, the decision page is not offered again.
    assert mash_client.get(url).status_code == 302


def test_a_late_decision_asks_why(mash_client, receive, child, threshold):
    contact = receive(child, received_at=timezone.now() - datetime.timedelta(days=10))
    url = contact_url(contact, "frontdoor:decide")
    assert "Why is the decision late?" in text(mash_client.get(url))
    answers = {
        "level": threshold.levels.get(number=2).pk,
        "outcome": "early_help",
        "rationale": "Needs support",
        "malicious": "no",
    }
    response = mash_client.post(url, answers)
    assert response.status_code == 400
    assert "give the reason it is late" in text(response)
    response = mash_client.post(url, {**answers, "late_reason": "Waiting for the police check"})
    assert response.status_code == 302
    assert mash_client.post(contact_url(contact, "frontdoor:decide-check")).status_code == 302
    decision = ContactDecision.objects.get()
    assert not decision.on_time
    assert "Waiting for the police check" in decision.rationale


def test_a_malicious_judgement_is_kept_with_its_reason(mash_client, receive, child, threshold):
    contact = receive(child)
    response = mash_client.post(
        contact_url(contact, "frontdoor:decide"),
        {
            "level": threshold.levels.get(number=1).pk,
            "outcome": "nfa",
            "rationale": "No concern found",
            "malicious": "yes",
            "malicious_reason": "The caller admitted inventing the account.",
        },
    )
    assert response.status_code == 302
    assert mash_client.post(contact_url(contact, "frontdoor:decide-check")).status_code == 302
    decision = ContactDecision.objects.get()
    assert decision.malicious
    assert decision.malicious_reason == "The caller admitted inventing the account."
    assert "The caller admitted inventing the account." in text(mash_client.get(contact_url(contact)))


def test_without_a_published_threshold_document_the_page_says_so(mash_client, receive, child):
    response = mash_client.get(contact_url(receive(child), "frontdoor:decide"))
    assert response.status_code == 200
    assert "No threshold document has been published" in text(response)
    assert response.context["form"] is None


# --- Attachments --------------------------------------------------------------------------


def test_an_attachment_is_only_ever_a_download(
    mash_client, receive, child, settings, tmp_path, mash_worker, django_capture_on_commit_callbacks
):
    settings.ATTACHMENT_ROOT = tmp_path
    data = b"A synthetic note about nothing in particular.\n"
    with django_capture_on_commit_callbacks(execute=True):
        contact = receive(child, files=[('café "note".txt', data)])
    attachment = contact.attachments.get()
    assert "café" in text(mash_client.get(contact_url(contact)))
    response = mash_client.get(reverse("frontdoor:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''caf%C3%A9%20%22note%22.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data
    event = AuditEvent.objects.get(user=mash_worker, action="export", object_type="frontdoor.contactattachment")
    assert event.person_id == child.pk

    # A file missing from the store is not found, not an error.
    (tmp_path / attachment.stored_name).unlink()
    assert mash_client.get(reverse("frontdoor:attachment", args=[attachment.pk])).status_code == 404


def test_an_attachment_of_a_restricted_childs_contact_is_not_found(
    mash_client, receive, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ATTACHMENT_ROOT = tmp_path
    hidden = sibling("Hidden")
    hidden.restricted = True
    hidden.save()
    with django_capture_on_commit_callbacks(execute=True):
        contact = receive(hidden, files=[("note.txt", b"A synthetic note.")])
    response = mash_client.get(reverse("frontdoor:attachment", args=[contact.attachments.get().pk]))
    assert response.status_code == 404


# --- The threshold document in the admin ------------------------------------------------------


def test_the_admin_publishes_drafts_and_keeps_published_versions_read_only(client, user, threshold, receive, child):
    from frontdoor.models import ThresholdDocument

    admin = user("administrator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/frontdoor/thresholddocument/{threshold.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    refused = client.post(f"/admin/frontdoor/thresholddocument/{threshold.pk}/change/", {"title": "Changed"})
    assert refused.status_code == 403
    threshold.refresh_from_db()
    assert threshold.title != "Changed"
    domain = threshold.domains.first()
    assert client.get(f"/admin/frontdoor/thresholddomain/{domain.pk}/change/").context["has_change_permission"] is False

    changelist = "/admin/frontdoor/thresholddocument/"
    client.post(changelist, {"action": "draft_new_version", "_selected_action": [threshold.pk]})
    draft = ThresholdDocument.objects.get(status=ThresholdDocument.Status.DRAFT)
    assert draft.version == threshold.version + 1
    assert draft.levels.count() == threshold.levels.count()
    assert client.get(f"{changelist}{draft.pk}/change/").context["has_change_permission"] is True
    client.post(changelist, {"action": "publish_draft", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    threshold.refresh_from_db()
    assert draft.status == ThresholdDocument.Status.PUBLISHED
    assert threshold.status == ThresholdDocument.Status.SUPERSEDED

    # Contacts are listed with no personal details.
    receive(child)
    listing = client.get("/admin/frontdoor/contact/")
    assert listing.status_code == 200
    assert "Alex" not in listing.content.decode()


def test_an_alert_about_a_restricted_sibling_is_not_shown(mash_client, receive, child):
    from frontdoor.models import PatternAlert

    shown, hidden = sibling("Jo", datetime.date(2012, 6, 6)), sibling("Kit", datetime.date(2014, 2, 2))
    hidden.restricted = True
    hidden.save(update_fields=["restricted"])
    for other in (shown, hidden):
        record_relationship(None, child, other, relationship="sibling")
        receive(other, received_at=timezone.now() - datetime.timedelta(days=5))
    contact = receive(child)
    assert {alert.person for alert in PatternAlert.objects.filter(contact=contact, kind="siblings")} == {shown, hidden}
    page = text(mash_client.get(contact_url(contact)))
    assert "Jo Testchild, a sibling or another child of the household" in page
    assert "Kit Testchild" not in page


def test_the_queue_is_paginated(mash_client, receive, child):
    for _ in range(51):
        receive(child)
    first = text(mash_client.get(reverse("frontdoor:queue")))
    assert 'aria-label="Pages of the queue"' in first
    assert 'href="?page=2"' in first
    assert "Page 1 of 2" in first
    second = mash_client.get(reverse("frontdoor:queue") + "?page=2")
    assert len(second.context["rows"]) == 1
    assert "Page 2 of 2" in text(second)
    decided = text(mash_client.get(reverse("frontdoor:queue") + "?show=decided"))
    assert 'aria-label="Pages of the queue"' not in decided  # nothing decided: one page, no links


def test_pagination_keeps_the_other_query_parameters():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(list(range(120)), 50).get_page(2)
    html = render_to_string("frontdoor/_pagination.html", {"page": page, "label": "Pages", "query": "show=decided&"})
    assert 'href="?show=decided&amp;page=1"' in html
    assert 'href="?show=decided&amp;page=3"' in html
