"""When s434A of the Education Act 1996 (inserted by the Children's Wellbeing and Schools Act
2026 s37) is in force here: the setting S434A_COMMENCEMENT (an ISO date, from
SAFEGUARDING_S434A_COMMENCEMENT; none: not in force), as childrenincare.s31za does for s31ZA.
Before it, the consent pages say the duty is not in force and the services refuse; the key
facts do not call a child a relevant child. The children not in school register (s436B to
s436G, s38) has its own setting, CNIS_COMMENCEMENT (SAFEGUARDING_CNIS_COMMENCEMENT)."""

from __future__ import annotations

import datetime

from django.conf import settings

from kernel.rules import as_date, long_date

S434A = "section 434A of the Education Act 1996, inserted by the Children's Wellbeing and Schools Act 2026 s37"


CNIS = "sections 436B to 436G of the Education Act 1996, inserted by the Children's Wellbeing and Schools Act 2026 s38"


def commencement(setting: str = "S434A_COMMENCEMENT") -> datetime.date | None:
    """The day s434A (or the duty of another setting) came into force here, or None while it
    is not in force."""
    found = getattr(settings, setting, None)
    if not found:
        return None
    return found if isinstance(found, datetime.date) else datetime.date.fromisoformat(str(found))


def in_force(day: datetime.date | None, setting: str = "S434A_COMMENCEMENT") -> bool:
    start = commencement(setting)
    return start is not None and day is not None and as_date(day) >= start


def not_in_force_message(day: datetime.date | None = None) -> str:
    """Why a consent step cannot be taken (on `day`, or at all yet)."""
    start = commencement()
    if start is None:
        return (
            f"The duty to ask for the local authority's consent to home educate ({S434A}) is not in "
            "force yet: no commencement date is set"
        )
    return f"The duty to ask for the local authority's consent to home educate is in force from {long_date(start)}" + (
        f", not on {long_date(day)}" if day else ""
    )


def register_in_force(day: datetime.date | None) -> bool:
    """Whether the children not in school register (s436B) is in force on `day`: the setting
    CNIS_COMMENCEMENT (SAFEGUARDING_CNIS_COMMENCEMENT)."""
    return in_force(day, "CNIS_COMMENCEMENT")


def register_not_in_force_message(day: datetime.date | None = None) -> str:
    start = commencement("CNIS_COMMENCEMENT")
    if start is None:
        return f"The children not in school register ({CNIS}) is not in force yet: no commencement date is set"
    return f"The children not in school register is in force from {long_date(start)}" + (
        f", not on {long_date(day)}" if day else ""
    )
