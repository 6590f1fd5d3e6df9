"""The partner API for people: search, a person's summary, and lookup by consistent identifier.
Tokens for partner systems come with the access-control issue; for now, a signed-in session."""

from django.core.exceptions import ValidationError as InvalidValue
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import services as audit
from kernel.access import AccessRulePermission
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
        fields = ["id", "consistent_identifier", "kind", "given_names", "family_name", "date_of_birth",
                  "date_of_birth_estimated", "expected_date_of_birth", "date_of_death", "sex", "ethnicity",
                  "identifiers", "version"]

    def get_consistent_identifier(self, person) -> str:
        return consistent_identifier(person)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="Name, date of birth, identifier or postcode")


# Partner systems read people with a token that has the "people:read" scope; the agency's
# need-to-know applies to what they see, as for its practitioners.
READ_PEOPLE = [AccessRulePermission, HasScope.for_operation("people:read")]


class PersonSearchView(APIView):
    access_rule = "case_work"
    permission_classes = READ_PEOPLE

    @extend_schema(parameters=[OpenApiParameter("q", str, required=True)], responses=PersonSerializer(many=True))
    def get(self, request):
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        hits = keep_visible(request.user, search_people(query.validated_data["q"], user=request.user), at_least=Level.FULL)
        audit.record(request.user, "search", summary="Searched for a person (API)",
                     detail={"terms": query.validated_data["q"], "results": [h.person.pk for h in hits]})
        return Response(PersonSerializer([h.person for h in hits], many=True).data)


class PersonDetailView(APIView):
    access_rule = "case_work"
    permission_classes = READ_PEOPLE

    @extend_schema(responses=PersonSerializer)
    def get(self, request, person_id):
        person = person_for(request.user, person_id)
        audit.record(request.user, "view", obj=person, person=person, summary="Viewed the record (API)")
        return Response(PersonSerializer(Person.objects.prefetch_related("identifiers").get(pk=person.pk)).data)


class ChildByConsistentIdentifierView(APIView):
    access_rule = "case_work"
    permission_classes = READ_PEOPLE

    @extend_schema(responses=PersonSerializer)
    def get(self, request, identifier):
        try:
            value = validate_consistent_identifier(identifier)
        except InvalidValue as error:
            raise ValidationError({"identifier": error.messages}) from None
        ident = Identifier.objects.filter(id_type=Identifier.Type.CONSISTENT, value=value).select_related("person").first()
        if ident is None:
            raise Http404
        person = person_for(request.user, ident.person_id)
        audit.record(request.user, "view", obj=person, person=person, summary="Looked up by consistent identifier (API)")
        return Response(PersonSerializer(Person.objects.prefetch_related("identifiers").get(pk=person.pk)).data)
