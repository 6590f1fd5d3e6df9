"""The returns tests share the children-in-care fixtures."""

from childrenincare.tests.conftest import *  # noqa: F401,F403
