"""Kept for the views that import `public` from here; the mechanism is kernel.access."""

from .access import public  # noqa: F401
