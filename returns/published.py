"""The Department for Education's published children's social care statistics, for England,
the regions and every local authority, read from the unchanged copies of the Explore Education
Statistics (EES) files in returns/data/dfe-published/ (unchanged copies of the files the README
there names; DFE_PUBLISHED_DIR points elsewhere, for newer releases).

Data-driven: MEASURES names each figure once, with the file it comes from, the rows it takes
(a filter on the file's columns) and the column (or the columns summed) that hold it. Nothing is
written per measure:

    published.figure("cla_31_march", published.england(), 2025)     # Figure(81770, ...)
    published.series("cla_31_march_rate", published.la("330"), [2021, 2022, 2023, 2024, 2025])
    published.neighbours("330")                                        # 10 LAs, nearest first

Each file is read once per process (functools.lru_cache). Values are text in the files: a
number is a Figure with a value; a symbol (c, k, u, x, z, low) is kept as "not published", with
the symbol and what it means, never as zero. A zero in a file means zero was reported.

Areas: an LA is found by DfE's 3-digit code (old_la_code, "330") or ONS code (new_la_code,
"E08000025"), both columns of every EES file here. Regions by region_code (E12...). London
boroughs carry Inner or Outer London (E13000001/2) in the files; they are compared with London
(E12000007), as the regional figure. Statistical neighbours come from DfE's 2025 model
(sn2025), falling back to the April 2021 groupings (sn2021) for authorities not in it.

Licence: Open Government Licence v3.0; ATTRIBUTION is the wording the README asks for.
"""

import csv
import statistics as pystats
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings

ATTRIBUTION = (
    "Source: Department for Education, Children in need and Children looked after in England "
    "including adoptions, Explore Education Statistics. Contains public sector information licensed "
    "under the Open Government Licence v3.0."
)
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# What the files' symbols mean (README, "Symbols that replace a value"; GSS standard symbols).
SYMBOLS = {
    "c": "suppressed to protect confidentiality",
    "k": "a value that rounds to zero but is not zero",
    "u": "low reliability",
    "x": "not available: not supplied",
    "z": "not applicable",
    "low": "a value that rounds to zero",
}

ENGLAND_CODE = "E92000001"
LONDON_CODE = "E12000007"
INNER_OUTER_LONDON = {"E13000001", "E13000002"}

NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"


def data_dir():
    configured = getattr(settings, "DFE_PUBLISHED_DIR", None)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent / "data" / "dfe-published"


# --- What is published, where ------------------------------------------------------------------

CLA_RATES = "cla2025__cla_number_and_rate_per_10k_children.csv"
CLA_CEASED = "cla2024__la_children_who_ceased_during_the_year.csv"
CLA_MISSING = "cla2024__la_children_who_were_missing_or_away_from_placement_without_authorisation.csv"
CIN_B1 = "cin2025__b1_children_in_need_2013_to_2025.csv"
CIN_C1 = "cin2025__c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
CIN_C4 = "cin2025__c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
CIN_D3 = "cin2025__d3_cpps_subsequent_plan_2013_to_2025.csv"
CIN_D5 = "cin2025__d5_cpps_at31march_by_duration_2013_to_2025.csv"
POPULATION = "cin2025__ons_mid-year_population_estimates_2012_to_2024.csv"
SN_2025 = "sn2025__sn_model_2025_wide.csv"
SN_2021 = "sn2021__New_Statistical_Neighbour_Groupings_April_2021.csv"

CLA_RELEASE = "Children looked after in England including adoptions"
CIN_RELEASE = "Children in need"

# The reasons a child ceased to be looked after, as the CLA release groups them, with the
# SSDA903 REC codes in each group (README, and process specification 3.6). E43/E44 are historic
# SGO codes.
CEASED_REASONS = [
    ("adopted", "Adopted", ("E11", "E12")),
    ("died", "Died", ("E2",)),
    ("another_la", "Care taken by another local authority", ("E3",)),
    (
        "e4a",
        "Returned home to live with parents or other person with parental responsibility which was part of "
        "the care planning process",
        ("E4A",),
    ),
    (
        "e4b",
        "Returned home to live with parents or other person with parental responsibility which was not part "
        "of the care planning process",
        ("E4B",),
    ),
    ("no_pr", "Left care to live with parents, relatives or other person with no parental responsibility", ("E13",)),
    ("cao", "Residence order or child arrangement order granted", ("E41",)),
    ("sgo", "Special guardianship orders", ("E43", "E44", "E45", "E46", "E47", "E48")),
    ("independent_supported", "Moved into independent living (with supportive accommodation)", ("E5",)),
    ("independent_unsupported", "Moved into independent living (with no formalised support)", ("E6",)),
    ("adult_care", "Transferred to residential care funded by adult social services", ("E7",)),
    ("custody", "Sentenced to custody", ("E9",)),
    ("remand_ended", "Accommodation on remand ended", ("E14",)),
    ("age_assessed", "Age assessment determined child aged 18 or over", ("E15",)),
    ("abroad", "Child moved abroad", ("E16",)),
    ("remained_18", "Aged 18 (or over) and remained with current carers", ("E17",)),
    ("other", "Care ceased for any other reason", ("E8",)),
]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    file: str
    filter: tuple  # ((column, value), ...)
    columns: tuple  # the columns summed for the value (one, usually)
    kind: str  # "count", "rate" or "percent"
    release: str
    denominator: tuple = ()  # for a percentage made from counts: the columns summed below the line
    year_offset: int = 0  # the population file is by mid-year: reporting year Y uses mid-(Y-1)


def _m(key, label, file, filter, columns, kind, release, **extra):
    columns = (columns,) if isinstance(columns, str) else tuple(columns)
    return Measure(key, label, file, tuple(filter.items()), columns, kind, release, **extra)


_CLA_31 = {"population_type": "Children looked after on 31 March each year"}
_CLA_START = {"population_type": "Children starting to be looked after each year"}
_CLA_CEASE = {"population_type": "Children ceasing to be looked after each year"}
_REASON = "Reason episode ceased"
_ICPC_BANDS = ("Duration_0-10_days", "Duration_11-15_days", "Duration_16-20_days", "Duration_21+_days")

MEASURES = {
    m.key: m
    for m in [
        _m(
            "cla_31_march",
            "Children looked after on 31 March",
            CLA_RATES,
            _CLA_31,
            "children_count",
            "count",
            CLA_RELEASE,
        ),
        _m(
            "cla_31_march_rate",
            "Children looked after on 31 March, per 10,000 children",
            CLA_RATES,
            _CLA_31,
            "rate_per_10000",
            "rate",
            CLA_RELEASE,
        ),
        _m(
            "started",
            "Children who started to be looked after",
            CLA_RATES,
            _CLA_START,
            "children_count",
            "count",
            CLA_RELEASE,
        ),
        _m(
            "started_rate",
            "Children who started to be looked after, per 10,000 children",
            CLA_RATES,
            _CLA_START,
            "rate_per_10000",
            "rate",
            CLA_RELEASE,
        ),
        _m(
            "ceased",
            "Children who ceased to be looked after",
            CLA_RATES,
            _CLA_CEASE,
            "children_count",
            "count",
            CLA_RELEASE,
        ),
        _m(
            "ceased_rate",
            "Children who ceased to be looked after, per 10,000 children",
            CLA_RATES,
            _CLA_CEASE,
            "rate_per_10000",
            "rate",
            CLA_RELEASE,
        ),
        _m(
            "ceased_by_reason_total",
            "Children who ceased to be looked after (reasons table)",
            CLA_CEASED,
            {"cla_group": _REASON, "characteristic": "Total"},
            "number",
            "count",
            CLA_RELEASE,
        ),
        *[
            _m(
                f"ceased_{key}",
                label,
                CLA_CEASED,
                {"cla_group": _REASON, "characteristic": label},
                "number",
                "count",
                CLA_RELEASE,
            )
            for key, label, _codes in CEASED_REASONS
        ],
        *[
            _m(
                f"ceased_{key}_percent",
                f"{label} (% of those who ceased)",
                CLA_CEASED,
                {"cla_group": _REASON, "characteristic": label},
                "percentage",
                "percent",
                CLA_RELEASE,
            )
            for key, label, _codes in CEASED_REASONS
        ],
        _m(
            "cla_during_year",
            "Children looked after during the year",
            CLA_MISSING,
            {"CLA_group": "Children looked after during the year"},
            "number",
            "count",
            CLA_RELEASE,
        ),
        _m(
            "missing_children",
            "Children who had a missing incident during the year",
            CLA_MISSING,
            {"CLA_group": "Children who had a missing incident during the year"},
            "number",
            "count",
            CLA_RELEASE,
        ),
        _m(
            "missing_percent",
            "Children looked after who had a missing incident (%)",
            CLA_MISSING,
            {"CLA_group": "Percentage of children who had a missing incident during the year"},
            "number",
            "percent",
            CLA_RELEASE,
        ),
        _m(
            "missing_incidents",
            "Missing incidents during the year",
            CLA_MISSING,
            {"CLA_group": "Number of missing incidents during the year"},
            "number",
            "count",
            CLA_RELEASE,
        ),
        _m("cin_31_march", "Children in need on 31 March", CIN_B1, {}, "At31_episodes", "count", CIN_RELEASE),
        _m("referrals", "Referrals in the year", CIN_C1, {}, "referral_count", "count", CIN_RELEASE),
        _m("rereferrals", "Re-referrals within 12 months", CIN_C1, {}, "rereferral_count", "count", CIN_RELEASE),
        _m(
            "rereferral_percent",
            "Re-referrals within 12 months (%)",
            CIN_C1,
            {},
            "rereferral_percent",
            "percent",
            CIN_RELEASE,
        ),
        _m("section_47", "Section 47 enquiries starting in the year", CIN_C4, {}, "Section47", "count", CIN_RELEASE),
        _m("icpc", "Initial child protection conferences", CIN_C4, {}, "ICPC", "count", CIN_RELEASE),
        _m(
            "icpc_within_15_days",
            "Initial conferences within 15 working days of the section 47 enquiry starting",
            CIN_C4,
            {},
            ("Duration_0-10_days", "Duration_11-15_days"),
            "count",
            CIN_RELEASE,
        ),
        _m(
            "icpc_within_15_days_percent",
            "Initial conferences within 15 working days (%)",
            CIN_C4,
            {},
            ("Duration_0-10_days", "Duration_11-15_days"),
            "percent",
            CIN_RELEASE,
            denominator=_ICPC_BANDS,
        ),
        _m(
            "cp_plans_31_march",
            "Children on a child protection plan on 31 March",
            CIN_D5,
            {},
            "CPP_At31",
            "count",
            CIN_RELEASE,
        ),
        _m(
            "cp_plans_started",
            "Child protection plans starting in the year",
            CIN_D3,
            {},
            "CPP_start",
            "count",
            CIN_RELEASE,
        ),
        _m(
            "population",
            "Children aged 0 to 17 (ONS mid-year estimate)",
            POPULATION,
            {"age_group": "Children aged 0 to 17 years"},
            "population_estimate",
            "count",
            CIN_RELEASE,
            year_offset=1,
        ),
    ]
}


# --- Reading the files ---------------------------------------------------------------------------


@cache
def rows(filename):
    """Every row of one file, as dicts (utf-8-sig: some files start with a byte-order mark)."""
    with open(data_dir() / filename, encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle))


def clear_cache():
    for cached in (rows, _indexed, _las, _regions, _neighbour_table):
        cached.cache_clear()


@dataclass(frozen=True)
class Area:
    level: str  # National, Regional or Local authority
    code: str  # E92000001, a region_code, or an LA's 3-digit code
    name: str
    new_code: str = ""
    region_code: str = ""
    region_name: str = ""

    @property
    def key(self):
        return (self.level, self.code)


@dataclass(frozen=True)
class Figure:
    """A published value, or the symbol that stands in for it."""

    value: float | None
    symbol: str = ""

    @property
    def published(self):
        return self.value is not None

    @property
    def meaning(self):
        return SYMBOLS.get(self.symbol, "not in the published files" if not self.symbol else self.symbol)

    def __str__(self):
        if self.value is None:
            return self.symbol or "–"
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.1f}"


MISSING = Figure(None, "")


def _number(text):
    text = (text or "").strip()
    try:
        return float(text.replace(",", "")), ""
    except ValueError:
        return None, text or ""


def _area_key(row):
    level = row.get("geographic_level", "")
    if level == NATIONAL:
        return (NATIONAL, ENGLAND_CODE)
    if level == REGIONAL:
        return (REGIONAL, row.get("region_code", ""))
    if level == LOCAL:
        return (LOCAL, row.get("old_la_code", ""))
    return None


def _sum(row, columns):
    total = 0.0
    for column in columns:
        value, found = _number(row.get(column))
        if value is None:
            return None, found
        total += value
    return total, ""


@cache
def _indexed(key):
    """{(level, code, reporting year): Figure} for one measure: the file read once, filtered once."""
    measure = MEASURES[key]
    found = {}
    for row in rows(measure.file):
        if any(row.get(column) != value for column, value in measure.filter):
            continue
        area = _area_key(row)
        if area is None:
            continue
        value, symbol = _sum(row, measure.columns)
        if measure.denominator and value is not None:
            below, symbol = _sum(row, measure.denominator)
            value = None if not below else round(value / below * 100, 1)
            if below == 0:
                symbol = "z"
        year = int(row["time_period"]) + measure.year_offset
        found[(*area, year)] = Figure(value, symbol)
    return found


def figure(key, area, year):
    """The published figure for a measure, an area and a reporting year (ending 31 March)."""
    if area is None:
        return MISSING
    return _indexed(key).get((area.level, area.code, int(year)), MISSING)


def series(key, area, years):
    return [figure(key, area, year) for year in years]


def years_published(key):
    return sorted({year for (_level, _code, year) in _indexed(key)})


# --- Areas -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _las():
    """Every LA in the CLA and CIN files, by 3-digit and by ONS code, from its latest row."""
    found = {}
    for filename in (CIN_B1, CLA_RATES):
        for row in sorted(rows(filename), key=lambda r: r["time_period"]):
            if row.get("geographic_level") != LOCAL or not row.get("old_la_code"):
                continue
            region_code, region_name = row.get("region_code", ""), row.get("region_name", "")
            if region_code in INNER_OUTER_LONDON:
                region_code, region_name = LONDON_CODE, "London"
            area = Area(
                LOCAL, row["old_la_code"], row.get("la_name", ""), row.get("new_la_code", ""), region_code, region_name
            )
            found[row["old_la_code"]] = area
    by_new = {area.new_code: area for area in found.values() if area.new_code}
    return found, by_new


@lru_cache(maxsize=1)
def _regions():
    return {
        row["region_code"]: row["region_name"] for row in rows(CLA_RATES) if row.get("geographic_level") == REGIONAL
    }


def la(code):
    """The LA with this 3-digit DfE code or 9-character ONS code, or None."""
    code = (code or "").strip()
    by_old, by_new = _las()
    return by_old.get(code) or by_new.get(code.upper())


def england():
    return Area(NATIONAL, ENGLAND_CODE, "England")


def region_of(area):
    if area is None or not area.region_code:
        return None
    return Area(REGIONAL, area.region_code, _regions().get(area.region_code, area.region_name))


@dataclass(frozen=True)
class Neighbours:
    model: str  # "2025 model" or "April 2021 groupings"
    areas: tuple  # Area, nearest first
    closeness: tuple  # the band for each


@lru_cache(maxsize=1)
def _neighbour_table():
    table = {}
    # The SNP header is repeated ten times in the 2021 file, so it is read by position (README).
    with open(data_dir() / SN_2021, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for cells in reader:
            if not cells or not cells[0].strip():
                continue
            codes = [cells[5 + 2 * i].strip() for i in range(10) if len(cells) > 5 + 2 * i]
            bands = [cells[6 + 2 * i].strip() for i in range(10) if len(cells) > 6 + 2 * i]
            table[cells[0].strip()] = ("April 2021 groupings", codes, bands)
    for row in rows(SN_2025):
        codes = [row[f"SN_{i}"].strip() for i in range(1, 11)]
        bands = [row[f"SN_{i}P"].strip() for i in range(1, 11)]
        table[row["old_la_code"].strip()] = ("2025 model", codes, bands)
    return table


def neighbours(code):
    """The LA's 10 statistical neighbours, nearest first: DfE's 2025 model, else the April 2021
    groupings (authorities that no longer exist)."""
    area = la(code)
    if area is None:
        return Neighbours("", (), ())
    found = _neighbour_table().get(area.code)
    if found is None:
        return Neighbours("", (), ())
    model, codes, bands = found
    areas = tuple(la(c) or Area(LOCAL, c, c) for c in codes if c)
    return Neighbours(model, areas, tuple(bands[: len(areas)]))


@dataclass(frozen=True)
class NeighbourSummary:
    value: float | None
    published: int  # how many neighbours had a value
    of: int
    how: str  # "median" or "mean"

    def __str__(self):
        if self.value is None:
            return "–"
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.1f}"


def neighbour_summary(key, group, year):
    """The neighbours' figure for a year: the median of their values for a rate or percentage (as
    DfE's dashboard takes it), the mean for a count (to sit beside one authority's count). Only
    published values are used; how many were is kept."""
    values = [f.value for f in (figure(key, area, year) for area in group.areas) if f.value is not None]
    how = "mean" if MEASURES[key].kind == "count" else "median"
    if not values:
        return NeighbourSummary(None, 0, len(group.areas), how)
    value = pystats.mean(values) if how == "mean" else pystats.median(values)
    return NeighbourSummary(round(value, 1), len(values), len(group.areas), how)


def combined_percent(numerator_keys, denominator_key, area, year):
    """A percentage made from published counts (returned home, E4A and E4B together, of all who
    ceased): c (or the file's symbol) when any count is not published."""
    parts = [figure(key, area, year) for key in numerator_keys]
    below = figure(denominator_key, area, year)
    for part in [*parts, below]:
        if part.value is None:
            return Figure(None, part.symbol)
    if not below.value:
        return Figure(None, "z")
    return Figure(round(sum(p.value for p in parts) / below.value * 100, 1))


def neighbour_combined_percent(numerator_keys, denominator_key, group, year):
    values = [
        f.value
        for f in (combined_percent(numerator_keys, denominator_key, area, year) for area in group.areas)
        if f.value is not None
    ]
    if not values:
        return NeighbourSummary(None, 0, len(group.areas), "median")
    return NeighbourSummary(round(pystats.median(values), 1), len(values), len(group.areas), "median")
