"""kernel.reversing.reverse_ids and the {% url %} tag built on it give exactly Django's URLs."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from kernel.reversing import reverse_ids

IDS = st.integers(min_value=0, max_value=2**63 - 1)


def _names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def _reversed(name, args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return NoReverseMatch


def _reversed_ids(name, args):
    try:
        return reverse_ids(name, args)
    except NoReverseMatch:
        return NoReverseMatch


def test_every_url_of_the_service_is_the_same():
    """Every named URL, with none to three ids of several lengths: what Django gives, or the
    same refusal."""
    names = sorted(set(_names(get_resolver().url_patterns)))
    assert len(names) > 100
    checked = 0
    for name in names:
        for count in range(4):
            for ids in ([0] * count, [n + 7 for n in range(count)], [10**12 + n for n in range(count)]):
                assert _reversed_ids(name, ids) == _reversed(name, ids), (name, ids)
                checked += _reversed(name, ids) is not NoReverseMatch
    assert checked > 100


@given(pk=IDS)
def test_any_id_of_a_record(pk):
    assert reverse_ids("people:detail", [pk]) == reverse("people:detail", args=[pk])


@override_settings(ROOT_URLCONF="kernel.tests.urls_padded")
@given(pk=IDS, other=IDS)
def test_converters_that_write_ids_their_own_way_are_left_to_django(pk, other):
    pk = pk % 10**8  # the padded converter's eight digits
    assert reverse_ids("padded", [pk]) == reverse("padded", args=[pk]) == f"/padded/{pk:08d}/"
    assert reverse_ids("signed", [pk]) == reverse("signed", args=[pk]) == f"/signed/+{pk}/"
    assert reverse_ids("plain", [pk, other]) == reverse("plain", args=[pk, other])


@override_settings(ROOT_URLCONF="kernel.tests.urls_padded")
def test_what_is_not_an_id_is_reversed_by_django():
    assert reverse_ids("text", ["a-slug"]) == "/text/a-slug/"
    assert reverse_ids("signed", [-4]) == "/signed/-4/"
    assert reverse_ids("none") == "/none/"
    with pytest.raises(NoReverseMatch):
        reverse_ids("plain", [-1, 2])  # an int's pattern takes no sign, as with Django
    with pytest.raises(NoReverseMatch):
        reverse_ids("plain", [1])
    with pytest.raises(NoReverseMatch):
        reverse_ids("nowhere", [1])
    with pytest.raises(NoReverseMatch):
        reverse_ids("plain", [True, 2])  # a bool is not an id: Django refuses it


@given(pk=IDS)
def test_the_url_tag_renders_as_djangos(pk):
    context = Context({"pk": pk, "text": "x"})
    ours = Template("{% url 'people:detail' pk %}|{% url 'people:detail' pk as link %}[{{ link }}]").render(context)
    assert ours == f"{reverse('people:detail', args=[pk])}|[{reverse('people:detail', args=[pk])}]"
    assert Template("{% url 'people:detail' person_id=pk %}").render(context) == reverse("people:detail", args=[pk])
    assert Template("{% url 'people:detail' text as nothing %}[{{ nothing }}]").render(context) == "[]"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'people:detail' text %}").render(context)
