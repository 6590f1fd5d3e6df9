"""Signing in and out, two-factor authentication and the user's own account page.

Who may use these views (for the access rules, kernel.access):

- Signed-out visitors (public): health, sign-in, sign-out.
- Any signed-in user, including one who has given their password but not yet their
  two-factor code: the two-factor pages (TwoFactorView, TwoFactorSetUpView).
- Any signed-in user who has given their two-factor code: the account page (AccountView;
  partners.auth.TwoFactorRequiredMiddleware keeps the others out).
- Administrators: none here (API tokens are managed in the admin and by management commands;
  accounts in partners.accounts.views).
"""

import base64
import io
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from kernel.access import public

from . import auth
from .accounts import services as accounts
from .forms import SignInForm, TwoFactorCodeForm
from .models import User


@public
def health(request):
    return JsonResponse({"status": "ok"})


class SignInView(auth_views.LoginView):
    public = True
    access_rule = "public"
    form_class = SignInForm
    template_name = "registration/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if auth.otp_required() and auth.confirmed_device(user) is None and not accounts.may_set_up(self.request, user):
            # The password alone never leads to setting up an authenticator app: that needs a
            # set-up link (partners.accounts). The account is not signed in.
            audit.record(
                None, "sign_in", obj=user, summary="Sign-in refused: no authenticator app set up and no set-up link"
            )
            return redirect("not-set-up")
        response = super().form_valid(form)  # signs in with the password; not yet verified
        user = self.request.user
        if not auth.otp_required():
            return auth.finish_sign_in(self.request, user)
        self.request.session[auth.NEXT_KEY] = response.url
        audit.record(user, "sign_in", summary="Password accepted; asked for the two-factor code")
        return redirect(auth.two_factor_url(user))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", "invalid_login"):
            self.audit_failure(form.data.get("username", ""))
        return response

    def audit_failure(self, username):
        request = self.request
        account = User.objects.filter(username=username).first() if username else None
        if getattr(request, "axes_locked_out", False):
            if getattr(request, "axes_failures_since_start", None) is None:
                summary = "Sign-in refused: the account is locked"
            else:
                summary = f"Account locked for {auth.lock_minutes(request)} minutes: too many failed sign-in attempts"
        elif account is None:
            summary = "Failed sign-in: unknown username"
        else:
            summary = "Failed sign-in: wrong password"
        # Whoever tried is not known: the account is the object, not the actor.
        audit.record(None, "sign_in", obj=account, summary=summary)


class SignOutView(auth_views.LogoutView):
    public = True
    access_rule = "public"

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit.record(request.user, "sign_out", summary="Signed out")
        return super().post(request, *args, **kwargs)


class _TwoFactorStep(FormView):
    """Common to the two-factor pages: only for a user who has given their password and not
    yet their code."""

    access_rule = "signed_in"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("sign-in")
        if auth.is_verified(request.user) and auth.otp_required():
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)


class TwoFactorView(_TwoFactorStep):
    """Enter the code from your authenticator app."""

    template_name = "registration/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and auth.confirmed_device(request.user) is None:
            return redirect("two-factor-set-up")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        user = request.user
        if auth.is_locked(request, user):
            audit.record(None, "sign_in", obj=user, summary="Sign-in refused: the account is locked")
            return auth.locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        request, user = self.request, self.request.user
        device = auth.confirmed_device(user)
        verified = verify_token(user, device.persistent_id, form.cleaned_data["code"])
        if verified is not None:
            return auth.finish_sign_in(request, user, verified, summary="Signed in with a two-factor code")
        device.refresh_from_db()
        used = accounts.code_was_used(device, form.cleaned_data["code"])
        locked = auth.record_code_failure(
            request,
            user,
            "Failed sign-in: two-factor code already used" if used else "Failed sign-in: wrong two-factor code",
        )
        if locked is not None:
            return locked
        if used:
            form.add_error("code", "That code has been used. Wait for a new code")
        else:
            form.wrong_code()
        return self.form_invalid(form)


class TwoFactorSetUpView(_TwoFactorStep):
    """Set up two-factor authentication: scan the QR code (or type the key), enter a code.

    Only for a user who has no authenticator app set up yet and who followed a set-up link
    in this browser before signing in (partners.accounts). Without one the user is signed out
    and told to ask for a link. A wrong code here is not counted towards the lock-out: the key
    was only just shown to this session, so there is nothing to guess."""

    template_name = "registration/two_factor_set_up.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and auth.confirmed_device(request.user) is not None:
            return redirect("two-factor")
        if request.user.is_authenticated and not accounts.may_set_up(request, request.user):
            return self.refuse(request)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def refuse(request):
        user = request.user
        audit.record(user, "sign_in", summary="Two-factor set-up refused: no set-up link")
        if auth.otp_required():
            logout(request)
        return redirect("not-set-up")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "button": "Continue"}

    def device(self):
        user = self.request.user
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        return device

    def get_context_data(self, **kwargs):
        device = self.device()
        secret = b32encode(device.bin_key).decode()
        buffer = io.BytesIO()
        segno.make(device.config_url, error="m").save(
            buffer, kind="svg", scale=5, border=4, xmldecl=False, dark="#0b0c0c", light="#ffffff"
        )
        return super().get_context_data(
            qr_code="data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode(),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            **kwargs,
        )

    def form_valid(self, form):
        request, user = self.request, self.request.user
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
            if device is None:
                return redirect("two-factor-set-up")
            if device.verify_token(form.cleaned_data["code"]):
                if not accounts.spend_link(request, user):
                    return self.refuse(request)  # the link was used or replaced meanwhile
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                audit.record(user, "sign_in", obj=device, summary="Set up two-factor authentication")
                return auth.finish_sign_in(
                    request, user, device, summary="Signed in with a two-factor code (first time)"
                )
        audit.record(user, "sign_in", summary="Two-factor set-up: code not accepted")
        form.add_error(
            "code",
            "The code is not correct. Check you scanned the QR code or typed the key, "
            "then enter the code your app shows now",
        )
        return self.form_invalid(form)


class AccountView(TemplateView):
    """Your account: who you are here, and signing out of your other sessions."""

    access_rule = "signed_in"
    template_name = "account/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(device=auth.confirmed_device(self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        auth.sign_out_other_sessions(request)
        messages.success(request, "You have signed out of all your other sessions")
        return redirect("account")
