from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from people import views as people_views


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: describes the API, holds no data."""

    access_rule = "public"


urlpatterns = [
    path("", people_views.home, name="home"),
    path("search/", people_views.search, name="search"),
    path("people/", include("people.urls")),
    path("audit/", include("audit.urls")),
    path("front-door/", include("frontdoor.urls")),
    # Making contacts, one's own contacts, agency checks, the public threshold document.
    path("", include("frontdoor.partner_urls")),
    # Sign-in and two-factor pages, sign-out, the account page, the health check.
    path("", include("partners.urls")),
    path("api/v1/", include("people.api_urls")),
    path("api/v1/", include("frontdoor.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
