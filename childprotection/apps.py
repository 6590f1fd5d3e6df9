from django.apps import AppConfig


class ChildProtectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "childprotection"
    verbose_name = "Child protection: strategy discussions, section 47, conferences, plans"

    def ready(self):
        from people import keyfacts

        from . import keyfacts as childprotection_keyfacts

        keyfacts.register("childprotection", childprotection_keyfacts.on_a_plan)
        from chronology.kinds import register

        register("strategy-discussion", "Strategy discussion", "Child protection")
        register("section-47", "Section 47 enquiry", "Child protection")
        register("conference", "Child protection conference", "Child protection")
        register("cp-plan", "Child protection plan", "Child protection")
        register("core-group", "Core group meeting", "Child protection")
        register("pre-proceedings", "Pre-proceedings (Public Law Outline)", "Child protection")
