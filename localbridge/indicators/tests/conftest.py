import pytest

from localbridge.indicators.catalogue import seed_definitions
from localbridge.indicators.models import IndicatorDefinition


@pytest.fixture
def definitions(db):
    """The seeded catalogue (seeded again when a transactional test has flushed the tables), by code."""
    seed_definitions(IndicatorDefinition)
    return IndicatorDefinition.objects.in_bulk(field_name="code")
