"""Issue an API token to a partner system and print it once.

    manage.py issue_api_token --agency-id 3 --name "Testshire Police case system" \\
        --scope people:read [--scope contacts:create ...] [--expires-days 365] [--created-by USERNAME]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.models import Agency, User
from partners.tokens import expiry_in_days, issue_token


class Command(BaseCommand):
    help = "Issue an API token for a partner system. The token is printed once and cannot be shown again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency-id", type=int, required=True, help="The agency the partner system belongs to")
        parser.add_argument("--name", required=True, help="Which system will use the token")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            dest="scopes",
            help="An operation it may call, like people:read (repeat for more)",
        )
        parser.add_argument("--expires-days", type=int, default=None, help="Stop working after this many days")
        parser.add_argument("--created-by", default=None, help="Username of the administrator issuing it")

    def handle(
        self,
        *args: Any,
        agency_id: int,
        name: str,
        scopes: list[str],
        expires_days: int | None,
        created_by: str | None,
        **options: Any,
    ) -> None:
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise CommandError(f"There is no agency with id {agency_id}")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be 1 or more")
        issuer = None
        if created_by:
            issuer = User.objects.filter(username=created_by).first()
            if issuer is None:
                raise CommandError(f"There is no user {created_by}")
        try:
            api_token, token = issue_token(
                agency, name, scopes, created_by=issuer, expires_at=expiry_in_days(expires_days)
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"Issued API token {api_token.prefix} to {agency} ({name}), scopes: {', '.join(api_token.scopes)}"
            + (f", expires {api_token.expires_at:%Y-%m-%d %H:%M}" if api_token.expires_at else "")
            + "."
        )
        self.stderr.write("Give this token to the partner system now: it is not stored and cannot be shown again.")
        self.stdout.write(token)
