"""Checks of SSDA903 OC3 before submission (see returns.validation)."""


def check(tables, year):
    """A list of returns.validation.Failure for the OC3 table."""
    return []
