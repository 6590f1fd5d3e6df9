"""The child-protection pages through the Django test client: each page renders, a valid POST
does the thing through the service, a POST that breaks a rule answers 400 with the service's
message in the GOV.UK error summary and saves nothing, and who may see which record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from childprotection import services
from childprotection.models import (
    ChildProtectionPlan,
    Conference,
    CoreGroupMeeting,
    CoreGroupMember,
    MACPTMember,
    MultiAgencyChildProtectionTeam,
    Section47Enquiry,
    StrategyDiscussion,
)
from familyhelp import services as family_help
from familyhelp.testing import open_episode
from partners.models import User
from people.services import record_relationship
from testing import builders
from testing.builders import MINIMUM_ATTENDEES
from testing.pages import date_data, problem, text

TODAY = datetime.date.today


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def episode(worker, manager, team, child):
    """The child's open episode, allocated to the worker's team (which gives them the record)."""
    return builders.allocated_episode(worker, manager, child, days_ago(30))


@pytest.fixture
def household(worker, manager, team, child, sibling):
    """Two children of a household (recorded siblings), each with an allocated open episode."""
    episodes = builders.allocated_episode(worker, manager, child, days_ago(30), household=[sibling])
    record_relationship(None, child, sibling, relationship="sibling")
    return episodes


def discuss(worker, episodes, day=None):
    return services.hold_strategy_discussion(
        worker,
        held_at=at(day or days_ago(20)),
        children=[(e, "s47", "") for e in episodes],
        attendees=MINIMUM_ATTENDEES,
        information_shared="Shared",
        police_decision="investigation",
        chair=worker,
    )


@pytest.fixture
def enquiry(worker, episode):
    discuss(worker, [episode])
    return Section47Enquiry.objects.get(episode=episode)


@pytest.fixture
def plan(worker, chair, enquiry, episode):
    services.record_enquiry_outcome(worker, enquiry, outcome="icpc", outcome_date=days_ago(15), findings="Found")
    services.hold_conference(
        worker,
        kind="initial",
        held_on=days_ago(10),
        chair=chair,
        children=[
            {
                "episode": episode,
                "decision": "plan",
                "category": "NEG",
                "reasons": "Significant harm",
                "late_reason": "Late",
            }
        ],
    )
    return ChildProtectionPlan.objects.get(episode=episode)


def strategy_data(episodes, manager, held=None, attendees=MINIMUM_ATTENDEES, **extra):
    held = held or days_ago(2)
    data = {
        **date_data("held_at", held),
        "held_time": "14:30",
        "chair": str(manager.pk),
        "children": [str(e.pk) for e in episodes],
        "information_shared": "What each agency knows",
        "police_decision": "investigation",
        "late_reason": "",
    }
    for e in episodes:
        data[f"decision_{e.pk}"] = "s47"
        data[f"reason_{e.pk}"] = "Reasonable cause to suspect significant harm"
    for number, attendee in enumerate(attendees, start=1):
        data[f"attendee_{number}_name"] = attendee["name"]
        data[f"attendee_{number}_role"] = attendee.get("role", "")
        data[f"attendee_{number}_agency_kind"] = attendee["agency_kind"]
    data.update(extra)
    return data


# --- Strategy discussions -----------------------------------------------------------------


class TestStrategyDiscussion:
    def test_the_form_offers_the_household_children_with_open_episodes(self, signed_in, household):
        response = signed_in.get(reverse("childprotection:strategy-new", args=[household[0].pk]))
        assert response.status_code == 200
        page = text(response)
        assert "Record a strategy discussion" in page
        assert "Alex Testchild" in page
        assert "Sam Testchild" in page
        assert response.context["form"]["children"].value() == [str(household[0].pk)]
        # Rows start with the agencies the guidance expects.
        assert [response.context["form"][f"attendee_{n}_agency_kind"].value() for n in (1, 2, 3, 4)] == [
            "local_authority",
            "police",
            "health",
            "education",
        ]

    def test_one_discussion_for_two_children_starts_two_enquiries(self, signed_in, household, manager):
        response = signed_in.post(
            reverse("childprotection:strategy-new", args=[household[0].pk]), strategy_data(household, manager)
        )
        discussion = StrategyDiscussion.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("childprotection:strategy", args=[discussion.pk])
        assert sorted(e.person.given_names for e in Section47Enquiry.objects.all()) == ["Alex", "Sam"]
        assert discussion.attendees.count() == 3
        assert discussion.children.count() == 2
        assert timezone.localtime(discussion.held_at).time() == datetime.time(14, 30)
        page = text(signed_in.get(response["Location"]))
        assert "2 section 47 enquiries started" in page
        assert "Section 47 enquiry for Sam Testchild" in page
        assert "Detective constable" in page

    def test_a_discussion_about_harm_outside_the_home_shows_on_the_enquiry(self, signed_in, episode, manager):
        url = reverse("childprotection:strategy-new", args=[episode.pk])
        assert "Child criminal exploitation" in text(signed_in.get(url))
        refused = signed_in.post(url, strategy_data([episode], manager, harm_outside_home="yes"))
        assert "Select the kind of harm outside the home" in problem(refused)
        assert not StrategyDiscussion.objects.exists()
        response = signed_in.post(
            url, strategy_data([episode], manager, harm_outside_home="yes", harm_outside_home_types=["11A", "24A"])
        )
        assert response.status_code == 302
        page = text(signed_in.get(response["Location"]))
        assert "Yes: Child sexual exploitation, Child criminal exploitation" in page
        enquiry = Section47Enquiry.objects.get()
        page = text(signed_in.get(reverse("childprotection:enquiry", args=[enquiry.pk])))
        assert "Yes: Child sexual exploitation, Child criminal exploitation" in page
        assert "Local authority children&#x27;s social care, Police, Health" in page

    def test_without_police_or_health_nothing_is_saved(self, signed_in, episode, manager):
        response = signed_in.post(
            reverse("childprotection:strategy-new", args=[episode.pk]),
            strategy_data([episode], manager, attendees=MINIMUM_ATTENDEES[:1]),
        )
        assert "add someone from police, health" in problem(response)
        assert not StrategyDiscussion.objects.exists()
        assert not Section47Enquiry.objects.exists()

    def test_not_in_the_future(self, signed_in, episode, manager):
        response = signed_in.post(
            reverse("childprotection:strategy-new", args=[episode.pk]),
            strategy_data([episode], manager, held=TODAY() + datetime.timedelta(days=2)),
        )
        assert "cannot be in the future" in problem(response)
        assert not StrategyDiscussion.objects.exists()

    def test_a_late_discussion_needs_its_reason(self, signed_in, worker, manager, team, child):
        late = open_episode(worker, child, days_ago(20), strategy_discussion_needed=True)
        family_help.allocate(manager, late, team=team, worker=worker, on=days_ago(20))
        url = reverse("childprotection:strategy-new", args=[late.pk])
        assert "was due by" in text(signed_in.get(url))
        response = signed_in.post(url, strategy_data([late], manager))
        assert "give the reason it is late" in problem(response)
        assert not StrategyDiscussion.objects.exists()
        response = signed_in.post(url, strategy_data([late], manager, late_reason="Police not available"))
        assert response.status_code == 302
        assert StrategyDiscussion.objects.get().late_reason == "Police not available"

    def test_the_time_is_in_the_24_hour_clock(self, signed_in, episode, manager):
        response = signed_in.post(
            reverse("childprotection:strategy-new", args=[episode.pk]),
            strategy_data([episode], manager, held_time="half two"),
        )
        assert "24-hour clock" in problem(response)

    def test_a_closed_episode_explains_itself(self, signed_in, episode, worker):
        from frontdoor.models import Referral

        Referral.objects.filter(pk=episode.pk).update(closure_date=days_ago(1), closure_reason="RC1")
        response = signed_in.get(reverse("childprotection:strategy-new", args=[episode.pk]))
        assert response.status_code == 200
        assert "was closed on" in text(response)

    def test_a_child_the_user_may_not_see_is_not_found(self, client, user, episode):
        stranger = user(User.Role.PARTNER_PRACTITIONER)
        client.force_login(user(User.Role.SOCIAL_WORKER, team=None))
        assert client.get(reverse("childprotection:strategy-new", args=[episode.pk])).status_code == 404
        assert client.get(reverse("childprotection:strategy-new", args=[999999])).status_code == 404
        client.force_login(stranger)  # partner practitioners do not record discussions (case_change)
        assert client.get(reverse("childprotection:strategy-new", args=[episode.pk])).status_code == 403

    def test_the_record_needs_every_child_visible(self, client, user, worker, household):
        discussion = discuss(worker, household)
        # A partner practitioner whose agency is involved with one child only.
        partner = user(User.Role.PARTNER_PRACTITIONER)
        from people.models import Involvement

        Involvement.objects.create(
            person=household[0].person, agency=partner.agency, kind="Test", start_date=days_ago(5)
        )
        client.force_login(partner)
        assert client.get(reverse("childprotection:strategy", args=[discussion.pk])).status_code == 404
        Involvement.objects.create(
            person=household[1].person, agency=partner.agency, kind="Test", start_date=days_ago(5)
        )
        assert client.get(reverse("childprotection:strategy", args=[discussion.pk])).status_code == 200
        assert client.get(reverse("childprotection:strategy", args=[999999])).status_code == 404


# --- Section 47 enquiries -----------------------------------------------------------------


class TestEnquiry:
    def test_the_page_shows_the_conference_target_and_its_explanation(self, signed_in, enquiry, worker):
        response = signed_in.get(reverse("childprotection:enquiry", args=[enquiry.pk]))
        assert response.status_code == 200
        page = text(response)
        assert f"{enquiry.initial_conference_target:%-d %B %Y}" in page
        assert response.context["target"].explanation in page.replace("&#x27;", "'")
        assert AuditEvent.objects.filter(
            user=worker, action="view", object_id=str(enquiry.pk), person_id=enquiry.person_id
        ).exists()

    def test_assigning_the_lead_practitioner_and_a_complete_team(self, signed_in, enquiry, worker, user):
        team = MultiAgencyChildProtectionTeam.objects.create(name="North MACPT")
        MACPTMember.objects.create(team=team, user=worker, agency_kind="local_authority", start_date=days_ago(100))
        url = reverse("childprotection:enquiry", args=[enquiry.pk])
        assert "missing core members: education, health, police" in text(signed_in.get(url)).lower()
        response = signed_in.post(
            url, {"action": "assign", "assign-lead_practitioner": worker.pk, "assign-macpt": team.pk}
        )
        assert "education, health, police" in problem(response)
        enquiry.refresh_from_db()
        assert enquiry.lead_practitioner is None
        assert enquiry.macpt is None
        for kind in ("education", "health", "police"):
            MACPTMember.objects.create(
                team=team, user=user(User.Role.PARTNER_PRACTITIONER), agency_kind=kind, start_date=days_ago(100)
            )
        response = signed_in.post(
            url, {"action": "assign", "assign-lead_practitioner": worker.pk, "assign-macpt": team.pk}
        )
        assert response.status_code == 302
        enquiry.refresh_from_db()
        assert enquiry.lead_practitioner == worker
        assert enquiry.macpt == team

    def test_recording_the_outcome(self, signed_in, enquiry):
        url = reverse("childprotection:enquiry", args=[enquiry.pk])
        response = signed_in.post(
            url,
            {
                "action": "outcome",
                "outcome-outcome": "icpc",
                **date_data("outcome-outcome_date", TODAY() + datetime.timedelta(days=3)),
                "outcome-findings": "Found",
            },
        )
        assert "cannot be in the future" in problem(response)
        enquiry.refresh_from_db()
        assert enquiry.outcome == ""
        response = signed_in.post(
            url,
            {
                "action": "outcome",
                "outcome-outcome": "icpc",
                **date_data("outcome-outcome_date", TODAY()),
                "outcome-findings": "Found",
            },
        )
        assert response.status_code == 302
        enquiry.refresh_from_db()
        assert enquiry.outcome == "icpc"
        page = text(signed_in.get(url))
        assert "Record the initial child protection conference" in page
        assert "outcome-outcome" not in page

    def test_a_partner_practitioner_reads_but_may_not_change(self, client, user, enquiry):
        partner = user(User.Role.PARTNER_PRACTITIONER)
        from people.models import Involvement

        Involvement.objects.create(person=enquiry.person, agency=partner.agency, kind="Test", start_date=days_ago(5))
        client.force_login(partner)
        url = reverse("childprotection:enquiry", args=[enquiry.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert "assign-lead_practitioner" not in text(response)
        assert client.post(url, {"action": "outcome", "outcome-outcome": "nfa"}).status_code == 403


# --- Conferences --------------------------------------------------------------------------


def conference_data(episodes, chair, held=None, decision="plan", category="NEG", **extra):
    data = {
        **date_data("held_on", held or TODAY()),
        "chair": str(chair.pk),
        "children": [str(e.pk) for e in episodes],
        "parents_participation": "Mother attended",
        "notes": "",
        "participant_1_name": "A Parent",
        "participant_1_role": "Mother",
        "participant_1_agency_kind": "family",
        "participant_1_attendance": "attended",
        "participant_2_name": "A Teacher",
        "participant_2_role": "Class teacher",
        "participant_2_agency_kind": "education",
        "participant_2_attendance": "apologies",
        "participant_2_report_received": "on",
        **date_data("participant_2_invited_on", days_ago(3)),
    }
    for e in episodes:
        data.update(
            {
                f"decision_{e.pk}": decision,
                f"category_{e.pk}": category,
                f"reasons_{e.pk}": "Significant harm",
                f"late_reason_{e.pk}": "Chair not available",
            }
        )
    data.update(extra)
    return data


class TestConference:
    def test_an_initial_conference_starts_a_plan(self, signed_in, worker, chair, enquiry, episode):
        services.record_enquiry_outcome(worker, enquiry, outcome="icpc", outcome_date=days_ago(5), findings="Found")
        url = reverse("childprotection:conference-new", args=[episode.pk])
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "Record an initial child protection conference" in text(response)
        assert "Child protection plan" in text(response)
        assert "Continue the child protection plan" not in text(response)
        response = signed_in.post(url + "?kind=initial", conference_data([episode], chair))
        conference = Conference.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("childprotection:conference", args=[conference.pk])
        plan = ChildProtectionPlan.objects.get(episode=episode)
        assert plan.initial_category == "NEG"
        participant = conference.participants.get(name="A Teacher")
        assert participant.report_received
        assert participant.invited_on == days_ago(3)
        page = text(signed_in.get(response["Location"]))
        assert "Sent apologies" in page
        assert reverse("childprotection:plan", args=[plan.pk]) in page

    def test_no_initial_conference_without_a_section_47_enquiry(self, signed_in, chair, episode):
        url = reverse("childprotection:conference-new", args=[episode.pk]) + "?kind=initial"
        assert "has no section 47 enquiry" in text(signed_in.get(url))
        response = signed_in.post(url, conference_data([episode], chair))
        assert "No initial child protection conference without a section 47 enquiry" in problem(response)
        assert not Conference.objects.exists()
        assert not ChildProtectionPlan.objects.exists()

    def test_a_review_is_the_default_for_a_child_on_a_plan_and_can_end_it(self, signed_in, chair, plan, episode):
        url = reverse("childprotection:conference-new", args=[episode.pk])
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "Record a review child protection conference" in text(response)
        response = signed_in.post(url, conference_data([episode], chair, decision="end", category=""))
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.end_date == TODAY()
        assert plan.end_reason == "no_longer_needed"

    def test_a_transfer_in_conference_asks_where_from(self, signed_in, chair, episode):
        url = reverse("childprotection:conference-new", args=[episode.pk]) + "?kind=transfer_in"
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "transferring_authority" in text(response)
        response = signed_in.post(
            url, conference_data([episode], chair, **date_data("transfer_notified_on", days_ago(5)))
        )
        assert "Enter the authority the child moved from" in problem(response)
        response = signed_in.post(
            url,
            conference_data(
                [episode],
                chair,
                transferring_authority="Otherborough",
                **date_data("transfer_notified_on", days_ago(5)),
            ),
        )
        assert response.status_code == 302
        assert Conference.objects.get().transferring_authority == "Otherborough"
        assert ChildProtectionPlan.objects.filter(episode=episode, end_date__isnull=True).exists()

    def test_the_conference_record_needs_the_child_visible(self, client, user, plan):
        client.force_login(user(User.Role.PARTNER_PRACTITIONER))
        conference = Conference.objects.get()
        assert client.get(reverse("childprotection:conference", args=[conference.pk])).status_code == 404


# --- The plan and its core group ----------------------------------------------------------


class TestPlan:
    def test_the_plan_page(self, signed_in, plan, worker):
        family_help.record_visit(
            worker, plan.episode, kind="child_protection", visit_date=days_ago(1), seen=True, seen_alone=True
        )
        response = signed_in.get(reverse("childprotection:plan", args=[plan.pk]))
        assert response.status_code == 200
        page = text(response)
        assert "Neglect" in page
        assert "First core group" in page or "core group" in page.lower()
        assert any(row["deadline"].rule_slug == "first-core-group" for row in response.context["due"])
        assert response.context["visits"]
        assert "Add a core group member" in page
        assert "End the plan" in page
        for row in response.context["due"]:
            assert row["tag"]["text"] in {"Overdue", "Due soon", "On track"}

    def test_adding_a_partner_practitioner_lets_them_see_the_plan(self, signed_in, client, user, plan):
        teacher = user(User.Role.PARTNER_PRACTITIONER, first_name="Terry", last_name="Teacher")
        outsider = user(
            User.Role.PARTNER_PRACTITIONER,
            agency=teacher.agency.__class__.objects.create(name="Testshire Health", kind="health_provider"),
        )
        url = reverse("childprotection:plan", args=[plan.pk])
        response = signed_in.post(
            reverse("childprotection:core-group-add", args=[plan.pk]),
            {
                "member": teacher.pk,
                "role": "Class teacher",
                "agency_kind": "education",
                **date_data("start_date", TODAY()),
            },
        )
        assert response.status_code == 302
        assert response["Location"] == url
        assert CoreGroupMember.objects.get(plan=plan).user == teacher
        client.force_login(teacher)
        response = client.get(url)
        assert response.status_code == 200
        assert "Terry Teacher" in text(response)
        assert "Add a core group member" not in text(response)  # partners read, they do not change
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert AuditEvent.objects.filter(user=outsider, action="denied").exists()

    def test_adding_a_member_by_name_needs_their_agency(self, signed_in, plan):
        url = reverse("childprotection:core-group-add", args=[plan.pk])
        assert signed_in.get(url).status_code == 200
        response = signed_in.post(url, {"name": "A Parent", **date_data("start_date", TODAY())})
        assert "Select the member's agency" in problem(response)
        assert not CoreGroupMember.objects.exists()
        response = signed_in.post(
            url, {"name": "A Parent", "agency_kind": "family", **date_data("start_date", TODAY())}
        )
        assert response.status_code == 302
        assert CoreGroupMember.objects.get().name == "A Parent"

    def test_a_core_group_meeting(self, signed_in, plan, worker):
        member = services.add_core_group_member(worker, plan, name="A Parent", agency_kind="family")
        url = reverse("childprotection:core-group-meeting", args=[plan.pk])
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "A Parent" in text(response)
        response = signed_in.post(
            url, {**date_data("held_on", TODAY() + datetime.timedelta(days=1)), "progress": "Progress"}
        )
        assert "cannot be in the future" in problem(response)
        response = signed_in.post(
            url,
            {
                **date_data("held_on", TODAY()),
                "attended": [str(member.pk)],
                "progress": "Progress",
                "late_reason": "Holiday",
            },
        )
        assert response.status_code == 302
        meeting = CoreGroupMeeting.objects.get()
        assert list(meeting.attended.all()) == [member]

    def test_ending_a_plan_for_a_listed_reason_only(self, signed_in, plan):
        url = reverse("childprotection:plan-end", args=[plan.pk])
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "a review conference" in text(response)
        response = signed_in.post(url, {**date_data("end_date", TODAY()), "reason": "no_longer_needed"})
        assert "outside a conference only when the child moves permanently" in problem(response)
        plan.refresh_from_db()
        assert plan.is_open
        response = signed_in.post(url, {**date_data("end_date", TODAY()), "reason": "transferred"})
        assert "Enter the local authority the child moved to" in problem(response)
        response = signed_in.post(
            url,
            {
                **date_data("end_date", TODAY()),
                "reason": "transferred",
                "transferred_to": "Otherborough Council",
                **date_data("receiving_conference_on", TODAY()),
            },
        )
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.end_date == TODAY()
        assert plan.end_reason == "transferred"
        # Once ended, the form pages explain rather than offer the form.
        for name in ("plan-end", "core-group-add", "core-group-meeting"):
            response = signed_in.get(reverse(f"childprotection:{name}", args=[plan.pk]))
            assert response.status_code == 200
            assert "This child protection plan ended on" in text(response)
        assert "End the plan" not in text(signed_in.get(reverse("childprotection:plan", args=[plan.pk])))

    def test_a_missing_plan_is_not_found(self, signed_in):
        for name in ("plan", "plan-end", "core-group-add", "core-group-meeting"):
            assert signed_in.get(reverse(f"childprotection:{name}", args=[999999])).status_code == 404


# --- Multi-agency child protection teams --------------------------------------------------


def test_the_teams_page_shows_members_and_gaps(signed_in, worker, police_officer):
    team = MultiAgencyChildProtectionTeam.objects.create(name="North MACPT", area="North")
    MACPTMember.objects.create(team=team, user=worker, agency_kind="local_authority", start_date=days_ago(10))
    MACPTMember.objects.create(team=team, user=police_officer, agency_kind="police", start_date=days_ago(10))
    response = signed_in.get(reverse("childprotection:macpts"))
    assert response.status_code == 200
    page = text(response)
    assert "North MACPT" in page
    assert "Missing core members: education, health" in page
    assert str(police_officer) in page
