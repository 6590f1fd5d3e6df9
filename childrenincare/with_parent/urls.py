"""Pages of an immediate placement with a parent (childrenincare.with_parent.views), in the
childrenincare namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "periods/<int:period_id>/with-parent/assessment/", views.with_parent_assessment, name="with-parent-assessment"
    ),
    path("periods/<int:period_id>/with-parent/decision/", views.with_parent_decision, name="with-parent-decision"),
]
