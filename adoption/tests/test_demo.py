"""The demo authority's adoption (demo/adoption.py), on care records made through the
children-in-care services the way demo.care makes them: a child adopted after a placement
order and an A6 placement, a child placed and not yet adopted, a child waiting, and a young
child on a care order whose decision may be reversed. Every placement order gets its decision,
the journey is in the services' order, the adopters fit AD1, and the same seed makes the same
journeys. (The generated authority's own run is checked by returns/tests/test_sector_validators.py.)"""

import datetime

import pytest

from adoption import selectors
from adoption.models import AdopterHousehold, AdoptionDecision
from childrenincare import services as care
from childrenincare.models import CareEpisode, Carer, Placement
from childrenincare.testing import looked_after
from demo.adoption import Adoption
from kernel.models import Deadline
from people.services import record_person

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def ago(days):
    return TODAY - days * DAY


class FakeGenerator:
    def __init__(self, staff, seed=5):
        self.today, self.seed, self.staff = TODAY, seed, staff

    def staff_name(self, rng, female_share=0.8):
        return rng.choice(["Ada", "Bea", "Cal", "Dev"]), rng.choice(["Testwood", "Testfield", "Testbrook"])

    def postcode(self, street, block):
        return "TE4 4DD"


def baby(name, born):
    return record_person(None, kind="child", given_names=name, family_name="Testbaby", date_of_birth=born, sex="F")


def adoption_carer(surname):
    return Carer.objects.create(
        kind=Carer.Kind.ADOPTER,
        name=f"{surname} family (prospective adopters)",
        provider="PR1",
        urn="SC999201",
        postcode="TE5 5EE",
        approval=Carer.Approval.APPROVED,
    )


@pytest.fixture
def records(worker):
    made = {}
    for key, days, placed, adopted in (
        ("adopted", 330, 100, 20),
        ("placed", 300, 40, None),
        ("waiting", 280, None, None),
    ):
        child = baby(key.title(), ago(days + 200))
        period = looked_after(worker, child, ago(days), legal_status="C1")
        care.change_legal_status(worker, period, code="E1", on=ago(days - 150))
        if placed:
            carer = adoption_carer(key.title() + "son")
            care.change_placement(
                worker,
                period,
                care.PlacementDetails(place="A6", provider="PR1", carer=carer, postcode=carer.postcode, urn=carer.urn),
                on=ago(placed),
                change_reason="CARPL",
            )
        if adopted:
            care.cease_care(worker, period, on=ago(adopted), reason="E11")
        made[key] = period
    for number in range(8):  # young children on full care orders: some decisions reversed
        child = baby(f"Carey{number}", ago(500))
        period = looked_after(worker, child, ago(300), legal_status="C1")
        care.change_legal_status(worker, period, code="C2", on=ago(150))
    return made


def run(worker, seed=5):
    return Adoption(FakeGenerator([worker], seed)).run()


def test_every_placement_order_gets_the_journey_that_fits_the_care_record(worker, records):
    counts = run(worker)
    assert counts["children adopted"] == 1
    assert counts["children placed for adoption"] == 1
    for period in records.values():
        assert AdoptionDecision.objects.filter(period=period).count() == 1
    adopted = AdoptionDecision.objects.get(period=records["adopted"])
    e1 = records["adopted"].legal_statuses.get(code="E1").start_date
    assert records["adopted"].start_date <= adopted.decided_on <= e1 == adopted.placement_order_on
    assert e1 < adopted.matched_on < adopted.placed_on < adopted.adoption_order_on == ago(20)
    assert adopted.household.approved_on < adopted.matched_on
    assert adopted.placement.carer_id == adopted.household.carer_id
    assert selectors.adopter_sex(adopted.household)
    assert selectors.adopter_legal_status(adopted.household)
    assert selectors.foster_care(adopted) in ("0", "1")
    placed = AdoptionDecision.objects.get(period=records["placed"])
    assert placed.placed_on == ago(40)
    assert placed.adoption_order_on is None
    waiting = AdoptionDecision.objects.get(period=records["waiting"])
    assert Deadline.objects.filter(
        subject_id=waiting.pk, rule_slug="adoption-entry-to-placement", status="open"
    ).exists()
    for decision in AdoptionDecision.objects.filter(ceased_on__isnull=False):
        assert decision.ceased_reason in ("RD1", "RD2", "RD3", "RD4")
        assert decision.decided_on <= decision.ceased_on
        assert not decision.period.legal_statuses.filter(code="E1").exists()
    households = AdopterHousehold.objects.all()
    assert households.filter(approved_on__isnull=False, decisions__isnull=True).exists()
    assert households.filter(approved_on__isnull=True).exists()
    assert households.filter(left_on__isnull=False).exclude(left_reason="").exists()


def test_a_fostering_for_adoption_placement_becomes_a5_with_the_same_carers(worker):
    child = baby("Ffa", ago(600))
    period = looked_after(worker, child, ago(330), legal_status="C1")
    care.change_legal_status(worker, period, code="E1", on=ago(180))
    carer = adoption_carer("Ffa")
    care.change_placement(
        worker,
        period,
        care.PlacementDetails(place="A6", provider="PR1", carer=carer, postcode=carer.postcode, urn=carer.urn),
        on=ago(140),
        change_reason="CARPL",
    )
    for seed in range(40):  # a seed whose draw gives the placed child a fostering for adoption placement
        AdoptionDecision.objects.all().delete()
        AdopterHousehold.objects.all().delete()
        Carer.objects.filter(name__startswith="AF").delete()
        Adoption(FakeGenerator([worker], seed)).run()
        decision = AdoptionDecision.objects.get(period=period)
        if decision.early_placement_on:
            break
    else:
        pytest.fail("no seed of 40 gave a fostering for adoption placement")
    placements = list(Placement.objects.filter(period=period).order_by("start_date"))
    assert [p.place for p in placements] == ["U5", "A5"]
    assert placements[0].carer_id == placements[1].carer_id
    assert decision.early_placement_on == placements[0].start_date
    assert selectors.foster_care(decision) == "1"
    episode = CareEpisode.objects.get(period=period, place="A5")
    assert episode.new_episode_reason == "T"


def test_the_same_seed_makes_the_same_journeys(worker, records):
    run(worker, seed=9)
    first = sorted((d.decided_on, d.matched_on, d.ceased_reason) for d in AdoptionDecision.objects.all())
    AdoptionDecision.objects.all().delete()
    AdopterHousehold.objects.all().delete()
    Carer.objects.filter(name__startswith="AF").delete()
    Deadline.objects.filter(rule_slug__startswith="adoption-").delete()
    run(worker, seed=9)
    assert sorted((d.decided_on, d.matched_on, d.ceased_reason) for d in AdoptionDecision.objects.all()) == first
