"""Revoke an API token by its prefix (the first 8 characters, as the admin shows them).

manage.py revoke_api_token sgk_AbCd [--revoked-by USERNAME]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.models import ApiToken, User
from partners.tokens import revoke_token


class Command(BaseCommand):
    help = "Revoke an API token at once, by its prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="The token's first 8 characters, like sgk_AbCd")
        parser.add_argument("--revoked-by", default=None, help="Username of the administrator revoking it")

    def handle(self, *args: Any, prefix: str, revoked_by: str | None, **options: Any) -> None:
        api_token = ApiToken.objects.filter(prefix=prefix).first()
        if api_token is None:
            raise CommandError(f"There is no API token {prefix}")
        by = None
        if revoked_by:
            by = User.objects.filter(username=revoked_by).first()
            if by is None:
                raise CommandError(f"There is no user {revoked_by}")
        if api_token.revoked_at is not None:
            self.stdout.write(f"API token {prefix} was revoked already, on {api_token.revoked_at:%Y-%m-%d %H:%M}.")
            return
        revoke_token(api_token, revoked_by=by)
        self.stdout.write(f"Revoked API token {prefix} ({api_token.name}, {api_token.agency}).")
