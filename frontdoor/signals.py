"""What the front door tells the later stages, so that they react to it without the front door
importing them (docs/decisions/0002-layers.md)."""

from django.dispatch import Signal

# Sent by services.decide_contact inside its transaction when a decision opens a child-in-need
# episode (a Referral), with `user`, `referral`, `decided_on` and `strategy_discussion_needed`.
# Family Help starts the episode's clocks (familyhelp.receivers).
referral_opened = Signal()
