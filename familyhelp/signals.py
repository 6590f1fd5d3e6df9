"""What Family Help tells the later stages, so that they react to it without Family Help
importing them (docs/decisions/0002-layers.md)."""

from django.dispatch import Signal

# Sent by services.record_visit while it checks a visit, before anything is saved, with
# `errors` (kernel.rules.Errors), `person`, `visit_date` and `late_reason`. A receiver adds its
# errors and returns what to do once the visit is saved (a callable with no arguments), or None.
# A visit in the year after a return home from care also meets the return-home visit
# (childrenincare.signals.return_home_visit).
visit_checked = Signal()
