from django.urls import path

from . import api

urlpatterns = [
    path("people/", api.PersonSearchView.as_view(), name="api-people-search"),
    path("people/<int:person_id>/", api.PersonDetailView.as_view(), name="api-person"),
    path("children/<str:identifier>/", api.ChildByConsistentIdentifierView.as_view(), name="api-child-by-identifier"),
]
