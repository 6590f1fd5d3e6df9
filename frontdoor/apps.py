from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor"
    verbose_name = "Front door: contacts, checks and threshold decisions"

    def ready(self):
        from chronology.kinds import register

        register("contact-received", "Contact received", "Front door")
        register("contact-assigned", "Front-door contact assigned", "Front door")
        register("agency-check", "Multi-agency check", "Front door")
        register("contact-decision", "Front-door decision", "Front door")
        register("referral", "Referral to children's social care", "Front door")
        register("referrer-feedback", "Feedback to the referrer", "Front door")
