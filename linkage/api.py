"""The partner API for records to link: ``POST /api/v1/linkage/records/`` (scope ``records:submit``).

A partner's system sends its records of children (its own record id for each, names, date of
birth, sex, postcode, NHS number, UPN where it holds them) with an ``Idempotency-Key`` header
(partners.idempotent: a retry with the same key and body answers the first 201 again and keeps
nothing twice; the same key with another body is refused, 422). The records are the token's
agency's. They are kept whole or not at all: any record that cannot be used (no name, a date
that is not real, a field this feed does not take) refuses the lot with problem details naming
each one. The answer says only how many records were kept: the links are made by the
background job, and what was found is not told back to the sender.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kernel.access import AccessRulePermission
from kernel.problems import problem_responses
from partners.idempotent import IdempotentCreateView, idempotency_key_parameter
from partners.tokens import HasScope

from . import services
from .models import Submission


class RecordIn(serializers.Serializer):
    record_id = serializers.CharField(max_length=100, help_text="The agency's own id for the record")
    given_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="YYYY-MM-DD, or empty when unknown"
    )
    sex = serializers.CharField(max_length=10, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=8, required=False, allow_blank=True)
    nhs_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    upn = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="Unique pupil number")


class RecordsIn(serializers.Serializer):
    records = serializers.ListField(child=RecordIn(), min_length=1, max_length=services.MAX_RECORDS)


class SubmissionOut(serializers.Serializer):
    id = serializers.IntegerField()
    records = serializers.IntegerField(help_text="How many records were kept")
    status = serializers.ChoiceField(choices=Submission.Status.choices)


def submit(user: Any, *, agency: Any, key: str, digest: str, records: list[dict[str, Any]]) -> Submission:
    return services.receive_records(
        user, agency, records, source=Submission.Source.API, idempotency_key=key, body_digest=digest
    )


def answer(submission: Submission) -> dict[str, Any]:
    return {"id": submission.pk, "records": submission.records, "status": submission.status}


class RecordsView(IdempotentCreateView):
    """Partner systems send records to link here."""

    access_rule = "contact_submit"
    permission_classes = [AccessRulePermission, HasScope.for_operation("records:submit")]
    model = Submission
    input_serializer = RecordsIn
    service = staticmethod(submit)
    present = staticmethod(answer)
    output_serializer = SubmissionOut
    senders = "Records are sent by partner agencies' systems"
    different_one = "a different set of records"
    new_one = "new records"

    @extend_schema(
        operation_id="linkage_records_create",
        summary="Send an agency's records of children, to be linked to the person index",
        description="Needs an API token with the `records:submit` scope and an `Idempotency-Key` header.",
        parameters=[idempotency_key_parameter("set of records")],
        request=RecordsIn,
        responses={
            201: OpenApiResponse(SubmissionOut, description="The records are kept (or a retry answered again)"),
            **problem_responses(400, 401, 403, 415, 422, d422="This Idempotency-Key was used for a different body"),
        },
        tags=["linkage"],
    )
    def post(self, request: Request) -> Response:
        return self.receive(request)
