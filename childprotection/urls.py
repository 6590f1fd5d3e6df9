from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "childprotection"

urlpatterns: list[URLPattern | URLResolver] = [
    path("episodes/<int:episode_id>/strategy-discussion/", views.strategy_new, name="strategy-new"),
    path("strategy-discussions/<int:discussion_id>/", views.strategy, name="strategy"),
    path("enquiries/<int:enquiry_id>/", views.enquiry, name="enquiry"),
    path("episodes/<int:episode_id>/conference/", views.conference_new, name="conference-new"),
    path("conferences/<int:conference_id>/", views.conference, name="conference"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/core-group/", views.core_group_add, name="core-group-add"),
    path("plans/<int:plan_id>/meetings/new/", views.core_group_meeting, name="core-group-meeting"),
    path("plans/<int:plan_id>/end/", views.plan_end, name="plan-end"),
    path("teams/", views.macpts, name="macpts"),
]
urlpatterns.append(path("", include("childprotection.pre_proceedings.urls")))  # pre-proceedings (Public Law Outline)
