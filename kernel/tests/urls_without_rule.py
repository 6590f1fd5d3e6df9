"""A URL configuration with routes nobody gave a rule to, for the access-matrix test."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.urls import urlpatterns as site_urlpatterns


def forgotten(request):
    return HttpResponse("this should never be shown")


class ForgottenApi(APIView):
    def get(self, request):
        return Response({"secret": "this should never be shown"})


urlpatterns = [
    path("no-rule/", forgotten),
    path("api/no-rule/", ForgottenApi.as_view()),
    *site_urlpatterns,
]
