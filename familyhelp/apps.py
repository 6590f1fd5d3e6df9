from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "familyhelp"
    verbose_name = "Family Help: assessment, child in need plans, visits"

    def ready(self):
        from people import keyfacts

        from . import keyfacts as familyhelp_keyfacts

        keyfacts.register("familyhelp", familyhelp_keyfacts.child_in_need)
        from chronology.kinds import register

        from . import receivers  # noqa: F401  (the clocks of an episode the front door opens)

        register("allocation", "Allocated to a team and social worker", "Family Help")
        register("assessment", "Child and family assessment", "Family Help")
        register("cin-plan", "Child in need plan", "Family Help")
        register("cin-review", "Child in need review", "Family Help")
        register("visit", "Visit to the child", "Family Help")
        register("episode-closed", "Child in need episode closed", "Family Help")
        register("early-help", "Early help", "Early help")
        register("early-help-assessment", "Early help assessment", "Early help")
        register("family-plan", "Family plan", "Early help")
        register("family-plan-review", "Family plan review", "Early help")
