"""The partnership's voice of children and families and multi-agency training pages, opened in a
real browser by the business unit. The `page` fixture runs axe-core on every page at 1,280 and
320 px and checks nothing scrolls sideways at 320 px."""

import datetime

import pytest
from playwright.sync_api import expect

from testing.browser import sign_in

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def voice_world(user, police_officer):
    from partners.models import User
    from partnership.training import services as training
    from partnership.training.models import TrainingTopic
    from partnership.voice import services as voice
    from partnership.voice.models import FeedbackKind

    officer = user(User.Role.PARTNERSHIP_OFFICER, team=None, first_name="Pat", last_name="Partnership")
    today = datetime.date.today()
    theme = voice.save_theme(officer, name="Being listened to", description="Whether children felt heard")
    survey = voice.record_survey(
        officer, title="Young people's survey", period_from=today - 30 * DAY, period_to=today, number_sent=40
    )
    voice.record_feedback(
        officer,
        kind=FeedbackKind.objects.get(slug="survey-response"),
        source="child",
        age_band="11_to_15",
        received_on=today - DAY,
        words="My social worker listened to me and explained what would happen next.",
        consent="quote",
        survey=survey,
        themes=[theme],
    )
    voice.record_feedback(
        officer,
        kind=FeedbackKind.objects.get(slug="complaint"),
        source="parent",
        received_on=today - 2 * DAY,
        words="We waited too long for a call back.",
        consent="summary",
        agency=police_officer.agency,
    )
    voice.record_what_changed(
        officer, theme, what="A young people's panel meets every quarter", changed_on=today, evidence="Minutes"
    )
    course = training.add_course(
        officer, title="Recognising neglect", topic=TrainingTopic.objects.get(slug="neglect"), description="Half day"
    )
    session = training.record_session(
        officer,
        course,
        held_on=today - DAY,
        mode="in_person",
        places=20,
        attendance=[(police_officer.agency, 6)],
        confidence_before=None,
        confidence_after=None,
    )
    return {"officer": officer, "theme": theme, "course": course, "session": session}


def test_the_voice_and_training_pages(page, voice_world):
    world = voice_world
    sign_in(page, world["officer"])
    theme, course, session = world["theme"].pk, world["course"].pk, world["session"].pk
    for url in (
        "/partnership/voice/",
        "/partnership/voice/feedback/new/",
        "/partnership/voice/themes/new/",
        f"/partnership/voice/themes/{theme}/",
        f"/partnership/voice/themes/{theme}/edit/",
        f"/partnership/voice/themes/{theme}/changes/new/",
        "/partnership/voice/surveys/new/",
        "/partnership/training/",
        "/partnership/training/courses/new/",
        f"/partnership/training/courses/{course}/",
        f"/partnership/training/courses/{course}/sessions/new/",
        f"/partnership/training/sessions/{session}/attendance/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    for url in ("/partnership/voice/feedback/new/", f"/partnership/training/courses/{course}/sessions/new/"):
        page.goto(url)
        page.get_by_role("button").last.click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
