from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "adoption"
    verbose_name = "Adoption: decisions, placement orders, matching, placement, orders, and adopters"

    def ready(self):
        from chronology.kinds import register
        from people import keyfacts

        from . import keyfacts as adoption_keyfacts

        keyfacts.register_link("adoption", adoption_keyfacts.adoption_link)

        register("adoption-decision", "Decision that the child should be placed for adoption", "Adoption")
        register("adoption-authority", "Placement order or consent to placement for adoption", "Adoption")
        register("adoption-match", "Matched with prospective adopters", "Adoption")
        register("adoption-placement", "Fostering for adoption or placement for adoption", "Adoption")
        register("adoption-order", "Adoption order", "Adoption")
        register(
            "adoption-decision-reversed", "Decision that the child should no longer be placed for adoption", "Adoption"
        )
