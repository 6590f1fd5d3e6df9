"""python manage.py export_cin_census --year 2026 --out FILE.xml: the children in need census
for the collection year ending 31 March YEAR, as the DfE's XML, audited as an export."""

from django.core.management.base import BaseCommand, CommandError

from audit import services as audit
from audit.models import AuditEvent
from returns.cin import census as cin_census


class Command(BaseCommand):
    help = "Write the children in need census for a collection year (the year it ends) as XML."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends (2026 for 2025/26)")
        parser.add_argument("--out", required=True, help="The XML file to write")

    def handle(self, *args, year, out, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Give the year the collection ends, like 2026 for 2025 to 2026")
        data = cin_census.build(year, serial=cin_census.next_serial(year))
        try:
            cin_census.write(data, out)
        except OSError as error:
            raise CommandError(f"Could not write {out}: {error.strerror}") from error
        counts = cin_census.counts(data)
        audit.record(
            None,
            AuditEvent.Action.EXPORT,
            summary=f"CIN census {year - 1}/{str(year)[2:]} exported",
            detail={
                "year": year,
                "counts": counts,
                "serial": data["header"]["SerialNo"],
                "by": "manage.py export_cin_census",
            },
        )
        self.stdout.write(f"{out}: {counts['children']} children, {counts['CINdetails']} CIN details")
