"""Shared by the merging tests (people/tests/test_merging*.py, the browser journey): a snapshot of
every column pointing at people, and a child with records in several apps. Everyone is synthetic."""

import datetime

from django.apps import apps
from django.db import models
from django.utils import timezone

from people.models import Identifier, Person


def person_columns():
    """Every (model, attname) of a foreign key (or one-to-one field) to Person, in every app,
    through tables included: all of them, including those a merge never moves."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Person:
                found.append((model, field.attname))
    return found


def snapshot(people):
    """{(model label, pk, column): person id} of every row pointing at any of these people."""
    ids = [p.pk if isinstance(p, Person) else p for p in people]
    found = {}
    for model, attname in person_columns():
        for pk, value in model._base_manager.filter(**{f"{attname}__in": ids}).values_list("pk", attname):
            found[(model._meta.label_lower, str(pk), attname)] = value
    return found


def identifier_owners():
    """{(type, value, identifier id): person id} of every identifier: never changed by a merge."""
    return {
        (t, v, pk): person for pk, t, v, person in Identifier.objects.values_list("pk", "id_type", "value", "person_id")
    }


def with_history(worker, manager, child, *, start=None, police=None):
    """A child-in-need episode allocated to the worker's team, an assessment completed and
    authorised, a child in need plan, a missing episode (ended), information shared with the
    police, an address, an alert and a disability: rows in frontdoor, familyhelp, kernel,
    exploitation, sharing, chronology and people."""
    from exploitation import services as missing
    from familyhelp import services as family_help
    from people import services as people_services
    from people.models import PersonDisability
    from sharing import services as sharing
    from testing import builders

    start = start or (timezone.localdate() - datetime.timedelta(days=40))
    episode = builders.allocated_episode(worker, manager, child, start)
    assessment = family_help.start_assessment(worker, episode, start_date=start)
    family_help.complete_assessment(
        worker,
        assessment,
        factors=["16A"],
        outcome="cin_plan",
        summary="Synthetic analysis",
        completed_date=start + datetime.timedelta(days=5),
    )
    family_help.authorise_assessment(manager, assessment, authorised_date=start + datetime.timedelta(days=6))
    family_help.start_cin_plan(
        worker,
        episode,
        start_date=start + datetime.timedelta(days=7),
        services="Synthetic services",
        outcomes=[("Synthetic outcome", "")],
    )
    now = timezone.now()
    missing.report_missing(
        worker,
        child,
        kind="M",
        missing_from="home",
        started_at=now - datetime.timedelta(hours=30),
        ended_at=now - datetime.timedelta(hours=6),
        where_found="A synthetic park",
    )
    sharing.record_disclosure(worker, child, what="Synthetic information", to_agency=police or builders.police())
    people_services.record_address(
        worker,
        child,
        address_fields={"line_1": "1 Synthetic Row", "line_2": "", "town": "Testshire", "postcode": "LS1 4AP"},
        moved_in=datetime.date(2020, 1, 1),
    )
    people_services.add_alert(worker, child, kind="other", detail="A synthetic alert")
    PersonDisability.objects.create(person=child, code="HAND")
    return episode
