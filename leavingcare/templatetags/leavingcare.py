"""{% care_leaver_of person as record %}: the young person's care leaver record, or None."""

from django import template

from leavingcare.models import CareLeaver

register = template.Library()


@register.simple_tag
def care_leaver_of(person):
    return CareLeaver.objects.filter(person_id=getattr(person, "pk", None)).first()
