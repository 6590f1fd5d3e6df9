"""The nightly relevant-child check (education.nightly): prints counts, never names."""

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from education.nightly import check_relevant_children


class Command(BaseCommand):
    help = "Work out every pupil's relevant-child status (s434A) and flag the children whose status changed"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="The day (ISO date); today by default")

    def handle(self, *args: Any, **options: Any) -> None:
        on = datetime.date.fromisoformat(options["on"]) if options.get("on") else None
        started = time.monotonic()
        result = check_relevant_children(on)
        self.stdout.write(
            f"{result.checked} children checked in {time.monotonic() - started:.1f} s: "
            f"{len(result.became_relevant)} became relevant, {len(result.stopped_being_relevant)} stopped, "
            f"{len(result.conditions_changed)} changed condition"
        )
