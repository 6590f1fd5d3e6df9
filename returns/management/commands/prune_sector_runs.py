"""Remove runs of the sector's validators older than SECTOR_RUNS_KEEP_DAYS (or --days), with
their jobs on the task queue; each run also prunes when it finishes. Runs queued or running for
longer than SECTOR_RUN_GIVE_UP_MINUTES are marked failed first. Prints counts only."""

from django.core.management.base import BaseCommand

from audit import services as audit
from audit.models import AuditEvent
from returns import sector


class Command(BaseCommand):
    help = "Remove old runs of the sector's validators (returns.models.SectorValidatorRun)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Keep runs this many days (default SECTOR_RUNS_KEEP_DAYS)"
        )

    def handle(self, *args, days=None, **options):
        lost = sector.give_up_lost_runs()
        removed = sector.prune_runs(days)
        audit.record(
            None,
            AuditEvent.Action.DELETE,
            summary="Old runs of the sector's validators removed",
            detail={"removed": removed, "given_up": lost, "days": days},
        )
        self.stdout.write(
            f"{removed} run{'s' if removed != 1 else ''} removed, {lost} lost run{'s' if lost != 1 else ''} given up"
        )
