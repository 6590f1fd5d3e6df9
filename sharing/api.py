"""``POST /api/v1/cpis/queries/`` (scope ``cpis:query``): a health agency's system asks by NHS
number whether a child is on a child protection plan, looked after, or the subject of a
pre-birth plan, saying where and when the child is being seen (sharing.cpis).

A POST, not a GET with the number in the path: paths are logged, NHS numbers never are. The
answer holds the three flags with their start dates and the local authority's contact, and
nothing else: no name, no date of birth, no worker. A number that fails the Modulus 11 check is
refused (400, problem details with ``errors``); a number the service does not hold, or a child
with none of the three, answers ``known: false`` and nothing more.
"""

from django.core.exceptions import ValidationError as InvalidValue
from drf_spectacular.utils import OpenApiResponse, extend_schema
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
NOT_BLANK = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"


class QueryIn(serializers.Serializer):
    nhs_number = serializers.RegexField(
        NHS_NUMBER_PATTERN,
        max_length=12,
        help_text="The child's NHS number: 10 digits, the last a check digit (Modulus 11); 943 476 5919 or 9434765919",
        error_messages={"invalid": "An NHS number is 10 numbers, like 943 476 5919"},
    )
    care_setting = serializers.RegexField(
        NOT_BLANK,
        max_length=cpis.CARE_SETTING_MAX,
        help_text="Where the child is being seen, like: Emergency department, St Elsewhere",
        error_messages={"invalid": "Enter where the child is being seen"},
    )
    attended_at = serializers.DateTimeField(help_text="When the child attended (with the time zone)")

    def validate_nhs_number(self, value: str) -> str:
        try:
            return validate_nhs_number(value)
        except InvalidValue as error:
            raise serializers.ValidationError(error.messages) from None


class FlagOut(serializers.Serializer):
    flag = serializers.BooleanField()
    start_date = serializers.DateField(allow_null=True)


class ContactOut(serializers.Serializer):
    name = serializers.CharField(help_text="The local authority")
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class AnswerOut(serializers.Serializer):
    known = serializers.BooleanField(
        help_text="False: the service knows of no child protection plan, looked-after status or pre-birth "
        "plan for this NHS number (whether it knows the number at all is not said)"
    )
    child_protection_plan = FlagOut()
    looked_after = FlagOut()
    pre_birth_plan = FlagOut()
    local_authority = ContactOut(allow_null=True, help_text="Whom to contact; null when not known")


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
        "nothing else; the child's allocated worker is told where and when the child was seen. Every look-up "
        "is recorded.",
        request=QueryIn,
        responses={
            200: OpenApiResponse(AnswerOut, description="The answer (known: false when nothing is known)"),
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
        query = QueryIn(data=request.data)
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
        return Response(AnswerOut(present(answer)).data)
