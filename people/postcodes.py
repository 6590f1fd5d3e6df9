"""UK postcodes: checking the format and writing them in the normal form ("SW1A 1AA")."""

import re

from django.core.exceptions import ValidationError

# The format published with the Bulk Data Transfer specification, simplified to the shapes
# in use: outward code (area, district, optional sub-district) and inward code (sector, unit).
_POSTCODE = re.compile(r"^(GIR0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)\d[ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(value: object) -> str:
    compact = re.sub(r"\s+", "", str(value or "")).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def validate_postcode(value: object) -> str:
    compact = re.sub(r"\s+", "", str(value or "")).upper()
    if not compact:
        raise ValidationError("Enter a postcode", code="required")
    if not _POSTCODE.match(compact):
        raise ValidationError("Enter a full UK postcode, like SW1A 1AA", code="format")
    return normalise_postcode(compact)


def looks_like_postcode(text: object) -> bool:
    return bool(_POSTCODE.match(re.sub(r"\s+", "", str(text or "")).upper()))
