"""Likely duplicates of a person about to be recorded. (Being written.)"""


def likely_duplicates(*, given_names, family_name, date_of_birth=None, postcode="", identifiers=(), limit=10):
    raise NotImplementedError
