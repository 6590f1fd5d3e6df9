"""SSDA903 OC3: care leavers in touch around their birthday (to be built from leavingcare)."""


def oc3(year):
    """[(person, {"IN_TOUCH", "ACTIV", "ACCOM"})] for the OC3 cohort of the collection year
    ending 31 March `year`, in a stable order."""
    return []
