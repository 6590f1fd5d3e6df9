# ruff: noqa: E501 - the template loops as the record had them, line for line
"""The record's chronology written in Python (people/templatetags/chronology_tags.py) gives the
HTML the template's loops gave, escaping included, whatever the entries hold."""

import datetime
import re
from types import SimpleNamespace

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from chronology.kinds import all_kinds

# The loops as the record's template had them.
ENTRIES_AS_A_LOOP = Template(
    """{% for entry in entries %}
  <div class="moj-timeline__item">
    <div class="moj-timeline__header">
      {% if entry.key %}<p class="govuk-!-margin-bottom-1"><strong class="govuk-tag govuk-tag--purple">Key event</strong></p>{% endif %}
      <h5 class="moj-timeline__title">{{ entry.title }}</h5>
      <p class="moj-timeline__byline">{{ entry.category }}{% if entry.agency %} · {{ entry.agency }}{% endif %}{% if entry.recorded_by %} · recorded by {{ entry.recorded_by }}{% endif %}</p>
    </div>
    <p class="moj-timeline__date"><time datetime="{{ entry.occurred_at|date:'c' }}">{{ entry.occurred_at|date:"j F Y, H:i" }}</time></p>
    {% if entry.detail %}<div class="moj-timeline__description"><p class="govuk-body">{{ entry.detail|linebreaksbr }}</p></div>{% endif %}
  </div>
  {% endfor %}"""
)
KINDS_AS_A_LOOP = Template(
    """{% regroup kinds by category as kind_groups %}
            {% for group in kind_groups %}
            <optgroup label="{{ group.grouper }}">
              {% for kind in group.list %}<option value="{{ kind.slug }}"{% if kind.slug in selected %} selected{% endif %}>{{ kind.label }}</option>{% endfor %}
            </optgroup>
            {% endfor %}"""
)


def squeezed(html):
    """The HTML with each run of white space as one space, and none around block and table
    elements, where it shows nothing. Around inline elements (a link, a tag, and the timeline's
    title and byline, which MOJ's styles show inline) it is kept: there it is a space on screen."""
    html = re.sub(r"\s+", " ", html.strip())
    return re.sub(r" ?(</?(?:div|table|tbody|thead|tr|td|th|optgroup|option)\b[^>]*>) ?", r"\1", html)


text = st.text(alphabet=st.sampled_from(list("ab <>&\"'\n\r·é")), max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    entries=st.lists(
        st.fixed_dictionaries(
            {
                "key": st.booleans(),
                "title": text,
                "category": text,
                "agency": st.one_of(st.just(None), st.just(""), text),
                "recorded_by": st.one_of(st.just(None), text),
                "detail": text,
                "occurred_at": st.datetimes(
                    datetime.datetime(2000, 1, 1), datetime.datetime(2030, 1, 1), timezones=st.just(datetime.UTC)
                ),
            }
        ),
        max_size=4,
    )
)
def test_the_entries_are_what_the_loop_gave(entries):
    entries = [SimpleNamespace(**entry) for entry in entries]
    by_tag = Template("{% load chronology_tags %}{% chronology_entries entries %}").render(
        Context({"entries": entries})
    )
    assert squeezed(by_tag) == squeezed(ENTRIES_AS_A_LOOP.render(Context({"entries": entries})))


@settings(max_examples=20, deadline=None)
@given(selected=st.lists(st.sampled_from([kind.slug for kind in all_kinds()] + ["<nothing>"]), max_size=3))
def test_the_kinds_are_what_the_loop_gave(selected):
    context = {"kinds": all_kinds(), "selected": selected}
    by_tag = Template("{% load chronology_tags %}{% chronology_kind_options kinds selected %}").render(Context(context))
    assert squeezed(by_tag) == squeezed(KINDS_AS_A_LOOP.render(Context(context)))
