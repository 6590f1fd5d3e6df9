"""Reads for the review pages: the queue, one record with its candidates side by side, the
labelled pairs and the model's accuracy against them.

Who is shown (need to know). A record is shown to a reviewer only when every person it names
(the candidates of the run that scored it last, and the people its decisions name) may be
named to them: `people.access.shown_filter` / `shown`, the one rule. A child who became
restricted after the run is therefore never put before a reviewer who is not named on the
restriction: the record leaves their queue and its page is the audited "not found". (Restricted
children are not in a run's index at all: `linkage.selectors.index_rows`.)

Statutory involvement, for the second reviewer's sign-off: a child with a current key fact that
is an involvement (`people.keyfacts.INVOLVEMENT_KINDS`: a child in need, on a child protection
plan, looked after, a care leaver), read through the stages' key-fact providers, whoever asks.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from kernel import codelists
from kernel.charts import signed
from partners.access import LINKAGE_MANAGERS
from people.access import shown, shown_filter
from people.identifiers import format_nhs_number
from people.keyfacts import INVOLVEMENT_KINDS, facts_for
from people.models import Person

from .. import scoring
from ..cleaning import clean_nhs_number, clean_sex
from ..models import CandidatePair, LinkageModel, LinkDecision, PartnerRecord
from ..selectors import compared_details
from . import reasons as words

if TYPE_CHECKING:
    from kernel.access import AnyUser

State = PartnerRecord.ReviewState
Outcome = LinkDecision.Outcome
WAITING = (State.REVIEW, State.ESCALATED, State.SIGN_OFF)
PAGE_SIZE = 50


def is_manager(user: AnyUser) -> bool:
    """Whether the user decides what reviewers escalated (a manager among the reviewers)."""
    return getattr(user, "role", None) in LINKAGE_MANAGERS


def _names_hidden(user: AnyUser) -> Exists:
    """Whether the outer record's last run names a person the user may not be shown."""
    return Exists(
        CandidatePair.objects.filter(record=OuterRef("pk"), run=OuterRef("run")).exclude(shown_filter(user, "person"))
    )


def _decision_hidden(user: AnyUser) -> Exists:
    return Exists(
        LinkDecision.objects.filter(record=OuterRef("pk"), person__isnull=False).exclude(shown_filter(user, "person"))
    )


def waiting(user: AnyUser) -> QuerySet[PartnerRecord]:
    """The records waiting for a reviewer that this user may be shown, oldest first (by when the
    agency sent them)."""
    return (
        PartnerRecord.objects.filter(review_state__in=WAITING)
        .exclude(_names_hidden(user))
        .exclude(_decision_hidden(user))
        .select_related("agency", "submission")
        .order_by("submission__received_at", "pk")
    )


def waiting_counts(records: QuerySet[PartnerRecord]) -> dict[str, int]:
    found = dict(records.order_by().values_list("review_state").annotate(n=Count("pk")))
    return {state: found.get(state, 0) for state in WAITING}


@dataclass(frozen=True)
class QueueRow:
    record: PartnerRecord
    best: CandidatePair | None
    guards: list[str]


def queue_rows(records: Sequence[PartnerRecord]) -> list[QueueRow]:
    """Each record with its best candidate (of its last run) and the guards that fired, in
    words: one query for the page."""
    best: dict[int, CandidatePair] = {}
    if records:
        condition = Q()
        for record in records:
            condition |= Q(record_id=record.pk, run_id=record.run_id)
        for pair in CandidatePair.objects.filter(condition, rank=1):
            best[pair.record_id] = pair
    rows = []
    for record in records:
        found = best.get(record.pk)
        rows.append(QueueRow(record, found, words.guard_words(found.guards) if found else []))
    return rows


# --- One record ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A row of the side-by-side table: the record's value, the child's, how they compare."""

    label: str
    record: str
    child: str
    compared: str

    @property
    def differs(self) -> bool:
        return self.compared not in ("Same",)


@dataclass
class Candidate:
    pair: CandidatePair
    person: Person
    fields: list[Field]
    reasons: list[words.Reason]
    guards: list[str]
    statutory: list[str]

    @property
    def weight(self) -> float:
        return self.pair.match_weight

    @property
    def signed_weight(self) -> str:
        return signed(self.pair.match_weight)


@dataclass
class Review:
    record: PartnerRecord
    candidates: list[Candidate]
    current: LinkDecision | None
    history: list[LinkDecision]
    thresholds: scoring.Thresholds | None
    people: list[Person] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.record.review_state

    @property
    def proposal(self) -> LinkDecision | None:
        """The link waiting for a second reviewer's sign-off, if that is what waits."""
        if self.current is not None and self.current.outcome == Outcome.AWAITING_SIGN_OFF:
            return self.current
        return None


def statutory_involvement(user: AnyUser, people: Iterable[Person]) -> dict[int, list[str]]:
    """{person id: the labels of their statutory involvement now} (none: an empty list), from
    the key facts (`people.keyfacts.INVOLVEMENT_KINDS`), whoever asks: a rule, not a display."""
    found = facts_for(user, list(people), checked=True)
    return {pk: [fact.label for fact in facts if fact.kind in INVOLVEMENT_KINDS] for pk, facts in found.items()}


def _date(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def _sex_words(code: str) -> str:
    cleaned = clean_sex(code) or code
    return codelists.label("sex", cleaned) if cleaned else ""


def _nhs(value: str) -> str:
    valid, supplied = clean_nhs_number(value)
    return format_nhs_number(valid) if valid else (supplied or "")


def record_values(record: PartnerRecord) -> dict[str, str]:
    return {
        "given_names": record.given_names,
        "family_name": record.family_name,
        "dob": _date(record.date_of_birth),
        "sex": _sex_words(record.sex),
        "postcode": record.postcode.upper(),
        "nhs_number": _nhs(record.nhs_number),
        "upn": record.upn.upper(),
    }


def child_values(person: Person, details: dict[str, str]) -> dict[str, str]:
    return {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "dob": _date(person.date_of_birth),
        "sex": _sex_words(person.sex),
        "postcode": details.get("postcode", ""),
        "nhs_number": _nhs(details.get("nhs_number", "")),
        "upn": details.get("upn", ""),
    }


FIELDS = (
    ("given_names", "Given names", "first_name"),
    ("family_name", "Family name", "family_name"),
    ("dob", "Date of birth", "dob"),
    ("sex", "Sex", "sex"),
    ("postcode", "Postcode", "postcode"),
    ("nhs_number", "NHS number", "nhs_number"),
    ("upn", "UPN", "upn"),
)


def side_by_side(pair: CandidatePair, record: dict[str, str], child: dict[str, str]) -> list[Field]:
    levels = pair.levels or {}
    return [
        Field(
            label,
            record[key] or "Not given",
            child[key] or "Not given",
            words.compared(comparison, levels.get(comparison), record[key], child[key]),
        )
        for key, label, comparison in FIELDS
    ]


def candidates(record: PartnerRecord) -> list[CandidatePair]:
    """The candidates of the record's last run, best first (all of them: the caller checks
    that each may be shown)."""
    if record.run_id is None:
        return []
    return list(
        CandidatePair.objects.filter(record=record, run_id=record.run_id).select_related("person").order_by("rank")
    )


def review(user: AnyUser, record: PartnerRecord) -> Review | None:
    """The record with its candidates side by side, their reasons and their statutory
    involvement; None when it names someone the user may not be shown (the page is then "not
    found")."""
    pairs = candidates(record)
    history = list(
        LinkDecision.objects.filter(record=record)
        .select_related("person", "decided_by", "signed_off_by")
        .order_by("-decided_at", "-id")
    )
    named = [pair.person for pair in pairs] + [d.person for d in history if d.person is not None]
    if named and not all(shown(user, named).values()):
        return None
    people = [pair.person for pair in pairs]
    details = compared_details([p.pk for p in people])
    statutory = statutory_involvement(user, people)
    sent = record_values(record)
    found = []
    for pair in pairs:
        child = child_values(pair.person, details.get(pair.person_id, {}))
        found.append(
            Candidate(
                pair=pair,
                person=pair.person,
                fields=side_by_side(pair, sent, child),
                reasons=words.reasons(pair.weights, pair.levels or {}, sent, child),
                guards=words.guard_words(pair.guards),
                statutory=statutory.get(pair.person_id, []),
            )
        )
    run = record.run
    thresholds = scoring.Thresholds(**run.thresholds) if run is not None and run.thresholds else None
    return Review(record, found, history[0] if history else None, history, thresholds, people)


# --- Labelled pairs and accuracy ---------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A pair a reviewer decided: the record, the person, whether they are the same child, and
    the pair's weight and guards as the reviewer saw them."""

    record_id: int
    person_id: int
    same: bool
    match_weight: float | None
    guards: tuple[str, ...]
    decided_at: datetime.datetime


LABELLED = (Outcome.LINKED, Outcome.NOT_A_MATCH, Outcome.NEW_PERSON)


def labelled_pairs() -> list[Label]:
    """The labelled pairs, from each record's current decision by a reviewer: a link (signed off
    where it had to be) is a pair of the same child; "not this child" a pair that is not; a new
    child makes every candidate the reviewer saw a pair that is not. A link waiting for sign-off,
    an escalation and the model's own links are not labels."""
    latest: dict[int, LinkDecision] = {}
    reviewed = LinkDecision.objects.exclude(outcome=Outcome.LINKED_AUTOMATICALLY).values("record_id")
    for decision in (
        LinkDecision.objects.filter(record_id__in=reviewed)
        .order_by("record_id", "-decided_at", "-id")
        .only("record_id", "person_id", "outcome", "match_weight", "guards", "decided_at", "run_id")
    ):
        latest.setdefault(decision.record_id, decision)
    current = [d for d in latest.values() if d.outcome in LABELLED]
    new_child = [d for d in current if d.outcome == Outcome.NEW_PERSON and d.run_id is not None]
    seen: dict[int, list[CandidatePair]] = defaultdict(list)
    if new_child:
        condition = Q()
        for decision in new_child:
            condition |= Q(record_id=decision.record_id, run_id=decision.run_id)
        for pair in CandidatePair.objects.filter(condition).only("record_id", "person_id", "match_weight", "guards"):
            seen[pair.record_id].append(pair)
    labels = []
    for decision in current:
        if decision.outcome == Outcome.NEW_PERSON:
            labels += [
                Label(pair.record_id, pair.person_id, False, pair.match_weight, tuple(pair.guards), decision.decided_at)
                for pair in seen.get(decision.record_id, [])
            ]
        elif decision.person_id is not None:
            labels.append(
                Label(
                    decision.record_id,
                    decision.person_id,
                    decision.outcome == Outcome.LINKED,
                    decision.match_weight,
                    tuple(decision.guards or ()),
                    decision.decided_at,
                )
            )
    return labels


@dataclass(frozen=True)
class Confusion:
    """What the model would have done with the labelled pairs, against what reviewers decided."""

    name: str
    linked_right: int  # the model would link, and reviewers say the same child
    linked_wrong: int  # the model would link, reviewers say not
    missed: int  # the model would not link, reviewers say the same child
    held_back_right: int  # the model would not link, reviewers say not

    @property
    def precision(self) -> float | None:
        linked = self.linked_right + self.linked_wrong
        return self.linked_right / linked if linked else None

    @property
    def recall(self) -> float | None:
        same = self.linked_right + self.missed
        return self.linked_right / same if same else None

    @property
    def pairs(self) -> int:
        return self.linked_right + self.linked_wrong + self.missed + self.held_back_right


def confusion(name: str, labels: Sequence[Label], would_link: Callable[[Label], bool]) -> Confusion:
    counts = {"lr": 0, "lw": 0, "m": 0, "hr": 0}
    for label in labels:
        linked = would_link(label)
        key = ("lr" if label.same else "lw") if linked else ("m" if label.same else "hr")
        counts[key] += 1
    return Confusion(name, counts["lr"], counts["lw"], counts["m"], counts["hr"])


@dataclass
class Accuracy:
    model: LinkageModel | None
    thresholds: scoring.Thresholds | None
    labels: int
    same: int
    rows: list[Confusion]
    since: datetime.datetime | None


def accuracy() -> Accuracy:
    """The approved model's precision and recall against the labelled pairs: with each pair's
    weight when it was decided, and the model's thresholds, would the model have linked it? Two
    ways: by the weight alone (at least the upper threshold), and as a run decides (the weight,
    and no guard fired)."""
    model = LinkageModel.objects.filter(approved_at__isnull=False).order_by("-version").first()
    labels = [label for label in labelled_pairs() if label.match_weight is not None]
    if model is None:
        return Accuracy(None, None, len(labels), sum(1 for x in labels if x.same), [], None)
    thresholds = scoring.Thresholds(**model.thresholds)

    def reaches(label: Label) -> bool:
        return label.match_weight is not None and label.match_weight >= thresholds.upper

    rows = [
        confusion("By the weight alone", labels, reaches),
        confusion("As a run decides (the weight, and no guard)", labels, lambda x: reaches(x) and not x.guards),
    ]
    since = min((x.decided_at for x in labels), default=None)
    return Accuracy(model, thresholds, len(labels), sum(1 for x in labels if x.same), rows, since)
