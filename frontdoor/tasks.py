"""Background work of the front door, on the task queue in the database (django-tasks with its
database backend; `manage.py db_worker` runs the jobs): the contacts partner systems sent with
`Prefer: respond-async`. A job's argument is the submission's id only: the worker reads the
request body from the submission itself, so nothing about a child sits on the queue or in a log."""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from . import attachments, services
from .models import Contact, ContactSubmission

logger = logging.getLogger(__name__)
Status = ContactSubmission.Status

AGAIN = "A front-door manager can queue it again (manage.py requeue_contact_submissions)."
SERVICE_FAILED = "Something went wrong in the service while making the contact. " + AGAIN


@task()
def process_contact_submission(submission_id):
    """Make the contact of a submission acknowledged with 202. Returns its status (kept on the queue)."""
    return {"submission": submission_id, "status": process(submission_id)}


def process(submission_id):
    """Make the submission's contact, once: "processed", "failed", or "skipped" when the submission
    is not waiting (made already, by this job's earlier run or another worker, or failed).

    Claiming the submission (waiting to processed, a conditional UPDATE) and making its contact
    are one transaction: a second worker's claim waits for the first's row lock and then finds
    nothing waiting, and a worker that dies mid-way leaves the submission waiting, with no contact.
    The contact's received time is the submission's (or the time the partner gave in the body), so
    its one-working-day deadline runs from when the partner sent it, not from when the worker ran."""
    from .api.views import ContactIn, service_arguments

    try:
        with transaction.atomic():
            now = timezone.now()
            claimed = ContactSubmission.objects.filter(pk=submission_id, status=Status.RECEIVED).update(
                status=Status.PROCESSED, processed_at=now, attempts=F("attempts") + 1, error=""
            )
            if not claimed:
                return "skipped"
            submission = ContactSubmission.objects.select_related("api_token__agency", "api_token__service_user").get(
                pk=submission_id
            )
            serializer = ContactIn(data=body_with_received_at(submission))
            if not serializer.is_valid():
                return _fail(
                    submission, "The request no longer passes the checks (" + _fields(serializer.errors) + "). " + AGAIN
                )
            arguments = service_arguments(serializer.validated_data)
            token = submission.api_token
            user = token.service_user
            user.agency = token.agency
            try:
                with transaction.atomic():
                    contact = services.receive_contact(
                        user, channel=Contact.Channel.API, referrer_agency=token.agency, **arguments
                    )
            except services.FrontDoorError as refused:
                return _fail(
                    submission, "The front door's checks refused it (" + _fields(refused.errors) + "). " + AGAIN
                )
            except attachments.AttachmentRefused:
                return _fail(submission, "A file was refused. " + AGAIN)
            submission.contact, submission.payload = contact, None  # the contact holds it now
            submission.save(update_fields=["contact", "payload"])
            return "processed"
    except (KeyboardInterrupt, SystemExit):
        raise  # rolled back: still waiting, for the next worker or the re-queue command
    except BaseException:
        # Not the partner's fault: keep it, say so, and let the queue keep the traceback.
        ContactSubmission.objects.filter(pk=submission_id, status=Status.RECEIVED).update(
            status=Status.FAILED, processed_at=timezone.now(), attempts=F("attempts") + 1, error=SERVICE_FAILED
        )
        logger.error("contact submission %s failed in the service", submission_id)
        raise


def body_with_received_at(submission):
    """The request body, with when the partner sent it as the contact's received time if the body gives none."""
    body = dict(submission.payload or {})
    if not body.get("received_at"):
        body["received_at"] = submission.received_at.isoformat()
    return body


def _fail(submission, reason):
    submission.status, submission.error = Status.FAILED, reason[:1000]
    submission.save(update_fields=["status", "error"])
    logger.warning("contact submission %s failed: %s", submission.pk, reason)
    return "failed"


def _fields(errors):
    """Which fields were wrong, without their values or messages (they may quote personal data)."""
    return ", ".join(sorted(str(name) for name in errors)) or "no field given"


def requeue(submissions):
    """Queue failed or stuck submissions again: each back to waiting, with a new job. Returns how many."""
    count = 0
    for pk in submissions.values_list("pk", flat=True):
        with transaction.atomic():
            if ContactSubmission.objects.filter(
                pk=pk, status__in=[Status.FAILED, Status.RECEIVED], contact__isnull=True
            ).update(status=Status.RECEIVED, error=""):
                process_contact_submission.enqueue(pk)
                count += 1
    return count
