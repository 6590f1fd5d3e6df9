"""Forms for the kinship care pages. They only gather what was typed: the rules are in
childrenincare.kinship.services, whose RuleBroken messages `add_rule_errors` puts on the fields.
Choices the services check accept any value (`OpenChoiceField`), so the message shown is the
service's. Labels built from people's names are escaped: crispy-forms-gds renders labels as
HTML."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from childrenincare.models import Carer, FamilyNetworkMember
from kernel import codelists
from kernel.forms import DateField, OpenChoiceField

NO_RECORD = ""


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _line(label, **kwargs):
    return forms.CharField(label=label, required=False, max_length=1000, **kwargs)


def person_choices(people, none_label):
    """Radio choices of people's records (escaped names), and "no record"."""
    choices = [
        (str(p.pk), escape(p.full_name) + (f" (born {p.date_of_birth:%-d %B %Y})" if p.date_of_birth else ""))
        for p in people
    ]
    return choices + [(NO_RECORD, none_label)]


class CarerForm(forms.Form):
    kind = OpenChoiceField(label="Kind of carer or provider", choices=Carer.Kind.choices, widget=forms.RadioSelect)
    person = OpenChoiceField(
        label="Their record", choices=(), widget=forms.RadioSelect, help_text="People linked to the child's record"
    )
    name = _line(
        "Name",
        help_text="The carer's name, or the name of the home or provider. Leave blank to use the "
        "name on the record you selected",
    )
    relationship_to_child = _line(
        "Relationship to the child (for a connected person)",
        help_text="For example: maternal aunt, grandfather, family friend",
    )
    provider = OpenChoiceField(label="Provider", choices=())
    urn = _line("Ofsted unique reference number (optional)", help_text="6 to 8 letters and numbers, like SC123456")
    postcode = _line("Postcode (optional)", help_text="Where the child would live")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = codelists.choices("placement-provider", blank="Select the provider")
        fields = [Field.radios("kind", legend_size=Size.SMALL)]
        if people:
            self.fields["person"].choices = person_choices(people, "Someone with no record linked to the child's")
            fields.append(Field.radios("person", legend_size=Size.SMALL))
        else:
            del self.fields["person"]
        fields += [
            Field.text("name"),
            Field.text("relationship_to_child"),
            Field.select("provider"),
            Field.text("urn", field_width=10),
            Field.text("postcode", field_width=10),
        ]
        self.helper = _helper(*fields, button="Add the carer")


class TemporaryApprovalForm(forms.Form):
    child = OpenChoiceField(label="Which child is the carer approved for?", choices=(), widget=forms.RadioSelect)
    on = DateField("Date of the temporary approval")

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.pk), escape(c.full_name)) for c in children]
        self.helper = _helper(Field.radios("child", legend_size=Size.SMALL), Field("on"), button="Approve temporarily")


class ExtensionForm(forms.Form):
    """Regulation 25(4) and (5): what comes before a nominated officer approves the extension."""

    reasons = _text("Why is the placement with the connected person still the most appropriate placement available?")
    panel_consulted_on = DateField("Date the fostering panel's views were sought")
    panel_views = _text("The fostering panel's views")
    iro_informed_on = DateField("Date the independent reviewing officer was informed")
    on = DateField("Date of the decision to extend", help_text="You approve it as the nominated officer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reasons", rows=4),
            Field("panel_consulted_on"),
            Field.textarea("panel_views", rows=4),
            Field("iro_informed_on"),
            Field("on"),
            button="Extend the temporary approval",
        )


class ApprovalForm(forms.Form):
    on = DateField(
        "Date of approval", help_text="The date the agency decision maker approved the carer. For example, 27 3 2026"
    )
    late_reason = _text(
        "If the temporary approval had already ended, why? (optional)",
        help_text="Needed only when approval came after the temporary approval ended",
    )

    def __init__(self, *args, late=True, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field("on")]
        if late:
            fields.append(Field.textarea("late_reason", rows=3))
        else:
            del self.fields["late_reason"]
        self.helper = _helper(*fields, button="Record the approval")


class EndApprovalForm(forms.Form):
    on = DateField("Date the approval ended")
    reason = _text(
        "Why did the approval end?",
        help_text="For example: the carer resigned, the assessment did not recommend approval, the child moved on",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("on"), Field.textarea("reason", rows=4), button="End the approval")


class NetworkMemberForm(forms.Form):
    person = OpenChoiceField(
        label="Their record", choices=(), widget=forms.RadioSelect, help_text="People linked to the child's record"
    )
    name = _line("Name", help_text="For someone with no record linked to the child's")
    relationship = _line(
        "Relationship to the child", help_text="For example: maternal grandmother, godparent, neighbour"
    )
    role = OpenChoiceField(label="Their role", choices=FamilyNetworkMember.Role.choices, widget=forms.RadioSelect)
    notes = _text("Notes (optional)", help_text="What they could offer; for someone ruled out, why and who decided")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        fields = []
        if people:
            self.fields["person"].choices = person_choices(people, "Someone with no record linked to the child's")
            fields.append(Field.radios("person", legend_size=Size.SMALL))
        else:
            del self.fields["person"]
        fields += [
            Field.text("name"),
            Field.text("relationship"),
            Field.radios("role", legend_size=Size.SMALL),
            Field.textarea("notes", rows=4),
        ]
        self.helper = _helper(*fields, button="Add to the family network")


class NetworkRoleForm(forms.Form):
    role = OpenChoiceField(label="Their role", choices=FamilyNetworkMember.Role.choices, widget=forms.RadioSelect)
    notes = _text("Notes (optional)", help_text="What they could offer; for someone ruled out, why and who decided")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("role", legend_size=Size.SMALL), Field.textarea("notes", rows=4), button="Save the change"
        )
