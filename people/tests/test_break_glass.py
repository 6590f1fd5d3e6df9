"""Breaking the glass on a record the user already sees in full (issue 17, finding 5)."""

import datetime

from people.models import BreakGlass, Involvement
from people.services import record_person


def test_breaking_the_glass_on_a_record_already_open_goes_to_the_record(user, client, db):
    child = record_person(
        None, kind="child", given_names="Ines", family_name="Halloran", date_of_birth=datetime.date(2016, 2, 29)
    )
    worker = user()
    Involvement.objects.create(
        person=child, agency=worker.agency, team=worker.team, kind="Child in need", start_date=datetime.date(2024, 1, 1)
    )
    client.force_login(worker)
    url = f"/people/{child.pk}/break-glass/"
    for response in (client.get(url), client.post(url, {"reason": "Checking the record out of hours"})):
        assert response.status_code == 302
        assert response["Location"] == f"/people/{child.pk}/"
    assert not BreakGlass.objects.exists()
