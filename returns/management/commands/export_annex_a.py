"""python manage.py export_annex_a --date 2026-11-30 --out annex_a.xlsx: the Ofsted ILACS
Annex A lists for an inspection date, as one workbook, audited as an export (the date and the
rows in each list; no names)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from returns.annex_a import selectors as annex_a


def inspection_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Give the inspection date as YYYY-MM-DD, like 2026-11-30, not {value!r}") from None


class Command(BaseCommand):
    help = "Write the Ofsted ILACS Annex A lists for an inspection date as one xlsx workbook."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The inspection date, YYYY-MM-DD (default today)")
        parser.add_argument("--out", required=True, help="The xlsx file to write")

    def handle(self, *args, date=None, out, **options):
        day = inspection_date(date) if date else timezone.localdate()
        tables = annex_a.build(day)
        annex_a.write(tables, out)
        counts = annex_a.counts(tables)
        audit.record(
            None,
            AuditEvent.Action.EXPORT,
            summary=f"Annex A lists for {day:%-d %B %Y} exported",
            detail={"inspection_date": day.isoformat(), "rows": counts, "by": "manage.py export_annex_a"},
        )
        for name, count in counts.items():
            self.stdout.write(f"{name} {annex_a.TITLES[name]}: {count} rows")
