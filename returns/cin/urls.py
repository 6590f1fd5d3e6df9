from django.urls import path

from .. import views
from . import views as views_cin

urlpatterns = [
    path("", views_cin.cin_census_check, name="cin_census"),
    path("download/", views_cin.cin_census_download, name="cin_census_download"),
    path("sector-validator/", views.sector_run, {"kind": "cin"}, name="cin_census_sector"),
]
