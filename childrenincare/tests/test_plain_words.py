"""Plain words first: the pages a practitioner reads about a child (the care record, the case
page, the child protection plan, the person's record) show every code as its words. A code may
appear only as secondary text after its words (the grey `app-secondary-code` text that
`kernel.codelists.in_words` makes) or inside a details element (the SSDA903 codes of the care
episodes); roles are shown by their label."""

import datetime
import re

import lxml.html
import pytest
from django.urls import reverse

from audit.services import record
from childprotection import services as child_protection
from childprotection.models import ChildProtectionPlan, Section47Enquiry
from childrenincare.testing import looked_after
from kernel import codelists
from partners.models import User
from testing import builders
from testing.builders import MINIMUM_ATTENDEES

TODAY = datetime.date.today


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


SECONDARY = (
    '//details | //head | //script | //*[contains(concat(" ", normalize-space(@class), " "), " app-secondary-code ")]'
)


def primary_text(html: str) -> str:
    """The page's text a reader sees first: without details elements and the grey code hints."""
    tree = lxml.html.fromstring(html)
    for element in tree.xpath(SECONDARY):
        element.drop_tree()
    return " ".join(tree.text_content().split())


def secondary_text(html: str) -> str:
    tree = lxml.html.fromstring(html)
    return " ".join(" ".join(e.text_content().split()) for e in tree.xpath(SECONDARY))


def assert_in_words(html: str, codes: dict[str, str]) -> None:
    """Each code's words are on the page, and the code itself only in secondary markup."""
    first = primary_text(html)
    for code, slug in codes.items():
        words = codelists.label(slug, code)
        assert words != code, f"{code} is not in {slug}"
        assert words.lower() in first.lower(), f"The words for {code} ({words}) are not on the page"
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", first), f"{code} is shown bare: {first}"


@pytest.fixture
def child_protection_plan(worker, manager, chair, child):
    episode = builders.allocated_episode(worker, manager, child, days_ago(40), primary_need="N4")
    child_protection.hold_strategy_discussion(
        worker,
        held_at=builders_at(days_ago(30)),
        children=[(episode, "s47", "")],
        attendees=MINIMUM_ATTENDEES,
        information_shared="Shared",
        police_decision="investigation",
        chair=worker,
    )
    enquiry = Section47Enquiry.objects.get(episode=episode)
    child_protection.record_enquiry_outcome(
        worker, enquiry, outcome="icpc", outcome_date=days_ago(25), findings="Found"
    )
    child_protection.hold_conference(
        worker,
        kind="initial",
        held_on=days_ago(20),
        chair=chair,
        children=[
            {"episode": episode, "decision": "plan", "category": "NEG", "reasons": "Harm", "late_reason": "Late"}
        ],
    )
    return ChildProtectionPlan.objects.get(episode=episode)


def builders_at(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_the_care_record_shows_legal_status_placement_and_need_in_words(signed_in, worker, manager, child):
    builders.allocated_episode(worker, manager, child, days_ago(60))
    period = looked_after(worker, child, days_ago(50), legal_status="V2", category_of_need="N1")
    html = signed_in.get(reverse("childrenincare:period", args=[period.pk])).content.decode()
    assert_in_words(html, {"V2": "legal-status", "U6": "placement-type", "N1": "primary-need"})
    # The SSDA903 codes are there for whoever checks the return, inside a details element.
    assert "SSDA903 codes" in html
    codes = secondary_text(html)
    assert "DECOM" in codes
    assert re.search(r"\bV2\b", codes)
    assert "DECOM" not in primary_text(html)

    # The child's record (its key facts) shows them in words too.
    html = signed_in.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert_in_words(html, {"V2": "legal-status", "U6": "placement-type"})

    # A form page about the period shows the same rows in words.
    html = signed_in.get(reverse("childrenincare:legal-status", args=[period.pk])).content.decode()
    assert_in_words(html, {"V2": "legal-status", "U6": "placement-type", "N1": "primary-need"})


def test_the_case_and_plan_pages_show_need_and_category_in_words(signed_in, child_protection_plan, child):
    html = signed_in.get(reverse("familyhelp:case", args=[child.pk])).content.decode()
    assert_in_words(html, {"N4": "primary-need", "NEG": "category-of-abuse"})
    assert "Police" in primary_text(html)  # who referred: referral source 6
    html = signed_in.get(reverse("childprotection:plan", args=[child_protection_plan.pk])).content.decode()
    assert_in_words(html, {"NEG": "category-of-abuse"})


def test_the_record_shows_roles_by_their_label(client, user, team, child, worker, manager):
    builders.allocated_episode(worker, manager, child, days_ago(10))
    head = user(User.Role.HEAD_OF_SERVICE, team=team)
    record(head, "view", obj=child, person=child, summary="Viewed the record")
    client.force_login(manager)
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Head of service" in primary_text(html)
    assert "Head of service, Testshire County Council" in html
    assert "head_of_service," not in html  # the role as stored (the username is head_of_service-n)
    html = client.get(reverse("audit:report")).content.decode()
    assert "Head of service, Testshire County Council" in html
    assert "head_of_service," not in html


def test_a_code_is_shown_as_its_words_with_the_code_as_a_hint():
    shown = codelists.in_words("legal-status", "C2")
    assert primary_text(f"<p>{shown}</p>") == "Full care order"
    assert secondary_text(f"<p>{shown}</p>") == "(C2)"
    assert codelists.in_words("legal-status", "ZZ") == "ZZ"  # a code the list does not know
    assert codelists.in_words("legal-status", "") == ""
