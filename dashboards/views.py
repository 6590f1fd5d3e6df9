"""The timescale dashboards: a worker's own due dates, a team's, and the whole service's.

Each reads the one table of due dates (kernel.models.Deadline) through kernel.selectors:
counts of overdue, due soon and done late, the same counts by rule (and by worker or team),
and, for the worker and team pages, a page of the due dates in one column. The service page
shows counts only, never a child, so a manager sees no child of another team by name.
Children whose records are restricted are left out, lists and counts, for users not named
on them (people.models.RestrictedAccess). Every page is audited.
"""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from audit import services as audit
from audit.models import AuditEvent
from childrenincare.return_home.services import unseen_flags
from kernel import selectors
from kernel.access import rule
from partners.models import Team, User
from people.access import Level, RecordNotVisible
from people.models import Person, RestrictedAccess

PAGE_SIZE = 50
WORKERS_SHOWN = 50
SHOW = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "done_late": "Done late",
}
TAGS = {"overdue": "govuk-tag--red", "due_soon": "govuk-tag--orange", "done_late": "govuk-tag--grey"}


def today():
    """The day the dashboards count from (a function, so tests can fix it)."""
    return timezone.localdate()


def _visible(user, found):
    """Leave out the due dates of restricted children the user is not named on.

    The child's flag is read by a scalar subquery, one primary-key probe per due date that is
    counted, rather than a join: with a join PostgreSQL may hash the whole people table (a
    million rows in a large authority) to count a team's few thousand due dates."""
    named = RestrictedAccess.objects.filter(person=OuterRef("person_id"), user=user)
    restricted = Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("restricted")[:1])
    return found.alias(child_restricted=restricted).exclude(Q(child_restricted=True) & ~Exists(named))


COUNTS = ("overdue", "due_soon", "done_late")


def _rollup(entries, key):
    """Sum grouped counts over the other grouping fields: {key value: {"overdue": n, ...}}."""
    totals = {}
    for entry in entries:
        total = totals.setdefault(key(entry), dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            total[name] += entry[name]
    return totals


def _counts(found, day, by, in_two=False):
    """One query (or two, `in_two`: see kernel.selectors.summary_in_two): the counts grouped
    by rule and the `by` fields; the totals and the counts by rule are summed from it."""
    count = selectors.summary_in_two if in_two else selectors.summary
    entries = count(found, today=day, by=("rule_name", *by))
    overall = dict.fromkeys(COUNTS, 0)
    for entry in entries:
        for name in COUNTS:
            overall[name] += entry[name]
    by_rule = [
        {"name": name, "rule_name": name, **values}
        for name, values in sorted(_rollup(entries, lambda entry: entry["rule_name"]).items())
    ]
    return entries, overall, by_rule


def _show(request):
    show = request.GET.get("show", "overdue")
    return show if show in SHOW else "overdue"


def _tabs(counts, show):
    return [
        {"key": key, "label": label, "count": counts[key], "current": key == show, "tag": TAGS[key]}
        for key, label in SHOW.items()
    ]


def _rows(deadlines_, show, day):
    rows = []
    for deadline in deadlines_:
        row = {"deadline": deadline, "case_url": reverse("familyhelp:case", args=[deadline.person_id])}
        if show == "overdue":
            row["days"] = (day - deadline.due_date).days
        elif show == "due_soon":
            row["days"] = (deadline.due_date - day).days
        else:
            row["days"] = (deadline.done_on - deadline.due_date).days
        rows.append(row)
    return rows


_ROW = (
    '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
)


def count_rows(entries, link=None):
    """The rows of a counts table, escaped, made here rather than in a template loop: a
    service of a thousand teams (or a team of a thousand workers) renders in a millisecond or
    two instead of tens. `link(entry)` gives a row's link, or None."""

    def name(entry):
        href = link(entry) if link else None
        return format_html('<a class="govuk-link" href="{}">{}</a>', href, entry["name"]) if href else entry["name"]

    return format_html_join(
        "\n", _ROW, ((name(entry), entry["overdue"], entry["due_soon"], entry["done_late"]) for entry in entries)
    )


def _worker_page(request, found, *, template_context, audit_summary, audit_detail, by_worker=False):
    """The worker and team pages: counts, counts by rule (and worker), a page of one column."""
    user = request.user
    day = today()
    show = _show(request)
    found = _visible(user, found)
    entries, counts, by_rule = _counts(
        found, day, ("worker", "worker__first_name", "worker__last_name") if by_worker else ()
    )
    workers = []
    if by_worker:
        for (worker, first, last), values in _rollup(
            entries, lambda entry: (entry["worker"], entry["worker__first_name"], entry["worker__last_name"])
        ).items():
            name = f"{first or ''} {last or ''}".strip() if worker else "Not allocated"
            workers.append({"worker": worker, "name": name, **values})
        # The most overdue first; a very large team shows its first WORKERS_SHOWN unless asked.
        workers.sort(
            key=lambda entry: (
                -entry["overdue"],
                -entry["due_soon"],
                -entry["done_late"],
                entry["worker"] is None,
                entry["name"].lower(),
            )
        )
    all_workers = request.GET.get("workers") == "all"
    shown_workers = workers if all_workers else workers[:WORKERS_SHOWN]
    listed = (
        selectors.listing(found, show, today=day)
        .only(
            "rule_name",
            "due_date",
            "done_on",
            "late_reason",
            "explanation",
            "start_event",
            "start_date",
            "person__id",
            "person__given_names",
            "person__family_name",
            "person__restricted",
            "worker__id",
            "worker__first_name",
            "worker__last_name",
            "worker__username",
        )
        .select_related(None)
        .select_related("person", "worker")
    )
    paginator = Paginator(listed, PAGE_SIZE)
    paginator.count = counts[show]  # the same filter as the list: saves a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    rows = _rows(page.object_list, show, day)
    audit.record(
        user,
        AuditEvent.Action.VIEW,
        summary=audit_summary,
        detail={**audit_detail, "show": show, "page": page.number, "deadlines": [row["deadline"].pk for row in rows]},
    )
    return render(
        request,
        "dashboards/worker_team.html",
        {
            **template_context,
            "show": show,
            "show_label": SHOW[show],
            "tabs": _tabs(counts, show),
            "counts": counts,
            "by_rule": by_rule,
            "by_rule_rows": count_rows(by_rule),
            "workers": workers,
            "worker_rows": count_rows(shown_workers),
            "by_worker": by_worker,
            "more_workers": len(workers) - len(shown_workers),
            "all_workers_query": f"show={show}&workers=all",
            "page": page,
            "rows": rows,
            "page_query": f"show={show}&",
            "due_soon_days": selectors.due_soon_days(),
            "done_late_days": selectors.done_late_days(),
            "today": day,
        },
    )


def _return_flags(team):
    """How many concerns after a return home the team has not seen yet (a count: the names
    are on the returns-home page, which checks each child)."""
    return unseen_flags(team).count() if team is not None else 0


@rule("timescales")
def mine(request):
    managing = request.user.role in (User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE)
    return _worker_page(
        request,
        selectors.scope(worker=request.user),
        template_context={
            "title": "Your timescales",
            "caption": str(request.user),
            "is_mine": True,
            "return_flags": _return_flags(request.user.team) if managing else 0,
        },
        audit_summary="Viewed their own timescale dashboard",
        audit_detail={"dashboard": "worker"},
    )


def _team_for(user, team_id):
    """The team, for its members and for heads of service of the same authority; to anyone
    else the 404 of a team that does not exist."""
    team = Team.objects.filter(pk=team_id).select_related("agency").first()
    allowed = team is not None and (
        team.pk == user.team_id or (user.role == User.Role.HEAD_OF_SERVICE and team.agency_id == user.agency_id)
    )
    if not allowed:
        raise RecordNotVisible(None, f"team {str(team_id)[:30]}", Level.INDEX)
    return team


@rule("timescales")
def team(request, team_id):
    found_team = _team_for(request.user, team_id)
    return _worker_page(
        request,
        selectors.scope(team=found_team),
        template_context={
            "title": f"Timescales: {found_team.name}",
            "caption": str(found_team.agency),
            "team": found_team,
            "is_team": True,
            "return_flags": _return_flags(found_team),
        },
        audit_summary=f"Viewed the team timescale dashboard of {found_team.name}"[:300],
        audit_detail={"dashboard": "team", "team": found_team.pk},
        by_worker=True,
    )


@rule("service_timescales")
def service(request):
    """Counts only: overall, by team and by rule, across the service."""
    user = request.user
    day = today()
    found = selectors.scope()
    entries, counts, by_rule = _counts(found, day, ("team", "team__name"), in_two=True)
    teams = [
        {"team": team_id, "team__name": name, "name": name or "No team allocated", **values}
        for (team_id, name), values in _rollup(entries, lambda entry: (entry["team"], entry["team__name"])).items()
    ]
    teams.sort(key=lambda entry: (entry["team"] is None, (entry["team__name"] or "").lower()))
    # A head of service may open every team's page, anyone else only their own team's.
    teams_url = reverse("dashboards:team", kwargs={"team_id": 0}).removesuffix("0/")
    may_open_all = user.role == User.Role.HEAD_OF_SERVICE

    def link(entry):
        if entry["team"] is not None and (may_open_all or entry["team"] == user.team_id):
            return f"{teams_url}{entry['team']}/"
        return None

    audit.record(
        user, AuditEvent.Action.VIEW, summary="Viewed the service timescale dashboard", detail={"dashboard": "service"}
    )
    return render(
        request,
        "dashboards/service.html",
        {
            "counts": counts,
            "teams": teams,
            "team_rows": count_rows(teams, link),
            "by_rule": by_rule,
            "by_rule_rows": count_rows(by_rule),
            "due_soon_days": selectors.due_soon_days(),
            "done_late_days": selectors.done_late_days(),
            "today": day,
        },
    )
