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

import hashlib
import json
import re
from typing import Any

from django.db import IntegrityError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel.access import AccessRulePermission
from kernel.problems import problem, problem_responses
from kernel.rules import RuleBroken
from partners.models import ApiToken
from partners.tokens import HasScope

from . import services
from .models import DeregistrationNotice

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 200
IDEMPOTENCY_KEY_PATTERN = r"^ *[!-~][ -~]*$"


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


class DeregistrationNoticeView(APIView):
    """Schools' systems send deregistration notices here."""

    access_rule = "contact_submit"
    permission_classes = [AccessRulePermission, HasScope.for_operation("education:notify")]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="deregistration_notices_create",
        summary="Tell the authority a child leaves a school's roll",
        description="Needs an API token with the `education:notify` scope and an `Idempotency-Key` header.",
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="1 to 200 visible ASCII characters, unique per notice among the agency's tokens",
                pattern=IDEMPOTENCY_KEY_PATTERN,
            )
        ],
        request=NoticeIn,
        responses={
            201: OpenApiResponse(NoticeOut, description="The notice is kept (or a retry of it answered again)"),
            **problem_responses(400, 401, 403, 415, 422, d422="This Idempotency-Key was used for a different body"),
        },
        tags=["education"],
    )
    def post(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise PermissionDenied("Notices are sent by schools' systems with an API token.")
        sent = request.headers.get(IDEMPOTENCY_HEADER, "")
        key = sent.strip()
        if not key or len(sent) > IDEMPOTENCY_KEY_MAX or not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, sent):
            raise ValidationError(
                {IDEMPOTENCY_HEADER: ["Send an Idempotency-Key header: 1 to 200 visible characters, such as a UUID"]}
            )
        body = request.body
        digest = hashlib.sha256(body).hexdigest()
        earlier = DeregistrationNotice.objects.filter(agency_id=token.agency_id, idempotency_key=key).first()
        if earlier is not None:
            return self.replay(earlier, digest)
        try:
            data = json.loads(body or b"")
        except (ValueError, UnicodeDecodeError):
            raise ValidationError({"body": ["The body is not valid JSON"]}) from None
        if not isinstance(data, dict):
            raise ValidationError({"body": ["The body must be a JSON object"]})
        incoming = NoticeIn(data=data)
        incoming.is_valid(raise_exception=True)
        try:
            notice = services.receive_deregistration_notice(
                request.user,  # type: ignore[arg-type]
                agency=token.agency,
                key=key,
                digest=digest,
                **incoming.validated_data,
            )
        except RuleBroken as refused:
            raise ValidationError(refused.errors) from None
        except IntegrityError:
            earlier = DeregistrationNotice.objects.filter(agency_id=token.agency_id, idempotency_key=key).first()
            if earlier is None:
                raise
            return self.replay(earlier, digest)
        return Response(NoticeOut(answer(notice)).data, status=201)

    @staticmethod
    def replay(earlier: DeregistrationNotice, digest: str) -> Response:
        if earlier.body_digest != digest:
            return problem(
                422,
                "This Idempotency-Key was used for a different notice. Use a new key for a new notice.",
                errors={IDEMPOTENCY_HEADER: ["This key was used for a different notice"]},
                title="Idempotency-Key already used",
            )
        response = Response(NoticeOut(answer(earlier)).data, status=201)
        response["Idempotent-Replayed"] = "true"
        return response
