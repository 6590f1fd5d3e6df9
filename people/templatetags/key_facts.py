"""The key-facts banner at the top of every page about a person (``{% key_facts person %}``).

base.html shows it for the page's ``person``; the facts come from ``people.keyfacts``, which
gives them only for a person the viewer may see in full."""

from typing import Any

from django import template

from people.keyfacts import key_facts as facts_about
from people.models import Person

register = template.Library()


@register.inclusion_tag("people/_key_facts.html", takes_context=True)
def key_facts(context: template.Context, person: Any) -> dict[str, Any]:
    request = context.get("request")
    if not isinstance(person, Person) or person.pk is None or request is None:
        return {"facts": None}
    return {"person": person, "facts": facts_about(request.user, person)}
