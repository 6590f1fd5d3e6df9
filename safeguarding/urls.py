from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from people import views as people_views


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: describes the API, holds no data."""

    access_rule = "public"


urlpatterns = [
    # Home: each role's start page, the partner's home, and the list of every page one may use.
    path("", include("dashboards.home.urls")),
    path("search/", people_views.search, name="search"),
    path("people/", include("people.urls")),
    path("audit/", include("people.audit_report")),
    path("front-door/", include("frontdoor.urls")),
    # The child's case: allocation, assessment, child in need plans, visits, closure.
    path("cases/", include("familyhelp.urls")),
    # Early help: early help assessments, lead practitioners and family plans.
    path("early-help/", include("familyhelp.early_help.urls")),
    # Strategy discussions, section 47 enquiries, conferences, plans and core groups.
    path("child-protection/", include("childprotection.urls")),
    # Children in care: periods, placements, care planning, returns home, kinship.
    path("children-in-care/", include("childrenincare.urls")),
    # Care leavers: eligibility, personal advisers, pathway plans, keeping in touch.
    path("care-leavers/", include("leavingcare.urls")),
    # Adoption: the child's adoption plan, and adopters.
    path("adoption/", include("adoption.urls")),
    # Missing episodes and return interviews.
    path("missing/", include("exploitation.urls")),
    # Education: pupils' schools, relevant children, consent to withdraw for home education.
    path("education/", include("education.urls")),
    # Statutory returns (SSDA903, CIN census, Annex A) and statistics.
    path("returns/", include("returns.urls")),
    # Timescale dashboards: one's own, the team's, the service's.
    path("timescales/", include("dashboards.urls")),
    path("caseload/", include("dashboards.caseload.urls")),
    # Record linkage: partners' records to review, the model's accuracy, partners' feeds.
    path("linkage/", include("linkage.urls")),
    # The information-sharing log: a child's sharing history, decisions not to share, notices.
    path("sharing/", include("sharing.urls")),
    # The safeguarding partnership: serious incidents, rapid reviews, practice reviews and
    # recommendations; the information requests agencies answer; the public arrangements.
    path("", include("partnership.urls")),
    # Making contacts, one's own contacts, agency checks, the public threshold document.
    path("", include("frontdoor.partner.urls")),
    # Sign-in and two-factor pages, sign-out, the account page, the health check.
    path("", include("partners.urls")),
    path("api/v1/", include("people.api_urls")),
    path("api/v1/", include("frontdoor.api.urls")),
    path("api/v1/", include("education.api_urls")),
    path("api/v1/", include("exploitation.api_urls")),
    path("api/v1/", include("linkage.api_urls")),
    path("api/v1/", include("sharing.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]

# Under /api/, a path no route matches (or a failure outside DRF) is answered with problem
# details, not the HTML pages the rest of the service shows.
handler404 = "kernel.problems.not_found"
handler500 = "kernel.problems.server_error"
