"""The evaluation commands: the synthetic files, link_files's output and its refusals."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from linkage import scoring


@pytest.fixture
def files(tmp_path, trained):
    call_command("linkage_synthetic", children=300, feed=400, seed=3, out=tmp_path)
    model = {"splink_settings": trained, "thresholds": scoring.Thresholds.default().as_dict()}
    (tmp_path / "model.json").write_text(json.dumps(model))
    return tmp_path


def test_link_files_writes_a_band_for_every_record(files, capsys):
    out = files / "links.csv"
    call_command(
        "link_files",
        index=files / "index.parquet",
        feed=files / "feed.parquet",
        out=out,
        model=files / "model.json",
        truth=files / "truth.csv",
    )
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["record_id", "person_id", "match_weight", "band"]
    assert len(rows) == 400
    assert {row["band"] for row in rows} <= {"auto", "review", "none"}
    figures = json.loads(capsys.readouterr().out)
    assert figures["auto_precision"] >= 0.99


def test_link_files_refuses_a_feed_of_the_wrong_shape(files, tmp_path):
    (tmp_path / "bad.csv").write_text("record_id,given_names\nR1,Alex\n")
    with pytest.raises(CommandError, match="missing the columns"):
        call_command(
            "link_files",
            index=files / "index.parquet",
            feed=tmp_path / "bad.csv",
            out=tmp_path / "o.csv",
            model=files / "model.json",
        )


def test_link_files_refuses_a_record_with_no_name(files, tmp_path):
    header = "record_id,agency,given_names,family_name,date_of_birth,sex,postcode,nhs_number,upn\n"
    (tmp_path / "noname.csv").write_text(header + "R1,police,,,2016-01-01,M,,,\n")
    with pytest.raises(CommandError, match="no name"):
        call_command(
            "link_files",
            index=files / "index.parquet",
            feed=tmp_path / "noname.csv",
            out=tmp_path / "o.csv",
            model=files / "model.json",
        )


@pytest.mark.django_db
def test_link_files_needs_an_approved_model_when_none_is_given(files, tmp_path):
    with pytest.raises(CommandError, match="no approved linkage model"):
        call_command("link_files", index=files / "index.parquet", feed=files / "feed.parquet", out=tmp_path / "o.csv")
