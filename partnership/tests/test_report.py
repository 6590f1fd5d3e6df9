"""The partnership's yearly report (Children Act 2004 s16G; Working Together to Safeguard Children
2023 chapter 2: the safeguarding partners "must publish a report at least once in every 12-month
period" on what they have done and how effective the arrangements have been).

The rules tested: a report covers at most 12 months and may not overlap a published one; each save
is a new version and old ones never change; the three lead partners (the local authority, the
integrated care board, the chief officer of police) approve the version they read, and a new
version needs their approval again; only an approved latest version is published; publishing
freezes the figures, the HTML and the PDF. Each refusal checks that nothing was saved.
"""

import datetime
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from pypdf import PdfReader

from audit.models import AuditEvent
from kernel.rules import RuleBroken
from partners.models import Agency, User
from partnership import services as partnership_services
from partnership.models import ReportApproval, ReportVersion, YearlyReport
from partnership.report import figures, services
from testing import builders
from testing.pages import date_data, refused, text

R = User.Role
APRIL = datetime.date(2025, 4, 1)
MARCH = datetime.date(2026, 3, 31)


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


@pytest.fixture
def leads(user):
    """A lead partner account for each of the three lead partners, each of their own agency."""
    return {
        kind: user(R.LEAD_PARTNER, agency=builders.agency(kind, name=f"Lead {kind}"), team=None)
        for kind in ("local_authority", "icb", "police")
    }


def start(officer, period_from=APRIL, period_to=MARCH, title="Report 2025 to 2026"):
    return services.start_report(officer, title=title, period_from=period_from, period_to=period_to)


def approve_all(report, leads):
    version = services.latest_version(report)
    for lead in leads.values():
        services.approve_report(lead, report, version_number=version.number)


# --- The period ------------------------------------------------------------------------------------


def test_a_report_of_twelve_months_starts_with_version_one(officer):
    report = start(officer)
    assert report.versions.count() == 1
    assert services.latest_version(report).number == 1


@pytest.mark.parametrize(
    ("period_from", "period_to", "message"),
    [
        (APRIL, APRIL - datetime.timedelta(days=1), "on or after its first day"),
        (APRIL, datetime.date(2026, 4, 1), "at most 12 months"),
        (None, MARCH, "first day of the period"),
        (APRIL, None, "last day of the period"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_saved(officer, period_from, period_to, message):
    with pytest.raises(RuleBroken) as error:
        start(officer, period_from, period_to)
    assert message in str(error.value)
    assert not YearlyReport.objects.exists()


def test_twelve_months_to_the_day_before_the_anniversary_is_allowed(officer):
    assert start(officer, APRIL, datetime.date(2026, 3, 31)).pk


def test_a_period_overlapping_a_published_report_is_refused(officer, leads):
    report = start(officer)
    approve_all(report, leads)
    services.publish_report(officer, report)
    with pytest.raises(RuleBroken) as error:
        start(officer, datetime.date(2026, 3, 31), datetime.date(2027, 3, 30), title="Overlapping")
    assert "overlaps the published report" in str(error.value)
    assert YearlyReport.objects.count() == 1
    # The day after is fine.
    assert start(officer, datetime.date(2026, 4, 1), datetime.date(2027, 3, 31), title="Next").pk


def test_two_drafts_may_overlap_but_only_one_is_published(officer, leads):
    first, second = start(officer), start(officer, title="Another draft of the same year")
    approve_all(first, leads)
    approve_all(second, leads)
    services.publish_report(officer, first)
    with pytest.raises(RuleBroken) as error:
        services.publish_report(officer, second)
    assert "overlaps the published report" in str(error.value)
    second.refresh_from_db()
    assert second.status == YearlyReport.Status.DRAFT
    assert not second.html


def test_the_priorities_of_the_last_published_report_are_carried_forward(officer, leads):
    report = start(officer)
    services.revise_report(
        officer,
        report,
        introduction="",
        learning="",
        next_steps="",
        priorities=[{"priority": "Neglect", "evidence": "Audit"}, {"priority": "", "evidence": ""}],
    )
    approve_all(report, leads)
    services.publish_report(officer, report)
    following = start(officer, datetime.date(2026, 4, 1), datetime.date(2027, 3, 31), title="Next year")
    assert services.latest_version(following).priorities == [{"priority": "Neglect", "evidence": ""}]


# --- Versions ------------------------------------------------------------------------------------


def test_each_save_is_a_new_version_and_the_old_one_is_kept(officer, user):
    report = start(officer)
    services.revise_report(
        officer, report, introduction="First words", learning="", next_steps="", priorities=[], read_version=1
    )
    scrutineer = user(R.SCRUTINEER)
    services.write_commentary(scrutineer, report, commentary="Effective in parts", read_version=2)
    services.revise_report(
        officer, report, introduction="Second words", learning="", next_steps="", priorities=[], read_version=3
    )
    versions = {v.number: v for v in report.versions.all()}
    assert versions[2].introduction == "First words"
    assert versions[2].commentary == ""
    assert versions[3].commentary == "Effective in parts"
    assert versions[4].introduction == "Second words"
    assert versions[4].commentary == "Effective in parts"  # kept by the officer's edit


def test_a_save_over_a_newer_version_is_refused(officer):
    report = start(officer)
    services.revise_report(officer, report, introduction="A", learning="", next_steps="", priorities=[], read_version=1)
    with pytest.raises(RuleBroken) as error:
        services.revise_report(
            officer, report, introduction="B", learning="", next_steps="", priorities=[], read_version=1
        )
    assert "Version 2 was saved since you opened version 1" in str(error.value)
    assert report.versions.count() == 2


def test_evidence_without_its_priority_is_refused(officer):
    report = start(officer)
    with pytest.raises(RuleBroken) as error:
        services.revise_report(
            officer,
            report,
            introduction="",
            learning="",
            next_steps="",
            priorities=[{"priority": "", "evidence": "Something"}],
        )
    assert "Enter priority 1" in str(error.value)
    assert report.versions.count() == 1


# --- Approval and publishing ---------------------------------------------------------------------


def test_publishing_needs_the_three_lead_partners_on_the_latest_version(officer, leads):
    report = start(officer)
    for kind in ("local_authority", "icb"):
        services.approve_report(leads[kind], report, version_number=1)
    with pytest.raises(RuleBroken) as error:
        services.publish_report(officer, report)
    assert "not been approved by: Chief officer of police" in str(error.value)
    services.approve_report(leads["police"], report, version_number=1)
    # A new version needs approving again.
    services.revise_report(officer, report, introduction="Changed", learning="", next_steps="", priorities=[])
    with pytest.raises(RuleBroken) as error:
        services.publish_report(officer, report)
    assert "Version 2 has not been approved by: Local authority, Integrated care board" in str(error.value)
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.DRAFT


def test_approving_a_version_not_read_or_twice_or_not_a_lead_partner_is_refused(officer, leads, user):
    report = start(officer)
    services.revise_report(officer, report, introduction="Changed", learning="", next_steps="", priorities=[])
    with pytest.raises(RuleBroken) as error:
        services.approve_report(leads["icb"], report, version_number=1)
    assert "Version 2 was saved since you opened version 1" in str(error.value)
    services.approve_report(leads["icb"], report, version_number=2)
    with pytest.raises(RuleBroken) as error:
        services.approve_report(leads["icb"], report, version_number=2)
    assert "already been approved for the integrated care board" in str(error.value)
    school_lead = user(R.LEAD_PARTNER, agency=builders.agency(Agency.Kind.SCHOOL, name="A school"), team=None)
    with pytest.raises(RuleBroken):
        services.approve_report(school_lead, report, version_number=2)
    with pytest.raises(RuleBroken):
        services.approve_report(officer, report, version_number=2)
    assert ReportApproval.objects.count() == 1


def test_publishing_freezes_the_figures_the_html_and_the_pdf(officer, leads, child, worker):
    report = start(officer)
    approve_all(report, leads)
    published = services.publish_report(officer, report)
    assert published.status == YearlyReport.Status.PUBLISHED
    assert published.figures["figures"]["incidents-notified-in-time"]["of"] == 0
    assert bytes(published.pdf).startswith(b"%PDF")
    # A tagged PDF (PDF/UA-1): a structure tree, marked content, its language and its title.
    reader = PdfReader(io.BytesIO(bytes(published.pdf)))
    catalogue = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "en-GB"
    assert reader.metadata.title == "Report 2025 to 2026"
    assert "Published" in published.html
    html = published.html
    # Records of the period added later do not change the published report.
    partnership_services.record_serious_incident(
        officer,
        children=child.identifiers.get(id_type="CI").value,
        became_aware_on=datetime.date(2025, 6, 2),
        harm="died",
        summary="Synthetic",
    )
    published.refresh_from_db()
    assert published.html == html
    with pytest.raises(RuleBroken) as error:
        services.revise_report(officer, published, introduction="Late", learning="", next_steps="", priorities=[])
    assert "has been published" in str(error.value)
    assert ReportVersion.objects.filter(report=published).count() == 1
    assert AuditEvent.objects.filter(summary__startswith="Published Report 2025 to 2026").exists()


# --- The figures ----------------------------------------------------------------------------------


def test_every_figure_has_a_definition_a_source_and_a_query():
    period = figures.Period(APRIL, MARCH)
    assert len(figures.DEFINITIONS) >= 20
    for definition in figures.DEFINITIONS.values():
        assert definition.section in figures.SECTIONS
        assert definition.definition.endswith(".")
        assert definition.source
        assert "SELECT" in figures.query_of(definition, period)


@pytest.mark.django_db
def test_small_counts_are_suppressed_when_published():
    definition = figures.DEFINITIONS["contacts"]
    assert definition.published(figures.Counted(3)) == "c"
    assert definition.published(figures.Counted(6)) == "6"
    assert definition.published(figures.Counted(0)) == "0"
    percent = figures.DEFINITIONS["contact-decisions-in-time"]
    assert percent.published(figures.Counted(4, 40)) == "c"
    assert percent.published(figures.Counted(30, 40)) == "75%"
    assert percent.published(figures.Counted(0, 0)) == "z"
    breakdown = figures.DEFINITIONS["plans-at-end"]
    shown = dict(breakdown.published_parts(figures.Counted(20, parts={"NEG": 14, "EMO": 4, "PHY": 2})))
    # A suppressed part, and the next smallest so that it cannot be worked out by subtraction.
    assert list(shown.values()).count("c") >= 2


# --- Pages -----------------------------------------------------------------------------------------


def test_the_pages_of_a_report_from_start_to_publication(client, officer, leads, user):
    client.force_login(officer)
    response = client.post(
        reverse("partnership:report-new"),
        {"title": "Our report", **date_data("period_from", APRIL), **date_data("period_to", MARCH)},
    )
    report = YearlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnership:report", args=[report.pk])
    page = text(client.get(reverse("partnership:report", args=[report.pk])))
    assert "Waiting for approval by" in page
    assert "Edit the report" in page
    edit = reverse("partnership:report-edit", args=[report.pk])
    assert client.get(edit).status_code == 200
    refused(client.post(edit, {"read_version": "1", "evidence_2": "Orphan evidence"}), "Enter priority 2")
    assert report.versions.count() == 1
    response = client.post(edit, {"read_version": "1", "introduction": "Hello", "priority_1": "Neglect"})
    assert response.status_code == 302
    document = client.get(reverse("partnership:report-document", args=[report.pk]))
    assert document.status_code == 200
    assert "'sha256-" in document["Content-Security-Policy"]
    body = text(document)
    assert "Neglect" in body
    assert 'role="img"' in body  # a chart drawn on the server
    pdf = client.get(reverse("partnership:report-pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    for lead in leads.values():
        client.force_login(lead)
        assert (
            client.post(reverse("partnership:report-approve", args=[report.pk]), {"read_version": "2"}).status_code
            == 302
        )
    client.force_login(officer)
    response = client.post(reverse("partnership:report-publish", args=[report.pk]), {"read_version": "2"})
    assert response.status_code == 302
    public = client.get(reverse("partnership:published-report", args=[report.pk]))
    client.logout()
    public = client.get(reverse("partnership:published-report", args=[report.pk]))
    assert public.status_code == 200
    assert "Our report" in text(public)
    assert client.get(reverse("partnership:published-pdf", args=[report.pk])).content.startswith(b"%PDF")
    client.force_login(officer)
    figure = client.get(reverse("partnership:report-figure", args=[report.pk, "contacts"]))
    assert "The query behind it" in text(figure)
    assert "SELECT" in text(figure)


def test_a_draft_is_not_public(client, officer):
    report = start(officer)
    assert client.get(reverse("partnership:published-report", args=[report.pk])).status_code == 404


# --- A property: versions only ever grow, and approvals belong to one version ---------------------


class TestVersionsOnlyGrow(HypothesisTestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.sampled_from(["edit", "comment", "approve_local_authority", "approve_icb", "approve_police"]), max_size=8
        )
    )
    def test_versions_only_grow_and_publishing_needs_the_latest_approved(self, steps):
        la = builders.local_authority(name="Hypothesis LA")
        officer = User.objects.create_user(username="officer-h", password="x", role=R.PARTNERSHIP_OFFICER, agency=la)
        scrutineer = User.objects.create_user(username="scrutineer-h", password="x", role=R.SCRUTINEER, agency=la)
        lead = {
            kind: User.objects.create_user(
                username=f"lead-{kind}",
                password="x",
                role=R.LEAD_PARTNER,
                agency=la if kind == "local_authority" else builders.agency(kind, name=f"H {kind}"),
            )
            for kind in ("local_authority", "icb", "police")
        }
        report = start(officer)
        seen = []
        for step in steps:
            before = [(v.number, v.introduction, v.commentary) for v in report.versions.order_by("number")]
            if step == "edit":
                services.revise_report(
                    officer, report, introduction=f"e{len(seen)}", learning="", next_steps="", priorities=[]
                )
            elif step == "comment":
                services.write_commentary(scrutineer, report, commentary=f"c{len(seen)}")
            else:
                kind = step.removeprefix("approve_")
                try:
                    services.approve_report(lead[kind], report, version_number=services.latest_version(report).number)
                except RuleBroken:
                    pass  # approved already
            after = [(v.number, v.introduction, v.commentary) for v in report.versions.order_by("number")]
            assert after[: len(before)] == before  # no version changes
            assert [n for n, _, _ in after] == list(range(1, len(after) + 1))
            seen.append(step)
        latest = services.latest_version(report)
        approved = set(latest.approvals.values_list("partner", flat=True))
        if approved == {"local_authority", "icb", "police"}:
            services.publish_report(officer, report)
            assert YearlyReport.objects.get(pk=report.pk).status == YearlyReport.Status.PUBLISHED
        else:
            with pytest.raises(RuleBroken):
                services.publish_report(officer, report)
