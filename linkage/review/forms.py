"""The reviewer's decision on a partner record: what they decide, about which candidate, and
why. The form holds no rule: linkage.review.services checks everything (an empty choice shows
the service's message)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size, Submit
from django import forms

from kernel.forms import OpenChoiceField

SAME, NOT_THIS, NEW, ESCALATE, SIGN_OFF = "same", "not", "new", "escalate", "sign_off"


class DecisionForm(forms.Form):
    decision = OpenChoiceField(label="What is your decision?", widget=forms.RadioSelect)
    person = OpenChoiceField(label="Which child is it about?", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you compared, and what decided it. It goes in the child's chronology.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, candidates: list[tuple[str, str]], sign_off: bool, escalate: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = []
        if sign_off:
            choices.append((SIGN_OFF, "Sign off the link: it is the same child"))
        choices += [
            (SAME, "Same child: link the record to the child"),
            (NOT_THIS, "Not this child"),
            (NEW, "New child: none of these, record the child from the record"),
        ]
        if escalate:
            choices.append((ESCALATE, "Escalate to a manager"))
        decision = self.fields["decision"]
        person = self.fields["person"]
        assert isinstance(decision, forms.ChoiceField)
        assert isinstance(person, forms.ChoiceField)
        decision.choices = choices
        person.choices = candidates
        helper = FormHelper()
        helper.attrs = {"novalidate": ""}
        parts: list[Any] = [Field.radios("decision", legend_size=Size.MEDIUM)]
        if candidates:
            parts.append(Field.radios("person", legend_size=Size.SMALL))
        else:
            parts.append(HTML('<p class="govuk-body">The model found no child you may be shown.</p>'))
        parts += [Field.textarea("reason"), Field("version"), Submit("submit", "Save the decision")]
        helper.layout = Layout(*parts)
        self.helper = helper
