"""Kinship care pages (childrenincare.kinship.views), in the childrenincare namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("carers/", views.carers, name="carers"),
    path("carers/new/", views.carer_new, name="carer-new"),
    path("carers/<int:carer_id>/", views.carer, name="carer"),
    path("carers/<int:carer_id>/temporary-approval/", views.carer_temporary_approval, name="carer-temporary-approval"),
    path("carers/<int:carer_id>/extension/", views.carer_extension, name="carer-extension"),
    path("carers/<int:carer_id>/approval/", views.carer_approval, name="carer-approval"),
    path("carers/<int:carer_id>/end-approval/", views.carer_end_approval, name="carer-end-approval"),
    path("people/<int:person_id>/family-network/", views.family_network, name="family-network"),
    path("family-network/<int:network_member_id>/", views.family_network_member, name="family-network-member"),
]
