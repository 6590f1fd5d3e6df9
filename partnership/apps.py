from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partnership"
    verbose_name = "Safeguarding partnership"

    def ready(self) -> None:
        from chronology.kinds import register

        register("serious-incident", "Serious incident", "Safeguarding partnership")
