"""The children not in school register (Education Act 1996 s436B to s436G): additions with the
information the Act names, removals with a reason, kept by date; off until its commencement."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from audit.models import AuditEvent
from education import selectors, services
from education.keyfacts import education_facts
from education.models import RegisterEntry
from kernel.rules import RuleBroken
from testing import builders

from .conftest import TODAY

DAY = datetime.timedelta(days=1)
REGISTER = override_settings(CNIS_COMMENCEMENT="2026-04-29")
pytestmark = pytest.mark.django_db


def _add(worker, child, **overrides):
    fields = {
        "added_on": TODAY() - 10 * DAY,
        "reason": "home_educated",
        "source": "parent",
        "parents": "Pat Testparent",
        "address": "1 Test Street, Testtown",
        "provider": "Pat Testparent",
        "hours_per_week": Decimal("20"),
    }
    return services.add_to_register(worker, child, **{**fields, **overrides})


def test_before_commencement_nothing_is_added(worker, child):
    with override_settings(CNIS_COMMENCEMENT=None), pytest.raises(RuleBroken, match="not in force"):
        _add(worker, child)
    assert not RegisterEntry.objects.exists()


@REGISTER
def test_a_child_comes_onto_the_register_and_off_it_kept_by_date(worker, child):
    entry = _add(worker, child)
    assert AuditEvent.objects.filter(person_id=child.pk, summary__startswith="Added a child").exists()
    assert list(selectors.on_register(TODAY())) == [entry]
    assert selectors.register_figures(TODAY())["home_educated"] == 1
    assert not selectors.on_register(TODAY() - 11 * DAY).exists()
    services.remove_from_register(worker, entry, removed_on=TODAY() - DAY, reason="left_area")
    # Kept by date: on the register last week, not today.
    assert selectors.on_register(TODAY() - 5 * DAY).exists()
    assert not selectors.on_register(TODAY()).exists()
    with pytest.raises(RuleBroken, match="was removed"):
        services.remove_from_register(worker, entry, removed_on=TODAY(), reason="left_area")
    # The child may come back onto it with a new entry.
    _add(worker, child, added_on=TODAY())
    assert RegisterEntry.objects.filter(person=child).count() == 2


@REGISTER
def test_the_information_the_act_names_is_needed(worker, child):
    with pytest.raises(RuleBroken) as error:
        _add(worker, child, parents="", address=" ", provider="", hours_per_week=Decimal("0"))
    assert set(error.value.errors) >= {"parents", "address", "provider", "hours_per_week"}
    assert not RegisterEntry.objects.exists()


@REGISTER
def test_a_child_on_a_school_roll_or_not_of_compulsory_school_age_is_refused(worker, pupil, school_list):
    with pytest.raises(RuleBroken, match="on the roll of Testbrook Primary School"):
        _add(worker, pupil)
    toddler = builders.child(given_names="Sam", date_of_birth=TODAY() - 3 * 365 * DAY)
    with pytest.raises(RuleBroken, match="not of compulsory school age"):
        _add(worker, toddler)
    assert not RegisterEntry.objects.exists()


@REGISTER
def test_a_removal_before_the_addition_or_without_a_reason_is_refused(worker, child):
    entry = _add(worker, child)
    with pytest.raises(RuleBroken) as error:
        services.remove_from_register(worker, entry, removed_on=TODAY() - 20 * DAY, reason="other")
    assert "cannot be before the day they came onto it" in error.value.errors["removed_on"][0]
    assert "Enter the reason" in error.value.errors["detail"][0]
    entry.refresh_from_db()
    assert entry.removed_on is None


@REGISTER
def test_a_child_on_the_register_shows_not_in_school_in_key_facts(worker, child):
    _add(worker, child)
    facts = education_facts([child.pk], TODAY())[child.pk]
    assert facts[0].label == "Not in school"
    assert "educated at home by their parents" in facts[0].detail


@REGISTER
def test_the_register_pages_add_and_remove_through_the_error_summary(signed_in, episode, child):
    from django.urls import reverse

    from testing.pages import date_data, refused, saved, text

    url = reverse("education:register_add", args=[child.pk])
    data = {"reason": "home_educated", "source": "parent", "parents": "", "address": "1 Test Street"}
    data.update(date_data("added_on", TODAY() - 3 * DAY))
    refused(signed_in.post(url, data), "Enter the parents&#x27; names")
    data.update({"parents": "Pat Testparent", "provider": "Pat Testparent", "hours_per_week": "15"})
    saved(signed_in.post(url, data), reverse("education:person", args=[child.pk]))
    entry = RegisterEntry.objects.get()
    assert "Still on it" not in text(signed_in.get(reverse("education:person", args=[child.pk])))
    remove = reverse("education:register_remove", args=[entry.pk])
    removal = {"reason": "on_roll", **date_data("removed_on", TODAY())}
    saved(signed_in.post(remove, removal), reverse("education:person", args=[child.pk]))
    assert "came off the register on" in text(signed_in.get(remove))


def test_the_register_page_says_it_is_not_in_force(signed_in, episode, child):
    from django.urls import reverse

    from testing.pages import text

    with override_settings(CNIS_COMMENCEMENT=None):
        assert "is not in force yet" in text(signed_in.get(reverse("education:register_add", args=[child.pk])))
