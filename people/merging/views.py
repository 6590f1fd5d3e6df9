"""The merging pages, under /people/: the likely duplicates, finding a record to merge with,
comparing two records side by side and merging (or proposing to), a merge's page (what moved,
the sign-off, "Undo this merge"), undoing it, and recording two likely duplicates as different
people.

Every page is behind the rule ``person_merging`` (local-authority case staff); what a user may
decide is ``services.may_decide`` (managers). A page about two people needs the full record of
both (``people.access.person_for``), shows the key facts of each, and is audited for each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit import services as audit
from kernel.access import rule
from kernel.forms import add_rule_errors
from kernel.rules import RuleBroken

from .. import services as people_services
from ..access import Level, keep_visible, person_for, record_or_not_visible
from ..models import Person
from ..search import search_people
from . import kinds, selectors, services
from .forms import DecisionForm, NotTheSameForm, ProposeMergeForm, UnmergeForm
from .models import DuplicatePair, PersonMerge

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


def _viewed(request: SignedInRequest, obj: Any, people: list[Person], summary: str, **detail: Any) -> None:
    """One audit entry for each person the page is about, so that each record's "who has looked"
    lists it."""
    audit.record_many(
        audit.entry(request.user, "view", obj=obj, person=person, summary=summary, detail=detail) for person in people
    )


def _status(code: int, response: HttpResponse) -> HttpResponse:
    response.status_code = code
    return response


@rule("person_merging")
def duplicates(request: SignedInRequest) -> HttpResponse:
    """The likely duplicates waiting for review, the merges waiting for sign-off and the latest."""
    pairs = selectors.open_pairs(request.user)
    waiting = selectors.merges_waiting(request.user)
    recent = selectors.recent_merges(request.user)
    audit.record(
        request.user,
        "view",
        summary="Viewed the likely duplicate records",
        detail={"pairs": [p.pk for p in pairs], "waiting": [m.pk for m in waiting], "recent": [m.pk for m in recent]},
    )
    return render(
        request,
        "people/merging/duplicates.html",
        {
            "pairs": pairs,
            "waiting": waiting,
            "recent": recent,
            "check": selectors.latest_check(),
            "may_decide": services.may_decide(request.user),
        },
    )


@rule("person_merging")
def check_now(request: SignedInRequest) -> HttpResponse:
    """A manager asks for a check of the whole person index now (it runs on the task queue; the
    nightly command does the same)."""
    if request.method == "POST" and services.may_decide(request.user):
        if services.check_waiting() is None:
            services.request_duplicate_check(request.user)
        messages.success(request, "The person index will be checked for duplicates: this page shows what it finds")
    return redirect("people:duplicates")


@rule("person_merging")
def merge_find(request: SignedInRequest, person_id: int) -> HttpResponse:
    """The first step of merging from a record: find the other record."""
    person = person_for(request.user, person_id)
    query = request.GET.get("q", "").strip()[:200]
    hits = []
    if query:
        found = keep_visible(request.user, search_people(query, user=request.user), at_least=Level.FULL)
        hits = [hit for hit in found if hit.person.pk != person.pk]
        audit.record(
            request.user,
            "search",
            summary="Searched for a record to merge with",
            detail={"terms": query, "results": [hit.person.pk for hit in hits]},
        )
    else:
        audit.record(request.user, "view", obj=person, person=person, summary="Viewed finding a record to merge with")
    return render(request, "people/merging/find.html", {"person": person, "query": query, "hits": hits})


def _side(person: Person, holdings: list[selectors.KindCount] | None = None) -> dict[str, Any]:
    """One column of the comparison: the record's details, identifiers, home and what records
    name them (given, for the record to merge: the plan has counted them already)."""
    home = people_services.current_address(person)
    holdings = selectors.holdings(person) if holdings is None else holdings
    return {
        "person": person,
        "identifiers": sorted(person.identifiers.all(), key=lambda i: (i.id_type != "CI", i.id_type)),
        "names": [name for name in person.names.all() if name.name_type != "current"],
        "home": home,
        "holdings": holdings,
        "statutory": any(kind.label in kinds.STATUTORY for kind in holdings),
    }


@rule("person_merging")
def compare(request: SignedInRequest, person_id: int, other_id: int) -> HttpResponse:
    """Two records side by side, what would move if the other were merged into this one (in
    words, by kind of record), and the form to merge them or propose it for sign-off."""
    survivor = person_for(request.user, person_id)
    merged = person_for(request.user, other_id)
    assessed = services.assess(survivor, merged)
    s16lc = selectors.s16lc_only_on(merged, survivor)
    pair = selectors.pair_of(survivor, merged)
    open_pair = pair if pair is not None and pair.status == DuplicatePair.Status.OPEN else None
    because = list(assessed.sign_off_because)
    if not services.may_decide(request.user):
        because.append("you are not a manager")
    button = "Propose the merge for sign-off" if because else "Merge the records"
    form = ProposeMergeForm(request.POST if request.method == "POST" else None, button=button)
    if request.method == "POST" and form.is_valid():
        try:
            merge = services.propose_merge(
                request.user,
                survivor,
                merged,
                reason=form.cleaned_data["reason"],
                pair=open_pair,
            )
        except RuleBroken as broken:
            add_rule_errors(form, broken)
        else:
            if merge.done:
                messages.success(request, f"{merged.full_name}'s record was merged into {survivor.full_name}'s")
            else:
                messages.success(request, "The merge was proposed: a manager must sign it off")
            return redirect("people:merge", merge_id=merge.pk)
    _viewed(
        request,
        pair,
        [survivor, merged],
        "Compared two records to merge",
        survivor=survivor.pk,
        merged=merged.pk,
    )
    response = render(
        request,
        "people/merging/compare.html",
        {
            "survivor": survivor,
            "merged": merged,
            "key_facts_people": [survivor, merged],
            "sides": [_side(survivor), _side(merged, selectors.holdings_in(assessed.plan))],
            "assessed": assessed,
            "moves": selectors.counts_of(assessed.plan.moved_counts),
            "stays": selectors.counts_of(assessed.plan.kept_counts),
            "sign_off_because": because,
            "pair": open_pair,
            "evidence": selectors.evidence(open_pair) if open_pair else [],
            "warnings": selectors.warnings(open_pair) if open_pair else [],
            "form": form,
            "s16lc": s16lc,
        },
    )
    return _status(400, response) if form.errors else response


def _merge_for(request: SignedInRequest, merge_id: int) -> tuple[PersonMerge, list[Person]]:
    """The merge, if the user may see the people it is about in full (the live ones: a tombstone
    is seen through the record it was merged into); otherwise the audited "not found"."""
    merge = record_or_not_visible(PersonMerge, merge_id, "survivor", "merged", "proposed_by", "decided_by")
    live = selectors.live_ids([merge.survivor_id, merge.merged_id])
    people = [person_for(request.user, pk) for pk in dict.fromkeys(live.values())]
    return merge, people


@rule("person_merging")
def merge_page(request: SignedInRequest, merge_id: int) -> HttpResponse:
    """A merge: who proposed and decided it, why, what moved; the sign-off while it waits, and
    "Undo this merge" once carried out."""
    merge, people = _merge_for(request, merge_id)
    decider = services.may_decide(request.user)
    may_sign_off = merge.waiting and decider and merge.proposed_by_id != request.user.pk
    may_withdraw = merge.waiting and (decider or merge.proposed_by_id == request.user.pk)
    form = None
    if may_withdraw:
        form = DecisionForm(request.POST if request.method == "POST" else None, may_sign_off=may_sign_off)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "sign_off":
                    services.sign_off_merge(request.user, merge, note=form.cleaned_data["note"])
                    messages.success(request, "Merge signed off: the records were merged")
                else:
                    services.decline_merge(request.user, merge, note=form.cleaned_data["note"])
                    messages.success(request, "The merge was not signed off: the records stay apart")
            except RuleBroken as broken:
                add_rule_errors(form, broken)
            else:
                return redirect("people:merge", merge_id=merge.pk)
    _viewed(request, merge, people, "Viewed a merge of two records", merge=merge.pk, status=merge.status)
    response = render(
        request,
        "people/merging/merge.html",
        {
            "merge": merge,
            "key_facts_people": people,
            "moved": selectors.counts_of(merge.moved),
            "kept": selectors.counts_of(merge.kept),
            "rows": selectors.moved_rows(merge) if merge.status != PersonMerge.Status.PROPOSED else [],
            "form": form,
            "may_sign_off": may_sign_off,
            "may_undo": merge.done and decider,
            "identifiers": sorted(merge.merged.identifiers.all(), key=lambda i: (i.id_type != "CI", i.id_type)),
            "decision_label": "Not signed off" if merge.status == PersonMerge.Status.DECLINED else "Signed off",
        },
    )
    return _status(400, response) if form is not None and form.errors else response


@rule("person_merging")
def unmerge(request: SignedInRequest, merge_id: int) -> HttpResponse:
    """Undo a merge (a manager), saying why."""
    merge, people = _merge_for(request, merge_id)
    form = UnmergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unmerge_people(request.user, merge, reason=form.cleaned_data["reason"])
        except RuleBroken as broken:
            add_rule_errors(form, broken)
        else:
            messages.success(request, f"The merge was undone: {merge.merged.full_name} has their own record again")
            return redirect("people:merge", merge_id=merge.pk)
    _viewed(request, merge, people, "Viewed undoing a merge", merge=merge.pk)
    response = render(
        request,
        "people/merging/unmerge.html",
        {
            "merge": merge,
            "key_facts_people": people,
            "form": form,
            "may_undo": merge.done and services.may_decide(request.user),
            "moved": selectors.counts_of(merge.moved),
        },
    )
    return _status(400, response) if form.errors else response


@rule("person_merging")
def not_the_same(request: SignedInRequest, pair_id: int) -> HttpResponse:
    """Record that two likely duplicates are different people (a manager)."""
    pair = record_or_not_visible(DuplicatePair, pair_id, "first", "second")
    people = [person_for(request.user, pair.first_id), person_for(request.user, pair.second_id)]
    form = NotTheSameForm(request.POST if request.method == "POST" else None)
    may_decide = services.may_decide(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.dismiss_pair(request.user, pair, reason=form.cleaned_data["reason"])
        except RuleBroken as broken:
            add_rule_errors(form, broken)
        else:
            messages.success(
                request, f"{people[0].full_name} and {people[1].full_name} are recorded as different people"
            )
            return redirect("people:duplicates")
    _viewed(request, pair, people, "Viewed two likely duplicates", pair=pair.pk)
    response = render(
        request,
        "people/merging/not_the_same.html",
        {"pair": pair, "key_facts_people": people, "form": form, "may_decide": may_decide},
    )
    return _status(400, response) if form.errors else response
