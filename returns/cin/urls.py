from django.urls import path

from .. import job_views, views
from ..models import ReturnJob
from . import views as views_cin

urlpatterns = [
    path("", views_cin.cin_census_check, name="cin_census"),
    path("download/", views_cin.cin_census_download, name="cin_census_download"),
    path("check/", job_views.ask, {"kind": ReturnJob.Kind.CIN_CHECK}, name="cin_census_run"),
    path("prepare/", job_views.ask, {"kind": ReturnJob.Kind.CIN_XML}, name="cin_census_prepare"),
    path("sector-validator/", views.sector_run, {"kind": "cin"}, name="cin_census_sector"),
]
