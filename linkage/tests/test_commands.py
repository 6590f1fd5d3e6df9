"""The evaluation commands: the synthetic files, link_files's output and its refusals."""

import csv
import json
import math

import pyarrow.parquet as pq
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


def test_link_files_sets_the_prior_for_the_index_it_scores_and_writes_the_details(files, trained, tmp_path):
    def weights(model_file, out, details=None):
        call_command(
            "link_files",
            index=files / "index.parquet",
            feed=files / "feed.parquet",
            out=out,
            model=model_file,
            details=details,
        )
        with out.open() as handle:
            return {row["record_id"]: (row["person_id"], row["match_weight"]) for row in csv.DictReader(handle)}

    as_trained = weights(files / "model.json", tmp_path / "a.csv")
    # The same model, as if trained on an index of 3,000 children: ten times the 300 scored here,
    # so every pair's weight is log2(10) higher here.
    model = json.loads((files / "model.json").read_text())
    model["accuracy"] = {"trained_on": {"index": "index.parquet", "index_size": 3000}}
    (tmp_path / "scaled.json").write_text(json.dumps(model))
    scaled = weights(tmp_path / "scaled.json", tmp_path / "b.csv", details=tmp_path / "details.parquet")
    shifts = [
        float(scaled[record][1]) - float(weight)
        for record, (person, weight) in as_trained.items()
        if weight and scaled[record][1] and scaled[record][0] == person
    ]
    assert len(shifts) > 200
    assert all(abs(shift - math.log2(10)) < 0.002 for shift in shifts)  # the file rounds to 3 places
    details = pq.read_table(tmp_path / "details.parquet")
    assert {"record_id", "person_id", "band", "runner_up", "w_first_name", "g_household"} <= set(details.column_names)
    assert details.num_rows == sum(1 for person, _ in scaled.values() if person)
