from django.urls import include, path

from . import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("ssda903/", views.ssda903_check, name="ssda903"),
    path("ssda903/download/", views.ssda903_download, name="ssda903_download"),
    path("ssda903/sector-validator/", views.sector_run, {"kind": "903"}, name="ssda903_sector"),
    path("cin-census/", include("returns.cin.urls")),
    path("annex-a/", include("returns.annex_a.urls")),
    path("statistics/", include("returns.statistics.urls")),
]
