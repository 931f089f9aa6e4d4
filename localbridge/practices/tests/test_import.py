"""Bulk import of practices (importing.py and `manage.py import_practices`): every record through the services,
each in its own transaction; bad records listed with their reasons; a second import adds nothing."""

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.organizations.tests.factories import TosFactory
from localbridge.practices.events import PracticePublished
from localbridge.practices.importing import (
    SYSTEM_EMAIL,
    ImportFileError,
    import_summary,
    practices_import,
    read_records,
    records_from,
    split_body,
)
from localbridge.practices.models import Practice, PracticeStatus, Topic
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_practices.json"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); test_the_reasons_are_translated switches to Russian."""
    with translation.override("en"):
        yield


@pytest.fixture
def place():
    amur = RegionFactory(code="RU-AMU")
    city = MunicipalityFactory(region=amur, country=amur.country, name_ru="Благовещенск", name_en="Blagoveshchensk")
    MunicipalityFactory(region=amur, country=amur.country, name_ru="Свободный", name_en="Svobodny")
    CountryFactory(code="BY", code3="BLR", name_ru="Беларусь", name_en="Belarus")
    return city


def record(**changes):
    base = {
        "title": "Благоустроили двор всем домом",
        "summary": "Жители собрали инициативные платежи и благоустроили двор.",
        "body": "## Проблема\nЯмы и лужи во дворе.\n\n## Что сделано\nСобрание, смета, субботники.\n\n## Результаты\n"
        "Двор отремонтирован.",
        "topics": ["Благоустройство", "Housing and utilities", "youth"],
        "tags": ["двор", "#Инициативные платежи"],
        "language": "ru",
        "country": "RU",
        "region": "RU-AMU",
        "municipality": "Благовещенск",
        "year": 2023,
    }
    base.update(changes)
    return base


def test_a_record_is_created_submitted_and_published_through_the_services(
    place, events, django_capture_on_commit_callbacks
):
    tos = TosFactory(name="ТОС «Улица Ленина»", municipality=place)
    figures = [
        {"kind": "beneficiaries", "value": 640, "unit": "чел."},
        {"kind": "money", "value": "192000", "source": "residents", "currency": "RUB"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report = practices_import(
            records=[record(organization="ТОС «Улица Ленина»", figures=figures, generated=True, external_id="x-1")],
            source="demo.json",
        )

    assert (len(report.created), report.skipped, report.errors) == (1, [], [])
    practice = Practice.objects.get(pk=report.created[0].practice_id)
    assert practice.status == PracticeStatus.PUBLISHED and practice.published_at is not None
    assert (practice.problem, practice.actions, practice.results) == (
        "Ямы и лужи во дворе.",
        "Собрание, смета, субботники.",
        "Двор отремонтирован.",
    )
    assert sorted(practice.topics.values_list("code", flat=True)) == ["housing", "landscaping", "youth"]
    assert sorted(practice.tags.values_list("name", flat=True)) == ["двор", "инициативные платежи"]
    assert (practice.country.code, practice.region.code, practice.municipality) == ("RU", "RU-AMU", place)
    assert list(practice.organizations.all()) == [tos]
    assert (practice.start_year, practice.year, practice.is_generated, practice.author) == (2023, 2023, True, None)
    assert sorted(practice.figures.values_list("kind", flat=True)) == ["beneficiaries", "money"]
    history = list(audit_history(obj=practice))
    assert [e.action for e in history] == ["create", "import", "submit", "publish"]
    assert {e.actor.email for e in history} == {SYSTEM_EMAIL}
    assert history[1].data == {"external_id": "x-1", "file": "demo.json", "row": 1}
    assert any(isinstance(e, PracticePublished) and e.practice_id == practice.pk for e in events)


def test_the_system_account_cannot_sign_in(place):
    practices_import(records=[record()])
    from localbridge.accounts.models import User

    system = User.objects.get(email=SYSTEM_EMAIL)
    assert system.is_superuser and not system.is_staff and not system.has_usable_password()


def test_invalid_records_are_listed_with_their_reasons_and_the_valid_ones_saved(place):
    records = [
        record(title="Первая"),
        record(title="", topics=["no-such-topic"], country="XX"),
        record(title="Из будущего", year=2999),  # rejected by the service: nothing of it is saved
        record(title="Не тот город", municipality="Нигдегорск"),
        ["not", "an", "object"],
        record(title="Чужой регион", country="BY"),
        record(title="Последняя", municipality="Свободный"),
    ]
    report = practices_import(records=records)

    assert [r.row for r in report.created] == [1, 7]
    assert [e.row for e in report.errors] == [2, 3, 4, 5, 6]
    assert Practice.objects.count() == 2
    assert not Practice.objects.filter(title="Из будущего").exists()
    reasons = {e.row: " ".join(e.messages) for e in report.errors}
    assert "Give the practice a title." in reasons[2]
    assert "no-such-topic" in reasons[2] and "“XX”" in reasons[2]
    assert "start year" in reasons[3] and "future" in reasons[3]
    assert "Нигдегорск" in reasons[4]
    assert "not an object" in reasons[5]
    assert "RU-AMU" in reasons[6]
    lines = import_summary(report)
    assert lines[0] == "Records: 7; imported: 2; already there: 0; with errors: 5."
    assert "Record 3 «Из будущего»:" in lines


def test_the_reasons_are_translated(place):
    with translation.override("ru"):
        report = practices_import(records=[record(topics=["nothing"])])
    assert report.errors[0].messages == ["Неизвестная тема «nothing»."]


def test_reimporting_adds_nothing_by_external_id_or_by_title_and_place(place):
    records = [record(external_id="a-1"), record(title="Без внешнего ключа")]
    practices_import(records=records)
    renamed = [record(external_id="a-1", title="Новое название"), record(title="Без внешнего ключа")]

    report = practices_import(records=renamed)

    assert (report.created, [s.row for s in report.skipped]) == ([], [1, 2])
    assert Practice.objects.count() == 2
    # the same title elsewhere is another practice
    assert len(practices_import(records=[record(title="Без внешнего ключа", municipality="Свободный")]).created) == 1


def test_a_municipality_is_matched_within_the_region_or_must_be_unambiguous(place):
    smolensk = RegionFactory(code="RU-SMO", name_ru="Смоленская область")
    MunicipalityFactory(region=smolensk, country=smolensk.country, name_ru="Благовещенск")
    report = practices_import(records=[record(region="", title="Где?"), record(region="", municipality="Свободный")])
    assert [r.row for r in report.created] == [2] and "several regions" in report.errors[0].messages[0]
    assert Practice.objects.get().region.code == "RU-AMU"  # the region follows from the municipality
    report = practices_import(records=[record(title="Тут")])
    assert Practice.objects.get(pk=report.created[0].practice_id).municipality == place


def test_an_external_id_repeated_in_the_file_is_an_error(place):
    report = practices_import(records=[record(external_id="d"), record(title="Другая", external_id="d")])
    assert len(report.created) == 1 and report.errors[0].row == 2


@pytest.mark.parametrize("status", [PracticeStatus.DRAFT, PracticeStatus.ON_MODERATION])
def test_status_may_stop_before_publication(place, status):
    report = practices_import(records=[record()], status=status)
    assert Practice.objects.get(pk=report.created[0].practice_id).status == status


def test_author_and_moderator_are_recorded(place):
    author = UserFactory()
    moderator = UserFactory(is_staff=True)
    report = practices_import(records=[record()], author=author, moderator=moderator)
    practice = Practice.objects.get(pk=report.created[0].practice_id)
    assert practice.author == author
    assert [e.actor for e in audit_history(obj=practice) if e.action == "publish"] == [moderator]


def test_a_dry_run_checks_everything_and_saves_nothing(place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = practices_import(records=[record(), record(title="Будущая", year=2999)], dry_run=True)
    assert (len(report.created), len(report.errors)) == (1, 1)
    assert Practice.objects.count() == 0 and callbacks == []


def test_split_body_into_sections():
    assert split_body("Просто текст") == {"actions": "Просто текст"}
    assert split_body("Вступление\n## Problem\nP\n## What was done:\nA\n## Partners\nX") == {
        "problem": "Вступление\n\nP",
        "actions": "A",
        "partners": "X",
    }
    assert split_body("## Другое\nтекст") == {"actions": "## Другое\nтекст"}


def test_csv_has_the_same_columns_topics_and_tags_separated_by_semicolons(place):
    data = (
        "\ufefftitle,summary,body,topics,tags,language,country,region,municipality,year\n"
        'Двор,Кратко,"Что сделали",Благоустройство;Спорт,двор;лавочки,ru,RU,RU-AMU,Благовещенск,2022\n'
        ",,,,,,,,,\n"
    ).encode()
    records = read_records(data, name="practices.csv")
    report = practices_import(records=records)
    assert [r.row for r in report.created] == [1] and [e.row for e in report.errors] == [2]
    practice = Practice.objects.get()
    assert sorted(practice.topics.values_list("code", flat=True)) == ["landscaping", "sport"]
    assert practice.actions == "Что сделали"


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"{}", "a.json"), (b"[1,", "a.json"), (b"\xff\xfe", "a.csv"), (b"name\nx\n", "a.csv")],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(content, name):
    with pytest.raises(ImportFileError):
        read_records(content, name=name)


def test_the_command_prints_a_summary_and_fails_when_records_were_rejected(place, tmp_path):
    path = tmp_path / "practices.json"
    path.write_text(json.dumps([record(), record(title="", country="XX")], ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 records"):
        call_command("import_practices", str(path), stdout=out, stderr=io.StringIO())
    assert "Records: 2; imported: 1; already there: 0; with errors: 1." in out.getvalue()
    assert "Record 2:" in out.getvalue()

    out = io.StringIO()
    path.write_text(json.dumps([record()], ensure_ascii=False), encoding="utf-8")
    call_command("import_practices", str(path), "--status", "draft", stdout=out)
    assert "imported: 0; already there: 1" in out.getvalue()


def test_the_command_checks_its_options(place, tmp_path):
    path = tmp_path / "practices.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_practices", str(path), "--author", "nobody@example.org")
    plain = UserFactory()
    with pytest.raises(CommandError, match="does not moderate"):
        call_command("import_practices", str(path), "--moderator", plain.email)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_practices", str(tmp_path / "missing.json"))
    out = io.StringIO()
    path.write_text(json.dumps([record()], ensure_ascii=False), encoding="utf-8")
    call_command("import_practices", str(path), "--dry-run", "--author", plain.email, stdout=out)
    assert out.getvalue().startswith("Dry run: nothing was saved.") and Practice.objects.count() == 0


def test_the_demo_corpus_covers_every_topic_in_russian_and_english():
    corpus = records_from(json.loads(FIXTURE.read_text(encoding="utf-8")))
    languages = Counter(item["language"] for item in corpus)
    assert len(corpus) >= 60 and languages["ru"] >= 50 and languages["en"] >= 10
    assert {code for item in corpus for code in item["topics"]} == set(Topic.objects.values_list("code", flat=True))
    assert all(item["generated"] is True for item in corpus)
    assert len({item["external_id"] for item in corpus}) == len(corpus)
    assert len({item.get("region") for item in corpus if item.get("region")}) >= 30
    assert all(item["figures"] and item["summary"] and item["actions"] for item in corpus)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_shows_progress_on_a_terminal_only(place, tmp_path):
    path = tmp_path / "practices.json"
    path.write_text(json.dumps([record(), record(title="Вторая")], ensure_ascii=False), encoding="utf-8")
    terminal = Terminal()
    call_command("import_practices", str(path), "--dry-run", stdout=io.StringIO(), stderr=terminal)
    assert "1/2" in terminal.getvalue() and "2/2" in terminal.getvalue()
    piped = io.StringIO()
    call_command("import_practices", str(path), "--dry-run", stdout=io.StringIO(), stderr=piped)
    assert piped.getvalue() == ""
