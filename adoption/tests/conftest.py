"""The adoption tests share Family Help's fixtures (a local authority, its team, social worker
and manager, a child)."""

from familyhelp.tests.conftest import *  # noqa: F401,F403
