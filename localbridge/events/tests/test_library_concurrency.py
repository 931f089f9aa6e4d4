"""Two editors adding a version of the same document at once get consecutive numbers, never the same one.

library_version_add numbers a version under a lock on the document's row. On PostgreSQL, without it, two
transactions would both read the same last number and the second would fail on the unique (document, number)
constraint. (On SQLite the write transactions are IMMEDIATE, so writers queue anyway; the race cannot happen.)"""

import threading

import pytest
from django.db import connection, transaction

from localbridge.events.models import DocumentVersion, LibraryDocument
from localbridge.events.services.library import library_version_add
from localbridge.events.tests.library_factories import make_document, platform_staff

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


def test_a_version_added_while_another_is_being_added_gets_the_next_number():
    editor = platform_staff()
    document = make_document(editor)
    held, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first_editor() -> None:
        # Adds version 2 and does not commit until told to.
        try:
            with transaction.atomic():
                version = library_version_add(
                    document=LibraryDocument.objects.get(pk=document.pk), actor=editor, text="Редакция A."
                )
                outcome["first"] = version.number
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def second_editor() -> None:
        try:
            version = library_version_add(
                document=LibraryDocument.objects.get(pk=document.pk), actor=editor, text="Редакция B."
            )
            outcome["second"] = version.number
        except Exception as exc:  # reported by the assertion below
            outcome["second"] = exc
        finally:
            connection.close()

    blocker = threading.Thread(target=first_editor)
    blocker.start()
    assert held.wait(timeout=30)
    adder = threading.Thread(target=second_editor)
    adder.start()
    # The second editor must wait for the first one's lock on the document before numbering its version.
    waited = False
    for _ in range(600):
        waited = _waiting_on_a_lock()
        if waited or not adder.is_alive():
            break
        threading.Event().wait(0.05)
    release.set()
    adder.join(timeout=30)
    blocker.join(timeout=30)
    assert waited
    assert outcome == {"first": 2, "second": 3}
    document.refresh_from_db()
    assert document.current_version.number == 3
    assert [v.text for v in DocumentVersion.objects.filter(document=document).order_by("number")] == [
        "Текст устава территориального общественного самоуправления.",
        "Редакция A.",
        "Редакция B.",
    ]


def test_many_editors_at_once_get_distinct_consecutive_numbers():
    editor = platform_staff()
    document = make_document(editor)
    editors = 4
    start = threading.Barrier(editors)
    results: list[object] = []
    lock = threading.Lock()

    def add(n: int) -> None:
        try:
            start.wait(timeout=30)
            version = library_version_add(
                document=LibraryDocument.objects.get(pk=document.pk), actor=editor, text=f"Редакция {n}."
            )
            with lock:
                results.append(version.number)
        except Exception as exc:  # reported by the assertion below
            with lock:
                results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [2, 3, 4, 5]  # type: ignore[type-var]
    assert DocumentVersion.objects.filter(document=document).count() == editors + 1
