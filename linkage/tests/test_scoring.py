"""Thresholds and guards (issue 20, item 3): what may be linked automatically.

The properties are checked against a model trained on the seeded synthetic world (conftest),
with its index plus the made-up children of each example."""

import datetime

import jellyfish
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkage import scoring
from linkage.cleaning import Supplied, clean, mark_household_peers
from people.identifiers import nhs_check_digit

THRESHOLDS = scoring.Thresholds.default()
FIRST_NAMES = [
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "Mohammed",
    "Ava",
    "Noah",
    "Freya",
    "Leo",
    "Zara",
    "Kacper",
    "Amara",
]
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _nhs(seed: int) -> str:
    for n in range(seed, seed + 100):
        first_nine = f"{400000000 + n * 7919 % 500000000:09d}"
        check = nhs_check_digit(first_nine)
        if check != 10:
            return first_nine + str(check)
    raise AssertionError


def _score(index_rows, extra_index, records, trained, thresholds=THRESHOLDS):
    rows = [row for row in index_rows if row["unique_id"] not in {r["unique_id"] for r in extra_index}] + extra_index
    mark_household_peers(rows)
    return {row["record_id"]: row for row in scoring.score(rows, records, trained, thresholds).best}


def _twins(first_a, first_b, born, family="Quenby", postcode="LS28 7FL", nhs_a="", nhs_b=""):
    return [
        clean(Supplied("TWIN-A", first_a, family, born, "F", postcode, nhs_a, household="h-twins")),
        clean(Supplied("TWIN-B", first_b, family, born, "F", postcode, nhs_b, household="h-twins")),
    ]


dates = st.dates(min_value=datetime.date(2009, 1, 1), max_value=datetime.date(2026, 6, 1))
names = st.sampled_from(FIRST_NAMES)


@SLOW
@given(first_a=names, first_b=names, born=dates, with_nhs=st.booleans())
def test_a_twin_with_a_different_first_name_is_never_linked_automatically_to_the_other(
    small_world, trained, first_a, first_b, born, with_nhs
):
    if jellyfish.jaro_winkler_similarity(first_a.lower(), first_b.lower()) >= 0.8:
        return
    index_rows, _, _ = small_world
    twins = _twins(first_a, first_b, born, nhs_a=_nhs(1), nhs_b=_nhs(2))
    # Only twin A is in the index: a record of twin B (with or without B's own NHS number).
    record = clean(Supplied("REC", first_b, "Quenby", born, "F", "LS28 7FL", _nhs(2) if with_nhs else ""))
    best = _score(index_rows, twins[:1], [record], trained)["REC"]
    assert not (best["band"] == "auto" and best["person_id"] == "TWIN-A")


@SLOW
@given(first=names, born=dates)
def test_twins_in_one_household_need_the_first_name_and_an_identifier_or_a_clear_lead(
    small_world, trained, first, born
):
    index_rows, _, _ = small_world
    other = next(name for name in FIRST_NAMES if jellyfish.jaro_winkler_similarity(name.lower(), first.lower()) < 0.8)
    twins = _twins(first, other, born, nhs_a=_nhs(3), nhs_b=_nhs(4))
    without = clean(Supplied("NO-ID", first, "Quenby", born, "F", "LS28 7FL"))
    with_id = clean(Supplied("WITH-ID", first, "Quenby", born, "F", "LS28 7FL", _nhs(3)))
    found = _score(index_rows, twins, [without, with_id], trained)
    assert found["WITH-ID"]["band"] == "auto"
    assert found["WITH-ID"]["person_id"] == "TWIN-A"
    # Without an identifier: the first names tell the twins apart, so the best (twin A) beats
    # the other twin by more than the twin margin...
    assert THRESHOLDS.twin_margin is not None
    assert found["NO-ID"]["person_id"] == "TWIN-A"
    assert found["NO-ID"]["match_weight"] - found["NO-ID"]["runner_up"] >= THRESHOLDS.twin_margin
    assert found["NO-ID"]["band"] == "auto"
    # ...which links it only when the thresholds have a twin margin.
    strict = scoring.Thresholds(**{**THRESHOLDS.as_dict(), "twin_margin": None})
    found = _score(index_rows, twins, [without], trained, strict)
    assert found["NO-ID"]["band"] != "auto"
    assert "household" in found["NO-ID"]["guards"]


@SLOW
@given(born=dates)
def test_twins_with_alike_first_names_and_no_identifier_are_never_linked_automatically(small_world, trained, born):
    index_rows, _, _ = small_world
    twins = _twins("Jayden", "Jaden", born, nhs_a=_nhs(9), nhs_b=_nhs(10))
    found = _score(index_rows, twins, [clean(Supplied("REC", "Jayden", "Quenby", born, "F", "LS28 7FL"))], trained)
    assert found["REC"]["band"] != "auto"
    assert "household" in found["REC"]["guards"]


@SLOW
@given(born=dates, digits=st.sets(st.integers(0, 8), min_size=2, max_size=5))
def test_nhs_numbers_more_than_one_digit_apart_never_link_automatically(small_world, trained, born, digits):
    index_rows, _, _ = small_world
    number = _nhs(5)
    other = "".join(str((int(d) + 1) % 10) if i in digits else d for i, d in enumerate(number))
    person = clean(Supplied("P-NHS", "Harriet", "Quenby", born, "F", "LS28 7FL", number))
    record = clean(Supplied("REC", "Harriet", "Quenby", born, "F", "LS28 7FL", other))
    best = _score(index_rows, [person], [record], trained)["REC"]
    assert best["band"] != "auto"


def test_one_mistyped_digit_of_an_nhs_number_is_evidence_not_a_bar(small_world, trained):
    index_rows, _, _ = small_world
    number = _nhs(6)
    typo = number[:4] + str((int(number[4]) + 1) % 10) + number[5:]
    person = clean(Supplied("P-NHS", "Harriet", "Quenby", datetime.date(2015, 6, 1), "F", "LS28 7FL", number))
    record = clean(Supplied("REC", "Harriet", "Quenby", datetime.date(2015, 6, 1), "F", "LS28 7FL", typo))
    assert record["nhs_number"] is None  # fails Modulus 11: not a key
    best = _score(index_rows, [person], [record], trained)["REC"]
    assert (best["band"], best["person_id"]) == ("auto", "P-NHS")
    assert "nhs_number" not in best["guards"]


@SLOW
@given(placeholder=st.sampled_from(["Baby", "Unborn", "Baby of", "Twin 1"]), born=dates)
def test_placeholder_names_never_link_automatically(small_world, trained, placeholder, born):
    index_rows, _, _ = small_world
    number = _nhs(7)
    person = clean(Supplied("P-BABY", placeholder, "Quenby", born, "M", "LS28 7FL", number))
    record = clean(Supplied("REC", placeholder, "Quenby", born, "M", "LS28 7FL", number))
    best = _score(index_rows, [person], [record], trained)["REC"]
    assert best["band"] != "auto"
    assert "placeholder" in best["guards"]


def test_an_unborn_child_in_the_index_is_never_linked_automatically(small_world, trained):
    index_rows, _, _ = small_world
    unborn = clean(Supplied("P-UNBORN", "Ivy", "Quenby", None, "F", "LS28 7FL", placeholder=True))
    record = clean(Supplied("REC", "Ivy", "Quenby", None, "F", "LS28 7FL"))
    best = _score(index_rows, [unborn], [record], trained)["REC"]
    assert best["band"] != "auto"


def test_two_equally_good_candidates_go_to_review(small_world, trained):
    index_rows, _, _ = small_world
    born = datetime.date(2016, 2, 29)
    same = [clean(Supplied(f"DUP-{n}", "Harriet", "Quenby", born, "F", "LS28 7FL")) for n in (1, 2)]
    record = clean(Supplied("REC", "Harriet", "Quenby", born, "F", "LS28 7FL"))
    best = _score(index_rows, same, [record], trained)["REC"]
    assert best["band"] == "review"
    assert "margin" in best["guards"]


def test_the_bands_follow_the_thresholds(small_world, trained):
    index_rows, feed_rows, _ = small_world
    result = scoring.score(index_rows, feed_rows[:500], trained, THRESHOLDS)
    for row in result.best:
        if row["band"] == "auto":
            assert row["match_weight"] >= THRESHOLDS.upper
            assert not row["guards"]
        elif row["band"] == "review":
            assert row["match_weight"] >= THRESHOLDS.lower
        elif row["match_weight"] is not None:
            assert row["match_weight"] < THRESHOLDS.lower or row["guards"]
    # Each kept candidate carries the weight of every comparison, adding up to its match weight
    # less the model's prior (the same for every pair).
    priors = {
        round(row["match_weight"] - sum(row[f"w_{name}"] for name in scoring.COMPARISONS), 6)
        for row in result.candidates
    }
    assert len(priors) == 1


def test_a_siblings_nhs_number_with_another_date_of_birth_is_not_linked_automatically(small_world, trained):
    index_rows, _, _ = small_world
    number = _nhs(8)
    sister = clean(Supplied("P-SISTER", "Olivia", "Quenby", datetime.date(2021, 1, 6), "F", "LS28 7FL", number))
    record = clean(Supplied("REC", "Oliver", "Quenby", datetime.date(2015, 1, 24), "M", "LS28 7FL", number))
    best = _score(index_rows, [sister], [record], trained)["REC"]
    assert best["band"] != "auto"
    assert "dob" in best["guards"]


def test_upns_more_than_one_character_apart_stop_an_automatic_link(small_world, trained):
    from people.identifiers import upn_check_letter

    index_rows, _, _ = small_world
    upns = [upn_check_letter(rest) + rest for rest in ("373131234567", "373139876543")]
    born = datetime.date(2013, 12, 17)
    person = clean(Supplied("P-UPN", "Isabelle", "Quenby", born, "F", "LS28 7FL", upn=upns[0]))
    record = clean(Supplied("REC", "Isabella", "Quenby", born, "F", "LS28 7FL", upn=upns[1]))
    best = _score(index_rows, [person], [record], trained)["REC"]
    assert best["band"] != "auto"
    assert "upn" in best["guards"]
