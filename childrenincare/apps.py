from django.apps import AppConfig


class ChildrenInCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "childrenincare"
    verbose_name = "Children in care: periods of care, placements, care planning, returns home"

    def ready(self):
        from people import keyfacts

        from . import keyfacts as childrenincare_keyfacts

        keyfacts.register("childrenincare", childrenincare_keyfacts.looked_after)
        from chronology.kinds import register

        from . import signals  # noqa: F401  (outcome monitoring after a return home)

        register("looked-after", "Became looked after", "Children in care")
        register("legal-status", "Legal status changed", "Children in care")
        register("placement", "Placement", "Children in care")
        register("care-ceased", "Ceased to be looked after", "Children in care")
        register("care-plan", "Care plan", "Children in care")
        register("looked-after-review", "Looked-after review", "Children in care")
        register("looked-after-visit", "Statutory visit", "Children in care")
        register("health-education", "Health assessment or personal education plan", "Children in care")
        register("approval", "Approval by a nominated officer or the director", "Children in care")
        register("return-home", "Return home decision", "Children in care")
        register("return-home-flag", "Concern after a return home", "Children in care")
        register("kinship", "Kinship care", "Children in care")
