import pytest

from localbridge.cooperation import selectors


@pytest.fixture(autouse=True)
def _fresh_finder_index():
    """Each test's database differs (and SQLite reuses ids after a rollback): no test sees another's index."""
    selectors.finder_invalidate()
    yield
    selectors.finder_invalidate()
