"""A generated demo authority for tests: one fixture factory, and the wipe that removes it.

    from testing.demo import demo_authority, name_keys  # noqa: F401 - name_keys is an autouse fixture

    TODAY = dt.date(2025, 11, 14)
    authority = demo_authority(children=3000, seed=5, today=TODAY)
    pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]

The authority is generated once for the module (``python manage.py generate_authority``, so
through demo's public entry point), committed outside the tests' transactions, and removed
after the module's last test; each test runs in a transaction on top of it and is rolled back,
so a test that wipes and generates again (to compare) leaves the module's authority as it was.
``demo_authority(worlds=[(3000, 1), (1500, 2)], today=...)`` makes a fixture parametrised over
several (children, seed) authorities, yielding the pair; the module's tests run against each.

Why per module and not once per session: the authority is committed, so every later test in
the session would see it (a session-wide one would break the tests that count records), and
no two modules ask for the same (children, seed, today).
"""

from io import StringIO

import pytest

# The apps whose tables the generator fills, whose ids reset_ids starts again from 1.
GENERATED_APPS = (
    "partners",
    "people",
    "frontdoor",
    "familyhelp",
    "childprotection",
    "childrenincare",
    "exploitation",
    "chronology",
    "kernel",
    "audit",
)


@pytest.fixture(autouse=True)
def name_keys(monkeypatch):
    """Use the real search keys; a stand-in only while people.search is not written yet."""
    from people import search

    try:
        search.keys_for_name("Test", "Person")
    except NotImplementedError:  # pragma: no cover - depends on the search work
        monkeypatch.setattr(
            search, "keys_for_name", lambda given, family: {f"e:{t.lower()}" for t in f"{given} {family}".split()}
        )


def reset_ids():
    """Start the emptied tables' ids again from 1. demo.casework gives the social.worker demo
    account every 25th episode by id, so the same seed makes the same case work, and the same
    care histories after it, only from the same ids."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence")
        else:
            models = [m for m in apps.get_models() if m._meta.app_label in GENERATED_APPS]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def generate(children, seed, today, restart_ids=True, **options):
    """Generate an authority: with ``restart_ids`` the ids start again from 1, so the same seed
    makes the same one; without, they follow on from what the session made before."""
    from django.core.management import call_command

    if restart_ids:
        reset_ids()
    call_command("generate_authority", children=children, seed=seed, today=today, stdout=StringIO(), **options)


def _wipe_in_order():
    # Adoption, care leavers and early help (demo/adoption.py, leaving_care.py, early_help.py) first:
    # they protect the periods of care, contacts, people and staff.
    from django_tasks_db.models import DBTaskResult

    from adoption import models as ad
    from audit.models import AuditEvent
    from childprotection import models as cp
    from childrenincare import models as cic
    from chronology.models import ChronologyEntry
    from education import models as ed
    from exploitation import models as ex
    from familyhelp import models as fh
    from frontdoor import models as fd
    from kernel.models import Deadline
    from leavingcare import models as lc
    from linkage import models as lk
    from partners.models import Agency, Team, User
    from partnership import models as pa
    from people import models as pe

    # Record linkage (demo/linkage.py): its decisions protect the people, its feeds the agencies;
    # the feeds' scoring was queued on the database's task queue, whose rows go too.
    for model in (lk.LinkDecision, lk.CandidatePair, lk.LinkageRun, lk.PartnerRecord, lk.Submission, lk.LinkageModel):
        model.objects.all().delete()
    DBTaskResult.objects.all().delete()

    # The safeguarding partnership (demo/partnership.py): it protects the people, the staff and
    # the agencies (a report's versions and approvals go with it).
    pa.YearlyReport.objects.update(published_version=None)
    for model in (
        pa.AgencyAnswer,
        pa.AgencyReturn,
        pa.AuditAction,
        pa.SampledCase,
        pa.AuditQuestion,
        pa.MultiAgencyAudit,
        pa.ReviewAccess,
        pa.TrainingAttendance,
        pa.TrainingSession,
        pa.TrainingCourse,
        pa.WhatChanged,
        pa.Feedback,
        pa.FeedbackSurvey,
        pa.FeedbackTheme,
        pa.ReportApproval,
        pa.ReportVersion,
        pa.YearlyReport,
        pa.Recommendation,
        pa.PracticeReview,
        pa.RapidReview,
        pa.InformationRequest,
        pa.IncidentChild,
        pa.SeriousIncident,
        pa.Member,
        pa.Arrangements,
    ):
        model.objects.all().delete()
    # The exploitation cases (demo/exploitation.py): they protect the people, the staff, the
    # agencies and the missing episodes (the agenda items' information and actions go with them).
    for model in (
        ex.ContextPlanReview,
        ex.ContextPlanAction,
        ex.ContextPlan,
        ex.IntelligenceReport,
        ex.MaceAgendaItem,
        ex.MaceMeeting,
        ex.MaceMember,
        ex.MacePanel,
        ex.Association,
        ex.Vehicle,
        ex.Group,
        ex.FamilyWork,
        ex.NrmReferral,
        ex.RiskAssessment,
    ):
        model.objects.all().delete()
    ex.MissingEpisode.objects.filter(found_at_place__isnull=False).update(found_at_place=None)
    ex.Place.objects.all().delete()
    # The education records (demo/education.py): they protect the people, the schools' list and
    # the staff, three levels deep (a notification, its request, the registration).
    for model in (
        ed.MissingEducationEnquiry,
        ed.MissingEducationCase,
        ed.ConsentNotification,
        ed.ConsentInformation,
        ed.DeregistrationNotice,
        ed.ConsentRequest,
        ed.RegisterEntry,
        ed.RelevantChildStatus,
        ed.SchoolRegistration,
        ed.School,
    ):
        model.objects.all().delete()
    for model in (
        ad.AdoptionDecision,
        ad.Adopter,
        ad.AdopterHousehold,
        lc.BirthdayContact,
        lc.KeepingInTouchContact,
        lc.PathwayPlanReview,
        lc.PersonalAdviser,
        lc.CareLeaver,
        fh.FamilyPlanReview,
        fh.FamilyPlanOutcome,
        fh.FamilyPlan,
        fh.EarlyHelpAssessment,
        fh.LeadPractitioner,
        fh.EarlyHelpChild,
        fh.EarlyHelpEpisode,
    ):
        model.objects.all().delete()
    # Children in care and missing episodes (demo/care.py): they protect the referrals and people.
    for model in (
        ex.ReturnInterviewIndicator,
        ex.ReturnInterview,
        ex.MissingEpisode,
        cic.MonitoringFlag,
        cic.ReturnHomeMonitoring,
        cic.Approval,
        cic.RiskSignalWeighing,
        cic.FamilyGroupDecisionMaking,
        cic.SupportPlanItem,
        cic.HouseholdMember,
        cic.GateRecord,
        cic.ReunificationDecision,
        cic.CareEpisode,
        cic.CareVisit,
        cic.LookedAfterReview,
        cic.HealthAssessment,
        cic.PersonalEducationPlan,
        cic.CarePlan,
        cic.Placement,
        cic.LegalStatus,
        cic.PeriodOfCare,
        cic.Carer,
        cic.FamilyNetworkMember,
        cic.Designation,
    ):
        model.objects.all().delete()
    cp.PreProceedings.objects.all().delete()  # demo/pre_proceedings.py (its meetings and decisions go with it)
    # The case work first (demo/casework.py): it protects the referrals and the staff.
    for model in (
        Deadline,
        fh.Visit,
        fh.ChildInNeedReview,
        fh.PlanOutcome,
        fh.ChildInNeedPlan,
        cp.CoreGroupMeeting,
        cp.CoreGroupMember,
        cp.ConferenceChild,
        cp.ChildProtectionPlan,
        cp.ConferenceParticipant,
        cp.Conference,
        cp.Section47Enquiry,
        cp.StrategyAttendee,
        cp.StrategyDiscussionChild,
        cp.StrategyDiscussion,
        cp.MACPTMember,
        cp.MultiAgencyChildProtectionTeam,
        fh.AssessmentFactor,
        fh.Assessment,
        fh.Allocation,
    ):
        model.objects.all().delete()
    for model in (
        fd.PatternAlert,
        fd.ReferrerFeedback,
        fd.Referral,
        fd.ContactDecision,
        fd.AgencyCheck,
        fd.ContactPerson,
        fd.Contact,
        fd.ThresholdDocument,
        AuditEvent,
        ChronologyEntry,
        pe.Involvement,
        pe.PersonAlert,
        pe.PersonDisability,
        pe.ParentalResponsibility,
        pe.Relationship,
        pe.PersonAddress,
        pe.Identifier,
        pe.NameKey,
        pe.PersonName,
        pe.Person,
        pe.Address,
        User,
        Team,
        Agency,
    ):
        model.objects.all().delete()


def wipe():
    """Remove everything the generator made (consistent identifier serials stay: never reused).

    Records of a model the order above does not know yet (a new module's demo) are removed
    when they are what protects the next one, so a new demo module does not break the others.
    """
    from django.db.models import ProtectedError

    for _ in range(8):
        try:
            _wipe_in_order()
            return
        except ProtectedError as error:
            for model in {type(found) for found in error.protected_objects}:
                try:
                    model.objects.all().delete()
                except ProtectedError as inner:
                    for other in {type(found) for found in inner.protected_objects}:
                        other.objects.all().delete()
    _wipe_in_order()


def empty_tables() -> set[str]:
    """The tables of the project's models that hold no rows (one query)."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
        }
    )
    quote = connection.ops.quote_name
    found: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(tables), 100):  # SQLite allows 500 terms in a compound SELECT
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT '{table}' WHERE NOT EXISTS (SELECT 1 FROM {quote(table)})"
                    for table in tables[start : start + 100]
                )
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def _references_into(tables: set[str]) -> list[tuple[str, str | None]]:
    """(table, column) of every foreign key into ``tables`` from a table outside them."""
    from django.apps import apps

    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target._meta.db_table in tables and model._meta.db_table not in tables:
                found.append((model._meta.db_table, field.column))
    return found


def _empty_again(empty_before: set[str]) -> bool:
    """Empty the tables the authority filled (empty before it was made, not now), a DELETE each
    in one transaction. False, with nothing done, when that could leave a reference dangling:
    the slower wipe then does all of it.

    On PostgreSQL the foreign keys are not checked row by row (``session_replication_role``;
    the tests' user is a superuser): every table deleted from was empty before, so only a kept
    table that holds rows can refer into them, and any such row stops it first. On SQLite the
    foreign keys are checked at COMMIT (``defer_foreign_keys``): a dangling reference refuses
    it, and the transaction is rolled back."""
    from django.db import DatabaseError, connection, transaction

    empty_now = empty_tables()
    filled = empty_before - empty_now
    if not filled:
        return True
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table, column in _references_into(filled):
                    if table in empty_now or column is None:
                        continue
                    cursor.execute(f"SELECT 1 FROM {quote(table)} WHERE {quote(column)} IS NOT NULL LIMIT 1")
                    if cursor.fetchone():
                        return False
                cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in sorted(filled):
                cursor.execute(f"DELETE FROM {quote(table)}")
    except DatabaseError:
        return False
    return True


def remove(empty_before: set[str] | None = None):
    """Wipe the authority and its consistent identifier serials, so later tests start from an
    empty table (its sequence is never reset).

    With ``empty_before`` (``empty_tables()`` before the authority was made), the tables the
    authority filled are emptied first, a plain DELETE each: the wipe's ORM deletes, which read
    rows to cascade, then find next to nothing. For a 2,000-child authority on PostgreSQL that
    took the removal from 9 to 25 s (CI's teardowns: 10 to 35 s) to about 1 s."""
    from people.models import ConsistentIdentifierSerial

    if empty_before:
        _empty_again(empty_before)
    wipe()
    ConsistentIdentifierSerial.objects.all().delete()


def demo_authority(*, today, children=None, seed=None, worlds=None, restart_ids=True, scope="module"):
    """A fixture: the demo authority of ``children`` and ``seed`` on ``today``, generated once
    for the module and removed after it. With ``worlds=[(children, seed), ...]`` it is
    parametrised over those authorities instead, and yields the (children, seed) of each.
    ``restart_ids=False`` keeps the ids following on (see ``generate``)."""
    if worlds is None:
        worlds = [(children, seed)]
        parametrised = {}
    else:
        parametrised = {"params": worlds, "ids": lambda world: f"{world[0]}-children-seed-{world[1]}"}

    @pytest.fixture(scope=scope, **parametrised)
    def authority(request, django_db_setup, django_db_blocker):
        world = request.param if parametrised else worlds[0]
        with django_db_blocker.unblock():
            empty_before = empty_tables()
            generate(*world, today, restart_ids=restart_ids)
            yield world
            remove(empty_before)

    return authority
