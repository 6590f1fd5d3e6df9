"""The year's outcomes of a child looked after for 12 months at 31 March (SSDA903 OC2): who is
in scope, the answers the service refuses, the page, and the OC2 rows of the return."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from childrenincare import outcomes
from childrenincare.models import HealthAssessment, LegalStatus, YearOutcomes
from childrenincare.testing import looked_after
from kernel.rules import RuleBroken
from returns import ssda903, validation

D = datetime.date
YEAR = 2026
ANSWERS = {
    "sdq_score": 14,
    "convicted": False,
    "substance_misuse": True,
    "intervention_offered": True,
    "intervention_received": False,
}


@pytest.fixture
def period(worker, child):
    """Looked after from 1 April 2025 (12 months at 31 March 2026); the test child is 9 then."""
    return looked_after(worker, child, D(2025, 4, 1), referral_date=D(2025, 3, 20))


def test_who_has_been_looked_after_for_a_year(worker, child, sibling, period):
    assert outcomes.in_care_for_a_year(period, YEAR)
    later = looked_after(worker, sibling, D(2025, 4, 2), referral_date=D(2025, 3, 20))
    assert not outcomes.in_care_for_a_year(later, YEAR)
    type(period).objects.filter(pk=period.pk).update(end_date=D(2026, 3, 31), end_reason="E8")
    period.refresh_from_db()
    assert not outcomes.in_care_for_a_year(period, YEAR)


def test_short_breaks_only_are_left_out(period):
    LegalStatus.objects.filter(period=period).update(code="V3")
    assert not outcomes.in_care_for_a_year(period, YEAR)


def test_the_answers_the_service_refuses(worker, period):
    with pytest.raises(RuleBroken) as broken:
        outcomes.record_year_outcomes(
            worker, period, YEAR, sdq_score=41, sdq_reason="SDQ2", substance_misuse=True, health_check=True
        )
    assert set(broken.value.errors) >= {"sdq_score", "sdq_reason", "health_check", "intervention_offered"}
    assert not YearOutcomes.objects.exists()
    with pytest.raises(RuleBroken) as broken:
        outcomes.record_year_outcomes(worker, period, YEAR - 1, **ANSWERS)
    assert "12 months at 31 March 2025" in str(broken.value.errors)


def test_a_correction_is_audited_as_a_change(worker, period):
    outcomes.record_year_outcomes(worker, period, YEAR, **ANSWERS)
    outcomes.record_year_outcomes(worker, period, YEAR, **dict(ANSWERS, sdq_score=None, sdq_reason="SDQ5"))
    found = YearOutcomes.objects.get()
    assert found.sdq_score is None
    assert found.sdq_reason == "SDQ5"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(found.pk)).exists()


def test_oc2_in_the_return(worker, child, period):
    HealthAssessment.objects.create(
        period=period,
        kind="initial",
        held_on=D(2025, 4, 20),
        dental_check=True,
        immunisations_up_to_date=True,
        recorded_by=worker,
    )
    tables = ssda903.build(YEAR)
    [row] = tables["OC2"]
    assert row["SUBSTANCE_MISUSE"] == ""
    assert row["HEALTH_ASSESSMENT"] == "1"
    assert row["TEETH_CHECK"] == "1"
    assert ("OC2", "SUBSTANCE_MISUSE", "OC2") in {(f.table, f.field, f.rule) for f in validation.check(tables, YEAR)}
    outcomes.record_year_outcomes(worker, period, YEAR, **ANSWERS)
    [row] = ssda903.build(YEAR)["OC2"]
    assert row == {
        "CHILD": str(child.pk),
        "DOB": ssda903.dmy(child.date_of_birth),
        "SDQ_SCORE": "14",
        "SDQ_REASON": "",
        "CONVICTED": "",
        "HEALTH_CHECK": "",
        "IMMUNISATIONS": "1",
        "TEETH_CHECK": "1",
        "HEALTH_ASSESSMENT": "1",
        "SUBSTANCE_MISUSE": "1",
        "INTERVENTION_RECEIVED": "0",
        "INTERVENTION_OFFERED": "1",
    }


def test_the_page(client, worker, period):
    client.force_login(worker)
    url = reverse("childrenincare:year-outcomes", args=[period.pk, YEAR])
    page = client.get(url)
    assert page.status_code == 200
    assert "Outcomes for 2025 to 2026" in page.content.decode()
    assert AuditEvent.objects.filter(user=worker, action=AuditEvent.Action.VIEW, person_id=period.person_id).exists()
    bad = client.post(url, {"sdq_score": "55", "substance_misuse": "no"})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "govuk-error-summary" in body
    assert "from 0 to 40" in body
    assert 'value="55"' in body
    assert not YearOutcomes.objects.exists()
    good = client.post(url, {"sdq_score": "12", "substance_misuse": "no"})
    assert good.status_code == 302
    assert YearOutcomes.objects.get().sdq_score == 12
    record = client.get(reverse("childrenincare:period", args=[period.pk])).content.decode()
    assert "Outcomes for the year (SSDA903)" in record
    assert "2025 to 2026: recorded" in record


def test_the_page_is_need_to_know_and_takes_only_real_years(client, la, user, worker, police_officer, period):
    from partners.models import Team, User
    from people.models import Involvement

    url = reverse("childrenincare:year-outcomes", args=[period.pk, YEAR])
    other = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"sdq_score": "12", "substance_misuse": "no"}).status_code == 404
    assert AuditEvent.objects.filter(action="denied", user=other).exists()
    Involvement.objects.create(
        person=period.person, agency=police_officer.agency, kind="Police", start_date=period.start_date
    )
    client.force_login(police_officer)
    assert client.post(url, {"sdq_score": "12", "substance_misuse": "no"}).status_code == 403
    client.force_login(worker)
    assert client.get(reverse("childrenincare:year-outcomes", args=[period.pk, 99999])).status_code == 404
    assert not YearOutcomes.objects.exists()
