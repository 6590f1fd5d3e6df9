from django.urls import path

from . import views

app_name = "familyhelp"

urlpatterns = [
    path("waiting-for-allocation/", views.waiting_for_allocation, name="waiting"),
    path("<int:person_id>/", views.case, name="case"),
    path("episodes/<int:episode_id>/allocate/", views.allocate, name="allocate"),
    path("episodes/<int:episode_id>/assessment/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:assessment_id>/", views.assessment, name="assessment"),
    path("assessments/<int:assessment_id>/authorise/", views.assessment_authorise, name="assessment-authorise"),
    path("episodes/<int:episode_id>/cin-plan/", views.cin_plan_start, name="cin-plan-start"),
    path("cin-plans/<int:cin_plan_id>/", views.cin_plan, name="cin-plan"),
    path("cin-plans/<int:cin_plan_id>/review/", views.cin_review, name="cin-review"),
    path("cin-plans/<int:cin_plan_id>/end/", views.cin_plan_end, name="cin-plan-end"),
    path("episodes/<int:episode_id>/visits/new/", views.visit, name="visit"),
    path("episodes/<int:episode_id>/close/", views.close, name="close"),
]
