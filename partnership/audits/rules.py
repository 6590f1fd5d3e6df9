"""The audits' rules as data (partnership/audits/data/audits.json): the sampling rules, each a
kind this module knows how to apply with the parameters the data gives, and the grading scale.

A sampling rule is applied to the records as they were on the sample date and gives the
children who match with why each was chosen. The sample is drawn from them by a seeded shuffle
of the matches in id order, so the same seed draws the same sample again and the draw can be
explained (`draw`)."""

import datetime
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from childprotection.models import ChildProtectionPlan
from exploitation.models import MissingEpisode
from kernel import codelists
from kernel.rules import long_date
from kernel.timescales import add_months
from people.models import Person

DATA = Path(__file__).resolve().parent / "data" / "audits.json"


@dataclass(frozen=True)
class SampleRule:
    slug: str
    name: str
    kind: str
    params: dict[str, Any]
    explanation: str


@dataclass(frozen=True)
class Match:
    """A child the rule matched, and why."""

    person_id: int
    reason: str


@cache
def _data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def sample_rules() -> list[SampleRule]:
    return [SampleRule(**rule) for rule in _data()["sample_rules"]]


def sample_rule(slug: str) -> SampleRule | None:
    return next((rule for rule in sample_rules() if rule.slug == slug), None)


def grades() -> list[tuple[str, str]]:
    """The grading scale, best first: (slug, label)."""
    return [(grade["slug"], grade["label"]) for grade in _data()["grades"]]


def grade_label(slug: str) -> str:
    return dict(grades()).get(slug, "")


def max_sample_size() -> int:
    return int(_data()["max_sample_size"])


def _child_protection_plan(on: datetime.date, initial_category: str, over_months: int) -> list[Match]:
    started_before = add_months(on, -over_months)
    plans = (
        ChildProtectionPlan.objects.filter(
            initial_category=initial_category,
            start_date__lt=started_before,
            person__kind=Person.Kind.CHILD,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .order_by("person_id", "start_date")
        .values_list("person_id", "start_date")
    )
    category = codelists.label("category-of-abuse", initial_category).lower() or initial_category
    found: dict[int, Match] = {}
    for person_id, start in plans:
        found.setdefault(
            person_id,
            Match(
                person_id,
                f"On a child protection plan for {category} since {long_date(start)}: "
                f"more than {over_months} months on {long_date(on)}",
            ),
        )
    return list(found.values())


def _missing_episodes(on: datetime.date, at_least: int, within_months: int) -> list[Match]:
    tz = timezone.get_current_timezone()
    after = datetime.datetime.combine(add_months(on, -within_months) + datetime.timedelta(days=1), datetime.time(), tz)
    until = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time(), tz)
    counts = (
        MissingEpisode.objects.filter(started_at__gte=after, started_at__lt=until, person__kind=Person.Kind.CHILD)
        .values("person_id")
        .annotate(times=Count("id"))
        .filter(times__gte=at_least)
        .order_by("person_id")
    )
    return [
        Match(
            row["person_id"], f"Missing or away {row['times']} times in the {within_months} months to {long_date(on)}"
        )
        for row in counts
    ]


KINDS: dict[str, Callable[..., list[Match]]] = {
    "child_protection_plan": _child_protection_plan,
    "missing_episodes": _missing_episodes,
}


def matches(rule: SampleRule, on: datetime.date) -> list[Match]:
    """The children the rule matches on the day, in id order."""
    found = KINDS[rule.kind](on, **rule.params)
    return sorted(found, key=lambda match: match.person_id)


def draw(found: list[Match], size: int, seed: int) -> list[Match]:
    """At most `size` of the matches, chosen by the seed: the same matches, size and seed draw
    the same sample, in the same order."""
    ordered = sorted(found, key=lambda match: match.person_id)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))
