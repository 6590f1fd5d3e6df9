"""Dropped feed files: loaded whole or refused whole, with the reason beside them."""

import pytest

from linkage import drop
from linkage.models import PartnerRecord
from testing import builders

pytestmark = pytest.mark.django_db
HEADER = "record_id,agency,given_names,family_name,date_of_birth,sex,postcode,nhs_number,upn\n"


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_good_file_is_loaded_and_moved_to_done(tmp_path):
    police = builders.police()
    _write(tmp_path, "police.csv", HEADER + f"P1,{police.name},Alex,Testchild,2016-04-01,M,LS28 7FL,,\n")
    [outcome] = drop.load_folder(tmp_path)
    assert outcome.submission.records == 1
    assert PartnerRecord.objects.get().agency == police
    assert (tmp_path / "done" / "police.csv").exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("record_id,given_names\nP1,Alex\n", "missing the columns"),
        (HEADER + "P1,Nobody Agency,Alex,Testchild,2016-04-01,M,,,\n", "does not know: Nobody Agency"),
        (
            HEADER + "P1,{police},Alex,Testchild,2016-04-01,M,,,\nP2,{police},,,2016-04-01,M,,,\n",
            "Record 2 has no name",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_and_says_why(tmp_path, text, says):
    police = builders.police()
    _write(tmp_path, "feed.csv", text.format(police=police.name))
    [outcome] = drop.load_folder(tmp_path)
    assert outcome.submission is None
    assert says in outcome.problem
    assert says in (tmp_path / "failed" / "feed.csv.txt").read_text()
    assert not PartnerRecord.objects.exists()


def test_a_file_too_large_is_refused_unread(tmp_path, settings):
    settings.LINKAGE_MAX_FILE_BYTES = 10
    builders.police()
    _write(tmp_path, "big.csv", HEADER)
    [outcome] = drop.load_folder(tmp_path)
    assert "at most 10 bytes" in outcome.problem
