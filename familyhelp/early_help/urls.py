"""Early help pages, at /early-help/ (familyhelp.early_help.views)."""

from django.urls import path

from . import views

app_name = "earlyhelp"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("children/<int:person_id>/", views.child, name="child"),
    path("children/<int:person_id>/start/", views.start, name="start"),
    path("contacts/<int:eh_contact_id>/start/", views.start_from_contact, name="start-from-contact"),
    path("step-down/<int:eh_referral_id>/", views.step_down, name="step-down"),
    path("<int:early_help_id>/", views.episode, name="episode"),
    path("<int:early_help_id>/lead/", views.lead, name="lead"),
    path("<int:early_help_id>/assessment/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:eh_assessment_id>/", views.assessment, name="assessment"),
    path("<int:early_help_id>/plan/", views.plan_start, name="plan-start"),
    path("plans/<int:eh_plan_id>/review/", views.plan_review, name="plan-review"),
    path("<int:early_help_id>/close/", views.close, name="close"),
]
