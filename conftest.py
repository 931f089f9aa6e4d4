"""Project-wide pytest fixtures."""

import pytest

from localbridge.core.testing.browser import browser, new_page, page  # noqa: F401  (fixtures for the browser tests)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "ru"
    # load_demo imports the real twin-city network (about 10 s); tests use the small file of cooperation's tests.
    settings.DEMO_TWIN_CITIES_FILE = settings.BASE_DIR / "localbridge/cooperation/tests/data/twin_small.csv"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters (allauth) live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 takes about 0.2 s per hash by design; tests hash thousands of passwords. Tests that check the
    production hasher are marked `real_hasher` and keep settings.PASSWORD_HASHERS as configured."""
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
