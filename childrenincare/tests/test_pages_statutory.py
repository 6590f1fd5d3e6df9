"""The pages of the statutory rules of issue 25, findings 8 and 9: the s31ZA reasons on the
legal status page, and the steps of an immediate placement with a parent (regulation 19)."""

from django.test import override_settings
from django.urls import reverse

from childrenincare.models import Approval, LegalStatus, Placement
from childrenincare.testing import designate, looked_after
from childrenincare.tests.test_pages import DAY, TODAY
from testing.pages import date_data, refused


def test_the_legal_status_page_asks_for_the_s31za_reasons(signed_in, worker, child):
    period = looked_after(worker, child, TODAY() - 60 * DAY)
    url = reverse("childrenincare:legal-status", args=[period.pk])
    with override_settings(S31ZA_COMMENCEMENT=(TODAY() - 100 * DAY).isoformat()):
        assert "best interests" in signed_in.get(url).content.decode()
        refused(signed_in.post(url, {**date_data("on", TODAY() - 10 * DAY), "code": "C1"}), "s31ZA")
        assert LegalStatus.objects.filter(period=period).count() == 1
        response = signed_in.post(
            url,
            {
                **date_data("on", TODAY() - 10 * DAY),
                "code": "C1",
                "fgdm_reasons_not_offered": "A meeting would put the mother at risk.",
            },
        )
        assert response.status_code == 302
    assert LegalStatus.objects.get(period=period, code="C1").fgdm_reasons_not_offered.startswith("A meeting")
    body = signed_in.get(reverse("childrenincare:period", args=[period.pk])).content.decode()
    assert "best interests (s31ZA(3)): A meeting would put the mother at risk." in body


def test_an_immediate_placement_with_a_parent_step_by_step(signed_in, client, worker, child, nominated_officer):
    period = looked_after(worker, child, TODAY() - 60 * DAY, legal_status="C1")
    url = reverse("childrenincare:approval-request", args=[period.pk]) + "?kind=immediate_with_parent"
    assert "necessary and consistent with" in signed_in.get(url).content.decode()
    assert signed_in.post(url, {"reasons": "The mother was interviewed today."}).status_code == 302
    approval = Approval.objects.get(kind=Approval.Kind.IMMEDIATE_WITH_PARENT)
    client.force_login(nominated_officer)
    response = client.post(reverse("childrenincare:approval", args=[approval.pk]), {"approve": "yes"})
    assert response.status_code == 302
    client.force_login(worker)
    placement = reverse("childrenincare:placement", args=[period.pk])
    response = client.post(
        placement,
        {
            **date_data("on", TODAY()),
            "change_reason": "CARPL",
            "place": "P1",
            "provider": "PR0",
            "postcode": "TE3 3CC",
            "area": "inside",
            "immediate_with_parent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    body = client.get(reverse("childrenincare:period", args=[period.pk])).content.decode()
    assert "Record the assessment of the placement with a parent" in body
    url = reverse("childrenincare:with-parent-assessment", args=[period.pk])
    refused(client.post(url, {**date_data("completed_on", TODAY())}), "Say what the assessment")
    assert client.post(url, {**date_data("completed_on", TODAY()), "findings": "No concerns."}).status_code == 302
    url = reverse("childrenincare:with-parent-decision", args=[period.pk])
    refused(
        client.post(url, {**date_data("decided_on", TODAY()), "confirm": "yes", "reasons": "Safe."}),
        "Only a nominated officer",
    )
    designate(worker)
    assert (
        client.post(url, {**date_data("decided_on", TODAY()), "confirm": "yes", "reasons": "Safe."}).status_code == 302
    )
    assert Placement.objects.get(period=period, place="P1").with_parent_confirmed is True
