"""Signing in and out, two-factor authentication, the user's account page, the health check."""

from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/two-factor/", views.TwoFactorView.as_view(), name="two-factor"),
    path("sign-in/two-factor/set-up/", views.TwoFactorSetUpView.as_view(), name="two-factor-set-up"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("health/", views.health, name="health"),
]
