"""Where an error summary's link for a field should land.

crispy-forms-gds links every field's errors to ``#id_<name>``, but it renders radios and
checkboxes with the ids ``id_<name>_1``, ``id_<name>_2``...: the link would land on nothing.
The GOV.UK pattern is to link to the first radio or checkbox. Used by the project's override
of ``gds/layout/error_summary.html``.
"""

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def error_link(bound_field: BoundField, field_id: str) -> str:
    if field_id == bound_field.auto_id and isinstance(
        bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)
    ):
        return f"id_{bound_field.html_name}_1"
    return field_id
