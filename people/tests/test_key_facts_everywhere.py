"""The key-facts banner is at the top of every page about a child, and on no page for a viewer
who may not see the child in full (people.keyfacts, people/templatetags/key_facts.py).

The walk is systematic: every route of the site whose URL names a child's record (the person,
their episode, plan, period of care, care leaver record, missing episode...) is asked for with
the access matrix's world (kernel/tests/test_access_matrix.py: a child on a child protection
plan who is also looked after, with every stage's records), so a new page about a child without
the banner fails here. Every URL parameter of the site must be sorted into one of the sets
below, so a route with a new kind of parameter fails until someone says whether it is about a
child. Pages about several children (a strategy discussion, a conference) show a compact
banner for each, checked with two children: one on a plan, one looked after.

Everyone here is synthetic.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kernel.tests.test_access_matrix import R, concrete, site_routes, world  # noqa: F401 (the fixture)
from partners.models import User
from people.keyfacts import key_facts
from testing import builders

# URL parameters naming a record about one child: a page with one of them is about that child.
ABOUT_A_CHILD = {
    "person_id",
    "episode_id",
    "assessment_id",
    "cin_plan_id",
    "enquiry_id",
    "plan_id",
    "pre_proceedings_id",
    "missing_id",
    "period_id",
    "approval_id",
    "decision_id",
    "member_id",
    "item_id",
    "flag_id",
    "network_member_id",
    "early_help_id",
    "eh_assessment_id",
    "eh_plan_id",
    "eh_contact_id",
    "eh_referral_id",
    "care_leaver_id",
    "adoption_decision_id",
    # Education: a request for consent to home educate, an entry on the not in school register,
    # a child missing education case.
    "consent_id",
    "entry_id",
    "case_id",
    # Exploitation: a referral to the National Referral Mechanism.
    "nrm_id",
    # The safeguarding partnership: a child's case in a multi-agency audit's sample (its answers,
    # shown to those who hold the child's full record while the audit lasts).
    "audit_case_id",
}
# Records about several children at once: each child gets a compact banner.
# Merging people: a merge (proposed, carried out or undone) and a pair of likely duplicates are
# about both records.
ABOUT_SEVERAL_CHILDREN = {"discussion_id", "conference_id", "merge_id", "pair_id"}
# Parameters that only choose a part of a page named by another one.
# (`other_id`: the other record of two compared to merge; the page is about both, `person_id`
# first, and shows a compact banner for each.)
PARTS = {"gate", "year", "adoption_step", "related_id", "other_id"}
# Parameters naming something that is not one child's record: a contact to the front door (its
# people may not be matched to a record yet) and the checks and files on it, a carer, a
# household of adopters, a team, the threshold document, a user's account, a set-up link, an
# API call, a return's background job, table, sector run or statistics section, a draft contact
# and its pages.
NOT_ABOUT_A_CHILD = {
    # A worker's notice (sharing): marking it read redirects to the notices page.
    "sharing_notice_id",
    "contact_id",
    "check_id",
    "attachment_id",
    "document_id",
    "team_id",
    "macpt_id",
    "carer_id",
    "adopter_household_id",
    "adopter_stage",
    "account_id",
    "token",
    "identifier",
    "submission_id",
    "job_id",
    "name",
    "run_id",
    "section",
    # A partner's contact being written: its child is not a record yet.
    "draft_id",
    "page",
    # The safeguarding partnership's records: a serious incident names its children (by name only,
    # through people.access.shown, to users who may open no child's record), but it is the
    # partnership's record, not a child's case; the requests, reviews, recommendations and the
    # published arrangements name no child.
    "incident_id",
    "request_id",
    "review_id",
    "recommendation_id",
    "arrangements_id",
    # The yearly report and its figures (counts only), and a review's grant of access to its
    # children's records (its page names who was given access, not the children).
    "report_id",
    "slug",
    "access_id",
    # A multi-agency audit (its sample names children only as people.access.shown allows) and its
    # actions.
    "audit_id",
    "audit_action_id",
    # The partnership's feedback themes and training (feedback is anonymous: no child's record).
    "voice_theme_id",
    "training_course_id",
    "training_session_id",
    # A school's deregistration notice: the child may not be matched to a record yet.
    "notice_id",
    # Exploitation intelligence: a place, a group, police intelligence waiting for review (its
    # child is not matched yet), a MACE panel and meeting (the meeting shows a compact banner for
    # each child on its agenda the viewer may see in full), and an agenda item (a child, a place
    # or a group; its pages are forms about the meeting), and a plan for a place or group (it lists
    # the children linked to its context that the viewer may see, as the place's page does).
    "place_id",
    "group_id",
    "intelligence_id",
    "mace_panel_id",
    "mace_meeting_id",
    "mace_item_id",
    "context_plan_id",
    # Record linkage: a partner's record to review shows a compact banner for each candidate child
    # the reviewer may see in full (front-door staff and the head of service: social workers may
    # not open it, so it is tested in linkage/tests/test_review_pages.py), and a partner's feed
    # (counts only).
    "partner_record_id",
    "linkage_submission_id",
}
BANNER = 'data-testid="key-facts"'


def _parameters(pattern):
    return set(re.findall(r"<(?:\w+:)?(\w+)>", pattern))


def _child_pages():
    """The site's HTML routes whose URL names one child's record or several children's."""
    pages = []
    for pattern, _view, name in site_routes():
        found = _parameters(pattern)
        if pattern.startswith("api/") or not found & (ABOUT_A_CHILD | ABOUT_SEVERAL_CHILDREN):
            continue
        pages.append((name, pattern))
    return pages


def banner_of(page):
    """The banner's markup, or "" when the page has none."""
    if BANNER not in page:
        return ""
    start = page.rindex("<section", 0, page.index(BANNER))
    return page[start : page.index("</section>", start)]


def test_every_url_parameter_is_sorted_into_about_a_child_or_not():
    known = ABOUT_A_CHILD | ABOUT_SEVERAL_CHILDREN | PARTS | NOT_ABOUT_A_CHILD
    unknown = {(param, pattern) for pattern, _, _ in site_routes() for param in _parameters(pattern) - known}
    assert not unknown, f"say whether these pages are about a child (and give them the banner): {sorted(unknown)}"
    assert len(_child_pages()) > 90  # the walk below is the whole site, not a handful


def test_every_page_about_a_child_shows_the_banner_first(client, world):  # noqa: F811 (the fixture)
    child = world["child"]
    worker = world["users"][R.SOCIAL_WORKER]
    facts = key_facts(worker, child)
    assert facts.has("cp_plan")
    assert facts.has("looked_after")
    client.force_login(worker)
    wrong, walked = [], 0
    for name, pattern in _child_pages():
        url = concrete(pattern, world)
        response = client.get(url, follow=True)  # the care leaver's person page goes to the record
        if response.status_code != 200:
            wrong.append(f"{url} ({name}) answered {response.status_code}")
            continue
        walked += 1
        page = response.content.decode()
        banner = banner_of(page)
        if not banner:
            wrong.append(f"{url} ({name}) has no key-facts banner")
            continue
        if f'data-person="{child.pk}"' not in banner:
            wrong.append(f"{url} ({name}) shows the banner of someone else")
        for words in ("Child protection plan", "neglect", "Looked after", "section 20"):
            if words not in banner:
                wrong.append(f"{url} ({name}): the banner does not say {words!r}")
        if page.index(BANNER) > page.index("<h1"):
            wrong.append(f"{url} ({name}): the banner is not above the heading")
    assert not wrong, "\n".join(wrong)
    assert walked == len(_child_pages())


def test_no_banner_for_a_viewer_who_may_not_see_the_child_in_full(client, world, user, la):  # noqa: F811
    """A social worker of a team not involved sees the child's index entry and the break-glass
    page, with no key facts on either, and no other page of the child's."""
    child = world["child"]
    stranger = user(R.SOCIAL_WORKER, team=builders.team(la, name="A team not involved"))
    police = user(R.PARTNER_PRACTITIONER, agency=builders.police(), team=None)  # not involved
    assert not key_facts(stranger, child)
    for viewer in (stranger, police):
        client.force_login(viewer)
        shown = []
        for name, pattern in _child_pages():
            url = concrete(pattern, world)
            response = client.get(url)
            if response.status_code == 200 and BANNER in response.content.decode():
                shown.append(f"{url} ({name})")
        assert not shown, f"{viewer.role} sees key facts on: {shown}"
    client.force_login(stranger)
    for url in (reverse("people:detail", args=[child.pk]), reverse("people:break-glass", args=[child.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert child.full_name in page  # the index entry and the break-glass page name the child
        assert BANNER not in page, url
        assert "Child protection plan" not in page, url


@pytest.fixture
def two_children(worker, manager, chair, child, sibling):
    """Two children in one strategy discussion and one initial conference: the first put on a
    child protection plan (emotional abuse), the second not, and then looked after."""
    from childprotection import services as child_protection
    from childprotection.models import Section47Enquiry
    from childrenincare.testing import looked_after

    today = timezone.localdate()
    first = builders.allocated_episode(worker, manager, child, today - datetime.timedelta(days=60))
    second = builders.allocated_episode(worker, manager, sibling, today - datetime.timedelta(days=60))
    discussion = child_protection.hold_strategy_discussion(
        worker,
        held_at=timezone.now() - datetime.timedelta(days=40),
        children=[(first, "s47", ""), (second, "s47", "")],
        attendees=[
            {"name": "Synthetic SW", "agency_kind": "local_authority"},
            {"name": "Synthetic PC", "agency_kind": "police"},
            {"name": "Synthetic HV", "agency_kind": "health"},
        ],
        information_shared="Synthetic information",
        police_decision="none",
        chair=manager,
        late_reason="Synthetic",
    )
    for enquiry in Section47Enquiry.objects.filter(strategy_discussion=discussion):
        child_protection.record_enquiry_outcome(
            worker, enquiry, outcome="icpc", outcome_date=today - datetime.timedelta(days=35), findings="Synthetic"
        )
    conference = child_protection.hold_conference(
        worker,
        kind="initial",
        held_on=today - datetime.timedelta(days=30),
        chair=chair,
        children=[
            {"episode": first, "decision": "plan", "category": "EMO", "reasons": "Synthetic", "late_reason": "x"},
            {"episode": second, "decision": "no_plan", "category": "", "reasons": "Synthetic", "late_reason": "x"},
        ],
    )
    looked_after(worker, sibling, today - datetime.timedelta(days=20), legal_status="C2", episode=second)
    return {"discussion": discussion, "conference": conference}


def test_a_page_about_several_children_shows_a_compact_banner_for_each(client, worker, child, sibling, two_children):
    from partners.testing import verified_login

    verified_login(client, worker)
    for url in (
        reverse("childprotection:strategy", args=[two_children["discussion"].pk]),
        reverse("childprotection:conference", args=[two_children["conference"].pk]),
    ):
        page = client.get(url).content.decode()
        banner = banner_of(page)
        assert "Key facts about the children" in banner, url
        blocks = banner.split('class="app-key-facts__child"')[1:]
        assert len(blocks) == 2, url
        first, second = blocks
        assert f'data-person="{child.pk}"' in first
        assert child.full_name in first
        assert "Child protection plan" in first
        assert "emotional abuse" in first
        assert "Looked after" not in first
        assert f'data-person="{sibling.pk}"' in second
        assert sibling.full_name in second
        assert "Looked after" in second
        assert "Full care order" in second
        assert "Child protection plan" not in second
        assert page.index(BANNER) < page.index("<h1")


def test_a_page_about_several_children_leaves_out_those_the_viewer_may_not_see(
    client, worker, child, sibling, two_children, user, la
):
    """The pages about several children are refused whole to a viewer who may not see one of
    them (childprotection.views._all_visible), so no banner names a child the viewer may not
    see; the tag itself gives none for such a child either."""
    from django.template import Context, Template
    from django.test import RequestFactory

    stranger = user(User.Role.SOCIAL_WORKER, team=builders.team(la, name="Another team"))
    request = RequestFactory().get("/")
    template = Template("{% load key_facts %}{% key_facts people %}")
    for viewer, shown in ((worker, {child.pk, sibling.pk}), (stranger, set())):
        request.user = viewer
        html = template.render(Context({"request": request, "people": [child, sibling]}))
        assert set(map(int, re.findall(r'class="app-key-facts__child" data-person="(\d+)"', html))) == shown
    client.force_login(stranger)
    assert client.get(reverse("childprotection:strategy", args=[two_children["discussion"].pk])).status_code == 404
