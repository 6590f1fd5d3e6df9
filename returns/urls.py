from django.urls import include, path

from . import job_views, views
from .models import ReturnJob

Kind = ReturnJob.Kind

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("ssda903/", views.ssda903_check, name="ssda903"),
    path("ssda903/download/", views.ssda903_download, name="ssda903_download"),
    path("ssda903/check/", job_views.ask, {"kind": Kind.SSDA903_CHECK}, name="ssda903_run"),
    path("ssda903/prepare/", job_views.ask, {"kind": Kind.SSDA903_FILES}, name="ssda903_prepare"),
    path("ssda903/tables/<str:name>.csv", job_views.ssda903_table, name="ssda903_table"),
    path("jobs/<int:job_id>/", job_views.job_page, name="job"),
    path("jobs/<int:job_id>/status/", job_views.job_status, name="job_status"),
    path("jobs/<int:job_id>/file/", job_views.job_file, name="job_file"),
    path("jobs/<int:job_id>/failures.csv", job_views.job_failures, name="job_failures"),
    path("sector-runs/<int:run_id>/issues.csv", views.sector_issues, name="sector_issues"),
    path("ssda903/sector-validator/", views.sector_run, {"kind": "903"}, name="ssda903_sector"),
    path("cin-census/", include("returns.cin.urls")),
    path("annex-a/", include("returns.annex_a.urls")),
    path("statistics/", include("returns.statistics.urls")),
]
