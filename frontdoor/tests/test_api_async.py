"""Contacts sent with `Prefer: respond-async`: checked as a synchronous one is (a bad body is a
400 and nothing is kept), kept and queued, answered 202 with the submission's status; the
background job makes the contact exactly once, received when the partner sent it; a failure is
kept with its reason for the front door's managers, and can be queued again."""

import datetime
import json
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from frontdoor import tasks
from frontdoor.models import Contact, ContactSubmission
from frontdoor.tests.test_api import assert_problem, body, post
from partners.models import User
from partners.tokens import issue_token
from testing import builders

ASYNC = {"HTTP_PREFER": "respond-async"}
Status = ContactSubmission.Status
THURSDAY = datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def attachment_root(api_attachment_root):
    return api_attachment_root


def accept(client, token, data=None, key="key-1", **headers):
    response = post(client, token, body() if data is None else data, key=key, **ASYNC, **headers)
    return response


def test_respond_async_is_acknowledged_with_202_and_queued_with_the_id_only(client, token, school):
    response = accept(client, token, body(received_at=None))
    assert response.status_code == 202, response.content
    assert response["Preference-Applied"] == "respond-async"
    submission = ContactSubmission.objects.get()
    assert response["Location"] == f"/api/v1/contact-submissions/{submission.public_id}/"
    answer = response.json()
    assert answer["id"] == str(submission.public_id)
    assert answer["status"] == "received"
    assert answer["contact"] is None
    assert submission.status == Status.RECEIVED
    assert submission.contact is None
    assert submission.api_token.agency == school
    assert submission.payload["children"][0]["family_name"] == "Apitest"
    assert not Contact.objects.exists()  # not yet: the worker makes it
    job = DBTaskResult.objects.get()
    assert job.task_path == "frontdoor.tasks.process_contact_submission"
    assert job.args_kwargs == {"args": [submission.pk], "kwargs": {}}  # nothing about a child on the queue
    created = AuditEvent.objects.get(action="create", object_type="frontdoor.contactsubmission")
    assert "Apitest" not in json.dumps(created.detail)


def test_prefer_with_other_preferences_and_parameters_is_understood(client, token):
    response = post(client, token, body(), HTTP_PREFER="return=minimal, Respond-Async; wait=10")
    assert response.status_code == 202, response.content


def test_the_task_makes_one_contact_received_when_the_partner_sent_it(client, token, school):
    accept(client, token, body(received_at=None))
    submission = ContactSubmission.objects.get()
    # The partner sent it on a Thursday morning; the worker gets to it later.
    ContactSubmission.objects.filter(pk=submission.pk).update(received_at=THURSDAY)
    assert tasks.process(submission.pk) == "processed"
    contact = Contact.objects.get()
    assert contact.received_at == THURSDAY
    assert contact.decision_due_date == datetime.date(2026, 11, 27)
    assert contact.channel == Contact.Channel.API
    assert contact.referrer_agency == school
    assert contact.people.count() == 3
    submission.refresh_from_db()
    assert submission.status == Status.PROCESSED
    assert submission.contact == contact
    assert submission.attempts == 1
    assert submission.payload is None  # the contact holds it now
    # Running it again (a retried job, a second worker) makes nothing more.
    assert tasks.process(submission.pk) == "skipped"
    assert Contact.objects.count() == 1
    answer = client.get(
        f"/api/v1/contact-submissions/{submission.public_id}/", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert answer["status"] == "processed"
    assert answer["contact"] == {
        "id": contact.pk,
        "reference": contact.reference,
        "url": f"/api/v1/contacts/{contact.pk}/",
    }


def test_a_received_at_in_the_body_is_kept(client, token):
    accept(client, token, body())  # received_at 2026-11-26T09:30:00+00:00
    tasks.process(ContactSubmission.objects.get().pk)
    assert Contact.objects.get().received_at == THURSDAY


def test_the_same_key_answers_the_same_submission(client, token):
    first = accept(client, token)
    again = accept(client, token)
    assert again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert again.json()["id"] == first.json()["id"]
    assert ContactSubmission.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    other = accept(client, token, body(concerns="Something else entirely."))
    problem = assert_problem(other, 422)
    assert "Idempotency-Key" in problem["errors"]
    # Once made, a retry still answers the submission, now with its contact.
    tasks.process(ContactSubmission.objects.get().pk)
    later = accept(client, token)
    assert later.status_code == 202
    assert later.json()["status"] == "processed"
    assert later.json()["contact"]
    assert Contact.objects.count() == 1


def test_a_second_token_of_the_agency_gets_the_same_submission(client, token, school):
    first = accept(client, token)
    second_token = issue_token(school, "School information system (second server)", ["contacts:create"])[1]
    again = accept(client, second_token)
    assert again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert ContactSubmission.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert ContactSubmission.objects.get().agency == school


def test_a_key_used_synchronously_is_replayed_as_before(client, token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = post(client, token, body())
    assert made.status_code == 201
    again = post(client, token, body())
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(source="ZZ"), "source"),
        (body(children=[]), "children"),
        (body(immediate_risk=True, immediate_risk_detail=""), "immediate_risk_detail"),
        (body(attachments=[{"filename": "a.pdf", "content_base64": "TVqQAAMAAAAEAAAA"}]), "attachments"),
    ],
)
def test_a_bad_body_is_refused_now_and_nothing_is_kept(client, token, data, field):
    problem = assert_problem(accept(client, token, data), 400)
    assert field in problem["errors"]
    assert not ContactSubmission.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not Contact.objects.exists()


def test_the_status_is_for_the_sending_agency_only(client, token, user):
    accept(client, token)
    url = f"/api/v1/contact-submissions/{ContactSubmission.objects.get().public_id}/"
    own = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert own.status_code == 200
    assert own.json()["status"] == "received"
    assert AuditEvent.objects.filter(action="view", object_type="frontdoor.contactsubmission").exists()
    police = builders.police()
    other = issue_token(police, "Police system", ["contacts:create"])[1]
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.get(url).status_code in (401, 403)
    assert (
        client.get(
            "/api/v1/contact-submissions/00000000-0000-0000-0000-000000000000/", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code
        == 404
    )


def test_a_failure_keeps_the_submission_with_its_reason(client, token, monkeypatch):
    accept(client, token)
    submission = ContactSubmission.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(tasks.services, "receive_contact", broken)
    with pytest.raises(RuntimeError):
        tasks.process(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Status.FAILED
    assert submission.payload
    assert submission.attempts == 1
    assert "Something went wrong in the service" in submission.error
    assert not Contact.objects.exists()
    monkeypatch.undo()
    # Queued again by the command, it is made.
    call_command("requeue_contact_submissions", verbosity=0)
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED
    assert submission.error == ""
    assert DBTaskResult.objects.filter(args_kwargs={"args": [submission.pk], "kwargs": {}}).count() == 2
    assert tasks.process(submission.pk) == "processed"
    assert Contact.objects.count() == 1


def test_refused_by_the_checks_later_is_failed_with_the_fields_only(client, token):
    accept(client, token)
    submission = ContactSubmission.objects.get()
    payload = dict(submission.payload, source="ZZ")  # a code list changed since, say
    ContactSubmission.objects.filter(pk=submission.pk).update(payload=payload)
    assert tasks.process(submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.status == Status.FAILED
    assert "(source)" in submission.error
    assert "ZZ" not in submission.error
    assert not Contact.objects.exists()


def test_stuck_submissions_are_queued_again_only_when_old(client, token):
    accept(client, token)
    call_command("requeue_contact_submissions", verbosity=0)
    assert DBTaskResult.objects.count() == 1  # not stuck yet
    ContactSubmission.objects.update(received_at=timezone.now() - datetime.timedelta(hours=1))
    call_command("requeue_contact_submissions", verbosity=0)
    assert DBTaskResult.objects.count() == 2


def test_the_managers_page_lists_failed_and_waiting_submissions(client, token, user, mash_team):
    accept(client, token, key="waits")
    accept(client, token, body(concerns="Another concern."), key="fails")
    ContactSubmission.objects.filter(idempotency_key="fails").update(
        status=Status.FAILED, error="The front door's checks refused it (source)."
    )
    accept(client, token, body(concerns="A third concern."), key="made")
    tasks.process(ContactSubmission.objects.get(idempotency_key="made").pk)
    manager = user(User.Role.MASH_MANAGER, team=mash_team)
    client.force_login(manager)
    response = client.get("/front-door/partner-submissions/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 failed and 1 waiting" in page
    assert "refused it (source)" in page
    assert "Apitest" not in page  # nothing about the people in them
    viewed = AuditEvent.objects.get(summary="Viewed the partner submissions waiting or failed")
    assert len(viewed.detail["submissions"]) == 2
    client.force_login(user(User.Role.MASH_PRACTITIONER, team=mash_team))
    assert client.get("/front-door/partner-submissions/").status_code == 403


@pytest.fixture
def worker_runs(transactional_db):
    def run():
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)

    return run


def test_the_database_worker_makes_the_contact_once(client, token, worker_runs):
    accept(client, token)
    submission = ContactSubmission.objects.get()
    worker_runs()
    submission.refresh_from_db()
    assert submission.status == Status.PROCESSED
    assert Contact.objects.count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # The same job queued twice (a retry): one contact.
    tasks.process_contact_submission.enqueue(submission.pk)
    worker_runs()
    assert Contact.objects.count() == 1
