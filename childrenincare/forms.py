"""Forms for the periods of care, placements, approvals and return-home pages. They only
gather what was typed: the rules are in childrenincare.services and reunification, whose
RuleBroken messages `add_rule_errors` puts on the fields (choice fields accept any value so
the service's message shows). Labels built from people's names are escaped: crispy-forms-gds
renders labels as HTML."""

from typing import TYPE_CHECKING

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from kernel import codelists
from kernel.forms import DateField, OpenChoiceField
from people.models import Person

from .models import (
    Carer,
    FamilyGroupDecisionMaking,
    GateRecord,
    HouseholdMember,
    Placement,
    ReunificationDecision,
    SupportPlanItem,
)
from .reunification import ORDER_REASONS

if TYPE_CHECKING:
    from people.models import Person


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _line(label, max_length=200, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


FGDM_REASONS_LABEL = (
    "Interim or full care order with no offer of family group decision-making on the record: why "
    "was offering it not in the child's best interests? (optional)"
)
FGDM_REASONS_HINT = (
    "Section 31ZA of the Children Act 1989: the family is offered a family group decision-making "
    "meeting before the application, unless that is not in the child's best interests"
)


class PlacementFields(forms.Form):
    """The placement, as SSDA903 records it."""

    place = OpenChoiceField(label="Placement type", choices=())
    carer = forms.ModelChoiceField(
        label="Carer or provider",
        queryset=Carer.objects.none(),
        required=False,
        empty_label="Select the carer or provider",
        help_text="Not listed? Add the carer first, then come back",
    )
    provider = OpenChoiceField(
        label="Placement provider", choices=(), help_text="Leave blank for a temporary placement (T0 to T4)"
    )
    postcode = _line("Postcode of the placement", max_length=8)
    urn = _line(
        "Ofsted unique reference number",
        max_length=8,
        help_text="Not needed for placements with parents, in hospital, temporary or outside England",
    )
    area = OpenChoiceField(label="Where is the placement?", choices=Placement.Area.choices, widget=forms.RadioSelect)
    intended_until_18 = forms.BooleanField(
        label="The placement is intended to last until the child is 18", required=False
    )
    immediate_with_parent = forms.BooleanField(
        label="Placed with a parent before the assessment is complete (regulation 19)", required=False
    )

    def __init__(self, *args, on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = codelists.choices("placement-type", on=on, blank="Select the placement type")
        self.fields["provider"].choices = codelists.choices(
            "placement-provider", blank="No provider (temporary placement)"
        )
        self.fields["carer"].queryset = Carer.objects.exclude(approval=Carer.Approval.ENDED).order_by("name")
        self.fields["area"].initial = Placement.Area.INSIDE

    def placement_layout(self):
        return (
            Field("place"),
            Field("carer"),
            Field("provider"),
            Field("postcode", css_class="govuk-input--width-10"),
            Field("urn", css_class="govuk-input--width-10"),
            Field.radios("area", legend_size=Size.SMALL),
            Field.checkbox("intended_until_18"),
            Field.checkbox("immediate_with_parent"),
        )

    def details(self):
        from .services import PlacementDetails

        data = self.cleaned_data
        return PlacementDetails(
            place=data.get("place") or "",
            provider=data.get("provider") or "",
            carer=data.get("carer"),
            postcode=data.get("postcode") or "",
            urn=data.get("urn") or "",
            area=data.get("area") or Placement.Area.INSIDE,
            intended_until_18=bool(data.get("intended_until_18")),
            immediate_with_parent=bool(data.get("immediate_with_parent")),
        )


class StartForm(PlacementFields):
    on = DateField("Date the child became looked after")
    legal_status = OpenChoiceField(label="Legal status", choices=())
    category_of_need = OpenChoiceField(label="Category of need", choices=(), widget=forms.RadioSelect)
    home_postcode = _line("The child's home postcode", max_length=8)
    unaccompanied_asylum_seeker = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    previous_permanence = OpenChoiceField(
        label="Was the child adopted, or under a special guardianship or child arrangements order, before?",
        choices=(),
        widget=forms.RadioSelect,
    )
    previous_permanence_la = _line("DfE code of the local authority that arranged it, if you know", max_length=3)
    previous_permanence_date = DateField("Date of that order, if you know", required=False)
    fgdm_reasons_not_offered = _text(FGDM_REASONS_LABEL, help_text=FGDM_REASONS_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous_permanence"].choices = codelists.choices("previous-permanence")
        self.fields["legal_status"].choices = codelists.choices("legal-status", blank="Select the legal status")
        self.fields["category_of_need"].choices = [
            c for c in codelists.choices("primary-need") if c[0] not in ("N0", "N9")
        ]
        self.helper = _helper(
            Field("on"),
            Field("legal_status"),
            Field.radios("category_of_need", legend_size=Size.SMALL),
            Field("home_postcode", css_class="govuk-input--width-10"),
            Field.checkbox("unaccompanied_asylum_seeker"),
            Field.textarea("fgdm_reasons_not_offered", rows=3),
            Fieldset(
                Field.radios("previous_permanence", legend_size=Size.SMALL),
                Field("previous_permanence_la", css_class="govuk-input--width-4"),
                Field("previous_permanence_date"),
                legend="Previous permanence",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*self.placement_layout(), legend="The first placement", legend_size=Size.MEDIUM),
            button="Record that the child is looked after",
        )


class LegalStatusForm(forms.Form):
    on = DateField("Date of the change")
    code = OpenChoiceField(label="New legal status", choices=())
    fgdm_reasons_not_offered = _text(FGDM_REASONS_LABEL, help_text=FGDM_REASONS_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codelists.choices("legal-status", blank="Select the legal status")
        self.helper = _helper(
            Field("on"),
            Field("code"),
            Field.textarea("fgdm_reasons_not_offered", rows=3),
            button="Change the legal status",
        )


class PlacementForm(PlacementFields):
    on = DateField("Date the child moved")
    change_reason = OpenChoiceField(
        label="Why did the last placement end?",
        choices=(),
        widget=forms.RadioSelect,
        help_text="Leave blank when the child moves into or out of a temporary placement (T0 to T4)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].choices = codelists.choices("placement-change-reason")
        self.helper = _helper(
            Field("on"),
            Field.radios("change_reason", legend_size=Size.SMALL),
            Fieldset(*self.placement_layout(), legend="The new placement", legend_size=Size.MEDIUM),
            button="Record the new placement",
        )


class CeaseForm(forms.Form):
    on = DateField("Date the child stopped being looked after")
    reason = OpenChoiceField(label="Reason", choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [c for c in codelists.choices("episode-end-reason") if c[0] != "X1"]
        self.helper = _helper(
            Field("on"), Field.radios("reason", legend_size=Size.SMALL), button="Record that care ended"
        )


class ParentAssessmentForm(forms.Form):
    """Regulation 19(b): the assessment of the parent and the review of the child's case."""

    completed_on = DateField("Date the assessment and review were completed")
    findings = _text("What did the assessment of the parent and the household, and the review, find?")
    late_reason = _text("If this is after the due date, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
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
    reasons = _text("Reasons")
    late_reason = _text("If this is after the due date, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("decided_on"),
            Field.radios("confirm", legend_size=Size.SMALL),
            Field.textarea("reasons", rows=4),
            Field.textarea("late_reason", rows=2),
            button="Record the decision",
        )


class ApprovalRequestForm(forms.Form):
    reasons = _text("Why should care end, and what support will the child have?")

    def __init__(self, *args, immediate=False, **kwargs):
        super().__init__(*args, **kwargs)
        if immediate:
            self.fields["reasons"].label = (
                "Why is placing the child with the parent now necessary and consistent with "
                "their welfare, and what did the interview with the parent find?"
            )
        self.helper = _helper(Field.textarea("reasons", rows=6), button="Ask for approval")


class ApprovalDecisionForm(forms.Form):
    approve = OpenChoiceField(
        label="Do you approve?",
        choices=[("yes", "Yes, approve"), ("no", "No, do not approve")],
        widget=forms.RadioSelect,
    )
    reasons = _text("Reasons", help_text="Needed if you do not approve")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("approve", legend_size=Size.SMALL),
            Field.textarea("reasons", rows=5),
            button="Save the decision",
        )

    def approved(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("approve") or "")


class DecisionForm(forms.Form):
    route = OpenChoiceField(
        label="How would the child return home?", choices=ReunificationDecision.Route.choices, widget=forms.RadioSelect
    )
    order_end_reason = OpenChoiceField(
        label="For route C: the order", choices=(), help_text="Leave blank for routes A and B"
    )
    proposed_date = DateField("Proposed date of the return")
    proposed_home = _line("Where would the child live, and with whom?", max_length=300)
    carers: "forms.ModelMultipleChoiceField[Person]" = forms.ModelMultipleChoiceField(
        label="The parents or others the child would return to",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasons = _text("Why is a return home proposed now?")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_end_reason"].choices = [("", "Not route C")] + [
            c for c in codelists.choices("episode-end-reason") if c[0] in ORDER_REASONS
        ]
        self.fields["carers"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        self.fields["carers"].label_from_instance = lambda p: p.full_name
        self.helper = _helper(
            Field.radios("route", legend_size=Size.SMALL),
            Field("order_end_reason"),
            Field("proposed_date"),
            Field("proposed_home"),
            Field.checkboxes("carers", legend_size=Size.SMALL),
            Field.textarea("reasons", rows=5),
            button="Start the decision",
        )


class GateForm(forms.Form):
    state = OpenChoiceField(label="Is it done?", choices=GateRecord.State.choices, widget=forms.RadioSelect)
    done_on = DateField("Date")
    evidence = _text("What was done and what it found", help_text="Or why it does not apply")

    def __init__(self, *args, not_applicable_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not_applicable_only:
            self.fields["state"].choices = [(GateRecord.State.NOT_APPLICABLE, GateRecord.State.NOT_APPLICABLE.label)]
            self.fields["evidence"].label = "Why it does not apply"
            self.fields["evidence"].help_text = ""
        self.helper = _helper(
            Field.radios("state", legend_size=Size.SMALL),
            Field("done_on"),
            Field.textarea("evidence", rows=6),
            button="Save",
        )


class HouseholdAddForm(forms.Form):
    person: "forms.ModelChoiceField[Person]" = forms.ModelChoiceField(
        label="Adult in the household", queryset=None, required=False, empty_label="Select the person"
    )
    relationship = _line("Relationship to the child", max_length=100)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        self.fields["person"].label_from_instance = lambda p: p.full_name
        self.helper = _helper(Field("person"), Field("relationship"), button="Add to the household")


class HouseholdAssessForm(forms.Form):
    assessed_on = DateField("Date of the assessment")
    outcome = OpenChoiceField(
        label="What did the assessment find?", choices=HouseholdMember.Outcome.choices, widget=forms.RadioSelect
    )
    summary = _text("Summary, including police and other agency checks")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("assessed_on"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("summary", rows=6),
            button="Save the assessment",
        )


class SupportAddForm(forms.Form):
    what = _line("What is the support?", max_length=300)
    who = _line("Who provides it?")
    until = DateField("Until when?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("what"), Field("who"), Field("until"), button="Add the support")


class SupportUpdateForm(forms.Form):
    status = OpenChoiceField(
        label="How does the support stand?", choices=SupportPlanItem.Status.choices, widget=forms.RadioSelect
    )
    status_note = _line("Note", max_length=300, help_text="Needed if it is not provided")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("status", legend_size=Size.SMALL), Field("status_note"), button="Save")


class FamilyGroupForm(forms.Form):
    response = OpenChoiceField(
        label="Was family group decision-making offered?",
        choices=FamilyGroupDecisionMaking.Response.choices,
        widget=forms.RadioSelect,
    )
    offered_on = DateField("Date offered (optional)")
    offered_to = _line("Offered to", max_length=300, help_text="Each parent or person with parental responsibility")
    reasons_not_offered = _text("If not offered: why is it not in the child's best interests?")
    coordinator = _line("Independent coordinator (optional)")
    meeting_on = DateField("Date of the meeting (optional)")
    family_plan = _text("The family plan (optional)")
    la_response = OpenChoiceField(
        label="The local authority's response to the family plan",
        choices=[("", "Not yet")] + list(FamilyGroupDecisionMaking.LaResponse.choices),
        widget=forms.RadioSelect,
    )
    la_response_reasons = _text("If not agreed: why?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("response", legend_size=Size.SMALL),
            Field("offered_on"),
            Field("offered_to"),
            Field.textarea("reasons_not_offered", rows=3),
            Field("coordinator"),
            Field("meeting_on"),
            Field.textarea("family_plan", rows=4),
            Field.radios("la_response", legend_size=Size.SMALL),
            Field.textarea("la_response_reasons", rows=3),
            button="Save",
        )


class WeighForm(forms.Form):
    signal = forms.CharField(widget=forms.HiddenInput, required=False)
    how_weighed = _text("How was this weighed in the decision?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("signal"), Field.textarea("how_weighed", rows=5), button="Save")


class DecideForm(ApprovalDecisionForm):
    reasons = _text("Reasons for the decision")


class ReturnedForm(forms.Form):
    on = DateField("Date the child returned home")
    postcode = _line("Postcode of the home (route B)", max_length=8)

    def __init__(self, *args, route=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field("on")]
        if route == ReunificationDecision.Route.PLACED_WITH_PARENTS:
            fields.append(Field("postcode", css_class="govuk-input--width-10"))
        self.helper = _helper(*fields, button="Record the return home")


class WithdrawForm(forms.Form):
    reasons = _text("Why is the return home no longer planned?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reasons", rows=4), button="Withdraw the decision")


class FlagForm(forms.Form):
    action = _text("What have you decided to do?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("action", rows=4), button="Mark as seen")
