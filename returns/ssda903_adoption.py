"""SSDA903 AD1 and PlacedAdoption (to be built from the adoption app)."""


def tables(year, people, ids):
    """(AD1 rows, PlacedAdoption rows) for the collection year ending 31 March `year`.
    `people` is {person id: Person} of the children in the return, `ids` {person id: CHILD}."""
    return [], []
