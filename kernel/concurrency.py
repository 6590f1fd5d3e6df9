"""No lost updates: an optimistic version check for every editable record.

An editable model has an integer `version`. A form carries the version the user started
from; `save_with_version_check` writes only if the record is still at that version, in one
UPDATE ... WHERE version = n, and bumps it. If someone else saved first, it raises
`EditConflict` carrying the current record, and the view re-shows the user's input with
what changed in the meantime.
"""

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

from django.db import models
from django.db.models import F


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    # Every concrete subclass has Django's default manager (this declares it for the type checker).
    objects: ClassVar[models.Manager[Self]]

    class Meta:
        abstract = True


class EditConflict(Exception):
    def __init__(self, current: models.Model) -> None:
        super().__init__("The record was changed by someone else")
        self.current = current


def field_changes(
    instance: models.Model, cleaned: Mapping[str, Any], fields: Iterable[str]
) -> dict[str, tuple[Any, Any]]:
    """{field: (old, new)} for the fields whose value the form changes."""
    changes = {}
    for name in fields:
        old = getattr(instance, name)
        new = cleaned[name]
        if old != new:
            changes[name] = (old, new)
    return changes


def save_with_version_check(instance: VersionedModel, expected_version: int, values: Mapping[str, Any]) -> int:
    """Write `values` to `instance` if it is still at `expected_version`; return the new version."""
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1, **values)
    if updated != 1:
        raise EditConflict(model.objects.get(pk=instance.pk))
    for name, value in values.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1
    return instance.version
