"""Signals of merging. The person index is below linkage, which runs the duplicate checks: a
check asked for on a page is sent here once its transaction has committed, and linkage.dedupe
puts it on the task queue."""

from django.dispatch import Signal

# Sent with `check_id` (a DuplicateCheck waiting for the worker).
duplicate_check_requested = Signal()
