"""Ofsted Annex A, under /returns/annex-a/ in the "returns" namespace."""

from django.urls import path

from . import views as views_annex_a

urlpatterns = [
    path("", views_annex_a.annex_a_page, name="annex_a"),
    path("download/", views_annex_a.annex_a_download, name="annex_a_download"),
    path("prepare/", views_annex_a.annex_a_prepare, name="annex_a_prepare"),
]
