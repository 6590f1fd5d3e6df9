from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.anchor import AnchorStore, AnchorWriteError, FileAnchorStore, configured_store
from audit.integrity import check_anchor, seal_pending, verify


class Command(BaseCommand):
    help = (
        "Check the audit trail: every entry's hash, the whole hash chain, and that the chain still reaches "
        "every end written to the anchor. Names the first broken entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-seal", action="store_true", help="do not seal pending events first")
        parser.add_argument(
            "--anchor",
            metavar="PATH",
            help="check against this anchor file (a copy of the anchor, say); "
            "default: the configured anchor (settings.AUDIT_ANCHOR), if there is one yet",
        )

    def handle(self, *args: Any, no_seal: bool = False, anchor: str | None = None, **options: Any) -> None:
        if not no_seal:
            try:
                seal_pending()
            except AnchorWriteError as error:
                self.stderr.write(self.style.WARNING(f"{error}; checking what is there"))
        store: AnchorStore | None
        if anchor:
            store = FileAnchorStore(anchor)
            if not store.exists():
                raise CommandError(f"There is no anchor at {anchor}: nothing to check the chain's end against.")
        else:
            store = configured_store()
            if store is not None and not store.exists():
                self.stderr.write(
                    self.style.WARNING(
                        f"Nothing has been anchored at {store} yet: entries removed from the end would not be noticed."
                    )
                )
                store = None
            elif store is None:
                self.stderr.write(
                    self.style.WARNING(
                        "Anchoring is off (settings.AUDIT_ANCHOR is empty): entries removed from the end would not be "
                        "noticed."
                    )
                )
        events, links, problem = verify()
        heads = 0
        if problem is None and store is not None:
            heads, problem = check_anchor(store)
        if problem is not None:
            raise CommandError(f"The audit trail has been tampered with: {problem.message}")
        anchored = f", {heads} anchored end(s) of the chain reached ({store})" if store is not None else ""
        self.stdout.write(
            self.style.SUCCESS(f"The audit trail is intact: {events} entries, {links} links in the chain{anchored}")
        )
