"""The partner API for people: search, a person's summary, and lookup by consistent identifier.
Tokens for partner systems come with the access-control issue; for now, a signed-in session."""

import re

from django.core.exceptions import ValidationError as InvalidValue
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import services as audit
from kernel.access import AccessRulePermission
from kernel.problems import problem_responses
from partners.tokens import HasScope

from .access import Level, keep_visible, person_for
from .identifiers import validate_consistent_identifier
from .models import Identifier, Person
from .search import search_people
from .services import consistent_identifier


class IdentifierSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="id_type")

    class Meta:
        model = Identifier
        fields = ["type", "value", "valid_from", "valid_to"]


class PersonSerializer(serializers.ModelSerializer):
    identifiers = IdentifierSerializer(many=True, read_only=True)
    consistent_identifier = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "consistent_identifier",
            "kind",
            "given_names",
            "family_name",
            "date_of_birth",
            "date_of_birth_estimated",
            "expected_date_of_birth",
            "date_of_death",
            "sex",
            "ethnicity",
            "identifiers",
            "version",
        ]

    def get_consistent_identifier(self, person: Person) -> str:
        return consistent_identifier(person)


SEARCH_MAX = 200


class SearchQuery(serializers.Serializer):
    # Not trimmed here: a query of spaces only is a search for nobody (an empty list), so that
    # what the schema says (1 to 200 characters, no NUL) is all that is refused.
    q = serializers.CharField(
        max_length=SEARCH_MAX, trim_whitespace=False, help_text="Name, date of birth, identifier or postcode"
    )


# Record ids are 64-bit (BigAutoField): a larger number in the path names no record.
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
CONSISTENT_IDENTIFIER_PATTERN = r"^CI[0-9]{10}$"
NOT_FOUND = "No such person, or not one the caller may see (the answer does not say which)"


# Partner systems read people with a token that has the "people:read" scope; the agency's
# need-to-know applies to what they see, as for its practitioners.
READ_PEOPLE: list[type[BasePermission]] = [AccessRulePermission, HasScope.for_operation("people:read")]


class PersonSearchView(APIView):
    access_rule = "case_work"
    permission_classes = READ_PEOPLE

    @extend_schema(
        operation_id="people_search",
        summary="Search for people",
        description="Needs the `people:read` scope. Finds people by name (with misspellings and names that sound alike), "  # noqa: E501
        "date of birth, identifier or postcode; answers only those the caller may see in full. A query of "
        "spaces only finds nobody.",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": SEARCH_MAX, "pattern": "^[^\\x00]*$"},
                OpenApiParameter.QUERY,
                required=True,
                description=f"What to search for: 1 to {SEARCH_MAX} characters (no NUL)",
            )
        ],
        responses={
            200: PersonSerializer(many=True),
            **problem_responses(
                400,
                401,
                403,
                d400="`q` is missing, empty, longer than 200 characters or holds a NUL character: see `errors`",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        terms = query.validated_data["q"].strip()
        if not terms:
            return Response([])
        hits = keep_visible(request.user, search_people(terms, user=request.user), at_least=Level.FULL)
        audit.record(
            request.user,
            "search",
            summary="Searched for a person (API)",
            detail={"terms": terms, "results": [h.person.pk for h in hits]},
        )
        return Response(PersonSerializer([h.person for h in hits], many=True).data)


class PersonDetailView(APIView):
    access_rule = "case_work"
    permission_classes = READ_PEOPLE

    @extend_schema(
        operation_id="people_retrieve",
        summary="A person's record",
        description="Needs the `people:read` scope. Answers a person the caller may see in full; any other answers 404.",  # noqa: E501
        parameters=[OpenApiParameter("person_id", ID_SCHEMA, OpenApiParameter.PATH, description="The person's id")],
        responses={200: PersonSerializer, **problem_responses(401, 403, 404, d404=NOT_FOUND)},
    )
    def get(self, request: Request, person_id: int) -> Response:
        if person_id > MAX_ID:
            raise Http404
        person = person_for(request.user, person_id)
        audit.record(request.user, "view", obj=person, person=person, summary="Viewed the record (API)")
        return Response(PersonSerializer(Person.objects.prefetch_related("identifiers").get(pk=person.pk)).data)


class ChildByConsistentIdentifierView(APIView):
    access_rule = "case_work"
    permission_classes = READ_PEOPLE

    @extend_schema(
        operation_id="children_by_consistent_identifier",
        summary="A child's record, by consistent identifier",
        description="Needs the `people:read` scope. The identifier is CI followed by 10 digits, the last a check digit "
        "(for example CI0000000018); one that is not, or whose check digit does not match, answers 400. A "
        "child the caller may not see in full answers 404, as an unknown identifier does.",
        parameters=[
            OpenApiParameter(
                "identifier",
                {"type": "string", "pattern": CONSISTENT_IDENTIFIER_PATTERN, "format": "consistent-identifier"},
                OpenApiParameter.PATH,
                description="The child's consistent identifier",
            )
        ],
        responses={
            200: PersonSerializer,
            **problem_responses(
                400,
                401,
                403,
                404,
                d404=NOT_FOUND,
                d400="Not a consistent identifier (CI and 10 digits), or its check digit does not match: see `errors`",
            ),
        },
    )
    def get(self, request: Request, identifier: str) -> Response:
        try:
            if not re.fullmatch(CONSISTENT_IDENTIFIER_PATTERN, identifier):
                raise InvalidValue("A consistent child identifier is CI followed by 10 numbers, like CI0000000018")
            value = validate_consistent_identifier(identifier)
        except InvalidValue as error:
            raise ValidationError({"identifier": error.messages}) from None
        ident = (
            Identifier.objects.filter(id_type=Identifier.Type.CONSISTENT, value=value).select_related("person").first()
        )
        if ident is None:
            raise Http404
        # A record merged into another keeps its consistent identifier: it finds the survivor.
        person = person_for(request.user, ident.person.merged_into_id or ident.person_id)
        audit.record(
            request.user, "view", obj=person, person=person, summary="Looked up by consistent identifier (API)"
        )
        return Response(PersonSerializer(Person.objects.prefetch_related("identifiers").get(pk=person.pk)).data)
