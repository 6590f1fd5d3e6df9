"""The exploitation team's intelligence pages in a real browser: a child's network (the graph,
drawn by Cytoscape.js, and the same network as tables), a place and a group shared by two
children, the review queue, and a MACE panel, meeting and agenda item; each opened by a member
of the exploitation team. The `page` fixture runs axe-core on every page at 1,280 and 320 px and
checks nothing scrolls sideways at 320 px."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import sign_in

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def network(user, worker):
    from exploitation.mace import services as mace
    from exploitation.networks import services
    from partners.models import User

    team = builders.team(worker.agency, "Exploitation team", function="exploitation")
    officer = user(User.Role.SOCIAL_WORKER, team=team, first_name="Exe", last_name="Worker")
    police = builders.police()
    first = builders.child(given_names="Ash", family_name="Testnet", date_of_birth=datetime.date(2011, 3, 1))
    second = builders.child(given_names="Blake", family_name="Testnet", date_of_birth=datetime.date(2011, 4, 1))
    from people.models import Involvement

    for child in (first, second):
        Involvement.objects.create(
            person=child, agency=officer.agency, team=team, kind="Exploitation", start_date=datetime.date(2026, 1, 5)
        )
    shop = services.add_place(officer, kind="takeaway", name="The chicken shop", postcode="TS1 1AA")
    group = services.add_group(officer, kind="peer_group", name="The estate boys")
    for child, target in ((first, {"place": shop}), (second, {"place": shop}), (second, {"group": group})):
        services.record_association(
            officer,
            child,
            nature="Seen at",
            observed_on=datetime.date.today() - 10 * DAY,
            source="PC Synthetic",
            source_agency=police,
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            sensitivity="mace",
            **target,
        )
    panel = mace.create_panel(officer, name="Testshire MACE")
    meeting = mace.hold_meeting(officer, panel, held_on=datetime.date.today() - DAY, chair=officer)
    item = mace.add_agenda_item(officer, meeting, place=shop)
    return {
        "officer": officer,
        "first": first,
        "shop": shop,
        "group": group,
        "panel": panel,
        "meeting": meeting,
        "item": item,
    }


def test_the_exploitation_teams_pages(page, network):
    world = network
    sign_in(page, world["officer"])
    page.goto(f"/missing/people/{world['first'].pk}/network/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("The chicken shop").first).to_be_visible()
    expect(page.get_by_text("Blake Testnet").first).to_be_visible()
    for url in (
        "/missing/intelligence/",
        f"/missing/intelligence/places/{world['shop'].pk}/",
        f"/missing/intelligence/groups/{world['group'].pk}/",
        "/missing/intelligence/places/new/",
        "/missing/intelligence/review/",
        f"/missing/people/{world['first'].pk}/associations/new/",
        "/missing/mace/",
        f"/missing/mace/panels/{world['panel'].pk}/",
        f"/missing/mace/meetings/{world['meeting'].pk}/",
        f"/missing/mace/items/{world['item'].pk}/information/new/",
        f"/missing/mace/items/{world['item'].pk}/actions/new/",
        f"/missing/mace/items/{world['item'].pk}/level/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/missing/intelligence/places/new/")
    page.get_by_role("button").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
