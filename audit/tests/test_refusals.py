"""Refusals by a route's access rule are in the audit trail (issue 17, finding 6), as the
record-level refusals (an audited 404) already were."""

from audit.models import AuditEvent
from partners.models import User


def test_a_page_refused_by_its_rule_is_audited_without_the_query_string(client, user):
    worker = user(User.Role.SOCIAL_WORKER)
    client.force_login(worker)
    assert client.get("/returns/?year=2026&name=Someone").status_code == 403
    event = AuditEvent.objects.get(action="denied")
    assert event.user == worker
    assert event.summary == "Refused: the page is not open to their role"
    assert event.detail == {"path": "/returns/", "method": "GET", "rule": "statutory_returns"}
    assert event.row_hash  # hashed like every entry


def test_an_api_route_refused_by_its_rule_is_audited(client, user):
    analyst = user(User.Role.ANALYST)
    client.force_login(analyst)
    response = client.get("/api/v1/people/?q=Smith")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    event = AuditEvent.objects.get(action="denied")
    assert event.user == analyst
    assert event.detail["path"] == "/api/v1/people/"
    assert event.detail["rule"] == "case_work"


def test_signed_out_visitors_are_sent_to_sign_in_not_audited_as_refusals(client, db):
    assert client.get("/returns/").status_code == 302
    assert not AuditEvent.objects.filter(action="denied").exists()
