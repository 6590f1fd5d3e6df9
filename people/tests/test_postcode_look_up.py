"""Looking a postcode up in the authority's postcode data (people.postcodes.look_up)."""

import json

from people.postcodes import look_up


def test_a_postcode_in_the_authoritys_own_area():
    found = look_up("bd100fe")
    assert (found.postcode, found.known, found.in_area) == ("BD10 0FE", True, True)


def test_a_postcode_in_a_neighbouring_authority_is_known_but_not_in_the_area():
    found = look_up("BD10 0AA")  # Bradford (E08000032), beside the demo's Leeds geography
    assert (found.known, found.in_area) == (True, False)


def test_a_postcode_not_in_the_data_is_not_known():
    found = look_up("SW1A 1AA")
    assert (found.postcode, found.known, found.in_area) == ("SW1A 1AA", False, False)


def test_the_data_is_the_authoritys_own_file_when_set(settings, tmp_path):
    own = tmp_path / "postcodes.json"
    own.write_text(json.dumps({"home": "E06000023", "postcodes": {"E06000023": ["BS1 4DJ"]}}), encoding="utf-8")
    settings.PLACEMENT_POSTCODES_FILE = own
    assert look_up("BS1 4DJ").in_area
    assert not look_up("BD10 0FE").known
