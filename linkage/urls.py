"""The staff pages of record linkage, under /linkage/: the review queue, a record's review, the
model's accuracy (linkage.review), and the partners' feeds (linkage.feeds)."""

from django.urls import path

from .feeds import views as feeds
from .review import views as review

app_name = "linkage"
urlpatterns = [
    path("", review.queue, name="queue"),
    path("records/<int:partner_record_id>/", review.record, name="record"),
    path("accuracy/", review.accuracy, name="accuracy"),
    path("feeds/", feeds.feeds, name="feeds"),
    path("feeds/upload/", feeds.upload, name="upload"),
    path("feeds/<int:linkage_submission_id>/", feeds.feed, name="feed"),
]
