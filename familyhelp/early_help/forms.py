"""Forms for the early help pages. They gather what was typed; the rules are in
familyhelp.early_help, whose RuleBroken messages `add_rule_errors` puts on the fields (the
GOV.UK error summary, status 400). Dates are GOV.UK date inputs, choices radios."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from familyhelp.models import EarlyHelpEpisode, FamilyPlanReview
from kernel.forms import DateField, OpenChoiceField

from . import services as early_help

OUTCOME_ROWS = 5
YES_NO = [("yes", "Yes"), ("no", "No")]


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _lead_field(label="Lead practitioner"):
    field = forms.ModelChoiceField(
        label=label,
        queryset=early_help.lead_candidates(),
        required=False,
        empty_label="Select the lead practitioner",
        help_text="A Family Help practitioner, or a practitioner of a school, early years "
        "setting, health service or voluntary organisation",
    )
    field.label_from_instance = lambda user: f"{user} ({user.job_title or user.get_role_display()}, {user.agency})"
    return field


class StartEarlyHelpForm(forms.Form):
    lead_practitioner = _lead_field()
    start_date = DateField("Start date of early help")
    consent_given_on = DateField(
        "Date the family gave consent",
        help_text="Early help is voluntary: it starts only with the family's agreement. For example, 27 3 2026",
    )
    consent_given_by = forms.CharField(
        label="Who in the family gave consent",
        max_length=200,
        required=False,
        help_text="For example: both parents, or the child's mother",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("lead_practitioner"),
            Field("start_date"),
            Field("consent_given_on"),
            Field.text("consent_given_by"),
            button="Start early help",
        )


class LeadPractitionerForm(forms.Form):
    lead_practitioner = _lead_field("New lead practitioner")
    on = DateField("Date they lead from")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.select("lead_practitioner"), Field("on"), button="Change the lead practitioner")


class StartAssessmentForm(forms.Form):
    start_date = DateField("Start date of the assessment")
    organisation = forms.ModelChoiceField(
        label="Organisation completing the assessment (optional)",
        queryset=early_help.organisations(),
        required=False,
        empty_label="The lead practitioner's organisation",
        help_text="Leave as it is when the lead practitioner's organisation completes it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("start_date"), Field.select("organisation"), button="Start the assessment")


class CompleteAssessmentForm(forms.Form):
    completed_date = DateField("Date the assessment was completed")
    needs = _text("Needs found", help_text="What the family needs help with, and their strengths")
    family_views = _text("The family's views", help_text="What the parents or carers say they need, in their words")
    child_views = _text("The children's views (optional)")
    consent_to_share = OpenChoiceField(
        label="Did the family agree to the assessment being shared with the practitioners working with them?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    late_reason = _text(
        "If the assessment is late, why? (optional)", help_text="Needed only when the due date has passed"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("completed_date"),
            Field.textarea("needs", rows=6),
            Field.textarea("family_views", rows=4),
            Field.textarea("child_views", rows=4),
            Field.radios("consent_to_share", legend_size=Size.SMALL, inline=True),
            Field.textarea("late_reason", rows=3),
            button="Complete the assessment",
        )

    def consent_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("consent_to_share") or "")


class FamilyPlanForm(forms.Form):
    start_date = DateField("Start date of the family plan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        for n in range(1, OUTCOME_ROWS + 1):
            self.fields[f"outcome_{n}"] = forms.CharField(label="What is to change", max_length=500, required=False)
            self.fields[f"who_{n}"] = forms.CharField(
                label="Who will do what (optional)", max_length=300, required=False
            )
            rows.append(
                Fieldset(
                    Field.text(f"outcome_{n}"),
                    Field.text(f"who_{n}"),
                    legend=f"Outcome {n}" + ("" if n == 1 else " (optional)"),
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(
            Field("start_date"),
            HTML(
                '<h2 class="govuk-heading-m">Outcomes</h2><p class="govuk-body">What the family '
                "and the practitioners agreed is to change. Leave the rows you do not need "
                "blank.</p>"
            ),
            *rows,
            button="Start the family plan",
        )

    def outcomes(self):
        data = self.cleaned_data
        return [(data.get(f"outcome_{n}", ""), data.get(f"who_{n}", "")) for n in range(1, OUTCOME_ROWS + 1)]


class ReviewFamilyPlanForm(forms.Form):
    review_date = DateField("Date of the review")
    progress = _text("Progress", help_text="Progress towards the plan's outcomes")
    family_views = _text("The family's views (optional)")
    decision = OpenChoiceField(
        label="What did the review decide?", choices=FamilyPlanReview.Decision.choices, widget=forms.RadioSelect
    )
    achieved = forms.MultipleChoiceField(
        label="Outcomes achieved (optional)",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    late_reason = _text("If the review is late, why? (optional)", help_text="Needed only when the due date has passed")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        open_outcomes = [o for o in plan.outcomes.all() if not o.achieved]
        self.fields["achieved"].choices = [(str(o.pk), escape(o.description)) for o in open_outcomes]
        fields = [
            Field("review_date"),
            Field.textarea("progress", rows=5),
            Field.textarea("family_views", rows=3),
            Field.radios("decision", legend_size=Size.SMALL),
        ]
        if open_outcomes:
            fields.append(Field.checkboxes("achieved", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["achieved"]
        fields.append(Field.textarea("late_reason", rows=3))
        self.helper = _helper(*fields, button="Record the review")


class CloseEarlyHelpForm(forms.Form):
    closure_date = DateField("Date early help ended")
    reason = OpenChoiceField(
        label="Why is early help ending?", choices=EarlyHelpEpisode.Closure.choices, widget=forms.RadioSelect
    )
    concerns = _text(
        "If stepping up: what does the front door need to know?",
        help_text="The concerns and what has changed. This is sent to the front door as a contact about the children",
    )
    notes = _text("Notes (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("closure_date"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("concerns", rows=5),
            Field.textarea("notes", rows=3),
            button="End early help",
        )
