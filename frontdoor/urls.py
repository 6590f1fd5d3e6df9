"""Front-door (MASH) pages for local-authority staff: the queue, a contact's work page,
checks, the decision and feedback."""

from django.urls import path

app_name = "frontdoor"

urlpatterns = []
