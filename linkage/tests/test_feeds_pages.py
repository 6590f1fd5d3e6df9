"""Uploading a feed (issue 20, item 1): the same checks as the API and the drop folder, every
problem in the GOV.UK error summary, nothing half-loaded; a good file is kept, its scoring
queued, and its page says how it was scored. Everyone here is synthetic."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linkage import services, testing
from linkage.models import LinkageRun, PartnerRecord, Submission
from partners.models import User
from testing import builders
from testing.pages import audited, problem, text

pytestmark = pytest.mark.django_db
R = User.Role
HEADER = "record_id,given_names,family_name,date_of_birth,sex,postcode,nhs_number,upn"
GOOD = f"{HEADER}\nH1,Alex,Testchild,2016-04-01,M,LS1 4AP,9434765919,\nH2,Sam,Testchild,2019-09-01,F,LS1 4AP,,\n"


@pytest.fixture
def analyst(user):
    return user(R.ANALYST)


@pytest.fixture
def health(db):
    return builders.agency("health", "Testshire Community Health")


def _post(client, agency, content, name="feed.csv"):
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())
    return client.post(reverse("linkage:upload"), {"agency": agency.pk if agency else "", "upload": upload})


def test_the_upload_page_and_who_may_use_it(client, analyst, worker):
    client.force_login(worker)
    assert client.get(reverse("linkage:upload")).status_code == 403
    client.force_login(analyst)
    page = text(client.get(reverse("linkage:upload")))
    assert "Upload a feed of records" in page
    assert page.count('enctype="multipart/form-data"') == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (GOOD, "feed.txt", "The file must be a CSV file (.csv) or a Parquet file (.parquet)"),
        ("record_id,given_names,colour\nH1,Alex,red\n", "feed.csv", "The file is missing the columns family_name"),
        (f"{HEADER},colour\nH1,Alex,T,2016-04-01,M,,,,red\n", "feed.csv", "columns this feed does not take: colour"),
        (f"{HEADER}\nH1,,,2016-04-01,M,,,\n", "feed.csv", "Record 1 has no name"),
        (f"{HEADER}\nH1,Alex,T,2016-13-01,M,,,\n", "feed.csv", "Record 1:"),
        (
            f"{HEADER},agency\nH1,Alex,T,2016-04-01,M,,,,Nowhere Trust\n",
            "feed.csv",
            "an agency the service does not know",
        ),
        (b"\xff\xfe\x00garbage", "feed.parquet", "The file could not be read"),
    ],
)
def test_a_bad_file_is_refused_whole_with_its_problems(client, analyst, health, content, name, message):
    client.force_login(analyst)
    assert message in problem(_post(client, health, content, name))
    assert not Submission.objects.exists()
    assert not PartnerRecord.objects.exists()


def test_no_agency_no_file_and_too_large(client, analyst, health, settings):
    client.force_login(analyst)
    response = client.post(reverse("linkage:upload"), {"agency": ""})
    summary = problem(response)
    assert "Select the agency the records are from" in summary
    assert "Select a file of records to upload" in summary
    settings.LINKAGE_MAX_FILE_BYTES = 10
    assert "The file must be smaller than" in problem(_post(client, health, GOOD))
    settings.LINKAGE_MAX_FILE_BYTES = 10**6
    settings.LINKAGE_MAX_RECORDS = 1
    assert "send at most 1" in problem(_post(client, health, GOOD))
    assert not PartnerRecord.objects.exists()


def test_a_good_file_is_kept_its_scoring_queued_and_its_page_shows_the_counts(
    client, analyst, health, django_capture_on_commit_callbacks
):
    testing.approved_model(analyst)
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, health, GOOD)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:feed", args=[submission.pk])
    assert (submission.records, submission.source, submission.received_by) == (2, "upload", analyst)
    run = LinkageRun.objects.get(submission=submission)
    assert run.task_id  # queued for the worker
    page = text(client.get(response["Location"]))
    assert "waiting to be scored" in page
    # Scored (the tests stand in for the worker): the counts per band.
    LinkageRun.objects.filter(pk=run.pk).update(
        status="finished", counts={"records": 2, "auto": 1, "review": 1, "none": 0}
    )
    Submission.objects.filter(pk=submission.pk).update(status="scored")
    page = text(client.get(response["Location"]))
    assert "How the records were scored" in page
    assert "Linked on their own" in page
    assert audited(user=analyst, summary="Viewed how a feed of records was scored")
    assert f"Feed {submission.pk}" in text(client.get(reverse("linkage:feeds")))


def test_a_parquet_file_with_the_agency_named(client, analyst, health):
    table = pa.table(
        {
            **{name: ["P1"] if name == "record_id" else [""] for name in services.RECORD_FIELDS},
            "given_names": ["Robin"],
            "agency": [health.name],
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    client.force_login(analyst)
    response = _post(client, health, buffer.getvalue(), "feed.parquet")
    assert response.status_code == 302
    assert PartnerRecord.objects.get().given_names == "Robin"
    other = builders.police()
    response = _post(client, other, buffer.getvalue(), "feed.parquet")
    assert "Record 1 is from another agency" in problem(response)
