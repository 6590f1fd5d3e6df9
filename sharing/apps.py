from django.apps import AppConfig


class SharingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sharing"
    verbose_name = "Information sharing: disclosures, decisions not to share, CP-IS look-ups"

    def ready(self) -> None:
        from chronology.kinds import register

        from . import access

        register("information-shared", "Information shared with another agency", "Information sharing")
        register("information-withheld", "Decision not to share information", "Information sharing")
        access.register()
