from django.apps import AppConfig


class LeavingCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "leavingcare"
    verbose_name = "Care leavers: eligibility, personal advisers, pathway plans, keeping in touch"

    def ready(self):
        from people import keyfacts

        from . import keyfacts as leavingcare_keyfacts

        keyfacts.register("leavingcare", leavingcare_keyfacts.care_leaver)
        keyfacts.register_link("leavingcare", leavingcare_keyfacts.care_leaver_link)
        from chronology.kinds import register

        register("care-leaver", "Care leaver record", "Care leavers")
        register("personal-adviser", "Personal adviser", "Care leavers")
        register("pathway-plan", "Pathway plan", "Care leavers")
        register("keeping-in-touch", "Keeping in touch", "Care leavers")
        register("birthday-contact", "Birthday contact (SSDA903 OC3)", "Care leavers")
