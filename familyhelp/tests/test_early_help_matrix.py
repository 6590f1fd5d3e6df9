"""The access matrix for the early help routes alone (kernel/tests/test_access_matrix.py runs
every route; this runs /early-help/ with the same world, so a gap elsewhere does not hide
ours): each role gets in exactly as the rule's expected row says, and nothing fails."""

import re

import pytest

from kernel.access import rule_of
from kernel.tests.test_access_matrix import ANONYMOUS, EXPECTED, ROLES, denied, site_routes, world  # noqa: F401


def _url(pattern, world):
    values = {"person_id": world["child"].pk, **world["values"]}
    url = "/" + pattern
    for name, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    assert "<" not in url, pattern
    return url


@pytest.mark.parametrize("role", ROLES, ids=lambda role: str(role))
def test_early_help_routes(client, world, role):  # noqa: F811
    if role != ANONYMOUS:
        client.force_login(world["users"][role])
    wrong = []
    patterns = [(p, v) for p, v, _ in site_routes() if p.startswith("early-help/")]
    assert len(patterns) >= 12
    for pattern, view in patterns:
        url = _url(pattern, world)
        name = rule_of(view, url)
        assert name == "early_help", url
        response = client.get(url)
        allowed = role in EXPECTED[name]
        if allowed and denied(response, role, False):
            wrong.append(f"{url} refused {role}: {response.status_code}")
        if not allowed and not denied(response, role, False):
            wrong.append(f"{url} let {role} in: {response.status_code}")
        if allowed and response.status_code >= 500:
            wrong.append(f"{url} failed for {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
