"""Education pages, under /education/."""

from django.urls import path

from . import views
from .missing import views as missing
from .schools import views as schools
from .team import views as team

app_name = "education"

urlpatterns = [
    path("", team.home, name="team"),
    path("notices/<int:notice_id>/match/", team.match, name="notice_match"),
    path("pupils/", schools.pupils, name="pupils"),
    path("school-notices/new/", schools.notice_new, name="notice_new"),
    path("school-notices/<int:notice_id>/", schools.notice_sent, name="notice_sent"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/schools/new/", views.registration, name="registration"),
    path("people/<int:person_id>/consent/new/", views.consent_request, name="consent_request"),
    path("people/<int:person_id>/register/new/", views.register_add, name="register_add"),
    path("register/<int:entry_id>/remove/", views.register_remove, name="register_remove"),
    path("consent/<int:consent_id>/", views.consent, name="consent"),
    path("consent/<int:consent_id>/information/", views.information, name="information"),
    path("consent/<int:consent_id>/best-interests/", views.best_interests, name="best_interests"),
    path("consent/<int:consent_id>/decision/", views.decision, name="decision"),
    path("missing/", missing.cases, name="missing"),
    path("people/<int:person_id>/missing/new/", missing.open_case, name="missing_open"),
    path("missing/<int:case_id>/", missing.case, name="missing_case"),
    path("missing/<int:case_id>/enquiries/new/", missing.enquiry, name="missing_enquiry"),
    path("missing/<int:case_id>/close/", missing.close, name="missing_close"),
]
