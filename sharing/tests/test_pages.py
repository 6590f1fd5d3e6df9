"""The sharing pages: the child's sharing history (with the key-facts banner), recording a
disclosure and a decision not to share (GOV.UK error summary), the managers' list."""

import datetime

import pytest

from partners.models import User
from sharing import services
from sharing.models import Disclosure, Withholding
from testing import builders
from testing.pages import date_data, problem, saved, viewed

TODAY = datetime.date.today


@pytest.fixture
def case(worker, manager, child):
    builders.allocated_episode(worker, manager, child, TODAY() - datetime.timedelta(days=10))
    return child


@pytest.fixture
def police(db):
    return builders.police()


def signed_in(client, someone):
    client.force_login(someone)
    return client


def history_url(child):
    return f"/sharing/people/{child.pk}/"


def test_the_history_shows_disclosures_and_decisions_under_the_banner(client, worker, manager, case, police):
    services.record_disclosure(worker, case, what="School and address", to_agency=police)
    services.record_withholding(
        worker,
        case,
        information="New address",
        reasons="Risk from the father",
        decision_maker=manager,
        to_agency=police,
    )
    page = signed_in(client, worker).get(history_url(case)).content.decode()
    assert "School and address" in page
    assert "Risk from the father" in page
    assert f'data-testid="key-facts" data-person="{case.pk}"' in page
    assert "Record a decision not to share" in page
    assert viewed(worker, "Viewed the information-sharing history")


def test_the_record_links_to_the_history(client, worker, case):
    page = signed_in(client, worker).get(f"/people/{case.pk}/").content.decode()
    assert history_url(case) in page


def test_recording_a_disclosure(client, worker, case, police):
    response = signed_in(client, worker).post(
        f"/sharing/people/{case.pk}/disclosures/add/",
        {"to_agency": police.pk, "what": "Two missing episodes", "lawful_basis": "", **date_data("shared_on", None)},
    )
    saved(response, history_url(case))
    found = Disclosure.objects.get(person=case)
    assert (found.to_agency, found.what, found.shared_by) == (police, "Two missing episodes", worker)


def test_a_disclosure_needs_an_agency_and_what_was_shared(client, worker, case):
    response = signed_in(client, worker).post(
        f"/sharing/people/{case.pk}/disclosures/add/", {"to_agency": "", "what": "", **date_data("shared_on", None)}
    )
    summary = problem(response)
    assert "Select or enter the agency the information was shared with" in summary
    assert "Enter what was shared" in summary
    assert not Disclosure.objects.exists()


def test_recording_a_decision_not_to_share(client, worker, manager, case, police):
    response = signed_in(client, worker).post(
        f"/sharing/people/{case.pk}/not-shared/add/",
        {
            "to_agency": police.pk,
            "information": "Where the child lives now",
            "reasons": "Sharing it would tell the person the child fled",
            "decision_maker": manager.pk,
            **date_data("decided_on", TODAY()),
        },
    )
    saved(response, history_url(case))
    found = Withholding.objects.get(person=case)
    assert (found.decided_by, found.to_agency) == (manager, police)


def test_a_decision_not_to_share_needs_reasons_and_an_agency(client, worker, case):
    response = signed_in(client, worker).post(
        f"/sharing/people/{case.pk}/not-shared/add/",
        {
            "to_agency": "",
            "information": "x",
            "reasons": "",
            "decision_maker": worker.pk,
            **date_data("decided_on", None),
        },
    )
    summary = problem(response)
    assert "Enter why sharing would be more detrimental to the child than not sharing" in summary
    assert "Select or enter the agency the information was not shared with" in summary
    assert not Withholding.objects.exists()


def test_a_child_the_user_may_not_see_is_not_found(client, user, case):
    stranger = user(User.Role.PARTNER_PRACTITIONER, agency=builders.police("Other Police"), team=None)
    client = signed_in(client, stranger)
    assert client.get(history_url(case)).status_code == 404
    case.restricted = True
    case.save()
    other_worker = user(User.Role.SOCIAL_WORKER)
    assert signed_in(client, other_worker).get(history_url(case)).status_code == 404


def test_the_managers_list_and_their_caseload_count(client, worker, manager, case, police):
    services.record_withholding(
        worker, case, information="x", reasons="Detrimental to the child", decision_maker=manager, to_agency=police
    )
    client = signed_in(client, manager)
    page = client.get("/sharing/not-shared/").content.decode()
    assert "Detrimental to the child" in page
    assert case.full_name in page
    assert viewed(manager, "Viewed the decisions not to share")
    caseload = client.get("/caseload/team/").content.decode()
    assert 'data-testid="not-shared-count"' in caseload
    assert "1 decision not to share information</a> in the last 90 days" in " ".join(caseload.split())


def test_a_social_worker_may_not_open_the_managers_list(client, worker):
    assert signed_in(client, worker).get("/sharing/not-shared/").status_code == 403
