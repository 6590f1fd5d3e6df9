"""/returns/statistics/: the authority's statistics beside England, the region and statistical
neighbours: the headline (reverse("returns:statistics")), a page for each section
(/returns/statistics/<section>/, views.SECTIONS) and the CSV download as they would be published."""

from django.urls import path

from . import views as views_statistics

urlpatterns = [
    path("", views_statistics.statistics_page, name="statistics"),
    path("download/", views_statistics.statistics_download, name="statistics_download"),
    # The exploitation section by its own route (the same view), so that the access matrix and the
    # walk tests visit it with its period control.
    path(
        "exploitation/",
        views_statistics.statistics_section,
        {"section": "exploitation"},
        name="statistics_exploitation",
    ),
    path("<slug:section>/", views_statistics.statistics_section, name="statistics_section"),
]
