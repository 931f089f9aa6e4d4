import io

import pytest
from django.core.management import call_command

from localbridge.territories.models import Country, Municipality, Region, Settlement


def wipe_territories() -> None:
    Settlement.objects.all().delete()
    Municipality.objects.all().delete()
    Region.objects.all().delete()
    Country.objects.all().delete()


@pytest.fixture(scope="module")
def reference_data(django_db_setup, django_db_blocker):
    """The real reference data (settings.SHARED_DATA_DIR), loaded once for the module's tests, removed after.
    Returns what the command printed."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("load_reference", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        wipe_territories()
