"""How a due date shows: its GOV.UK tag (Overdue, Due soon, On track).

In Python, `tag(deadline, today)` gives {"text", "class"} for a template; in a template,
`{% load due_dates %}{{ deadline|due_tag }}` gives the same, counted from today.
"""

import datetime

from django import template

from kernel.models import Deadline
from kernel.selectors import state

register = template.Library()

TAGS = {
    "overdue": ("Overdue", "govuk-tag--red"),
    "due_soon": ("Due soon", "govuk-tag--orange"),
    "on_track": ("On track", "govuk-tag--green"),
}


def tag(deadline: Deadline, today: datetime.date | None = None) -> dict[str, str]:
    """The GOV.UK tag for an open due date: {"text", "class"}."""
    text, css = TAGS[state(deadline, today)]
    return {"text": text, "class": css}


@register.filter
def due_tag(deadline: Deadline) -> dict[str, str]:
    """{{ deadline|due_tag }}: the tag of an open due date today ({"text", "class"})."""
    return tag(deadline)
