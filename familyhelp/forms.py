"""Forms for the Family Help pages. They only gather what was typed: the rules (the order of
the steps, dates not before the referral nor in the future, what each step needs) are in
familyhelp.services, whose RuleBroken messages `add_rule_errors` puts on the fields.

Fields the services check are not required here and choice fields accept any value
(`OpenChoiceField`), so the message the user sees is the service's, in the same words
whether the step is taken from a page, the API or the demo. Labels built from people's
names are escaped: crispy-forms-gds renders labels as HTML."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from kernel import codelists
from kernel.forms import DateField, OpenChoiceField, OpenMultipleChoiceField
from partners.models import Agency, Team, User

from . import services
from .models import Assessment, ChildInNeedReview, Visit

OUTCOME_ROWS = 5
YES_NO = [("yes", "Yes"), ("no", "No")]
# The assessment factors, grouped for the page (CIN census codes by their number). A code
# in no group is shown under "Other factors"; "No factors identified" stands apart.
FACTOR_GROUPS = [
    ("Parents, carers and the household", {"1", "2", "3", "4", "5", "6"}),
    ("Abuse and neglect", {"16", "17", "18", "19", "22", "23"}),
    ("Risks outside the home", {"10", "11", "12", "13", "14", "15", "24"}),
    ("The child's circumstances", {"7", "8", "9"}),
]
OTHER_FACTORS = "Other factors"


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _late_reason_field(label="If this is late, why? (optional)"):
    return _text(label, help_text="Needed only when the due date has passed: what held it up")


class AllocateForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="Select the team"
    )
    worker = forms.ModelChoiceField(
        label="Social worker (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not allocated to a worker yet",
        help_text="Someone in the team you select",
    )
    on = DateField("Date of allocation (optional)", help_text="Leave blank for today. For example, 27 3 2026")
    change_reason = OpenChoiceField(
        label="Why is the social worker changing? (if they are)",
        required=False,
        help_text="Needed when the child already has a social worker (SSDA903)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].choices = [("", "Select the reason")] + [
            (code, label) for code, label in codelists.codes("social-worker-change-reason") if code != "FCONTA"
        ]
        teams = (
            Team.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY)
            .select_related("agency")
            .order_by("agency__name", "name")
        )
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: team.name
        workers = (
            User.objects.filter(team__in=teams, is_active=True)
            .select_related("team")
            .order_by("team__name", "last_name", "first_name", "username")
        )
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda user: f"{user} ({user.team})"
        self.helper = _helper(
            Field.select("team"), Field.select("worker"), Field("on"), Field.select("change_reason"), button="Allocate"
        )


class StartAssessmentForm(forms.Form):
    start_date = DateField("Start date of the assessment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("start_date"), button="Start the assessment")


def factor_groups(choices):
    """[(heading, [(code, label)])] for the factor checkboxes, and the "no factors" choice."""
    groups = {heading: [] for heading, _ in FACTOR_GROUPS}
    groups[OTHER_FACTORS] = []
    none = None
    for code, label in choices:
        if code == services.NO_FACTORS:
            none = (code, label)
            continue
        number = code.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        heading = next((h for h, numbers in FACTOR_GROUPS if number in numbers), OTHER_FACTORS)
        groups[heading].append((code, label))
    return [(heading, items) for heading, items in groups.items() if items], none


class CompleteAssessmentForm(forms.Form):
    """The worker's conclusion. The factors are rendered by hand (grouped, with "No factors
    identified" as the exclusive option); the rest by crispy."""

    factors = OpenMultipleChoiceField(
        label="Factors identified at the end of the assessment",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = OpenChoiceField(
        label="Outcome of the assessment", choices=Assessment.Outcome.choices, required=False, widget=forms.RadioSelect
    )
    summary = _text("Analysis", help_text="The child's needs, the risks, the family's strengths and the child's views")
    next_steps = _text("Next steps (optional)")
    completed_date = DateField("Date completed (optional)", help_text="Leave blank for today. For example, 27 3 2026")
    internal_review_date = DateField(
        "Internal review date (optional)", help_text="If the assessment had an internal review. For example, 27 3 2026"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factors"].choices = codelists.choices("assessment-factor")
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("summary", rows=8, label_size=Size.MEDIUM, label_tag="h2"),
            Field.textarea("next_steps", rows=4),
            Field("completed_date"),
            Field("internal_review_date"),
            button="Submit for authorisation",
        )
        self.helper.form_tag = False  # the page writes the form, with the factors before these fields
        self.helper.disable_csrf = True

    def factor_rows(self):
        chosen = {str(v) for v in (self["factors"].value() or [])}
        groups, none = factor_groups(self.fields["factors"].choices)
        counter = 0
        rows = []
        for heading, items in groups:
            group = []
            for code, label in items:
                counter += 1
                group.append({"code": code, "label": label, "id": f"id_factors_{counter}", "checked": code in chosen})
            rows.append({"heading": heading, "items": group})
        none_row = None
        if none is not None:
            counter += 1
            none_row = {"code": none[0], "label": none[1], "id": f"id_factors_{counter}", "checked": none[0] in chosen}
        return {"groups": rows, "none": none_row}


class AuthoriseAssessmentForm(forms.Form):
    authorised_date = DateField(
        "Date of authorisation (optional)", help_text="Leave blank for today. For example, 27 3 2026"
    )
    late_reason = _text("Why was the assessment late?", help_text="It was due by the date above: say what held it up")

    def __init__(self, *args, late=False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field("authorised_date")]
        if late:
            fields.append(Field.textarea("late_reason", rows=3))
        else:
            del self.fields["late_reason"]
        self.helper = _helper(*fields, button="Authorise the assessment")


class StartCinPlanForm(forms.Form):
    start_date = DateField("Start date of the plan")
    services = _text("Services", help_text="What will be provided, and by whom")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        outcome_fieldsets = []
        for n in range(1, OUTCOME_ROWS + 1):
            self.fields[f"outcome_{n}"] = forms.CharField(
                label="What the plan is to achieve", max_length=500, required=False
            )
            self.fields[f"measure_{n}"] = forms.CharField(
                label="How we will know it has been achieved (optional)", max_length=500, required=False
            )
            outcome_fieldsets.append(
                Fieldset(
                    Field.text(f"outcome_{n}"),
                    Field.text(f"measure_{n}"),
                    legend=f"Outcome {n}" + ("" if n == 1 else " (optional)"),
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(
            Field("start_date"),
            Field.textarea("services", rows=5),
            HTML(
                '<h2 class="govuk-heading-m">Outcomes</h2><p class="govuk-body">At least one '
                "measurable outcome. Leave the rows you do not need blank.</p>"
            ),
            *outcome_fieldsets,
            button="Start the plan",
        )

    def outcomes(self):
        data = self.cleaned_data
        return [(data.get(f"outcome_{n}", ""), data.get(f"measure_{n}", "")) for n in range(1, OUTCOME_ROWS + 1)]


class ReviewCinPlanForm(forms.Form):
    review_date = DateField("Date of the review")
    progress = _text("Progress", help_text="Progress towards the plan's outcomes, and the child's views")
    decision = OpenChoiceField(
        label="What did the review decide?",
        choices=ChildInNeedReview._meta.get_field("decision").choices,
        required=False,
        widget=forms.RadioSelect,
    )
    achieved = forms.MultipleChoiceField(
        label="Outcomes achieved (optional)",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    late_reason = _late_reason_field("If the review is late, why? (optional)")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        open_outcomes = [o for o in plan.outcomes.all() if not o.achieved]
        self.fields["achieved"].choices = [(str(o.pk), escape(o.description)) for o in open_outcomes]
        fields = [
            Field("review_date"),
            Field.textarea("progress", rows=6),
            Field.radios("decision", legend_size=Size.SMALL),
        ]
        if open_outcomes:
            fields.append(Field.checkboxes("achieved", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["achieved"]
        fields.append(Field.textarea("late_reason", rows=3))
        self.helper = _helper(*fields, button="Record the review")


class EndCinPlanForm(forms.Form):
    end_date = DateField("Date the plan ended")
    reason = forms.CharField(
        label="Why is the plan ending?",
        max_length=300,
        required=False,
        help_text="For example: the outcomes have been achieved",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("end_date"), Field.text("reason"), button="End the plan")


class VisitForm(forms.Form):
    kind = OpenChoiceField(label="Kind of visit", choices=Visit.Kind.choices, required=False, widget=forms.RadioSelect)
    visit_date = DateField("Date of the visit")
    seen = OpenChoiceField(label="Was the child seen?", choices=YES_NO, required=False, widget=forms.RadioSelect)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    bedroom_seen = forms.BooleanField(label="The child's bedroom was seen", required=False)
    notes = _text("Notes (optional)", help_text="What you saw and heard, and what the child said")
    late_reason = _late_reason_field("If the visit is late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("visit_date"),
            Field.radios("seen", legend_size=Size.SMALL, inline=True),
            Field.checkbox("seen_alone"),
            Field.checkbox("bedroom_seen"),
            Field.textarea("notes", rows=6),
            Field.textarea("late_reason", rows=3),
            button="Record the visit",
        )

    def seen_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("seen") or "")


class CloseEpisodeForm(forms.Form):
    closure_date = DateField("Date of closure")
    reason = OpenChoiceField(label="Reason for closure", choices=(), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = codelists.choices("cin-closure-reason")
        self.helper = _helper(
            Field("closure_date"), Field.radios("reason", legend_size=Size.SMALL), button="Close the episode"
        )
