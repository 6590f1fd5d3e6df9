from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partnership"
    verbose_name = "Safeguarding partnership"

    def ready(self) -> None:
        from chronology.kinds import register
        from people.access import register_grant

        from .audits.selectors import granted_cases
        from .selectors import granted_review_children

        register("serious-incident", "Serious incident", "Safeguarding partnership")
        # A live multi-agency audit's auditors hold the sampled children's records for a while.
        register_grant(granted_cases)
        # A local review's reviewer holds the incident's children's records for a while.
        register_grant(granted_review_children)
