"""Remove the temporary files that rolled-back contacts leave in ATTACHMENT_ROOT.

A file sent with a contact is written to `.incoming-<name>` and moved into place only when the
contact is committed (frontdoor.attachments.store). A request that fails after the write leaves
the temporary file; this removes those older than an hour (or --older-than seconds). Run it
from cron, say hourly:

    manage.py sweep_attachments [--older-than 3600]

Stored attachments (the files without the `.incoming-` prefix) are never touched.

It also removes the drafts of contacts that were started on the question pages and not touched
for two days (frontdoor.partner.services.DRAFT_KEEP), with the files uploaded to them.
"""

from django.core.management.base import BaseCommand, CommandError

from frontdoor import attachments
from frontdoor.partner import services as drafts


class Command(BaseCommand):
    help = "Remove temporary attachment files left by rolled-back contacts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=3600,
            help="Only files older than this many seconds (default 3600), so that none being written now is removed",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more seconds")
        removed = attachments.sweep_incoming(older_than_seconds=older_than)
        self.stdout.write(f"Removed {removed} temporary file{'s' if removed != 1 else ''} from {attachments.root()}.")
        old = drafts.sweep_drafts()
        self.stdout.write(
            f"Removed {old} draft contact{'s' if old != 1 else ''} not touched for {drafts.DRAFT_KEEP.days} days."
        )
