"""The audits' pages: planning through the form (the error summary on bad input, nothing saved),
drawing the sample (a restricted child refused on the page, naming no child), the sample and
case pages naming children only as people.access allows and audited with the audit's reason,
an agency's inbox and its answer form (a double submission makes one answer), and completing."""

import datetime

from django.urls import reverse

from audit.models import AuditEvent
from partners.models import User
from partnership.audits import services
from partnership.audits.models import AgencyReturn, MultiAgencyAudit, SampledCase
from people.models import Involvement, RestrictedAccess
from testing.pages import date_data, refused, saved, text, viewed

from .conftest import SAMPLE_DATE

R = User.Role


def test_planning_an_audit_through_the_form(client, officer, health, user):
    auditor = user(R.PARTNER_PRACTITIONER, agency=health)
    client.force_login(officer)
    url = reverse("partnership:audits:new")
    assert client.get(url).status_code == 200
    today = datetime.date.today()
    data = {
        "theme": "Neglect",
        "sample_rule": "neglect-plan-12-months",
        "sample_size": "5",
        "questions": "Was the child seen?\nWas the plan reviewed?",
        "agencies": [officer.agency_id, health.pk],
        "auditors": [officer.pk, auditor.pk],
        **date_data("sample_date", SAMPLE_DATE),
        **date_data("access_from", today),
        **date_data("access_to", today + datetime.timedelta(days=120)),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "can last at most 90 days" in text(response)
    assert not MultiAgencyAudit.objects.exists()
    data.update(date_data("access_to", today + datetime.timedelta(days=60)))
    response = client.post(url, data)
    found = MultiAgencyAudit.objects.get()
    saved(response, reverse("partnership:audits:audit", args=[found.pk]))
    assert [q.text for q in found.questions.all()] == ["Was the child seen?", "Was the plan reviewed?"]
    assert set(found.auditors.all()) == {officer, auditor}


def test_a_restricted_child_refuses_the_draw_on_the_page(client, plan, on_plan, user):
    secret = on_plan("Hidden", datetime.date(2024, 1, 1))
    secret.restricted = True
    secret.save(update_fields=["restricted"])
    audit = plan([user(R.SCRUTINEER)])
    client.force_login(audit.created_by)
    body = refused(
        client.post(reverse("partnership:audits:draw", args=[audit.pk]), {"confirm": "on"}),
        "restricted record that not every auditor is named on",
    )
    assert "Hidden" not in body
    assert not SampledCase.objects.exists()


def test_the_sample_and_case_pages_name_children_as_access_allows(client, plan, on_plan, user):
    child = on_plan("Visible", datetime.date(2024, 1, 1))
    auditor = user(R.SCRUTINEER)
    other = user(R.SCRUTINEER)
    audit = plan([auditor])
    services.draw_sample(audit.created_by, audit)
    case = SampledCase.objects.get()
    reason = f"multi-agency audit {audit.reference}"

    client.force_login(auditor)
    page = text(client.get(reverse("partnership:audits:sample", args=[audit.pk])))
    assert "Visible Sampled" in page
    assert reverse("partnership:audits:case", args=[audit.pk, case.pk]) in page
    response = client.get(reverse("partnership:audits:case", args=[audit.pk, case.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(user=auditor, action="view", person_id=child.pk, reason=reason).count() == 2

    # Another scrutineer sees the audit and its counts, the child's name, but not the case.
    client.force_login(other)
    assert client.get(reverse("partnership:audits:audit", args=[audit.pk])).status_code == 200
    page = text(client.get(reverse("partnership:audits:sample", args=[audit.pk])))
    assert reverse("partnership:audits:case", args=[audit.pk, case.pk]) not in page
    assert client.get(reverse("partnership:audits:case", args=[audit.pk, case.pk])).status_code == 404


def test_a_restricted_child_is_withheld_on_the_sample_page(client, plan, on_plan, user):
    secret = on_plan("Secret", datetime.date(2024, 1, 1))
    secret.restricted = True
    secret.save(update_fields=["restricted"])
    auditor = user(R.SCRUTINEER)
    RestrictedAccess.objects.create(person=secret, user=auditor)
    audit = plan([auditor])
    services.draw_sample(audit.created_by, audit)

    client.force_login(audit.created_by)  # the officer: not named on the restriction
    page = text(client.get(reverse("partnership:audits:sample", args=[audit.pk])))
    assert "Secret" not in page
    assert "Name withheld: restricted record" in page
    client.force_login(auditor)
    assert "Secret Sampled" in text(client.get(reverse("partnership:audits:sample", args=[audit.pk])))


def test_a_practitioner_sees_only_the_audits_they_audit(client, plan, user):
    worker = user(R.SOCIAL_WORKER)
    audit = plan()
    client.force_login(worker)
    assert reverse("partnership:audits:audit", args=[audit.pk]) not in text(
        client.get(reverse("partnership:audits:list"))
    )
    assert client.get(reverse("partnership:audits:audit", args=[audit.pk])).status_code == 404
    mine = plan([worker])
    assert client.get(reverse("partnership:audits:audit", args=[mine.pk])).status_code == 200


def test_an_agency_answers_through_its_inbox_once(client, plan, on_plan, health, user):
    child = on_plan("Answered", datetime.date(2024, 1, 1))
    Involvement.objects.create(person=child, agency=health, kind="School nursing", start_date=datetime.date(2023, 1, 1))
    audit = plan()
    services.draw_sample(audit.created_by, audit)
    case = SampledCase.objects.get()
    question = audit.questions.get()
    nurse = user(R.PARTNER_PRACTITIONER, agency=health)
    client.force_login(nurse)

    inbox = text(client.get(reverse("partnership:audits:inbox")))
    assert "Answered Sampled" in inbox
    assert viewed(nurse, "Viewed the multi-agency audit cases for their agency")
    url = reverse("partnership:audits:answer", args=[case.pk])
    assert client.get(url).status_code == 200
    refused(client.post(url, {"known": "yes", "grade": "", "findings": ""}), f"Answer question {question.number}")
    assert not AgencyReturn.objects.exists()
    data = {"known": "yes", "grade": "good", "findings": "Synthetic findings", f"question_{question.pk}": "Yes"}
    saved(client.post(url, data), reverse("partnership:audits:inbox"))
    again = client.post(url, data)  # a retried submission
    assert again.status_code == 200
    assert "Your agency has answered on this case" in text(again)
    assert AgencyReturn.objects.count() == 1
    assert "Answered Sampled" not in text(client.get(reverse("partnership:audits:inbox")))

    # An agency that does not know the child, or does not take part, cannot open the case.
    client.force_login(user(R.PARTNER_PRACTITIONER))
    assert client.get(url).status_code == 404


def test_completing_the_audit_ends_access_on_the_pages(client, plan, on_plan, user):
    on_plan("Completed", datetime.date(2024, 1, 1))
    auditor = user(R.SCRUTINEER)
    audit = plan([auditor])
    services.draw_sample(audit.created_by, audit)
    case = SampledCase.objects.get()
    client.force_login(auditor)
    saved(
        client.post(
            reverse("partnership:audits:grade", args=[audit.pk, case.pk]), {"grade": "good", "findings": "Fine"}
        ),
        reverse("partnership:audits:sample", args=[audit.pk]),
    )
    client.force_login(audit.created_by)
    url = reverse("partnership:audits:complete", args=[audit.pk])
    saved(
        client.post(url, {"summary": "Synthetic", **date_data("completed_on", datetime.date.today())}),
        reverse("partnership:audits:audit", args=[audit.pk]),
    )
    page = text(client.get(reverse("partnership:audits:audit", args=[audit.pk])))
    assert "ended when the audit was completed" in page
    client.force_login(auditor)
    assert client.get(reverse("partnership:audits:case", args=[audit.pk, case.pk])).status_code == 404
