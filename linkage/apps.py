from django.apps import AppConfig


class LinkageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linkage"
    verbose_name = "Record linkage: one child, one identifier across the partnership"

    def ready(self) -> None:
        from chronology.kinds import register

        from . import dedupe

        # A reviewer's decision on a partner's record, in the chronology of the child it names.
        register("linkage-linked", "Partner record linked", "Record linkage")
        register("linkage-proposed", "Partner record proposed, waiting for sign-off", "Record linkage")
        register("linkage-not-a-match", "Partner record: not this child", "Record linkage")
        register("linkage-new-child", "Recorded from a partner record", "Record linkage")
        # A check of the person index for duplicates asked for on a page (people.merging) goes
        # on the task queue.
        dedupe.connect()
