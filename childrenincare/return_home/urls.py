"""Return-home pages (childrenincare.return_home.views), in the childrenincare namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("periods/<int:period_id>/return-home/", views.decision_new, name="decision-new"),
    path("return-home/<int:decision_id>/", views.decision, name="decision"),
    path("return-home/<int:decision_id>/gates/<slug:gate>/", views.gate, name="gate"),
    path("return-home/<int:decision_id>/household/", views.household_add, name="household-add"),
    path("return-home/household/<int:member_id>/", views.household_assess, name="household-assess"),
    path("return-home/<int:decision_id>/support/", views.support_add, name="support-add"),
    path("return-home/support/<int:item_id>/", views.support_update, name="support-update"),
    path("return-home/<int:decision_id>/family-group-decision-making/", views.fgdm, name="fgdm"),
    path("return-home/<int:decision_id>/risk-signals/", views.weigh, name="weigh"),
    path("return-home/<int:decision_id>/decide/", views.decide, name="decide"),
    path("return-home/<int:decision_id>/returned/", views.returned, name="returned"),
    path("return-home/<int:decision_id>/withdraw/", views.withdraw, name="withdraw"),
    path("returns-home/", views.monitoring, name="monitoring"),
    path("returns-home/flags/<int:flag_id>/", views.flag, name="flag"),
]
