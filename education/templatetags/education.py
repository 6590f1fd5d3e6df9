"""{% education_of person as education %}: for the child's record and social care case pages,
the link to the child's education page with their school today ("not in school" on the
register, or "not known"), or None when the user's rules do not open the education pages or
the person is not a child. One query."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from kernel.access import allowed
from people.models import Person

from ..models import RegisterEntry, SchoolRegistration

register = template.Library()


@register.simple_tag(takes_context=True)
def education_of(context: dict[str, Any], person: Person | None) -> dict[str, str] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or person is None or getattr(person, "kind", "") != "child" or not allowed("education_work", user):
        return None
    today = timezone.localdate()
    current = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    school = SchoolRegistration.objects.filter(current, person=OuterRef("pk")).order_by("-start_date", "-pk")
    register_entry = RegisterEntry.objects.filter(person=OuterRef("pk"), added_on__lte=today).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=today)
    )
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(school=Subquery(school.values("school__name")[:1]), not_in_school=Exists(register_entry))
        .values_list("school", "not_in_school")
        .first()
    )
    name, not_in_school = row if row else (None, False)
    status = name or ("Not in school" if not_in_school else "School not known")
    return {"url": reverse("education:person", args=[person.pk]), "status": status}
