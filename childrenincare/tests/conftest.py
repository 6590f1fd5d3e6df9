"""The children-in-care tests share Family Help's fixtures (a local authority, its
assessment team, social worker and manager, a child and a sibling), and add an IRO and a
nominated officer."""

import pytest

from partners.models import User

from ..testing import designate


@pytest.fixture
def iro(user, la):
    return user(User.Role.IRO, agency=la, team=None)


@pytest.fixture
def nominated_officer(user, la):
    officer = user(User.Role.HEAD_OF_SERVICE, agency=la, team=None)
    designate(officer)
    return officer
