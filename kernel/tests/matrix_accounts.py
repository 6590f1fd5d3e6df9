"""The access matrix's records for account administration (see test_access_matrix.MODULES):
the account the administration pages are looked at for (the world's social worker, whose
account both an administrator and a user administrator may change) and a usable set-up link.
The `user_administration` rule: system administrators and user administrators only."""

from partners.models import User

R = User.Role

EXPECTED = {
    "user_administration": {R.ADMINISTRATOR, R.USER_ADMINISTRATOR},
}


def history(world):
    """Make the module's records; return {URL parameter name: value}."""
    from partners.accounts.services import issue_set_up_link
    from partners.models import SetUpLink

    account = world["users"][R.SOCIAL_WORKER]
    _, token = issue_set_up_link(account, SetUpLink.Reason.NEW_ACCOUNT)
    return {"account_id": account.pk, "token": token}
