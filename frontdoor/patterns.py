"""Pattern alerts from higher layers (docs/decisions/0002-layers.md): an app above the front
door that knows something about a contact's children (education: missing education, not in
school) registers a source in its AppConfig.ready(); `pattern_alerts_for` asks each source.

A source is fn(contact, child_ids, day) -> [(PatternAlert.Kind value, person id, explanation)]:
the explanation is a plain sentence saying why it fired. A source answers for all the
children in a fixed number of queries (one, ideally), and none when `child_ids` is empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Contact

PatternSource = Callable[["Contact", Sequence[int], datetime.date], list[tuple[str, int, str]]]

_sources: dict[str, PatternSource] = {}


def register_pattern_source(name: str, source: PatternSource) -> None:
    """Register a source under a name (replacing any before it: ready() may run twice)."""
    _sources[name] = source


def pattern_sources() -> list[PatternSource]:
    return list(_sources.values())
