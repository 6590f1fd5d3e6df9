from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "adoption"
    verbose_name = "Adoption: decisions, placement orders, matching, placement, orders, and adopters"

    def ready(self):
        from chronology.kinds import register
        from linkage.selectors import register_adoptions
        from people import keyfacts

        from . import keyfacts as adoption_keyfacts

        keyfacts.register_link("adoption", adoption_keyfacts.adoption_link)
        # An adopted child's birth names and former identifiers are never linkage match keys.
        register_adoptions(adopted_children)

        register("adoption-decision", "Decision that the child should be placed for adoption", "Adoption")
        register("adoption-authority", "Placement order or consent to placement for adoption", "Adoption")
        register("adoption-match", "Matched with prospective adopters", "Adoption")
        register("adoption-placement", "Fostering for adoption or placement for adoption", "Adoption")
        register("adoption-order", "Adoption order", "Adoption")
        register(
            "adoption-decision-reversed", "Decision that the child should no longer be placed for adoption", "Adoption"
        )


def adopted_children():
    """{person id: date of the adoption order} for every child adopted (for linkage)."""
    from .models import AdoptionDecision

    orders = AdoptionDecision.objects.filter(adoption_order_on__isnull=False)
    return dict(orders.values_list("person_id", "adoption_order_on"))
