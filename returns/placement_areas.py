"""The local authority a placement is in, for Ofsted Annex A list 8 "LA of Placement", and the
placement types as the Annex A template writes them (returns/data/annex_a_placement_types.json).

The authority of a postcode comes from the ONS National Statistics Postcode Directory: a file of
{"postcodes": {ONS local authority code: [postcodes]}}, named by the setting
PLACEMENT_POSTCODES_FILE. By default it is the extract the demo ships (demo/data/postcodes.json:
the demo authority's geography, Leeds, and the authorities around it; ONS data under the Open
Government Licence), which covers every placement the demo makes. An authority puts its own
extract there: its area and wherever it places children. A postcode the file does not hold has
no authority here, and the list leaves the column blank.

The authority's name is the DfE's (la_name in the DfE's published files, returns.published),
as the template's drop-down and the sector's pipeline name authorities ("Bradford", "Bristol,
City of"), found by its ONS code or its 3-digit DfE code.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from . import published

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def _compact(postcode):
    return re.sub(r"\s+", "", str(postcode or "")).upper()


def postcodes_file():
    return Path(getattr(settings, "PLACEMENT_POSTCODES_FILE", None) or ROOT / "demo" / "data" / "postcodes.json")


@lru_cache(maxsize=1)
def _authorities():
    """{compact postcode: ONS code of its local authority}."""
    path = postcodes_file()
    if not path.exists():
        return {}
    found = json.loads(path.read_text(encoding="utf-8")).get("postcodes", {})
    return {_compact(postcode): code for code, postcodes in found.items() for postcode in postcodes}


def authority_of(postcode):
    """The ONS code of the local authority the postcode is in, or None when not known."""
    return _authorities().get(_compact(postcode))


def name_of(code):
    """The DfE's name of the local authority with this ONS or 3-digit DfE code, or None."""
    area = published.la(code) if code else None
    return area.name if area else None


@lru_cache(maxsize=1)
def _placement_types():
    data = json.loads((DATA / "annex_a_placement_types.json").read_text(encoding="utf-8"))
    return {int(year): codes for year, codes in data["years"].items()}


def placement_types(day):
    """{903 placement code: the template's string} of the Annex A template in use on `day`: the
    latest whose year is not after the day's (the earliest for a day before them all)."""
    years = _placement_types()
    usable = [year for year in years if year <= day.year]
    return years[max(usable) if usable else min(years)]


def clear_cache():
    _authorities.cache_clear()
    _placement_types.cache_clear()
