"""The voice of children and families: the consent answer is required, words holding a child's
identifier are refused (an NHS number only when its check digit is valid), a page sent twice keeps
one record, the figures for the yearly report match hand-counted ones (and quote only the words
consented to be quoted), and the pages: a bad form answers 400 with the error summary and nothing
saved, every view is audited, the scrutineer reads but does not record."""

import datetime

import pytest
from django.urls import reverse

from kernel.rules import RuleBroken
from partners.models import Agency, User
from partnership.voice import selectors, services
from partnership.voice.models import Feedback, FeedbackKind, FeedbackTheme, WhatChanged
from testing import builders
from testing.pages import date_data, refused, saved, text, viewed

R = User.Role
D = datetime.date
pytestmark = pytest.mark.django_db
# A synthetic NHS number with a valid check digit (9 4 3 4 7 6 5 9 1 -> 9), and the same with the
# last digit changed.
VALID_NHS = "943 476 5919"
INVALID_NHS = "943 476 5918"


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


def kind(slug):
    return FeedbackKind.objects.get(slug=slug)


def feedback(officer, **overrides):
    data = {
        "kind": kind("comment"),
        "source": "child",
        "received_on": D(2026, 5, 1),
        "words": "The social worker listened to me",
        "consent": "quote",
    }
    return services.record_feedback(officer, **{**data, **overrides})


# --- The rules -------------------------------------------------------------------------------


def test_the_kinds_of_feedback_are_data():
    assert list(FeedbackKind.objects.values_list("slug", flat=True)) == [
        "survey-response",
        "complaint",
        "compliment",
        "comment",
    ]


@pytest.mark.parametrize("consent", ["", "maybe", None])
def test_feedback_without_a_consent_answer_is_refused(officer, consent):
    with pytest.raises(RuleBroken) as refused_:
        feedback(officer, consent=consent)
    assert refused_.value.errors["consent"] == [
        "Select whether the words may be used in the partnership's yearly report: "
        "quoted anonymously, summarised only, or not at all"
    ]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("consent", ["quote", "summary", "no"])
def test_each_consent_answer_is_kept(officer, consent):
    assert feedback(officer, consent=consent).consent == consent


@pytest.mark.parametrize(
    "words",
    [
        f"My NHS number is {VALID_NHS} and nobody asked me",
        "My NHS number is 9434765919.",
        "ref 943-476-5919",
    ],
)
def test_words_with_a_valid_nhs_number_are_refused(officer, words):
    with pytest.raises(RuleBroken) as refused_:
        feedback(officer, words=words)
    assert refused_.value.errors["words"][0].startswith("Remove the NHS number from the words")
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "words",
    [
        f"Call me on {INVALID_NHS}",  # 10 digits, but the check digit does not match
        "Call 01234567890 any time",  # 11 digits: a telephone number
        "We waited 12 weeks and 3 days",
    ],
)
def test_ten_digits_that_are_not_an_nhs_number_pass(officer, words):
    assert feedback(officer, words=words).words == words


def test_words_with_a_unique_pupil_number_or_child_identifier_are_refused(officer):
    with pytest.raises(RuleBroken) as refused_:
        feedback(officer, words="My UPN is H801200001001 at school")
    assert refused_.value.errors["words"][0].startswith("Remove the unique pupil number from the words")
    with pytest.raises(RuleBroken) as refused_:
        feedback(officer, words="see CI0000000018")
    assert refused_.value.errors["words"][0].startswith("Remove the child's identifier from the words")


def test_what_changed_may_not_hold_an_identifier_either(officer):
    theme = services.save_theme(officer, name="Being listened to")
    with pytest.raises(RuleBroken) as refused_:
        services.record_what_changed(
            officer, theme, what="Changed for 9434765919", changed_on=D(2026, 5, 1), evidence="ok"
        )
    assert "what" in refused_.value.errors
    assert not WhatChanged.objects.exists()


def test_a_survey_response_must_fall_in_the_survey_and_be_a_survey_response(officer):
    survey = services.record_survey(
        officer, title="Young people's survey", period_from=D(2026, 4, 1), period_to=D(2026, 4, 30), number_sent=40
    )
    with pytest.raises(RuleBroken) as refused_:
        feedback(officer, survey=survey, kind=kind("survey-response"), received_on=D(2026, 5, 1))
    assert "received_on" in refused_.value.errors
    with pytest.raises(RuleBroken) as refused_:
        feedback(officer, survey=survey, kind=kind("complaint"), received_on=D(2026, 4, 10))
    assert refused_.value.errors["survey"] == ["Only a survey response can be counted against a survey"]
    feedback(officer, survey=survey, kind=kind("survey-response"), received_on=D(2026, 4, 10))
    assert selectors.surveys().get().response_count == 1


def test_a_survey_that_closes_before_it_opens_is_refused(officer):
    with pytest.raises(RuleBroken) as refused_:
        services.record_survey(officer, title="S", period_from=D(2026, 4, 2), period_to=D(2026, 4, 1), number_sent=0)
    assert set(refused_.value.errors) == {"period_to", "number_sent"}


def test_theme_names_are_unique_whatever_the_case(officer):
    services.save_theme(officer, name="Being listened to")
    with pytest.raises(RuleBroken) as refused_:
        services.save_theme(officer, name="being listened to")
    assert refused_.value.errors["name"] == ["There is already a theme called being listened to"]


def test_the_same_token_keeps_one_record(officer):
    first = feedback(officer, token="abc")
    assert feedback(officer, token="abc", words="Something else") == first
    assert Feedback.objects.count() == 1


# --- The figures -------------------------------------------------------------------------------


def test_voice_figures_match_hand_counted_ones(officer):
    police = Agency.objects.create(name="Testshire Police", kind=Agency.Kind.POLICE)
    listened = services.save_theme(officer, name="Being listened to")
    waiting = services.save_theme(officer, name="Waiting times")
    services.save_theme(officer, name="Never used")
    survey = services.record_survey(
        officer, title="Young people's survey", period_from=D(2025, 4, 1), period_to=D(2025, 6, 30), number_sent=8
    )
    response = kind("survey-response")
    # In the period (1 April 2025 to 31 March 2026): 5 pieces.
    feedback(officer, kind=response, survey=survey, received_on=D(2025, 4, 1), themes=[listened], words="Quote A")
    feedback(officer, kind=response, survey=survey, received_on=D(2025, 6, 30), consent="summary", themes=[listened])
    feedback(
        officer,
        kind=kind("complaint"),
        source="parent",
        received_on=D(2025, 7, 1),
        consent="no",
        agency=police,
        themes=[listened, waiting],
    )
    feedback(officer, kind=kind("compliment"), source="professional", received_on=D(2026, 3, 31), words="Quote B")
    feedback(officer, kind=kind("complaint"), source="parent", received_on=D(2025, 12, 1), consent="summary")
    # Outside it: the day before and the day after.
    feedback(officer, received_on=D(2025, 3, 31), themes=[waiting], words="Too early")
    services.record_what_changed(officer, waiting, what="Shorter waits", changed_on=D(2025, 3, 31))
    services.record_what_changed(
        officer, listened, what="A young people's panel", changed_on=D(2025, 9, 1), agency=police, evidence="Minutes"
    )

    found = selectors.voice_figures(D(2025, 4, 1), D(2026, 3, 31))

    assert found.total == 5
    assert found.by_kind == [("Survey response", 2), ("Complaint", 2), ("Compliment", 1), ("Comment", 0)]
    assert found.by_source == [
        ("A child or young person", 2),
        ("A parent or carer", 2),
        ("Another family member", 0),
        ("A professional", 1),
    ]
    assert found.themes == [("Being listened to", 3), ("Waiting times", 1)]
    assert [(c.theme, c.what, c.by) for c in found.changes] == [
        ("Being listened to", "A young people's panel", "Testshire Police")
    ]
    assert [(s.title, s.sent, s.responses, s.rate) for s in found.surveys] == [("Young people's survey", 8, 2, 25)]
    # Only the words consented to be quoted, in the period.
    assert [q.words for q in found.quotes] == ["Quote A", "Quote B"]


# --- The pages ---------------------------------------------------------------------------------


def test_recording_feedback_on_the_page(client, officer):
    theme = services.save_theme(officer, name="Being listened to")
    client.force_login(officer)
    url = reverse("partnership:voice:feedback-new")
    page = text(client.get(url))
    token = page.split('name="token" value="')[1].split('"')[0]
    data = {
        "kind": str(kind("compliment").pk),
        "source": "parent",
        "age_band": "",
        "agency": "",
        "survey": "",
        "words": "Thank you for the help",
        "consent": "summary",
        "themes": [str(theme.pk)],
        "token": token,
        **date_data("received_on", D(2026, 5, 1)),
    }
    saved(client.post(url, data), reverse("partnership:voice:home"))
    # The same page sent again (a double click, a refresh): still one record.
    saved(client.post(url, data), reverse("partnership:voice:home"))
    found = Feedback.objects.get()
    assert (found.kind.slug, found.consent, list(found.themes.all())) == ("compliment", "summary", [theme])


def test_feedback_without_consent_shows_the_error_summary_and_saves_nothing(client, officer):
    client.force_login(officer)
    data = {
        "kind": str(kind("comment").pk),
        "source": "child",
        "words": f"I am {VALID_NHS}",
        "token": "t1",
        **date_data("received_on", D(2026, 5, 1)),
    }
    body = refused(client.post(reverse("partnership:voice:feedback-new"), data), "Remove the NHS number")
    assert "Select whether the words may be used in the partnership&#x27;s yearly report" in body
    assert not Feedback.objects.exists()


def test_the_home_page_filters_by_kind_and_period(client, officer):
    feedback(officer, words="Comment in May", received_on=D(2026, 5, 1))
    feedback(officer, words="Complaint in May", kind=kind("complaint"), received_on=D(2026, 5, 2))
    feedback(officer, words="Comment in March", received_on=D(2026, 3, 1))
    client.force_login(officer)
    url = reverse("partnership:voice:home")
    body = text(client.get(url))
    assert all(w in body for w in ("Comment in May", "Complaint in May", "Comment in March"))
    filtered = {"kind": str(kind("comment").pk), **date_data("date_from", D(2026, 4, 1)), **date_data("date_to", None)}
    body = text(client.get(url, filtered))
    assert "Comment in May" in body
    assert "Complaint in May" not in body
    assert "Comment in March" not in body
    assert viewed(officer, "Viewed the feedback from children and families")
    bad = {**date_data("date_from", D(2026, 4, 1)), **date_data("date_to", D(2026, 3, 1))}
    refused(client.get(url, bad), "The end of the period cannot be before its start")


def test_a_theme_page_with_what_changed(client, officer):
    theme = services.save_theme(officer, name="Being listened to")
    feedback(officer, themes=[theme], words="Listened to at last")
    client.force_login(officer)
    url = reverse("partnership:voice:change-new", args=[theme.pk])
    refused(client.post(url, {"what": "", **date_data("changed_on", None)}), "Enter what changed")
    data = {"what": "A young people's panel", "agency": "", "evidence": "", **date_data("changed_on", D(2026, 6, 1))}
    saved(client.post(url, data), reverse("partnership:voice:theme", args=[theme.pk]))
    body = text(client.get(reverse("partnership:voice:theme", args=[theme.pk])))
    assert "A young people&#x27;s panel" in body
    assert "Listened to at last" in body
    assert viewed(officer, "Viewed the feedback theme Being listened to")


def test_themes_are_added_and_changed_by_the_business_unit(client, officer):
    client.force_login(officer)
    saved_response = client.post(reverse("partnership:voice:theme-new"), {"name": "Waiting", "active": "yes"})
    theme = FeedbackTheme.objects.get()
    saved(saved_response, reverse("partnership:voice:theme", args=[theme.pk]))
    edit = reverse("partnership:voice:theme-edit", args=[theme.pk])
    saved(
        client.post(edit, {"name": "Waiting times", "active": "no"}),
        reverse("partnership:voice:theme", args=[theme.pk]),
    )
    theme.refresh_from_db()
    assert (theme.name, theme.active) == ("Waiting times", False)
    # A theme no longer offered is not on the feedback form (the page after the success message).
    client.get(reverse("partnership:voice:home"))
    assert "Waiting times" not in text(client.get(reverse("partnership:voice:feedback-new")))


def test_a_survey_on_the_page(client, officer):
    client.force_login(officer)
    url = reverse("partnership:voice:survey-new")
    refused(client.post(url, {"title": "", "number_sent": "many"}), "Number asked to answer must be a whole number")
    data = {
        "title": "Parents' survey",
        "number_sent": "25",
        **date_data("period_from", D(2026, 4, 1)),
        **date_data("period_to", D(2026, 4, 30)),
    }
    saved(client.post(url, data), reverse("partnership:voice:home"))
    assert "Parents&#x27; survey" in text(client.get(reverse("partnership:voice:home")))


def test_the_scrutineer_reads_but_does_not_record(client, user, officer):
    theme = services.save_theme(officer, name="Being listened to")
    scrutineer = user(R.SCRUTINEER)
    client.force_login(scrutineer)
    body = text(client.get(reverse("partnership:voice:home")))
    assert reverse("partnership:voice:feedback-new") not in body
    assert client.get(reverse("partnership:voice:theme", args=[theme.pk])).status_code == 200
    assert client.get(reverse("partnership:voice:feedback-new")).status_code == 403
    assert client.get(reverse("partnership:voice:theme", args=[theme.pk + 1000])).status_code == 404


def test_feedback_is_not_linked_to_a_child():
    fields = {f.name for f in Feedback._meta.get_fields()}
    related = {f.related_model._meta.label for f in Feedback._meta.get_fields() if f.is_relation and f.related_model}
    assert "people.Person" not in related
    assert "person" not in fields


def test_the_partnership_home_links_to_voice_and_training(client, officer):
    client.force_login(officer)
    body = text(client.get(reverse("partnership:home")))
    assert reverse("partnership:voice:home") in body
    assert reverse("partnership:training:home") in body


def test_builders_are_unused_here():
    assert builders  # feedback names no child: no child is built for these tests
