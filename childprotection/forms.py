"""Forms for the child-protection pages. They only gather what was typed: the rules (who must
attend, which conference may follow which step, when a plan may end) are in
childprotection.services, whose RuleBroken messages `add_rule_errors` puts on the fields.

Choice fields that the services check accept any value (`OpenChoiceField`), so the service's
message, in the guidance's words, is the one the user sees. Names of people in labels and
legends are escaped here: crispy-forms-gds renders labels as HTML."""

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Hidden, Layout, Size, Submit
from django import forms
from django.utils import timezone
from django.utils.html import escape

from kernel import codelists
from kernel.forms import DateField, OpenChoiceField, clean_time
from partners.access import RECORD_READERS
from partners.models import Agency, User

from . import services
from .models import (
    AgencyKind,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceParticipant,
    MultiAgencyChildProtectionTeam,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyDiscussionChild,
)

ATTENDEE_ROWS = 8
PARTICIPANT_ROWS = 8
AGENCY_KINDS = list(AgencyKind.choices)
AGENCY_KINDS_AND_FAMILY = AGENCY_KINDS + [("family", "Family or supporter")]
# The strategy discussion form starts with a row for each agency the guidance expects.
ATTENDEE_PREFILL = [AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION]
# Which decisions a conference of each kind may make.
DECISIONS_FOR_KIND = {
    "initial": [ConferenceChild.Decision.PLAN, ConferenceChild.Decision.NO_PLAN],
    "pre_birth": [ConferenceChild.Decision.PLAN, ConferenceChild.Decision.NO_PLAN],
    "transfer_in": [ConferenceChild.Decision.PLAN, ConferenceChild.Decision.NO_PLAN],
    "review": [ConferenceChild.Decision.CONTINUE, ConferenceChild.Decision.END],
}


def _helper(*fields, button="Save", form_tag=True, button_id="form-submit"):
    """A crispy layout; a form that shares its page writes its own <form> tag (form_tag=False)
    and gives its button an id of its own."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = not form_tag
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", button, css_id=button_id))
    return helper


class UserChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Select a person")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, user):
        parts = [user.get_full_name() or user.get_username(), user.get_role_display()]
        if user.agency_id:
            parts.append(str(user.agency))
        return ", ".join(parts)


def local_authority_users():
    return User.objects.filter(is_active=True, agency__kind=Agency.Kind.LOCAL_AUTHORITY).select_related("agency")


def _aware(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


# --- Strategy discussions -----------------------------------------------------------------


class StrategyDiscussionForm(forms.Form):
    held_at = DateField("Date of the strategy discussion")
    held_time = forms.CharField(
        label="Time it started",
        max_length=20,
        required=False,
        help_text="In the 24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    chair = UserChoiceField(label="Who chaired the discussion?", queryset=User.objects.none())
    children = forms.MultipleChoiceField(
        label="Which children was the discussion about?",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Children of the household with an open child in need episode",
    )
    information_shared = forms.CharField(
        label="Information shared", widget=forms.Textarea, required=False, max_length=50000
    )
    immediate_safety_actions = forms.CharField(
        label="Immediate actions to keep the children safe (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
    )
    police_decision = OpenChoiceField(
        label="What did the police decide?", choices=StrategyDiscussion.PoliceDecision.choices, widget=forms.RadioSelect
    )
    harm_outside_home = forms.ChoiceField(
        label="Is the concern harm outside the home?",
        choices=[("no", "No"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        required=False,
        initial="no",
        help_text="Exploitation, or harm from peers or in the community, at school or online",
    )
    harm_outside_home_types = forms.MultipleChoiceField(
        label="If it is, which kinds of harm outside the home?",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The children in need census assessment factors",
    )
    next_meeting_date = DateField("Date of the next discussion (optional)")
    late_reason = forms.CharField(
        label="Why was the strategy discussion late? (if it was)",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="Needed when the strategy discussion the front door asked for is past its due date",
    )

    def __init__(self, *args, candidates, due=None, **kwargs):
        """`candidates`: the episodes (frontdoor.Referral, person loaded) that may be chosen, the
        page's own child first."""
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("children", [str(candidates[0].pk)])
        for number, kind in enumerate(ATTENDEE_PREFILL, start=1):
            initial.setdefault(f"attendee_{number}_agency_kind", kind.value)
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["chair"].queryset = local_authority_users()
        self.fields["harm_outside_home_types"].choices = services.harm_outside_home_choices()
        self.fields["children"].choices = [(str(e.pk), e.person.full_name) for e in candidates]
        layout = [
            Field("held_at"),
            Field.text("held_time", field_width=5),
            Field.select("chair"),
            Field.checkboxes("children", legend_size=Size.MEDIUM, small=True),
        ]
        for episode in candidates:
            name = escape(episode.person.full_name)
            self.fields[f"decision_{episode.pk}"] = OpenChoiceField(
                label=f"Decision for {name}", choices=StrategyDiscussionChild.Decision.choices, widget=forms.RadioSelect
            )
            self.fields[f"reason_{episode.pk}"] = forms.CharField(
                label=f"Reasons for the decision about {name} (optional)",
                widget=forms.Textarea,
                required=False,
                max_length=20000,
            )
            layout.append(
                Fieldset(
                    Field.radios(f"decision_{episode.pk}", legend_size=Size.SMALL, small=True),
                    Field.textarea(f"reason_{episode.pk}", rows=3),
                    legend=name,
                    legend_size=Size.MEDIUM,
                )
            )
        layout += [
            Field.textarea("information_shared", rows=6),
            Field.textarea("immediate_safety_actions", rows=4),
            Field.radios("police_decision", legend_size=Size.MEDIUM, small=True),
            Field.radios("harm_outside_home", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.checkboxes("harm_outside_home_types", legend_size=Size.SMALL, small=True),
        ]
        rows = []
        for number in range(1, ATTENDEE_ROWS + 1):
            self.fields[f"attendee_{number}_name"] = forms.CharField(
                label=f"Attendee {number}: name", max_length=200, required=False
            )
            self.fields[f"attendee_{number}_role"] = forms.CharField(
                label=f"Attendee {number}: role (optional)", max_length=200, required=False
            )
            self.fields[f"attendee_{number}_agency_kind"] = forms.ChoiceField(
                label=f"Attendee {number}: agency", choices=[("", "Select the agency")] + AGENCY_KINDS, required=False
            )
            rows.append(
                Fieldset(
                    Field.text(f"attendee_{number}_name"),
                    Field.text(f"attendee_{number}_role"),
                    Field.select(f"attendee_{number}_agency_kind"),
                    css_class="app-attendee-row",
                )
            )
        layout.append(
            Fieldset(
                HTML.p("At least the local authority, police and health. Leave rows you do not need blank."),
                *rows,
                legend="Who attended",
                legend_size=Size.MEDIUM,
            )
        )
        layout += [Field("next_meeting_date")]
        if due is not None:
            self.fields[
                "late_reason"
            ].help_text = f"{escape(due.rule_name)} was due by {due.due_date:%-d %B %Y}: if it is late, say why"
        layout.append(Field.textarea("late_reason", rows=3))
        self.helper = _helper(*layout, button="Record the strategy discussion")

    def clean_held_time(self):
        return clean_time(self.cleaned_data.get("held_time"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held_at") and "held_time" not in self.errors and cleaned.get("held_time") is None:
            self.add_error("held_time", "Enter the time the strategy discussion started")
        return cleaned

    ERROR_FIELDS = {"attendees": "attendee_1_name"}

    def service_arguments(self):
        data = self.cleaned_data
        chosen = set(data.get("children") or [])
        children = [
            (episode, data.get(f"decision_{episode.pk}") or "", data.get(f"reason_{episode.pk}") or "")
            for episode in self.candidates
            if str(episode.pk) in chosen
        ]
        attendees = []
        for number in range(1, ATTENDEE_ROWS + 1):
            name, role = data.get(f"attendee_{number}_name", ""), data.get(f"attendee_{number}_role", "")
            if not (name.strip() or role.strip()):
                continue  # a blank row
            attendees.append(
                {
                    "name": name,
                    "role": role,
                    "agency_kind": data.get(f"attendee_{number}_agency_kind") or AgencyKind.OTHER,
                }
            )
        held_at = _aware(data["held_at"], data["held_time"]) if data.get("held_at") else None
        return {
            "held_at": held_at,
            "children": children,
            "attendees": attendees,
            "information_shared": data.get("information_shared", ""),
            "police_decision": data.get("police_decision", ""),
            "chair": data.get("chair"),
            "immediate_safety_actions": data.get("immediate_safety_actions", ""),
            "next_meeting_date": data.get("next_meeting_date"),
            "late_reason": data.get("late_reason", ""),
            "harm_outside_home": data.get("harm_outside_home") == "yes",
            "harm_outside_home_types": list(data.get("harm_outside_home_types") or []),
        }


# --- Section 47 enquiries -----------------------------------------------------------------


class MACPTChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        gaps = services.macpt_gaps(team)
        if gaps:
            return f"{team} (missing core members: {', '.join(AgencyKind(k).label.lower() for k in gaps)})"
        return str(team)


class AssignEnquiryForm(forms.Form):
    lead_practitioner = UserChoiceField(
        label="Lead child protection practitioner",
        queryset=User.objects.none(),
        help_text="A local-authority social worker",
    )
    macpt = MACPTChoiceField(
        label="Multi-agency child protection team (optional)",
        required=False,
        queryset=MultiAgencyChildProtectionTeam.objects.none(),
        empty_label="No team",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["lead_practitioner"].queryset = local_authority_users().filter(
            role__in=[User.Role.SOCIAL_WORKER, User.Role.TEAM_MANAGER]
        )
        self.fields["macpt"].queryset = MultiAgencyChildProtectionTeam.objects.filter(active=True)
        self.helper = _helper(
            Hidden("action", "assign"),
            Field.select("lead_practitioner"),
            Field.select("macpt"),
            button="Save the lead practitioner and team",
            form_tag=False,
            button_id="assign-submit",
        )


class EnquiryOutcomeForm(forms.Form):
    outcome = OpenChoiceField(
        label="What is the outcome of the enquiry?", choices=Section47Enquiry.Outcome.choices, widget=forms.RadioSelect
    )
    outcome_date = DateField("Date of the outcome")
    findings = forms.CharField(label="What the enquiry found", widget=forms.Textarea, required=False, max_length=50000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "outcome")
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Hidden("action", "outcome"),
            Field.radios("outcome", legend_size=Size.MEDIUM, small=True),
            Field("outcome_date"),
            Field.textarea("findings", rows=6),
            button="Record the outcome",
            form_tag=False,
            button_id="outcome-submit",
        )


# --- Conferences --------------------------------------------------------------------------


class ConferenceForm(forms.Form):
    held_on = DateField("Date of the conference")
    chair = UserChoiceField(
        label="Who chaired the conference?",
        queryset=User.objects.none(),
        help_text="A conference chair or independent reviewing officer, independent of the case",
    )
    children = forms.MultipleChoiceField(
        label="Which children was the conference about?",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transfer_notified_on = DateField("Date this authority was told of the move")
    transferring_authority = forms.CharField(label="The authority the child moved from", max_length=200, required=False)
    parents_participation = forms.CharField(
        label="How the parents took part (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
        help_text="Who attended for the family, any exclusions, any dissent",
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=50000)

    ERROR_FIELDS = {"participants": "participant_1_name"}

    def __init__(self, *args, kind, candidates, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("children", [str(candidates[0].pk)])
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.candidates = candidates
        self.fields["chair"].queryset = User.objects.filter(is_active=True, role__in=services.CHAIRS).select_related(
            "agency"
        )
        self.fields["children"].choices = [(str(e.pk), e.person.full_name) for e in candidates]
        layout = [Field("held_on"), Field.select("chair")]
        if kind == "transfer_in":
            layout += [Field("transfer_notified_on"), Field.text("transferring_authority")]
        else:
            del self.fields["transfer_notified_on"], self.fields["transferring_authority"]
        layout.append(Field.checkboxes("children", legend_size=Size.MEDIUM, small=True))
        decisions = [(d.value, d.label) for d in DECISIONS_FOR_KIND[kind]]
        for episode in candidates:
            name = escape(episode.person.full_name)
            pk = episode.pk
            self.fields[f"decision_{pk}"] = OpenChoiceField(
                label=f"Decision for {name}", choices=decisions, widget=forms.RadioSelect
            )
            self.fields[f"category_{pk}"] = OpenChoiceField(
                label=f"Category of abuse or neglect for {name}",
                choices=codelists.choices("category-of-abuse"),
                widget=forms.RadioSelect,
                help_text="For a plan that starts or continues",
            )
            self.fields[f"reasons_{pk}"] = forms.CharField(
                label=f"Reasons for the decision about {name}", widget=forms.Textarea, required=False, max_length=20000
            )
            self.fields[f"late_reason_{pk}"] = forms.CharField(
                label=f"Why was the conference about {name} late? (if it was)",
                widget=forms.Textarea,
                required=False,
                max_length=5000,
            )
            layout.append(
                Fieldset(
                    Field.radios(f"decision_{pk}", legend_size=Size.SMALL, small=True),
                    Field.radios(f"category_{pk}", legend_size=Size.SMALL, small=True),
                    Field.textarea(f"reasons_{pk}", rows=3),
                    Field.textarea(f"late_reason_{pk}", rows=2),
                    legend=name,
                    legend_size=Size.MEDIUM,
                )
            )
        rows = []
        for number in range(1, PARTICIPANT_ROWS + 1):
            self.fields[f"participant_{number}_name"] = forms.CharField(
                label=f"Participant {number}: name", max_length=200, required=False
            )
            self.fields[f"participant_{number}_role"] = forms.CharField(
                label=f"Participant {number}: role (optional)",
                max_length=200,
                required=False,
                help_text="For example: mother, class teacher",
            )
            self.fields[f"participant_{number}_agency_kind"] = forms.ChoiceField(
                label=f"Participant {number}: agency",
                choices=[("", "Select the agency")] + AGENCY_KINDS_AND_FAMILY,
                required=False,
            )
            self.fields[f"participant_{number}_invited_on"] = DateField(
                f"Participant {number}: date invited (optional)"
            )
            self.fields[f"participant_{number}_attendance"] = forms.ChoiceField(
                label=f"Participant {number}: attendance",
                choices=[("", "Select")] + list(ConferenceParticipant.Attendance.choices),
                required=False,
            )
            self.fields[f"participant_{number}_report_received"] = forms.BooleanField(
                label=f"Participant {number}: report received", required=False
            )
            rows.append(
                Fieldset(
                    *[Field.text(f"participant_{number}_{part}") for part in ("name", "role")],
                    Field.select(f"participant_{number}_agency_kind"),
                    Field(f"participant_{number}_invited_on"),
                    Field.select(f"participant_{number}_attendance"),
                    Field.checkbox(f"participant_{number}_report_received", small=True),
                    css_class="app-participant-row",
                )
            )
        layout.append(
            Fieldset(
                HTML.p(
                    "Everyone invited, whether they came and whether they sent a report. Leave rows "
                    "you do not need blank."
                ),
                *rows,
                legend="Participants",
                legend_size=Size.MEDIUM,
            )
        )
        layout += [Field.textarea("parents_participation", rows=3), Field.textarea("notes", rows=4)]
        self.helper = _helper(*layout, button="Record the conference")

    def service_arguments(self):
        data = self.cleaned_data
        chosen = set(data.get("children") or [])
        children = [
            {
                "episode": e,
                "decision": data.get(f"decision_{e.pk}") or "",
                "category": data.get(f"category_{e.pk}") or "",
                "reasons": data.get(f"reasons_{e.pk}") or "",
                "late_reason": data.get(f"late_reason_{e.pk}") or "",
            }
            for e in self.candidates
            if str(e.pk) in chosen
        ]
        participants = []
        for number in range(1, PARTICIPANT_ROWS + 1):
            row = {
                part: data.get(f"participant_{number}_{part}")
                for part in ("name", "role", "agency_kind", "invited_on", "attendance", "report_received")
            }
            if not (
                (row["name"] or "").strip()
                or (row["role"] or "").strip()
                or row["attendance"]
                or row["invited_on"]
                or row["report_received"]
            ):
                continue  # a blank row
            row["agency_kind"] = row["agency_kind"] or AgencyKind.OTHER
            participants.append(row)
        return {
            "kind": self.kind,
            "held_on": data.get("held_on"),
            "chair": data.get("chair"),
            "children": children,
            "participants": participants,
            "parents_participation": data.get("parents_participation", ""),
            "notes": data.get("notes", ""),
            "transfer_notified_on": data.get("transfer_notified_on"),
            "transferring_authority": data.get("transferring_authority", ""),
        }


# --- Plans and the core group -------------------------------------------------------------


class CoreGroupMemberForm(forms.Form):
    member = UserChoiceField(
        label="A practitioner who uses this service (optional)",
        queryset=User.objects.none(),
        empty_label="Not a user of this service",
        help_text="They will see the child's record while they are in the core group",
    )
    name = forms.CharField(
        label="Or their name", max_length=200, required=False, help_text="For someone who does not use this service"
    )
    role = forms.CharField(
        label="Role (optional)",
        max_length=200,
        required=False,
        help_text="For example: class teacher, health visitor, mother",
    )
    agency_kind = OpenChoiceField(label="Agency", choices=AGENCY_KINDS_AND_FAMILY, widget=forms.RadioSelect)
    start_date = DateField("Date they joined the core group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = User.objects.filter(is_active=True, role__in=RECORD_READERS).select_related(
            "agency"
        )
        self.helper = _helper(
            Field.select("member"),
            Field.text("name"),
            Field.text("role"),
            Field.radios("agency_kind", legend_size=Size.SMALL, small=True),
            Field("start_date"),
            button="Add to the core group",
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "member": data.get("member"),
            "name": data.get("name", ""),
            "role": data.get("role", ""),
            "agency_kind": data.get("agency_kind") or None,
            "start_date": data.get("start_date"),
        }


class CoreGroupMeetingForm(forms.Form):
    held_on = DateField("Date of the meeting")
    attended = forms.MultipleChoiceField(
        label="Who attended?", choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    progress = forms.CharField(
        label="Progress against the plan", widget=forms.Textarea, required=False, max_length=50000
    )
    actions = forms.CharField(
        label="Actions agreed (optional)", widget=forms.Textarea, required=False, max_length=20000
    )
    late_reason = forms.CharField(
        label="Why was the meeting late? (if it was)", widget=forms.Textarea, required=False, max_length=5000
    )

    def __init__(self, *args, members, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["attended"].choices = [
            (pk, f"{m.name}{', ' + m.role if m.role else ''}") for pk, m in self.members.items()
        ]
        if due is not None:
            self.fields["late_reason"].help_text = f"{escape(due.rule_name)} is due by {due.due_date:%-d %B %Y}"
        layout = [Field("held_on")]
        if members:
            layout.append(Field.checkboxes("attended", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["attended"]
        layout += [
            Field.textarea("progress", rows=6),
            Field.textarea("actions", rows=4),
            Field.textarea("late_reason", rows=2),
        ]
        self.helper = _helper(*layout, button="Record the meeting")

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "progress": data.get("progress", ""),
            "attended": [self.members[pk] for pk in data.get("attended", []) if pk in self.members],
            "actions": data.get("actions", ""),
            "late_reason": data.get("late_reason", ""),
        }


class EndPlanForm(forms.Form):
    end_date = DateField("Date the plan ended")
    reason = OpenChoiceField(
        label="Why did the plan end?",
        widget=forms.RadioSelect,
        choices=[
            (reason.value, reason.label)
            for reason in ChildProtectionPlan.EndReason
            if reason in services.LISTED_END_REASONS
        ],
    )
    transferred_to = forms.CharField(label="Local authority the child moved to", max_length=200, required=False)
    receiving_conference_on = DateField(
        "Date of that authority's child protection conference",
        required=False,
        help_text="The plan stays in place until then. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("end_date"),
            Field.radios("reason", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("transferred_to"),
                Field("receiving_conference_on"),
                legend="If the child moved permanently to another local authority",
                legend_size=Size.SMALL,
            ),
            button="End the plan",
        )

    def service_arguments(self):
        return {
            "end_date": self.cleaned_data.get("end_date"),
            "reason": self.cleaned_data.get("reason", ""),
            "transferred_to": self.cleaned_data.get("transferred_to", ""),
            "receiving_conference_on": self.cleaned_data.get("receiving_conference_on"),
        }
