"""The safeguarding partnership's pages, and the public page of its arrangements."""

from django.urls import include, path

from . import views

app_name = "partnership"

urlpatterns = [
    path("", include("partnership.report.urls")),
    path("partnership/", views.home, name="home"),
    path("", include("partnership.audits.urls")),
    path("partnership/incidents/new/", views.incident_new, name="incident-new"),
    path("partnership/incidents/<int:incident_id>/", views.incident, name="incident"),
    path("partnership/incidents/<int:incident_id>/notification/", views.notify, name="notify"),
    path("partnership/incidents/<int:incident_id>/requests/new/", views.request_new, name="request-new"),
    path("partnership/incidents/<int:incident_id>/rapid-review/", views.rapid_review, name="rapid-review"),
    path("partnership/incidents/<int:incident_id>/panel-response/", views.panel_response, name="panel-response"),
    path("partnership/reviews/new/", views.review_new, name="review-new"),
    path("partnership/reviews/<int:review_id>/", views.review, name="review"),
    path("partnership/reviews/<int:review_id>/findings/", views.findings, name="findings"),
    path("partnership/reviews/<int:review_id>/access/", views.review_access, name="review-access"),
    path("partnership/review-access/<int:access_id>/end/", views.review_access_end, name="review-access-end"),
    path(
        "partnership/reviews/<int:review_id>/recommendations/new/", views.recommendation_new, name="recommendation-new"
    ),
    path("partnership/voice/", include("partnership.voice.urls")),
    path("partnership/training/", include("partnership.training.urls")),
    path("partnership/recommendations/", views.tracker, name="tracker"),
    path("partnership/recommendations/<int:recommendation_id>/", views.recommendation, name="recommendation"),
    path("partnership/information-requests/", views.requests, name="requests"),
    path("partnership/information-requests/<int:request_id>/", views.request_answer, name="request-answer"),
    path("safeguarding-arrangements/", views.arrangements, name="arrangements"),
    path(
        "safeguarding-arrangements/versions/<int:arrangements_id>/",
        views.arrangements_version,
        name="arrangements-version",
    ),
]
