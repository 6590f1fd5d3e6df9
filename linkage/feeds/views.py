"""The feeds pages (rule `linkage_feeds`: front-door managers, the head of service and analysts,
local authority): the feeds received, uploading one, and how each was scored. They name no
child: a feed's page gives counts, and a refused file's problems name records by their row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from audit import services as audit
from kernel.access import rule
from kernel.casestep import Success, succeeded, take_step

from ..drop import max_file_bytes
from ..models import Submission
from ..services import max_records
from . import selectors, services
from .forms import UploadForm

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


@rule("linkage_feeds")
def feeds(request: SignedInRequest) -> HttpResponse:
    page = Paginator(selectors.recent(), selectors.LIST_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.status(submission) for submission in page.object_list]
    audit.record(
        request.user,
        "view",
        summary="Viewed the partners' feeds of records to link",
        detail={"page": page.number, "feeds": [row.submission.pk for row in rows]},
    )
    return render(request, "linkage/feeds.html", {"rows": rows, "page": page})


@rule("linkage_feeds")
def upload(request: SignedInRequest) -> HttpResponse:
    hint = (
        "A CSV file with a header row, or a Parquet file, smaller than "
        f"{services.readable_size(max_file_bytes())}, with at most {max_records():,} records. Its columns: "
        "record_id, given_names, family_name, date_of_birth (YYYY-MM-DD), sex, postcode, nhs_number and upn "
        "(and, if you like, agency)."
    )
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        agencies=selectors.agencies(),
        hint=hint,
    )
    if request.method == "POST" and form.is_valid():
        done, submission = take_step(
            form,
            lambda data: services.receive_file(
                request.user,
                agency_id=data.get("agency") or "",
                upload=data.get("upload"),
            ),
        )
        if done and submission is not None:
            several = submission.records != 1
            count = f"{submission.records:,} record{'s' if several else ''}"
            message = f"{count} received from {submission.agency}: {'they are' if several else 'it is'} being scored"
            return succeeded(request, Success(message, reverse("linkage:feed", args=[submission.pk])))
    status = 400 if form.errors else 200
    if request.method != "POST":
        audit.record(request.user, "view", summary="Viewed the page to upload a feed of records")
    return render(request, "linkage/upload.html", {"form": form}, status=status)


@rule("linkage_feeds")
def feed(request: SignedInRequest, linkage_submission_id: int) -> HttpResponse:
    submission = get_object_or_404(Submission.objects.select_related("agency"), pk=linkage_submission_id)
    found = selectors.status(submission)
    audit.record(request.user, "view", obj=submission, summary="Viewed how a feed of records was scored")
    return render(request, "linkage/feed.html", {"status": found, "submission": submission})
