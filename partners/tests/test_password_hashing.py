"""The service's own password hasher. The suite hashes with a fast one (conftest.py); the
service, and so every account made outside the tests, uses the hasher checked here."""

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.test import override_settings

MINIMUM_PBKDF2_ROUNDS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256 (2023)


def test_the_service_hashes_passwords_slowly_and_salted():
    with override_settings(PASSWORD_HASHERS=settings.PRODUCTION_PASSWORD_HASHERS):
        hasher = get_hasher()
        assert hasher.algorithm in {"pbkdf2_sha256", "argon2", "scrypt"}
        if hasher.algorithm == "pbkdf2_sha256":
            assert hasher.iterations >= MINIMUM_PBKDF2_ROUNDS
        one, two = make_password("Synthetic password 1"), make_password("Synthetic password 1")
        assert one != two  # salted
        assert identify_hasher(one).algorithm == hasher.algorithm
        assert check_password("Synthetic password 1", one)
        assert not check_password("Synthetic password 2", one)


def test_the_suite_hashes_with_the_fast_hasher_only():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.PRODUCTION_PASSWORD_HASHERS != settings.PASSWORD_HASHERS
