"""crispy-forms-gds's conditional radios, in GOV.UK Frontend's own conditional-reveal markup
(templates/gds/layout/conditional_question.html overrides the library's template)."""

from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Layout
from django import forms


class RiskForm(forms.Form):
    immediate_risk = forms.ChoiceField(label="Is the child at risk now?", choices=[("yes", "Yes"), ("no", "No")])
    detail = forms.CharField(label="What is the risk?", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            ConditionalRadios("immediate_risk", ConditionalQuestion("Yes", Field.text("detail")), "No")
        )


def test_only_the_choice_that_reveals_a_question_controls_it():
    html = render_crispy_form(RiskForm())
    assert html.count("aria-controls") == 1, "only the revealing choice points at its question"
    assert 'data-aria-controls="conditional_immediate_risk_0"' in html
    assert 'id="conditional_immediate_risk_0"' in html
    assert "aria-expanded" not in html, "GOV.UK Frontend's script sets aria-expanded, not the server"
    assert 'class="govuk-radios__conditional govuk-radios__conditional--hidden"' in html


def test_the_question_of_a_checked_choice_is_shown():
    html = render_crispy_form(RiskForm(data={"immediate_risk": "yes"}))
    assert 'class="govuk-radios__conditional"' in html
    assert "govuk-radios__conditional--hidden" not in html
