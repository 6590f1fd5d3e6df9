"""Check the person index for likely duplicates of each other (linkage.dedupe): run it nightly
from the scheduler. It queues the check for the worker (manage.py db_worker), or with --now runs
it here. It prints counts, never names."""

import time

from django.core.management.base import BaseCommand

from linkage import dedupe
from people.merging import services


class Command(BaseCommand):
    help = "Find likely duplicates within the person index with the approved linkage model, for managers to review"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run the check in this process rather than queue it")

    def handle(self, *args, now=False, **options):
        waiting = services.check_waiting()
        if waiting is not None and not now:
            self.stdout.write(f"Check {waiting.pk} is {waiting.get_status_display().lower()} already")
            return
        check = services.request_duplicate_check(None, queue=not now)
        if not now:
            self.stdout.write(f"Check {check.pk} queued")
            return
        started = time.monotonic()
        outcome = dedupe.find_duplicates(check.pk)
        check.refresh_from_db()
        counts = ", ".join(f"{name} {value}" for name, value in check.counts.items())
        self.stdout.write(f"Check {check.pk} {outcome} in {time.monotonic() - started:.1f} s: {counts}")
        if check.error:
            self.stderr.write(check.error)
