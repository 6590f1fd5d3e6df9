from django.urls import path

from . import views

app_name = "adoption"

urlpatterns = [
    path("children/<int:person_id>/", views.plan, name="plan"),
    path("children/<int:person_id>/decision/", views.decide, name="decide"),
    path("decisions/<int:adoption_decision_id>/<slug:adoption_step>/", views.step, name="step"),
    path("adopters/", views.adopters, name="adopters"),
    path("adopters/new/", views.household_new, name="household-new"),
    path("adopters/<int:adopter_household_id>/", views.household, name="household"),
    path("adopters/<int:adopter_household_id>/<slug:adopter_stage>/", views.household_stage, name="household-stage"),
]
