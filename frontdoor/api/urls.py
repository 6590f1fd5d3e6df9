"""The partner API for contacts."""

from django.urls import path

from . import views as api

urlpatterns = [
    path("contacts/", api.ContactListView.as_view(), name="api-contacts"),
    path("contacts/<int:contact_id>/", api.ContactDetailView.as_view(), name="api-contact"),
    path(
        "contact-submissions/<uuid:submission_id>/", api.ContactSubmissionView.as_view(), name="api-contact-submission"
    ),
]
