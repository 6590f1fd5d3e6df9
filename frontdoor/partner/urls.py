"""Pages for everyone who tells the front door about a child: making a contact, one's own
contacts with the feedback given, the checks addressed to one's agency, and the published
threshold document (public)."""

from django.urls import path

from . import journey, views

app_name = "contacts"

urlpatterns = [
    path("contacts/", views.contacts_mine, name="mine"),
    path("contacts/new/", journey.start, name="new"),
    path("contacts/new/<uuid:draft_id>/<slug:page>/", journey.page, name="page"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="detail"),
    path("agency-checks/", views.checks, name="checks"),
    path("agency-checks/<int:check_id>/", views.check_detail, name="check"),
    path("threshold-document/", views.threshold, name="threshold"),
    path("threshold-document/versions/<int:document_id>/", views.threshold_version, name="threshold-version"),
]
