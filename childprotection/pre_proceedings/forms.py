"""Forms for the pre-proceedings pages. They gather what was typed; the rules (order of the
dates, one open pre-proceedings per episode, the offer of family group decision-making) are in
childprotection.pre_proceedings.services, whose messages `add_rule_errors` puts on the fields."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from kernel.forms import DateField, OpenChoiceField
from partners.models import User

from ..forms import UserChoiceField, _helper, local_authority_users
from ..models import PreProceedings

# A family meeting recorded already for a return home (childrenincare): the model the
# pre-proceedings' link points at, so this earlier stage names no later stage's module.
FamilyGroupDecisionMaking = PreProceedings._meta.get_field("fgdm_same_meeting_as").related_model

YES_NO = [("yes", "Yes"), ("no", "No")]
LATE = "Why was it late? (if it was)"


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _late(form, due):
    if due is not None:
        form.fields[
            "late_reason"
        ].help_text = f"{due.rule_name} is due by {due.due_date:%-d %B %Y}: if it is late, say why"


def _late_field():
    return forms.CharField(label=LATE, widget=forms.Textarea, required=False, max_length=5000)


class StartForm(forms.Form):
    start_date = DateField(
        "Date of the decision to start pre-proceedings",
        help_text="The date of the legal planning meeting, or other forum, that decided. For example, 27 3 2026",
    )
    forum = forms.CharField(
        label="Meeting or forum that decided", max_length=200, required=False, initial="Legal planning meeting"
    )
    decided_by = UserChoiceField(label="Who chaired it?", queryset=User.objects.none())
    reasons = forms.CharField(
        label="Why pre-proceedings are starting", widget=forms.Textarea, required=False, max_length=50000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = local_authority_users().filter(
            role__in=[User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE, User.Role.SOCIAL_WORKER]
        )
        self.helper = _helper(
            Field("start_date"),
            Field.text("forum"),
            Field.select("decided_by"),
            Field.textarea("reasons", rows=5),
            button="Start pre-proceedings",
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "start_date": data.get("start_date"),
            "forum": data.get("forum", ""),
            "decided_by": data.get("decided_by"),
            "reasons": data.get("reasons", ""),
        }


class LetterForm(forms.Form):
    sent_on = DateField("Date the letter before proceedings was sent")
    fgdm_offered = OpenChoiceField(
        label="Does the letter offer a family group decision-making meeting?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="The Children's Wellbeing and Schools Act 2026 requires the offer in the "
        "letter, unless it is not in the child's best interests",
    )
    fgdm_offered_to = forms.CharField(
        label="Offered to (if offered)",
        max_length=300,
        required=False,
        help_text="Each parent or person with parental responsibility",
    )
    fgdm_reasons_not_offered = forms.CharField(
        label="Why offering it is not in the child's best interests (if not offered)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
    )
    late_reason = _late_field()

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        _late(self, due)
        self.helper = _helper(
            Field("sent_on"),
            Field.radios("fgdm_offered", legend_size=Size.SMALL, small=True),
            Field.text("fgdm_offered_to"),
            Field.textarea("fgdm_reasons_not_offered", rows=4),
            Field.textarea("late_reason", rows=2),
            button="Record the letter",
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "sent_on": data.get("sent_on"),
            "fgdm_offered": _yes_no(data.get("fgdm_offered")),
            "fgdm_offered_to": data.get("fgdm_offered_to", ""),
            "fgdm_reasons_not_offered": data.get("fgdm_reasons_not_offered", ""),
            "late_reason": data.get("late_reason", ""),
        }


class SharedMeetingField(forms.ModelChoiceField):
    def label_from_instance(self, record):
        return f"Family meeting on {record.meeting_on:%-d %B %Y} (recorded for a return home)"


class FamilyMeetingForm(forms.Form):
    response = OpenChoiceField(
        label="How did the family answer the offer?",
        choices=PreProceedings.FamilyResponse.choices,
        widget=forms.RadioSelect,
    )
    same_meeting_as = SharedMeetingField(
        label="The same family meeting already recorded (optional)",
        required=False,
        queryset=FamilyGroupDecisionMaking._default_manager.none(),
        empty_label="No: a meeting of its own",
    )
    meeting_on = DateField("Date of the family meeting (if held)")
    coordinator = forms.CharField(label="Independent coordinator (optional)", max_length=200, required=False)
    family_plan = forms.CharField(
        label="The family's plan (optional)", widget=forms.Textarea, required=False, max_length=50000
    )
    plan_response = OpenChoiceField(
        label="The local authority's response to the family plan",
        choices=[("", "Not yet")] + list(PreProceedings.FamilyPlanResponse.choices),
        widget=forms.RadioSelect,
    )
    plan_response_reasons = forms.CharField(
        label="Why the plan is not agreed (if it is not)", widget=forms.Textarea, required=False, max_length=20000
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        shared = FamilyGroupDecisionMaking._default_manager.filter(decision__person=person, meeting_on__isnull=False)
        self.fields["same_meeting_as"].queryset = shared
        layout = [Field.radios("response", legend_size=Size.SMALL, small=True)]
        if shared.exists():
            layout.append(Field.select("same_meeting_as"))
        else:
            del self.fields["same_meeting_as"]
        layout += [
            Field("meeting_on"),
            Field.text("coordinator"),
            Field.textarea("family_plan", rows=4),
            Field.radios("plan_response", legend_size=Size.SMALL, small=True),
            Field.textarea("plan_response_reasons", rows=3),
        ]
        self.helper = _helper(*layout, button="Record family group decision-making")

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "response": data.get("response", ""),
            "meeting_on": data.get("meeting_on"),
            "coordinator": data.get("coordinator", ""),
            "family_plan": data.get("family_plan", ""),
            "plan_response": data.get("plan_response", ""),
            "plan_response_reasons": data.get("plan_response_reasons", ""),
            "same_meeting_as": data.get("same_meeting_as"),
        }


class MeetingForm(forms.Form):
    held_on = DateField("Date of the meeting")
    parents_attended = OpenChoiceField(
        label="Did the parents attend?", choices=YES_NO, widget=forms.RadioSelect, initial="yes"
    )
    parents_legally_represented = OpenChoiceField(
        label="Did the parents have a lawyer with them?", choices=YES_NO, widget=forms.RadioSelect, initial="yes"
    )
    notes = forms.CharField(label="What the meeting agreed", widget=forms.Textarea, required=False, max_length=50000)
    late_reason = _late_field()

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        _late(self, due)
        self.helper = _helper(
            Field("held_on"),
            Field.radios("parents_attended", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("parents_legally_represented", legend_size=Size.SMALL, small=True, inline=True),
            Field.textarea("notes", rows=5),
            Field.textarea("late_reason", rows=2),
            button="Record the meeting",
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "notes": data.get("notes", ""),
            "parents_attended": _yes_no(data.get("parents_attended")) is not False,
            "parents_legally_represented": _yes_no(data.get("parents_legally_represented")) is not False,
            "late_reason": data.get("late_reason", ""),
        }


class DecisionForm(forms.Form):
    decision = OpenChoiceField(
        label="What was decided?", choices=PreProceedings.Decision.choices, widget=forms.RadioSelect
    )
    decided_on = DateField("Date of the decision")
    decided_by = UserChoiceField(label="Who made the decision?", queryset=User.objects.none())
    reasons = forms.CharField(label="Reasons for the decision", widget=forms.Textarea, required=False, max_length=50000)
    late_reason = _late_field()

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        _late(self, due)
        self.fields["decided_by"].queryset = local_authority_users().filter(
            role__in=[User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE]
        )
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.SMALL, small=True),
            Field("decided_on"),
            Field.select("decided_by"),
            Field.textarea("reasons", rows=5),
            Field.textarea("late_reason", rows=2),
            button="Record the decision",
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "decision": data.get("decision", ""),
            "decided_on": data.get("decided_on"),
            "decided_by": data.get("decided_by"),
            "reasons": data.get("reasons", ""),
            "late_reason": data.get("late_reason", ""),
        }


class CourtApplicationForm(forms.Form):
    applied_on = DateField("Date the application was made")
    order_sought = OpenChoiceField(
        label="Which order was applied for?", choices=PreProceedings.Order.choices, widget=forms.RadioSelect
    )
    late_reason = _late_field()

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        _late(self, due)
        self.helper = _helper(
            Field("applied_on"),
            Field.radios("order_sought", legend_size=Size.SMALL, small=True),
            Field.textarea("late_reason", rows=2),
            button="Record the application",
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "applied_on": data.get("applied_on"),
            "order_sought": data.get("order_sought", ""),
            "late_reason": data.get("late_reason", ""),
        }


class LetterOfIssueForm(forms.Form):
    sent_on = DateField("Date the letter was sent to the parents")

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("sent_on"), button="Record the letter")

    def service_arguments(self):
        return {"sent_on": self.cleaned_data.get("sent_on")}
