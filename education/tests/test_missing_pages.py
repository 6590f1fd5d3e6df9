"""The children missing education pages: the education team opens a case for a child they see
only in the index (and then sees the child's education through their team's involvement),
records an enquiry and closes it through the GOV.UK error summary, with nothing half-saved;
the list names only the children the user may be shown; every view is audited."""

import datetime

import pytest
from django.urls import reverse

from education.missing import services as missing
from education.models import MissingEducationCase, MissingEducationEnquiry
from partners.models import User
from people.models import RestrictedAccess
from testing import builders
from testing.pages import date_data, problem, refused, saved, text, viewed

from .conftest import TODAY

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def ewo(user, la):
    return user(User.Role.EDUCATION_WELFARE_OFFICER, team=builders.team(la, "Education welfare", function="Education"))


def _open_data(**overrides):
    data = {"source": "agency", "urn": "", "last_known_address": "1 Test Street", "details": "Health visitor told us"}
    data.update(date_data("opened_on", TODAY() - 10 * DAY))
    data.update(overrides)
    return data


def test_the_education_team_opens_a_case_and_then_sees_the_child(client, ewo, child, school_list):
    client.force_login(ewo)
    # Only the index entry before the case: the education page is a 404, the open page is not.
    assert client.get(reverse("education:person", args=[child.pk])).status_code == 404
    url = reverse("education:missing_open", args=[child.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Record a child as missing education" in text(page)
    bad = _open_data(**date_data("opened_on", TODAY() + DAY), source="")
    summary = problem(client.post(url, bad))
    assert "cannot be in the future" in summary
    assert "Select how the authority heard" in summary
    assert not MissingEducationCase.objects.exists()
    response = client.post(url, _open_data())
    case = MissingEducationCase.objects.get()
    saved(response, reverse("education:missing_case", args=[case.pk]))
    # The team's involvement opens the child's education and the case to them.
    page = text(client.get(reverse("education:missing_case", args=[case.pk])))
    assert "Child missing education" in page
    assert "Health visitor told us" in page
    assert viewed(ewo, "Viewed a child missing education case")
    assert "Missing education" in text(client.get(reverse("education:person", args=[child.pk])))


def test_an_enquiry_and_the_closure_through_the_pages(signed_in, worker, episode, child, school_list):
    case = missing.open_missing_education_case(worker, child, opened_on=TODAY() - 10 * DAY, source="authority")
    case_url = reverse("education:missing_case", args=[case.pk])
    enquiry_url = reverse("education:missing_enquiry", args=[case.pk])
    data = {"kind": "health", "made_with": "", "outcome": "Registered with a GP in Othertown"}
    data.update(date_data("made_on", TODAY() - 11 * DAY))
    summary = problem(signed_in.post(enquiry_url, data))
    assert "cannot be before the day the case opened" in summary
    assert "Enter who the enquiry was made with" in summary
    assert not MissingEducationEnquiry.objects.exists()
    data.update(date_data("made_on", TODAY() - 2 * DAY), made_with="Testtown surgery")
    saved(signed_in.post(enquiry_url, data), case_url)
    assert "Registered with a GP in Othertown" in text(signed_in.get(case_url))

    close_url = reverse("education:missing_close", args=[case.pk])
    data = {"reason": "left_area", "detail": "", "urn": ""}
    data.update(date_data("closed_on", TODAY()))
    refused(signed_in.post(close_url, data), "Enter the new local authority, and when it was told")
    assert MissingEducationCase.objects.get().is_open
    data["detail"] = "Othershire County Council, told on the phone"
    saved(signed_in.post(close_url, data), case_url)
    case.refresh_from_db()
    assert case.closure_reason == "left_area"
    page = text(signed_in.get(close_url))
    assert "This case closed on" in page
    assert "Close the case</button>" not in page
    assert signed_in.post(close_url, data).status_code == 200  # not possible: the service is not called


def test_the_list_names_only_who_the_user_may_be_shown(client, ewo, worker, child, sibling, school_list):
    shown_case = missing.open_missing_education_case(worker, child, opened_on=TODAY() - 10 * DAY, source="agency")
    missing.record_missing_education_enquiry(
        worker, shown_case, made_on=TODAY() - 3 * DAY, kind="police", made_with="Testshire Police", outcome="No trace"
    )
    sibling.restricted = True
    sibling.save(update_fields=["restricted"])
    missing.open_missing_education_case(worker, sibling, opened_on=TODAY() - 5 * DAY, source="agency")
    client.force_login(ewo)
    response = client.get(reverse("education:missing"))
    page = text(response)
    assert "Alex Testchild" in page
    assert "Sam Testchild" not in page
    assert [c.pk for c in response.context["cases"]] == [shown_case.pk]
    assert "1 case." in page
    assert (TODAY() - 3 * DAY).strftime("%-d %B %Y") in page
    assert viewed(ewo, "Viewed the children missing education list (open cases)")
    # Named on the restriction: listed.
    RestrictedAccess.objects.create(person=sibling, user=ewo)
    assert len(client.get(reverse("education:missing")).context["cases"]) == 2
    # The closed filter.
    missing.close_missing_education_case(worker, shown_case, closed_on=TODAY(), reason="died")
    closed = client.get(reverse("education:missing") + "?status=closed")
    assert [c.pk for c in closed.context["cases"]] == [shown_case.pk]


def test_who_may_use_the_pages(client, user, dsl, worker, child, school_list):
    case = missing.open_missing_education_case(worker, child, opened_on=TODAY() - 10 * DAY, source="agency")
    # A social worker is not on the education team's list.
    client.force_login(worker)
    assert client.get(reverse("education:missing")).status_code == 403
    # A partner practitioner reads (if they may see the child) but does not change.
    client.force_login(dsl)
    assert client.get(reverse("education:missing_enquiry", args=[case.pk])).status_code == 403
    assert client.get(reverse("education:missing_open", args=[child.pk])).status_code == 403
    # A social worker of another authority: the same 404 as a case that does not exist.
    client.force_login(user(User.Role.SOCIAL_WORKER, agency=None, team=None))
    assert client.get(reverse("education:missing_case", args=[case.pk])).status_code == 404
