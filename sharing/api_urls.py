"""The CP-IS style look-up, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("cpis/queries/", api.CpisQueryView.as_view(), name="api-cpis-query"),
]
