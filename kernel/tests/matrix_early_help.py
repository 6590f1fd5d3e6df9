"""The access matrix's records for early help (see test_access_matrix.MODULES): an early help
episode for the child led by the Family Help lead, with an assessment and a family plan; a
contact decided "early help"; and a Family Help episode closed RC9 (referred to early help).

The rule `early_help` lets in local-authority case staff, Family Help leads and partner
practitioners: partners act as lead practitioners (FFP: proportionate access for partners
acting as lead practitioner). Which early help a partner sees is need-to-know, checked by the
views (familyhelp.early_help.services.may_see): the matrix's partner leads none of it, so its pages
answer them 404, which the matrix counts as let in by the rule."""

import datetime

from django.utils import timezone

from partners.models import User

R = User.Role

EXPECTED = {
    "early_help": {
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
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from familyhelp.early_help import services as early_help
    from frontdoor import services as front_door
    from frontdoor.models import Contact, ContactDecision, Referral

    child, users = world["child"], world["users"]
    lead = users[R.FAMILY_HELP_LEAD]
    today = datetime.date.today()
    start = today - datetime.timedelta(days=30)
    mash = users[R.MASH_PRACTITIONER]
    received = timezone.now() - datetime.timedelta(days=31)
    contact = front_door.receive_contact(
        mash,
        channel=Contact.Channel.PHONE,
        source="2A",
        concerns="Matrix early help concerns",
        consent=Contact.Consent.GIVEN,
        referrer_name="Matrix Teacher",
        people=[front_door.PersonDetails(person=child)],
        received_at=received,
    )
    document = world["document"]
    ContactDecision.objects.create(
        contact=contact,
        threshold_document=document,
        level=document.levels.first(),
        outcome=ContactDecision.Outcome.EARLY_HELP,
        rationale="Matrix",
        decided_by=mash,
        decided_at=contact.received_at,
        on_time=True,
    )
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.DECIDED)
    episode = early_help.start_from_contact(
        mash,
        contact,
        lead_practitioner=lead,
        start_date=start,
        consent_given_on=start,
        consent_given_by="Matrix parent",
    )
    assessment = early_help.start_assessment(lead, episode, start_date=start)
    early_help.complete_assessment(
        lead,
        assessment,
        completed_date=start + datetime.timedelta(days=7),
        needs="Matrix needs",
        family_views="Matrix views",
        consent_to_share=True,
    )
    plan = early_help.start_family_plan(
        lead, episode, start_date=start + datetime.timedelta(days=8), outcomes=[("Matrix outcome", "Matrix lead")]
    )
    other = front_door.receive_contact(
        mash,
        channel=Contact.Channel.PHONE,
        source="2A",
        concerns="Matrix earlier concerns",
        consent=Contact.Consent.GIVEN,
        referrer_name="Matrix Teacher",
        people=[front_door.PersonDetails(person=child)],
    )
    stepped_down = Referral.objects.create(
        person=child,
        contact=other,
        referral_date=start - datetime.timedelta(days=90),
        source="2A",
        primary_need="N4",
        closure_date=start - datetime.timedelta(days=40),
        closure_reason="RC9",
    )
    return {
        "early_help_id": episode.pk,
        "eh_assessment_id": assessment.pk,
        "eh_plan_id": plan.pk,
        "eh_contact_id": contact.pk,
        "eh_referral_id": stepped_down.pk,
    }
