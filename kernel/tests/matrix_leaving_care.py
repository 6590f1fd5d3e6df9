"""The access matrix's records for this module (see test_access_matrix.MODULES)."""

EXPECTED = {}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    return {}
