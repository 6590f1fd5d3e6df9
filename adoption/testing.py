"""Helpers for the adoption tests, the access matrix and the browser journey: an approved
household of prospective adopters, made the way the services record it (synthetic people).

    from adoption.testing import approved_household
    household = approved_household(worker, approved_on=datetime.date(2025, 6, 1))
"""

import datetime

from . import services

DAY = datetime.timedelta(days=1)


def adopters(*sexes, family_name="Testadopter"):
    names = {"F": "Jo", "M": "Sam"}
    return [
        {"given_names": names[sex], "family_name": family_name, "sex": sex, "ethnicity": "WBRI", "disability": "no"}
        for sex in sexes
    ]


def household(user, *, sexes=("F", "M"), relationship="married", enquiry_on=None, name="The Testadopter household"):
    enquiry_on = enquiry_on or datetime.date.today() - 400 * DAY
    found = services.add_household(
        user, name=name, relationship=relationship, enquiry_on=enquiry_on, adopters=adopters(*sexes), postcode="TE3 3CC"
    )
    found.agency_urn = "SC900201"
    found.save(update_fields=["agency_urn"])
    return found


def approved_household(user, *, approved_on=None, ffa=False, **kwargs):
    """A household through both stages, approved on `approved_on` (and for fostering for
    adoption the same day, with `ffa`)."""
    approved_on = approved_on or datetime.date.today() - 100 * DAY
    found = household(user, enquiry_on=approved_on - 200 * DAY, **kwargs)
    found = services.start_stage_1(user, found, on=approved_on - 190 * DAY)
    found = services.end_stage_1(user, found, on=approved_on - 150 * DAY)
    found = services.record_application(user, found, on=approved_on - 149 * DAY)
    found = services.start_stage_2(user, found, on=approved_on - 140 * DAY)
    found = services.end_stage_2(user, found, on=approved_on - 30 * DAY)
    found = services.approve_household(user, found, on=approved_on)
    if ffa:
        found = services.approve_for_fostering_for_adoption(user, found, on=approved_on)
    return found
