from django.urls import include, path

from . import views

app_name = "childrenincare"

urlpatterns = [
    path("episodes/<int:episode_id>/looked-after/", views.start, name="start"),
    path("periods/<int:period_id>/", views.period, name="period"),
    path("periods/<int:period_id>/legal-status/", views.legal_status, name="legal-status"),
    path("periods/<int:period_id>/placement/", views.placement, name="placement"),
    path("periods/<int:period_id>/cease/", views.cease, name="cease"),
    path("periods/<int:period_id>/approval/", views.approval_request, name="approval-request"),
    path(
        "periods/<int:period_id>/with-parent/assessment/", views.with_parent_assessment, name="with-parent-assessment"
    ),
    path("periods/<int:period_id>/with-parent/decision/", views.with_parent_decision, name="with-parent-decision"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:approval_id>/", views.approval, name="approval"),
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
    path("", include("childrenincare.planning.urls")),
    path("", include("childrenincare.kinship.urls")),
]
