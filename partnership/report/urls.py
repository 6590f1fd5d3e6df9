"""The yearly report's pages, and the published reports (public)."""

from django.urls import path

from . import views

urlpatterns = [
    path("partnership/reports/", views.reports, name="reports"),
    path("partnership/reports/new/", views.report_new, name="report-new"),
    path("partnership/reports/<int:report_id>/", views.report, name="report"),
    path("partnership/reports/<int:report_id>/edit/", views.report_edit, name="report-edit"),
    path("partnership/reports/<int:report_id>/commentary/", views.report_commentary, name="report-commentary"),
    path("partnership/reports/<int:report_id>/approve/", views.report_approve, name="report-approve"),
    path("partnership/reports/<int:report_id>/publish/", views.report_publish, name="report-publish"),
    path("partnership/reports/<int:report_id>/report/", views.report_document, name="report-document"),
    path("partnership/reports/<int:report_id>/report.pdf", views.report_pdf, name="report-pdf"),
    path("partnership/reports/<int:report_id>/figures/<slug:slug>/", views.report_figure, name="report-figure"),
    path("safeguarding-arrangements/reports/", views.published_reports, name="published-reports"),
    path("safeguarding-arrangements/reports/<int:report_id>/", views.published_document, name="published-report"),
    path("safeguarding-arrangements/reports/<int:report_id>/report.pdf", views.published_pdf, name="published-pdf"),
]
