"""Forms for the care leaver pages. They only gather what was typed: the rules are in
leavingcare.services, whose RuleBroken messages kernel.forms.add_rule_errors puts on the
fields (choice fields accept any value, OpenChoiceField, so the service's message shows).
People's names appear only as radio labels, which crispy-forms-gds escapes."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel import codelists
from kernel.forms import DateField, OpenChoiceField
from partners.access import is_local_authority_staff
from partners.models import User

from . import services
from .eligibility import oc3_rule
from .models import CareLeaver, KeepingInTouchContact, PathwayPlanReview

YES_NO = [("yes", "Yes"), ("no", "No")]


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def yes_no(value):
    return {"yes": True, "no": False}.get(value)


def advisers():
    found = User.objects.filter(role__in=services.ADVISER_ROLES, is_active=True).select_related("agency")
    return [u for u in found.order_by("last_name", "first_name", "username") if is_local_authority_staff(u)]


def chosen_user(value):
    value = str(value or "").strip()
    return User.objects.filter(pk=int(value)).first() if value.isdigit() else None


AT_SIXTEEN = [("", "Neither")] + list(CareLeaver.AtSixteen.choices)
AT_SIXTEEN_HELP = (
    "Care Leavers (England) Regulations 2010 reg 3(2): a young person detained or in hospital on their "
    "16th birthday, who was looked after for 13 weeks since their 14th birthday immediately before, is "
    "a relevant child"
)


class OpenRecordForm(forms.Form):
    on = DateField("Date the record is opened (optional)", help_text="Leave blank for today. For example, 27 3 2025")
    at_sixteen = OpenChoiceField(
        label="On their 16th birthday, was the young person detained or in hospital?",
        choices=AT_SIXTEEN,
        widget=forms.RadioSelect,
        required=False,
        help_text=AT_SIXTEEN_HELP,
    )
    detained_at_16_since = DateField("Date they were detained or admitted to hospital (if so)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("on"),
            Field.radios("at_sixteen", legend_size=Size.SMALL),
            Field("detained_at_16_since"),
            button="Open the care leaver record",
        )


class CircumstancesForm(forms.Form):
    """What the care history cannot tell and the young person's category needs."""

    home_with_parent_since = DateField(
        "Living with a parent or person with parental responsibility since (optional)",
        help_text="A parent, a special guardian, or the person a child arrangements order says they live with. After "
        "an order or a return home, the day care ended is used when this is blank. 6 months or more in a "
        "row: not a relevant child (Care Leavers (England) Regulations 2010 reg 3)",
    )
    home_with_parent_until = DateField(
        "That arrangement broke down on (optional)",
        help_text="The day they stopped living there: a relevant child again",
    )
    special_guardianship_ended_on = DateField(
        "The special guardianship order stopped being in force on (optional)",
        help_text="Revoked or discharged before the 18th birthday (Children Act 1989 s24(1A))",
    )
    at_sixteen = OpenChoiceField(
        label="On their 16th birthday, was the young person detained or in hospital?",
        choices=AT_SIXTEEN,
        widget=forms.RadioSelect,
        required=False,
        help_text=AT_SIXTEEN_HELP,
    )
    detained_at_16_since = DateField("Date they were detained or admitted to hospital (if so)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("home_with_parent_since"),
            Field("home_with_parent_until"),
            Field("special_guardianship_ended_on"),
            Field.radios("at_sixteen", legend_size=Size.SMALL),
            Field("detained_at_16_since"),
            button="Save",
        )


class AdviserForm(forms.Form):
    adviser = OpenChoiceField(label="Personal adviser", choices=(), widget=forms.RadioSelect)
    on = DateField("Date of the appointment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].choices = [(str(u.pk), str(u)) for u in advisers()]
        self.helper = _helper(
            Field.radios("adviser", legend_size=Size.SMALL), Field("on"), button="Appoint the personal adviser"
        )


class PathwayPlanForm(forms.Form):
    kind = OpenChoiceField(label="What happened?", choices=PathwayPlanReview.Kind.choices, widget=forms.RadioSelect)
    held_on = DateField("Date")
    young_person_took_part = OpenChoiceField(
        label="Did the young person take part?", choices=YES_NO, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="What was agreed (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
        help_text="Accommodation, education, training or work, health, money, relationships, support",
    )
    late_reason = forms.CharField(
        label="If the review is late, why? (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
        help_text="Needed only when the review's due date has passed",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("held_on"),
            Field.radios("young_person_took_part", legend_size=Size.SMALL, inline=True),
            Field.textarea("summary", rows=5),
            Field.textarea("late_reason", rows=3),
            button="Save the pathway plan",
        )


class ContactForm(forms.Form):
    contact_on = DateField("Date of the contact")
    method = OpenChoiceField(
        label="How was the contact made?", choices=KeepingInTouchContact.Method.choices, widget=forms.RadioSelect
    )
    in_touch = OpenChoiceField(label="Was the young person in touch?", choices=YES_NO, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("contact_on"),
            Field.radios("method", legend_size=Size.SMALL),
            Field.radios("in_touch", legend_size=Size.SMALL, inline=True),
            Field.textarea("notes", rows=4),
            button="Save the contact",
        )


class BirthdayContactForm(forms.Form):
    birthday_age = OpenChoiceField(label="Which birthday?", choices=(), widget=forms.RadioSelect)
    in_touch = OpenChoiceField(
        label="Was the authority in touch with the young person around the birthday?",
        choices=(),
        widget=forms.RadioSelect,
        help_text="From 3 months before the birthday to 1 month after it",
    )
    contact_on = DateField("Date of the contact (needed if in touch)")
    activity = OpenChoiceField(
        label="What is the young person's main activity?",
        choices=(),
        widget=forms.RadioSelect,
        help_text="Not needed if the young person has died or went home to their parents",
    )
    accommodation_type = OpenChoiceField(
        label="What type of accommodation do they live in?",
        choices=(),
        widget=forms.RadioSelect,
        help_text="Not needed if the young person has died or went home to their parents",
    )
    accommodation_suitable = OpenChoiceField(
        label="Is the accommodation suitable?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="No fixed abode and custody are never suitable",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birthday_age"].choices = [
            (str(a), f"{a}th" if a != 21 else "21st") for a in oc3_rule("birthday_ages")
        ]
        self.fields["in_touch"].choices = codelists.choices("care-leaver-in-touch")
        self.fields["activity"].choices = codelists.choices("care-leaver-activity")
        self.fields["accommodation_type"].choices = services.accommodation_types() + [
            ("0", "Not known (only when not in touch)")
        ]
        self.helper = _helper(
            Field.radios("birthday_age", legend_size=Size.SMALL, inline=True),
            Field.radios("in_touch", legend_size=Size.SMALL),
            Field("contact_on"),
            Field.radios("activity", legend_size=Size.SMALL),
            Field.radios("accommodation_type", legend_size=Size.SMALL),
            Field.radios("accommodation_suitable", legend_size=Size.SMALL, inline=True),
            button="Save the birthday contact",
        )
