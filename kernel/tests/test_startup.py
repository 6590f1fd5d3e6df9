"""kernel.startup.settle: the server's process, settled once started (safeguarding/wsgi.py)."""

import gc

from kernel.startup import settle


def test_settle_freezes_what_was_made_while_starting():
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        frozen = settle()
        assert frozen == gc.get_freeze_count() > 10_000  # Django, the apps and every view
    finally:
        gc.unfreeze()
