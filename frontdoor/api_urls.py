"""The partner API for contacts."""

from django.urls import path

urlpatterns = []
