"""{% education_of person as education %}: for the social care case page, the link to the
child's education page with their school today ("Not in school" on the register, or "School not
known"), or None when the user's rules do not open the education pages or the person is not a
child. One query (education.keyfacts.education_link; the child's record gets the same link with
its key facts, people.keyfacts.facts_and_links)."""

from __future__ import annotations

from typing import Any

from django import template

from people.models import Person

from ..keyfacts import education_link

register = template.Library()


@register.simple_tag(takes_context=True)
def education_of(context: dict[str, Any], person: Person | None) -> dict[str, str] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or person is None or getattr(person, "kind", "") != "child":
        return None
    links = education_link(user, person.pk)
    return {"url": links[0].url, "status": links[0].status} if links else None
