from django.apps import AppConfig


class LeavingCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "leavingcare"
    verbose_name = "Care leavers: eligibility, personal advisers, pathway plans, keeping in touch"
