"""Queue again the partner submissions (Prefer: respond-async) that failed, and those waiting
for longer than --stuck-minutes (their job was lost, for example when the queue was cleared)."""

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from frontdoor.models import ContactSubmission
from frontdoor.tasks import requeue

Status = ContactSubmission.Status


class Command(BaseCommand):
    help = "Queue again the partner contact submissions that failed or are stuck waiting"

    def add_arguments(self, parser):
        parser.add_argument(
            "--stuck-minutes",
            type=int,
            default=30,
            help="Queue again those waiting for longer than this (default 30) [U]",
        )
        parser.add_argument("--failed-only", action="store_true", help="Only the failed ones")
        parser.add_argument("--dry-run", action="store_true", help="Count them, queue nothing")

    def handle(self, *args, stuck_minutes, failed_only, dry_run, **options):
        which = Q(status=Status.FAILED)
        if not failed_only:
            which |= Q(
                status=Status.RECEIVED, received_at__lt=timezone.now() - datetime.timedelta(minutes=stuck_minutes)
            )
        submissions = ContactSubmission.objects.filter(which, contact__isnull=True).order_by("received_at", "id")
        if dry_run:
            self.stdout.write(f"{submissions.count()} submission(s) would be queued again")
            return
        self.stdout.write(f"Queued {requeue(submissions)} submission(s) again")
