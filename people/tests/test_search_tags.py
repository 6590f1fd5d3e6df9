# ruff: noqa: E501 - the template loop as the search page had it, line for line
"""The search's result rows written in Python (people/templatetags/search_tags.py) give the HTML
the template's loop of table cells gave, escaping included, whatever the people hold."""

import datetime
import re
from types import SimpleNamespace

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

ROWS_AS_A_LOOP = Template(
    """{% load codelists gds_tables %}{% table %}{% for row in rows %}
      {% row %}
        {% cell %}<a class="govuk-link" href="{% url 'people:detail' row.person.pk %}">{{ row.person.full_name }}</a>
          {% if row.person.kind != "child" %}<strong class="govuk-tag govuk-tag--grey">{{ row.person.get_kind_display }}</strong>{% endif %}
          {% if row.person.date_of_death %}<strong class="govuk-tag govuk-tag--grey">Died</strong>{% endif %}{% endcell %}
        {% cell %}{% if row.person.date_of_birth %}{{ row.person.date_of_birth|date:"j M Y" }}{% if row.person.date_of_birth_estimated %} (estimated){% endif %}
          <span class="govuk-hint govuk-!-margin-bottom-0">Age {{ row.person.age }}</span>
          {% elif row.person.expected_date_of_birth %}Unborn, due {{ row.person.expected_date_of_birth|date:"j M Y" }}{% else %}Not known{% endif %}{% endcell %}
        {% cell %}{{ row.person.sex|code_label:"sex"|default:"–" }}{% endcell %}
        {% cell %}{{ row.postcode_district|default:"–" }}{% endcell %}
        {% cell classes="app-identifier" %}{{ row.consistent_identifier|default:"–" }}{% endcell %}
        {% cell %}{{ row.matched_on }}{% endcell %}
      {% endrow %}
      {% endfor %}{% endtable %}"""
)
BY_TAG = Template("{% load gds_tables search_tags %}{% table %}{% search_result_rows rows %}{% endtable %}")


def squeezed(html):
    """The HTML with each run of white space as one space, and none around block and table
    elements, where it shows nothing. Around inline elements (a link, a tag, and the timeline's
    title and byline, which MOJ's styles show inline) it is kept: there it is a space on screen."""
    html = re.sub(r"\s+", " ", html.strip())
    return re.sub(r" ?(</?(?:div|table|tbody|thead|tr|td|th|optgroup|option)\b[^>]*>) ?", r"\1", html)


text = st.text(alphabet=st.sampled_from(list("ab <>&\"'é")), max_size=10)
day = st.one_of(st.none(), st.dates(datetime.date(1950, 1, 1), datetime.date(2030, 1, 1)))


class TestSearchRows(TestCase):  # the sex code list is read from the database
    @settings(max_examples=80, deadline=None)
    @given(
        people=st.lists(
            st.fixed_dictionaries(
                {
                    "pk": st.integers(1, 10**6),
                    "full_name": text,
                    "kind": st.sampled_from(["child", "adult", "unborn"]),
                    "kind_label": text,
                    "date_of_death": day,
                    "date_of_birth": day,
                    "date_of_birth_estimated": st.booleans(),
                    "age": st.integers(0, 90),
                    "expected_date_of_birth": day,
                    "sex": st.sampled_from(["M", "F", "U", "I", "", None, "<x>"]),
                    "postcode_district": st.sampled_from(["", "NM1", "<b>"]),
                    "consistent_identifier": st.sampled_from(["", "CI-1234-5678"]),
                    "matched_on": text,
                }
            ),
            max_size=4,
        )
    )
    def test_the_rows_are_what_the_loop_gave(self, people):
        rows = []
        for p in people:
            person = SimpleNamespace(
                **{
                    k: v
                    for k, v in p.items()
                    if k not in {"kind_label", "postcode_district", "consistent_identifier", "matched_on"}
                }
            )
            person.get_kind_display = lambda label=p["kind_label"]: label
            rows.append(
                {
                    "person": person,
                    "postcode_district": p["postcode_district"],
                    "consistent_identifier": p["consistent_identifier"],
                    "matched_on": p["matched_on"],
                }
            )
        context = {"rows": rows}
        assert squeezed(BY_TAG.render(Context(context))) == squeezed(ROWS_AS_A_LOOP.render(Context(context)))
