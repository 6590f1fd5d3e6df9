"""Timescale dashboards: one's own due dates, a team's, and the service's (counts only)."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path("service/", views.service, name="service"),
]
