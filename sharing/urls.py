from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("people/<int:person_id>/", views.history, name="history"),
    path("people/<int:person_id>/disclosures/add/", views.disclosure_add, name="disclosure-add"),
    path("people/<int:person_id>/not-shared/add/", views.withholding_add, name="withholding-add"),
    path("not-shared/", views.not_shared, name="not-shared"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:sharing_notice_id>/read/", views.notice_read, name="notice-read"),
]
