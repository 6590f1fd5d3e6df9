from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from partners.views import SignInView, SignOutView, health
from people import views as people_views



class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: describes the API, holds no data."""

    access_rule = "public"


urlpatterns = [
    path("", people_views.home, name="home"),
    path("search/", people_views.search, name="search"),
    path("people/", include("people.urls")),
    path("sign-in/", SignInView.as_view(), name="sign-in"),
    path("sign-out/", SignOutView.as_view(), name="sign-out"),
    path("health/", health, name="health"),
    path("api/v1/", include("people.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
