"""The accounts an administrator looks at: the list (searched by name, username or email),
one account, whether accounts have an authenticator app, and an account's set-up link."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import SetUpLink, User


def account_list(q: str = "") -> QuerySet[User]:
    """Every account by name, or those whose username, names or email hold each of the first
    five words of `q`."""
    found = User.objects.select_related("agency", "team").order_by("last_name", "first_name", "username")
    for word in q.split()[:5]:
        found = found.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    return found


def with_authenticator(accounts: list[User]) -> set[int]:
    """The ids of those accounts that have set up an authenticator app."""
    return set(
        TOTPDevice.objects.filter(user__in=[u.pk for u in accounts], confirmed=True).values_list("user_id", flat=True)
    )


def account(account_id: int) -> User:
    """One account with its agency and team, or 404."""
    return get_object_or_404(User.objects.select_related("agency", "team"), pk=account_id)


def set_up_link(account: User) -> SetUpLink | None:
    """The account's set-up link (the newest replaces any other), or None."""
    return SetUpLink.objects.filter(user=account).first()
