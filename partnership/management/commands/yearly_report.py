"""python manage.py yearly_report --from 2025-04-01 --to 2026-03-31 --out DIR

Writes the partnership's yearly report for the period as DIR/report.html and DIR/report.pdf:
the published report for exactly that period as it was published (frozen), otherwise the latest
version of the report being written for it (or no narrative, if none), with its figures counted
now from the records. Prints how long each part took.
"""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnership.models import YearlyReport
from partnership.report import figures, render, selectors, services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD, for example 2026-03-31") from error


class Command(BaseCommand):
    help = "Write the safeguarding partnership's yearly report for a period as report.html and report.pdf"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="The first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="The last day, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="The folder to write report.html and report.pdf in")
        parser.add_argument("--no-pdf", action="store_true", help="Write the HTML only")

    def handle(self, *args, date_from, date_to, out, no_pdf=False, **options):
        start, end = _date(date_from), _date(date_to)
        if end < start:
            raise CommandError("--to must be on or after --from")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        report = YearlyReport.objects.filter(period_from=start, period_to=end).order_by("-status", "-id").first()
        began = time.perf_counter()
        if report is not None and report.status == YearlyReport.Status.PUBLISHED:
            html, pdf = report.html, bytes(report.pdf or b"")
            self.stdout.write(f"The published report {report.title!r}, as it was published")
        else:
            period = figures.Period(start, end)
            counted = figures.count_all(period)
            counted_in = time.perf_counter() - began
            version = services.latest_version(report) if report else None
            html = render.document(
                title=report.title if report else f"Safeguarding partnership report, {period}",
                period=period,
                counted=counted,
                version=version,
                approvals=selectors.approvals(version) if version else [],
                status=f"Draft (version {version.number}): not published" if version else "Draft: not published",
                counted_at=timezone.now(),
            )
            drawn_in = time.perf_counter() - began - counted_in
            self.stdout.write(f"Figures counted in {counted_in:.1f} s, HTML drawn in {drawn_in:.1f} s")
            pdf = b"" if no_pdf else render.pdf(html)
        (folder / "report.html").write_text(html, encoding="utf-8")
        if not no_pdf:
            (folder / "report.pdf").write_bytes(pdf)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {folder / 'report.html'}{'' if no_pdf else ' and report.pdf'} "
                f"in {time.perf_counter() - began:.1f} s"
            )
        )
