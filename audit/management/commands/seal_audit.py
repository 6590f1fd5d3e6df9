import time

from django.core.management.base import BaseCommand

from audit.integrity import seal_pending


class Command(BaseCommand):
    help = "Link new audit events into the hash chain (run every minute, or with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sealing, every --every seconds")
        parser.add_argument("--every", type=float, default=10.0)

    def handle(self, *args, loop=False, every=10.0, **options):
        while True:
            sealed = seal_pending()
            if sealed or not loop:
                self.stdout.write(f"sealed {sealed} audit event(s)")
            if not loop:
                return
            time.sleep(every)
