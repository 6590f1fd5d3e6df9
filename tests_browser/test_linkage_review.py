"""Record linkage in a real browser: a front-door manager uploads a police feed (first with a
record that has no name: the GOV.UK error summary, nothing kept), the feed is scored (the job
run here, as the worker would), its page shows the counts; the record of one of two twins waits
for review; the manager opens it (the two records side by side, the waterfall chart of the
weights, the reasons in words), tries to decide without a reason (the error summary), then
links it to the right twin, and the queue is empty. The `page` fixture runs axe-core on every
page at 1,280 and 320 px and checks nothing scrolls sideways at 320 px. Everyone here is
synthetic."""

import datetime

import pytest
from playwright.sync_api import expect

from linkage import evaluation, model, scoring, services, synthetic
from linkage.models import LinkageRun, LinkDecision
from partners.models import User
from people.services import add_identifier, record_address
from testing import builders
from testing.browser import screenshot, sign_in

pytestmark = pytest.mark.browser
HEADER = "record_id,given_names,family_name,date_of_birth,sex,postcode,nhs_number,upn"
HOME = {"line_1": "1 Linkage Road", "town": "Testtown", "postcode": "LS1 4AP"}


@pytest.fixture(scope="module")
def trained_model():
    """A model trained on a small synthetic world (no database needed)."""
    index, feed, _ = synthetic.make(1000, 2000, 20)
    index_rows, feed_rows = evaluation.clean_index(index), evaluation.clean_feed(feed)
    return model.train(model.arrow_table(index_rows), model.arrow_table(feed_rows))


@pytest.fixture
def linkage_world(user, trained_model):
    manager = user(User.Role.MASH_MANAGER)
    police = builders.police()
    born = datetime.date(2017, 6, 3)
    twins = [builders.child(name, "Ashdown", date_of_birth=born, sex="F") for name in ("Poppy", "Daisy")]
    for twin, nhs in zip(twins, ("9434765919", "9434765870"), strict=True):
        add_identifier(manager, twin, id_type="NHS", value=nhs)
        record_address(manager, twin, address_fields=HOME)
    services.approve_model(
        manager,
        services.store_model(None, trained_model, thresholds=scoring.Thresholds.default(), accuracy={}),
    )
    return {"manager": manager, "police": police, "twins": twins}


def test_upload_a_feed_score_it_and_review_a_twin(page, linkage_world):
    manager, police = linkage_world["manager"], linkage_world["police"]
    poppy = linkage_world["twins"][0]
    sign_in(page, manager)
    page.goto("/more/")
    page.get_by_role("link", name="Partners' feeds of records").click()
    page.get_by_role("link", name="Upload a feed").click()

    # A record with no name: refused whole, every problem listed.
    bad = f"{HEADER}\nP1,Poppy,Ashdown,2017-06-03,F,LS1 4AP,,\nP2,,,2017-06-03,F,,,\n"
    page.get_by_label("Which agency are the records from?").select_option(label=police.name)
    page.get_by_label("Upload the file").set_input_files(
        files=[{"name": "police.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Upload the records").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Record 2 has no name")
    screenshot(page, "linkage-upload-refused")

    # Poppy's record with no NHS number: one of two twins at one address, so it is reviewed.
    good = f"{HEADER}\nP1,Poppy,Ashdown,2017-06-03,F,LS1 4AP,,\n"
    page.get_by_label("Which agency are the records from?").select_option(label=police.name)
    page.get_by_label("Upload the file").set_input_files(
        files=[{"name": "police.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Upload the records").click()
    expect(page.get_by_text("1 record received from Testshire Police")).to_be_visible()
    expect(page.get_by_text("waiting to be scored")).to_be_visible()

    # The worker's job, run here.
    run = LinkageRun.objects.get()
    assert services.link_records(run.pk) == "finished"
    page.reload()
    expect(page.get_by_role("table", name="How the records were scored")).to_be_visible()
    screenshot(page, "linkage-feed-scored")

    page.get_by_role("link", name="The records to review").click()
    expect(page.get_by_role("heading", level=1, name="Partner records to review")).to_be_visible()
    page.get_by_role("link", name="Poppy Ashdown").click()
    expect(page.get_by_role("heading", level=1, name="Which child is this record about?")).to_be_visible()
    expect(page.get_by_role("img", name="How the match weight of Poppy Ashdown adds up")).to_be_visible()
    expect(page.get_by_text("Dates of birth are the same").first).to_be_visible()
    expect(page.get_by_text("The child has a twin").first).to_be_visible()
    screenshot(page, "linkage-review")

    page.get_by_label("Same child: link the record to the child").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why this is the same child")
    page.get_by_label("Same child: link the record to the child").check()
    page.get_by_label(f"{poppy.full_name}, born", exact=False).check()
    page.get_by_label("Why?").fill("The police officer confirmed the school and the GP")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Record linked to Poppy Ashdown")).to_be_visible()
    expect(page.get_by_text("No records are waiting")).to_be_visible()
    decision = LinkDecision.objects.get(outcome="linked")
    assert decision.person == poppy
    page.set_viewport_size({"width": 320, "height": 900})
    screenshot(page, "linkage-queue-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="How accurate the model is against reviewers' decisions").click()
    expect(page.get_by_role("table", name="What the model would have done with the labelled pairs")).to_be_visible()
    screenshot(page, "linkage-accuracy")
