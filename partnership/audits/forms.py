"""What the audits' pages ask. The forms gather input; the rules are in
partnership.audits.services, whose messages the pages show in the GOV.UK error summary."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import DateField, OpenChoiceField

from . import rules, selectors
from .models import AuditAction


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _agencies_field(label, help_text=""):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=selectors.agencies(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _grade_field(label):
    return OpenChoiceField(label=label, choices=rules.grades(), widget=forms.RadioSelect)


class AuditForm(forms.Form):
    theme = forms.CharField(label="Theme", required=False, max_length=200, help_text="For example: neglect")
    purpose = _text("What the audit is to find out (optional)")
    sample_rule = OpenChoiceField(label="Which children are sampled", widget=forms.RadioSelect)
    sample_size = forms.IntegerField(label="How many cases to sample", required=False, min_value=0)
    sample_date = DateField("Sample date", help_text="The day the rule is applied to the records")
    questions = _text("Audit questions", help_text="One question a line, asked of every agency taking part")
    agencies = _agencies_field("Agencies taking part")
    auditors = forms.ModelMultipleChoiceField(
        label="Auditors",
        queryset=selectors.auditor_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They may open the sampled children's records while the access window is open",
    )
    access_from = DateField("First day the auditors may open the records")
    access_to = DateField("Last day the auditors may open the records", help_text="At most 90 days after the first")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sample_rule"].choices = [(rule.slug, rule.name) for rule in rules.sample_rules()]
        self.fields["auditors"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username}, {user.get_role_display()}"
            + (f", {user.agency.name}" if user.agency_id else "")
        )
        self.helper = _helper(
            Field.text("theme"),
            Field.textarea("purpose", rows=3),
            Field.radios("sample_rule", legend_size=Size.SMALL),
            Field.text("sample_size", field_width=4),
            Field("sample_date"),
            Field.textarea("questions", rows=6),
            Field.checkboxes("agencies", legend_size=Size.SMALL),
            Field.checkboxes("auditors", legend_size=Size.SMALL),
            Field("access_from"),
            Field("access_to"),
            button="Plan the audit",
        )

    def service_data(self):
        data = dict(self.cleaned_data)
        data["questions"] = [(line, []) for line in (data.get("questions") or "").splitlines()]
        return data


class QuestionForm(forms.Form):
    text = _text("Question")
    agencies = _agencies_field("Agencies that answer it", help_text="Select none to ask every agency taking part")

    def __init__(self, *args, audit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if audit is not None:
            self.fields["agencies"].queryset = audit.agencies.order_by("name")
        self.helper = _helper(
            Field.textarea("text", rows=3),
            Field.checkboxes("agencies", legend_size=Size.SMALL),
            button="Add the question",
        )


class DrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="The auditors named will hold the records of the children drawn for the access window",
        required=True,
        error_messages={"required": "Confirm that the auditors will hold the records of the children drawn"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.checkbox("confirm"), button="Draw the sample")


class AnswerForm(forms.Form):
    known = OpenChoiceField(
        label="Is the child known to your agency?",
        choices=[("yes", "Yes"), ("no", "No, not known to us")],
        widget=forms.RadioSelect,
    )
    grade = _grade_field("Grade of your agency's work with the child (if known)")
    findings = _text("Your agency's findings (if known)")

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.radios("known", legend_size=Size.SMALL)]
        for question in questions:
            name = f"question_{question.pk}"
            self.fields[name] = _text(f"Question {question.number}: {question.text}")
            layout.append(Field.textarea(name, rows=4))
        layout += [Field.radios("grade", legend_size=Size.SMALL), Field.textarea("findings", rows=5)]
        self.helper = _helper(*layout, button="Send your agency's answer")

    def service_data(self):
        data = self.cleaned_data
        answers = {int(name.split("_")[1]): value for name, value in data.items() if name.startswith("question_")}
        return {"known": data["known"], "grade": data["grade"], "findings": data["findings"], "answers": answers}


class GradeForm(forms.Form):
    grade = _grade_field("Overall grade")
    findings = _text("Findings on the case", help_text="From every agency's answers: what went well, what did not")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("grade", legend_size=Size.SMALL), Field.textarea("findings", rows=6), button="Save the grade"
        )


class ActionForm(forms.Form):
    text = _text("Action")
    owner = forms.ModelChoiceField(
        label="Agency that owns it", queryset=selectors.agencies(), required=False, empty_label="Select the agency"
    )
    due_on = DateField("Date it is due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("text", rows=3), Field("owner"), Field("due_on"), button="Add the action")


class ActionProgressForm(forms.Form):
    status = OpenChoiceField(label="Status", choices=AuditAction.Status.choices, widget=forms.RadioSelect)
    completed_on = DateField("Date it was completed (only if complete)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL), Field("completed_on"), button="Save the progress"
        )


class CompleteForm(forms.Form):
    summary = _text("The audit's findings", help_text="What the audit found across the cases, and what must change")
    completed_on = DateField("Date the audit was completed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("summary", rows=8), Field("completed_on"), button="Complete the audit and end access"
        )
