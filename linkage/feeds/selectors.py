"""Reads for the feeds pages: the feeds received lately and how each was scored (counts only:
these pages name no child)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from partners.models import Agency

from ..models import LinkageRun, Submission

LIST_SIZE = 50


def recent() -> QuerySet[Submission]:
    """The feeds received, newest first."""
    return Submission.objects.select_related("agency").order_by("-received_at", "-pk")


def agencies() -> list[tuple[str, str]]:
    """The agencies a feed may come from, by name."""
    return [(str(pk), name) for pk, name in Agency.objects.order_by("name").values_list("pk", "name")]


@dataclass(frozen=True)
class Status:
    submission: Submission
    run: LinkageRun | None

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.run.counts) if self.run is not None and self.run.counts else {}

    @property
    def words(self) -> str:
        """Where the feed is, in a sentence."""
        submission, run = self.submission, self.run
        if submission.status == Submission.Status.FAILED or (
            run is not None and run.status == LinkageRun.Status.FAILED
        ):
            return "Scoring failed. The records are kept: ask an administrator to run it again."
        if submission.status == Submission.Status.SCORED:
            return "Scored: each record was linked, put in the review queue, or found no child on the index."
        if run is None:
            return "Received. It waits for a linkage model to be approved before it can be scored."
        if run.status == LinkageRun.Status.RUNNING:
            return "Received, and being scored now."
        return "Received, and waiting to be scored."


def status(submission: Submission) -> Status:
    return Status(submission, submission.runs.order_by("-pk").first())
