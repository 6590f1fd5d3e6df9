from django.apps import AppConfig


class LinkageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linkage"
    verbose_name = "Record linkage: one child, one identifier across the partnership"

    def ready(self) -> None:
        from . import dedupe

        # A check of the person index for duplicates asked for on a page (people.merging) goes
        # on the task queue.
        dedupe.connect()
