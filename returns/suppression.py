"""The Department for Education's rules for figures published outside the authority, applied to
the authority's own statistics when they are shown "as they would be published" and to every
CSV download of them.

What DfE says (methodology, "Rounding, suppression and grossing", Children looked after: a focus
on placement location, Explore Education Statistics,
https://explore-education-statistics.service.gov.uk/methodology/children-looked-after-a-focus-on-placement-location,
which restates the rules of the Children looked after in England including adoptions release and
follows the DfE policy statement on confidentiality):

- "National and regional figures have been rounded to the nearest 10. Local authority figures
  are unrounded." An authority's own figures are LA figures: not rounded (ROUND_TO for an LA is 1).
- "Where any number is shown as zero, the original figure submitted was zero." Zero is shown.
- "c" protects confidentiality, and "secondary suppression may be required"; "z" is not
  applicable; "k" a value that would round to zero but is not zero (a percentage under 0.5%).
- Percentages: "to protect confidentiality some numbers are replaced by c"; CLA percentages are
  whole numbers (CIN percentages one decimal place: returns/data/dfe-published/README.md).

The threshold for "c" is not stated there. [U] It is taken as counts of 1 to 5, which is what the
files show: in the CLA ceased and number-and-rate files no unsuppressed LA count is below 6 and
counts shown as c sit in the 1-5 range (checked on cla2024__la_children_who_ceased_during_the_year
and cla2025__cla_number_and_rate_per_10k_children), and the department's earlier convention for
these statistics was stated as "Numbers from 1 to 5 inclusive have been suppressed" (written
answer, Children in Care, House of Commons, 8 January 2008, Hansard vol. 470). It is the setting
STATISTICS_SUPPRESS_UP_TO (default 5), read with getattr so that it needs no entry in settings.py.

Rules applied here:
1. A count of 1 to STATISTICS_SUPPRESS_UP_TO is "c" (primary suppression).
2. A percentage or rate whose numerator or denominator is suppressed is "c"; one whose
   denominator is 0 is "z"; a non-zero percentage that rounds to 0 is "k".
3. Secondary suppression [U: DfE does not publish its exact method]: in a breakdown shown with its
   total (reasons for ceasing and the children who ceased), if exactly one part is suppressed it
   could be worked out by subtraction, so the smallest other non-zero part is suppressed too;
   repeated until no total gives one part away.
"""

from django.conf import settings

C, Z, K = "c", "z", "k"


def threshold():
    return int(getattr(settings, "STATISTICS_SUPPRESS_UP_TO", 5))


def round_to(level="la"):
    """National and regional counts to the nearest 10; LA counts as they are."""
    return 1 if level == "la" else 10


def is_small(n):
    return n is not None and not isinstance(n, str) and 0 < n <= threshold()


def count(n, level="la"):
    """A count as it would be published: "c" when small (LA), rounded to 10 (national, regional)."""
    if n is None:
        return Z
    if isinstance(n, str):
        return n
    if level == "la" and is_small(n):
        return C
    step = round_to(level)
    return int(round(n / step) * step) if step > 1 else int(n)


def percentage(numerator, denominator, decimals=0):
    """A percentage as it would be published: c if either side is suppressed, z when there is no
    denominator, k when it rounds to 0 but is not 0; whole numbers by default (CLA)."""
    if isinstance(numerator, str) or isinstance(denominator, str):
        return C
    if denominator in (None, 0):
        return Z
    if numerator is None:
        return Z
    if is_small(numerator) or is_small(denominator):
        return C
    value = numerator / denominator * 100
    rounded = round(value, decimals)
    if value > 0 and rounded == 0:
        return K
    return int(rounded) if decimals == 0 else rounded


def rate(numerator, population, per=10_000):
    """A rate per 10,000 as published: whole numbers, c when the count is suppressed."""
    if isinstance(numerator, str):
        return C
    if numerator is None or not population:
        return Z
    if is_small(numerator):
        return C
    value = numerator / population * per
    rounded = round(value)
    return K if value > 0 and rounded == 0 else int(rounded)


def breakdown(parts, total=None):
    """Suppress a breakdown {key: count} that is published with its total: primary suppression,
    then secondary until no single suppressed part can be worked out by subtraction. Returns
    {key: count or "c"}; the total itself is suppressed when small."""
    shown = {key: (C if is_small(n) else n) for key, n in parts.items()}
    while True:
        hidden = [key for key, value in shown.items() if value == C]
        if len(hidden) != 1 or (total is not None and is_small(total)):
            break
        candidates = [(value, key) for key, value in shown.items() if value not in (C, 0, None)]
        if not candidates:
            break
        shown[min(candidates)[1]] = C
    return shown
