"""The care leaver pages (leavingcare.views), mounted at /care-leavers/."""

from django.urls import path

from . import views

app_name = "leavingcare"

urlpatterns = [
    path("", views.care_leavers, name="list"),
    path("people/<int:person_id>/", views.for_person, name="for-person"),
    path("people/<int:person_id>/open/", views.open_record, name="open"),
    path("<int:care_leaver_id>/", views.record, name="record"),
    path("<int:care_leaver_id>/personal-adviser/", views.personal_adviser, name="personal-adviser"),
    path("<int:care_leaver_id>/pathway-plan/", views.pathway_plan, name="pathway-plan"),
    path("<int:care_leaver_id>/circumstances/", views.circumstances, name="circumstances"),
    path("<int:care_leaver_id>/contacts/new/", views.contact, name="contact"),
    path("<int:care_leaver_id>/birthday-contact/", views.birthday_contact, name="birthday-contact"),
]
