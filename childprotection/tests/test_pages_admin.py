"""The admin: MACPTs are edited with their members; case records are listed read-only,
without the children's details."""

from childprotection.models import MultiAgencyChildProtectionTeam
from partners.models import User

from .test_pages import enquiry, episode, plan  # noqa: F401 - fixtures


def test_the_admin_lists_teams_and_case_records_without_children(client, user, plan):  # noqa: F811
    client.force_login(user(User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    team = MultiAgencyChildProtectionTeam.objects.create(name="North MACPT")
    page = client.get("/admin/childprotection/multiagencychildprotectionteam/").content.decode()
    assert "North MACPT" in page
    assert "education, local authority children" in page
    assert client.get(f"/admin/childprotection/multiagencychildprotectionteam/{team.pk}/change/").status_code == 200
    for model in ("strategydiscussion", "section47enquiry", "conference", "childprotectionplan"):
        response = client.get(f"/admin/childprotection/{model}/")
        assert response.status_code == 200
        assert "Testchild" not in response.content.decode()
        assert client.get(f"/admin/childprotection/{model}/add/").status_code == 403
    response = client.get(f"/admin/childprotection/childprotectionplan/{plan.pk}/change/")
    assert response.status_code == 200
    assert "Testchild" not in response.content.decode()
