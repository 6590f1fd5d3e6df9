from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("new/", views.person_new, name="new"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("<int:person_id>/identifiers/add/", views.identifier_add, name="identifier-add"),
    path("<int:person_id>/names/add/", views.name_add, name="name-add"),
    path("<int:person_id>/addresses/add/", views.address_add, name="address-add"),
    path("<int:person_id>/alerts/add/", views.alert_add, name="alert-add"),
    path("<int:person_id>/relationships/add/", views.relationship_find, name="relationship-find"),
    path("<int:person_id>/relationships/add/<int:related_id>/", views.relationship_add, name="relationship-add"),
    path("<int:person_id>/chronology/add/", views.add_chronology_entry, name="chronology-add"),
    path("<int:person_id>/chronology/print/", views.chronology_print, name="chronology-print"),
]
