"""Every URL and API route, for every role and for signed-out visitors.

The expected rows below are written out by hand, not derived from the code: widening a
rule, or adding a route with no rule, makes this test fail until someone decides (here)
who should have it.
"""

import datetime
import importlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from kernel.access import RULES, rule_of
from partners.models import User
from people.models import Involvement
from people.services import record_person

R = User.Role
ANONYMOUS = "signed out"
ROLES = [ANONYMOUS] + list(R)

# Who each rule lets in. Signed-out visitors only ever get "public".
EXPECTED = {
    "public": set(ROLES),
    "signed_in": set(R),
    # The business unit and the scrutineer hold grants in the matrix's world (an audit's auditor,
    # a review's reviewer: matrix_partnership_audits, matrix_partnership), so they read records.
    "case_work": {
        R.PARTNERSHIP_OFFICER,
        R.SCRUTINEER,
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.FAMILY_HELP_LEAD,
        R.PARTNER_PRACTITIONER,
    },
    "case_change": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.FAMILY_HELP_LEAD,
    },
    "front_door": {R.MASH_PRACTITIONER, R.MASH_MANAGER, R.TEAM_MANAGER, R.HEAD_OF_SERVICE, R.SOCIAL_WORKER},
    "contact_submit": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.FAMILY_HELP_LEAD,
        R.PARTNER_PRACTITIONER,
    },
    "agency_checks": {R.PARTNER_PRACTITIONER},
    "timescales": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
    },
    "service_timescales": {R.TEAM_MANAGER, R.HEAD_OF_SERVICE, R.MASH_MANAGER},
    "access_oversight": {R.TEAM_MANAGER, R.HEAD_OF_SERVICE, R.MASH_MANAGER},
    "statutory_returns": {R.ANALYST, R.HEAD_OF_SERVICE},
    "statistics": {R.ANALYST, R.HEAD_OF_SERVICE, R.TEAM_MANAGER, R.MASH_MANAGER},
    "administration": {R.ADMINISTRATOR},
}

# Each module's part of the world (a file beside this one): `history(world)` makes its records
# and returns {URL parameter name: value}; `EXPECTED` holds the rows of any rules it adds.
MODULES = [
    "matrix_early_help",
    "matrix_leaving_care",
    "matrix_adoption",
    "matrix_pre_proceedings",
    "matrix_frontdoor",
    "matrix_accounts",
    "matrix_education",
    "matrix_exploitation",
    "matrix_partnership",
    "matrix_partnership_voice",
    "matrix_networks",
    "matrix_partnership_audits",
    "matrix_sharing",
    "matrix_linkage",
    "matrix_merging",
]
for _module in MODULES:
    EXPECTED.update(getattr(importlib.import_module(f"kernel.tests.{_module}"), "EXPECTED", {}))


def routes():
    """(route pattern, view, url name) for every route of the site, admin included."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback, entry.name

    return list(walk(get_resolver().url_patterns))


def site_routes():
    """The routes outside the Django admin (the admin is checked as a whole: /admin/...)."""
    return [(pattern, view, name) for pattern, view, name in routes() if not pattern.startswith("admin/")]


def test_every_route_has_a_known_rule():
    missing = [pattern for pattern, view, _ in routes() if rule_of(view, "/" + pattern) not in RULES]
    assert not missing, f"routes with no access rule (closed to everyone until one is given): {missing}"
    assert set(EXPECTED) >= set(RULES), f"rules with no expected row in this test: {set(RULES) - set(EXPECTED)}"


def test_a_route_without_a_rule_is_closed_to_everyone(client, user, settings):
    settings.ROOT_URLCONF = "kernel.tests.urls_without_rule"
    client.force_login(user(R.HEAD_OF_SERVICE))
    assert client.get("/no-rule/").status_code == 403
    assert client.get("/api/no-rule/").status_code == 403


@pytest.fixture
def world(db, user):
    """A user of every role, and a child and an adult that each user's team or agency is
    involved with, so that only the route rules decide."""
    child = record_person(
        None, kind="child", given_names="Matrix", family_name="Child", date_of_birth=datetime.date(2015, 5, 5)
    )
    adult = record_person(
        None, kind="adult", given_names="Matrix", family_name="Adult", date_of_birth=datetime.date(1985, 5, 5)
    )
    users = {}
    for role in R:
        someone = user(role, is_staff=(role == R.ADMINISTRATOR))
        users[role] = someone
        for person in (child, adult):
            Involvement.objects.create(
                person=person,
                agency=someone.agency,
                team=someone.team,
                worker=someone,
                kind="Matrix",
                start_date=datetime.date(2024, 1, 1),
            )
    # A contact about the child, with a check, an attachment and a decision against the
    # published threshold document, so the front door's routes have records to show.
    from frontdoor import services as front_door
    from frontdoor.models import AgencyCheck, Contact

    mash = users[R.MASH_PRACTITIONER]
    document = front_door.load_threshold_document(mash)
    contact = front_door.receive_contact(
        mash,
        channel=Contact.Channel.PHONE,
        source="6",
        concerns="Matrix concerns",
        consent=Contact.Consent.NOT_NEEDED,
        referrer_name="Matrix Officer",
        people=[front_door.PersonDetails(person=child)],
        files=[("note.txt", b"A synthetic note for the matrix test.")],
    )
    check = front_door.request_check(mash, contact, AgencyCheck.Kind.POLICE)
    world = {
        "child": child,
        "adult": adult,
        "users": users,
        "contact": contact,
        "check": check,
        "attachment": contact.attachments.get(),
        "document": document,
    }
    world.update(_case_history(child, users))
    world.update(_missing_history(child, users))
    world.update(_care_history(child, adult, world["episode"], users))
    world.update(_kinship_history(child, users))
    world["values"] = {}
    for module in MODULES:
        world["values"].update(importlib.import_module(f"kernel.tests.{module}").history(world))
    return world


def _case_history(child, users):
    """The child's case through assessment, a child in need plan, a strategy discussion, a
    section 47 enquiry and an initial conference to a child protection plan, for the
    case-work routes."""
    from childprotection import services as child_protection
    from childprotection.models import ChildProtectionPlan, MultiAgencyChildProtectionTeam, Section47Enquiry
    from familyhelp import services as family_help
    from familyhelp.testing import open_episode

    worker, manager, chair = users[R.SOCIAL_WORKER], users[R.TEAM_MANAGER], users[R.CONFERENCE_CHAIR]
    today = datetime.date.today()
    start = today - datetime.timedelta(days=40)
    episode = open_episode(worker, child, start)
    family_help.allocate(manager, episode, team=worker.team, worker=worker, on=start)
    assessment = family_help.start_assessment(worker, episode, start_date=start)
    family_help.complete_assessment(
        worker,
        assessment,
        factors=["16A"],
        outcome="cin_plan",
        summary="Matrix analysis",
        completed_date=start + datetime.timedelta(days=5),
    )
    family_help.authorise_assessment(manager, assessment, authorised_date=start + datetime.timedelta(days=6))
    cin_plan = family_help.start_cin_plan(
        worker,
        episode,
        start_date=start + datetime.timedelta(days=7),
        services="Matrix services",
        outcomes=[("Matrix outcome", "")],
    )
    discussion = child_protection.hold_strategy_discussion(
        worker,
        held_at=timezone.now() - datetime.timedelta(days=20),
        children=[(episode, "s47", "")],
        attendees=[
            {"name": "Matrix SW", "agency_kind": "local_authority"},
            {"name": "Matrix PC", "agency_kind": "police"},
            {"name": "Matrix HV", "agency_kind": "health"},
        ],
        information_shared="Matrix information",
        police_decision="none",
        chair=manager,
        late_reason="Matrix",
    )
    enquiry = Section47Enquiry.objects.get(episode=episode)
    child_protection.record_enquiry_outcome(
        worker, enquiry, outcome="icpc", outcome_date=today - datetime.timedelta(days=15), findings="Matrix findings"
    )
    conference = child_protection.hold_conference(
        worker,
        kind="initial",
        held_on=today - datetime.timedelta(days=10),
        chair=chair,
        children=[
            {"episode": episode, "decision": "plan", "category": "NEG", "reasons": "Matrix", "late_reason": "Matrix"}
        ],
    )
    macpt = MultiAgencyChildProtectionTeam.objects.create(name="Matrix MACPT")
    return {
        "episode": episode,
        "assessment": assessment,
        "cin_plan": cin_plan,
        "discussion": discussion,
        "enquiry": enquiry,
        "conference": conference,
        "plan": ChildProtectionPlan.objects.get(episode=episode),
        "team": worker.team,
        "macpt": macpt,
    }


def _missing_history(child, users):
    """A missing episode the child came back from, with its return interview offered, for the
    exploitation routes."""
    from exploitation import services as missing

    worker, now = users[R.SOCIAL_WORKER], timezone.now()
    episode = missing.report_missing(
        worker,
        child,
        kind="M",
        missing_from="home",
        started_at=now - datetime.timedelta(hours=30),
        ended_at=now - datetime.timedelta(hours=6),
        where_found="Matrix park",
    )
    missing.offer_return_interview(worker, episode, offered_at=now - datetime.timedelta(hours=5))
    return {"missing": episode}


def _care_history(child, adult, episode, users):
    """The child looked after, with a return-home decision, a household member, support, an
    approval asked for and a monitored earlier return with a flag, for the children-in-care
    routes."""
    from childrenincare import services as care
    from childrenincare.models import Approval, MonitoringFlag, ReturnHomeMonitoring
    from childrenincare.return_home import services as reunification
    from childrenincare.testing import foster_placement

    worker, today = users[R.SOCIAL_WORKER], datetime.date.today()
    period = care.become_looked_after(
        worker,
        episode,
        on=today - datetime.timedelta(days=30),
        legal_status="V2",
        placement=foster_placement(),
        category_of_need="N1",
    )
    decision = reunification.start_decision(
        worker,
        period,
        route="A",
        proposed_date=today,
        proposed_home="Matrix home",
        reasons="Matrix reasons",
        carers=[adult],
    )
    support = reunification.add_support(
        worker, decision, what="Matrix support", who="Matrix team", until=today + datetime.timedelta(days=90)
    )
    approval = Approval.objects.create(period=period, kind=Approval.Kind.CEASE, requested_by=worker, requested_on=today)
    monitoring = ReturnHomeMonitoring.objects.create(
        person=child, period=period, returned_on=today, until=today, team=worker.team
    )
    flag = MonitoringFlag.objects.create(
        monitoring=monitoring,
        kind=MonitoringFlag.Kind.RE_REFERRAL,
        occurred_on=today,
        subject_type=ContentType.objects.get_for_model(episode),
        subject_id=episode.pk,
    )
    return {
        "period": period,
        "decision": decision,
        "member": decision.household.get(),
        "support": support,
        "approval": approval,
        "flag": flag,
    }


def _kinship_history(child, users):
    """A connected-person carer and someone in the child's family network, for the kinship routes."""
    from childrenincare.kinship import services as kinship

    worker = users[R.SOCIAL_WORKER]
    carer = kinship.add_carer(
        worker, kind="connected", name="Matrix Kin", provider="PR1", relationship_to_child="Matrix aunt"
    )
    member = kinship.add_family_network_member(
        worker, child, name="Matrix Uncle", relationship="Uncle", role="possible_carer"
    )
    return {"carer": carer, "network_member": member}


def concrete(pattern, world):
    """A URL for a route pattern, with ids of the world's records."""
    child, adult = world["child"], world["adult"]
    values = {
        "person_id": child.pk,
        "related_id": adult.pk,
        "identifier": child.identifiers.get(id_type="CI").value,
        "contact_id": world["contact"].pk,
        "check_id": world["check"].pk,
        "attachment_id": world["attachment"].pk,
        "document_id": world["document"].pk,
        "episode_id": world["episode"].pk,
        "assessment_id": world["assessment"].pk,
        "cin_plan_id": world["cin_plan"].pk,
        "discussion_id": world["discussion"].pk,
        "enquiry_id": world["enquiry"].pk,
        "conference_id": world["conference"].pk,
        "plan_id": world["plan"].pk,
        "team_id": world["team"].pk,
        "macpt_id": world["macpt"].pk,
    }
    values["missing_id"] = world["missing"].pk
    values.update({"carer_id": world["carer"].pk, "network_member_id": world["network_member"].pk})
    values.update(
        {
            "period_id": world["period"].pk,
            "decision_id": world["decision"].pk,
            "gate": "iro-consulted",
            "member_id": world["member"].pk,
            "item_id": world["support"].pk,
            "approval_id": world["approval"].pk,
            "flag_id": world["flag"].pk,
            "year": 2026,
            # The returns' tables, sections and background jobs (a job or run that is not the
            # user's is a 404 after the route's rule has let them in).
            "name": "header",
            "section": "looked-after",
            "job_id": 999999,
            "run_id": 999999,
            # A contact's question page (a draft that does not exist: the rule is checked first).
            "draft_id": "00000000-0000-4000-8000-000000000000",
            "page": "concerns",
        }
    )
    values.update(world["values"])
    url = "/" + pattern
    for name, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    assert "<" not in url, f"the matrix test needs a value for a parameter of {pattern}"
    return url


def denied(response, role, is_api):
    if role == ANONYMOUS:
        if is_api:
            return response.status_code in (401, 403)
        return response.status_code == 302 and "/sign-in/" in response["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES, ids=lambda role: str(role))
def test_access_matrix(client, world, role):
    if role != ANONYMOUS:
        client.force_login(world["users"][role])
    wrong = []
    checks = [(pattern, view) for pattern, view, _ in site_routes()] + [("admin/", None)]
    for pattern, view in checks:
        url = concrete(pattern, world)
        name = rule_of(view, url) if view else "administration"
        response = client.get(url)
        is_api = url.startswith("/api/")
        should_allow = role in EXPECTED[name]
        if should_allow and denied(response, role, is_api):
            wrong.append(f"{url} ({name}) refused {role}: {response.status_code}")
        if not should_allow and not denied(response, role, is_api):
            wrong.append(f"{url} ({name}) let {role} in: {response.status_code}")
        if should_allow and response.status_code >= 500:
            wrong.append(f"{url} failed for {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
