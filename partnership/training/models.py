"""Multi-agency safeguarding training (Working Together to Safeguard Children 2023; process
specification 5: the yearly report shows the impact of the partners' work "including training").

- TrainingTopic: the topics a course is on (neglect, exploitation, domestic abuse, ...): data,
  loaded by migration 0007.
- TrainingCourse: a course the partnership offers, on a topic.
- TrainingSession: one delivery of a course: its date, how it was delivered, the places offered and,
  optionally, the evaluation (the average confidence of those who came, on a 1 to 5 scale, before
  and after).
- TrainingAttendance: how many came from each agency (partners.Agency). Counts per agency are what the
  yearly report needs, so attendees are not named.
"""

from django.conf import settings
from django.db import models


class TrainingTopic(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingCourse(models.Model):
    title = models.CharField(max_length=200)
    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online, live"
        E_LEARNING = "e_learning", "E-learning"
        BLENDED = "blended", "Blended"

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    mode = models.CharField(max_length=20, choices=Mode.choices)
    places = models.PositiveIntegerField()
    confidence_before = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    confidence_after = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    # The recording page's token: the same page sent twice keeps one session.
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.course} on {self.held_on:%-d %B %Y}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    attended = models.PositiveIntegerField()

    class Meta:
        ordering = ["session", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "agency"], name="training_attendance_agency_once"),
            models.CheckConstraint(condition=models.Q(attended__gte=1), name="training_attendance_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.attended} from agency {self.agency_id}"
