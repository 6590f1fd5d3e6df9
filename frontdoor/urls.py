"""Front-door (MASH) pages for local-authority staff: the queue, a contact's work page,
checks, the decision and feedback."""

from django.urls import path

from . import views

app_name = "frontdoor"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("contacts/<int:contact_id>/", views.contact, name="contact"),
    path("contacts/<int:contact_id>/people/", views.bring_in, name="bring-in"),
    path("contacts/<int:contact_id>/checks/", views.request_check, name="request-check"),
    path("contacts/<int:contact_id>/feedback/", views.feedback, name="feedback"),
    path("contacts/<int:contact_id>/decision/", views.decide, name="decide"),
    path("contacts/<int:contact_id>/decision/check/", views.decide_check, name="decide-check"),
    path("contacts/<int:contact_id>/assign/", views.assign, name="assign"),
    path("checks/<int:check_id>/answer/", views.check_answer, name="check-answer"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("partner-submissions/", views.submissions, name="submissions"),
]
