"""The kinds of chronology entry, registered by the modules that record them.

Each app registers its kinds in its AppConfig.ready():

    from chronology.kinds import register
    register("contact-received", "Contact received", category="Front door")

The record page filters by these kinds without knowing which module made them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    category: str
    manual: bool = False  # may a user add an entry of this kind by hand?


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
