"""The partner API for schools' deregistration notices.

``POST /api/v1/deregistration-notices/`` (scope ``education:notify``): a school's system says
a child leaves (or is about to leave) its roll, with an ``Idempotency-Key`` header. The key is
the agency's: a retry with the same key and body answers the first notice's 201 again (with
``Idempotent-Replayed: true``) and keeps no second notice; the same key with another body is
refused (422). The notice is kept whether or not the child is found; a child found, leaving
for home education while s434A is in force, goes to the consent workflow. The answer says only
whether the child was matched and whether consent is needed: nothing else the service holds.
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
from .models import DeregistrationNotice


class NoticeIn(serializers.Serializer):
    urn = serializers.RegexField(r"^\d{6,7}$", help_text="The school's URN")
    given_names = serializers.CharField(max_length=200)
    family_name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    upn = serializers.CharField(max_length=13, required=False, allow_blank=True, help_text="Unique pupil number")
    removal_date = serializers.DateField(help_text="The day the child leaves (or left) the roll")
    reason = serializers.ChoiceField(choices=DeregistrationNotice.Reason.choices)
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class NoticeOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DeregistrationNotice.Status.choices)
    matched = serializers.BooleanField(help_text="Whether the child was found")
    consent_needed = serializers.BooleanField(
        allow_null=True, help_text="Whether the child is a relevant child (s434A); null when not worked out"
    )


def answer(notice: DeregistrationNotice) -> dict[str, Any]:
    request = notice.consent_request
    return {
        "id": notice.pk,
        "status": notice.status,
        "matched": notice.person_id is not None,
        "consent_needed": request.relevant_child if request is not None else None,
    }


class DeregistrationNoticeView(IdempotentCreateView):
    """Schools' systems send deregistration notices here."""

    access_rule = "contact_submit"
    permission_classes = [AccessRulePermission, HasScope.for_operation("education:notify")]
    model = DeregistrationNotice
    input_serializer = NoticeIn
    service = staticmethod(services.receive_deregistration_notice)
    present = staticmethod(answer)
    output_serializer = NoticeOut
    senders = "Notices are sent by schools' systems"
    different_one = "a different notice"
    new_one = "a new notice"

    @extend_schema(
        operation_id="deregistration_notices_create",
        summary="Tell the authority a child leaves a school's roll",
        description="Needs an API token with the `education:notify` scope and an `Idempotency-Key` header.",
        parameters=[idempotency_key_parameter("notice")],
        request=NoticeIn,
        responses={
            201: OpenApiResponse(NoticeOut, description="The notice is kept (or a retry of it answered again)"),
            **problem_responses(400, 401, 403, 415, 422, d422="This Idempotency-Key was used for a different body"),
        },
        tags=["education"],
    )
    def post(self, request: Request) -> Response:
        return self.receive(request)
