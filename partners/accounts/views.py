"""Account administration pages and the pages of the set-up link (partners.accounts.services).

Who may use these views (for the access rules, kernel.access):

- Signed-out visitors (public): a set-up link (SetUpLinkView: sign in to set up an
  authenticator app) and "Your account is not set up yet" (NotSetUpView).
- Any signed-in user who has given their two-factor code: "Change your password".
- System administrators and user administrators (the `user_administration` rule): the
  accounts list, an account, making an account, resetting a password or an authenticator
  app. partners.accounts.services.why_not_manage limits whose account each may change.

The pages that show a temporary password or a set-up link are the answer to the POST that
made it, never stored or shown again, and are not cached.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, TemplateView

from audit import services as audit

from .. import auth
from ..forms import AccountSearchForm, ChangePasswordForm, CreateAccountForm, ResetForm
from ..views import SignInView
from . import selectors
from . import services as accounts

PAGE_SIZE = 50


def _no_store(response):
    add_never_cache_headers(response)
    return response


# --- The set-up link --------------------------------------------------------------------------


class SetUpLinkView(SignInView):
    """/set-up/<token>/: the link from an administrator. A usable link is remembered in this
    browser's session; the user then signs in with their password here and goes on to set up
    their authenticator app. An expired, used or unknown link says so."""

    template_name = "registration/set_up_sign_in.html"

    def dispatch(self, request, *args, token, **kwargs):
        if request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)  # LoginView sends them on
        link = accounts.link_from_token(token)
        if link is None or not link.is_usable:
            why = "unknown" if link is None else link.status.lower()
            if link is not None and not link.user.is_active:
                why = "account switched off"
            audit.record(None, "sign_in", obj=link.user if link else None, summary=f"Set-up link refused: {why}")
            status = 404 if link is None else 410
            return render(request, "registration/set_up_link_not_usable.html", {"why": why}, status=status)
        if request.method == "GET" and request.session.get(accounts.SET_UP_LINK_KEY) != link.pk:
            audit.record(None, "sign_in", obj=link.user, summary="Followed a set-up link")
        accounts.remember_link(request, link)
        return super().dispatch(request, *args, **kwargs)


class NotSetUpView(TemplateView):
    public = True
    access_rule = "public"
    template_name = "registration/not_set_up.html"


# --- Your own password ------------------------------------------------------------------------


class ChangePasswordView(FormView):
    """Change your password. A user whose password was reset reaches only this page until they
    have (partners.accounts.middleware)."""

    access_rule = "signed_in"
    form_class = ChangePasswordForm
    template_name = "account/change_password.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = form.save()
        was_reset = user.must_change_password
        if was_reset:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        update_session_auth_hash(self.request, user)  # this session carries on; others end
        audit.record(
            user, "update", obj=user, summary="Changed their password" + (" after a reset" if was_reset else "")
        )
        messages.success(self.request, "Your password has been changed")
        return redirect("home" if was_reset else "account")


# --- Account administration -------------------------------------------------------------------


class _AccountAdministration(TemplateView):
    access_rule = "user_administration"


class AccountListView(_AccountAdministration):
    template_name = "accounts/list.html"

    def get_context_data(self, **kwargs):
        form = AccountSearchForm(self.request.GET or None)
        q = form.cleaned_data["q"].strip() if form.is_valid() else ""
        page = Paginator(selectors.account_list(q), PAGE_SIZE).get_page(self.request.GET.get("page"))
        with_app = selectors.with_authenticator(list(page))
        rows = [(account, account.pk in with_app) for account in page]
        return super().get_context_data(
            form=form, q=q, page=page, rows=rows, query=(urlencode({"q": q}) + "&") if q else "", **kwargs
        )


class AccountCreateView(_AccountAdministration):
    template_name = "accounts/create.html"

    def form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return CreateAccountForm(data, roles=accounts.roles_for(self.request.user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=kwargs.pop("form", None) or self.form(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        account, password, link, token = accounts.create_account(
            request.user,
            username=data["username"],
            role=data["role"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            agency=data["agency"],
            team=data["team"],
            job_title=data["job_title"],
        )
        return _no_store(
            render(
                request,
                "accounts/created.html",
                {
                    "account": account,
                    "password": password,
                    "link": link,
                    "link_url": request.build_absolute_uri(accounts.set_up_path(token)),
                    "hours": accounts.link_hours(),
                },
            )
        )


class AccountDetailView(_AccountAdministration):
    template_name = "accounts/detail.html"

    def get_context_data(self, **kwargs):
        account = selectors.account(self.kwargs["account_id"])
        return super().get_context_data(
            account=account,
            device=auth.confirmed_device(account),
            why_not=accounts.why_not_manage(self.request.user, account),
            link=selectors.set_up_link(account),
            **kwargs,
        )


class _ResetView(_AccountAdministration):
    """The confirmation step (why) and the reset itself; subclasses say which."""

    template_name = "accounts/reset.html"
    kind = title = button = ""

    def account(self):
        return selectors.account(self.kwargs["account_id"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            why_not = accounts.why_not_manage(request.user, self.account())
            if why_not:
                return render(request, "accounts/not_allowed.html", {"why_not": why_not}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return ResetForm(data, kind=self.kind, button=self.button)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account=self.account(), form=kwargs.pop("form", None) or self.form(), title=self.title, **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = self.form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return _no_store(self.reset(self.account(), form.reason_label()))


class ResetPasswordView(_ResetView):
    kind, title, button = "password", "Reset the password", "Reset password"

    def reset(self, account, reason):
        password = accounts.reset_password(self.request.user, account, reason=reason)
        return render(self.request, "accounts/password_reset_done.html", {"account": account, "password": password})


class ResetAuthenticatorView(_ResetView):
    kind, title, button = "authenticator", "Reset the authenticator app", "Reset authenticator app"

    def reset(self, account, reason):
        link, token = accounts.reset_authenticator(self.request.user, account, reason=reason)
        return render(
            self.request,
            "accounts/authenticator_reset_done.html",
            {
                "account": account,
                "link": link,
                "link_url": self.request.build_absolute_uri(accounts.set_up_path(token)),
                "hours": accounts.link_hours(),
            },
        )
