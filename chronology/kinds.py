"""The kinds of chronology entry, registered by the modules that record them.

Each app registers its kinds in its AppConfig.ready():

    from chronology.kinds import register
    register("contact-received", "Contact received", category="Front door")

The record page filters by these kinds without knowing which module made them.

Some kinds are key events (`KEY_EVENTS`): the turning points a reader of a chronology looks
for first. The record tags them "Key event" and can show them alone ("key events only").
"""

from dataclasses import dataclass

# The key (significant) events, by kind. A kind is listed here whichever module registers it,
# so the list is one piece of data to read and change: the front door's referral; the child
# protection steps (strategy discussion, section 47 enquiry, conference, the plan starting and
# ending, pre-proceedings); a child in need plan starting and ending; becoming and ceasing to be
# looked after; a missing episode and a return home; court hearings and orders; adoption
# orders; birth and death.
KEY_EVENTS: frozenset[str] = frozenset(
    {
        "referral",
        "strategy-discussion",
        "section-47",
        "conference",
        "cp-plan",
        "pre-proceedings",
        "cin-plan",
        "looked-after",
        "care-ceased",
        "missing-episode",
        "return-home",
        "court-event",
        "adoption-order",
        "birth",
        "death",
    }
)


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    category: str
    manual: bool = False  # may a user add an entry of this kind by hand?

    @property
    def key(self) -> bool:
        """Is an entry of this kind a key event (KEY_EVENTS)?"""
        return self.slug in KEY_EVENTS


_KINDS: dict[str, Kind] = {}


def register(slug: str, label: str, category: str, manual: bool = False) -> Kind:
    kind = Kind(slug, label, category, manual)
    existing = _KINDS.get(slug)
    if existing is not None and existing != kind:
        raise ValueError(f"Chronology kind {slug!r} is already registered differently")
    _KINDS[slug] = kind
    return kind


def get(slug: str) -> Kind:
    return _KINDS[slug]


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: (k.category, k.label))


def manual_kinds() -> list[Kind]:
    return [kind for kind in all_kinds() if kind.manual]


def label(slug: str) -> str:
    kind = _KINDS.get(slug)
    return kind.label if kind else slug


def is_key(slug: str) -> bool:
    return slug in KEY_EVENTS
