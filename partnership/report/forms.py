"""What the yearly report's pages ask; the rules are in partnership.report.services."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms

from kernel.forms import DateField

from .services import PRIORITIES_SHOWN


def _text(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=50000, **kwargs)


class StartForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="For example, Safeguarding partnership report 2025 to 2026",
    )
    period_from = DateField("First day of the period", help_text="For example, 1 4 2025")
    period_to = DateField("Last day of the period", help_text="For example, 31 3 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"), Field("period_from"), Field("period_to"), Submit("submit", "Start the report")
        )


class NarrativeForm(forms.Form):
    """The partnership's narrative; the priorities as up to PRIORITIES_SHOWN pairs of fields."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    introduction = _text("Introduction", help_text="Who the partners are, the area, and what this report covers")
    learning = _text(
        "What we learned", help_text="From reviews, audits and what children and families told us, and what changed"
    )
    next_steps = _text("What we will do next")
    change_note = forms.CharField(label="What did you change? (optional)", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blocks = []
        for i in range(1, PRIORITIES_SHOWN + 1):
            self.fields[f"priority_{i}"] = forms.CharField(label=f"Priority {i}", max_length=300, required=False)
            self.fields[f"evidence_{i}"] = _text(f"Evidence of progress on priority {i}")
            blocks.append(Field.text(f"priority_{i}"))
            blocks.append(Field.textarea(f"evidence_{i}", rows=3))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "read_version",
            Field.textarea("introduction", rows=6),
            Field.textarea("learning", rows=8),
            Fieldset(
                HTML('<p class="govuk-hint">Leave a priority blank to remove it.</p>'),
                *blocks,
                legend="The partners' priorities",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("next_steps", rows=6),
            Field.text("change_note"),
            Submit("submit", "Save a new version"),
        )

    @classmethod
    def initial_from(cls, version) -> dict:
        initial = {
            "read_version": version.number,
            "introduction": version.introduction,
            "learning": version.learning,
            "next_steps": version.next_steps,
        }
        for i, item in enumerate(version.priorities[:PRIORITIES_SHOWN], start=1):
            initial[f"priority_{i}"] = item.get("priority", "")
            initial[f"evidence_{i}"] = item.get("evidence", "")
        return initial

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "introduction": data["introduction"],
            "learning": data["learning"],
            "next_steps": data["next_steps"],
            "change_note": data["change_note"],
            "read_version": data["read_version"],
            "priorities": [
                {"priority": data[f"priority_{i}"], "evidence": data[f"evidence_{i}"]}
                for i in range(1, PRIORITIES_SHOWN + 1)
            ],
        }


class CommentaryForm(forms.Form):
    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    commentary = _text(
        "Your commentary",
        help_text="How effective the arrangements have been, and what the partners should do about it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "read_version", Field.textarea("commentary", rows=12), Submit("submit", "Save a new version")
        )


class ConfirmForm(forms.Form):
    """Approve or publish the version read (a newer version since is refused by the service)."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, button: str = "Confirm", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("read_version", Submit("submit", button))
