from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "adoption"
    verbose_name = "Adoption: decisions, placement orders, matching, placement, orders, and adopters"
