"""Signing in and out, two-factor authentication, set-up links, the user's account page and
password, account administration, the health check."""

from django.urls import path

from . import views
from .accounts import views as views_accounts

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/two-factor/", views.TwoFactorView.as_view(), name="two-factor"),
    path("sign-in/two-factor/set-up/", views.TwoFactorSetUpView.as_view(), name="two-factor-set-up"),
    path("sign-in/not-set-up/", views_accounts.NotSetUpView.as_view(), name="not-set-up"),
    path("set-up/<str:token>/", views_accounts.SetUpLinkView.as_view(), name="set-up-link"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/password/", views_accounts.ChangePasswordView.as_view(), name="change-password"),
    # Account administration (the user_administration rule).
    path("accounts/", views_accounts.AccountListView.as_view(), name="accounts"),
    path("accounts/new/", views_accounts.AccountCreateView.as_view(), name="account-create"),
    path("accounts/<int:account_id>/", views_accounts.AccountDetailView.as_view(), name="account-detail"),
    path(
        "accounts/<int:account_id>/reset-password/",
        views_accounts.ResetPasswordView.as_view(),
        name="account-reset-password",
    ),
    path(
        "accounts/<int:account_id>/reset-authenticator/",
        views_accounts.ResetAuthenticatorView.as_view(),
        name="account-reset-authenticator",
    ),
    path("health/", views.health, name="health"),
]
