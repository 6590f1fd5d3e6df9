"""Forms for the front-door (MASH) pages. They only gather what was typed: the rules (what a
decision needs, which agency may be asked, when a check can be answered) are in
frontdoor.services, whose FrontDoorError messages kernel.forms.add_rule_errors puts on the fields."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel import codelists
from partners.models import Agency

from . import selectors
from .models import AgencyCheck, ContactDecision, ContactPerson, ReferrerFeedback


def _helper(*fields, button="Save", form_tag=False, prefix=None):
    """A crispy layout. Without its own <form> tag (the page writes it, with the CSRF token),
    for forms that share a page; the button's id comes from the prefix so ids stay unique."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = not form_tag
    helper.layout = Layout(*fields, Submit("submit", button, css_id=f"{prefix or 'form'}-submit"))
    return helper


class BringIntoContactForm(forms.Form):
    """Bring a sibling or household member into the contact: one small form per person."""

    role = forms.ChoiceField(
        label="Their part in the contact", choices=(), error_messages={"required": "Select their part in the contact"}
    )
    relationship = forms.CharField(
        label="Relationship to the child (optional)",
        max_length=200,
        required=False,
        help_text="For example: brother, mother's partner",
    )

    ROLES = [
        ContactPerson.Role.CHILD_IN_HOUSEHOLD,
        ContactPerson.Role.SUBJECT,
        ContactPerson.Role.ADULT_IN_HOUSEHOLD,
        ContactPerson.Role.PERSON_OF_CONCERN,
        ContactPerson.Role.OTHER,
    ]

    def __init__(self, *args, person=None, relationship="", **kwargs):
        if person is not None and "initial" not in kwargs:
            child = person.kind == "child"
            kwargs["initial"] = {
                "relationship": relationship,
                "role": ContactPerson.Role.CHILD_IN_HOUSEHOLD if child else ContactPerson.Role.ADULT_IN_HOUSEHOLD,
            }
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["role"].choices = [(role.value, role.label) for role in self.ROLES]
        self.helper = _helper(
            Field.select("role"), Field.text("relationship"), button="Bring into this contact", prefix=self.prefix
        )


class RequestCheckForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which kind of agency to ask",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select which agency to ask"},
    )
    agency = forms.ChoiceField(
        label="Agency (optional)", choices=(), required=False, help_text="Leave blank to ask any agency of that kind"
    )
    question = forms.CharField(
        label="What do you want to know? (optional)", widget=forms.Textarea, required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "check")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AgencyCheck.Kind.choices
        by_kind = {}
        agency_kinds = {kind for kinds in selectors.CHECK_AGENCY_KINDS.values() for kind in kinds}
        for agency in Agency.objects.filter(kind__in=agency_kinds).order_by("name"):
            by_kind.setdefault(selectors.check_kind_for(agency), []).append((str(agency.pk), agency.name))
        self.fields["agency"].choices = [("", "Any agency of that kind")] + [
            (AgencyCheck.Kind(kind).label, options) for kind, options in by_kind.items()
        ]
        self.helper = _helper(
            Field.radios("kind", small=True, legend_size=Size.SMALL),
            Field.select("agency"),
            Field.textarea("question", rows=3),
            button="Request the check",
            prefix=self.prefix,
        )

    def clean_agency(self):
        value = self.cleaned_data.get("agency")
        if not value:
            return None
        agency = Agency.objects.filter(pk=value).first()
        if agency is None:
            raise forms.ValidationError("Select an agency from the list")
        return agency


class AnswerCheckForm(forms.Form):
    status = forms.ChoiceField(
        label="What did the agency say?",
        widget=forms.RadioSelect,
        choices=[
            (AgencyCheck.Status.ANSWERED, "They hold information about the family"),
            (AgencyCheck.Status.NOTHING_KNOWN, "Nothing known"),
            (AgencyCheck.Status.WITHDRAWN, "The check is no longer needed"),
        ],
        error_messages={"required": "Select what the agency knows"},
    )
    information = forms.CharField(
        label="The information the agency gave",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
        help_text="As the agency gave it, with who gave it and when",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("information", rows=6),
            button="Save the answer",
            form_tag=True,
        )


class FeedbackForm(forms.Form):
    method = forms.ChoiceField(
        label="How was the referrer told?",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the referrer was told"},
    )
    message = forms.CharField(
        label="What was the referrer told?",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what the referrer was told"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "feedback")
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = ReferrerFeedback.Method.choices
        self.helper = _helper(
            Field.radios("method", small=True, inline=True, legend_size=Size.SMALL),
            Field.textarea("message", rows=3),
            button="Record the feedback",
            prefix=self.prefix,
        )


YES_NO = [("no", "No"), ("yes", "Yes")]


class DecisionForm(forms.Form):
    """The threshold decision. Rendered by hand (templates/frontdoor/mash_decide.html) to group
    the indicators by domain; each field's first input has the field's id, for the error summary."""

    level = forms.ChoiceField(label="Which level of need applies?", choices=(), required=False)
    indicators = forms.MultipleChoiceField(label="Which indicators apply?", choices=(), required=False)
    outcome = forms.ChoiceField(label="What is the outcome?", choices=(), required=False)
    primary_need = forms.ChoiceField(
        label="Primary need", choices=(), required=False, help_text="Needed for a referral or a strategy discussion"
    )
    rationale = forms.CharField(
        label="Reasons for the decision", widget=forms.Textarea, required=False, max_length=20000
    )
    malicious = forms.ChoiceField(
        label="Do you judge this contact malicious?", choices=YES_NO, required=False, initial="no"
    )
    malicious_reason = forms.CharField(
        label="Why do you judge it malicious?", widget=forms.Textarea, required=False, max_length=5000
    )
    late_reason = forms.CharField(
        label="Why is the decision late?", widget=forms.Textarea, required=False, max_length=5000
    )
    unanswered_checks_reason = forms.CharField(
        label="Why decide before the checks are answered?", widget=forms.Textarea, required=False, max_length=5000
    )

    #: The answers, in the order the page asks them (the check-your-decision page's Change links).
    ANSWERS = [
        "level",
        "indicators",
        "outcome",
        "primary_need",
        "rationale",
        "malicious",
        "late_reason",
        "unanswered_checks_reason",
    ]

    def __init__(self, *args, document, late=False, unanswered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.late = late
        self.unanswered = list(unanswered)
        if not self.unanswered:
            del self.fields["unanswered_checks_reason"]
        self.levels = list(document.levels.all())
        self.domains = list(document.domains.prefetch_related("indicators__level"))
        self.indicator_objects = {str(ind.pk): ind for domain in self.domains for ind in domain.indicators.all()}
        self.fields["level"].choices = [(str(level.pk), str(level)) for level in self.levels]
        self.fields["indicators"].choices = [(pk, ind.text) for pk, ind in self.indicator_objects.items()]
        self.fields["outcome"].choices = ContactDecision.Outcome.choices
        self.fields["primary_need"].choices = [("", "Select the primary need")] + [
            (code, f"{code}: {label}") for code, label in codelists.choices("primary-need") if code not in {"N0", "N9"}
        ]
        if not late:
            del self.fields["late_reason"]
        self.helper = FormHelper()  # for the error summary only

    def level_rows(self):
        chosen = self["level"].value()
        return [
            {
                "level": level,
                "value": str(level.pk),
                "checked": str(level.pk) == str(chosen),
                "outcomes": [
                    ContactDecision.Outcome(o).label for o in level.outcomes if o in ContactDecision.Outcome.values
                ],
            }
            for level in self.levels
        ]

    def domain_rows(self):
        chosen = {str(v) for v in (self["indicators"].value() or [])}
        return [
            {
                "domain": domain,
                "indicators": [
                    {"indicator": ind, "value": str(ind.pk), "checked": str(ind.pk) in chosen}
                    for ind in domain.indicators.all()
                ],
            }
            for domain in self.domains
        ]

    def outcome_rows(self):
        chosen = self["outcome"].value()
        return [
            {"value": value, "label": label, "checked": value == chosen}
            for value, label in ContactDecision.Outcome.choices
        ]

    def decision_arguments(self):
        data = self.cleaned_data
        levels = {str(level.pk): level for level in self.levels}
        return {
            "level": levels.get(data.get("level") or ""),
            "indicators": [
                self.indicator_objects[pk] for pk in data.get("indicators", []) if pk in self.indicator_objects
            ],
            "outcome": data.get("outcome") or "",
            "primary_need": data.get("primary_need") or "",
            "rationale": data.get("rationale") or "",
            "malicious": data.get("malicious") == "yes",
            "malicious_reason": data.get("malicious_reason") or "",
            "late_reason": data.get("late_reason") or "",
            "unanswered_checks_reason": data.get("unanswered_checks_reason") or "",
        }

    def answers(self):
        """What the user answered, in words, for the check-your-decision page: [(field, label, value)]."""
        data = self.decision_arguments()
        level = data["level"]
        rows = [
            ("level", "Level of need", str(level) if level else ""),
            ("indicators", "Indicators", [ind.text for ind in data["indicators"]] or "None selected"),
            ("outcome", "Outcome", ContactDecision.Outcome(data["outcome"]).label if data["outcome"] else ""),
        ]
        if data["outcome"] in {ContactDecision.Outcome.REFERRAL, ContactDecision.Outcome.STRATEGY_DISCUSSION}:
            rows.append(("primary_need", "Primary need", codelists.label("primary-need", data["primary_need"])))
        rows.append(("rationale", "Reasons for the decision", data["rationale"]))
        malicious = f"Yes: {data['malicious_reason']}" if data["malicious"] else "No"
        rows.append(("malicious", "Judged malicious", malicious))
        if self.late:
            rows.append(("late_reason", "Why the decision is late", data["late_reason"]))
        if self.unanswered:
            rows.append(
                (
                    "unanswered_checks_reason",
                    "Why decide before the checks are answered",
                    data["unanswered_checks_reason"],
                )
            )
        return rows


class AssignForm(forms.Form):
    """Who works on a contact: the user or a front-door colleague. `version` is the contact's
    version the page showed (kernel.concurrency), `confirm` the answer to "take it over?"."""

    to_user = forms.ChoiceField(
        label="Who should work on this contact?",
        choices=(),
        error_messages={
            "required": "Select who should work on this contact",
            "invalid_choice": "Select someone from the list",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.ChoiceField(choices=YES_NO, required=False)
    back_to = forms.ChoiceField(choices=[("contact", "contact"), ("queue", "queue")], required=False)

    def __init__(self, *args, user, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.colleagues = {str(colleague.pk): colleague for colleague in colleagues}
        self.fields["to_user"].choices = [("", "Select a person")] + [
            (pk, f"{colleague} (you)" if colleague.pk == user.pk else str(colleague))
            for pk, colleague in self.colleagues.items()
        ]
        self.helper = FormHelper()  # for the error summary only: the pages write the fields

    def clean_to_user(self):
        return self.colleagues[self.cleaned_data["to_user"]]
