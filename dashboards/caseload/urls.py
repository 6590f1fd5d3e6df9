"""Caseloads: /caseload/ (yours), /caseload/team/ (your team's), /caseload/reviews/ (an IRO's)."""

from django.urls import path

from . import views

app_name = "caseloads"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("reviews/", views.reviews, name="iro"),
]
