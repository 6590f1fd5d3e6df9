"""UK postcodes: checking the format, writing them in the normal form ("SW1A 1AA"), and looking
them up in the authority's postcode data."""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
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


# --- The authority's postcode data ----------------------------------------------------------
#
# The ONS postcode directory extract the service is given (the setting PLACEMENT_POSTCODES_FILE,
# by default the demo's demo/data/postcodes.json): {"home": ONS code of this authority,
# "postcodes": {ONS local authority code: [postcodes]}}. It holds postcodes, not addresses.


def postcodes_file() -> Path:
    configured = getattr(settings, "PLACEMENT_POSTCODES_FILE", None)
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "demo" / "data" / "postcodes.json"


@lru_cache(maxsize=4)
def _postcode_data(path: Path) -> tuple[str, dict[str, str]]:
    if not path.exists():
        return "", {}
    data = json.loads(path.read_text(encoding="utf-8"))
    found = data.get("postcodes", {})
    by_postcode = {re.sub(r"\s+", "", p).upper(): code for code, postcodes in found.items() for p in postcodes}
    return str(data.get("home") or ""), by_postcode


@dataclass(frozen=True)
class PostcodeLookup:
    """What the authority's postcode data says of a postcode: `known` when it is in the data,
    and `in_area` when it is in the authority's own area."""

    postcode: str
    known: bool
    in_area: bool


def look_up(postcode: str) -> PostcodeLookup:
    """Look a postcode (already checked by validate_postcode) up in the authority's data."""
    home, by_postcode = _postcode_data(postcodes_file())
    code = by_postcode.get(re.sub(r"\s+", "", postcode).upper())
    return PostcodeLookup(
        postcode=normalise_postcode(postcode), known=code is not None, in_area=bool(home) and code == home
    )
