"""The partnership's rules, from the words of the law and guidance.

Children Act 2004 s16C(1) and Working Together to Safeguard Children 2023 chapter 5: "the local
authority must notify the Child Safeguarding Practice Review Panel within 5 working days of
becoming aware" of a serious incident. Working Together: the safeguarding partners "should
promptly undertake a rapid review", within 15 working days of the notification [U], and decide
whether a local child safeguarding practice review is appropriate. Working days exclude
weekends and England and Wales bank holidays (the kernel's table, from the gov.uk feed); day X
is day 0 (process specification 1.2, the default convention).

Each refusal checks the message and that nothing was saved.
"""

import datetime

import pytest

from audit.models import AuditEvent
from kernel.models import BankHoliday
from kernel.rules import RuleBroken
from partners.models import User
from partnership import services
from partnership.models import InformationRequest, PracticeReview, RapidReview, Recommendation, SeriousIncident
from people.models import RestrictedAccess
from testing import builders

R = User.Role
# The Thursday before Easter 2026 (Good Friday 3 April, Easter Monday 6 April 2026).
MAUNDY_THURSDAY = datetime.date(2026, 4, 2)


def working_days_after(start, n):
    """The n-th day after `start` that is neither a Saturday, a Sunday nor a bank holiday in the
    kernel's table: counted here by hand, not by the code under test."""
    holidays = set(BankHoliday.objects.values_list("date", flat=True))
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


@pytest.fixture
def ci(child):
    return child.identifiers.get(id_type="CI").value


def incident_known_on(officer, ci, day, **fields):
    return services.record_serious_incident(
        officer,
        children=ci,
        became_aware_on=day,
        harm=fields.pop("harm", "seriously_harmed"),
        summary=fields.pop("summary", "A synthetic incident"),
        **fields,
    )


# --- The 5 and 15 working days over bank holidays ----------------------------------------------


def test_the_panel_is_notified_within_5_working_days_over_easter(officer, ci):
    holidays = set(BankHoliday.objects.filter(date__year=2026).values_list("date", flat=True))
    assert {datetime.date(2026, 4, 3), datetime.date(2026, 4, 6)} <= holidays  # Good Friday, Easter Monday
    incident = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    assert incident.notification_due == working_days_after(MAUNDY_THURSDAY, 5) == datetime.date(2026, 4, 13)
    assert "Good Friday" in incident.notification_due_explanation
    assert "Easter Monday" in incident.notification_due_explanation


def test_the_rapid_review_is_due_15_working_days_after_the_notification(officer, ci):
    incident = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    notified = datetime.date(2026, 4, 13)
    incident = services.notify_panel(
        officer, incident, notified_on=notified, notified_by="Director of children's services"
    )
    # Over the early May bank holiday (4 May 2026).
    assert incident.rapid_review_due == working_days_after(notified, 15) == datetime.date(2026, 5, 5)
    assert incident.notification_late_reason == ""


def test_a_notification_on_its_due_date_needs_no_reason_and_the_day_after_does(officer, ci):
    on_time = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    services.notify_panel(officer, on_time, notified_on=on_time.notification_due, notified_by="DCS")

    late = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    day_after = late.notification_due + datetime.timedelta(days=1)
    with pytest.raises(RuleBroken) as error:
        services.notify_panel(officer, late, notified_on=day_after, notified_by="DCS")
    assert error.value.errors["late_reason"] == [
        "Notification of a serious incident to the Child Safeguarding Practice Review Panel was due by "
        "13 April 2026: give the reason it is late"
    ]
    late.refresh_from_db()
    assert late.notified_on is None
    assert late.rapid_review_due is None

    services.notify_panel(officer, late, notified_on=day_after, notified_by="DCS", late_reason="Known over the holiday")
    late.refresh_from_db()
    assert late.notification_late_reason == "Known over the holiday"


def test_a_late_rapid_review_needs_the_reason(officer, ci):
    incident = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    incident = services.notify_panel(officer, incident, notified_on=datetime.date(2026, 4, 13), notified_by="DCS")
    late = incident.rapid_review_due + datetime.timedelta(days=1)
    with pytest.raises(RuleBroken) as error:
        services.record_rapid_review(officer, incident, completed_on=late, decision="local", reasons="Learning")
    assert "was due by 5 May 2026: give the reason it is late" in error.value.errors["late_reason"][0]
    assert not RapidReview.objects.exists()
    review = services.record_rapid_review(
        officer, incident, completed_on=late, decision="local", reasons="Learning", late_reason="Police answer late"
    )
    assert review.late_reason == "Police answer late"


# --- Bad input: clear errors, nothing half-saved ------------------------------------------------


def test_an_incident_with_bad_input_is_refused_whole(officer, ci):
    with pytest.raises(RuleBroken) as error:
        services.record_serious_incident(
            officer,
            children=f"{ci}\n9999999999",
            became_aware_on=datetime.date(2026, 4, 2),
            incident_on=datetime.date(2026, 4, 3),
            harm="",
            summary=" ",
        )
    errors = error.value.errors
    assert errors["children"] == ["No child you may name has the identifier 9999999999"]
    assert errors["incident_on"] == [
        "The date of the incident cannot be after the date the local authority became aware"
    ]
    assert errors["harm"] == ["Select whether the child died or was seriously harmed"]
    assert errors["summary"] == ["Enter what happened"]
    assert not SeriousIncident.objects.exists()
    assert not AuditEvent.objects.filter(object_type="partnership.seriousincident").exists()


def test_a_restricted_child_not_naming_the_user_cannot_be_named(officer, user):
    restricted = builders.child(given_names="Hidden")
    restricted.restricted = True
    restricted.save(update_fields=["restricted"])
    value = restricted.identifiers.get(id_type="CI").value
    with pytest.raises(RuleBroken) as error:
        incident_known_on(officer, value, MAUNDY_THURSDAY)
    assert error.value.errors["children"] == [f"No child you may name has the identifier {value}"]
    RestrictedAccess.objects.create(person=restricted, user=officer)
    assert incident_known_on(officer, value, MAUNDY_THURSDAY).children.get().person == restricted


def test_the_notification_cannot_be_before_the_authority_knew(officer, ci):
    incident = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    with pytest.raises(RuleBroken) as error:
        services.notify_panel(officer, incident, notified_on=datetime.date(2026, 4, 1), notified_by="")
    assert error.value.errors["notified_on"] == [
        "The date the Panel was notified cannot be before the date the local authority became aware (2 April 2026)"
    ]
    assert error.value.errors["notified_by"] == ["Enter who notified the Panel"]


def test_a_recommendation_needs_an_owner_and_a_due_date_not_before_the_review(officer):
    review = services.start_practice_review(
        officer, kind="local", title="Child T", decided_on=datetime.date(2026, 5, 1), terms_of_reference="Scope"
    )
    with pytest.raises(RuleBroken) as error:
        services.add_recommendation(
            officer, review, text="Share information", owner=None, due_on=datetime.date(2026, 4, 1)
        )
    assert error.value.errors["owner"] == ["Select the agency that owns the recommendation"]
    assert error.value.errors["due_on"] == ["The due date cannot be before the review was decided on (1 May 2026)"]
    assert not Recommendation.objects.exists()


def test_a_local_review_needs_terms_of_reference_and_is_due_for_publication_by_the_rule(officer):
    with pytest.raises(RuleBroken) as error:
        services.start_practice_review(officer, kind="local", title="Child T", decided_on=datetime.date(2026, 5, 1))
    assert error.value.errors["terms_of_reference"] == ["Enter the terms of reference of the review"]
    assert not PracticeReview.objects.exists()
    review = services.start_practice_review(
        officer, kind="local", title="Child T", decided_on=datetime.date(2026, 5, 31), terms_of_reference="Scope"
    )
    assert review.publication_due == datetime.date(2026, 11, 30)  # 6 calendar months, clamped [U]
    adopted = services.start_practice_review(
        officer,
        kind="national",
        title="Panel review: safeguarding children with disabilities",
        decided_on=datetime.date(2026, 5, 1),
    )
    assert adopted.publication_due is None


def test_a_complete_recommendation_needs_its_evidence_and_date(officer, la):
    review = services.start_practice_review(
        officer, kind="local", title="Child T", decided_on=datetime.date(2026, 5, 1), terms_of_reference="Scope"
    )
    recommendation = services.add_recommendation(
        officer, review, text="Share information", owner=la, due_on=datetime.date(2026, 9, 1)
    )
    with pytest.raises(RuleBroken) as error:
        services.update_recommendation(officer, recommendation, status="complete")
    assert error.value.errors["completed_on"] == ["Enter the date it was completed"]
    assert error.value.errors["progress"] == ["Enter the evidence that the recommendation is complete"]
    recommendation.refresh_from_db()
    assert recommendation.status == "not_started"


# --- Information requests: answered by the agency asked only -----------------------------------


def test_a_request_is_answered_by_the_agency_asked_only(officer, ci, police_officer, dsl):
    incident = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    request = services.request_information(
        officer,
        incident,
        agency=police_officer.agency,
        question="Contacts with the family",
        due_on=datetime.date(2026, 4, 20),
        requested_on=datetime.date(2026, 4, 3),
    )
    with pytest.raises(PermissionError):
        services.answer_information_request(dsl, request, status="nothing_known")
    with pytest.raises(RuleBroken) as error:
        services.answer_information_request(police_officer, request, status="answered", answer="")
    assert error.value.errors["answer"] == ["Enter the information your agency holds"]
    services.answer_information_request(police_officer, request, status="answered", answer="Two call-outs")
    request.refresh_from_db()
    assert (request.status, request.answered_by) == (InformationRequest.Status.ANSWERED, police_officer)


def test_a_request_due_before_it_was_made_is_refused(officer, ci):
    incident = incident_known_on(officer, ci, MAUNDY_THURSDAY)
    with pytest.raises(RuleBroken) as error:
        services.request_information(
            officer,
            incident,
            agency=None,
            question="",
            due_on=datetime.date(2026, 4, 1),
            requested_on=datetime.date(2026, 4, 3),
        )
    assert error.value.errors == {
        "agency": ["Select the agency to ask"],
        "question": ["Enter what the agency is asked"],
        "due_on": ["The date the answer is due cannot be before the request"],
    }
    assert not InformationRequest.objects.exists()


# --- The arrangements ---------------------------------------------------------------------------


def test_the_arrangements_need_the_three_lead_partners_and_education_and_childcare(officer, la):
    from partnership.models import Arrangements, Member

    draft = services.draft_arrangements(officer)
    draft.members.create(
        part=Member.Part.LEAD_PARTNER, partner="local_authority", agency=la, date_from=datetime.date(2024, 1, 1)
    )
    with pytest.raises(RuleBroken) as error:
        services.publish_arrangements(officer, draft)
    messages = error.value.errors["__all__"]
    assert "Name the lead safeguarding partner of: integrated care board, chief officer of police" in messages
    assert "Name an education relevant agency: they must be in the arrangements" in messages
    assert "Name a childcare relevant agency: they must be in the arrangements" in messages
    draft.refresh_from_db()
    assert draft.status == Arrangements.Status.DRAFT


def test_people_access_gives_the_partnership_roles_no_child_record(user, child):
    from people.access import Level, levels
    from people.models import Involvement

    for role in (R.PARTNERSHIP_OFFICER, R.SCRUTINEER):
        someone = user(role)
        # Even a team involved with the child gives these roles no record.
        Involvement.objects.create(
            person=child,
            agency=someone.agency,
            team=someone.team,
            worker=someone,
            kind="Test",
            start_date=datetime.date(2024, 1, 1),
        )
        assert levels(someone, [child]) == {child.pk: Level.NONE}
