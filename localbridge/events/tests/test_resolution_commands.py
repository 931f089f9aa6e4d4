"""parse_resolution (prints the proposed split, saves nothing), import_resolution (saves it) and the demo loader of
the five founding resolutions (through the same parser)."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from localbridge.events.demo_resolutions import DEMO_STATUSES, load_resolutions_demo
from localbridge.events.models import ItemComment, Resolution, ResolutionItem
from localbridge.events.resolution_parser import parse_resolution
from localbridge.events.tests.events_factories import EventFactory

from .resolution_factories import SAMPLE_TEXT, government

FOUNDING = Path(settings.SHARED_DATA_DIR) / "resolutions"
AMUR = FOUNDING / "2016-10-26-amur-tos-conference.txt"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_parse_resolution_json_prints_the_interface_and_saves_nothing():
    out, err = run("parse_resolution", str(AMUR), "--json")
    data = json.loads(out)
    assert list(data) == ["title", "date", "place", "sections"]
    assert data["date"] == "2016-10-26"
    assert [len(s["items"]) for s in data["sections"]] == [2, 2, 6, 3, 3, 5]
    assert data == parse_resolution(AMUR.read_text(encoding="utf-8")).to_json()
    assert err == ""
    assert not Resolution.objects.exists()


def test_parse_resolution_prints_warnings_to_stderr(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("Участники встречи решили продолжить работу.", encoding="utf-8")
    out, err = run("parse_resolution", str(path), "--json")
    assert json.loads(out)["sections"] == [
        {"addressee": None, "items": ["Участники встречи решили продолжить работу."]}
    ]
    assert "no_structure" in err


def test_parse_resolution_outline(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(SAMPLE_TEXT, encoding="utf-8")
    out, _ = run("parse_resolution", str(path))
    assert "[1] Правительству Амурской области — 2 item(s)" in out
    assert "2 section(s), 3 item(s)" in out


@pytest.mark.parametrize("name", ["r.pdf", "missing.txt"])
def test_parse_resolution_refuses_unreadable_files(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError):
        run("parse_resolution", str(path), "--json")


@pytest.mark.django_db
def test_import_resolution_saves_the_split_and_attaches_the_event():
    government()
    event = EventFactory()
    out, _ = run("import_resolution", str(AMUR), "--event", str(event.pk))
    resolution = Resolution.objects.get()
    assert resolution.event == event
    assert resolution.title.startswith("РЕЗОЛЮЦИЯ АМУРСКОЙ ОБЛАСТНОЙ КОНФЕРЕНЦИИ ТОС")
    assert str(resolution.adopted_on) == "2016-10-26"
    assert resolution.sections.count() == 6 and resolution.items.count() == 21
    assert resolution.source_text == AMUR.read_text(encoding="utf-8")
    assert resolution.source_file.read() == AMUR.read_bytes()
    assert "21 item(s), 2 linked to registry organisations" in out


@pytest.mark.django_db
def test_import_resolution_reports_warnings_and_keeps_an_unstructured_text(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Решили продолжить работу в следующем году.", encoding="cp1251")
    out, err = run("import_resolution", str(path))
    assert "no_structure" in err
    resolution = Resolution.objects.get()
    assert resolution.title == "notes"  # no title found: the file's name
    assert [i.text for i in resolution.items.all()] == ["Решили продолжить работу в следующем году."]


@pytest.mark.django_db
def test_import_resolution_with_an_unknown_event_or_user_fails_cleanly():
    with pytest.raises(CommandError):
        run("import_resolution", str(AMUR), "--event", "999999")
    with pytest.raises(CommandError):
        run("import_resolution", str(AMUR), "--user", "nobody@example.org")
    assert not Resolution.objects.exists()


# --- the demo -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_loads_the_five_founding_resolutions_once():
    event = EventFactory(source_slug="2020-09-08-smolensk-tos-congress")
    summary = load_resolutions_demo()
    assert (summary.created, summary.found, summary.attached) == (5, 0, 1)
    assert summary.items == 21 + 4 + 24 + 5 + 12
    assert summary.statuses == len(DEMO_STATUSES)
    assert Resolution.objects.get(source_slug="2020-09-08-smolensk-tos-congress").event == event
    # Every demo status's comment says it is invented.
    assert ItemComment.objects.count() == len(DEMO_STATUSES)
    assert all("(демо)" in comment.text for comment in ItemComment.objects.all())
    assert ResolutionItem.objects.exclude(status="not_started").count() == len(DEMO_STATUSES)
    again = load_resolutions_demo()
    assert (again.created, again.found) == (0, 5)
    assert Resolution.objects.count() == 5


@pytest.mark.django_db
def test_the_demo_without_the_data_folder_says_so(tmp_path):
    summary = load_resolutions_demo(folder=tmp_path / "nowhere")
    assert summary.created == 0 and summary.missing
    assert "Not found" in summary.line()
