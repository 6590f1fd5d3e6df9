"""`{{ event.role|role_label }}`: a role as people read it ("Head of service"), for the roles
stored as their value (the audit trail keeps `head_of_service`)."""

from django import template

from partners.models import User

register = template.Library()


@register.filter
def role_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(User.Role(value).label)
    except ValueError:
        return value
