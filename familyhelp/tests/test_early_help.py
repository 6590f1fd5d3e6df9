"""Early help services: consent is needed to start, the lead practitioner (partners too, with
access to the children's records while they lead), the assessment and its local due date,
the family plan and its reviews, and closure (consent withdrawn, stepped up to the front door
with the referral linked, stepped down from Family Help RC9)."""

import datetime

import pytest
from django.utils import timezone

from familyhelp import services
from familyhelp.early_help import selectors as early_help_selectors
from familyhelp.early_help import services as early_help
from familyhelp.models import EarlyHelpEpisode, FamilyPlanReview
from familyhelp.testing import open_episode
from frontdoor import services as front_door
from frontdoor.models import Contact, ContactDecision, ContactPerson, Referral
from kernel.models import Deadline
from kernel.rules import RuleBroken
from partners.models import Agency, User
from people.access import Level, level
from people.models import Involvement

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


def start(user, children, lead, on=None, **extra):
    on = on or TODAY() - 20 * DAY
    details = dict(lead_practitioner=lead, start_date=on, consent_given_on=on, consent_given_by="Their mother")
    details.update(extra)
    return early_help.start_early_help(user, children, **details)


def decided_contact(
    user, children, outcome=ContactDecision.Outcome.EARLY_HELP, days_ago=25, consent=Contact.Consent.GIVEN
):
    document = front_door.load_threshold_document(user)
    received = timezone.now() - datetime.timedelta(days=days_ago)
    people = [
        front_door.PersonDetails(
            role=ContactPerson.Role.SUBJECT if n == 0 else ContactPerson.Role.CHILD_IN_HOUSEHOLD, person=p
        )
        for n, p in enumerate(children)
    ]
    contact = front_door.receive_contact(
        user,
        channel=Contact.Channel.PHONE,
        source="2A",
        concerns="Synthetic.",
        consent=consent,
        referrer_name="A teacher",
        people=people,
        received_at=received,
    )
    level_ = next(lv for lv in document.levels.all() if not lv.outcomes or outcome in lv.outcomes)
    ContactDecision.objects.create(
        contact=contact,
        threshold_document=document,
        level=level_,
        outcome=outcome,
        rationale="Synthetic",
        decided_by=user,
        decided_at=received,
        on_time=True,
    )
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.DECIDED)
    return contact


def messages(error):
    return " ".join(m for ms in error.value.errors.values() for m in ms)


# --- Starting -------------------------------------------------------------------------------


def test_early_help_needs_the_familys_consent(worker, fh_lead, child):
    with pytest.raises(RuleBroken) as error:
        start(worker, [child], fh_lead, consent_given_on=None, consent_given_by="")
    assert "consent_given_on" in error.value.errors
    assert "consent_given_by" in error.value.errors
    with pytest.raises(RuleBroken) as error:
        start(worker, [child], fh_lead, on=TODAY() - 5 * DAY, consent_given_on=TODAY() - 2 * DAY)
    assert "only once the family has given consent" in messages(error)
    assert not EarlyHelpEpisode.objects.exists()


def test_starting_from_a_decided_contact_covers_the_children_and_starts_the_assessment_clock(
    worker, fh_lead, child, sibling
):
    contact = decided_contact(worker, [child, sibling])
    on = TODAY() - 20 * DAY
    episode = early_help.start_from_contact(
        worker, contact, lead_practitioner=fh_lead, start_date=on, consent_given_on=on, consent_given_by="Both parents"
    )
    assert episode.route == EarlyHelpEpisode.Route.CONTACT
    assert episode.contact == contact
    assert {row.person for row in episode.children.all()} == {child, sibling}
    due = Deadline.objects.filter(rule_slug=early_help.ASSESSMENT_RULE, status=Deadline.Status.OPEN)
    assert {d.person for d in due} == {child, sibling}
    assert {d.due_date for d in due} == {on + 42 * DAY}  # 6 weeks, the local [U] rule
    assert all(d.worker == fh_lead and d.team == fh_lead.team for d in due)
    assert child.chronology.filter(kind="early-help").exists()
    with pytest.raises(RuleBroken) as error:  # once per contact, one open early help per child
        early_help.start_from_contact(
            worker,
            contact,
            lead_practitioner=fh_lead,
            start_date=on,
            consent_given_on=on,
            consent_given_by="Both parents",
        )
    assert "already" in messages(error)


def test_only_a_contact_decided_early_help_starts_it(worker, fh_lead, child):
    contact = decided_contact(worker, [child], outcome=ContactDecision.Outcome.ADVICE)
    with pytest.raises(RuleBroken) as error:
        early_help.start_from_contact(
            worker,
            contact,
            lead_practitioner=fh_lead,
            start_date=TODAY() - DAY,
            consent_given_on=TODAY() - DAY,
            consent_given_by="Mother",
        )
    assert "decided “early help" in messages(error)
    with pytest.raises(RuleBroken) as error:  # not before the contact arrived
        early_help.start_from_contact(
            worker,
            decided_contact(worker, [child], days_ago=3),
            lead_practitioner=fh_lead,
            start_date=TODAY() - 10 * DAY,
            consent_given_on=TODAY() - 10 * DAY,
            consent_given_by="Mother",
        )
    assert "cannot be before the contact" in messages(error)


def test_a_partner_may_lead_and_gets_the_record_while_leading(worker, dsl, child, user):
    assert level(dsl, child) == Level.NONE
    episode = start(worker, [child], dsl)
    assert level(dsl, child) == Level.FULL
    assert early_help.may_change(dsl, episode)
    assert early_help.may_see(dsl, episode)
    assert list(early_help_selectors.led_by(dsl)) == [episode]
    other = user(
        User.Role.PARTNER_PRACTITIONER, agency=Agency.objects.create(name="Other School", kind="school"), team=None
    )
    assert not early_help.may_see(other, episode)
    assert not early_help.may_change(other, episode)
    early_help.close_early_help(worker, episode, closure_date=TODAY(), reason="needs_met")
    assert not Involvement.objects.filter(person=child, worker=dsl, end_date__isnull=True).exists()
    assert not early_help.may_change(dsl, episode)


def test_who_may_lead(worker, child, user):
    police = user(User.Role.PARTNER_PRACTITIONER)  # a police force: not a lead agency here [U]
    analyst = user(User.Role.ANALYST)
    for who in (police, analyst, None):
        with pytest.raises(RuleBroken) as error:
            start(worker, [child], who)
        assert "lead_practitioner" in error.value.errors


def test_a_partner_starts_early_help_only_as_its_lead(dsl, fh_lead, child):
    with pytest.raises(RuleBroken) as error:
        start(dsl, [child], fh_lead)
    assert "as its lead practitioner" in messages(error)
    assert start(dsl, [child], dsl).leads.get().user == dsl


def test_changing_the_lead_moves_the_access_and_the_due_dates(worker, fh_lead, dsl, child):
    episode = start(worker, [child], fh_lead, on=TODAY() - 10 * DAY)
    early_help.appoint_lead_practitioner(worker, episode, lead_practitioner=dsl, on=TODAY() - 2 * DAY)
    assert early_help_selectors.current_lead(episode).user == dsl
    assert Deadline.objects.get(rule_slug=early_help.ASSESSMENT_RULE).worker == dsl
    assert not Involvement.objects.filter(person=child, worker=fh_lead, end_date__isnull=True).exists()
    with pytest.raises(RuleBroken):
        early_help.appoint_lead_practitioner(worker, episode, lead_practitioner=dsl, on=TODAY())


# --- Assessment and plan --------------------------------------------------------------------


def test_the_assessment_meets_its_due_date_and_late_needs_a_reason(worker, fh_lead, school, child):
    on = TODAY() - 60 * DAY
    episode = start(worker, [child], fh_lead, on=on)
    assessment = early_help.start_assessment(fh_lead, episode, start_date=on + DAY, organisation=school)
    assert assessment.organisation == school
    with pytest.raises(RuleBroken):
        early_help.start_assessment(fh_lead, episode, start_date=on + DAY)  # one in progress at a time
    details = dict(
        completed_date=on + 50 * DAY, needs="Routines", family_views="We want help with mornings", consent_to_share=True
    )
    with pytest.raises(RuleBroken) as error:
        early_help.complete_assessment(fh_lead, assessment, **details)
    assert "late_reason" in error.value.errors
    with pytest.raises(RuleBroken) as error:
        early_help.complete_assessment(fh_lead, assessment, **{**details, "family_views": "", "late_reason": "Ill"})
    assert "family_views" in error.value.errors
    early_help.complete_assessment(fh_lead, assessment, late_reason="The family was away", **details)
    met = Deadline.objects.get(rule_slug=early_help.ASSESSMENT_RULE)
    assert met.status == Deadline.Status.MET
    assert met.late
    assert met.late_reason == "The family was away"
    assessment.refresh_from_db()
    assert assessment.completed_date == on + 50 * DAY
    assert assessment.late_reason == "The family was away"


def test_the_family_plan_follows_the_assessment_and_reviews_fall_due(worker, fh_lead, child, sibling):
    on = TODAY() - 40 * DAY
    episode = start(worker, [child, sibling], fh_lead, on=on)
    with pytest.raises(RuleBroken) as error:
        early_help.start_family_plan(fh_lead, episode, start_date=on, outcomes=[("Go to school", "")])
    assert "complete the assessment first" in messages(error)
    assessment = early_help.start_assessment(fh_lead, episode, start_date=on)
    early_help.complete_assessment(
        fh_lead,
        assessment,
        completed_date=on + 10 * DAY,
        needs="Attendance",
        family_views="Agreed",
        consent_to_share=True,
    )
    with pytest.raises(RuleBroken) as error:
        early_help.start_family_plan(fh_lead, episode, start_date=on + 11 * DAY, outcomes=[("", "")])
    assert "outcomes" in error.value.errors
    plan = early_help.start_family_plan(
        fh_lead, episode, start_date=on + 11 * DAY, outcomes=[("Go to school every day", "Parents; school")]
    )
    review_due = Deadline.objects.filter(rule_slug=early_help.REVIEW_RULE, status=Deadline.Status.OPEN)
    assert review_due.count() == 2
    assert {d.due_date for d in review_due} == {on + 53 * DAY}
    outcome = plan.outcomes.get()
    review = early_help.review_family_plan(
        fh_lead,
        plan,
        review_date=on + 30 * DAY,
        progress="Better",
        decision=FamilyPlanReview.Decision.CONTINUE,
        achieved=[outcome.pk],
    )
    assert review.late_reason == ""
    outcome.refresh_from_db()
    assert outcome.achieved
    assert Deadline.objects.filter(rule_slug=early_help.REVIEW_RULE, status=Deadline.Status.MET).count() == 2
    assert {
        d.due_date for d in Deadline.objects.filter(rule_slug=early_help.REVIEW_RULE, status=Deadline.Status.OPEN)
    } == {on + 72 * DAY}
    early_help.review_family_plan(fh_lead, plan, review_date=on + 35 * DAY, progress="Done", decision="end")
    plan.refresh_from_db()
    assert plan.end_date == on + 35 * DAY
    assert not Deadline.objects.filter(rule_slug=early_help.REVIEW_RULE, status=Deadline.Status.OPEN).exists()


# --- Closure ----------------------------------------------------------------------------------


def test_withdrawing_consent_ends_early_help(worker, fh_lead, child):
    episode = start(worker, [child], fh_lead)
    early_help.close_early_help(worker, episode, closure_date=TODAY(), reason="consent_withdrawn", notes="Said no")
    episode.refresh_from_db()
    assert episode.consent_withdrawn_on == TODAY()
    assert not episode.is_open
    assert not Deadline.objects.filter(status=Deadline.Status.OPEN).exists()
    with pytest.raises(RuleBroken) as error:
        early_help.start_assessment(fh_lead, episode, start_date=TODAY())
    assert "ended" in messages(error)
    with pytest.raises(RuleBroken):
        early_help.close_early_help(worker, episode, closure_date=TODAY(), reason="needs_met")


def test_stepping_up_makes_a_contact_to_the_front_door_and_links_the_referral(worker, fh_lead, child, sibling):
    episode = start(worker, [child, sibling], fh_lead)
    with pytest.raises(RuleBroken) as error:
        early_help.close_early_help(worker, episode, closure_date=TODAY(), reason="step_up")
    assert "concerns" in error.value.errors
    assert not Contact.objects.exists()
    early_help.close_early_help(
        fh_lead,
        episode,
        closure_date=TODAY(),
        reason="step_up",
        concerns="Bruising seen; the family has stopped engaging",
    )
    episode.refresh_from_db()
    contact = episode.step_up_contact
    assert contact is not None
    assert contact.source == "5D"
    assert contact.referrer_agency == fh_lead.agency
    assert {link.person for link in contact.people.all()} == {child, sibling}
    assert contact.people.get(person=child).role == ContactPerson.Role.SUBJECT
    referral = Referral.objects.create(
        person=child, contact=contact, referral_date=TODAY(), source="5D", primary_need="N1"
    )
    assert list(early_help_selectors.linked_referrals(episode)) == [referral]


def test_a_school_lead_steps_up_as_the_school(worker, dsl, child):
    episode = start(worker, [child], dsl)
    early_help.close_early_help(dsl, episode, closure_date=TODAY(), reason="step_up", concerns="Disclosure")
    episode.refresh_from_db()
    assert episode.step_up_contact.source == "2A"


def test_stepping_down_from_family_help_closed_rc9(worker, manager, fh_lead, team, child):
    referral = open_episode(worker, child, TODAY() - 60 * DAY)
    services.allocate(manager, referral, team=team, worker=worker, on=referral.referral_date)
    assessment = services.start_assessment(worker, referral, start_date=referral.referral_date)
    services.complete_assessment(
        worker,
        assessment,
        factors=["21"],
        outcome="family_help",
        summary="Low level",
        completed_date=TODAY() - 40 * DAY,
    )
    services.authorise_assessment(manager, assessment, authorised_date=TODAY() - 39 * DAY)
    with pytest.raises(RuleBroken) as error:
        early_help.step_down(
            worker,
            referral,
            lead_practitioner=fh_lead,
            start_date=TODAY() - 30 * DAY,
            consent_given_on=TODAY() - 30 * DAY,
            consent_given_by="Father",
        )
    assert "RC9" in messages(error)
    services.close_episode(manager, referral, closure_date=TODAY() - 35 * DAY, reason="RC9")
    referral.refresh_from_db()
    episode = early_help.step_down(
        worker,
        referral,
        lead_practitioner=fh_lead,
        start_date=TODAY() - 30 * DAY,
        consent_given_on=TODAY() - 30 * DAY,
        consent_given_by="Father",
    )
    assert episode.route == EarlyHelpEpisode.Route.STEP_DOWN
    assert episode.stepped_down_from == referral
