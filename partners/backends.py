"""Signing in with a username and password, and loading the signed-in user on each request
together with their agency and team, which the access checks and the header need anyway, and
whether they hold a designation (the navigation's "Approvals" link), in the same query."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        # The designations (childrenincare.Designation) reached through the user's own relation:
        # partners sits below the stages and imports none of them.
        designations = User._meta.get_field("designations").related_model._default_manager
        user = (
            User._default_manager.select_related("agency", "team")
            .annotate(designation_held=Exists(designations.filter(user=OuterRef("pk"))))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
