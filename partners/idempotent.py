"""One way for a partner system to create something through the API, safely retried.

A partner's system sends ``POST`` with an API token and an ``Idempotency-Key`` header. The key is
the agency's (unique among all its tokens): a retry with the same key and the same body answers
the first 201 again, with ``Idempotent-Replayed: true``, and creates nothing; the same key with
another body is refused with 422. Two retries at the same moment meet the database's unique
constraint on (agency, key); the loser answers as a replay of the winner.

A view subclasses :class:`IdempotentCreateView` and names its model (which has ``agency``,
``idempotency_key`` and ``body_digest``), its input and output serializers, the service that
keeps what it receives, the function that says what the 201 answers, and the words for it.
Its ``post`` carries its own schema and calls :meth:`~IdempotentCreateView.receive`.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, ClassVar

from django.db import IntegrityError, models
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel.problems import problem
from kernel.rules import RuleBroken

from .models import ApiToken

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 200
# Visible ASCII, after any leading spaces: what a UUID, a ULID or a system's own reference is.
IDEMPOTENCY_KEY_PATTERN = r"^ *[!-~][ -~]*$"


def idempotency_key_parameter(unique_per: str) -> OpenApiParameter:
    """The header's entry in the OpenAPI schema; ``unique_per`` is like "notice"."""
    return OpenApiParameter(
        IDEMPOTENCY_HEADER,
        str,
        OpenApiParameter.HEADER,
        required=True,
        description=(
            f"1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters, unique per {unique_per} among the agency's tokens"
        ),
        pattern=IDEMPOTENCY_KEY_PATTERN,
    )


def idempotency_key(request: Request) -> str:
    """The request's key, stripped, or a 400 naming the header."""
    sent = request.headers.get(IDEMPOTENCY_HEADER, "")
    key = sent.strip()
    if not key or len(sent) > IDEMPOTENCY_KEY_MAX or not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, sent):
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    f"Send an Idempotency-Key header: 1 to {IDEMPOTENCY_KEY_MAX} visible characters, such as a UUID"
                ]
            }
        )
    return key


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a 400 saying why not."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"body": ["The body is not valid JSON"]}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": ["The body must be a JSON object"]})
    return data


class IdempotentCreateView(APIView):
    """A partner system's create, answered once per Idempotency-Key (see the module)."""

    parser_classes = [JSONParser]
    #: The model kept; it has ``agency``, ``idempotency_key`` and ``body_digest``.
    model: ClassVar[type[models.Model]]
    input_serializer: ClassVar[type[serializers.Serializer]]
    output_serializer: ClassVar[type[serializers.Serializer]]
    #: Who may send it, for the 403 to a signed-in person: "Notices are sent by schools' systems".
    senders: ClassVar[str]
    #: For the 422: "a different notice", or "different intelligence".
    different_one: ClassVar[str]
    #: The same, for its replacement: "a new notice", or "new intelligence".
    new_one: ClassVar[str]

    #: The service that keeps it: called as service(user, agency=, key=, digest=, **validated data);
    #: RuleBroken from it is a 400.
    service: ClassVar[Any]
    #: What the 201 says of what was kept: a dict for the output serializer.
    present: ClassVar[Any]

    def create(self, request: Request, token: ApiToken, key: str, digest: str, data: dict[str, Any]) -> Any:
        return self.service(request.user, agency=token.agency, key=key, digest=digest, **data)

    def answer(self, instance: Any) -> dict[str, Any]:
        return self.present(instance)

    def receive(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise PermissionDenied(f"{self.senders} with an API token.")
        key = idempotency_key(request)
        body = request.body
        digest = hashlib.sha256(body).hexdigest()
        earlier = self.earlier(token, key)
        if earlier is not None:
            return self.replay(earlier, digest)
        incoming = self.input_serializer(data=json_object(body))
        incoming.is_valid(raise_exception=True)
        try:
            instance = self.create(request, token, key, digest, incoming.validated_data)
        except RuleBroken as refused:
            raise ValidationError(refused.errors) from None
        except IntegrityError:
            # Another request with this key won the race: answer as its replay.
            earlier = self.earlier(token, key)
            if earlier is None:
                raise
            return self.replay(earlier, digest)
        return Response(self.output_serializer(self.answer(instance)).data, status=201)

    def earlier(self, token: ApiToken, key: str) -> Any:
        return self.model._default_manager.filter(agency_id=token.agency_id, idempotency_key=key).first()

    def replay(self, earlier: Any, digest: str) -> Response:
        if earlier.body_digest != digest:
            different = self.different_one
            return problem(
                422,
                f"This Idempotency-Key was used for {different}. Use a new key for {self.new_one}.",
                errors={IDEMPOTENCY_HEADER: [f"This key was used for {different}"]},
                title="Idempotency-Key already used",
            )
        response = Response(self.output_serializer(self.answer(earlier)).data, status=201)
        response["Idempotent-Replayed"] = "true"
        return response
