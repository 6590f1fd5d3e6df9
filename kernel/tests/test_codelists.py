import datetime

import pytest

from kernel import codelists
from kernel.models import Code, CodeList


@pytest.mark.django_db
def test_dfe_code_lists_are_loaded_by_the_migrations():
    assert len(codelists.codes("ethnicity")) == 20
    assert codelists.label("ethnicity", "WBRI") == "White British"
    assert {code for code, _ in codelists.codes("disability")} >= {"NONE", "AUT", "LD", "DDA"}
    assert len(codelists.codes("referral-source")) == 22
    assert codelists.is_valid("sex", "U")


@pytest.mark.django_db
def test_codes_are_versioned_by_date():
    codelists.clear_cache()
    test_list = CodeList.objects.create(slug="test-place", name="Test placements", source="test")
    Code.objects.create(code_list=test_list, code="Z1", label="Old", valid_to=datetime.date(2025, 3, 31))
    Code.objects.create(code_list=test_list, code="Z11", label="New", valid_from=datetime.date(2025, 4, 1))
    assert [c for c, _ in codelists.codes("test-place", datetime.date(2025, 3, 31))] == ["Z1"]
    assert [c for c, _ in codelists.codes("test-place", datetime.date(2025, 4, 1))] == ["Z11"]
    assert codelists.label("test-place", "Z1") == "Old"  # old records still show their label
    assert not codelists.is_valid("test-place", "Z1", datetime.date(2026, 1, 1))
    codelists.clear_cache()
