"""Remove the returns' background jobs (checks and exports, returns.jobs) older than
RETURN_JOBS_KEEP_HOURS, with their files and their rows on the task queue; each new job also
prunes. Jobs queued or running for longer are marked failed first. Prints counts only."""

from django.core.management.base import BaseCommand

from audit import services as audit
from audit.models import AuditEvent
from returns import jobs


class Command(BaseCommand):
    help = "Remove old checks and exports of the returns (returns.models.ReturnJob) and their files"

    def handle(self, *args, **options):
        removed = jobs.prune()
        audit.record(
            None,
            AuditEvent.Action.DELETE,
            summary="Old checks and exports of the returns removed",
            detail={"removed": removed, "hours": jobs.keep_hours()},
        )
        self.stdout.write(f"{removed} job{'s' if removed != 1 else ''} removed")
