"""Forms for the periods of care, placements and approvals pages (the return home, care
planning and kinship care have their own). They only gather what was typed: the rules are in
childrenincare.services, whose RuleBroken messages `add_rule_errors` puts on the fields (choice
fields accept any value so the service's message shows). Labels built from people's names are
escaped: crispy-forms-gds renders labels as HTML."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from kernel import codelists
from kernel.forms import DateField, OpenChoiceField

from .models import (
    Carer,
    Placement,
)


def form_helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def text_field(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def line_field(label, max_length=200, **kwargs):
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
    postcode = line_field("Postcode of the placement", max_length=8)
    urn = line_field(
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
    home_postcode = line_field("The child's home postcode", max_length=8)
    unaccompanied_asylum_seeker = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    previous_permanence = OpenChoiceField(
        label="Was the child adopted, or under a special guardianship or child arrangements order, before?",
        choices=(),
        widget=forms.RadioSelect,
    )
    previous_permanence_la = line_field("DfE code of the local authority that arranged it, if you know", max_length=3)
    previous_permanence_date = DateField("Date of that order, if you know", required=False)
    fgdm_reasons_not_offered = text_field(FGDM_REASONS_LABEL, help_text=FGDM_REASONS_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous_permanence"].choices = codelists.choices("previous-permanence")
        self.fields["legal_status"].choices = codelists.choices("legal-status", blank="Select the legal status")
        self.fields["category_of_need"].choices = [
            c for c in codelists.choices("primary-need") if c[0] not in ("N0", "N9")
        ]
        self.helper = form_helper(
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
    fgdm_reasons_not_offered = text_field(FGDM_REASONS_LABEL, help_text=FGDM_REASONS_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codelists.choices("legal-status", blank="Select the legal status")
        self.helper = form_helper(
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
        self.helper = form_helper(
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
        self.helper = form_helper(
            Field("on"), Field.radios("reason", legend_size=Size.SMALL), button="Record that care ended"
        )


class ApprovalRequestForm(forms.Form):
    reasons = text_field("Why should care end, and what support will the child have?")

    def __init__(self, *args, immediate=False, **kwargs):
        super().__init__(*args, **kwargs)
        if immediate:
            self.fields["reasons"].label = (
                "Why is placing the child with the parent now necessary and consistent with "
                "their welfare, and what did the interview with the parent find?"
            )
        self.helper = form_helper(Field.textarea("reasons", rows=6), button="Ask for approval")


class ApprovalDecisionForm(forms.Form):
    approve = OpenChoiceField(
        label="Do you approve?",
        choices=[("yes", "Yes, approve"), ("no", "No, do not approve")],
        widget=forms.RadioSelect,
    )
    reasons = text_field("Reasons", help_text="Needed if you do not approve")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("approve", legend_size=Size.SMALL),
            Field.textarea("reasons", rows=5),
            button="Save the decision",
        )

    def approved(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("approve") or "")
