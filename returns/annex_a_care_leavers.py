"""Ofsted Annex A Care leavers (from leavingcare): to be built."""


def list_9(window):
    """The rows (dicts keyed by annex_a.HEADERS) for the inspection date window.day."""
    return []
