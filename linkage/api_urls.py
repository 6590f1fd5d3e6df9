"""The partner API for records to link, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("linkage/records/", api.RecordsView.as_view(), name="api-linkage-records"),
]
