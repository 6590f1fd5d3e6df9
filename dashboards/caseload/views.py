"""The caseload pages: a social worker's children, their team's, and an IRO's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from familyhelp import selectors as familyhelp_reads
from kernel.access import rule

from . import selectors

if TYPE_CHECKING:
    from kernel.access import SignedInRequest

# Children shown a page: a team of 400 is filtered, sorted and counted whole, and shown 50 at a time.
PAGE_SIZE = 50


def _page(
    request: SignedInRequest,
    rows: list[selectors.Row],
    *,
    title: str,
    summary: str,
    scope: str,
    intro: str,
    by_worker: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    sort = request.GET.get("sort", "due")
    sort = sort if sort in selectors.SORTS else "due"
    name = request.GET.get("name", "").strip()[:100]
    worker_id = request.GET.get("worker", "")
    worker = int(worker_id) if worker_id.isdigit() else None
    workers = sorted(
        {row.worker.pk: row.worker for row in rows if row.worker is not None}.values(),
        key=lambda user: (user.last_name.casefold(), user.first_name.casefold()),
    )
    counts = selectors.counts(rows)
    shown = selectors.sorted_rows(selectors.filtered(rows, status=status, name=name, worker=worker), sort)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in (("status", status), ("sort", sort), ("name", name)) if value}
    if worker is not None:
        kept["worker"] = str(worker)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary=summary,
        detail={
            "scope": scope,
            "status": status,
            "sort": sort,
            "filtered_by_name": bool(name),
            "page": page.number,
            "children": [row.person.pk for row in page.object_list],
        },
    )
    return render(
        request,
        "dashboards/caseload.html",
        {
            "title": title,
            "intro": intro,
            "rows": page.object_list,
            "page": page,
            "matching": len(shown),
            "query": urlencode(kept) + "&" if kept else "",
            "total": len(rows),
            "counts": counts,
            "status_options": [(key, label, counts[key]) for key, label in selectors.STATUS_FILTERS.items()],
            "sort_label": selectors.SORTS[sort],
            "sorts": selectors.SORTS,
            "status": status,
            "sort": sort,
            "name": name,
            "by_worker": by_worker,
            "workers": workers,
            "worker": worker,
            "filtered": bool(status or name or worker),
            "today": timezone.localdate(),
            **(extra or {}),
        },
    )


@rule("timescales")
def mine(request: SignedInRequest) -> HttpResponse:
    day = timezone.localdate()
    rows = selectors.worker_caseload(request.user, request.user, day)
    return _page(
        request,
        rows,
        title="Your caseload",
        summary="Viewed their caseload",
        scope="worker",
        intro="The children whose cases are allocated to you.",
    )


@rule("timescales")
def team(request: SignedInRequest) -> HttpResponse:
    day = timezone.localdate()
    user = request.user
    rows = selectors.team_caseload(user, user.team, day) if user.team_id else []  # type: ignore[arg-type]
    waiting = list(familyhelp_reads.waiting_for_allocation(user)[:50]) if user.team_id else []
    return _page(
        request,
        rows,
        title=f"{user.team}'s caseload" if user.team_id else "Your team's caseload",
        summary="Viewed their team's caseload",
        scope="team",
        intro="The children whose cases are allocated to your team, and the work waiting for allocation.",
        by_worker=True,
        extra={"waiting": waiting, "show_waiting": True},
    )


@rule("timescales")
def reviews(request: SignedInRequest) -> HttpResponse:
    day = timezone.localdate()
    rows = selectors.iro_caseload(request.user, request.user, day)
    return _page(
        request,
        rows,
        title="Children you review",
        summary="Viewed the children they review as IRO",
        scope="iro",
        intro="Looked-after children for whom you are the independent reviewing officer, with the next review due.",
    )
