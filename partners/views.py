from django.contrib.auth import views as auth_views
from django.http import JsonResponse

from audit import services as audit
from kernel.middleware import public

from .forms import SignInForm


@public
def health(request):
    return JsonResponse({"status": "ok"})


class SignInView(auth_views.LoginView):
    public = True
    form_class = SignInForm
    template_name = "registration/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(self.request.user, "sign_in", summary="Signed in")
        return response


class SignOutView(auth_views.LogoutView):
    public = True

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit.record(request.user, "sign_out", summary="Signed out")
        return super().post(request, *args, **kwargs)
