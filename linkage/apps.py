from django.apps import AppConfig


class LinkageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linkage"
    verbose_name = "Record linkage: one child, one identifier across the partnership"
