"""Multi-agency training, under /partnership/training/ (partnership.urls)."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/new/", views.course_new, name="course-new"),
    path("courses/<int:training_course_id>/", views.course, name="course"),
    path("courses/<int:training_course_id>/sessions/new/", views.session_new, name="session-new"),
    path("sessions/<int:training_session_id>/attendance/", views.attendance, name="attendance"),
]
