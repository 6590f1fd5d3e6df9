"""Issue a one-time set-up link for an account and print it once.

    manage.py issue_set_up_link USERNAME [--base-url https://safeguarding.example.org] [--reset]

The user follows the link and signs in with their password to set up an authenticator app.
Earlier unused links for the account stop working. With --reset the account's authenticator
apps are removed first and its sessions end (as "Reset authenticator app" does on the accounts
pages): without it, an account that has an app gets no link.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from partners.accounts.services import issue_set_up_link, link_hours, set_up_path
from partners.models import SetUpLink, User


def default_base_url() -> str:
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    if getattr(settings, "PRODUCTION", False) and hosts:
        return f"https://{hosts[0]}"
    return "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Issue a one-time link for an account to set up its authenticator app. The link is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default=None,
            help="The service's address, put in front of the link (default: from DJANGO_ALLOWED_HOSTS "
            "in production, else http://127.0.0.1:8000)",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Remove the account's authenticator apps first and end its sessions"
        )

    def handle(self, *args: Any, username: str, base_url: str | None, reset: bool, **options: Any) -> None:
        account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"There is no user {username}")
        if not account.is_active:
            raise CommandError(f"{username} is switched off: switch the account on first")
        if hasattr(account, "api_token"):
            raise CommandError(f"{username} is a partner system's API token: it does not sign in")
        with transaction.atomic():
            has_app = TOTPDevice.objects.filter(user=account, confirmed=True).exists()
            if has_app and not reset:
                raise CommandError(f"{username} has an authenticator app set up. To replace it, add --reset")
            reason = SetUpLink.Reason.NEW_ACCOUNT
            if reset:
                TOTPDevice.objects.filter(user=account).delete()
                User.objects.filter(pk=account.pk).update(session_generation=F("session_generation") + 1)
                audit.record(
                    None,
                    "update",
                    obj=account,
                    summary=f"Reset the authenticator app of {username} (manage.py issue_set_up_link)",
                )
                reason = SetUpLink.Reason.AUTHENTICATOR_RESET
            link, token = issue_set_up_link(account, reason)
        base = (base_url or default_base_url()).rstrip("/")
        self.stderr.write(
            f"Set-up link for {username}: expires in {link_hours()} hours "
            f"({link.expires_at:%Y-%m-%d %H:%M} UTC) and works once. "
            "It is not stored and cannot be shown again."
        )
        self.stdout.write(base + set_up_path(token))
