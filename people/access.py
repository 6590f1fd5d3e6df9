"""Who may see a person's record. A first, simple rule; the access-control issue replaces it
with need-to-know scopes, restricted records and break-glass.

- Local-authority staff and superusers may see records that are not restricted.
- Partner practitioners may see people their agency is involved with.
- Restricted records: superusers only, for now.
"""

from django.http import Http404

from partners.models import Agency


def can_view_person(user, person):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if person.restricted:
        return False
    agency = user.agency
    if agency is None:
        return False
    if agency.kind == Agency.Kind.LOCAL_AUTHORITY:
        return True
    return person.involvements.filter(agency=agency).exists()


def can_search(user):
    return user.is_authenticated and (user.is_superuser or getattr(user.agency, "kind", None) == Agency.Kind.LOCAL_AUTHORITY)


def person_for(user, person_id):
    """The person, if the user may see them; otherwise 404, which reveals nothing."""
    from .models import Person

    person = Person.objects.filter(pk=person_id).first()
    if person is None or not can_view_person(user, person):
        raise Http404("No such record")
    return person
