"""Home (the page after sign-in), the partner's home and the "More" page, at the site's root."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("partner-home/", views.partner_home, name="partner-home"),
    path("more/", views.more, name="more"),
]
