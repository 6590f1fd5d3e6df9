"""A synthetic local authority for demonstrations, training and load testing.

`generate(children=N, seed=S, today=D)` makes the fictional Northmoor Borough Council: its
partner agencies (police, NHS, schools, voluntary organisations), teams and staff with demo
sign-in accounts, and N children in households with parents, step-parents and grandparents,
names (previous names and aliases too), addresses over time, identifiers, relationships,
parental responsibility, alerts, involvements and a chronology for each child.

The front door (demo/frontdoor.py): the example threshold document published by the
front-door manager at set-up, and a year of contacts up to today, at the national rate
(519 referrals a year per 10,000 children, England 2024-25; contacts ASSUMED 3.5 times
referrals), from the national mix of sources (police, schools, health, ...), each with its
referrer, concerns from templates, the children (often brothers and sisters) and sometimes an
adult of the household, its decision deadline from kernel.timescales stored as
frontdoor.services.receive_contact stores it, agency checks with kernel due times (mostly
answered in time), a decision against the threshold document (level allowing the outcome;
about 87% within the deadline, late ones with a reason), referrals with primary needs for
every child in a referred contact (about 21% re-referrals within 12 months), feedback to the
referrer, front-door and referral involvements and chronology entries as the services write
them. The last working day's contacts stay open in the MASH queue with a few overdue ones;
their pattern alerts come from frontdoor.services.refresh_pattern_alerts. A family "with the
front door now" has such a contact; a family with an assessment under way had a referral just
before it. The contacts have a random stream of their own per block, so the people are the
same with or without them. The assumptions and figures are in demo/frontdoor.py.

Case work (demo/casework.py), once every referral exists: allocation, child and family
assessments with their factors, strategy discussions, section 47 enquiries, conferences, child
protection plans with their core groups and visits, child in need plans with reviews and visits,
closures with CIN census reasons, their due dates (kernel.Deadline) and chronology, at the
national rates (CIN census 2025, England); its figures and assumptions are in that module.

Care histories (demo/care.py), after the case work: referred children who become looked after
at the published rate, with legal statuses, placements, carers, SSDA903 episodes, care
planning, returns home (some breaking down), missing episodes and return interviews.

Every person is made up. Names come from frequency lists in demo/data/names.json and are
combined at random; addresses are on made-up streets, with real postcodes of Leeds (the council
is fictional but borrows Leeds's geography and DfE code, 383, for the validators); NHS
numbers are from the range 999 000 0000 to 999 999 9999 that the NHS keeps for test data
(continuing into 998, 997... only beyond about 900,000 people, ranges no NHS number is issued
from); UPNs carry the code 999, which no authority has, so none is a real pupil's.

Reproducible: the same seed, number of children and `today` give the same people, names,
dates, addresses and identifiers in the same order. All dates are offsets from `today`
(the command's --today, by default the real date), so a run on another day gives the same
people, shifted in time; pass --today to pin the dates as well. Database ids, creation
timestamps and consistent child identifiers (issued from the database's never-reused serial,
so identical only on a fresh database) are the exceptions.

Fast: children are made in blocks of 1,000 (each from its own random stream, so the batch
size does not change the data), written in batches (5,000 children by default), each batch
one transaction, with COPY on PostgreSQL and executemany on SQLite and ids reserved up front,
so there is no per-row query; passwords share one precomputed hash. Roughly, with the front
door: 2,000 children in 4 seconds on SQLite; 100,000 (about 4 million rows, 11,000 contacts)
in under 4 minutes on PostgreSQL with 2 cores (500,000 took 13 minutes before the front door
was added). Only the open contacts' pattern alerts go through the service, one by one. Batches commit one by one: a run stopped half-way leaves a partial authority, which
later runs leave alone (start again from an empty database).

Nothing runs when the database already holds a local authority or any person, so the demo
set-up can call the command on every start.
"""  # noqa: E501

import bisect
import datetime as dt
import itertools
import json
import math
import random
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from childrenincare.planning import services as care_planning
from chronology import kinds as chronology_kinds
from chronology.models import ChronologyEntry
from demo.frontdoor import FrontDoorFlow
from partners.models import Agency, Team, User
from people import search
from people.identifiers import UPN_LETTERS, consistent_identifier_from_serial, nhs_check_digit, upn_check_letter
from people.models import (
    Address,
    ConsistentIdentifierSerial,
    Identifier,
    Involvement,
    NameKey,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonAlert,
    PersonDisability,
    PersonName,
    Relationship,
)

# The one password of every generated account (synthetic data only; never use in production).
DEMO_PASSWORD = "demo-password-for-synthetic-data"

LA_NAME = "Northmoor Borough Council"
# The council and its people are fictional, but it sits in a real geography: the DfE code, the
# ONS code and the postcodes (data/postcodes.json, ONS NSPD under the Open Government Licence)
# of Leeds, so that the sector's validators, which look up postcodes and LA codes, and the DfE
# comparisons (region, statistical neighbours) work on the demo. Postcodes are places, not
# people: no generated person is, or is linked to, anyone real.
LA_CODE = "383"
LA_ONS_CODE = "E08000035"
# UPNs are identifiers of real pupils, so synthetic ones keep a code no authority has (like the
# NHS test range): none can be a real child's. The CIN census check 1530 rejects them by design.
UPN_LA_CODE = "999"
# Reserved .example domains: no generated address can reach anyone.
EMAIL_DOMAIN = "northmoor.example"
EMAIL_DOMAINS = {
    Agency.Kind.POLICE: "police.northmoor.example",
    Agency.Kind.ICB: "nhs.northmoor.example",
    Agency.Kind.HEALTH_PROVIDER: "nhs.northmoor.example",
    Agency.Kind.SCHOOL: "schools.northmoor.example",
    Agency.Kind.VOLUNTARY: "charity.northmoor.example",
}
DEFAULT_BATCH = 5000
# Children are made in blocks of this many, each from its own random stream (seed and block
# number), so the data does not depend on the batch size (blocks per transaction).
BLOCK = 1000

DATA = Path(__file__).resolve().parent / "data"
LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
INSERT_BATCH = 2000

ADDRESSES_PER_STREET = 80
ADDRESSES_PER_POSTCODE = 16

# The demo sign-in accounts: fixed usernames, in the order they are printed.
DEMO_USERNAMES = [
    "social.worker",
    "team.manager",
    "head.of.service",
    "mash.practitioner",
    "mash.manager",
    "iro",
    "conference.chair",
    "family.help",
    "analyst",
    "admin",
    "police.officer",
    "health.visitor",
    "school.dsl",
    "education.officer",
    "exploitation.worker",
    "partnership.officer",
    "scrutineer",
    "lead.partner",
    "icb.lead",
    "police.lead",
    "personal.adviser",
    "user.admin",
]

CHRONOLOGY_KINDS = [
    "birth",
    "moved-address",
    "health-event",
    "education-event",
    "police-event",
    "significant-event",
    "family-event",
    "court-event",
]


# --- Small helpers ------------------------------------------------------------------------


class Weighted:
    """Pick from items with weights (by default, Zipf-like weights from list order)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights=None):
        self.items = list(items)
        if weights is None:
            weights = [1.0 / (rank + 4) for rank in range(len(self.items))]
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    @classmethod
    def from_dict(cls, mapping):
        return cls(mapping.keys(), mapping.values())

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(dob, day):
    years = day.year - dob.year
    if (day.month, day.day) < (dob.month, dob.day):
        years -= 1
    return years


def between(rng, start, end):
    """A random date from start to end inclusive (start if the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + dt.timedelta(days=rng.randint(0, span))


def at(rng, day, first_hour=8, last_hour=20):
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(first_hour, last_hour), rng.choice((0, 15, 30, 45)), tzinfo=LONDON
    )


def ascii_slug(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "".join(ch for ch in text if ch.isalnum() or ch in ".-")


def gendered(rule, base, sex):
    """A family name's form for a woman or girl under the pool's rule (Kowalski -> Kowalska)."""
    if sex != "F" or not rule:
        return base
    if rule == "polish":
        for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if base.endswith(male):
                return base[: -len(male)] + female
    elif rule == "slavic_ov" and base.endswith(("ov", "ev", "in")):
        return base + "a"
    return base


class Pool:
    """One group of names with the ethnicity, languages and religions that go with it."""

    def __init__(self, key, data):
        self.key = key
        self.ethnicity = data["ethnicity"]
        self.married = data.get("married", 0.5)
        self.child_english = data.get("child_english", 1.0)
        self.rule = data.get("surname_rule")
        self.languages = Weighted.from_dict(data["languages"])
        self.religions = Weighted.from_dict(data["religions"])
        self.child = {"M": Weighted(data["child_m"].split()), "F": Weighted(data["child_f"].split())}
        self.adult = {"M": Weighted(data["adult_m"].split()), "F": Weighted(data["adult_f"].split())}
        self.elder = {
            "M": Weighted(data["elder_m"].split()) if "elder_m" in data else self.adult["M"],
            "F": Weighted(data["elder_f"].split()) if "elder_f" in data else self.adult["F"],
        }
        self.surnames = Weighted(data["surnames"].split())
        female = data.get("female_surnames")
        self.female_surnames = (Weighted(female["names"].split()), female["p"]) if female else None
        self.middle_by_sex = data.get("middle_by_sex")
        # Mostly a first language other than English (recent arrivals are a little less often
        # registered with a GP).
        self.foreign = data["languages"].get("eng", 0) < 50


_DATA_CACHE: dict[str, object] = {}


def load_postcodes():
    """{ONS LA code: [postcode]}: the sample of real postcodes the demo's addresses use."""
    if "postcodes" not in _DATA_CACHE:
        _DATA_CACHE["postcodes"] = json.loads((DATA / "postcodes.json").read_text(encoding="utf-8"))["postcodes"]
    return _DATA_CACHE["postcodes"]


def load_data():
    if not _DATA_CACHE:
        names = json.loads((DATA / "names.json").read_text(encoding="utf-8"))
        places = json.loads((DATA / "places.json").read_text(encoding="utf-8"))
        _DATA_CACHE["names"] = names
        _DATA_CACHE["places"] = places
    return _DATA_CACHE["names"], _DATA_CACHE["places"]


# --- Unique identifiers from a running index ------------------------------------------------


def nhs_number(index):
    """The index-th synthetic NHS number: distinct for distinct indexes, valid Modulus 11.

    900,000 numbers per 3-digit prefix, starting with the test range 999; the order within a
    prefix is scrambled so that siblings do not get neighbouring numbers."""
    prefix_number, position = divmod(index, 900_000)
    prefix = 999 - prefix_number
    if prefix < 800:
        raise ValueError("too many synthetic NHS numbers")
    position = (position * 556_237 + 123_457) % 900_000
    block, slot = divmod(position, 9)
    first8 = f"{prefix}{block:05d}"
    partial = sum(int(digit) * weight for digit, weight in zip(first8, range(10, 2, -1), strict=False))
    # The ninth digit has weight 2; at most one ninth digit makes the check digit 10 (invalid).
    ninth = [d for d in range(10) if (partial + 2 * d) % 11 != 1][slot]
    first9 = f"{first8}{ninth}"
    return f"{first9}{nhs_check_digit(first9)}"


def school_urn(index):
    """The synthetic URN of the demo's school number `index`: 990000 up (9900000 up from the
    10,000th school), a range Get Information about Schools has not reached."""
    return str(990000 + index) if index < 10000 else str(9900000 + index)


def upn(index, year):
    """The index-th synthetic UPN (LA code 999), distinct for distinct indexes below 10 million."""
    serial = (index * 6_180_341 + 4321) % 10**7
    body = f"{UPN_LA_CODE}{year % 100:02d}{serial:07d}"
    return upn_check_letter(body) + body


def temporary_upn(index, year):
    """A synthetic temporary UPN (last character a letter), used as a former UPN."""
    serial = (index * 618_031 + 77) % 10**6
    body = f"{UPN_LA_CODE}{year % 100:02d}{serial:06d}{UPN_LETTERS[index % len(UPN_LETTERS)]}"
    return upn_check_letter(body) + body


# --- What a run makes ---------------------------------------------------------------------


@dataclass
class Result:
    created: bool
    children: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)


def authority_exists():
    return Agency.objects.filter(kind=Agency.Kind.LOCAL_AUTHORITY).exists() or Person.objects.exists()


def demo_accounts():
    """(username, role, agency, team) of the demo sign-in accounts, in a fixed order."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("agency", "team")}
    return [
        (
            name,
            users[name].get_role_display(),
            users[name].agency.name if users[name].agency else "",
            users[name].team.name if users[name].team else "",
        )
        for name in DEMO_USERNAMES
        if name in users
    ]


def generate(children=2000, seed=1, today=None, batch_size=DEFAULT_BATCH, log=None):
    """Make the authority, unless one (or any person) is already there. Returns a Result."""
    if authority_exists():
        return Result(created=False, accounts=demo_accounts())
    generator = Generator(
        children=children,
        seed=seed,
        today=today or dt.date.today(),
        batch_size=batch_size,
        log=log or (lambda message: None),
    )
    return generator.run()


class Someone:
    """A person being made (a Person row to be), with working notes for the generator."""

    __slots__ = (
        "pk",
        "kind",
        "given_names",
        "family_name",
        "date_of_birth",
        "date_of_birth_estimated",
        "expected_date_of_birth",
        "sex",
        "ethnicity",
        "first_language",
        "religion",
        "interpreter_needed",
        "names_",
        "pool_",
        "home_",
        "disabled_",
        "lacid_",
        "keys_",
        "school_",
    )

    def __init__(
        self,
        kind,
        given_names,
        family_name,
        date_of_birth,
        sex,
        ethnicity,
        first_language,
        religion,
        estimated,
        expected,
        interpreter,
    ):
        self.pk = None
        self.kind = kind
        self.given_names = given_names
        self.family_name = family_name
        self.date_of_birth = date_of_birth
        self.date_of_birth_estimated = estimated
        self.expected_date_of_birth = expected
        self.sex = sex
        self.ethnicity = ethnicity
        self.first_language = first_language
        self.religion = religion
        self.interpreter_needed = interpreter
        self.names_ = [(PersonName.Type.CURRENT, given_names, family_name, date_of_birth, None)]
        self.pool_ = None
        self.home_ = None
        self.disabled_ = False
        self.lacid_ = False
        self.school_ = None


class Place:
    """An address being made."""

    __slots__ = ("pk", "line_1", "line_2", "town", "postcode")

    def __init__(self, line_1, line_2, town, postcode):
        self.pk = None
        self.line_1 = line_1
        self.line_2 = line_2
        self.town = town
        self.postcode = postcode


class Writer:
    """Inserts rows fast: COPY on PostgreSQL, executemany on SQLite, with ids reserved first
    (from the table's sequence on PostgreSQL; above SQLite's AUTOINCREMENT high-water mark),
    so nothing has to be read back. Columns not given get the model field's default, converted
    once by Django. Other databases fall back to bulk_create. Call inside a transaction."""

    def __init__(self):
        self.vendor = connection.vendor
        self.now = timezone.now()
        self.plans = {}

    def plan(self, model, columns):
        key = (model, columns)
        plan = self.plans.get(key)
        if plan is None:
            given = set(columns)
            extra_columns, extra_values, per_row = [], [], []
            for f in model._meta.concrete_fields:
                if f.primary_key or f.attname in given or f.column in given:
                    continue
                if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value = self.now
                elif f.has_default() and callable(f.default):
                    per_row.append((f.column, f))  # a fresh value for each row (a UUID, say)
                    continue
                else:
                    value = f.get_default()
                extra_columns.append(f.column)
                extra_values.append(self.prepare(f, value))
            converters = []
            if self.vendor == "sqlite":
                for index, name in enumerate(columns):
                    kind = model._meta.get_field(name).get_internal_type()
                    if kind == "DateField":
                        converters.append((index, _sqlite_date))
                    elif kind == "DateTimeField":
                        converters.append((index, _sqlite_datetime))
                    elif kind == "BooleanField":
                        converters.append((index, int))
            # Row order: the given columns, those with a fresh default per row, then fixed defaults.
            plan = (
                tuple(columns) + tuple(c for c, _ in per_row) + tuple(extra_columns),
                tuple(extra_values),
                converters,
                [f for _, f in per_row],
            )
            self.plans[key] = plan
        return plan

    def prepare(self, field, value):
        if self.vendor == "postgresql" and not hasattr(value, "keys"):
            return value  # psycopg adapts dates, times, numbers and text itself
        return field.get_db_prep_save(value, connection)

    def reserve(self, model, count):
        table = model._meta.db_table
        pk = model._meta.pk.column
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(table), pk, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT max({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
            return list(range(top + 1, top + 1 + count))

    def insert(self, model, columns, rows, *, ids=False):
        """Insert rows (tuples in the order of `columns`, attnames). With ids=True, returns the new ids."""
        rows = list(rows)
        if not rows:
            return []
        if self.vendor not in ("postgresql", "sqlite"):
            objects = [model(**dict(zip(columns, row, strict=False))) for row in rows]
            model.objects.bulk_create(objects, batch_size=INSERT_BATCH)
            return [obj.pk for obj in objects]
        new_ids = None
        if ids:
            new_ids = self.reserve(model, len(rows))
            columns = (model._meta.pk.attname,) + tuple(columns)
            rows = [(new_id,) + row for new_id, row in zip(new_ids, rows, strict=False)]
        all_columns, extra, converters, per_row = self.plan(model, tuple(columns))
        if per_row:
            rows = [row + tuple(self.prepare(f, f.get_default()) for f in per_row) for row in rows]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(c) for c in all_columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row + extra)
            else:
                if converters:
                    converted = []
                    for row in rows:
                        row = list(row)
                        for index, convert in converters:
                            value = row[index]
                            if value is not None:
                                row[index] = convert(value)
                        converted.append(tuple(row) + extra)
                    rows = converted
                else:
                    rows = [row + extra for row in rows]
                placeholders = ", ".join(["%s"] * len(all_columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
                for start in range(0, len(rows), 10_000):
                    cursor.executemany(sql, rows[start : start + 10_000])
        return new_ids


def _sqlite_date(value):
    return value.isoformat()


_UTC = dt.UTC


def _sqlite_datetime(value):
    # As Django stores them on SQLite with USE_TZ: UTC, without an offset.
    if value.tzinfo is not None:
        value = value.astimezone(_UTC).replace(tzinfo=None)
    return value.isoformat(" ")


class Batch:
    """Rows for one batch, held as plain tuples until the people have database ids."""

    def __init__(self):
        self.addresses = []
        self.persons = []
        self.ci = []  # (person, valid_from)
        self.names = []  # (person, type, given, family, valid_from, valid_to)
        self.identifiers = []  # (person, type, value, valid_from, valid_to)
        self.homes = []  # [person, address, kind, moved_in, moved_out, confidential]
        self.relationships = []  # (person, related, type, description, valid_from, valid_to)
        self.pr = []  # (child, holder, basis, start, end)
        self.disabilities = []  # (person, code)
        self.alerts = []  # (person, kind, detail, start, end)
        self.involvements = []  # (person, agency, team, worker, kind, start, end)
        self.chronology = []  # (person, kind, when, title, detail, agency, home index or None)
        self.contacts = []  # demo.frontdoor.Planned


class Generator:
    def __init__(self, *, children, seed, today, batch_size, log):
        if children < 0:
            raise ValueError("children must be 0 or more")
        self.children = children
        self.seed = seed
        self.today = today
        self.batch_size = max(1, batch_size)
        self.log = log
        self.counts = {}
        self.child_index = 0
        self.nhs_index = 0
        self.upn_index = 0
        self.address_index = 0
        self.lacid_index = 0
        self.key_cache = {}
        names, places = load_data()
        self.names = names
        self.places = places
        self.pools = {key: Pool(key, value) for key, value in names["pools"].items()}
        self.heritages = Weighted(names["heritages"], [h["weight"] for h in names["heritages"]])
        self.uasc_pools = Weighted.from_dict(names["uasc"])
        self.nicknames = names["nicknames"]
        self.structures = Weighted.from_dict(
            {
                "couple": 520,
                "lone_mother": 250,
                "lone_father": 30,
                "stepfamily": 100,
                "kinship": 30,
                "three_generations": 40,
                "uasc": 5,
            }
        )
        self.child_counts = Weighted([1, 2, 3, 4], [38, 35, 18, 9])
        self.previous_moves = Weighted([0, 1, 2], [60, 28, 12])
        self.services = Weighted.from_dict(
            {
                "none": 500,
                "past": 200,
                "mash": 10,
                "assessment": 15,
                "family_help": 70,
                "cin": 70,
                "cp": 35,
                "lac": 30,
                "care_leaver": 5,
            }
        )
        self.disability_codes = Weighted.from_dict(
            {
                "AUT": 25,
                "LD": 20,
                "COMM": 15,
                "BEH": 12,
                "MOB": 6,
                "PC": 4,
                "HEAR": 4,
                "HAND": 3,
                "INC": 3,
                "VIS": 3,
                "CON": 3,
                "DDA": 2,
            }
        )
        self.adult_disability_codes = Weighted.from_dict(
            {"MOB": 30, "LD": 20, "HEAR": 12, "VIS": 10, "BEH": 8, "DDA": 15, "COMM": 5}
        )
        self.max_child_days = (today - add_years(today, -18)).days - 1
        self.academic_year = today.year if today.month >= 9 else today.year - 1

    # --- Running ---------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        for slug in CHRONOLOGY_KINDS:
            chronology_kinds.get(slug)  # fails early if a kind is not registered
        self.home_type = ContentType.objects.get_for_model(PersonAddress)
        self.writer = Writer()
        self.front_door = FrontDoorFlow(self)
        with transaction.atomic():
            self.setup()
        self.log(f"Agencies, teams and {self.counts.get('users', 0):,} staff made ({time.monotonic() - started:.1f} s)")
        blocks = math.ceil(self.children / BLOCK)
        per_batch = max(1, self.batch_size // BLOCK)
        batches = math.ceil(blocks / per_batch)
        made = 0
        for number in range(batches):
            with transaction.atomic():
                batch = Batch()
                for block in range(number * per_batch, min(blocks, (number + 1) * per_batch)):
                    rng = random.Random(f"{self.seed}:block:{block}")
                    # The block's contacts have a stream of their own: the people do not depend on them.
                    self.contact_rng = random.Random(f"{self.seed}:contacts:{block}")
                    self.front_door.start_block(block)
                    left = min(BLOCK, self.children - block * BLOCK)
                    made += left
                    while left > 0:
                        left -= self.family(batch, rng, left)
                self.write(batch)
            self.log(f"Batch {number + 1} of {batches}: {made:,} children ({time.monotonic() - started:.1f} s)")
        self.refresh_statistics()  # first: the pattern-alert queries need the planner's statistics
        with transaction.atomic():
            self.casework()
        with transaction.atomic():
            self.care()
        with transaction.atomic():
            self.module("demo.leaving_care", "LeavingCare", "Leaving care")
        with transaction.atomic():
            self.module("demo.early_help", "EarlyHelp", "Early help")
        with transaction.atomic():
            self.module("demo.adoption", "Adoption", "Adoption")
        with transaction.atomic():
            self.module("demo.pre_proceedings", "PreProceedings", "Pre-proceedings")
        with transaction.atomic():
            self.module("demo.education", "Education", "Education")
        with transaction.atomic():
            self.module("demo.exploitation", "Exploitation", "Exploitation")
        with transaction.atomic():
            self.module("demo.partnership", "Partnership", "Safeguarding partnership")
        # Outside a transaction: a feed's scoring is queued when the feed is committed.
        self.module("demo.linkage", "Linkage", "Record linkage")
        with transaction.atomic():
            self.front_door.finish()
        return Result(
            created=True,
            children=made,
            seconds=time.monotonic() - started,
            counts=dict(self.counts),
            accounts=demo_accounts(),
        )

    def casework(self):
        """The referrals' case histories (demo/casework.py), once every referral exists."""
        from demo.casework import Casework  # noqa: PLC0415

        started = time.monotonic()
        for name, number in Casework(self).run().items():
            self.count(name, number)
        self.log(
            f"Case work for {self.counts.get('allocations', 0):,} allocations made ({time.monotonic() - started:.1f} s)"
        )

    def care(self):
        """Children in care, returns home and missing episodes (demo/care.py), after the case work."""
        from demo.care import Care  # noqa: PLC0415

        started = time.monotonic()
        for name, number in Care(self).run().items():
            self.count(name, number)
        self.log(
            f"Care histories for {self.counts.get('periods of care', 0):,} periods of care made "
            f"({time.monotonic() - started:.1f} s)"
        )

    def module(self, path, name, title):
        """A module of the demo that reads back what the front door, case work and care made
        (`name(generator).run()` in demo/<module>.py returns {what: how many})."""
        import importlib  # noqa: PLC0415

        started = time.monotonic()
        made = getattr(importlib.import_module(path), name)(self).run()
        for what, number in made.items():
            self.count(what, number)
        self.log(
            f"{title}: "
            + (", ".join(f"{number:,} {what}" for what, number in made.items()) or "nothing made")
            + f" ({time.monotonic() - started:.1f} s)"
        )

    def refresh_statistics(self):
        """A bulk load leaves the query planner's statistics empty; without them PostgreSQL
        picks slow plans (seconds for an NHS number lookup). ANALYZE reads a sample."""
        if connection.vendor in ("postgresql", "sqlite"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def count(self, name, number):
        self.counts[name] = self.counts.get(name, 0) + number

    # --- Agencies, teams and staff ----------------------------------------------------------

    def setup(self):
        rng = random.Random(f"{self.seed}:setup")
        places = self.places
        self.localities = places["localities"]
        stems = places["street_stems"].split()
        suffixes = places["street_suffixes"]
        combos = [
            (stem, suffix[0], len(suffix) > 2) for stem in stems for suffix in suffixes if not stem.endswith(suffix[0])
        ]
        rng.shuffle(combos)
        self.street_combos = combos
        self.suffix_weights = {suffix[0]: suffix[1] for suffix in suffixes}
        # Address space: enough streets for every address the run can use, scrambled so that
        # a household's neighbours are not the next household made.
        capacity = max(4000, int(self.children * 2.5) + 4000)
        capacity += (-capacity) % ADDRESSES_PER_STREET
        self.address_capacity = capacity
        multiplier = int(capacity * 0.6180339887)
        while math.gcd(multiplier, capacity) != 1:
            multiplier += 1
        self.address_multiplier = multiplier

        agencies = []

        def agency(name, kind, **fields):
            made = Agency(name=name, kind=kind, **fields)
            agencies.append(made)
            return made

        self.la = agency(LA_NAME, Agency.Kind.LOCAL_AUTHORITY, la_code=LA_CODE, postcode=self.postcode(0, 0))
        self.police = agency("Northmoor Police", Agency.Kind.POLICE, postcode=self.postcode(0, 1))
        self.icb = agency(
            "NHS Northmoor and Eastdale Integrated Care Board",
            Agency.Kind.ICB,
            ods_code="ZZ9",
            postcode=self.postcode(1, 0),
        )
        self.hospital = agency(
            "Northmoor Teaching Hospitals NHS Foundation Trust",
            Agency.Kind.HEALTH_PROVIDER,
            ods_code="ZZ901",
            postcode=self.postcode(0, 2),
        )
        self.community = agency(
            "Northmoor Community Health Services NHS Trust",
            Agency.Kind.HEALTH_PROVIDER,
            ods_code="ZZ902",
            postcode=self.postcode(2, 0),
        )
        self.mental_health = agency(
            "Northmoor and Eastdale Mental Health NHS Foundation Trust",
            Agency.Kind.HEALTH_PROVIDER,
            ods_code="ZZ903",
            postcode=self.postcode(1, 1),
        )
        self.voluntary = [
            agency("Northmoor Family Support Trust", Agency.Kind.VOLUNTARY, postcode=self.postcode(3, 0)),
            agency("Moorside Young Carers", Agency.Kind.VOLUNTARY, postcode=self.postcode(4, 0)),
        ]
        # Schools: about one for every 250 children (at least 3), one secondary for every five primaries.
        school_count = max(3, round(self.children / 250))
        secondary_count = max(1, school_count // 6)
        words = places["school_words"].split()
        saints = places["saints"].split()
        self.primaries = {i: [] for i in range(len(self.localities))}
        self.secondaries = {i: [] for i in range(len(self.localities))}
        used_names = set()
        for index in range(school_count):
            secondary = index < secondary_count
            locality = index % len(self.localities)
            town = self.localities[locality]
            style = rng.random()
            if secondary:
                options = [
                    f"{town} High School",
                    f"{town} Academy",
                    f"{rng.choice(words)} Academy",
                    f"St {rng.choice(saints)}'s Catholic High School",
                    f"{rng.choice(words)} School",
                ]
            else:
                options = [
                    f"{rng.choice(words)} Primary School",
                    f"{town} Primary School",
                    f"St {rng.choice(saints)}'s CE Primary School",
                    f"St {rng.choice(saints)}'s Catholic Primary School",
                    f"{rng.choice(words)} Primary Academy",
                    f"{rng.choice(words)} Infant and Junior School",
                ]
            name = candidate = options[min(int(style * len(options)), len(options) - 1)]
            repeat = 1
            while candidate in used_names:
                repeat += 1
                candidate = f"{name} ({town})" if repeat == 2 else f"{name} ({town} {repeat - 1})"
            name = candidate
            used_names.add(name)
            urn = school_urn(index)
            school = agency(name, Agency.Kind.SCHOOL, urn=urn, postcode=self.postcode(index, 3))
            (self.secondaries if secondary else self.primaries)[locality].append(school)
        self.all_primaries = [s for lst in self.primaries.values() for s in lst]
        self.all_secondaries = [s for lst in self.secondaries.values() for s in lst]
        Agency.objects.bulk_create(agencies)
        self.count("agencies", len(agencies))

        self.make_staff(rng)
        self.front_door.setup(self.staff)

    def postcode(self, street, block):
        """The postcode of a block of addresses on a street (a pure function of the numbers): a
        real postcode of the authority's area, the same block always the same one, different
        blocks different ones until the sample's 12,000 are used up."""
        localities = len(self.places["localities"])
        locality = street % localities
        unit = (street // localities) * (ADDRESSES_PER_STREET // ADDRESSES_PER_POSTCODE) + block
        home = load_postcodes()[LA_ONS_CODE]
        return home[((unit * localities + locality) * 7919) % len(home)]

    def neighbour_postcode(self, rng):
        """A real postcode in a neighbouring authority (placements outside the area)."""
        postcodes = load_postcodes()
        return rng.choice(postcodes[rng.choice([code for code in postcodes if code != LA_ONS_CODE])])

    def street(self, index):
        combos = self.street_combos
        localities = len(self.localities)
        round_number, position = divmod(index // localities, len(combos))
        stem, suffix, flats = combos[position]
        prefix = ["", "Upper ", "Lower ", "Little ", "Great ", "Old ", "New ", "North ", "South ", "East ", "West "][
            round_number % 11
        ]
        name = f"{prefix}{stem} {suffix}"
        if round_number >= 11:
            name += f" {round_number // 11 + 1}"
        return name, self.localities[index % localities], flats

    def new_address(self, batch):
        index = self.address_index
        self.address_index += 1
        block, position = divmod(index, self.address_capacity)
        position = (position * self.address_multiplier + 1234) % self.address_capacity + block * self.address_capacity
        street_index, number = divmod(position, ADDRESSES_PER_STREET)
        name, town, flats = self.street(street_index)
        postcode = self.postcode(street_index, number // ADDRESSES_PER_POSTCODE)
        if flats:
            address = Place(f"Flat {number + 1}", name, town, postcode)
        else:
            address = Place(f"{number + 1} {name}", "", town, postcode)
        batch.addresses.append(address)
        return address

    def staff_name(self, rng, female_share=0.8):
        heritage = self.heritages.pick(rng)
        sex = "F" if rng.random() < female_share else "M"
        pool = self.pools[heritage["mother"] if sex == "F" else heritage["father"]]
        return pool.adult[sex].pick(rng), gendered(pool.rule, pool.surnames.pick(rng), sex)

    def make_staff(self, rng):  # noqa: C901
        n = self.children
        password = make_password(DEMO_PASSWORD)
        teams = []
        users = []
        taken = set(DEMO_USERNAMES)
        self.members = {}  # function -> [(team, [caseworkers])]

        def team(agency, name, function):
            made = Team(agency=agency, name=name, function=function)
            teams.append(made)
            return made

        def user(role, agency, team_, job_title, username=None, female_share=0.8, **extra):
            first, last = self.staff_name(rng, female_share)
            if username is None:
                base = ascii_slug(f"{first}.{last}") or "user"
                username = base
                number = 2
                while username in taken:
                    username = f"{base}{number}"
                    number += 1
            taken.add(username)
            domain = EMAIL_DOMAINS.get(agency.kind, EMAIL_DOMAIN)
            made = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{domain}",
                password=password,
                role=role,
                agency=agency,
                team=team_,
                job_title=job_title,
                **extra,
            )
            users.append(made)
            return made

        R = User.Role
        la = self.la

        def caseload_teams(
            function,
            label,
            cases,
            caseload,
            role,
            job_titles,
            manager_title,
            per_team=7,
            first_username=None,
            names=None,
        ):
            workers_needed = max(3, math.ceil(cases / caseload))
            team_count = max(1, math.ceil(workers_needed / per_team))
            made = []
            for t in range(team_count):
                if names and t < len(names):
                    name = names[t]
                elif team_count == 1:
                    name = label
                else:
                    name = f"{label} {t + 1}"
                tm = team(la, name, function)
                user(
                    R.TEAM_MANAGER,
                    la,
                    tm,
                    manager_title,
                    username="team.manager" if first_username == "social.worker" and t == 0 else None,
                )
                user(R.TEAM_MANAGER, la, tm, "Senior practitioner")
                workers = []
                size = math.ceil(workers_needed / team_count)
                for w in range(size):
                    username = first_username if (t == 0 and w == 0) else None
                    workers.append(user(role, la, tm, job_titles[w % len(job_titles)], username=username))
                made.append((tm, workers))
            self.members[function] = made

        sw_titles = ["Social worker", "Senior social worker", "Social worker", "Newly qualified social worker (ASYE)"]
        # The front door.
        mash = team(la, "Front Door (MASH)", "MASH")
        mash_size = max(3, math.ceil(n * 0.03 / 12))
        user(R.MASH_MANAGER, la, mash, "Front door manager", username="mash.manager")
        for _ in range(max(0, mash_size // 10)):
            user(R.MASH_MANAGER, la, mash, "Front door team manager")
        mash_workers = [
            user(
                R.MASH_PRACTITIONER,
                la,
                mash,
                "Front door practitioner",
                username="mash.practitioner" if w == 0 else None,
            )
            for w in range(mash_size)
        ]
        self.members["MASH"] = [(mash, mash_workers)]
        caseload_teams("assessment", "Assessment Team", n * 0.07, 20, R.SOCIAL_WORKER, sw_titles, "Team manager")
        caseload_teams(
            "child in need",
            "Child in Need Team",
            n * 0.08,
            18,
            R.SOCIAL_WORKER,
            sw_titles,
            "Team manager",
            first_username="social.worker",
        )
        caseload_teams(
            "child protection", "Child Protection Team", n * 0.04, 15, R.SOCIAL_WORKER, sw_titles, "Team manager"
        )
        caseload_teams(
            "children in care", "Children in Care Team", n * 0.035, 15, R.SOCIAL_WORKER, sw_titles, "Team manager"
        )
        caseload_teams(
            "care leavers",
            "Care Leavers Service",
            n * 0.01,
            20,
            R.SOCIAL_WORKER,
            ["Personal adviser", "Social worker"],
            "Care leavers service manager",
            first_username="personal.adviser",
        )
        caseload_teams(
            "family help",
            "Family Help Team",
            n * 0.07,
            15,
            R.FAMILY_HELP_LEAD,
            ["Family Help lead practitioner", "Family support practitioner"],
            "Family Help team manager",
            first_username="family.help",
            names=[f"Family Help Team {town}" for town in self.localities],
        )
        iro_team = team(la, "Independent Reviewing Service", "IRO")
        user(R.TEAM_MANAGER, la, iro_team, "IRO service manager")
        iros = [
            user(R.IRO, la, iro_team, "Independent reviewing officer", username="iro" if w == 0 else None)
            for w in range(max(2, math.ceil(n * 0.07 / 70)))
        ]
        self.members["IRO"] = [(iro_team, iros)]
        chairs_team = team(la, "Child Protection Conference Chairs", "conference chairs")
        user(R.TEAM_MANAGER, la, chairs_team, "Safeguarding and quality assurance manager")
        chairs = [
            user(
                R.CONFERENCE_CHAIR,
                la,
                chairs_team,
                "Child protection conference chair",
                username="conference.chair" if w == 0 else None,
            )
            for w in range(max(2, math.ceil(n * 0.04 / 90)))
        ]
        self.members["conference chairs"] = [(chairs_team, chairs)]
        performance = team(la, "Performance and Intelligence", "performance")
        user(R.TEAM_MANAGER, la, performance, "Performance and intelligence manager")
        user(R.ANALYST, la, performance, "Performance analyst", username="analyst")
        user(R.ANALYST, la, performance, "Data analyst")
        user(
            R.ADMINISTRATOR, la, performance, "System administrator", username="admin", is_staff=True, is_superuser=True
        )
        for w, title in enumerate(
            [
                "Head of service: front door and assessment",
                "Head of service: children in need and protection",
                "Head of service: children in care and care leavers",
            ]
        ):
            user(R.HEAD_OF_SERVICE, la, None, title, username="head.of.service" if w == 0 else None)

        # Partner practitioners.
        P = R.PARTNER_PRACTITIONER
        ppu = team(self.police, "Public Protection Unit", "public protection")
        cait = team(self.police, "Child Abuse Investigation Team", "child abuse investigation")
        police = [
            user(P, self.police, ppu, "Police sergeant, public protection", username="police.officer", female_share=0.4)
        ]
        police += [user(P, self.police, ppu, "Detective constable", female_share=0.4) for _ in range(max(1, n // 4000))]
        police += [
            user(P, self.police, cait, "Detective constable", female_share=0.4) for _ in range(max(2, n // 4000))
        ]
        self.members["police"] = [(ppu, police)]
        hv_team = team(self.community, "Health Visiting Service", "health visiting")
        health_visitors = [user(P, self.community, hv_team, "Health visitor", username="health.visitor")]
        health_visitors += [
            user(P, self.community, hv_team, "Health visitor", female_share=0.95)
            for _ in range(max(1, math.ceil(n * 0.28 / 300)))
        ]
        self.members["health visiting"] = [(hv_team, health_visitors)]
        nursing = team(self.community, "School Nursing Service", "school nursing")
        for _ in range(max(1, n // 5000)):
            user(P, self.community, nursing, "School nurse", female_share=0.95)
        hospital_team = team(self.hospital, "Safeguarding Children Team", "safeguarding")
        user(P, self.hospital, hospital_team, "Named nurse for safeguarding children")
        for _ in range(max(1, n // 20000)):
            user(P, self.hospital, hospital_team, "Safeguarding children nurse")
        camhs = team(self.mental_health, "Child and Adolescent Mental Health Service (CAMHS)", "CAMHS")
        camhs_workers = [
            user(P, self.mental_health, camhs, "CAMHS practitioner") for _ in range(max(2, math.ceil(n * 0.03 / 40)))
        ]
        self.members["CAMHS"] = [(camhs, camhs_workers)]
        designated = team(self.icb, "Designated Safeguarding Professionals", "designated professionals")
        user(P, self.icb, designated, "Designated nurse for safeguarding children")
        user(P, self.icb, designated, "Designated doctor for safeguarding children", female_share=0.5)
        first_school = (self.all_secondaries or self.all_primaries)[0]
        for school in self.all_secondaries + self.all_primaries:
            user(
                P,
                school,
                None,
                "Designated safeguarding lead",
                username="school.dsl" if school is first_school else None,
                female_share=0.7,
            )
        self.voluntary_workers = [
            user(P, org, None, title)
            for org, title in zip(self.voluntary, ["Family support worker", "Young carers worker"], strict=False)
        ]
        # A user administrator (makes accounts, resets passwords and authenticator apps), named from
        # its own random stream so that no other name in the demo changed when it was added.
        first, last = self.staff_name(random.Random(f"{self.seed}:user-admin"))
        users.append(
            User(
                username="user.admin",
                first_name=first,
                last_name=last,
                email=f"user.admin@{EMAIL_DOMAIN}",
                password=password,
                role=R.USER_ADMINISTRATOR,
                agency=la,
                team=performance,
                job_title="User administrator",
            )
        )
        # The authority's education team (issue 22): an education welfare officer, named from its
        # own random stream like the user administrator, so that no other name changed.
        education = team(la, "Education", "education")
        self.members["education"] = [(education, [])]
        first, last = self.staff_name(random.Random(f"{self.seed}:education-officer"))
        officer = User(
            username="education.officer",
            first_name=first,
            last_name=last,
            email=f"education.officer@{EMAIL_DOMAIN}",
            password=password,
            role=R.EDUCATION_WELFARE_OFFICER,
            agency=la,
            team=education,
            job_title="Education welfare officer",
        )
        users.append(officer)
        self.members["education"][0][1].append(officer)
        # The exploitation team (issue 21: a team whose function is "exploitation" sees all the
        # intelligence, exploitation.networks.selectors.clearance): a social worker, the demo
        # account, and its manager, named from their own random stream so that no other name changed.
        exploitation = team(la, "Exploitation and missing team", "exploitation")
        self.members["exploitation"] = [(exploitation, [])]
        names = random.Random(f"{self.seed}:exploitation-team")
        for username, role, title in (
            ("exploitation.worker", R.SOCIAL_WORKER, "Exploitation social worker"),
            ("exploitation.manager", R.TEAM_MANAGER, "Exploitation and missing team manager"),
        ):
            first, last = self.staff_name(names)
            made = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{EMAIL_DOMAIN}",
                password=password,
                role=role,
                agency=la,
                team=exploitation,
                job_title=title,
            )
            users.append(made)
            self.members["exploitation"][0][1].append(made)
        # The safeguarding partnership's business unit and its independent scrutineer (issue 23),
        # named from their own random stream, so that no other name changed.
        business_unit = team(la, "Safeguarding partnership business unit", "partnership")
        names = random.Random(f"{self.seed}:partnership")
        for username, role, unit, title in (
            ("partnership.officer", R.PARTNERSHIP_OFFICER, business_unit, "Partnership business manager"),
            ("scrutineer", R.SCRUTINEER, None, "Independent scrutineer"),
        ):
            first, last = self.staff_name(names)
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{EMAIL_DOMAIN}",
                    password=password,
                    role=role,
                    agency=la,
                    team=unit,
                    job_title=title,
                )
            )
        # The three lead safeguarding partners (or their delegates), each of their own agency,
        # who approve the partnership's yearly report; named from their own random stream.
        names = random.Random(f"{self.seed}:lead-partners")
        for username, agency_of, title in (
            ("lead.partner", la, "Director of children's services (lead safeguarding partner)"),
            ("icb.lead", self.icb, "Chief nurse (delegated safeguarding partner of the ICB)"),
            ("police.lead", self.police, "Assistant chief constable (delegated safeguarding partner)"),
        ):
            first, last = self.staff_name(names)
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{EMAIL_DOMAIN}",
                    password=password,
                    role=R.LEAD_PARTNER,
                    agency=agency_of,
                    team=None,
                    job_title=title,
                )
            )

        Team.objects.bulk_create(teams)
        # Teams now have ids; users point at them.
        for made in users:
            made.team_id = made.team.pk if made.team is not None else None
            made.agency_id = made.agency.pk
        User.objects.bulk_create(users, batch_size=500)
        self.staff = users
        self.count("teams", len(teams))
        self.count("users", len(users))

    def worker(self, rng, function):
        team, workers = rng.choice(self.members[function])
        return team, rng.choice(workers)

    # --- Families ----------------------------------------------------------------------------

    def person(
        self,
        batch,
        kind,
        given,
        family,
        dob,
        sex,
        ethnicity="",
        language="",
        religion="",
        *,
        estimated=False,
        expected=None,
        interpreter=False,
    ):
        made = Someone(kind, given, family, dob, sex, ethnicity, language, religion, estimated, expected, interpreter)
        batch.persons.append(made)
        return made

    def adult(self, batch, rng, pool, sex, dob, family, *, elder=False, given=None):
        names = pool.elder[sex] if elder else pool.adult[sex]
        given = given or names.pick(rng)
        if rng.random() < 0.3:
            middle = names.pick(rng)
            if middle != given:
                given = f"{given} {middle}"
        if pool.middle_by_sex and rng.random() < pool.middle_by_sex["p"]:
            given = f"{given} {pool.middle_by_sex[sex]}"
        language = pool.languages.pick(rng)
        ethnicity = pool.ethnicity
        roll = rng.random()
        if roll < 0.015:
            ethnicity = "NOBT"
        elif roll < 0.02:
            ethnicity = "REFU"
        religion = pool.religions.pick(rng) if rng.random() < 0.8 else ""
        interpreter = language not in ("eng", "und") and rng.random() < (0.8 if language == "bfi" else 0.35)
        made = self.person(
            batch, Person.Kind.ADULT, given, family, dob, sex, ethnicity, language, religion, interpreter=interpreter
        )
        made.pool_ = pool
        if rng.random() < (0.85 if pool.foreign else 0.92):
            self.add_nhs(batch, made, dob + dt.timedelta(days=rng.randint(0, 20)))
        if rng.random() < 0.06:
            codes = {self.adult_disability_codes.pick(rng)}
            batch.disabilities.extend((made, code) for code in sorted(codes))
        if rng.random() < 0.03:  # an alias: a nickname, or a former partner's family name
            first = given.split()[0]
            nickname = self.nicknames.get(first)
            if nickname:
                made.names_.append((PersonName.Type.ALIAS, nickname, family, None, None))
            else:
                made.names_.append(
                    (PersonName.Type.ALIAS, given, gendered(pool.rule, pool.surnames.pick(rng), sex), None, None)
                )
        return made

    def add_nhs(self, batch, person, valid_from):
        batch.identifiers.append((person, Identifier.Type.NHS, nhs_number(self.nhs_index), valid_from, None))
        self.nhs_index += 1

    def child_ages(self, rng, count):
        """Ages in days, oldest first: siblings 11 months to 6 years apart (twins aside), the
        group placed anywhere from 0 to 17 so that each age is about as common as another."""
        gaps = [0 if rng.random() < 0.02 else rng.randint(330, 2400) for _ in range(count - 1)]
        span = sum(gaps)
        limit = self.max_child_days
        if span > limit:
            gaps = [gap * limit // span for gap in gaps]
            span = sum(gaps)
        ages = [rng.randint(0, limit - span)]
        for gap in gaps:
            ages.append(ages[-1] + gap)
        ages.reverse()
        return ages

    def family(self, batch, rng, remaining):  # noqa: C901
        """One household; returns how many children it has."""
        structure = self.structures.pick(rng)
        if structure == "uasc":
            self.uasc(batch, rng)
            return 1
        today = self.today
        heritage = self.heritages.pick(rng)
        mpool, fpool = self.pools[heritage["mother"]], self.pools[heritage["father"]]
        count = min(self.child_counts.pick(rng), remaining)
        with_unborn = structure not in ("kinship", "lone_father") and rng.random() < 0.03
        ages = self.child_ages(rng, count)
        dates = []
        for i, age in enumerate(ages):
            if with_unborn and i == count - 1:
                dates.append((None, today + dt.timedelta(days=rng.randint(14, 250))))
            else:
                dates.append((today - dt.timedelta(days=age), None))
        first_born = dates[0][0] or dates[0][1]
        mother_age = min(44.0, max(16.0, rng.gauss(28.5, 5.8)))
        mother_dob = min(first_born - dt.timedelta(days=int(mother_age * 365.25)), add_years(today, -18) - DAY)
        father_dob = min(
            mother_dob - dt.timedelta(days=int(min(15.0, max(-6.0, rng.gauss(2.5, 3.5))) * 365.25)),
            add_years(today, -18) - DAY,
        )

        # Who is in the family, and who lives in the household.
        married = rng.random() < fpool.married
        mother_recorded = True
        father_recorded = True
        mother_home = father_home = True
        step = None
        grandparents = []
        if structure == "lone_mother":
            married = rng.random() < fpool.married * 0.4
            father_recorded = rng.random() < 0.55
            father_home = False
        elif structure == "lone_father":
            married = rng.random() < fpool.married * 0.4
            mother_recorded = rng.random() < 0.7
            mother_home = False
        elif structure == "stepfamily":
            married = rng.random() < fpool.married * 0.4
            father_recorded = rng.random() < 0.6
            father_home = False
        elif structure == "kinship":
            mother_recorded = rng.random() < 0.85
            father_recorded = rng.random() < 0.35
            mother_home = father_home = False
        registered = married or rng.random() < 0.85

        # Family names (base = the masculine form).
        father_base = fpool.surnames.pick(rng)
        mother_base = mpool.surnames.pick(rng)
        father_given = fpool.adult["M"].pick(rng)

        mother = father = None
        if father_recorded:
            father = self.adult(batch, rng, fpool, "M", father_dob, father_base, given=father_given)
        if mother_recorded:
            birth_family = gendered(mpool.rule, mother_base, "F")
            family = birth_family
            if married and fpool.rule != "patronymic" and mpool.rule != "patronymic":
                roll = rng.random()
                if roll < 0.85:
                    family = gendered(fpool.rule, father_base, "F")
                elif roll < 0.9:
                    family = f"{birth_family}-{gendered(fpool.rule, father_base, 'F')}"
            if mpool.female_surnames and rng.random() < mpool.female_surnames[1]:
                family = mpool.female_surnames[0].pick(rng)
            mother = self.adult(batch, rng, mpool, "F", mother_dob, family)
            if family != birth_family:
                wedding = between(rng, add_years(mother_dob, 18), min(first_born, today))
                mother.names_[0] = (PersonName.Type.CURRENT, mother.given_names, family, wedding, None)
                mother.names_.append(
                    (PersonName.Type.BIRTH, mother.given_names, birth_family, mother_dob, wedding - DAY)
                )

        # Children.
        def surname_for(sex, source):
            if source == "father":
                if fpool.rule == "patronymic":
                    return father_given
                return gendered(fpool.rule, father_base, sex)
            if source == "mother":
                if mpool.rule == "patronymic":
                    return mother_base
                return gendered(mpool.rule, mother_base, sex)
            return f"{gendered(mpool.rule, mother_base, sex)}-{gendered(fpool.rule, father_base, sex)}"

        if married or structure == "lone_father":
            source = "father"
        elif structure == "lone_mother":
            source = "father" if father_recorded and registered and rng.random() < 0.45 else "mother"
        else:
            roll = rng.random()
            source = "father" if roll < 0.6 else "mother" if roll < 0.9 else "double"
        if fpool.rule == "patronymic" and source == "double":
            source = "father"

        step_children = 0
        if structure == "stepfamily" and count >= 2 and rng.random() < 0.5:
            step_children = 1
        kids = []
        for i, (dob, expected) in enumerate(dates):
            child_pool = self.pools[rng.choice(heritage["child"])]
            own_step = step_children and i >= count - step_children
            kids.append(
                self.child(
                    batch,
                    rng,
                    child_pool,
                    heritage["ethnicity"],
                    dob,
                    expected,
                    surname_for,
                    "step" if own_step else source,
                    mother,
                )
            )
        born = [k for k in kids if k.date_of_birth]
        youngest_bio = [k for k in kids[: count - step_children]]

        if structure == "stepfamily":
            spool = self.pools[rng.choice([heritage["father"], "wb"])]
            last_bio = youngest_bio[-1].date_of_birth or today
            if step_children:
                own = kids[-1]
                own_date = own.date_of_birth or own.expected_date_of_birth
                step_start = between(rng, last_bio + 30 * DAY, min(own_date - 300 * DAY, today - 30 * DAY))
            else:
                step_start = between(rng, last_bio + 30 * DAY, today - 30 * DAY)
            step_start = min(step_start, today - DAY)
            step_dob = min(mother_dob - dt.timedelta(days=rng.randint(-5 * 365, 8 * 365)), add_years(today, -18) - DAY)
            step_base = spool.surnames.pick(rng)
            step = self.adult(batch, rng, spool, "M", step_dob, step_base)
            step.pool_ = spool
            if step_children:
                own = kids[-1]
                surname = (
                    step.given_names.split()[0]
                    if spool.rule == "patronymic"
                    else gendered(spool.rule, step_base, own.sex)
                )
                own.family_name = surname
                own.names_[0] = (PersonName.Type.CURRENT, own.given_names, surname, own.date_of_birth, None)
        else:
            step_start = None

        if structure in ("kinship", "three_generations"):
            maternal = rng.random() < 0.7 or not father_recorded
            gpool = mpool if maternal else fpool
            gbase = mother_base if maternal else father_base
            parent_dob = mother_dob if maternal else father_dob
            grandmother_dob = min(
                parent_dob - dt.timedelta(days=int(rng.uniform(18, 38) * 365.25)), add_years(today, -34)
            )
            grandparents.append(
                self.adult(batch, rng, gpool, "F", grandmother_dob, gendered(gpool.rule, gbase, "F"), elder=True)
            )
            if structure == "kinship" and rng.random() < 0.45:
                grandfather_dob = grandmother_dob - dt.timedelta(days=rng.randint(-3 * 365, 6 * 365))
                grandparents.append(self.adult(batch, rng, gpool, "M", grandfather_dob, gbase, elder=True))
            side = "Maternal" if maternal else "Paternal"
            parent = mother if maternal else father
        else:
            side = parent = None

        # Where they live: the household's addresses over time.
        household = [p for p in (mother if mother_home else None, father if father_home else None) if p]
        start = between(rng, first_born - 3 * 365 * DAY, first_born)
        start = max(start, add_years(mother_dob, 17))
        start = min(start, today - 60 * DAY)
        if structure == "kinship":
            kin_start = between(
                rng, (born[-1].date_of_birth if born else today - 60 * DAY) + 30 * DAY, today - 20 * DAY
            )
            kin_start = min(kin_start, today - DAY)
            periods = [(start, kin_start - DAY)]
            if mother:
                household = [mother]
        else:
            kin_start = None
            moves = sorted({between(rng, start + DAY, today - 30 * DAY) for _ in range(self.previous_moves.pick(rng))})
            periods = []
            edges = [start] + moves
            for i, begin in enumerate(edges):
                end = edges[i + 1] - DAY if i + 1 < len(edges) else None
                periods.append((begin, end))
        confidential = structure != "kinship" and rng.random() < 0.02
        home_indexes = {}  # person id() -> index of their current home in batch.homes
        for number, (begin, end) in enumerate(periods):
            address = self.new_address(batch)
            secret = confidential and end is None
            for member in household + kids:
                joined = member.date_of_birth if member.kind == Person.Kind.CHILD else begin
                if member.kind == Person.Kind.CHILD and joined is None:
                    continue  # unborn
                moved_in = max(begin, joined)
                if end is not None and moved_in > end:
                    continue
                self.home(batch, member, address, moved_in, end, secret, chronicle=number > 0 and moved_in == begin)
                if end is None:
                    home_indexes[id(member)] = len(batch.homes) - 1
            if step is not None and (end is None or end >= step_start):
                moved_in = max(begin, step_start)
                self.home(batch, step, address, moved_in, end, secret, chronicle=False)
        if structure == "kinship":
            address = self.new_address(batch)
            for g in grandparents:
                self.home(
                    batch,
                    g,
                    address,
                    today - dt.timedelta(days=rng.randint(5 * 365, 30 * 365)),
                    None,
                    False,
                    chronicle=False,
                )
            for kid in kids:
                if kid.date_of_birth:
                    self.home(
                        batch,
                        kid,
                        address,
                        max(kin_start, kid.date_of_birth),
                        None,
                        False,
                        chronicle=True,
                        title="Moved to live with grandparents",
                    )
            if mother:
                self.home(batch, mother, self.new_address(batch), kin_start, None, False, chronicle=False)
        elif grandparents:
            current = periods[-1]
            address = batch.homes[home_indexes[id(household[0] if household else kids[0])]][1] if home_indexes else None
            if address is not None:
                for g in grandparents:
                    self.home(batch, g, address, between(rng, current[0], today - DAY), None, False, chronicle=False)
        for absent in (father if father and not father_home else None, mother if mother and not mother_home else None):
            if absent is not None:
                self.home(
                    batch,
                    absent,
                    self.new_address(batch),
                    today - dt.timedelta(days=rng.randint(30, 3000)),
                    None,
                    False,
                    chronicle=False,
                )
        if confidential:
            members = household + kids + ([step] if step else [])
            for member in members:
                if member.kind == Person.Kind.CHILD and member.date_of_birth is None:
                    continue
                batch.alerts.append(
                    (
                        member,
                        PersonAlert.Kind.DO_NOT_DISCLOSE,
                        "Do not disclose the address: the family moved to get away from domestic abuse",
                        periods[-1][0],
                        None,
                    )
                )

        # Relationships and parental responsibility.
        bio_father = father
        for kid in kids:
            own_step = step is not None and step_children and kid is kids[-1]
            dob = kid.date_of_birth
            if mother:
                self.relate(batch, kid, mother, Relationship.Type.PARENT, "Birth mother", dob)
                if dob:
                    batch.pr.append((kid, mother, ParentalResponsibility.Basis.BIRTH_MOTHER, dob, None))
            dad = step if own_step else bio_father
            if dad is not None:
                self.relate(batch, kid, dad, Relationship.Type.PARENT, "Birth father", dob)
                if dob and (married and not own_step):
                    batch.pr.append((kid, dad, ParentalResponsibility.Basis.MARRIED_FATHER, dob, None))
                elif dob and (registered or own_step):
                    batch.pr.append((kid, dad, ParentalResponsibility.Basis.REGISTERED_PARENT, dob, None))
            if step is not None and not own_step:
                self.relate(batch, kid, step, Relationship.Type.STEP_PARENT, "Step-father", step_start)
                if dob and rng.random() < 0.05:
                    agreed = min(step_start + 365 * DAY, today - DAY)
                    batch.pr.append((kid, step, ParentalResponsibility.Basis.AGREEMENT, agreed, None))
            for g in grandparents:
                word = "grandmother" if g.sex == "F" else "grandfather"
                self.relate(batch, kid, g, Relationship.Type.GRANDPARENT, f"{side} {word}", dob)
            if structure == "kinship" and dob and grandparents and kin_start + 60 * DAY < today:
                roll = rng.random()
                order_date = between(rng, kin_start + 60 * DAY, min(kin_start + 400 * DAY, today - DAY))
                if roll < 0.5:
                    for g in grandparents:
                        batch.pr.append((kid, g, ParentalResponsibility.Basis.SPECIAL_GUARDIANSHIP, order_date, None))
                    batch.chronology.append(
                        (
                            kid,
                            "court-event",
                            at(rng, order_date, 10, 16),
                            "Special guardianship order made",
                            "",
                            None,
                            None,
                        )
                    )
                elif roll < 0.75:
                    for g in grandparents:
                        batch.pr.append((kid, g, ParentalResponsibility.Basis.CHILD_ARRANGEMENTS, order_date, None))
                    batch.chronology.append(
                        (
                            kid,
                            "court-event",
                            at(rng, order_date, 10, 16),
                            "Child arrangements order made (lives with grandparents)",
                            "",
                            None,
                            None,
                        )
                    )
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                same_father = (step_children == 0) or (kids[i] is not kids[-1] and kids[j] is not kids[-1])
                if same_father:
                    self.relate(
                        batch, kids[j], kids[i], Relationship.Type.SIBLING, "Full sibling", kids[j].date_of_birth
                    )
                else:
                    self.relate(
                        batch,
                        kids[j],
                        kids[i],
                        Relationship.Type.HALF_SIBLING,
                        "Half-sibling (same mother)",
                        kids[j].date_of_birth,
                    )
        if mother and father and mother_home and father_home:
            self.relate(batch, mother, father, Relationship.Type.HOUSEHOLD_MEMBER, "Partner", start)
        if mother and step:
            self.relate(batch, mother, step, Relationship.Type.HOUSEHOLD_MEMBER, "Partner", step_start)
        if parent is not None and grandparents:
            for g in grandparents:
                self.relate(
                    batch,
                    parent,
                    g,
                    Relationship.Type.PARENT,
                    "Mother" if g.sex == "F" else "Father",
                    parent.date_of_birth,
                )
        if len(grandparents) == 2:
            self.relate(batch, grandparents[0], grandparents[1], Relationship.Type.HOUSEHOLD_MEMBER, "Partner", None)

        # Family events in each child's chronology.
        if structure == "lone_mother" and father_recorded and born:
            split = between(rng, born[-1].date_of_birth, today - DAY)
            for kid in born:
                if kid.date_of_birth <= split:
                    batch.chronology.append(
                        (
                            kid,
                            "family-event",
                            at(rng, split),
                            "Parents separated",
                            "Father moved out of the family home",
                            None,
                            None,
                        )
                    )
        if step is not None:
            for kid in born:
                if kid.date_of_birth <= step_start and not (step_children and kid is kids[-1]):
                    batch.chronology.append(
                        (
                            kid,
                            "family-event",
                            at(rng, step_start),
                            "Mother's partner moved into the home",
                            "",
                            None,
                            None,
                        )
                    )
        if rng.random() < 0.02 and born:
            when = between(rng, born[0].date_of_birth, today - DAY)
            for kid in born:
                if kid.date_of_birth <= when:
                    batch.chronology.append(
                        (kid, "significant-event", at(rng, when), "Death of a grandparent", "", None, None)
                    )

        state = self.services.pick(rng)
        adults = [p for p in (mother, father, step, *grandparents) if p is not None]
        anchor = self.services_for(batch, rng, state, kids, adults, structure, step or father)
        if structure == "kinship":
            home_adults = [(g, "Grandmother" if g.sex == "F" else "Grandfather") for g in grandparents]
        else:
            home_adults = [
                (p, label)
                for p, label in (
                    (mother if mother_home else None, "Mother"),
                    (father if father_home else None, "Father"),
                    (step, "Mother's partner"),
                )
                if p is not None
            ]
            home_adults += [(g, "Grandmother" if g.sex == "F" else "Grandfather") for g in grandparents]
        man = next((p for p, label in home_adults if p is step or p is father), None)
        self.front_door.family(batch, self.contact_rng, anchor["state"], kids, home_adults, man, anchor)
        return count

    def child(self, batch, rng, pool, ethnicity, dob, expected, surname_for, source, mother):
        if dob is None:
            sex = "U" if rng.random() < 0.85 else rng.choice("MF")
        else:
            roll = rng.random()
            sex = "F" if roll < 0.493 else "M" if roll < 0.995 else "U"
        name_sex = sex if sex in "MF" else rng.choice("MF")
        if source == "step":
            family = surname_for(name_sex, "mother")  # replaced by the step-father's family name
        else:
            family = surname_for(name_sex, source)
        if dob is None:
            given = "Unborn"
            language = religion = ""
        else:
            given = pool.child[name_sex].pick(rng)
            roll = rng.random()
            if roll < 0.5:
                middle = pool.child[name_sex].pick(rng)
                if middle != given:
                    given = f"{given} {middle}"
            if pool.middle_by_sex and rng.random() < pool.middle_by_sex["p"]:
                given = f"{given} {pool.middle_by_sex[name_sex]}"
            language = "eng" if rng.random() < pool.child_english else pool.languages.pick(rng)
            religion = (mother.religion if mother is not None else "") if rng.random() < 0.6 else ""
        if dob is not None and rng.random() < 0.01:
            ethnicity = "NOBT"
        kid = self.person(
            batch,
            Person.Kind.CHILD,
            given,
            family,
            dob,
            sex,
            ethnicity,
            language,
            religion,
            expected=expected,
            estimated=dob is not None and rng.random() < 0.003,
        )
        kid.pool_ = pool
        self.child_identifiers(batch, rng, kid)
        if dob is not None:
            roll = rng.random()
            if roll < 0.05:
                codes = {self.disability_codes.pick(rng)}
                if roll < 0.012:
                    codes.add(self.disability_codes.pick(rng))
                batch.disabilities.extend((kid, code) for code in sorted(codes))
                kid.disabled_ = True
            if rng.random() < 0.02:  # a previous family name (before a change of name)
                old = gendered(pool.rule, pool.surnames.pick(rng), name_sex)
                if old != family:
                    changed = between(rng, dob, self.today - DAY)
                    kid.names_[0] = (PersonName.Type.CURRENT, given, family, changed, None)
                    kid.names_.append((PersonName.Type.PREVIOUS, given, old, dob, changed - DAY))
            if rng.random() < 0.01:
                batch.alerts.append(
                    (
                        kid,
                        PersonAlert.Kind.MEDICAL,
                        rng.choice(
                            [
                                "Severe peanut allergy: carries an adrenaline auto-injector",
                                "Type 1 diabetes: insulin pump",
                                "Epilepsy: emergency medication (buccal midazolam) kept at home and school",
                                "Asthma: uses a reliever inhaler",
                                "Sickle cell disease: seek medical advice quickly if unwell",
                            ]
                        ),
                        between(rng, dob, self.today),
                        None,
                    )
                )
        return kid

    def child_identifiers(self, batch, rng, kid):
        today = self.today
        dob = kid.date_of_birth
        batch.ci.append((kid, dob or today - dt.timedelta(days=rng.randint(0, 120))))
        self.child_index += 1
        if dob is None:
            return
        if rng.random() < 0.98:
            self.add_nhs(batch, kid, dob + dt.timedelta(days=rng.randint(0, 10)))
        age_sept = age_on(dob, dt.date(self.academic_year, 8, 31))
        if age_sept >= 4 and rng.random() < 0.97:
            started = dt.date(self.academic_year - (age_sept - 4), 9, 1)
            batch.identifiers.append((kid, Identifier.Type.UPN, upn(self.upn_index, started.year), started, None))
            if rng.random() < 0.005:
                batch.identifiers.append(
                    (
                        kid,
                        Identifier.Type.FORMER_UPN,
                        temporary_upn(self.upn_index, started.year),
                        started,
                        started + 90 * DAY,
                    )
                )
            self.upn_index += 1

    def uasc(self, batch, rng):
        """An unaccompanied asylum-seeking child: estimated date of birth, looked after, no family here."""
        today = self.today
        pool = self.pools[self.uasc_pools.pick(rng)]
        sex = "M" if rng.random() < 0.9 else "F"
        arrived = today - dt.timedelta(days=rng.randint(10, 700))
        age_at_arrival = rng.randint(14, 17)
        dob = dt.date(arrived.year - age_at_arrival, rng.choice((1, 1, 1, 7)), 1)
        if age_on(dob, today) >= 18:
            dob = dt.date(add_years(today, -17).year, 1, 1)
        given = pool.child[sex].pick(rng)
        family = (
            pool.adult["M"].pick(rng)
            if pool.rule == "patronymic"
            else gendered(pool.rule, pool.surnames.pick(rng), sex)
        )
        kid = self.person(
            batch,
            Person.Kind.CHILD,
            given,
            family,
            dob,
            sex,
            pool.ethnicity,
            pool.languages.pick(rng),
            pool.religions.pick(rng),
            estimated=True,
            interpreter=True,
        )
        kid.pool_ = pool
        batch.ci.append((kid, arrived))
        self.child_index += 1
        if rng.random() < 0.6:
            self.add_nhs(batch, kid, arrived + dt.timedelta(days=rng.randint(20, 60)))
        if rng.random() < 0.1:  # also known by another spelling
            spelling = pool.child[sex].pick(rng)
            kid.names_.append((PersonName.Type.ALIAS, spelling, family, None, None))
        address = self.new_address(batch)
        self.home(
            batch,
            kid,
            address,
            arrived,
            None,
            True,
            kind=PersonAddress.Kind.PLACEMENT,
            chronicle=True,
            title="Placed in supported accommodation (address confidential)",
        )
        team, worker = self.worker(rng, "children in care")
        batch.involvements.append((kid, self.la, team, worker, "looked after", arrived, None))
        iro_team, iro = self.worker(rng, "IRO")
        batch.involvements.append(
            (
                kid,
                self.la,
                iro_team,
                iro,
                care_planning.IRO_INVOLVEMENT,
                arrived + 20 * DAY if arrived + 20 * DAY <= today else today,
                None,
            )
        )
        batch.chronology.append(
            (
                kid,
                "significant-event",
                at(rng, arrived),
                "Arrived in the UK as an unaccompanied asylum-seeking child",
                "Age assessed; date of birth estimated",
                self.police,
                None,
            )
        )
        self.la_child_id(batch, kid, arrived)

    def home(
        self,
        batch,
        person,
        address,
        moved_in,
        moved_out,
        confidential,
        *,
        kind=PersonAddress.Kind.HOME,
        chronicle=False,
        title=None,
    ):
        row = [person, address, kind, moved_in, moved_out, confidential]
        batch.homes.append(row)
        if kind == PersonAddress.Kind.HOME and moved_out is None:
            person.home_ = row
        if chronicle and person.kind == Person.Kind.CHILD:
            if title is None:
                title = "Moved address (address confidential)" if confidential else "Moved address"
            when = dt.datetime(moved_in.year, moved_in.month, moved_in.day, 9, tzinfo=LONDON)
            batch.chronology.append((person, "moved-address", when, title, "", None, len(batch.homes) - 1))

    def relate(self, batch, person, related, relationship, description, valid_from):
        batch.relationships.append((person, related, relationship, description, valid_from, None))

    def la_child_id(self, batch, kid, valid_from):
        if not kid.lacid_:
            kid.lacid_ = True
            self.lacid_index += 1
            batch.identifiers.append(
                (kid, Identifier.Type.LA_CHILD_ID, f"{1_000_000 + self.lacid_index}", valid_from, None)
            )

    # --- Services, partners and the chronology -----------------------------------------------

    def services_for(self, batch, rng, state, kids, adults, structure, man):  # noqa: C901
        today = self.today
        la = self.la
        born = [k for k in kids if k.date_of_birth]
        oldest = kids[0].date_of_birth or today - 200 * DAY

        def involve(kid, function, kind, start, end=None, team_worker=None):
            team, worker = team_worker or self.worker(rng, function)
            start = max(start, kid.date_of_birth or start)
            if end is not None and end < start:
                end = start
            batch.involvements.append((kid, la, team, worker, kind, start, end))
            self.la_child_id(batch, kid, start)

        def involve_all(function, kind, start, end=None, children=None):
            tw = self.worker(rng, function)
            for kid in children if children is not None else kids:
                if kid.date_of_birth is None or kid.date_of_birth <= (end or today):
                    involve(kid, function, kind, start, end, tw)

        if state == "lac" and not born:
            state = "cp"  # a pre-birth child protection plan
        if state == "care_leaver" and not any(k.date_of_birth and age_on(k.date_of_birth, today) >= 16 for k in kids):
            state = "lac"
        anchor = {"state": state}
        if state == "past":
            start = between(rng, max(oldest, today - 8 * 365 * DAY), today - 120 * DAY)
            involve_all("assessment", "assessment", start, start + dt.timedelta(days=rng.randint(20, 60)))
        elif state == "mash":
            pass  # a contact now with the front door: demo.frontdoor makes it, and its involvement
        elif state == "assessment":
            start = today - dt.timedelta(days=rng.randint(1, 44))
            anchor["assessment_start"] = start  # demo.frontdoor makes the referral before it
            involve_all("assessment", "assessment", start)
        elif state == "family_help":
            involve_all("family help", "family help", today - dt.timedelta(days=rng.randint(14, 400)))
        elif state in ("cin", "cp"):
            start = today - dt.timedelta(days=rng.randint(30, 700))
            assessed = start - dt.timedelta(days=rng.randint(20, 45))
            involve_all("assessment", "assessment", assessed, start - DAY)
            if state == "cin":
                involve_all("child in need", "child in need", start)
            else:
                involve_all("child protection", "child protection plan", start)
                involve_all("conference chairs", "child protection conference chair", start)
        elif state == "lac":
            children = [k for k in born] or kids
            if len(children) > 1 and rng.random() < 0.3:
                children = [rng.choice(children)]
            latest_born = max(k.date_of_birth or today for k in children)
            start = between(rng, max(latest_born, today - 6 * 365 * DAY), today - 20 * DAY)
            start = min(max(start, latest_born), today)
            involve_all(
                "assessment", "assessment", start - dt.timedelta(days=rng.randint(20, 60)), start - DAY, children
            )
            involve_all("children in care", "looked after", start, None, children)
            involve_all("IRO", care_planning.IRO_INVOLVEMENT, min(start + 20 * DAY, today), None, children)
            placement = self.new_address(batch)
            for kid in children:
                if kid.date_of_birth is None:
                    continue
                row = kid.home_
                if row is not None and row[4] is None:
                    row[4] = max(row[3], start - DAY)
                place = placement if rng.random() < 0.6 else self.new_address(batch)
                self.home(
                    batch,
                    kid,
                    place,
                    start,
                    None,
                    rng.random() < 0.5,
                    kind=PersonAddress.Kind.PLACEMENT,
                    chronicle=True,
                    title="Placed with foster carers",
                )
                batch.chronology.append(
                    (kid, "court-event", at(rng, start, 10, 16), "Interim care order made", "", None, None)
                )
                if start < today - 200 * DAY:
                    final = start + dt.timedelta(days=rng.randint(150, 200))
                    batch.chronology.append(
                        (kid, "court-event", at(rng, final, 10, 16), "Care order made", "", None, None)
                    )
        elif state == "care_leaver":
            for kid in kids:
                if kid.date_of_birth and age_on(kid.date_of_birth, today) >= 16:
                    start = today - dt.timedelta(days=rng.randint(30, 600))
                    start = max(start, add_years(kid.date_of_birth, 16))
                    cared = start - dt.timedelta(days=rng.randint(365, 3000))
                    involve(kid, "children in care", "looked after", cared, start - DAY)
                    involve(kid, "care leavers", "care leaver (relevant child)", start)

        # Police: domestic abuse incidents, more often where children's services are involved.
        rate = {
            "none": 0.02,
            "past": 0.15,
            "mash": 0.4,
            "assessment": 0.3,
            "family_help": 0.15,
            "cin": 0.25,
            "cp": 0.6,
            "lac": 0.4,
            "care_leaver": 0.2,
        }[state]
        if born and rng.random() < rate:
            for _ in range(rng.randint(1, 3)):
                when = between(rng, max(born[-1].date_of_birth, today - 4 * 365 * DAY), today - DAY)
                for kid in born:
                    if kid.date_of_birth <= when:
                        batch.chronology.append(
                            (
                                kid,
                                "police-event",
                                at(rng, when, 0, 23),
                                "Domestic abuse incident at the home; the children were present",
                                "Police attended. Notification shared with the front door.",
                                self.police,
                                None,
                            )
                        )
                        end = when + dt.timedelta(days=rng.randint(14, 60))
                        batch.involvements.append(
                            (kid, self.police, None, None, "police", when, end if end < today else None)
                        )
                if man is not None:
                    batch.chronology.append(
                        (
                            man,
                            "police-event",
                            at(rng, when, 0, 23),
                            "Arrested after a domestic abuse incident",
                            "",
                            self.police,
                            None,
                        )
                    )
            if man is not None and rng.random() < 0.15:
                batch.alerts.append(
                    (
                        man,
                        PersonAlert.Kind.RISK_TO_STAFF,
                        "Aggressive towards staff at a home visit: visit in pairs",
                        today - dt.timedelta(days=rng.randint(10, 900)),
                        None,
                    )
                )
        if man is not None and state in ("cp", "lac") and rng.random() < 0.05:
            batch.alerts.append(
                (
                    man,
                    PersonAlert.Kind.RISK_TO_CHILDREN,
                    "Person posing a risk to children: see the police information",
                    today - dt.timedelta(days=rng.randint(30, 2000)),
                    None,
                )
            )
        for adult in adults:
            if rng.random() < 0.004:
                batch.alerts.append(
                    (
                        adult,
                        PersonAlert.Kind.OTHER,
                        f"Needs an interpreter ({adult.first_language}) for visits and meetings"
                        if adult.interpreter_needed
                        else "Prefers contact by text message",
                        today - dt.timedelta(days=rng.randint(10, 2000)),
                        None,
                    )
                )

        # Each child: birth, health, school.
        primary = self.pick_school(rng, self.primaries, self.all_primaries)
        secondary = self.pick_school(rng, self.secondaries, self.all_secondaries)
        for kid in kids:
            self.child_events(batch, rng, kid, state, primary, secondary)
        return anchor

    def pick_school(self, rng, by_locality, everywhere):
        locality = rng.randrange(len(self.localities))
        options = by_locality.get(locality) or everywhere
        return rng.choice(options) if options else None

    def child_events(self, batch, rng, kid, state, primary, secondary):  # noqa: C901
        today = self.today
        dob = kid.date_of_birth
        if dob is None:
            booked = kid.expected_date_of_birth - dt.timedelta(days=rng.randint(190, 215))
            if booked <= today:
                batch.chronology.append(
                    (
                        kid,
                        "health-event",
                        at(rng, booked),
                        "Antenatal booking appointment",
                        f"Expected date of delivery {kid.expected_date_of_birth:%d/%m/%Y}",
                        self.hospital,
                        None,
                    )
                )
            return
        if kid.date_of_birth_estimated:
            pass  # born abroad: no birth entry
        elif rng.random() < 0.95:
            weight = min(5.0, max(1.2, rng.gauss(3.4, 0.5)))
            batch.chronology.append(
                (
                    kid,
                    "birth",
                    at(rng, dob, 0, 23),
                    "Born",
                    f"Born at {self.places['hospital']}, weighing {weight:.1f} kg",
                    self.hospital,
                    None,
                )
            )
        else:
            batch.chronology.append((kid, "birth", at(rng, dob, 0, 23), "Born", "Home birth", None, None))
        age_days = (today - dob).days
        visit = dob + dt.timedelta(days=rng.randint(10, 14))
        if visit <= today:
            batch.chronology.append(
                (kid, "health-event", at(rng, visit), "New birth visit by the health visitor", "", self.community, None)
            )
        if age_days < 5 * 365:
            team, worker = self.worker(rng, "health visiting")
            batch.involvements.append((kid, self.community, team, worker, "health visiting", min(visit, today), None))
        if age_days > 2 * 365 + 180 and rng.random() < 0.7:
            review = dob + dt.timedelta(days=730 + rng.randint(0, 90))
            batch.chronology.append(
                (
                    kid,
                    "health-event",
                    at(rng, review),
                    "Two-year development review",
                    rng.choice(
                        [
                            "Development on track",
                            "Speech and language delay noted; referred",
                            "Development on track; dental check advised",
                        ]
                    ),
                    self.community,
                    None,
                )
            )
        if rng.random() < 0.1:
            when = between(rng, dob, today - DAY)
            batch.chronology.append(
                (
                    kid,
                    "health-event",
                    at(rng, when, 0, 23),
                    "Attended the emergency department",
                    rng.choice(
                        [
                            "Head injury after a fall at home",
                            "Burn to the hand",
                            "Broken arm after a fall from a trampoline",
                            "Suspected swallowing of medication",
                            "Asthma attack",
                            "High fever",
                        ]
                    ),
                    self.hospital,
                    None,
                )
            )
        age_sept = age_on(dob, dt.date(self.academic_year, 8, 31))
        if age_sept >= 8 and rng.random() < 0.03:
            start = between(rng, add_years(dob, 8), today - DAY)
            team, worker = self.worker(rng, "CAMHS")
            end = start + dt.timedelta(days=rng.randint(90, 500))
            batch.involvements.append(
                (kid, self.mental_health, team, worker, "CAMHS", start, end if end < today else None)
            )
            batch.chronology.append(
                (kid, "health-event", at(rng, start), "Referred to CAMHS", "", self.mental_health, None)
            )
        if age_sept >= 8 and rng.random() < 0.01:
            start = between(rng, add_years(dob, 8), today - DAY)
            batch.involvements.append(
                (kid, self.voluntary[1], None, self.voluntary_workers[1], "young carers", start, None)
            )
        if age_sept < 4:
            return
        reception = dt.date(self.academic_year - (age_sept - 4), 9, 1)
        if primary is not None:
            batch.chronology.append(
                (
                    kid,
                    "education-event",
                    at(rng, reception, 8, 9),
                    f"Started in Reception at {primary.name}",
                    "",
                    primary,
                    None,
                )
            )
        school = primary
        if age_sept >= 11 and secondary is not None:
            year7 = dt.date(self.academic_year - (age_sept - 11), 9, 1)
            batch.chronology.append(
                (
                    kid,
                    "education-event",
                    at(rng, year7, 8, 9),
                    f"Started in Year 7 at {secondary.name}",
                    "",
                    secondary,
                    None,
                )
            )
            school = secondary if (age_sept < 16 or rng.random() < 0.6) else None
            if age_sept >= 16 and school is None:
                batch.chronology.append(
                    (
                        kid,
                        "education-event",
                        at(rng, dt.date(self.academic_year, 9, 1), 8, 9),
                        "Started at Northmoor College (post-16)",
                        "",
                        None,
                        None,
                    )
                )
        kid.school_ = school
        if school is not None:
            started = reception if school is primary else dt.date(self.academic_year - (age_sept - 11), 9, 1)
            batch.involvements.append((kid, school, None, None, "pupil", started, None))
            if rng.random() < (0.2 if state in ("cin", "cp", "lac") else 0.06):
                when = between(rng, max(started, today - 300 * DAY), today - DAY)
                batch.chronology.append(
                    (kid, "education-event", at(rng, when, 9, 16), "Attendance below 90% this term", "", school, None)
                )
            if age_sept >= 11 and rng.random() < 0.03:
                when = between(rng, max(started, today - 600 * DAY), today - DAY)
                batch.chronology.append(
                    (kid, "education-event", at(rng, when, 9, 16), "Suspended from school for 2 days", "", school, None)
                )
            if kid.disabled_ and rng.random() < 0.4:
                when = between(rng, started, today - DAY)
                batch.chronology.append(
                    (
                        kid,
                        "education-event",
                        at(rng, when, 9, 16),
                        "Education, health and care plan issued",
                        "",
                        school,
                        None,
                    )
                )
        if state in ("cp", "lac", "care_leaver") and age_sept >= 12 and rng.random() < 0.15:
            when = between(rng, today - 365 * DAY, today - DAY)
            batch.chronology.append(
                (
                    kid,
                    "police-event",
                    at(rng, when, 18, 23),
                    "Reported missing; found safe the next day",
                    "Return home interview offered",
                    self.police,
                    None,
                )
            )

    # --- Writing a batch --------------------------------------------------------------------

    def name_keys(self, given, family):
        """people.search.keys_for_name, cached (names repeat a lot), cut to the column's 40 characters."""
        pair = (given, family)
        keys = self.key_cache.get(pair)
        if keys is None:
            keys = tuple(sorted({str(key)[:40] for key in search.keys_for_name(given, family) if key}))
            if len(self.key_cache) > 200_000:
                self.key_cache.clear()
            self.key_cache[pair] = keys
        return keys

    def write(self, batch):
        writer = self.writer
        ids = writer.insert(
            Address,
            ("line_1", "line_2", "town", "county", "postcode", "uprn"),
            ((a.line_1, a.line_2, a.town, "", a.postcode, "") for a in batch.addresses),
            ids=True,
        )
        for address, new_id in zip(batch.addresses, ids, strict=False):
            address.pk = new_id
        for person in batch.persons:
            person.keys_ = set()
            for _, given, family, _, _ in person.names_:
                person.keys_.update(self.name_keys(given, family))
        ids = writer.insert(
            Person,
            (
                "kind",
                "given_names",
                "family_name",
                "date_of_birth",
                "date_of_birth_estimated",
                "expected_date_of_birth",
                "sex",
                "ethnicity",
                "first_language",
                "religion",
                "interpreter_needed",
                "name_keys",
            ),
            (
                (
                    p.kind,
                    p.given_names,
                    p.family_name,
                    p.date_of_birth,
                    p.date_of_birth_estimated,
                    p.expected_date_of_birth,
                    p.sex,
                    p.ethnicity,
                    p.first_language,
                    p.religion,
                    p.interpreter_needed,
                    " ".join(sorted(p.keys_)),
                )
                for p in batch.persons
            ),
            ids=True,
        )
        for person, new_id in zip(batch.persons, ids, strict=False):
            person.pk = new_id
        # One serial per consistent identifier: the serial table's sequence never hands a number back.
        serials = writer.insert(ConsistentIdentifierSerial, ("issued_at",), ((writer.now,) for _ in batch.ci), ids=True)
        identifiers = [
            (person.pk, Identifier.Type.CONSISTENT, consistent_identifier_from_serial(serial), valid_from, None)
            for (person, valid_from), serial in zip(batch.ci, serials, strict=False)
        ]
        identifiers += [(p.pk, t, v, f, to) for p, t, v, f, to in batch.identifiers]
        names = []
        keys = []
        for person in batch.persons:
            for name_type, given, family, valid_from, valid_to in person.names_:
                names.append((person.pk, name_type, given, family, valid_from, valid_to))
            keys.extend((person.pk, key) for key in sorted(person.keys_))
        writer.insert(
            PersonName, ("person_id", "name_type", "given_names", "family_name", "valid_from", "valid_to"), names
        )
        writer.insert(NameKey, ("person_id", "key"), keys)
        writer.insert(Identifier, ("person_id", "id_type", "value", "valid_from", "valid_to"), identifiers)
        home_ids = writer.insert(
            PersonAddress,
            ("person_id", "address_id", "kind", "moved_in", "moved_out", "confidential"),
            ((p.pk, a.pk, k, i, o, c) for p, a, k, i, o, c in batch.homes),
            ids=True,
        )
        writer.insert(
            Relationship,
            ("person_id", "related_person_id", "relationship", "description", "valid_from", "valid_to"),
            ((p.pk, r.pk, t, d, f, to) for p, r, t, d, f, to in batch.relationships),
        )
        writer.insert(
            ParentalResponsibility,
            ("child_id", "holder_id", "basis", "start_date", "end_date"),
            ((c.pk, h.pk, b, s, e) for c, h, b, s, e in batch.pr),
        )
        writer.insert(PersonDisability, ("person_id", "code"), ((p.pk, c) for p, c in batch.disabilities))
        writer.insert(
            PersonAlert,
            ("person_id", "kind", "detail", "start_date", "end_date"),
            ((p.pk, k, d, s, e) for p, k, d, s, e in batch.alerts),
        )
        writer.insert(
            Involvement,
            ("person_id", "agency_id", "team_id", "worker_id", "kind", "start_date", "end_date"),
            (
                (p.pk, a.pk, t.pk if t else None, w.pk if w else None, k, s, e)
                for p, a, t, w, k, s, e in batch.involvements
            ),
        )
        categories = {slug: chronology_kinds.get(slug).category for slug in CHRONOLOGY_KINDS}
        home_type = self.home_type.pk
        writer.insert(
            ChronologyEntry,
            (
                "person_id",
                "kind",
                "category",
                "occurred_at",
                "title",
                "detail",
                "agency_id",
                "source_type_id",
                "source_id",
                "manual",
            ),
            (
                (
                    person.pk,
                    kind,
                    categories[kind],
                    when,
                    title[:200],
                    detail,
                    agency.pk if agency else None,
                    home_type if home is not None else None,
                    str(home_ids[home]) if home is not None else "",
                    kind not in ("birth", "moved-address"),
                )
                for person, kind, when, title, detail, agency, home in batch.chronology
            ),
        )
        self.front_door.write(batch)
        for name, number in (
            ("addresses", len(batch.addresses)),
            ("people", len(batch.persons)),
            ("names", len(names)),
            ("name keys", len(keys)),
            ("identifiers", len(identifiers)),
            ("addresses of people", len(batch.homes)),
            ("relationships", len(batch.relationships)),
            ("parental responsibility", len(batch.pr)),
            ("disabilities", len(batch.disabilities)),
            ("alerts", len(batch.alerts)),
            ("involvements", len(batch.involvements)),
            ("chronology entries", len(batch.chronology)),
        ):
            self.count(name, number)
        self.count("children", len(batch.ci))
