import pytest


@pytest.fixture(autouse=True)
def anchor_path(settings, tmp_path):
    """Each audit test anchors the chain to a file of its own, never to the checkout's var/."""
    path = tmp_path / "audit-anchor.jsonl"
    settings.AUDIT_ANCHOR = str(path)
    settings.AUDIT_ANCHOR_STORE = "audit.anchor.FileAnchorStore"
    return path
