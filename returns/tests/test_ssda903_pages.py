"""The SSDA903 pages: the checks before submission, each failure linking to the child's record,
and the download of the eleven CSV files; both audited, and only for analysts and the head of
service of the local authority. Also PrevPerm and SWEpisodes from the records."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from childrenincare import services
from childrenincare.testing import foster_carer, foster_placement, looked_after
from familyhelp import services as family_help
from familyhelp.testing import open_episode
from kernel.rules import RuleBroken
from partners.models import User
from returns import ssda903

D = datetime.date
YEAR = 2026


@pytest.fixture
def analyst(user, la):
    return user(User.Role.ANALYST, agency=la, team=None)


@pytest.fixture
def period(worker, child):
    return looked_after(worker, child, D(2025, 6, 2), referral_date=D(2025, 4, 22))


def checked(client, year=YEAR):
    """The checks page after asking for the checks (run at once: the immediate_tasks fixture)."""
    assert client.post(reverse("returns:ssda903_run"), {"year": year}).status_code == 303
    return client.get(reverse("returns:ssda903"), {"year": year})


def test_the_checks_name_each_failure_and_link_only_those_who_may_open_the_record(
    client, analyst, user, la, child, period, immediate_tasks
):
    child.ethnicity = ""
    child.save()
    client.force_login(analyst)
    response = checked(client)
    body = response.content.decode()
    assert response.status_code == 200
    assert "SSDA903 2025 to 2026" in body
    assert "Ethnicity is missing" in body
    assert "rule 103" in body
    assert reverse("people:detail", args=[child.pk]) not in body  # an analyst opens no record
    assert f"<strong>{child.pk}</strong>" in body
    client.force_login(user(User.Role.HEAD_OF_SERVICE, agency=la, team=None))
    assert reverse("people:detail", args=[child.pk]) in checked(client).content.decode()
    event = AuditEvent.objects.filter(user=analyst, action=AuditEvent.Action.VIEW).latest("at")
    assert event.detail["year"] == YEAR
    assert event.detail["failures"] >= 1
    assert child.family_name not in event.summary


def test_no_failures_says_so(client, analyst, child, period, immediate_tasks):
    from people.models import Identifier

    child.ethnicity = "WBRI"
    child.save()
    Identifier.objects.create(person=child, id_type=Identifier.Type.UPN, value="A123456789012")
    client.force_login(analyst)
    body = checked(client).content.decode()
    assert "No problems found" in body


def test_a_year_not_offered_falls_back_to_the_year_in_progress(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("returns:ssda903"), {"year": "1999"})
    assert response.status_code == 200
    assert response.context["year"] == response.context["years"][0][0]


def test_the_download_is_the_files_of_the_year_and_is_audited(client, analyst, period):
    client.force_login(analyst)
    response = client.get(reverse("returns:ssda903_download"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"{name}.csv" for name in ssda903.tables_for(YEAR))
    event = AuditEvent.objects.get(user=analyst, action=AuditEvent.Action.EXPORT)
    assert event.detail["rows"]["Header"] == 1


@pytest.mark.parametrize("page", ["returns:index", "returns:ssda903", "returns:ssda903_download"])
def test_case_staff_and_partners_may_not(client, worker, police_officer, page):
    for someone in (worker, police_officer):
        client.force_login(someone)
        assert client.get(reverse(page)).status_code == 403


def test_previous_permanence_for_children_who_started_in_the_year(worker, child, period):
    tables = ssda903.build(YEAR)
    assert tables["PrevPerm"] == [
        {
            "CHILD": str(child.pk),
            "DOB": ssda903.dmy(child.date_of_birth),
            "PREV_PERM": "Z1",
            "LA_PERM": "",
            "DATE_PERM": "",
        }
    ]


def test_previous_permanence_is_checked_when_care_starts(worker, child):
    episode = open_episode(worker, child, D(2025, 6, 2))
    with pytest.raises(RuleBroken) as broken:
        services.become_looked_after(
            worker,
            episode,
            on=D(2025, 6, 2),
            legal_status="V2",
            category_of_need="N1",
            placement=foster_placement(foster_carer()),
            previous_permanence="P2",
            previous_permanence_la="12",
            previous_permanence_date=D(2026, 1, 1),
        )
    assert set(broken.value.errors) >= {"previous_permanence_la", "previous_permanence_date"}


def test_social_worker_episodes_follow_the_allocations(manager, worker, user, team, child, period):
    other = user(User.Role.SOCIAL_WORKER, team=team)
    family_help.allocate(manager, period.episode, team=team, worker=worker, on=D(2025, 5, 1))
    family_help.allocate(manager, period.episode, team=team, worker=other, on=D(2025, 9, 1), change_reason="LEFTRL")
    rows = ssda903.build(YEAR)["SWEpisodes"]
    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows] == [
        (ssda903.social_worker_id(worker.pk), "01/05/2025", "01/09/2025", "FCONTA"),
        (ssda903.social_worker_id(other.pk), "01/09/2025", "", "LEFTRL"),
    ]


def test_the_checks_name_a_missing_previous_permanence_and_worker_change_reason(
    manager, worker, user, team, child, period
):
    from returns import validation

    period.previous_permanence = ""
    period.save()
    family_help.allocate(manager, period.episode, team=team, worker=worker, on=D(2025, 5, 1))
    other = user(User.Role.SOCIAL_WORKER, team=team)
    family_help.allocate(manager, period.episode, team=team, worker=other, on=D(2025, 9, 1), change_reason="LEFTRL")
    period.episode.allocations.filter(worker=other).update(change_reason="")
    rules = {(f.table, f.rule) for f in validation.check(ssda903.build(YEAR), YEAR)}
    assert ("PrevPerm", "630") in rules
    assert ("SWEpisodes", "SW15STG2") in rules
