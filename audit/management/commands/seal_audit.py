import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.anchor import AnchorWriteError
from audit.integrity import anchor_head, seal_pending


class Command(BaseCommand):
    help = (
        "Link new audit events into the hash chain and append each new end of the chain to the anchor "
        "(settings.AUDIT_ANCHOR). Run every minute, or with --loop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sealing, every --every seconds")
        parser.add_argument("--every", type=float, default=10.0)

    def handle(self, *args: Any, loop: bool = False, every: float = 10.0, **options: Any) -> None:
        while True:
            sealed = 0
            try:
                sealed = seal_pending()
                # Anchors the end if the last write failed, or if nothing new was sealed since the upgrade.
                anchor_head()
            except AnchorWriteError as error:
                # The seals are committed; a later run anchors a later end, which covers these.
                if not loop:
                    raise CommandError(str(error)) from error
                self.stderr.write(str(error))
            if sealed or not loop:
                self.stdout.write(f"sealed {sealed} audit event(s)")
            if not loop:
                return
            time.sleep(every)
