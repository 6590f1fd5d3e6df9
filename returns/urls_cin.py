from django.urls import path

from . import views_cin

urlpatterns = [
    path("", views_cin.cin_census_check, name="cin_census"),
    path("download/", views_cin.cin_census_download, name="cin_census_download"),
]
