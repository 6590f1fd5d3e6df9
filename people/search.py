"""Finding people: one search box for names, dates of birth, identifiers and postcodes.

(Being written: see the interface below.)
"""


def keys_for_name(given_names, family_name):
    """The set of search keys (exact and phonetic, per name token) for one name."""
    raise NotImplementedError


def index_person(person):
    """Rebuild the person's NameKey rows from all their names (current, previous, aliases)."""
    return None


def search_people(query, *, user=None, limit=20):
    """People matching the query, best first."""
    raise NotImplementedError
