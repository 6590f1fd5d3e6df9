"""``POST /api/v1/cpis/queries/`` (scope ``cpis:query``): a health agency's system asks by NHS
number whether a child is on a child protection plan, looked after, or the subject of a
pre-birth plan (asked by the expectant mother's NHS number, as CP-IS does), saying where and
when the child is being seen (sharing.cpis).

A POST, not a GET with the number in the path: paths are logged, NHS numbers never are. The
answer holds the three flags with their start dates and the local authority's contact, and
nothing else: no name, no date of birth, no worker. A number that fails the Modulus 11 check is
refused (400, problem details with ``errors``); a number the service does not hold, or a child
with none of the three, answers ``known: false`` and nothing more.
"""

from django.core.exceptions import ValidationError as InvalidValue
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel.access import AccessRulePermission
from kernel.problems import problem_responses
from kernel.rules import RuleBroken
from partners.models import User
from partners.tokens import HasScope
from people.identifiers import validate_nhs_number

from . import cpis

NHS_NUMBER_PATTERN = "^[0-9]{3} ?[0-9]{3} ?[0-9]{4}$"
# Python's str.strip() whitespace, spelled out so that a JSON Schema pattern means the same in
# every regular-expression engine (as frontdoor.api does): the text must hold something else.
STRIPPED = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NOT_BLANK = f"^[^\\x00]*[^\\x00{STRIPPED}][^\\x00]*$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": NHS_NUMBER_PATTERN,
        "format": "nhs-number",
        "maxLength": 12,
        "description": "The child's NHS number: 10 digits, the last a check digit (Modulus 11); "
        "943 476 5919 or 9434765919",
    }
)
class NhsNumber(serializers.RegexField):
    default_error_messages = {"not_text": "Must be text (a JSON string)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "pattern": NOT_BLANK,
        "maxLength": cpis.CARE_SETTING_MAX,
        "description": "Where the child is being seen, like: Emergency department, St Elsewhere",
    }
)
class CareSetting(serializers.CharField):
    default_error_messages = {"not_text": "Must be text (a JSON string)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class CpisQuery(serializers.Serializer):
    nhs_number = NhsNumber(
        NHS_NUMBER_PATTERN,
        max_length=12,
        error_messages={"invalid": "An NHS number is 10 numbers, like 943 476 5919"},
    )
    care_setting = CareSetting(
        max_length=cpis.CARE_SETTING_MAX,
        error_messages={"blank": "Enter where the child is being seen"},
    )
    attended_at = serializers.DateTimeField(help_text="When the child attended (with the time zone)")

    def validate_nhs_number(self, value: str) -> str:
        try:
            return validate_nhs_number(value)
        except InvalidValue as error:
            raise serializers.ValidationError(error.messages) from None


class CpisFlag(serializers.Serializer):
    flag = serializers.BooleanField()
    start_date = serializers.DateField(allow_null=True)


class CpisContact(serializers.Serializer):
    name = serializers.CharField(help_text="The local authority")
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class CpisAnswer(serializers.Serializer):
    known = serializers.BooleanField(
        help_text="False: the service knows of no child protection plan, looked-after status or pre-birth "
        "plan for this NHS number (whether it knows the number at all is not said)"
    )
    child_protection_plan = CpisFlag()
    looked_after = CpisFlag()
    pre_birth_plan = CpisFlag()
    local_authority = CpisContact(allow_null=True, help_text="Whom to contact; null when not known")


def present(answer: cpis.Answer) -> dict:
    def flag(found: cpis.Flag) -> dict:
        return {"flag": found.flag, "start_date": found.start_date}

    contact = answer.local_authority
    return {
        "known": answer.known,
        "child_protection_plan": flag(answer.child_protection_plan),
        "looked_after": flag(answer.looked_after),
        "pre_birth_plan": flag(answer.pre_birth_plan),
        "local_authority": None
        if contact is None
        else {"name": contact.name, "phone": contact.phone, "email": contact.email},
    }


class CpisQueryView(APIView):
    access_rule = "cpis_query"
    permission_classes = [AccessRulePermission, HasScope.for_operation("cpis:query")]

    @extend_schema(
        operation_id="cpis_query",
        summary="Is this child on a child protection plan, looked after, or the subject of a pre-birth plan?",
        description="Needs the `cpis:query` scope, for a health agency's system (an integrated care board or a "
        "health provider). Answers the three flags, their start dates and the local authority's contact, and "
        "nothing else; the child's allocated worker is told where and when the child was seen. An expectant "
        "mother's NHS number answers her unborn child's pre-birth plan. Every look-up is recorded.",
        request=CpisQuery,
        responses={
            200: OpenApiResponse(CpisAnswer, description="The answer (known: false when nothing is known)"),
            **problem_responses(
                400, 401, 403, d400="The NHS number fails its check digit, or a field is missing: see `errors`"
            ),
        },
        tags=["cpis"],
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied("Only a health agency may look children up")
        query = CpisQuery(data=request.data)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            answer = cpis.answer_query(
                user,
                nhs_number=data["nhs_number"],
                care_setting=data["care_setting"],
                attended_at=data["attended_at"],
            )
        except RuleBroken as broken:
            raise ValidationError(broken.errors) from None
        return Response(CpisAnswer(present(answer)).data)
