"""The child-protection tests share Family Help's fixtures: a local authority with an
assessment team, its social worker and manager, a conference chair, a child and a sibling."""

from familyhelp.tests.conftest import *  # noqa: F401,F403
from familyhelp.tests.conftest import MINIMUM_ATTENDEES  # noqa: F401
