"""Outcome monitoring after a return home: when a monitored child is referred again, has a
section 47 enquiry or a child protection plan, comes back into care, or leaves a placement
with parents, the record's creation flags it to the team manager at once
(childrenincare.return_home.services.flag), in the same transaction as the record itself. And a
visit Family Help records in the year after a return home meets the return-home visit."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from childprotection.models import ChildProtectionPlan, Section47Enquiry
from familyhelp.models import Visit
from familyhelp.signals import visit_checked
from frontdoor.models import Referral

from .models import MonitoringFlag, PeriodOfCare, Placement


def _flag(person, kind, day, subject):
    from .return_home.services import flag

    flag(person, kind, day, subject)


@receiver(post_save, sender=Referral, dispatch_uid="childrenincare.flag_referral")
def referral_made(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _flag(instance.person, MonitoringFlag.Kind.RE_REFERRAL, instance.referral_date, instance)


@receiver(post_save, sender=Section47Enquiry, dispatch_uid="childrenincare.flag_section_47")
def enquiry_started(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _flag(instance.person, MonitoringFlag.Kind.SECTION_47, instance.start_date, instance)


@receiver(post_save, sender=ChildProtectionPlan, dispatch_uid="childrenincare.flag_cp_plan")
def plan_started(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _flag(instance.person, MonitoringFlag.Kind.CP_PLAN, instance.start_date, instance)


@receiver(post_save, sender=PeriodOfCare, dispatch_uid="childrenincare.flag_re_entry")
def care_started(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _flag(instance.person, MonitoringFlag.Kind.RE_ENTRY, instance.start_date, instance)


@receiver(post_save, sender=Placement, dispatch_uid="childrenincare.flag_left_parents")
def placement_started(sender, instance, created, raw=False, **kwargs):
    """Route B: the child left the placement with parents for another placement."""
    if not created or raw or instance.place == "P1":
        return
    before = (
        Placement.objects.filter(period_id=instance.period_id, start_date__lt=instance.start_date)
        .order_by("-start_date")
        .first()
    )
    if before is not None and before.place == "P1":
        _flag(instance.period.person, MonitoringFlag.Kind.RE_ENTRY, instance.start_date, instance)


@receiver(visit_checked, sender=Visit, dispatch_uid="childrenincare.return_home_visit")
def return_home_visit(sender, errors, person, visit_date, late_reason, **kwargs):
    """The return-home visit a Family Help visit meets: checked now, met once the visit is saved."""
    from .return_home.services import return_visit_due, return_visited

    due = return_visit_due(errors, person, visit_date, late_reason)
    return None if due is None else (lambda: return_visited(due, visit_date, late_reason))
