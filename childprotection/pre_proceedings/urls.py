"""The pre-proceedings routes, joined to childprotection.urls (the `childprotection` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("episodes/<int:episode_id>/pre-proceedings/", views.episode_pre_proceedings, name="pre-proceedings-episode"),
    path("episodes/<int:episode_id>/pre-proceedings/start/", views.start, name="pre-proceedings-start"),
    path("pre-proceedings/<int:pre_proceedings_id>/", views.detail, name="pre-proceedings"),
] + [
    path(f"pre-proceedings/<int:pre_proceedings_id>/{slug}/", views.step_view(slug), name=f"pre-proceedings-{slug}")
    for slug in views.STEPS
]
