"""/returns/statistics/: the authority's statistics beside England, the region and statistical
neighbours (reverse("returns:statistics")), and their CSV download as they would be published."""

from django.urls import path

from . import views as views_statistics

urlpatterns = [
    path("", views_statistics.statistics_page, name="statistics"),
    path("download/", views_statistics.statistics_download, name="statistics_download"),
]
