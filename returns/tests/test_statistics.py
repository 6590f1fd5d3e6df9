"""The statistics beside England, the region and statistical neighbours: each of the
authority's figures on hand-made records with hand-counted answers, the DfE published files read
as they are, DfE's suppression rules, and the page and its download (who may see them, audited)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from childprotection.models import (
    Conference,
    ConferenceChild,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyDiscussionChild,
)
from childrenincare.models import PeriodOfCare
from childrenincare.testing import looked_after
from exploitation.models import MissingEpisode, ReturnInterview
from familyhelp.models import Assessment
from familyhelp.testing import open_episode
from frontdoor.models import ContactDecision, ThresholdDocument, ThresholdLevel
from kernel import deadlines, working_days
from partners.models import Agency, User
from people.services import record_person
from returns import published, suppression
from returns.statistics import selectors as statistics
from returns.statistics import views as views_statistics

D = datetime.date


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def end_care(period, on, reason):
    """The period of care ends (hand-made: the reason as recorded, without the approvals the
    services ask for, which other tests cover)."""
    PeriodOfCare.objects.filter(pk=period.pk).update(end_date=on, end_reason=reason)
    period.legal_statuses.filter(end_date__isnull=True).update(end_date=on)
    period.placements.filter(end_date__isnull=True).update(end_date=on)


def another_child(given="Robin", born=D(2012, 5, 5)):
    return record_person(None, kind="child", given_names=given, family_name="Teststats", date_of_birth=born, sex="F")


# --- Children looked after ------------------------------------------------------------------------


@pytest.fixture
def care_histories(worker, child, sibling):
    """Alex: looked after 1 May 2024, home as part of the care plan (E4A) 15 January 2025, back in
    care 10 December 2025 (under 11 months later: a re-entry within 12 months).
    Sam: looked after 1 June 2024, home not as part of the plan (E4B) 1 September 2024, back in
    care 2 October 2025 (13 months later: not within 12 months).
    Robin: looked after only under short breaks (V3): never counted."""
    alex = looked_after(worker, child, D(2024, 5, 1))
    end_care(alex, D(2025, 1, 15), "E4A")
    alex_again = looked_after(worker, child, D(2025, 12, 10))
    sam = looked_after(worker, sibling, D(2024, 6, 1))
    end_care(sam, D(2024, 9, 1), "E4B")
    sam_again = looked_after(worker, sibling, D(2025, 10, 2))
    robin = another_child()
    looked_after(worker, robin, D(2024, 7, 1), legal_status="V3")
    return alex, alex_again, sam, sam_again


def test_looked_after_on_31_march_started_and_ceased(care_histories):
    # 2024-25: Alex and Sam started and ceased; nobody looked after on 31 March 2025.
    assert statistics.started_in_year(2025) == 2
    assert statistics.ceased_in_year(2025) == 2
    assert statistics.looked_after_at_31_march(2025) == 0
    # 2025-26: both came back, and were looked after on 31 March 2026.
    assert statistics.started_in_year(2026) == 2
    assert statistics.ceased_in_year(2026) == 0
    assert statistics.looked_after_at_31_march(2026) == 2


def test_a_period_ending_on_31_march_is_not_counted_on_31_march(worker, child):
    period = looked_after(worker, child, D(2025, 6, 2))
    end_care(period, D(2026, 3, 31), "E13")
    assert statistics.looked_after_at_31_march(2026) == 0
    assert statistics.ceased_in_year(2026) == 1


def test_the_year_in_progress_is_counted_so_far(worker, child):
    looked_after(worker, child, D(2026, 5, 1))
    assert statistics.looked_after_at_31_march(2027, today=D(2026, 12, 2)) == 1
    assert statistics.years(D(2026, 12, 2)) == [2023, 2024, 2025, 2026, 2027]
    assert statistics.in_progress(2027, D(2026, 12, 2))
    assert not statistics.in_progress(2026, D(2026, 12, 2))


def test_rate_per_10000_uses_the_configured_population(settings, care_histories):
    settings.CHILD_POPULATION = 8000
    population = statistics.child_population(2026, "999")
    assert population.value == 8000
    assert statistics.rate_per_10000(statistics.looked_after_at_31_march(2026), population.value) == 2.5


def test_population_is_ons_for_a_real_la_and_the_records_for_the_demo(settings, child, sibling):
    settings.CHILD_POPULATION = None
    birmingham = statistics.child_population(2025, "330")
    assert birmingham.value == int(
        _file_value(published.POPULATION, "Local authority", "330", "2024", "population_estimate")
    )
    assert "mid-2024" in birmingham.source
    # The fictional 999: Alex (born 2016) and Sam (2019) are the children held on 31 March 2026.
    assert statistics.child_population(2026, "999").value == 2


def test_ceased_by_reason_with_returned_home_counted_and_as_a_percentage(care_histories):
    found = statistics.ceased_by_reason(2025)
    assert found.total == 2
    assert found.counts["e4a"] == 1
    assert found.counts["e4b"] == 1
    assert found.returned_home == 2
    assert found.percent("e4a") == 50.0
    assert found.percent("returned_home") == 100.0
    assert found.codes == {"E4A": 1, "E4B": 1}


def test_a_child_ceasing_twice_is_counted_once_with_the_last_reason(worker, child):
    first = looked_after(worker, child, D(2025, 4, 10))
    end_care(first, D(2025, 5, 1), "E13")
    second = looked_after(worker, child, D(2025, 6, 1))
    end_care(second, D(2025, 7, 1), "E8")
    found = statistics.ceased_by_reason(2026)
    assert statistics.ceased_in_year(2026) == 1
    assert found.total == 1
    assert found.codes == {"E8": 1}
    assert found.counts["other"] == 1
    assert statistics.started_in_year(2026) == 1


def test_re_entry_within_12_months_of_returning_home(care_histories):
    found = statistics.re_entries_within_12_months_of_return_home(2025, today=D(2026, 12, 2))
    # Alex back after under 11 months counts; Sam back after 13 months does not.
    assert (found.returned_home, found.re_entered, found.percent) == (2, 1, 50.0)
    assert found.by_reason == {"E4A": (1, 1), "E4B": (1, 0)}
    assert found.complete  # the 12 months after March 2025 have passed by December 2026
    assert not statistics.re_entries_within_12_months_of_return_home(2026, today=D(2026, 12, 2)).complete


def test_re_entry_on_the_anniversary_counts_and_a_day_later_does_not(worker, child, sibling):
    alex = looked_after(worker, child, D(2024, 5, 1))
    end_care(alex, D(2024, 11, 4), "E4A")
    looked_after(worker, child, D(2025, 11, 4))  # exactly 12 months later
    sam = looked_after(worker, sibling, D(2024, 5, 1))
    end_care(sam, D(2024, 11, 4), "E4B")
    looked_after(worker, sibling, D(2025, 11, 5))  # 12 months and a day
    found = statistics.re_entries_within_12_months_of_return_home(2025)
    assert (found.returned_home, found.re_entered) == (2, 1)


def test_the_queries_do_not_grow_with_the_children(worker, child, sibling, settings):
    settings.CHILD_POPULATION = 1000
    looked_after(worker, child, D(2025, 5, 1))
    statistics.for_year(2026, "999", today=D(2026, 12, 2))  # warm the caches (content types)
    with CaptureQueriesContext(connection) as one:
        statistics.for_year(2026, "999", today=D(2026, 12, 2))
    looked_after(worker, sibling, D(2025, 6, 1))
    for n in range(3):
        looked_after(worker, another_child(f"Extra{n}"), D(2025, 7, 1 + n))
    with CaptureQueriesContext(connection) as five:
        statistics.for_year(2026, "999", today=D(2026, 12, 2))
    assert len(five) == len(one)


# --- Timeliness -----------------------------------------------------------------------------------


def test_referral_decisions_within_a_working_day(worker, child):
    episode = open_episode(worker, child, D(2025, 6, 2))
    document = ThresholdDocument.objects.create(title="Test thresholds", version=1)
    level = ThresholdLevel.objects.create(document=document, number=1, name="Level", description="d", response="r")
    contact = episode.contact

    def decision(decided_at, on_time):
        other = type(contact).objects.get(pk=contact.pk)
        other.pk = None
        other.save()
        ContactDecision.objects.create(
            contact=other,
            threshold_document=document,
            level=level,
            outcome="nfa",
            rationale="Test",
            decided_by=worker,
            decided_at=decided_at,
            on_time=on_time,
        )

    decision(at(2025, 6, 3, 9), True)
    decision(at(2025, 9, 1, 9), True)
    decision(at(2026, 1, 5, 9), False)
    decision(at(2025, 3, 31, 23, 30), False)  # 2024-25
    decision(at(2025, 4, 1, 0, 30), True)  # 00:30 BST on 1 April (31 March in UTC): 2025-26
    found = statistics.referral_decisions(2026)
    assert (found.total, found.on_time, found.percent) == (4, 3, 75.0)
    assert statistics.referral_decisions(2025).total == 1


def test_assessments_authorised_within_45_working_days(worker, child):
    episode = open_episode(worker, child, D(2025, 12, 1))
    # Counted by hand from Monday 1 December 2025 (day 0), skipping weekends, Christmas Day,
    # Boxing Day and New Year's Day: the 45th working day is Thursday 5 February 2026.
    assert working_days.add_working_days(D(2025, 12, 1), 45, "day_zero").due == D(2026, 2, 5)

    def assessment(start, authorised):
        Assessment.objects.create(
            episode=episode,
            person=child,
            start_date=start,
            authorised_date=authorised,
            status=Assessment.Status.AUTHORISED,
        )

    assessment(D(2025, 12, 1), D(2026, 2, 5))  # on the 45th working day: within
    assessment(D(2025, 12, 1), D(2026, 2, 6))  # the 46th: late
    assessment(D(2026, 1, 5), D(2026, 1, 20))  # well within
    assessment(D(2026, 3, 2), D(2026, 4, 1))  # authorised in 2026-27: not this year
    found = statistics.assessments_within_45_days(2026)
    assert (found.total, found.on_time) == (3, 2)
    # The chunks of start dates give the same answer as one query.
    assert statistics.assessments_within_45_days(2026, chunk=1).on_time == 2


def _enquiry(worker, chair, child, episode, start, target):
    discussion = StrategyDiscussion.objects.create(
        held_at=at(start.year, start.month, start.day, 10),
        information_shared="Test",
        police_decision="single_agency",
        chair=chair,
        recorded_by=worker,
    )
    StrategyDiscussionChild.objects.create(discussion=discussion, person=child, episode=episode, decision="s47")
    return Section47Enquiry.objects.create(
        person=child,
        episode=episode,
        strategy_discussion=discussion,
        start_date=start,
        initial_conference_target=target,
    )


def _conference(chair, worker, child, episode, kind, held_on, enquiry=None):
    conference = Conference.objects.create(kind=kind, held_on=held_on, chair=chair, recorded_by=worker)
    ConferenceChild.objects.create(
        conference=conference, person=child, episode=episode, enquiry=enquiry, decision="plan", reasons="Test"
    )


def test_initial_conferences_within_15_working_days_of_the_strategy_discussion(worker, chair, child, sibling):
    alex = open_episode(worker, child, D(2025, 9, 1))
    sam = open_episode(worker, sibling, D(2025, 9, 1))
    on_time = _enquiry(worker, chair, child, alex, D(2025, 10, 1), D(2025, 10, 22))
    late = _enquiry(worker, chair, sibling, sam, D(2025, 10, 1), D(2025, 10, 22))
    _conference(chair, worker, child, alex, Conference.Kind.INITIAL, D(2025, 10, 22), on_time)
    _conference(chair, worker, sibling, sam, Conference.Kind.INITIAL, D(2025, 10, 23), late)
    _conference(chair, worker, child, alex, Conference.Kind.REVIEW, D(2026, 1, 20))  # a review: not counted
    found = statistics.conferences_within_15_days(2026)
    assert (found.total, found.on_time, found.percent) == (2, 1, 50.0)


def test_return_interviews_within_72_hours(worker, child):
    def episode(returned, held=None):
        found = MissingEpisode.objects.create(
            person=child,
            kind="M",
            missing_from="home",
            recorded_by=worker,
            started_at=returned - datetime.timedelta(hours=5),
            ended_at=returned,
        )
        if held:
            ReturnInterview.objects.create(episode=found, held_at=held, recorded_by=worker)
        return found

    back = at(2025, 8, 1, 9)
    episode(back, back + datetime.timedelta(hours=71))  # within
    episode(back, back + datetime.timedelta(hours=73))  # late
    episode(back)  # no interview
    stored = episode(back, back + datetime.timedelta(hours=60))
    deadlines.issue("return-interview", back, person=child, subject=stored)
    # A due date is stored when issued and never recomputed: here a local 48 hours.
    from kernel.models import Deadline

    Deadline.objects.filter(subject_id=stored.pk, rule_slug="return-interview").update(
        due_at=back + datetime.timedelta(hours=48)
    )
    found = statistics.return_interviews_within_72_hours(2026)
    assert (found.total, found.on_time) == (4, 1)


# --- The published files -----------------------------------------------------------------------------


def _file_value(filename, level, code, year, column, **match):
    with open(published.data_dir() / filename, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["geographic_level"] != level or row["time_period"] != year:
                continue
            if level == "Local authority" and row["old_la_code"] != code:
                continue
            if all(row.get(k) == v for k, v in match.items()):
                return row[column]
    raise AssertionError("not in the file")


def test_england_looked_after_on_31_march_2025_is_the_files_value():
    expected = _file_value(
        published.CLA_RATES,
        "National",
        "",
        "2025",
        "children_count",
        population_type="Children looked after on 31 March each year",
    )
    assert published.figure("cla_31_march", published.england(), 2025).value == float(expected) == 81770
    assert published.figure("cla_31_march_rate", published.england(), 2025).value == 67
    assert published.figure("ceased_e4a", published.england(), 2024).value == 5740
    assert published.figure("icpc_within_15_days_percent", published.england(), 2025).value == 81.4
    assert published.figure("population", published.england(), 2025).value == 12183016  # mid-2024


def test_an_la_by_either_code_its_region_and_statistical_neighbours():
    birmingham = published.la("330")
    assert published.la("E08000025") == birmingham
    assert birmingham.name == "Birmingham"
    assert published.region_of(birmingham).name == "West Midlands"
    group = published.neighbours("330")
    assert group.model == "2025 model"
    assert [a.code for a in group.areas][:3] == ["892", "352", "380"]
    assert group.areas[0].name == "Nottingham"
    assert len(group.areas) == 10
    # London boroughs are compared with London, not Inner or Outer London.
    assert published.region_of(published.la("202")).code == published.LONDON_CODE
    # An authority that no longer exists has only the 2021 groupings.
    assert published.neighbours("909").model == "April 2021 groupings"


def test_the_files_symbols_are_not_published_never_zero():
    cumbria_2025 = published.figure("cla_31_march", published.la("909"), 2025)
    assert cumbria_2025.value is None
    assert cumbria_2025.symbol == "z"
    suppressed = [
        (code, year)
        for (level, code, year), f in published._indexed("ceased_e4b").items()
        if level == "Local authority" and f.symbol == "c"
    ]
    assert suppressed
    code, year = suppressed[0]
    assert published.figure("ceased_e4b", published.la(code), year).meaning.startswith("suppressed")
    assert published.figure("cla_31_march", published.la("330"), 2019) == published.MISSING


def test_neighbours_median_for_rates_and_mean_for_counts():
    group = published.neighbours("330")
    rates = sorted(published.figure("cla_31_march_rate", a, 2025).value for a in group.areas)
    summary = published.neighbour_summary("cla_31_march_rate", group, 2025)
    assert summary.how == "median"
    assert summary.value == (rates[4] + rates[5]) / 2
    assert summary.published == 10
    assert published.neighbour_summary("cla_31_march", group, 2025).how == "mean"


# --- Suppression ---------------------------------------------------------------------------------------


def test_suppression_of_counts_percentages_and_rates():
    assert suppression.count(4) == "c"
    assert suppression.count(5) == "c"
    assert suppression.count(6) == 6
    assert suppression.count(0) == 0  # a zero is shown: zero was recorded
    assert suppression.count(81766, level="national") == 81770
    assert suppression.percentage("c", 40) == "c"  # a suppressed numerator
    assert suppression.percentage(4, 40) == "c"
    assert suppression.percentage(10, 4) == "c"  # a suppressed denominator
    assert suppression.percentage(10, 0) == "z"
    assert suppression.percentage(7, 2000) == "k"  # 0.35%: rounds to 0 but is not 0
    assert suppression.percentage(13, 40) == 32  # whole numbers, as the CLA release
    assert suppression.percentage(13, 40, decimals=1) == 32.5
    assert suppression.rate(3, 10000) == "c"
    assert suppression.rate(67, 10000) == 67


def test_the_threshold_is_a_setting(settings):
    settings.STATISTICS_SUPPRESS_UP_TO = 9
    assert suppression.count(8) == "c"


def test_secondary_suppression_so_that_no_total_gives_a_small_number_away():
    shown = suppression.breakdown({"e4a": 4, "e4b": 10, "adopted": 20, "died": 0}, total=34)
    assert shown == {"e4a": "c", "e4b": "c", "adopted": 20, "died": 0}
    assert suppression.breakdown({"a": 10, "b": 20}, total=30) == {"a": 10, "b": 20}
    ceased = statistics.CeasedByReason(
        2026, 30, {**{k: 0 for k, _l, _c in published.CEASED_REASONS}, "e4a": 3, "e4b": 12, "adopted": 15}
    )
    shown = views_statistics.published_breakdown(ceased)
    # E4A is small; E4B is the smallest other part; returned home together (15) is shown.
    assert shown["e4a"] == "c"
    assert shown["e4b"] == "c"
    assert shown["returned_home"] == 15


# --- The page and the download ----------------------------------------------------------------------------


@pytest.fixture
def analyst(user):
    return user(User.Role.ANALYST, team=None)


def test_the_page_for_an_analyst_beside_the_comparator_audited(client, analyst, settings, care_histories):
    settings.STATISTICS_COMPARATOR_LA = "330"
    client.force_login(analyst)
    response = client.get(reverse("returns:statistics"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "compared as if it were in <strong>West Midlands</strong>" in page
    assert "<strong>Birmingham</strong>'s statistical neighbours" in page
    assert "Nottingham" in page  # the first neighbour
    assert "Open Government Licence v3.0" in page
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, user=analyst).latest("at")
    assert event.detail["page"] == "statistics"
    assert event.detail["section"] == "summary"
    assert event.detail["comparator_la"] == "330"
    assert event.detail["view"] == "exact"
    for section in views_statistics.SECTIONS:
        assert reverse("returns:statistics_section", args=[section.slug]) in page
    assert 'class="app-chart"' not in page  # the key figures in words: no chart drawn

    response = client.get(reverse("returns:statistics_section", args=["looked-after"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "81,770" in page  # England, 31 March 2025
    # One chart (kernel.charts), its one legend inside it: the count beside the rate is a table.
    assert page.count('class="app-chart"') == 1
    assert '<title id="looked-after-rate-chart-title">Chart: Children looked after on 31 March, per 10,000' in page
    assert 'aria-labelledby="looked-after-rate-chart-title looked-after-rate-chart-desc"' in page
    assert "Key to the lines" not in page
    assert ">West Midlands</text>" in page  # the region's line, named in the legend
    assert "Show the figures as a table" in page
    assert 'aria-current="page">Children looked after</a>' in page
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, user=analyst).latest("at")
    assert event.detail["section"] == "looked-after"
    assert event.detail["tables"] == ["looked-after-rate", "looked-after"]


def test_the_published_view_suppresses_small_numbers(client, analyst, settings, care_histories):
    settings.STATISTICS_COMPARATOR_LA = "330"
    client.force_login(analyst)
    response = client.get(reverse("returns:statistics"), {"view": "published"})
    tables = {t.id: t for t in response.context["tables"]}
    row = next(r for r in tables["looked-after"].rows if r.label == "31 March 2026")
    assert row.cells[0].text == "c"  # 2 children looked after: suppressed
    section = client.get(reverse("returns:statistics_section", args=["looked-after"]), {"view": "published"})
    counts = section.context["tables"][0].companions[0]  # the numbers, beside the rate
    assert counts.id == "looked-after"
    assert next(r for r in counts.rows if r.label == "31 March 2026").cells[0].text == "c"
    assert "?view=published" in section.content.decode()  # the sections keep the choice


def test_a_section_s_charts_are_this_authority_s_figures_as_shown(
    client, analyst, settings, monkeypatch, care_histories
):
    """Each charted table on a section is drawn once, with an id of its own; a rate over a year
    leaves the year so far out; a suppressed figure (2 children: c) is a gap in the published
    view's line, not a zero."""
    settings.STATISTICS_COMPARATOR_LA = "330"
    settings.CHILD_POPULATION = 10_000
    monkeypatch.setattr(views_statistics, "today", lambda: D(2026, 12, 2))
    client.force_login(analyst)
    response = client.get(reverse("returns:statistics_section", args=["starting-and-ceasing"]))
    page = response.content.decode()
    assert page.count('class="app-chart"') == 2
    for table_id in ("started-rate", "ceased-rate"):
        assert page.count(f'id="{table_id}-chart-title"') == 1
        assert page.count(f'id="{table_id}-chart-desc"') == 1
    assert page.count("The year so far is left out of the chart.") == 2
    assert ">2026-27 so far</text>" not in page  # not on the axis
    started = response.context["tables"][0]
    assert started.rows[-1].label == "April 2026 to March 2027 (so far)"  # the table keeps it

    published_view = client.get(
        reverse("returns:statistics_section", args=["looked-after"]), {"view": "published"}
    ).context["tables"][0]
    assert published_view.rows[-1].cells[0].text == "c"  # today: 2 children
    assert published_view.rows[-1].cells[0].value is None  # the chart's gap (test_statistics_charts)
    chart = published_view.chart
    assert "The year so far" not in chart.description  # a stock: today is drawn
    assert chart.svg.count(">Today</text>") == 1
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("at")
    assert (event.detail["section"], event.detail["view"]) == ("looked-after", "published")
    exact = client.get(reverse("returns:statistics"))
    row = next(r for r in {t.id: t for t in exact.context["tables"]}["looked-after"].rows if r.label == "31 March 2026")
    assert row.cells[0].text == "2"


def test_without_a_comparator_the_demo_code_is_said_to_be_fictional(client, analyst, settings):
    settings.STATISTICS_COMPARATOR_LA = ""
    client.force_login(analyst)
    page = client.get(reverse("returns:statistics")).content.decode()
    assert "is not in DfE&#x27;s files" in page or "is not in DfE's files" in page


def test_a_real_authority_is_compared_as_itself(client, user, settings):
    settings.STATISTICS_COMPARATOR_LA = ""
    birmingham = Agency.objects.create(name="Test Birmingham", kind=Agency.Kind.LOCAL_AUTHORITY, la_code="330")
    manager = user(User.Role.HEAD_OF_SERVICE, agency=birmingham, team=None)
    client.force_login(manager)
    page = client.get(reverse("returns:statistics")).content.decode()
    assert "Compared with <strong>West Midlands</strong>" in page


@pytest.mark.parametrize("role", [User.Role.SOCIAL_WORKER, User.Role.PARTNER_PRACTITIONER, User.Role.IRO])
def test_refused_to_those_who_do_not_need_it(client, user, role):
    client.force_login(user(role))
    assert client.get(reverse("returns:statistics")).status_code == 403
    assert client.get(reverse("returns:statistics_download")).status_code == 403
    for section in views_statistics.SECTIONS:
        assert client.get(reverse("returns:statistics_section", args=[section.slug])).status_code == 403
    assert not AuditEvent.objects.filter(detail__page="statistics").exists()


def test_every_section_renders_for_an_analyst_and_an_unknown_one_is_not_found(client, analyst, care_histories):
    client.force_login(analyst)
    for section in views_statistics.SECTIONS:
        response = client.get(reverse("returns:statistics_section", args=[section.slug]))
        assert response.status_code == 200, section.slug
        page = response.content.decode()
        assert f'<h1 class="govuk-heading-l">{section.title}</h1>' in page
        for table_id in section.all_tables:
            assert f'id="{table_id}"' in page
            assert f'id="{table_id}-table"' in page
    assert client.get(reverse("returns:statistics_section", args=["nothing-here"])).status_code == 404
    reasons = client.get(reverse("returns:statistics_section", args=["why-care-ended"]))
    years = reasons.context["extra"].by_year
    assert [y["open"] for y in years] == [False, False, False, True, False]  # the last whole year, 2025-26
    # 2024-25: Alex home as part of the care plan (E4A), Sam not (E4B): one each, of two.
    assert [text for label, text in years[2]["rows"] if label.endswith("(E4A)")] == ["1 (50.0%)"]
    assert years[2]["rows"][-1] == ("All children who ceased", "2")


def test_the_download_is_suppressed_and_audited(client, analyst, settings, care_histories):
    settings.STATISTICS_COMPARATOR_LA = "330"
    client.force_login(analyst)
    response = client.get(reverse("returns:statistics_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["measure", "year", "This authority"]
    looked_after_2026 = next(r for r in rows if r[:2] == ["Children looked after on 31 March", "31 March 2026"])
    assert looked_after_2026[2] == "c"
    assert looked_after_2026[5] == "–"  # England 2026: not yet published
    england_2025 = next(r for r in rows if r[:2] == ["Children looked after on 31 March", "31 March 2025"])
    assert england_2025[5] == "81,770"
    assert any("Open Government Licence v3.0" in cell for r in rows for cell in r)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=analyst).latest("at")
    assert event.detail["format"] == "csv"
    assert event.detail["suppressed"] is True
    assert event.detail["rows"] > 0


def test_the_headline_in_words_against_hand_counted_figures(client, analyst, settings, monkeypatch, care_histories):
    """Alex and Sam (care_histories): both looked after today and on 31 March 2026, none on 31 March 2025;
    both started in 2025-26 and in 2024-25; both ceased in 2024-25, both home (E4A, E4B). Of a
    child population of 10,000, 2 children are 2 per 10,000."""
    settings.STATISTICS_COMPARATOR_LA = "330"
    settings.CHILD_POPULATION = 10_000
    monkeypatch.setattr(views_statistics, "today", lambda: D(2026, 12, 2))
    client.force_login(analyst)
    response = client.get(reverse("returns:statistics"))
    found = {h.table: h for h in response.context["headlines"]}
    rate = found["looked-after-rate"]  # a stock: today, beside 31 March of the last whole year
    assert (rate.figure, rate.when, rate.before) == (
        "2 per 10,000 children",
        "today",
        "2 on 31 March 2026",
    )
    england = published.figure("cla_31_march_rate", published.england(), 2025).value
    assert rate.beside.startswith(f"England {england:.0f}, statistical neighbours ")
    assert "(on 31 March 2025, the latest published)" in rate.beside  # DfE's 2026 figures are not out yet
    started = found["started-rate"]
    assert (started.figure, started.when, started.before) == (
        "2 per 10,000 children",
        "in April 2025 to March 2026",
        "2 the year before",
    )
    assert (found["ceased-rate"].figure, found["ceased-rate"].before) == ("0 per 10,000 children", "2 the year before")
    home = found["returned-home"]
    assert (home.figure, home.before) == ("no figure", "100% the year before")  # none ceased in 2025-26
    assert found["looked-after-rate"].section.slug == "looked-after"
    page = response.content.decode()
    assert "<strong>2 per 10,000 children</strong> today, 2 on 31 March 2026." in page


def test_the_population_setting_changes_the_rate(client, analyst, settings, monkeypatch, care_histories):
    monkeypatch.setattr(views_statistics, "today", lambda: D(2026, 12, 2))
    client.force_login(analyst)
    rates = {}
    for population in (10_000, 400):
        settings.CHILD_POPULATION = population
        response = client.get(reverse("returns:statistics_section", args=["looked-after"]))
        table = response.context["tables"][0]
        assert table.id == "looked-after-rate"
        rates[population] = next(r for r in table.rows if r.label == "31 March 2026").cells[0].text
        assert f"per {population:,} children: the child population set for the service" in response.content.decode()
    assert rates == {10_000: "2", 400: "50"}  # 2 children of 10,000, and of 400
