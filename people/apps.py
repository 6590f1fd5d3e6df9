from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "People and identifiers"

    def ready(self) -> None:
        from kernel.access import RULES, register_rule

        from . import keyfacts
        from .access import holds_grant

        # Reading a child's record (partners.access's rule) is open too to the partnership's
        # business unit and scrutineer while a multi-agency audit or a local review grants them a
        # child's record (people.access.register_grant); `levels` opens only those children.
        reading = RULES["case_work"]
        register_rule(
            "case_work",
            reading.description + "; the partnership's business unit and scrutineer while an audit or a review "
            "grants them a child's record",
            lambda user: reading.allows(user) or holds_grant(user),
        )

        keyfacts.register("people", keyfacts.person_facts)
        from chronology.kinds import register

        register("person-recorded", "Person recorded", "Record")
        register("birth", "Birth", "Family", manual=True)
        register("death", "Death", "Family", manual=True)
        register("moved-address", "Moved address", "Family")
        register("name-changed", "Name changed", "Record")
        register("identifier-added", "Identifier added", "Record")
        register("relationship-recorded", "Relationship recorded", "Family")
        register("record-merged", "Records merged", "Record")
        register("record-unmerged", "Merge undone", "Record")
