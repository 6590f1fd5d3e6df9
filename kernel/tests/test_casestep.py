"""The case-step helper and the GOV.UK table tags: one shape for every case-step page."""

import pytest
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from audit.models import AuditEvent
from kernel.casestep import StepPage, Success, case_step, step_page
from kernel.rules import RuleBroken


class DateForm(forms.Form):
    on = forms.DateField(required=False)
    note = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("on", "note", Submit("submit", "Save"))


def _request(method="get", data=None, user=None):
    factory = RequestFactory()
    request = factory.post("/step/", data or {}) if method == "post" else factory.get("/step/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("step.tester", password="not-used-here-1")


def _page(request, form, **kwargs):
    return lambda: step_page(request, StepPage(title="Record the thing", back="/case/", **kwargs), form)


def test_a_valid_post_calls_the_service_once_and_redirects_with_the_message(user):
    calls = []
    request = _request("post", {"on": "2026-01-05", "note": "x"}, user)
    form = DateForm(request.POST)
    response = case_step(
        request,
        form,
        act=lambda data: calls.append(data) or "done",
        success=lambda result: Success(f"Thing {result}", "/case/"),
        page=_page(request, form),
    )
    assert response.status_code == 302
    assert response.url == "/case/"
    assert len(calls) == 1
    assert [str(m) for m in request._messages] == ["Thing done"]


def test_a_refusal_puts_the_rule_messages_on_the_form_and_the_page_is_400(user):
    request = _request("post", {"on": "2026-01-05"}, user)
    form = DateForm(request.POST)

    def refuse(data):
        raise RuleBroken({"on": ["The date must be after the referral"], "__all__": ["Not now"]})

    response = case_step(request, form, act=refuse, success=lambda r: Success("never", "/"), page=_page(request, form))
    assert response.status_code == 400
    assert form.errors["on"] == ["The date must be after the referral"]
    assert form.non_field_errors() == ["Not now"]
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "The date must be after the referral" in body


def test_not_allowed_never_calls_the_service(user):
    request = _request("post", {"on": "2026-01-05"}, user)
    form = DateForm(request.POST)
    response = case_step(
        request,
        form,
        act=lambda data: pytest.fail("the service must not be called"),
        success=lambda r: Success("never", "/"),
        page=_page(request, form, not_possible="The episode is closed."),
        allowed=False,
    )
    assert response.status_code == 200
    assert "The episode is closed." in response.content.decode()


def test_a_get_shows_why_not_instead_of_the_form_and_is_audited(user):
    request = _request("get", user=user)
    form = DateForm()
    before = AuditEvent.objects.count()
    response = step_page(
        request,
        StepPage(
            title="Record the thing", back="/case/", not_possible="The episode is closed.", rows=[("Date", "1 May")]
        ),
        form,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The episode is closed." in body
    assert 'name="on"' not in body
    assert "govuk-summary-list__key" in body
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == AuditEvent.Action.VIEW
    assert event.summary == "Viewed the page: record the thing"


def test_an_audit_summary_replaces_the_one_made_from_the_title(user):
    request = _request("get", user=user)
    step_page(
        request,
        StepPage(title="Change Ann Example's role", back="/case/", audit_summary="Viewed the page: change a role"),
        DateForm(),
    )
    assert AuditEvent.objects.order_by("-pk").first().summary == "Viewed the page: change a role"


def _render(source, **context):
    return Template("{% load gds_tables %}" + source).render(Context(context))


def test_table_tags_make_a_govuk_table_with_caption_head_and_escaped_cells():
    html = _render(
        '{% table "Children, oldest first" caption_hidden=True %}{% head "Child" "Days" numeric="2" %}'
        "{% for c in children %}{% row %}{% cell header=True %}{{ c.0 }}{% endcell %}"
        "{% cell numeric=True %}{{ c.1 }}{% endcell %}{% endrow %}{% endfor %}{% endtable %}",
        children=[("<b>Ann</b>", 3)],
    )
    assert html.startswith('<div class="app-table-container"><table class="govuk-table">')
    assert '<caption class="govuk-table__caption govuk-visually-hidden">Children, oldest first</caption>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Days</th>' in html
    assert '<th scope="row" class="govuk-table__header">&lt;b&gt;Ann&lt;/b&gt;</th>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in html
    assert html.count("<tbody") == 1
    assert html.endswith("</tbody></table></div>")


def test_a_table_without_a_head_still_has_one_body():
    html = _render('{% table "x" %}{% row %}{% cell %}1{% endcell %}{% endrow %}{% endtable %}')
    assert html.count('<tbody class="govuk-table__body">') == 1
    assert "<thead" not in html


def test_summary_list_from_pairs_escapes_and_keeps_line_breaks():
    html = _render("{% summary_list rows %}", rows=[("Address", "1 Street\n<Town>")])
    assert '<dl class="govuk-summary-list">' in html
    assert '<dt class="govuk-summary-list__key">Address</dt>' in html
    assert "1 Street<br>&lt;Town&gt;" in html


def test_summary_rows_take_html_values():
    html = _render('{% summary %}{% summary_row "Link" %}<a href="/x">x</a>{% endsummary_row %}{% endsummary %}')
    assert '<dd class="govuk-summary-list__value"><a href="/x">x</a></dd>' in html


def test_summary_rows_take_actions_and_an_html_label():
    html = _render(
        "{% summary %}"
        '{% summary_row "Role" %}Aunt{% actions %}{% if may %}<a href="/c/">Change</a>{% endif %}{% endsummary_row %}'
        '{% summary_row %}<a href="/p/">{{ name }}</a>{% value %}Uncle{% actions %}{% endsummary_row %}'
        "{% endsummary %}",
        may=True,
        name="A & B",
    )
    assert '<dd class="govuk-summary-list__actions"><a href="/c/">Change</a></dd>' in html
    assert '<dt class="govuk-summary-list__key"><a href="/p/">A &amp; B</a></dt>' in html
    assert html.count("govuk-summary-list__actions") == 1
    hidden = _render(
        '{% summary %}{% summary_row "Role" %}Aunt{% actions %}{% if may %}x{% endif %}{% endsummary_row %}'
        "{% endsummary %}",
        may=False,
    )
    assert "govuk-summary-list__actions" not in hidden


def test_summary_rows_may_have_actions_shown_when_allowed():
    source = (
        '{% summary %}{% summary_row "Adviser" actions=may %}Ann{% actions %}<a href="/c">Change</a>'
        '{% endsummary_row %}{% summary_row "Earlier" actions=may %}Bo{% actions %}{% endsummary_row %}'
        "{% endsummary %}"
    )
    html = _render(source, may=True)
    assert '<dd class="govuk-summary-list__actions"><a href="/c">Change</a></dd>' in html
    assert '<dd class="govuk-summary-list__value">Bo</dd><dd class="govuk-summary-list__actions"></dd>' in html
    assert "govuk-summary-list__actions" not in _render(source, may=False)


def test_a_table_may_have_an_id_a_caption_block_and_columns_one_by_one():
    html = _render(
        '{% table id="rates-table" labelledby="rates" %}{% caption %}{% if q %}Matching “{{ q }}”{% endif %}'
        "{% endcaption %}{% headrow %}{% headcell %}Year{% endheadcell %}{% for h in headers %}"
        "{% headcell numeric=True %}{{ h }}{% endheadcell %}{% endfor %}{% endheadrow %}"
        '{% row %}{% cell classes="app-identifier" %}2026{% endcell %}{% endrow %}{% endtable %}',
        q="<Ann>",
        headers=["England", "Here"],
    )
    assert html.startswith(
        '<div class="app-table-container"><table class="govuk-table" id="rates-table" aria-labelledby="rates"><caption'
    )
    assert '<caption class="govuk-table__caption">Matching “&lt;Ann&gt;”</caption><thead' in html
    assert '<th scope="col" class="govuk-table__header">Year</th>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Here</th></tr></thead>' in html
    assert '<td class="govuk-table__cell app-identifier">2026</td>' in html
    assert html.count("<tbody") == 1


def test_a_summary_list_may_have_more_classes_and_labels_with_markup():
    html = _render(
        '{% summary no_border=True classes="app-x" %}{% summary_row \'<strong class="govuk-tag">Late</strong>\' %}'
        "3{% endsummary_row %}{% endsummary %}"
    )
    assert html.startswith('<dl class="govuk-summary-list govuk-summary-list--no-border app-x">')
    assert '<dt class="govuk-summary-list__key"><strong class="govuk-tag">Late</strong></dt>' in html


def test_unknown_cell_options_are_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        _render("{% table 'x' %}{% row %}{% cell wide=True %}1{% endcell %}{% endrow %}{% endtable %}")


def test_a_summary_takes_extra_classes_and_literal_labels_may_hold_markup():
    html = _render(
        '{% summary no_border=True classes="app-queue-summary" %}'
        "{% summary_row '<strong class=\"govuk-tag\">Overdue</strong>' %}{{ n }} contacts{% endsummary_row %}"
        "{% endsummary %}",
        n=3,
    )
    assert '<dl class="govuk-summary-list govuk-summary-list--no-border app-queue-summary">' in html
    assert '<dt class="govuk-summary-list__key"><strong class="govuk-tag">Overdue</strong></dt>' in html
    assert '<dd class="govuk-summary-list__value">3 contacts</dd>' in html


def test_a_caption_block_may_hold_logic_and_goes_before_the_head():
    html = _render(
        '{% table caption_size="m" %}{% caption %}Waiting{% if n > 1 %} (the first {{ n }}){% endif %}{% endcaption %}'
        '{% head "A" %}{% row %}{% cell %}1{% endcell %}{% endrow %}{% endtable %}',
        n=2,
    )
    assert html.startswith(
        '<div class="app-table-container"><table class="govuk-table">'
        '<caption class="govuk-table__caption govuk-table__caption--m">'
        "Waiting (the first 2)</caption><thead"
    )
