from django.urls import path

from . import views
from .merging import views as merging

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
    # Merging and unmerging people (people.merging).
    path("duplicates/", merging.duplicates, name="duplicates"),
    path("duplicates/check/", merging.check_now, name="duplicates-check"),
    path("duplicates/<int:pair_id>/not-the-same/", merging.not_the_same, name="not-the-same"),
    path("<int:person_id>/merge/", merging.merge_find, name="merge-find"),
    path("<int:person_id>/merge/<int:other_id>/", merging.compare, name="merge-compare"),
    path("merges/<int:merge_id>/", merging.merge_page, name="merge"),
    path("merges/<int:merge_id>/undo/", merging.unmerge, name="unmerge"),
]
