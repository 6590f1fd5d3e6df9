"""A scored pair in plain English: what each comparison found and what it weighed, and why the
model did not link the record on its own.

Each comparison of the model (linkage.model) has levels, from the strongest agreement down to
none; the run keeps each pair's level of each comparison (Splink's gamma: -1 when one side has
nothing to compare, 0 the weakest level, counting upwards) and its weight. A reason is the
level in words with the weight after it: "Dates of birth are the same: +7.1". A pair scored
before the levels were kept has the weights alone ("Date of birth: +7.1").

The names a reason quotes are the ones the reviewer sees side by side: the record's as the
agency sent them, the child's current names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kernel.charts import signed

# The comparisons in the order the page shows them, with their names.
LABELS: dict[str, str] = {
    "first_name": "First name",
    "family_name": "Family name",
    "dob": "Date of birth",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "upn": "UPN",
    "sex": "Sex",
}
PRIOR = "Before comparing anything"
PRIOR_WORDS = "How likely two records are to be the same child before anything is compared (the model's starting point)"

MISSING = -1
# {comparison: {level: words}}; "{a}" and "{b}" are the record's and the child's values.
WORDS: dict[str, dict[int, str]] = {
    "first_name": {
        5: "First names are the same ({a})",
        4: "First and family names are swapped",
        3: "First names are nicknames of each other ({a}, {b})",
        2: "First names are nearly the same ({a}, {b})",
        1: "First names are only a little alike ({a}, {b})",
        0: "First names are different ({a}, {b})",
        MISSING: "A first name is missing",
    },
    "family_name": {
        5: "Family names are the same ({a})",
        4: "First and family names are swapped",
        3: "The family name is one the child is or was known by, or part of a hyphenated name ({a}, {b})",
        2: "Family names are nearly the same ({a}, {b})",
        1: "Family names are only a little alike ({a}, {b})",
        0: "Family names are different ({a}, {b})",
        MISSING: "A family name is missing",
    },
    "dob": {
        4: "Dates of birth are the same",
        3: "Dates of birth have the day and month swapped",
        2: "Dates of birth are one digit apart",
        1: "Dates of birth are within a month of each other",
        0: "Dates of birth are different",
        MISSING: "A date of birth is missing",
    },
    "postcode": {
        3: "Postcodes are the same",
        2: "Postcodes are in the same sector ({a}, {b})",
        1: "Postcodes are in the same district ({a}, {b})",
        0: "Postcodes are different",
        MISSING: "A postcode is missing",
    },
    "nhs_number": {
        2: "NHS numbers are the same",
        1: "NHS numbers are one digit (or two swapped digits) apart: a typing error",
        0: "NHS numbers differ by more than one digit",
        MISSING: "An NHS number is missing",
    },
    "upn": {
        2: "UPNs are the same",
        1: "UPNs are one character (or two swapped characters) apart: a typing error",
        0: "UPNs differ by more than one character",
        MISSING: "A UPN is missing",
    },
    "sex": {1: "Sex is the same", 0: "Sex is different", MISSING: "Sex is missing"},
}
# How each level compares, in a word or two, for the side-by-side table's "Compared" column.
SHORT: dict[str, dict[int, str]] = {
    "first_name": {5: "Same", 4: "Swapped", 3: "Nicknames", 2: "Nearly the same", 1: "A little alike", 0: "Different"},
    "family_name": {5: "Same", 4: "Swapped", 3: "Known by", 2: "Nearly the same", 1: "A little alike", 0: "Different"},
    "dob": {4: "Same", 3: "Day and month swapped", 2: "One digit apart", 1: "Within a month", 0: "Different"},
    "postcode": {3: "Same", 2: "Same sector", 1: "Same district", 0: "Different"},
    "nhs_number": {2: "Same", 1: "One digit apart", 0: "Different"},
    "upn": {2: "Same", 1: "One character apart", 0: "Different"},
    "sex": {1: "Same", 0: "Different"},
}
# Why the model did not link the record on its own: the guards (linkage.scoring).
GUARDS: dict[str, str] = {
    "placeholder": "A placeholder name (such as Baby or Unborn) or an unborn child: never linked automatically",
    "first_name": "The first names are different, or only a little alike with no NHS number or UPN agreeing",
    "nhs_number": "NHS numbers differ by more than one digit",
    "upn": "UPNs differ by more than one character",
    "dob": "The dates of birth are plainly different",
    "household": "The child has a twin (a child born the same day, living in the same home), and the first "
    "name and an NHS number or UPN do not both agree",
    "margin": "Another candidate's weight is close to this one's",
}


@dataclass(frozen=True)
class Reason:
    """One bar of the waterfall, in words: what it is for (``label``), what was found
    (``words``) and its weight."""

    key: str
    label: str
    words: str
    weight: float

    @property
    def signed(self) -> str:
        return signed(self.weight)

    @property
    def sentence(self) -> str:
        return f"{self.words}: {self.signed}"


def _first(text: str) -> str:
    parts = (text or "").split()
    return parts[0] if parts else ""


def reasons(
    weights: Mapping[str, float], levels: Mapping[str, int], record: Mapping[str, str], child: Mapping[str, str]
) -> list[Reason]:
    """The pair's reasons, the prior first then each comparison in the page's order; `record`
    and `child` hold the values shown side by side (given_names, family_name, postcode)."""
    quoted = {
        "first_name": (_first(record.get("given_names", "")), _first(child.get("given_names", ""))),
        "family_name": (record.get("family_name", ""), child.get("family_name", "")),
        "postcode": (record.get("postcode", ""), child.get("postcode", "")),
    }
    found = [Reason("prior", PRIOR, PRIOR_WORDS, float(weights.get("prior", 0.0)))]
    for key, label in LABELS.items():
        weight = float(weights.get(key, 0.0))
        level = levels.get(key)
        template = WORDS[key].get(level) if level is not None else None
        if template is None:
            words = label
        else:
            a, b = quoted.get(key, ("", ""))
            words = template.format(a=a or "none", b=b or "none")
        found.append(Reason(key, label, words, weight))
    return found


def compared(key: str, level: int | None, record_value: str, child_value: str) -> str:
    """How one field compares, in words (never colour alone): from the level when the run kept
    it, else from the values."""
    if not record_value or not child_value:
        return "Not on both records"
    if level is not None and level in SHORT.get(key, {}):
        return SHORT[key][level]
    return "Same" if record_value.strip().casefold() == child_value.strip().casefold() else "Different"


def guard_words(guards: Sequence[str]) -> list[str]:
    return [GUARDS.get(name, name) for name in guards]
