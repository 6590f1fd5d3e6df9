"""The voice of children and families, under /partnership/voice/ (partnership.urls)."""

from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    path("", views.home, name="home"),
    path("feedback/new/", views.feedback_new, name="feedback-new"),
    path("themes/new/", views.theme_new, name="theme-new"),
    path("themes/<int:voice_theme_id>/", views.theme, name="theme"),
    path("themes/<int:voice_theme_id>/edit/", views.theme_edit, name="theme-edit"),
    path("themes/<int:voice_theme_id>/changes/new/", views.change_new, name="change-new"),
    path("surveys/new/", views.survey_new, name="survey-new"),
]
