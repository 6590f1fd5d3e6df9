from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "People and identifiers"

    def ready(self) -> None:
        from . import keyfacts

        keyfacts.register("people", keyfacts.person_facts)
        from chronology.kinds import register

        register("person-recorded", "Person recorded", "Record")
        register("birth", "Birth", "Family", manual=True)
        register("death", "Death", "Family", manual=True)
        register("moved-address", "Moved address", "Family")
        register("name-changed", "Name changed", "Record")
        register("identifier-added", "Identifier added", "Record")
        register("relationship-recorded", "Relationship recorded", "Family")
