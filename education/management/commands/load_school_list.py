"""Load the authority's school list from a JSON file: a list of {"urn", "name", "phase",
"special", "maintained_by_authority"} (for example from an extract of Get Information about
Schools). Schools are added or updated by URN; a bad row refuses the whole file."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from education.services import load_school_list
from kernel.rules import RuleBroken


class Command(BaseCommand):
    help = "Load the authority's school list (URN, name, phase, special school, maintained) from a JSON file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A JSON file holding a list of schools")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = json.loads(Path(options["path"]).read_text(encoding="utf-8"))
        try:
            count = load_school_list(rows)
        except RuleBroken as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{count} schools loaded")
