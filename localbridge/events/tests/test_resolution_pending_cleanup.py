"""`events_clean_pending`: the files uploaded for a resolution whose correction was never saved are removed from
media/resolutions/pending/ once older than the hours given (24 by default); newer ones and other files stay."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from localbridge.events.services.resolutions import PENDING_FOLDER

from .resolution_factories import SAMPLE_TEXT, staff_user

pytestmark = pytest.mark.django_db


def _file(path: str, hours_old: float) -> Path:
    """A real file in MEDIA_ROOT (the test's own folder), last written `hours_old` hours ago."""
    stored = default_storage.save(path, ContentFile(SAMPLE_TEXT.encode()))
    full = Path(default_storage.path(stored))
    moment = time.time() - hours_old * 3600
    os.utime(full, (moment, moment))
    return full


def _run(*args: str) -> str:
    out = StringIO()
    call_command("events_clean_pending", *args, stdout=out, verbosity=2)
    return out.getvalue()


def test_old_pending_files_go_and_the_rest_stay(settings):
    old = _file(f"{PENDING_FOLDER}/old.docx", hours_old=30)
    older = _file(f"{PENDING_FOLDER}/older.txt", hours_old=24 * 7)
    fresh = _file(f"{PENDING_FOLDER}/fresh.docx", hours_old=2)
    kept = _file("resolutions/saved.docx", hours_old=24 * 30)  # a saved resolution's file: never touched
    assert str(old).startswith(str(settings.MEDIA_ROOT))
    output = _run()
    assert not old.exists() and not older.exists()
    assert fresh.exists() and kept.exists()
    assert f"removed {PENDING_FOLDER}/old.docx" in output and output.strip().endswith(
        "2 pending upload(s) older than 24 h removed"
    )
    output = _run("--older-than-hours", "1")
    assert not fresh.exists() and kept.exists()
    assert _run().strip().startswith("0 ")


def test_nothing_to_clean_and_a_wrong_number():
    assert _run().strip().startswith("0 ")  # no pending folder at all
    with pytest.raises(CommandError):
        _run("--older-than-hours", "0")


def test_an_abandoned_upload_is_cleaned_after_a_day(client):
    client.force_login(staff_user())
    upload = ContentFile(SAMPLE_TEXT.encode(), name="резолюция.txt")
    response = client.post(reverse("events:resolution_enter"), {"file": upload})
    assert response.status_code == 200
    (pending,) = default_storage.listdir(PENDING_FOLDER)[1]
    path = Path(default_storage.path(f"{PENDING_FOLDER}/{pending}"))
    assert _run().strip().startswith("0 ") and path.exists()  # its correction may still be saved
    moment = time.time() - 25 * 3600
    os.utime(path, (moment, moment))
    _run()
    assert not path.exists()
