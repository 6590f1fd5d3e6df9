"""`{{ code|code_label:"placement-type" }}`: a code's label in its list, whenever it was valid;
`{{ code|code_words:"placement-type" }}`: its words with the code after them as grey secondary text."""

from django import template
from django.utils.safestring import SafeString

from kernel import codelists

register = template.Library()


@register.filter
def code_label(code: str | None, slug: str) -> str:
    return codelists.label(slug, code)


@register.filter
def code_words(code: str | None, slug: str) -> SafeString:
    return codelists.in_words(slug, code)
