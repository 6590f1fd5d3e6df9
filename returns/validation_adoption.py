"""Checks of SSDA903 AD1 and PlacedAdoption before submission (see returns.validation)."""


def check(tables, year):
    """A list of returns.validation.Failure for the AD1 and PlacedAdoption tables."""
    return []
