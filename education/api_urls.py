"""The partner API for schools' deregistration notices, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("deregistration-notices/", api.DeregistrationNoticeView.as_view(), name="api-deregistration-notices"),
]
