"""Multi-agency audits' pages, under /partnership/audits/."""

from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("partnership/audits/", views.audits, name="list"),
    path("partnership/audits/new/", views.audit_new, name="new"),
    path("partnership/audits/inbox/", views.inbox, name="inbox"),
    path("partnership/audits/inbox/<int:audit_case_id>/", views.answer, name="answer"),
    path("partnership/audits/actions/<int:audit_action_id>/", views.action, name="action"),
    path("partnership/audits/<int:audit_id>/", views.audit_page, name="audit"),
    path("partnership/audits/<int:audit_id>/questions/new/", views.question_new, name="question-new"),
    path("partnership/audits/<int:audit_id>/sample/", views.sample, name="sample"),
    path("partnership/audits/<int:audit_id>/sample/draw/", views.draw, name="draw"),
    path("partnership/audits/<int:audit_id>/cases/<int:audit_case_id>/", views.case_page, name="case"),
    path("partnership/audits/<int:audit_id>/cases/<int:audit_case_id>/grade/", views.case_grade, name="grade"),
    path("partnership/audits/<int:audit_id>/actions/new/", views.action_new, name="action-new"),
    path("partnership/audits/<int:audit_id>/complete/", views.complete, name="complete"),
]
