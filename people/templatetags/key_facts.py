"""The key-facts banner at the top of every page about a child (``{% key_facts person %}``).

base.html shows it for the page's ``person`` (a page about one child), or, on a page about
several children (a strategy discussion or a conference for a household), a compact banner for
each of ``key_facts_people``. The facts come from ``people.keyfacts``, which gives them only
for a person the viewer may see in full. A view that has read the facts already (the person's
record lists them under "Current involvement") passes them as ``person_key_facts``, so they are
read once for the page."""

from collections.abc import Iterable
from typing import Any

from django import template

from people.keyfacts import KeyFacts, facts_for
from people.models import Person

register = template.Library()


@register.inclusion_tag("people/_key_facts.html", takes_context=True)
def key_facts(context: template.Context, people: Any) -> dict[str, Any]:
    """The banner for one person, or a compact one for each of a list of people (those the
    viewer may not see in full, and those with no key facts, are left out)."""
    request = context.get("request")
    several = not isinstance(people, Person)
    if several:
        people = people if isinstance(people, Iterable) and not isinstance(people, str | bytes) else []
    chosen: dict[int, Person] = {}
    for person in [people] if not several else people:
        if isinstance(person, Person) and person.pk is not None:
            chosen.setdefault(person.pk, person)
    if request is None or not chosen:
        return {"banners": []}
    known = context.get("person_key_facts")
    if not several and isinstance(known, KeyFacts) and known.person_id in chosen:
        found = {known.person_id: known}
    else:
        found = facts_for(request.user, chosen.values())
    shown = [(person, found[pk]) for pk, person in chosen.items() if found[pk]]
    return {
        "banners": [{"person": person, "facts": facts} for person, facts in shown],
        "several": several,
        "urgent": any(facts.urgent for _, facts in shown),
        "path": request.path,
    }
