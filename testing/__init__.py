"""Test support shared by every app's tests and the browser tests, in one place.

- ``testing.builders``: plain functions that build the test world (a local authority, its
  teams, partner agencies, children), and the case-work builders re-exported from the apps.
- ``testing.fixtures``: the pytest fixtures made from them (``user``, ``la``, ``team``,
  ``worker``, ``manager``, ``child``...), registered for the whole suite by the root conftest.
- ``testing.pages``: page-test helpers (``signed_in``, ``refused``, ``problem``, ``saved``,
  ``date_data``).
- ``testing.browser``: the browser tests' set-up (Chromium, Playwright's page, sign-in, checks).
- ``testing.demo``: one fixture factory for a generated demo authority, and the wipe after it.
"""
