from django.apps import AppConfig


class SharingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sharing"
    verbose_name = "Information sharing: disclosures, decisions not to share, CP-IS look-ups"

    def ready(self) -> None:
        from audit.services import register_view_listener
        from chronology.kinds import register
        from people import keyfacts

        from . import access, services
        from . import keyfacts as sharing_keyfacts

        register("information-shared", "Information shared with another agency", "Information sharing")
        register("information-withheld", "Decision not to share information", "Information sharing")
        access.register()
        register_view_listener(services.log_partner_reads)
        keyfacts.register_link("sharing", sharing_keyfacts.sharing_link)
