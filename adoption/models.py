"""Models: see the app's apps.py for what it covers."""

from django.db import models  # noqa: F401
