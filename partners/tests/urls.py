"""The service's routes plus a few API views for testing scopes (@pytest.mark.urls)."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel.access import AccessRulePermission
from partners.tokens import HasScope, TokensNeedDeclaredScope
from people.api import PersonDetailView
from safeguarding.urls import urlpatterns as service_urlpatterns


class WhoAmI(APIView):
    access_rule = "signed_in"
    permission_classes = [AccessRulePermission, HasScope.for_operation("people:read")]

    def get(self, request):
        return Response({"username": request.user.username, "token": getattr(request.auth, "prefix", None)})


class MakeContact(APIView):
    access_rule = "signed_in"
    permission_classes = [AccessRulePermission, HasScope.for_operation("contacts:create")]

    def post(self, request):
        return Response({"made": True}, status=201)


class Undeclared(APIView):
    access_rule = "signed_in"
    permission_classes = [AccessRulePermission, TokensNeedDeclaredScope]

    def get(self, request):
        return Response({"ok": True})


class ScopedPersonDetail(PersonDetailView):
    permission_classes = [AccessRulePermission, HasScope.for_operation("people:read")]


urlpatterns = [
    path("api/test/whoami/", WhoAmI.as_view()),
    path("api/test/contacts/", MakeContact.as_view()),
    path("api/test/undeclared/", Undeclared.as_view()),
    path("api/test/people/<int:person_id>/", ScopedPersonDetail.as_view()),
    *service_urlpatterns,
]
