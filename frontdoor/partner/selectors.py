"""The reads of the contact's question pages."""

from __future__ import annotations

import uuid

from frontdoor.models import ContactDraft
from partners.models import User


def draft_for(user: User, draft_id: uuid.UUID) -> ContactDraft | None:
    """The user's own draft contact, or None (another user's draft does not exist for them)."""
    return ContactDraft.objects.select_related("person", "contact").filter(pk=draft_id, user=user).first()
