from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chronology"

    def ready(self) -> None:
        from .kinds import register

        # Events from outside the system, added by hand.
        register("significant-event", "Significant event", "Other agencies and events", manual=True)
        register("incident", "Incident", "Other agencies and events", manual=True)
        register("health-event", "Health event", "Health", manual=True)
        register("education-event", "Education event", "Education", manual=True)
        register("police-event", "Police involvement", "Police", manual=True)
        register("court-event", "Court hearing or order", "Legal", manual=True)
        register("family-event", "Family event", "Family", manual=True)
