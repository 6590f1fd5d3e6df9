"""What a practitioner types on the merge pages: why (every step asks), and a manager's
decision on a proposed merge. The rules are people.merging.services'; their messages are shown
in the GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import OpenChoiceField


def _reason(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,  # the service says what is missing, in its words
    )


class ProposeMergeForm(forms.Form):
    reason = _reason(
        "Why are these two records the same person?",
        "For example: the same NHS number, or the family confirmed it. This is recorded and shown on both records.",
    )

    def __init__(self, *args: Any, button: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.MEDIUM, rows=4), Submit("submit", button))


class DecisionForm(forms.Form):
    decision = OpenChoiceField(
        label="Do you sign off this merge?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"required": "Select whether you sign off the merge"},
    )
    note = _reason("Your note", "Say why, if you do not sign it off. It is recorded with your decision.")

    def __init__(self, *args: Any, may_sign_off: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("decline", "No, do not merge them" if may_sign_off else "Withdraw the proposal")]
        if may_sign_off:
            choices.insert(0, ("sign_off", "Yes, merge the records"))
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if not may_sign_off:
            field.label = "Withdraw this proposal?"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("note", rows=4),
            Submit("submit", "Save your decision"),
        )

    def clean_decision(self) -> str:
        decision = str(self.cleaned_data.get("decision") or "")
        if decision not in {value for value, _ in self.fields["decision"].choices}:  # type: ignore[attr-defined]
            raise forms.ValidationError("Select whether you sign off the merge")
        return decision


class UnmergeForm(forms.Form):
    reason = _reason(
        "Why are you undoing this merge?",
        "For example: they are twins. This is recorded and shown on both records.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4),
            Submit("submit", "Undo the merge", css_class="govuk-button--warning"),
        )


class NotTheSameForm(forms.Form):
    reason = _reason(
        "How do you know they are not the same person?",
        "For example: twins, with different NHS numbers. The checks will not suggest these two again.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4),
            Submit("submit", "Record that they are different people"),
        )
