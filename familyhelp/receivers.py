"""Family Help reacting to the front door (connected in apps.FamilyHelpConfig.ready)."""

from django.dispatch import receiver

from frontdoor.models import Referral
from frontdoor.signals import referral_opened

from . import services


@receiver(referral_opened, sender=Referral, dispatch_uid="familyhelp.referral_opened")
def start_the_clocks(sender, user, referral, decided_on, strategy_discussion_needed, **kwargs):
    services.referral_opened(
        user, referral, decided_on=decided_on, strategy_discussion_needed=strategy_discussion_needed
    )
