"""`{{ code|code_label:"placement-type" }}`: a code's label in its list, whenever it was valid."""

from django import template

from kernel import codelists

register = template.Library()


@register.filter
def code_label(code: str | None, slug: str) -> str:
    return codelists.label(slug, code)
