"""Care planning pages (childrenincare.planning.views), in the childrenincare namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("periods/<int:period_id>/care-plan/", views.care_plan, name="care-plan"),
    path("periods/<int:period_id>/iro/", views.iro, name="iro"),
    path("periods/<int:period_id>/health-assessment/", views.health_assessment, name="health-assessment"),
    path("periods/<int:period_id>/outcomes/<int:year>/", views.year_outcomes, name="year-outcomes"),
    path("periods/<int:period_id>/education-plan/", views.education_plan, name="education-plan"),
    path("periods/<int:period_id>/reviews/new/", views.review, name="review"),
    path("periods/<int:period_id>/visits/new/", views.visit, name="visit"),
    path("periods/<int:period_id>/planning/", views.planning, name="planning"),
    path("periods/<int:period_id>/short-breaks-ended/", views.short_breaks_ended, name="short-breaks-ended"),
]
