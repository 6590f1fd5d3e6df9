"""What the partnership's pages ask. The forms gather input; the rules are in
partnership.services, whose messages the pages show in the GOV.UK error summary."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import DateField, OpenChoiceField

from . import selectors
from .models import InformationRequest, PracticeReview, RapidReview, Recommendation, SeriousIncident


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _line(label, **kwargs):
    return forms.CharField(label=label, required=False, max_length=200, **kwargs)


def _late_reason_field(label="If this is late, why? (optional)"):
    return _text(label, help_text="Needed only when the due date has passed: what held it up")


def _agency_field(label):
    return forms.ModelChoiceField(
        label=label, queryset=selectors.agencies(), required=False, empty_label="Select the agency"
    )


class IncidentForm(forms.Form):
    children = _text(
        "The children",
        help_text="The NHS number or local authority child ID of each child, one a line",
    )
    became_aware_on = DateField("Date the local authority became aware")
    incident_on = DateField("Date of the incident (optional)")
    harm = OpenChoiceField(
        label="What happened to the child", choices=SeriousIncident.Harm.choices, widget=forms.RadioSelect
    )
    summary = _text("What happened", help_text="What is known of the incident, in plain words")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("children", rows=3),
            Field("became_aware_on"),
            Field("incident_on"),
            Field.radios("harm", legend_size=Size.SMALL),
            Field.textarea("summary", rows=6),
            button="Record the serious incident",
        )


class NotificationForm(forms.Form):
    notified_on = DateField("Date the Panel was notified")
    notified_by = _line("Who notified the Panel", help_text="Their name and post")
    late_reason = _late_reason_field("If the notification was late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("notified_on"),
            Field.text("notified_by"),
            Field.textarea("late_reason", rows=3),
            button="Record the notification",
        )


class RequestForm(forms.Form):
    agency = _agency_field("Agency to ask")
    question = _text(
        "What the agency is asked", help_text="For example: its contact with the child and family in the last 2 years"
    )
    due_on = DateField("Date the answer is due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("agency"), Field.textarea("question", rows=4), Field("due_on"), button="Send the request"
        )


class AnswerForm(forms.Form):
    status = OpenChoiceField(
        label="What does your agency know?",
        choices=[
            (InformationRequest.Status.ANSWERED, "We hold information"),
            (InformationRequest.Status.NOTHING_KNOWN, "Nothing known"),
        ],
        widget=forms.RadioSelect,
    )
    answer = _text("The information your agency holds (optional if nothing is known)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL), Field.textarea("answer", rows=8), button="Send the answer"
        )


class RapidReviewForm(forms.Form):
    completed_on = DateField("Date the rapid review was sent to the Panel")
    decision = OpenChoiceField(label="Decision", choices=RapidReview.Decision.choices, widget=forms.RadioSelect)
    reasons = _text("Reasons for the decision")
    learning = _text("Immediate learning and actions (optional)")
    late_reason = _late_reason_field("If the rapid review was late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("completed_on"),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("reasons", rows=5),
            Field.textarea("learning", rows=4),
            Field.textarea("late_reason", rows=3),
            button="Record the rapid review",
        )


class PanelResponseForm(forms.Form):
    response = OpenChoiceField(
        label="The Panel's response", choices=RapidReview.PanelResponse.choices, widget=forms.RadioSelect
    )
    responded_on = DateField("Date of the Panel's response")
    comments = _text("The Panel's comments (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("response", legend_size=Size.SMALL),
            Field("responded_on"),
            Field.textarea("comments", rows=4),
            button="Record the response",
        )


class ReviewForm(forms.Form):
    kind = OpenChoiceField(label="Kind of review", choices=PracticeReview.Kind.choices, widget=forms.RadioSelect)
    title = _line("Title of the review")
    reviewer = _line("Reviewer (optional)", help_text="The independent reviewer, or the Panel for a national review")
    terms_of_reference = _text("Terms of reference", help_text="Needed for a local review")
    decided_on = DateField(
        "Date of the decision", help_text="When the review was decided on, or the national review adopted"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("title"),
            Field.text("reviewer"),
            Field.textarea("terms_of_reference", rows=6),
            Field("decided_on"),
            button="Record the review",
        )


class FindingsForm(forms.Form):
    findings = _text("Findings")
    published_on = DateField("Date of publication (optional)", help_text="Leave blank until the review is published")
    late_reason = _late_reason_field("If publication was late, why? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("findings", rows=8),
            Field("published_on"),
            Field.textarea("late_reason", rows=3),
            button="Save the findings",
        )


class RecommendationForm(forms.Form):
    text = _text("Recommendation")
    owner = _agency_field("Agency that owns it")
    actions = _text("Actions (optional)", help_text="What will be done, and by whom")
    due_on = DateField("Date it is due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text", rows=4),
            Field("owner"),
            Field.textarea("actions", rows=4),
            Field("due_on"),
            button="Add the recommendation",
        )


class ProgressForm(forms.Form):
    status = OpenChoiceField(label="Status", choices=Recommendation.Status.choices, widget=forms.RadioSelect)
    progress = _text("Evidence of progress")
    completed_on = DateField("Date it was completed (only if complete)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("progress", rows=5),
            Field("completed_on"),
            button="Save the progress",
        )


class ReviewAccessForm(forms.Form):
    grantee = forms.ModelChoiceField(
        label="Who needs the records",
        queryset=selectors.grantees(),
        required=False,
        empty_label="Select the person",
        help_text="Most often the independent reviewer's account",
    )
    access_to = DateField("Last day of access", help_text="At most 90 days from today")
    reason = _line("Why they need the records")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("grantee"), Field("access_to"), Field.text("reason"), button="Give access")


class EndAccessForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(button="End access now")
