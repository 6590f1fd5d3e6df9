"""The partner API for contacts: a partner system tells the front door about a child.

- ``POST /api/v1/contacts/`` (scope ``contacts:create``): a contact, with an ``Idempotency-Key``
  header. The key is the agency's: a retry with the same key and body, from any token of the
  same agency, answers the first contact's 201 again and makes no second contact; the same key
  with another body is refused (422). Another agency's keys are its own. The contact is
  committed before the 201 answers (the request is one transaction; attachments are moved into
  place when it commits).
  With ``Prefer: respond-async`` (RFC 7240) the body is checked as above (a bad one is still a
  400, and nothing is kept), then kept as a submission and queued: the answer is 202 Accepted,
  ``Preference-Applied: respond-async``, and the Location of the submission's status. A
  background worker makes the contact seconds later, received when the partner sent it.
- ``GET /api/v1/contact-submissions/<uuid>/`` (the same scopes as a contact's status): whether
  a submission the token's agency sent is waiting, processed (with its contact) or failed.
- ``GET /api/v1/contacts/<contact_id>/`` (scope ``contacts:read`` or ``contacts:create``): the
  status of a contact the token's agency made, and the feedback given to the referrer.

Errors are problem details (kernel.problems) with ``errors`` by field. The answer says about the
people in the contact only how each was matched and, for a child, their consistent identifier:
never anything else the service holds about them.
"""

import base64
import binascii
import hashlib
import json
import re
import threading

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as InvalidValue
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import services as audit
from frontdoor import attachments, selectors, services
from frontdoor.models import Contact, ContactPerson, ContactSubmission
from kernel import codelists
from kernel.access import AccessRulePermission
from kernel.problems import problem, problem_responses
from partners.idempotent import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_PATTERN
from partners.models import ApiToken
from partners.tokens import HasScope
from people.identifiers import validate_consistent_identifier, validate_nhs_number, validate_upn
from people.models import Identifier, Person

PREFER_HEADER = "Prefer"
RESPOND_ASYNC = "respond-async"
# Record ids are 64-bit (BigAutoField): a larger number in the path names no record.
MAX_ID = 2**63 - 1
MAX_ATTACHMENTS = 5
MAX_PEOPLE = 30
Role = ContactPerson.Role


class BodyTooLarge(ValidationError):
    status_code = 413


class NotJson(ValidationError):
    status_code = 415


# --- The request ------------------------------------------------------------------------


class Text(serializers.CharField):
    """A JSON string, nothing else: a number or a list where text belongs is refused."""

    default_error_messages = {"invalid": "Must be text (a JSON string)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBoolean(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


# Python's str.strip() whitespace, spelled out so that a JSON Schema pattern means the same in
# every regular-expression engine: a required text field must hold something else.
STRIPPED = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NO_NUL = "^[^\\x00]+$"  # DRF refuses NUL in any text (and empty text is the other branch of a blank-allowed field)
NOT_BLANK = f"^[^\\x00]*[^\\x00{STRIPPED}][^\\x00]*$"
NHS_NUMBER_PATTERN = "^[0-9]{3} ?[0-9]{3} ?[0-9]{4}$"
UPN_PATTERN = "^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$"
CONSISTENT_IDENTIFIER_PATTERN = "^CI[0-9]{10}$"
BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class Pattern(Text):
    """Text the schema describes with a pattern and a format (an identifier with a check digit)."""

    def __init__(self, *args, pattern, format_, **kwargs):
        self.schema_pattern, self.schema_format = pattern, format_
        super().__init__(*args, **kwargs)


class BoundedList(serializers.ListSerializer):
    """A list of objects (many=True) whose bounds are in the schema: minItems, maxItems."""


class BoundedListScheme(OpenApiSerializerFieldExtension):
    target_class = BoundedList
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        least = field.min_length if field.min_length is not None else (0 if field.allow_empty else 1)
        if least:
            schema["minItems"] = least
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
        return schema


class ReferralSource(Text):
    """A code of the referral-source list (CIN census) valid when the contact was received."""


class TextScheme(OpenApiSerializerFieldExtension):
    """How text is described in the schema: required text must hold more than spaces, and no text
    may hold NUL; identifiers have their pattern and format; the referral source lists the codes
    valid today, read from the code list when the schema is made (the list is data, and changes
    with the collection year)."""

    target_class = Text
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        if isinstance(field, ReferralSource):
            try:
                schema["enum"] = [code for code, _ in codelists.codes("referral-source")]
            except DatabaseError:  # the schema made offline, before the database is set up
                pass
        elif isinstance(field, Pattern):
            schema.update(pattern=field.schema_pattern, format=field.schema_format)
        else:
            schema["pattern"] = NO_NUL if field.allow_blank else NOT_BLANK
        return schema


def _identifier_check(validator):
    def check(value):
        if not value:
            return ""
        try:
            return validator(value)
        except InvalidValue as error:
            raise serializers.ValidationError(error.messages) from None

    return check


SEX_CODES = ["M", "F", "U"]


class PersonIn(serializers.Serializer):
    class Meta:
        list_serializer_class = BoundedList

    given_names = Text(max_length=200)
    family_name = Text(max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=SEX_CODES, default="U", help_text="Code list: sex (M, F, U)")
    nhs_number = Pattern(
        required=False,
        allow_blank=True,
        max_length=20,
        pattern=NHS_NUMBER_PATTERN,
        format_="nhs-number",
        help_text="10 digits, the last a check digit; written 943 476 5919 or 9434765919",
    )
    relationship = Text(required=False, allow_blank=True, max_length=200, help_text="To the child the contact is about")

    def validate_nhs_number(self, value):
        return _identifier_check(validate_nhs_number)(value)


class ChildIn(PersonIn):
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True, help_text="For an unborn child")
    consistent_identifier = Pattern(
        required=False,
        allow_blank=True,
        max_length=20,
        pattern=CONSISTENT_IDENTIFIER_PATTERN,
        format_="consistent-identifier",
        help_text="The child's consistent identifier in this service, if the partner knows "
        "it: CI and 10 digits, the last a check digit",
    )
    upn = Pattern(
        required=False,
        allow_blank=True,
        max_length=20,
        pattern=UPN_PATTERN,
        format_="upn",
        help_text="Unique pupil number: a check letter, 11 digits, and a digit or letter (not I, O or S)",
    )

    def validate_consistent_identifier(self, value):
        return _identifier_check(validate_consistent_identifier)(value)

    def validate_upn(self, value):
        return _identifier_check(validate_upn)(value)


class AdultIn(PersonIn):
    role = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in (Role.ADULT_IN_HOUSEHOLD, Role.PERSON_OF_CONCERN, Role.OTHER)]
    )


class ReferrerIn(serializers.Serializer):
    name = Text(required=False, allow_blank=True, max_length=200)
    role = Text(required=False, allow_blank=True, max_length=200, help_text="For example: designated safeguarding lead")
    phone = Text(required=False, allow_blank=True, max_length=40)
    email = serializers.EmailField(required=False, allow_blank=True)


class AttachmentIn(serializers.Serializer):
    class Meta:
        list_serializer_class = BoundedList

    filename = Text(max_length=200, help_text="Its extension must agree with its content")
    content_base64 = Pattern(
        trim_whitespace=False,
        allow_blank=True,
        pattern=BASE64_PATTERN,
        format_="byte",
        help_text="The file, base64-encoded (PDF, .docx, PNG, JPEG or .txt)",
    )

    def validate(self, data):
        encoded = data["content_base64"]
        limit = attachments.max_bytes()
        too_big = f"The file must be smaller than {attachments._readable_size(limit)}"
        if len(encoded) // 4 * 3 > limit + 3:  # refuse before decoding it
            raise serializers.ValidationError({"content_base64": [too_big]})
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError({"content_base64": ["Must be the file's content in base64"]}) from None
        if len(content) > limit:
            raise serializers.ValidationError({"content_base64": [too_big]})
        return {"filename": data["filename"], "content": content}


_BOUND_FIELDS = threading.local()


class FieldsOncePerThread:
    """A serializer whose fields are copied and bound once per thread (to one made with no data,
    context or instance) and shared by the thread's later serializers of its class: DRF otherwise
    copies every declared field for each one (some forty for a contact's body, with the nested
    ones: about a millisecond). Sharing is safe for these serializers because no field of theirs
    keeps anything of a validation or an answer (the checks are plain functions, and errors are
    collected afresh each time) and they are made without context or partial, the only things a
    field reads from its root."""

    @cached_property
    def fields(self):
        if self._context or self.partial:
            return serializers.Serializer.fields.func(self)
        made = _BOUND_FIELDS.__dict__.setdefault("by_class", {})
        bound = made.get(type(self))
        if bound is None:
            bound = made[type(self)] = serializers.Serializer.fields.func(type(self)())
        return bound


class ContactIn(FieldsOncePerThread, serializers.Serializer):
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the partner was told; now if not given"
    )
    # A declared field, which DRF's metaclass moves off the class: Field.source is untouched.
    source = ReferralSource(  # type: ignore[assignment]
        max_length=3,
        help_text="Code list: referral-source (CIN census), for example 3A for a school; "
        "the codes listed are today's, and a code must be valid on the "
        "day the contact was received",
    )
    referrer = ReferrerIn(required=False, help_text="The person at the partner who makes the contact")
    concerns = Text(max_length=20000)
    immediate_risk = StrictBoolean(default=False)
    immediate_risk_detail = Text(required=False, allow_blank=True, max_length=5000)
    consent = serializers.ChoiceField(choices=Contact.Consent.choices, help_text="Consent to early help")
    consent_detail = Text(required=False, allow_blank=True, max_length=5000)
    # With many=True, DRF passes min_length and max_length to the ListSerializer (the stubs do not know).
    children = ChildIn(  # type: ignore[call-arg]
        many=True,
        allow_empty=False,
        min_length=1,
        max_length=MAX_PEOPLE,
        help_text="The first is the child the contact is about; the others are children in the household",
    )
    adults = AdultIn(many=True, required=False, max_length=MAX_PEOPLE)  # type: ignore[call-arg]
    attachments = AttachmentIn(many=True, required=False, max_length=MAX_ATTACHMENTS)  # type: ignore[call-arg]

    def validate(self, data):
        received_at = data.get("received_at") or timezone.now()
        if not codelists.is_valid("referral-source", data["source"], on=timezone.localdate(received_at)):
            raise serializers.ValidationError({"source": [f"{data['source']!r} is not a referral source code"]})
        return data


def service_arguments(data):
    """The keyword arguments of services.receive_contact for a validated ContactIn."""
    people = []
    for index, child in enumerate(data["children"]):
        identifiers = {
            Identifier.Type.CONSISTENT: child.get("consistent_identifier", ""),
            Identifier.Type.NHS: child.get("nhs_number", ""),
            Identifier.Type.UPN: child.get("upn", ""),
        }
        people.append(
            services.PersonDetails(
                role=Role.SUBJECT if index == 0 else Role.CHILD_IN_HOUSEHOLD,
                kind=Person.Kind.CHILD,
                given_names=child["given_names"],
                family_name=child["family_name"],
                date_of_birth=child.get("date_of_birth"),
                expected_date_of_birth=child.get("expected_date_of_birth"),
                sex=child.get("sex", "U"),
                relationship=child.get("relationship", ""),
                identifiers={k: v for k, v in identifiers.items() if v},
            )
        )
    for adult in data.get("adults", []):
        people.append(
            services.PersonDetails(
                role=adult["role"],
                kind=Person.Kind.ADULT,
                given_names=adult["given_names"],
                family_name=adult["family_name"],
                date_of_birth=adult.get("date_of_birth"),
                sex=adult.get("sex", "U"),
                relationship=adult.get("relationship", ""),
                identifiers={Identifier.Type.NHS: adult["nhs_number"]} if adult.get("nhs_number") else {},
            )
        )
    referrer = data.get("referrer", {})
    return {
        "received_at": data.get("received_at"),
        "source": data["source"],
        "concerns": data["concerns"],
        "immediate_risk": data.get("immediate_risk", False),
        "immediate_risk_detail": data.get("immediate_risk_detail", ""),
        "consent": data["consent"],
        "consent_detail": data.get("consent_detail", ""),
        "referrer_name": referrer.get("name", ""),
        "referrer_role": referrer.get("role", ""),
        "referrer_phone": referrer.get("phone", ""),
        "referrer_email": referrer.get("email", ""),
        "people": people,
        "files": [(f["filename"], f["content"]) for f in data.get("attachments", [])],
    }


# --- The answers ------------------------------------------------------------------------


class PersonOut(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    matched_by = serializers.ChoiceField(
        choices=ContactPerson.Match.choices, help_text="How the person was found in the service's records, or new"
    )
    consistent_identifier = serializers.CharField(help_text="For a child; empty for an adult")


class ContactOut(FieldsOncePerThread, serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    decision_due_date = serializers.DateField()
    decision_due_explanation = serializers.CharField()
    status = serializers.ChoiceField(choices=Contact.Status.choices)
    people = PersonOut(many=True)


class FeedbackOut(serializers.Serializer):
    method = serializers.CharField()
    message = serializers.CharField()
    given_at = serializers.DateTimeField()


class ContactStatusOut(ContactOut):
    feedback = FeedbackOut(many=True, help_text="What the referrer has been told, oldest first")


class ContactLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    url = serializers.CharField(help_text="The contact's status in this API")


@extend_schema_field({"type": "string", "enum": ContactSubmission.Status.values})
class SubmissionStatusField(serializers.CharField):
    """A submission's status (its own enum in the schema, apart from a contact's)."""


class SubmissionOut(FieldsOncePerThread, serializers.Serializer):
    id = serializers.UUIDField(help_text="The submission's identifier, in its status URL")
    reference = serializers.CharField()
    status = SubmissionStatusField(
        help_text="received: waiting to be made into a contact; processed: the contact is "
        "made (see contact); failed: not made, see error (the front door's "
        "managers see it and can queue it again)"
    )
    received_at = serializers.DateTimeField(help_text="When the service received it: the contact's received time")
    processed_at = serializers.DateTimeField(allow_null=True)
    contact = ContactLinkOut(allow_null=True, help_text="Once processed")
    error = serializers.CharField(help_text="Why it failed; empty otherwise")
    url = serializers.CharField(help_text="This status")


def submission_answer(submission):
    contact = submission.contact
    return {
        "id": submission.public_id,
        "reference": submission.reference,
        "status": submission.status,
        "received_at": submission.received_at,
        "processed_at": submission.processed_at,
        "contact": {"id": contact.pk, "reference": contact.reference, "url": reverse("api-contact", args=[contact.pk])}
        if contact
        else None,
        "error": submission.error,
        "url": reverse("api-contact-submission", args=[submission.public_id]),
    }


def prefers_async(request):
    """Whether the Prefer header (RFC 7240) asks for respond-async."""
    preferences = request.headers.get(PREFER_HEADER, "")
    return any(part.split(";")[0].split("=")[0].strip().lower() == RESPOND_ASYNC for part in preferences.split(","))


def people_of(contact):
    """Each person's role, how they were matched and (a child's) consistent identifier, in one query."""
    return [
        {"role": link.role, "matched_by": link.matched_by, "consistent_identifier": link.consistent_identifier or ""}
        for link in selectors.contact_people_answered(contact.pk)
    ]


def contact_answer(contact):
    return {
        "id": contact.pk,
        "reference": contact.reference,
        "received_at": contact.received_at,
        "decision_due_date": contact.decision_due_date,
        "decision_due_explanation": contact.decision_due_explanation,
        "status": contact.status,
        "people": people_of(contact),
    }


def subject_id(contact):
    return contact.people.filter(role=Role.SUBJECT).order_by("id").values_list("person_id", flat=True).first()


# --- Views --------------------------------------------------------------------------------


class ReadOwnContacts(HasScope):
    """A token with contacts:read, or with contacts:create (a system that sends contacts may
    follow them up); a signed-in person passes."""

    operation = "contacts:read"
    message = "This API token does not allow contacts:read."

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiToken) and request.user and request.user.is_authenticated:
            return bool({"contacts:read", "contacts:create"} & set(request.auth.scopes or []))
        return super().has_permission(request, view)


def _read_body(request):
    try:
        return request.body
    except RequestDataTooBig:
        from django.conf import settings

        raise BodyTooLarge(
            {
                "body": [
                    f"The request is too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes. Send fewer or smaller files"  # noqa: E501
                ]
            }
        ) from None


def _parse(request, body):
    if not body:
        raise ValidationError({"body": ["The body is empty: send the contact as a JSON object"]})
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise NotJson({"body": ["Send the contact as JSON, with Content-Type: application/json"]})
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError({"body": [f"The body is not valid JSON: {error}"[:300]]}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": ["The body must be a JSON object"]})
    return data


class ContactListView(APIView):
    """Partner systems send contacts here.

    The request is not one transaction (ATOMIC_REQUESTS is turned off for this view): the
    contact is one transaction of its own, committed before the 201 is made. Held in a
    request-long transaction, the token check's write of the token's last use would lock the
    token's row until the contact was stored, so that a partner system's submissions would be
    stored one at a time, whatever the number of servers. Nothing else is written before the
    contact, and a refused submission writes nothing.
    """

    access_rule = "contact_submit"
    permission_classes = [AccessRulePermission, HasScope.for_operation("contacts:create")]
    parser_classes = [JSONParser]  # for the schema: the view reads the body itself, to know its size and digest

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def handle_exception(self, exc):
        # DRF marks "the request's transaction" for rollback when it answers an error. This view
        # has none (receive_contact's own has ended by now, rolled back if it failed), so the mark
        # would fall on whatever transaction encloses the request, such as a test's: undo it.
        marks = {connection.alias: connection.needs_rollback for connection in connections.all(initialized_only=True)}
        try:
            return super().handle_exception(exc)
        finally:
            for connection in connections.all(initialized_only=True):
                if connection.alias in marks:
                    connection.needs_rollback = marks[connection.alias]

    @extend_schema(
        operation_id="contacts_create",
        summary="Send a contact about a child",
        description=(
            "Tell the front door about one or more children. Needs an API token with the `contacts:create` scope and an "  # noqa: E501
            "`Idempotency-Key` header (1 to 200 characters, unique per submission among all the agency's tokens): a "
            "retry with the same key and the same body, from any token of the agency, answers the first contact again (201, with `Idempotent-Replayed: true`) and makes no second "  # noqa: E501
            "contact; the same key with another body is refused with 422. The contact is stored before the 201 answers. "  # noqa: E501
            "Its decision is due within one working day. Files: PDF, Word (.docx), PNG, JPEG or plain text, each under "
            "the service's size limit, checked by their content.\n\n"
            "With `Prefer: respond-async` the body is checked in the same way (a bad one is a 400 and nothing is kept), "  # noqa: E501
            "then kept and queued: the answer is 202 Accepted with `Preference-Applied: respond-async`, and its "
            "`Location` is the submission's status (`GET /api/v1/contact-submissions/{id}/`), which links to the contact "  # noqa: E501
            "once a background worker has made it, usually within seconds. The contact's received time, and so its "
            "deadline, is when the submission was received. A retry with the same key answers the same submission "
            "(202, or 201 with the contact if it was sent without the header and made then)."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": IDEMPOTENCY_KEY_MAX,
                    "pattern": IDEMPOTENCY_KEY_PATTERN,
                },
                OpenApiParameter.HEADER,
                required=True,
                description="A key unique to this submission among the agency's, kept to recognise "
                "a retry: 1 to 200 visible ASCII characters, such as a UUID",
            ),
            OpenApiParameter(
                PREFER_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Preferences (RFC 7240): `respond-async` acknowledges with 202 and makes "
                "the contact in the background; other preferences are ignored",
            ),
        ],
        request=ContactIn,
        responses={
            201: ContactOut,
            202: OpenApiResponse(
                SubmissionOut,
                description="Accepted (with `Prefer: respond-async`): kept and "
                "queued. Headers: `Preference-Applied: respond-async`, `Location` of the status",
            ),
            **problem_responses(
                400,
                401,
                403,
                413,
                415,
                422,
                d400="The request has errors, listed by field in `errors`: the Idempotency-Key header, the body's "
                "fields (including rules the schema cannot express: check digits of identifiers, a time "
                "received in the future, a code not in the code list on that date, a file whose content is "
                "not what its name says), or a body that is not a JSON object",
                d422="This Idempotency-Key was used by the agency for a different body: use a new key for a new "
                "contact",
            ),
        },
    )
    def post(self, request):
        api_token = request.auth
        if not isinstance(api_token, ApiToken):
            raise PermissionDenied(
                "Contacts are sent here by partner systems with an API token; people use the web form."
            )
        sent = request.headers.get(IDEMPOTENCY_HEADER, "")
        key = sent.strip()
        if not key:
            raise ValidationError(
                {
                    IDEMPOTENCY_HEADER: [
                        "Send an Idempotency-Key header: a key unique to this submission, so that a retry makes no second contact"  # noqa: E501
                    ]
                }
            )
        if len(sent) > IDEMPOTENCY_KEY_MAX:
            raise ValidationError(
                {IDEMPOTENCY_HEADER: [f"The Idempotency-Key must be {IDEMPOTENCY_KEY_MAX} characters or fewer"]}
            )
        if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, sent):
            raise ValidationError(
                {
                    IDEMPOTENCY_HEADER: [
                        "The Idempotency-Key must be visible ASCII characters (letters, digits, punctuation), such as a UUID"  # noqa: E501
                    ]
                }
            )
        body = _read_body(request)
        digest = hashlib.sha256(body).hexdigest()
        earlier = self.submission(api_token.agency_id, key)
        if earlier is not None:
            return self.replay(request, earlier, digest)
        data = _parse(request, body)
        serializer = ContactIn(data=data)
        serializer.is_valid(raise_exception=True)
        arguments = service_arguments(serializer.validated_data)
        if request.user.agency_id == api_token.agency_id:
            request.user.agency = api_token.agency  # loaded with the token already (the audit names it)
        if prefers_async(request):
            return self.accept(request, api_token, key, digest, data, arguments)
        try:
            # One transaction (receive_contact's own), committed when it returns: the contact is
            # stored, and its files are in place, before the 201 is made.
            contact = services.receive_contact(
                request.user,
                channel=Contact.Channel.API,
                referrer_agency=api_token.agency,
                submission=(api_token, key, digest),
                **arguments,
            )
        except IntegrityError:
            # The same key sent twice at once: the other request stored its contact first.
            earlier = self.submission(api_token.agency_id, key)
            if earlier is None:
                raise
            return self.replay(request, earlier, digest)
        except services.FrontDoorError as refused:
            raise ValidationError(refused.errors) from None
        except attachments.AttachmentRefused as refused:
            raise ValidationError({"attachments": [str(refused)]}) from None
        return Response(
            ContactOut(contact_answer(contact)).data,
            status=201,
            headers={"Location": reverse("api-contact", args=[contact.pk])},
        )

    def accept(self, request, api_token, key, digest, data, arguments):
        """Prefer: respond-async: the service checks the contact now (a bad one is a 400) and keeps
        the body with its job; the answer is the submission's 202."""
        try:
            submission = services.receive_contact_submission(
                request.user, api_token=api_token, key=key, digest=digest, payload=data, contact=arguments
            )
        except services.FrontDoorError as refused:
            raise ValidationError(refused.errors) from None
        except IntegrityError:
            # The same key sent twice at once: the other request kept its submission first.
            earlier = self.submission(api_token.agency_id, key)
            if earlier is None:
                raise
            return self.replay(request, earlier, digest)
        return self.accepted(submission)

    @staticmethod
    def accepted(submission, replayed=False):
        response = Response(
            SubmissionOut(submission_answer(submission)).data,
            status=202,
            headers={
                "Location": reverse("api-contact-submission", args=[submission.public_id]),
                "Preference-Applied": RESPOND_ASYNC,
            },
        )
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @staticmethod
    def submission(agency_id, key):
        """The agency's submission with this key, from whichever of its tokens sent it."""
        return selectors.submission_with_key(agency_id, key)

    @staticmethod
    def replay(request, earlier, digest):
        if earlier.body_digest != digest:
            return problem(
                422,
                "This Idempotency-Key was used for a different submission. Use a new key for a new contact.",
                errors={IDEMPOTENCY_HEADER: ["This key was used for a different submission"]},
                title="Idempotency-Key already used",
            )
        contact = earlier.contact
        if contact is None or prefers_async(request):
            # Not made yet, or a retry of a 202: answer the submission again, as the first time.
            audit.record(
                request.user, "view", obj=earlier, summary=f"Answered a retried submission {earlier.reference} (API)"
            )
            return ContactListView.accepted(earlier, replayed=True)
        audit.record(
            request.user,
            "view",
            obj=contact,
            person=subject_id(contact),
            summary=f"Answered a retried submission of contact {contact.reference} (API)",
        )
        response = Response(
            ContactOut(contact_answer(contact)).data,
            status=201,
            headers={"Location": reverse("api-contact", args=[contact.pk])},
        )
        response["Idempotent-Replayed"] = "true"
        return response


class ContactDetailView(APIView):
    """A contact the caller's agency made: its status and what the referrer was told."""

    access_rule = "contact_submit"
    permission_classes = [AccessRulePermission, ReadOwnContacts]

    @extend_schema(
        operation_id="contacts_retrieve",
        summary="The status of a contact one's agency made, and the feedback given",
        description="Needs an API token with the `contacts:read` or the `contacts:create` scope. Only contacts made by "
        "the token's agency are found; any other answers 404.",
        parameters=[
            OpenApiParameter(
                "contact_id",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                OpenApiParameter.PATH,
                description="The contact's id, as the 201 answered it",
            )
        ],
        responses={
            200: ContactStatusOut,
            **problem_responses(401, 403, 404, d404="No such contact made by the token's agency"),
        },
    )
    def get(self, request, contact_id):
        agency_id = getattr(request.user, "agency_id", None)
        contact = selectors.contact_made_by(agency_id, contact_id) if contact_id <= MAX_ID else None
        if contact is None:
            raise Http404
        audit.record(
            request.user,
            "view",
            obj=contact,
            person=subject_id(contact),
            summary=f"Viewed the status of contact {contact.reference} (API)",
        )
        answer = contact_answer(contact)
        answer["feedback"] = [
            {"method": f.method, "message": f.message, "given_at": f.given_at}
            for f in contact.feedback.order_by("given_at", "id")
        ]
        return Response(ContactStatusOut(answer).data)


class ContactSubmissionView(APIView):
    """A submission the caller's agency sent with `Prefer: respond-async`: waiting, processed or failed."""

    access_rule = "contact_submit"
    permission_classes = [AccessRulePermission, ReadOwnContacts]

    @extend_schema(
        operation_id="contact_submissions_retrieve",
        summary="The status of a contact submission acknowledged with 202",
        description="Needs an API token with the `contacts:read` or the `contacts:create` scope. Only submissions sent "
        "by the token's agency are found; any other answers 404. Once `processed`, `contact` links to the "
        "contact's own status; `failed` says why in `error` (the front door's managers see failed "
        "submissions and can queue them again).",
        responses={
            200: SubmissionOut,
            **problem_responses(401, 403, 404, d404="No such submission sent by the token's agency"),
        },
    )
    def get(self, request, submission_id):
        agency_id = getattr(request.user, "agency_id", None)
        submission = selectors.submission_sent_by(agency_id, submission_id)
        if submission is None:
            raise Http404
        contact = submission.contact
        audit.record(
            request.user,
            "view",
            obj=contact or submission,
            person=subject_id(contact) if contact else None,
            summary=f"Viewed the status of contact submission {submission.reference} (API)",
        )
        return Response(SubmissionOut(submission_answer(submission)).data)
