"""Multi-agency training: a session and its attendance are saved whole or not at all (attendance
beyond the places, a row without its agency or number, an agency twice), a page sent twice keeps
one session, the figures for the yearly report match hand-counted ones, and, for any set of
sessions, the attendance by agency and by topic each add up to the whole."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.rules import RuleBroken
from partners.models import Agency, User
from partnership.training import selectors, services
from partnership.training.models import TrainingAttendance, TrainingCourse, TrainingSession, TrainingTopic
from testing.pages import date_data, refused, saved, text, viewed

R = User.Role
D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


@pytest.fixture
def agencies():
    return [
        Agency.objects.create(name="Testshire Police", kind=Agency.Kind.POLICE),
        Agency.objects.create(name="Testshire Health", kind=Agency.Kind.HEALTH_PROVIDER),
        Agency.objects.create(name="Testbrook School", kind=Agency.Kind.SCHOOL),
    ]


def topic(slug):
    return TrainingTopic.objects.get(slug=slug)


@pytest.fixture
def course(officer):
    return services.add_course(officer, title="Recognising neglect", topic=topic("neglect"))


def session(officer, course, **overrides):
    data = {"held_on": D(2026, 5, 1), "mode": "online", "places": 20, "attendance": []}
    return services.record_session(officer, course, **{**data, **overrides})


# --- The rules -------------------------------------------------------------------------------


def test_the_topics_are_data():
    slugs = set(TrainingTopic.objects.values_list("slug", flat=True))
    assert {"neglect", "exploitation", "domestic-abuse", "working-together", "information-sharing"} <= slugs


def test_a_session_with_its_attendance_is_saved_whole(officer, course, agencies):
    police, health, _ = agencies
    made = session(officer, course, attendance=[(police, 5), (None, None), (health, 7)])
    assert sorted(made.attendance.values_list("agency__name", "attended")) == [
        ("Testshire Health", 7),
        ("Testshire Police", 5),
    ]
    assert services.total_attended(made) == 12


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        ([(0, 15), (1, 6)], "attendance", "21 attended but the session had 20 places"),
        ([(0, 5), (None, 3)], "attendance_2", "Row 2: select the agency the attendees came from"),
        ([(0, 5), (1, None)], "attendance_2", "Row 2: enter how many came from Testshire Health"),
        ([(0, 5), (0, 3)], "attendance_2", "Row 2: Testshire Police is already counted"),
    ],
)
def test_bad_attendance_saves_nothing(officer, course, agencies, rows, field, message):
    attendance = [(agencies[a] if a is not None else None, n) for a, n in rows]
    with pytest.raises(RuleBroken) as refused_:
        session(officer, course, attendance=attendance)
    assert refused_.value.errors[field][0].startswith(message)
    assert not TrainingSession.objects.exists()
    assert not TrainingAttendance.objects.exists()


def test_a_session_needs_its_date_mode_and_places(officer, course):
    with pytest.raises(RuleBroken) as refused_:
        session(officer, course, held_on=None, mode="", places=None, confidence_after=Decimal("5.5"))
    assert set(refused_.value.errors) == {"held_on", "mode", "places", "confidence_after"}


def test_attendance_added_later_is_all_or_nothing_and_within_the_places(officer, course, agencies):
    police, health, school = agencies
    made = session(officer, course, places=10, attendance=[(police, 4)])
    with pytest.raises(RuleBroken) as refused_:
        services.record_attendance(officer, made, attendance=[(health, 3), (school, 4)])
    assert "attendance" in refused_.value.errors
    with pytest.raises(RuleBroken) as refused_:
        services.record_attendance(officer, made, attendance=[(health, 3), (police, 1)])
    assert refused_.value.errors["attendance_2"][0].startswith("Row 2: Testshire Police is already counted")
    assert services.total_attended(made) == 4
    services.record_attendance(officer, made, attendance=[(health, 3), (school, 3)])
    assert services.total_attended(made) == 10


def test_the_same_token_keeps_one_session(officer, course, agencies):
    first = session(officer, course, attendance=[(agencies[0], 2)], token="abc")
    assert session(officer, course, attendance=[(agencies[0], 2)], token="abc") == first
    assert TrainingSession.objects.count() == 1
    assert TrainingAttendance.objects.count() == 1


# --- The figures -------------------------------------------------------------------------------


def test_training_figures_match_hand_counted_ones(officer, agencies):
    police, health, school = agencies
    neglect = services.add_course(officer, title="Neglect", topic=topic("neglect"))
    exploitation = services.add_course(officer, title="Exploitation", topic=topic("exploitation"))
    # In the period (1 April 2025 to 31 March 2026).
    session(
        officer,
        neglect,
        held_on=D(2025, 4, 1),
        places=20,
        attendance=[(police, 5), (health, 10)],
        confidence_before=Decimal("2.0"),
        confidence_after=Decimal("4.0"),
    )
    session(
        officer,
        neglect,
        held_on=D(2026, 3, 31),
        places=10,
        attendance=[(police, 3)],
        confidence_before=Decimal("3.0"),
        confidence_after=Decimal("4.5"),
    )
    session(
        officer,
        exploitation,
        held_on=D(2025, 9, 1),
        places=30,
        attendance=[(school, 12), (health, 1)],
        mode="in_person",
    )
    # Outside it.
    session(
        officer,
        exploitation,
        held_on=D(2025, 3, 31),
        places=50,
        attendance=[(police, 40)],
        confidence_before=Decimal("1.0"),
    )
    session(officer, neglect, held_on=D(2026, 4, 1), places=50, attendance=[(school, 40)])

    found = selectors.training_figures(D(2025, 4, 1), D(2026, 3, 31))

    assert (found.sessions, found.places, found.attended) == (3, 60, 31)
    assert found.by_agency == [("Testbrook School", 12), ("Testshire Health", 11), ("Testshire Police", 8)]
    assert [(t.topic, t.sessions, t.places, t.attended) for t in found.by_topic] == [
        ("Neglect", 2, 30, 18),
        ("Child exploitation", 1, 30, 13),
    ]
    assert (found.evaluated, found.confidence_before, found.confidence_after) == (2, Decimal("2.50"), Decimal("4.25"))


def test_figures_of_a_period_with_no_training():
    found = selectors.training_figures(D(2025, 4, 1), D(2026, 3, 31))
    assert (found.sessions, found.places, found.attended, found.by_agency, found.by_topic) == (0, 0, 0, [], [])
    assert (found.confidence_before, found.confidence_after) == (None, None)


sessions_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1),  # the course
        st.dates(D(2025, 1, 1), D(2026, 6, 30)),  # held on
        st.lists(st.tuples(st.integers(0, 2), st.integers(0, 12)), max_size=4),  # attendance rows
    ),
    max_size=6,
)


def test_attendance_by_agency_and_by_topic_add_up_to_the_whole(officer, agencies):
    courses = [
        services.add_course(officer, title="Neglect", topic=topic("neglect")),
        services.add_course(officer, title="Exploitation", topic=topic("exploitation")),
    ]

    @settings(max_examples=40, deadline=None)
    @given(sessions_strategy, st.dates(D(2025, 1, 1), D(2026, 6, 30)), st.dates(D(2025, 1, 1), D(2026, 6, 30)))
    def check(planned, start, end):
        date_from, date_to = min(start, end), max(start, end)
        with transaction.atomic():
            kept = []
            for course_index, held_on, rows in planned:
                attendance = [(agencies[a], n) for a, n in rows]
                try:
                    made = services.record_session(
                        officer,
                        courses[course_index],
                        held_on=held_on,
                        mode="online",
                        places=30,
                        attendance=attendance,
                    )
                except RuleBroken:
                    continue  # refused whole: nothing of it is kept
                kept.append(made)
            found = selectors.training_figures(date_from, date_to)
            in_period = [s for s in kept if date_from <= s.held_on <= date_to]
            whole = sum(services.total_attended(s) for s in in_period)
            assert found.attended == whole == sum(n for _, n in found.by_agency)
            assert whole == sum(t.attended for t in found.by_topic)
            assert found.sessions == len(in_period) == sum(t.sessions for t in found.by_topic)
            assert found.places == 30 * len(in_period)
            assert TrainingAttendance.objects.filter(session__in=kept).count() == TrainingAttendance.objects.count()
            assert all(services.total_attended(s) <= s.places for s in kept)
            transaction.set_rollback(True)

    check()


# --- The pages ---------------------------------------------------------------------------------


def test_recording_a_session_on_the_page(client, officer, course, agencies):
    client.force_login(officer)
    url = reverse("partnership:training:session-new", args=[course.pk])
    page = text(client.get(url))
    token = page.split('name="token" value="')[1].split('"')[0]
    data = {
        "mode": "in_person",
        "places": "12",
        "agency_1": str(agencies[0].pk),
        "attended_1": "6",
        "agency_2": str(agencies[1].pk),
        "attended_2": "7",
        "confidence_before": "2.5",
        "confidence_after": "",
        "token": token,
        **date_data("held_on", D(2026, 5, 1)),
    }
    body = refused(client.post(url, data), "13 attended but the session had 12 places")
    assert "govuk-error-summary" in body
    assert not TrainingSession.objects.exists()
    data["places"] = "13"
    course_url = reverse("partnership:training:course", args=[course.pk])
    saved(client.post(url, data), course_url)
    saved(client.post(url, data), course_url)  # sent twice: one session
    made = TrainingSession.objects.get()
    assert (made.places, made.confidence_before, services.total_attended(made)) == (13, Decimal("2.5"), 13)
    body = text(client.get(course_url))
    assert "Testshire Police" in body
    assert viewed(officer, "Viewed the training course Recognising neglect")


def test_a_row_without_its_number_is_shown_at_the_row(client, officer, course, agencies):
    client.force_login(officer)
    url = reverse("partnership:training:session-new", args=[course.pk])
    data = {"mode": "online", "places": "5", "agency_1": str(agencies[0].pk), **date_data("held_on", D(2026, 5, 1))}
    body = refused(client.post(url, data), "Row 1: enter how many came from Testshire Police")
    assert 'href="#id_attended_1"' in body
    assert not TrainingSession.objects.exists()


def test_adding_attendance_on_the_page(client, officer, course, agencies):
    made = session(officer, course, places=10, attendance=[(agencies[0], 4)])
    client.force_login(officer)
    url = reverse("partnership:training:attendance", args=[made.pk])
    assert "Testshire Police" in text(client.get(url))
    refused(client.post(url, {"agency_1": str(agencies[1].pk), "attended_1": "7"}), "11 attended but the session")
    saved(
        client.post(url, {"agency_1": str(agencies[1].pk), "attended_1": "6"}),
        reverse("partnership:training:course", args=[course.pk]),
    )
    assert services.total_attended(made) == 10


def test_the_training_home_shows_attendance_by_agency_for_a_period(client, officer, course, agencies):
    session(officer, course, held_on=D(2026, 5, 1), attendance=[(agencies[0], 4)])
    session(officer, course, held_on=D(2026, 2, 1), attendance=[(agencies[2], 9)])
    client.force_login(officer)
    url = reverse("partnership:training:home")
    body = text(client.get(url))
    assert "Testbrook School" in body
    assert "Testshire Police" in body
    body = text(client.get(url, {**date_data("date_from", D(2026, 4, 1)), **date_data("date_to", None)}))
    assert "Testshire Police" in body
    assert "Testbrook School" not in body
    assert viewed(officer, "Viewed the partnership's multi-agency training")


def test_adding_a_course_on_the_page(client, officer):
    client.force_login(officer)
    url = reverse("partnership:training:course-new")
    refused(client.post(url, {"title": "", "topic": ""}), "Select the course&#x27;s topic")
    saved_response = client.post(url, {"title": "Working together", "topic": str(topic("working-together").pk)})
    made = TrainingCourse.objects.get()
    saved(saved_response, reverse("partnership:training:course", args=[made.pk]))


def test_the_scrutineer_and_head_of_service_read_but_do_not_record(client, user, course):
    for role in (R.SCRUTINEER, R.HEAD_OF_SERVICE):
        client.force_login(user(role))
        assert client.get(reverse("partnership:training:home")).status_code == 200
        assert client.get(reverse("partnership:training:course", args=[course.pk])).status_code == 200
        assert client.get(reverse("partnership:training:session-new", args=[course.pk])).status_code == 403
