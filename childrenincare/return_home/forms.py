"""Forms for the return-home pages: the decision, its gates, the household, the support plan,
family group decision-making, risk signals, the decision itself, the return and concerns after
it. They only gather what was typed: the rules are in childrenincare.return_home.services,
whose RuleBroken messages `add_rule_errors` puts on the fields. Labels built from people's
names are escaped: crispy-forms-gds renders labels as HTML."""

from typing import TYPE_CHECKING

from crispy_forms_gds.layout import Field, Size
from django import forms

from childrenincare.forms import ApprovalDecisionForm, form_helper, line_field, text_field
from childrenincare.models import (
    FamilyGroupDecisionMaking,
    GateRecord,
    HouseholdMember,
    ReunificationDecision,
    SupportPlanItem,
)
from kernel import codelists
from kernel.forms import DateField, OpenChoiceField

from .services import ORDER_REASONS

if TYPE_CHECKING:
    from people.models import Person


class DecisionForm(forms.Form):
    route = OpenChoiceField(
        label="How would the child return home?", choices=ReunificationDecision.Route.choices, widget=forms.RadioSelect
    )
    order_end_reason = OpenChoiceField(
        label="If the child leaves care through an order: which order",
        choices=(),
        help_text="Leave this as it is if the child is not leaving care through an order",
    )
    proposed_date = DateField("Proposed date of the return")
    proposed_home = line_field("Where would the child live, and with whom?", max_length=300)
    carers: "forms.ModelMultipleChoiceField[Person]" = forms.ModelMultipleChoiceField(
        label="The parents or others the child would return to",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasons = text_field("Why is a return home proposed now?")

    def __init__(self, *args, people=(), **kwargs):
        from people.models import Person

        super().__init__(*args, **kwargs)
        self.fields["order_end_reason"].choices = [("", "Not leaving care through an order")] + [
            c for c in codelists.choices("episode-end-reason") if c[0] in ORDER_REASONS
        ]
        self.fields["carers"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        self.fields["carers"].label_from_instance = lambda p: p.full_name
        self.helper = form_helper(
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
    evidence = text_field("What was done and what it found", help_text="Or why it does not apply")

    def __init__(self, *args, not_applicable_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not_applicable_only:
            self.fields["state"].choices = [(GateRecord.State.NOT_APPLICABLE, GateRecord.State.NOT_APPLICABLE.label)]
            self.fields["evidence"].label = "Why it does not apply"
            self.fields["evidence"].help_text = ""
        self.helper = form_helper(
            Field.radios("state", legend_size=Size.SMALL),
            Field("done_on"),
            Field.textarea("evidence", rows=6),
            button="Save",
        )


class HouseholdAddForm(forms.Form):
    person: "forms.ModelChoiceField[Person]" = forms.ModelChoiceField(
        label="Adult in the household", queryset=None, required=False, empty_label="Select the person"
    )
    relationship = line_field("Relationship to the child", max_length=100)

    def __init__(self, *args, people=(), **kwargs):
        from people.models import Person

        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        self.fields["person"].label_from_instance = lambda p: p.full_name
        self.helper = form_helper(Field("person"), Field("relationship"), button="Add to the household")


class HouseholdAssessForm(forms.Form):
    assessed_on = DateField("Date of the assessment")
    outcome = OpenChoiceField(
        label="What did the assessment find?", choices=HouseholdMember.Outcome.choices, widget=forms.RadioSelect
    )
    summary = text_field("Summary, including police and other agency checks")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("assessed_on"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("summary", rows=6),
            button="Save the assessment",
        )


class SupportAddForm(forms.Form):
    what = line_field("What is the support?", max_length=300)
    who = line_field("Who provides it?")
    until = DateField("Until when?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("what"), Field("who"), Field("until"), button="Add the support")


class SupportUpdateForm(forms.Form):
    status = OpenChoiceField(
        label="How does the support stand?", choices=SupportPlanItem.Status.choices, widget=forms.RadioSelect
    )
    status_note = line_field("Note", max_length=300, help_text="Needed if it is not provided")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("status", legend_size=Size.SMALL), Field("status_note"), button="Save")


class FamilyGroupForm(forms.Form):
    response = OpenChoiceField(
        label="Was family group decision-making offered?",
        choices=FamilyGroupDecisionMaking.Response.choices,
        widget=forms.RadioSelect,
    )
    offered_on = DateField("Date offered (optional)")
    offered_to = line_field(
        "Offered to", max_length=300, help_text="Each parent or person with parental responsibility"
    )
    reasons_not_offered = text_field("If not offered: why is it not in the child's best interests?")
    coordinator = line_field("Independent coordinator (optional)")
    meeting_on = DateField("Date of the meeting (optional)")
    family_plan = text_field("The family plan (optional)")
    la_response = OpenChoiceField(
        label="The local authority's response to the family plan",
        choices=[("", "Not yet")] + list(FamilyGroupDecisionMaking.LaResponse.choices),
        widget=forms.RadioSelect,
    )
    la_response_reasons = text_field("If not agreed: why?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
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
    how_weighed = text_field("How was this weighed in the decision?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("signal"), Field.textarea("how_weighed", rows=5), button="Save")


class DecideForm(ApprovalDecisionForm):
    reasons = text_field("Reasons for the decision")


class ReturnedForm(forms.Form):
    on = DateField("Date the child returned home")
    postcode = line_field("Postcode of the home (route B)", max_length=8)

    def __init__(self, *args, route=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field("on")]
        if route == ReunificationDecision.Route.PLACED_WITH_PARENTS:
            fields.append(Field("postcode", css_class="govuk-input--width-10"))
        self.helper = form_helper(*fields, button="Record the return home")


class WithdrawForm(forms.Form):
    reasons = text_field("Why is the return home no longer planned?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reasons", rows=4), button="Withdraw the decision")


class FlagForm(forms.Form):
    action = text_field("What have you decided to do?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("action", rows=4), button="Mark as seen")
