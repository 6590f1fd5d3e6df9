"""python manage.py export_ssda903 --year 2026 --out DIR: the SSDA903 return for the
collection year ending 31 March YEAR, one CSV per table, audited as an export."""

from django.core.management.base import BaseCommand, CommandError

from audit import services as audit
from audit.models import AuditEvent
from returns import ssda903


class Command(BaseCommand):
    help = "Write the SSDA903 return for a collection year (the year it ends) as one CSV per table."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends (2026 for 2025/26)")
        parser.add_argument("--out", required=True, help="The directory to write the CSV files to")

    def handle(self, *args, year, out, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Give the year the collection ends, like 2026 for 2025 to 2026")
        tables = ssda903.build(year)
        paths = ssda903.write(tables, out)
        counts = {name: len(rows) for name, rows in tables.items()}
        audit.record(
            None,
            AuditEvent.Action.EXPORT,
            summary=f"SSDA903 return {year - 1}/{str(year)[2:]} exported",
            detail={"year": year, "rows": counts, "by": "manage.py export_ssda903"},
        )
        for path in paths:
            self.stdout.write(f"{path.name}: {counts[path.stem]} rows")
