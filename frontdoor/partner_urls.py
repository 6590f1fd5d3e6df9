"""Pages for everyone who tells the front door about a child: making a contact, one's own
contacts with the feedback given, the checks addressed to one's agency, and the published
threshold document (public)."""

from django.urls import path

app_name = "contacts"

urlpatterns = []
