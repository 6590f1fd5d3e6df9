"""Forms for the care planning pages. They only gather what was typed: the rules (dates not
before the period nor in the future, the IRO, the participation code for the child's age,
late steps needing a reason) are in childrenincare.planning.services (and visits), whose
RuleBroken messages `kernel.forms.add_rule_errors` puts on the fields.

Fields the services check are not required here and choice fields accept any value
(`OpenChoiceField`), so the message the user sees is the service's. People's names appear
only as radio labels, which crispy-forms-gds escapes (field labels, which it renders as
HTML, are fixed text)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from childrenincare.models import CarePlan, HealthAssessment
from kernel import codelists
from kernel.forms import DateField, OpenChoiceField
from partners.models import User

YES_NO = [("yes", "Yes"), ("no", "No")]


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _late_reason(label):
    return _text(label, help_text="Needed only when the due date has passed: what held it up")


def user_choices(users):
    # Radio labels are escaped by the template (crispy-forms-gds radio_item.html), so names go in as typed.
    return [(str(user.pk), str(user)) for user in users]


def iros():
    return User.objects.filter(role=User.Role.IRO, is_active=True).order_by("last_name", "first_name", "username")


def chosen_user(value):
    """The user a choice names (any user: the service checks the role), or None."""
    value = str(value or "").strip()
    return User.objects.filter(pk=int(value)).first() if value.isdigit() else None


class CarePlanForm(forms.Form):
    agreed_on = DateField("Date the care plan was agreed")
    permanence_plan = OpenChoiceField(
        label="Plan for permanence", choices=CarePlan.Permanence.choices, widget=forms.RadioSelect
    )
    permanence_detail = _text(
        "How and when will permanence be achieved?",
        help_text="Needed unless the plan for permanence is not yet decided",
    )
    placement_plan_agreed_on = DateField("Date the placement plan was agreed (optional)")
    health = _text("Health plan (optional)")
    education = _text("Education and training (optional)", help_text="Including the personal education plan")
    family_and_contact = _text(
        "Family and social relationships (optional)", help_text="Including family time (contact)"
    )
    wishes_and_feelings = _text("Wishes and feelings (optional)", help_text="Of the child, their parents and others")
    support_after_care = _text("Support when care ends (optional)")
    late_reason = _late_reason("If the care plan is late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("agreed_on"),
            Field.radios("permanence_plan", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("permanence_detail", rows=4),
            Field("placement_plan_agreed_on"),
            Field.textarea("health", rows=4),
            Field.textarea("education", rows=4),
            Field.textarea("family_and_contact", rows=4),
            Field.textarea("wishes_and_feelings", rows=4),
            Field.textarea("support_after_care", rows=3),
            Field.textarea("late_reason", rows=3),
            button="Save the care plan",
        )


class IroForm(forms.Form):
    iro = OpenChoiceField(label="Independent reviewing officer", choices=(), widget=forms.RadioSelect)
    on = DateField("Date of the appointment")
    late_reason = _late_reason("If the appointment is late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iro"].choices = user_choices(iros())
        self.helper = _helper(
            Field.radios("iro", legend_size=Size.SMALL),
            Field("on"),
            Field.textarea("late_reason", rows=3),
            button="Appoint the IRO",
        )


class HealthAssessmentForm(forms.Form):
    kind = OpenChoiceField(
        label="Which health assessment?", choices=HealthAssessment.Kind.choices, widget=forms.RadioSelect
    )
    held_on = DateField("Date of the health assessment")
    carried_out_by = forms.CharField(
        label="Carried out by (optional)",
        max_length=200,
        required=False,
        help_text="For example: a community paediatrician",
    )
    dental_check = forms.BooleanField(label="The child's teeth have been checked by a dentist", required=False)
    immunisations_up_to_date = forms.BooleanField(label="The child's immunisations are up to date", required=False)
    late_reason = _late_reason("If the health assessment is late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("held_on"),
            Field.text("carried_out_by"),
            Field.checkbox("dental_check"),
            Field.checkbox("immunisations_up_to_date"),
            Field.textarea("late_reason", rows=3),
            button="Record the health assessment",
        )


class EducationPlanForm(forms.Form):
    held_on = DateField("Date of the personal education plan meeting")
    school = forms.CharField(label="School or setting (optional)", max_length=200, required=False)
    designated_teacher = forms.CharField(label="Designated teacher (optional)", max_length=200, required=False)
    targets = _text("Targets (optional)", help_text="What the child is working towards this term")
    late_reason = _late_reason("If the personal education plan is late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("held_on"),
            Field.text("school"),
            Field.text("designated_teacher"),
            Field.textarea("targets", rows=4),
            Field.textarea("late_reason", rows=3),
            button="Record the personal education plan",
        )


class ReviewForm(forms.Form):
    held_on = DateField("Date of the review")
    chair = OpenChoiceField(
        label="Who chaired the review?",
        choices=(),
        widget=forms.RadioSelect,
        help_text="The child's independent reviewing officer",
    )
    participation = OpenChoiceField(
        label="How did the child take part?",
        choices=(),
        widget=forms.RadioSelect,
        help_text="PN0 is for a child under 4 on the day of the review, and only for one",
    )
    considered_return_home = forms.BooleanField(
        label="The review considered a plan for the child to return home", required=False
    )
    decisions = _text("Decisions (optional)", help_text="What the review decided, and who will do what by when")
    late_reason = _late_reason("If the review is late, why? (optional)")

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        chairs = list(iros())
        if period.iro is not None and period.iro not in chairs:
            chairs.insert(0, period.iro)
        self.fields["chair"].choices = user_choices(chairs)
        self.fields["participation"].choices = [
            (code, f"{label} ({code})") for code, label in codelists.choices("review-participation")
        ]
        self.helper = _helper(
            Field("held_on"),
            Field.radios("chair", legend_size=Size.SMALL),
            Field.radios("participation", legend_size=Size.SMALL),
            Field.checkbox("considered_return_home"),
            Field.textarea("decisions", rows=6),
            Field.textarea("late_reason", rows=3),
            button="Record the review",
        )


class VisitForm(forms.Form):
    visited_on = DateField("Date of the visit")
    seen = OpenChoiceField(label="Was the child seen?", choices=YES_NO, widget=forms.RadioSelect)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    bedroom_seen = forms.BooleanField(label="The child's bedroom was seen", required=False)
    notes = _text("Notes (optional)", help_text="What you saw and heard, and what the child said")
    late_reason = _late_reason("If the visit is late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("visited_on"),
            Field.radios("seen", legend_size=Size.SMALL, inline=True),
            Field.checkbox("seen_alone"),
            Field.checkbox("bedroom_seen"),
            Field.textarea("notes", rows=6),
            Field.textarea("late_reason", rows=3),
            button="Record the visit",
        )

    def clean_seen(self):
        # childrenincare.visits.record_visit takes a yes or no, so the answer is asked for here.
        value = self.cleaned_data.get("seen") or ""
        if value not in {"yes", "no"}:
            raise forms.ValidationError("Say whether the child was seen")
        return value == "yes"


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label, **kwargs):
    return OpenChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, **kwargs)


class YearOutcomesForm(forms.Form):
    """The year's outcomes (SSDA903 OC2) that only the worker knows; see childrenincare.outcomes."""

    sdq_score = forms.IntegerField(
        label="Strengths and Difficulties Questionnaire (SDQ) total score (optional)",
        required=False,
        help_text="From 0 to 40, from the latest questionnaire in the year",
        error_messages={"invalid": "Enter the SDQ score as a whole number from 0 to 40"},
    )
    sdq_reason = OpenChoiceField(label="If there is no score, why?", choices=())
    convicted = _yes_no(
        "Was the child convicted, or given a final warning or reprimand, during the year?",
        help_text="Asked for children aged 10 or over at 31 March",
    )
    health_check = _yes_no(
        "Are the child's development checks up to date?", help_text="Asked only for children under 5 at 31 March"
    )
    substance_misuse = _yes_no("Was the child identified as having a substance misuse problem during the year?")
    intervention_offered = _yes_no("If so, was an intervention offered?")
    intervention_received = _yes_no("If so, did the child receive an intervention?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sdq_reason"].choices = codelists.choices("sdq-reason", blank="Select a reason")
        self.helper = _helper(
            Field.text("sdq_score", field_width=4),
            Field.select("sdq_reason"),
            Field.radios("convicted", legend_size=Size.SMALL, inline=True),
            Field.radios("health_check", legend_size=Size.SMALL, inline=True),
            Field.radios("substance_misuse", legend_size=Size.SMALL, inline=True),
            Field.radios("intervention_offered", legend_size=Size.SMALL, inline=True),
            Field.radios("intervention_received", legend_size=Size.SMALL, inline=True),
            button="Record the outcomes",
        )

    def outcomes(self):
        """The answers as the service takes them: yes and no as True and False, unanswered as None."""
        data = self.cleaned_data
        answer = {"yes": True, "no": False}
        return {
            "sdq_score": data.get("sdq_score"),
            "sdq_reason": data.get("sdq_reason") or "",
            **{
                name: answer.get(data.get(name) or "")
                for name in (
                    "convicted",
                    "health_check",
                    "substance_misuse",
                    "intervention_offered",
                    "intervention_received",
                )
            },
        }


class ShortBreaksEndedForm(forms.Form):
    on = DateField("Date the short breaks ended")
    reason = _text("Why did they end?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("on"), Field.textarea("reason", rows=3), button="Record that the short breaks ended"
        )
