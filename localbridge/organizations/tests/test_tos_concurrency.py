"""Two submissions of the same territory at the same time: only one can win.

On PostgreSQL two transactions can both pass the "is the territory free?" check before either commits; the
partial unique constraint organizations_one_tos_per_territory then refuses the second, and the service turns
that IntegrityError into the same field error as the check. (On SQLite the write transactions are IMMEDIATE, so
writers queue and the check alone decides; the race cannot happen there.)
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from localbridge.core.audit import audit_history
from localbridge.organizations import services
from localbridge.organizations.models import Organization, OrganizationStatus
from localbridge.organizations.tests.tos_support import (
    chair_of,
    complete_draft,
    fast_password_hashing,  # noqa: F401  (an autouse fixture)
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs concurrent writers (PostgreSQL)"),
]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_concurrent_submission_of_a_taken_territory_gets_the_clear_error():
    first = complete_draft()
    second = complete_draft(municipality=first.municipality)
    key = services.tos_territory_key(first.municipality_id, first.tos.territory_name)
    held, release = threading.Event(), threading.Event()

    def competitor() -> None:
        # Another transaction takes the territory and does not commit until told to.
        try:
            with transaction.atomic():
                Organization.objects.filter(pk=first.pk).update(status=OrganizationStatus.SUBMITTED, territory_key=key)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    outcome: dict[str, object] = {}

    def applicant() -> None:
        try:
            services.tos_submit(tos=second, actor=chair_of(second))
            outcome["result"] = "submitted"
        except ValidationError as exc:
            outcome["result"] = exc
        finally:
            connection.close()

    blocker = threading.Thread(target=competitor)
    blocker.start()
    assert held.wait(timeout=30)
    submitter = threading.Thread(target=applicant)
    submitter.start()
    # Let the competitor commit only once our submission passed its check and waits on the unique index.
    waited = False
    for _ in range(600):
        waited = _waiting_on_a_lock()
        if waited or not submitter.is_alive():
            break
        threading.Event().wait(0.05)
    release.set()
    submitter.join(timeout=30)
    blocker.join(timeout=30)

    assert waited, "the submission should have passed its check and waited on the constraint"
    error = outcome["result"]
    assert isinstance(error, ValidationError)
    assert [e.code for e in error.error_dict["territory_name"]] == ["territory_taken"]
    second.refresh_from_db()
    assert second.status == OrganizationStatus.DRAFT
    assert not audit_history(obj=second).filter(action="submit").exists()
