"""Ofsted Annex A List 10 (adoption) and List 11 (adopters), from the adoption app: to be built."""


def list_10(window):
    """The rows (dicts keyed by annex_a.HEADERS["List 10"]) for the inspection date window.day."""
    return []


def list_11(window):
    """The rows (dicts keyed by annex_a.HEADERS["List 11"]) for the inspection date window.day."""
    return []
