"""Forms for an immediate placement with a parent (regulation 19): the assessment and the
decision. They only gather what was typed: the rules are in childrenincare.with_parent.services."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from childrenincare.forms import form_helper, text_field
from kernel.forms import DateField, OpenChoiceField


class ParentAssessmentForm(forms.Form):
    """Regulation 19(b): the assessment of the parent and the review of the child's case."""

    completed_on = DateField("Date the assessment and review were completed")
    findings = text_field("What did the assessment of the parent and the household, and the review, find?")
    late_reason = text_field("If this is after the due date, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("completed_on"),
            Field.textarea("findings", rows=5),
            Field.textarea("late_reason", rows=2),
            button="Record the assessment",
        )


class WithParentDecisionForm(forms.Form):
    """Regulation 19(c): the decision, made and approved by a nominated officer."""

    decided_on = DateField("Date of the decision")
    confirm = OpenChoiceField(
        label="Is the placement with the parent confirmed?",
        widget=forms.RadioSelect,
        choices=[
            ("yes", "Yes, confirm the placement (the placement plan is reviewed)"),
            ("no", "No, the placement ends"),
        ],
    )
    reasons = text_field("Reasons")
    late_reason = text_field("If this is after the due date, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("decided_on"),
            Field.radios("confirm", legend_size=Size.SMALL),
            Field.textarea("reasons", rows=4),
            Field.textarea("late_reason", rows=2),
            button="Record the decision",
        )
