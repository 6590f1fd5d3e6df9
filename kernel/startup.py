"""The server's process, settled once it has started (safeguarding/wsgi.py calls `settle`)."""

import gc

from django.urls import get_resolver


def settle() -> int:
    """Load the URL patterns (and so every view), then move everything made so far out of the
    garbage collector's reach (gc.freeze): it lives as long as the process, and the collections
    made while answering requests then no longer walk it each time (about 0.7 ms of CPU a
    contact through the API: docs/benchmarks.md); a forking server's workers also keep those
    pages shared. Returns how many objects are frozen. Call it once the application is made."""
    get_resolver().url_patterns  # noqa: B018  # loads the URL patterns and their views
    gc.freeze()
    return gc.get_freeze_count()
