from django.urls import include, path

from . import views

app_name = "childrenincare"

urlpatterns = [
    path("episodes/<int:episode_id>/looked-after/", views.start, name="start"),
    path("periods/<int:period_id>/", views.period, name="period"),
    path("periods/<int:period_id>/legal-status/", views.legal_status, name="legal-status"),
    path("periods/<int:period_id>/placement/", views.placement, name="placement"),
    path("periods/<int:period_id>/cease/", views.cease, name="cease"),
    path("periods/<int:period_id>/approval/", views.approval_request, name="approval-request"),
    path("", include("childrenincare.with_parent.urls")),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:approval_id>/", views.approval, name="approval"),
    path("", include("childrenincare.return_home.urls")),
    path("", include("childrenincare.planning.urls")),
    path("", include("childrenincare.kinship.urls")),
]
