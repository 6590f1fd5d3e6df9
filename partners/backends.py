"""Signing in with a username and password, and loading the signed-in user on each request
together with their agency and team, which the access checks and the header need anyway."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("agency", "team").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
