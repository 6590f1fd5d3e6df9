from django.core.management.base import BaseCommand, CommandError

from audit.integrity import seal_pending, verify


class Command(BaseCommand):
    help = "Check the audit trail: every entry's hash and the whole hash chain. Names the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="do not seal pending events first")

    def handle(self, *args, no_seal=False, **options):
        if not no_seal:
            seal_pending()
        events, links, problem = verify()
        if problem is not None:
            raise CommandError(f"The audit trail has been tampered with: {problem.message}")
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {events} entries, {links} links in the chain"))
