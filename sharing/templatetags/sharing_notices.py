"""``{% load sharing_notices %}{% unread_notices %}``: the signed-in worker's unread notices (a
CP-IS look-up of a child they hold) as a GOV.UK notification banner, or nothing; and, for a
manager, how many decisions not to share their team made lately (sharing.selectors)."""

import datetime
from typing import Any

from django import template
from django.utils import timezone

from kernel.access import RULES
from sharing import selectors

# How far back a manager's caseload counts decisions not to share.
NOT_SHARED_DAYS = 90

register = template.Library()


@register.inclusion_tag("sharing/_unread_notices.html", takes_context=True)
def unread_notices(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    found = selectors.unread_notices(user) if user is not None else []
    not_shared = None
    if user is not None and RULES["access_oversight"].allows(user):
        since = timezone.localdate() - datetime.timedelta(days=NOT_SHARED_DAYS)
        not_shared = selectors.withholdings_for_manager(user).filter(decided_on__gte=since).count()
    return {"notices": found[:5], "total": len(found), "not_shared": not_shared, "days": NOT_SHARED_DAYS}
