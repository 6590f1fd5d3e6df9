"""Ofsted Annex A List 2, Early help (from familyhelp's early help records): "early help
assessments in the last 6 months, plus current early help" (shared/domain/returns.md section 8).

For the inspection date D, one row per child of an early help episode (brothers and sisters
share the family's episode and its assessment, so each has a row):

- for each early help assessment started by D and either completed in the last 6 months
  (D less 6 calendar months to D, both included) or not completed by D while its episode was
  open on D (in progress: the completion date is blank);
- and, for a child whose early help was open on D with no such assessment (completed more
  than 6 months before D), one row for the current early help: its latest assessment
  completed by D.

Every row is an assessment. The template's list is "early help assessments" (its columns are
the assessment's start and completion dates and the organisation completing it), and the
sector's pipeline that reads it requires the start date and the organisation
(liia-tools-pipeline Annex_A_schema.yml, list_2: "Assessment start date" and "Organisation
completing assessment" canbeblank false). So early help open on D whose assessment has not
started by D is not listed: there is no assessment to list yet. (The Standard Safeguarding
Dataset's Annex A script lists early help episodes instead, by their start and end dates, and
says so: "Annex A refers to Early Help Assessments whereas SSDS interpreted as Early Help
Episodes". An episode's start is not the assessment's, so it is not used here.)

"Organisation completing assessment" is the agency recorded on the assessment (by default the
lead practitioner's). Early help is not in the CIN census, and nothing here changes the other
lists. A few queries whatever the number of children.
"""

from collections import defaultdict

from django.db.models import Q

from familyhelp.models import EarlyHelpAssessment, EarlyHelpChild, EarlyHelpEpisode

from .selectors import HEADERS, Children, _in

START, COMPLETION, ORGANISATION = HEADERS["List 2"][5:]


def _open_on(day):
    return Q(start_date__lte=day) & (Q(closure_date__isnull=True) | Q(closure_date__gt=day))


def list_2(window):
    """The rows (dicts keyed by annex_a.HEADERS["List 2"]) for the inspection date window.day."""
    day = window.day
    open_ids = set(EarlyHelpEpisode.objects.filter(_open_on(day)).values_list("pk", flat=True))
    in_window = Q(completed_date__range=(window.start, day))
    not_done = Q(completed_date__isnull=True) | Q(completed_date__gt=day)
    found = (
        EarlyHelpAssessment.objects.filter(start_date__lte=day)
        .filter(in_window | not_done)
        .select_related("organisation")
        .order_by("start_date", "id")
    )
    # Completed in the window; or in progress on D, while its early help was open.
    assessments = [
        a for a in found if (a.completed_date and window.start <= a.completed_date <= day) or a.episode_id in open_ids
    ]
    episode_ids = open_ids | {a.episode_id for a in assessments}
    children = defaultdict(list)
    people = {}
    for row in _in(EarlyHelpChild.objects.select_related("person").order_by("id"), "episode_id", episode_ids):
        children[row.episode_id].append(row.person_id)
        people[row.person_id] = row.person
    listed = Children(people.values(), day)
    rows = []
    covered = set()

    def add(person_id, start, completed, organisation):
        row = listed.common(person_id)
        row.update(
            {
                START: start,
                COMPLETION: completed if completed and completed <= day else None,
                ORGANISATION: organisation,
            }
        )
        rows.append(row)

    for assessment in assessments:
        for person_id in children[assessment.episode_id]:
            add(person_id, assessment.start_date, assessment.completed_date, assessment.organisation.name)
        covered.add(assessment.episode_id)
    rest = sorted(open_ids - covered)
    if rest:
        latest = {}
        for found in _in(
            EarlyHelpAssessment.objects.filter(completed_date__lte=day)
            .select_related("organisation")
            .order_by("completed_date", "id"),
            "episode_id",
            rest,
        ):
            latest[found.episode_id] = found
        for episode_id in rest:
            done = latest.get(episode_id)
            if done is None:
                continue  # no assessment started by D: nothing for this list (the docstring)
            for person_id in children[episode_id]:
                add(person_id, done.start_date, done.completed_date, done.organisation.name)
    rows.sort(key=lambda r: (r[START], r["Child Unique ID"]))
    return rows
