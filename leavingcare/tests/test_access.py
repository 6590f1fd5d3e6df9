"""The care leaver routes for every role, with the access matrix's world and expectations
(kernel/tests/test_access_matrix.py), so that this module's rows are checked even while
another module's routes are not in the matrix yet."""

import pytest

from kernel.tests.test_access_matrix import (  # noqa: F401 - world is a fixture
    ANONYMOUS,
    EXPECTED,
    ROLES,
    concrete,
    denied,
    rule_of,
    site_routes,
    world,
)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: str(role))
def test_care_leaver_routes_for_every_role(client, world, role):
    if role != ANONYMOUS:
        client.force_login(world["users"][role])
    routes = [(pattern, view) for pattern, view, _ in site_routes() if pattern.startswith("care-leavers/")]
    assert len(routes) == 9  # the list (/care-leavers/) and the eight about one young person
    wrong = []
    for pattern, view in routes:
        url = concrete(pattern, world)
        name = rule_of(view, url)
        response = client.get(url)
        allowed = role in EXPECTED[name]
        if allowed and (denied(response, role, False) or response.status_code >= 500):
            wrong.append(f"{url} ({name}) refused {role}: {response.status_code}")
        if not allowed and not denied(response, role, False):
            wrong.append(f"{url} ({name}) let {role} in: {response.status_code}")
    assert not wrong, "\n".join(wrong)
