"""Risk signals from higher layers (docs/decisions/0002-layers.md): an app above children in
care that knows something bearing on a return home (education: missing education, off a school
roll) registers a source in its AppConfig.ready(); `risk_signals` asks each source.

A source is fn(child, family, name_of) -> [Signal]: `child` the child of the decision,
`family` {id: Person} of their siblings and household children, `name_of(person)` the name the
reader may be shown (or the words for a withheld sibling). A signal's key must be stable (the
kind of record and its id: "missing-education:12"), since the decision-maker's weighing is kept
by it. A source answers in a fixed number of queries, whatever the family's size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from people.models import Person

    from .services import Signal

SignalSource = Callable[["Person", Mapping[int, "Person"], Callable[["Person"], str]], list["Signal"]]

_sources: dict[str, SignalSource] = {}


def register_signal_source(name: str, source: SignalSource) -> None:
    """Register a source under a name (replacing any before it: ready() may run twice)."""
    _sources[name] = source


def signal_sources() -> list[SignalSource]:
    return list(_sources.values())
