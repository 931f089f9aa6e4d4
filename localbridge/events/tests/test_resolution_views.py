"""The resolutions' pages through the Django test client: entering (paste or upload → correct → save), the
resolution page, an item's status, what is asked of an organisation; with the query counts of the lists."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import ItemEvidence, Resolution, ResolutionItem, ResolutionItemStatus
from localbridge.events.services.resolutions import EvidenceInput, item_evidence_add, item_set_status
from localbridge.events.tests.events_factories import EventFactory, organizer_of
from localbridge.organizations.models import MembershipRole

from .resolution_factories import SAMPLE_TEXT, acting_for, government, make_resolution, staff_user

pytestmark = pytest.mark.django_db


def correction_data(page_content: str, **overrides) -> dict:
    """The correction form as the page rendered it: every input's and textarea's value, as a browser posts it."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self._textarea, self._select = {}, None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("checkbox", "submit"):
                self.data[name] = attrs.get("value") or ""
            elif tag == "textarea" and name:
                self._textarea = name
                self.data[name] = ""
            elif tag == "select" and name:
                self._select = name
            elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.data):
                self.data[self._select] = attrs.get("value") or ""

        def handle_endtag(self, tag):
            if tag == "textarea":
                self._textarea = None
            elif tag == "select":
                self._select = None

        def handle_data(self, data):
            if self._textarea:
                self.data[self._textarea] += data

    parser = Fields()
    parser.feed(page_content)
    data = {k: v.lstrip("\n") if k.endswith("-text") or k == "source_text" else v for k, v in parser.data.items()}
    data.update(overrides)
    return data


# --- entering -----------------------------------------------------------------------------------------------------


def test_only_editors_open_the_enter_page(client):
    url = reverse("events:resolution_enter")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(staff_user())
    assert client.get(url).status_code == 200


def test_pasting_a_text_shows_the_proposed_split_and_saves_nothing(client):
    client.force_login(staff_user())
    response = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Правительству Амурской области"' in content
    assert "Разработать программу поддержки ТОС;</textarea>" in content
    assert 'value="РЕЗОЛЮЦИЯ семинара председателей ТОС"' in content
    assert 'value="2026-03-15"' in content
    assert not Resolution.objects.exists()


def test_correcting_and_saving_the_split(client):
    government()
    client.force_login(staff_user())
    page = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT}).content.decode()
    data = correction_data(
        page,
        **{
            "title": "Резолюция семинара председателей ТОС",
            "s0-1-section": "2",  # move «Проводить ежегодные обучающие семинары.» to the media
            "s0-1-order": "1",
            "s1-0-text": "Освещать работу ТОС в газетах.",
            "new-addressee": "Руководителям ТОС",
            "new-items": "Участвовать в конкурсах.\n\nОбучать активистов.",
            "action": "save",
        },
    )
    response = client.post(reverse("events:resolution_correct"), data)
    resolution = Resolution.objects.get()
    assert response.status_code == 302 and response.url == reverse("events:resolution_detail", args=[resolution.pk])
    rows = [
        (i.section.addressee, i.position, i.text)
        for i in ResolutionItem.objects.filter(resolution=resolution).order_by("section__position", "position")
    ]
    assert rows == [
        ("Правительству Амурской области", 1, "Разработать программу поддержки ТОС;"),
        ("Средствам массовой информации", 1, "Проводить ежегодные обучающие семинары."),
        ("Средствам массовой информации", 2, "Освещать работу ТОС в газетах."),
        ("Руководителям ТОС", 1, "Участвовать в конкурсах."),
        ("Руководителям ТОС", 2, "Обучать активистов."),
    ]
    assert resolution.source_text.replace("\r\n", "\n") == SAMPLE_TEXT
    assert resolution.items.filter(addressees__name="Правительство Амурской области").count() == 1


def test_apply_shows_the_changes_without_saving(client):
    client.force_login(staff_user())
    page = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT}).content.decode()
    data = correction_data(page, **{"s0-0-delete": "1", "action": "apply"})
    response = client.post(reverse("events:resolution_correct"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Разработать программу поддержки ТОС;</textarea>" not in content
    assert "Проводить ежегодные обучающие семинары.</textarea>" in content
    assert not Resolution.objects.exists()


def test_saving_with_no_items_left_shows_the_error_and_keeps_the_page(client):
    client.force_login(staff_user())
    page = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT}).content.decode()
    data = correction_data(
        page, **{"s0-0-delete": "1", "s0-1-delete": "1", "s1-0-delete": "1", "title": "", "action": "save"}
    )
    response = client.post(reverse("events:resolution_correct"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="split-errors"' in content or "errorlist" in content
    assert not Resolution.objects.exists()


def test_a_text_without_structure_is_one_item_with_a_warning(client):
    client.force_login(staff_user())
    text = "Участники встречи решили продолжить работу по благоустройству дворов."
    response = client.post(reverse("events:resolution_enter"), {"text": text})
    content = response.content.decode()
    assert 'data-code="no_structure"' in content
    assert f"{text}</textarea>" in content


def test_a_docx_upload_is_parsed_and_kept(client):
    document = docx.Document()
    for line in ["РЕЗОЛЮЦИЯ", "Правительству области:"]:
        document.add_paragraph(line)
    document.add_paragraph("Поддержать ТОС.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    client.force_login(staff_user())
    upload = SimpleUploadedFile("резолюция.docx", buffer.getvalue())
    page = client.post(reverse("events:resolution_enter"), {"file": upload}).content.decode()
    assert 'value="Правительству области"' in page
    assert "Поддержать ТОС.</textarea>" in page
    response = client.post(reverse("events:resolution_correct"), correction_data(page, action="save"))
    assert response.status_code == 302
    resolution = Resolution.objects.get()
    assert resolution.source_name == "резолюция.docx"
    assert resolution.source_file.read() == buffer.getvalue()
    source = client.get(reverse("events:resolution_source", args=[resolution.pk]))
    assert b"".join(source.streaming_content) == buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "code_text"),
    [
        ("резолюция.pdf", b"%PDF-1.4", "не поддерживаются"),
        ("резолюция.doc", b"\xd0\xcf\x11\xe0", "не поддерживаются"),
        ("резолюция.docx", b"not a zip", "Word"),
    ],
)
def test_an_unsupported_or_broken_upload_is_a_clear_error(client, name, content, code_text):
    client.force_login(staff_user())
    response = client.post(reverse("events:resolution_enter"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="resolution-enter-form"' in body and "errorlist" in body
    assert not Resolution.objects.exists()


def test_the_upload_reference_cannot_be_forged(client):
    client.force_login(staff_user())
    page = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT}).content.decode()
    data = correction_data(page, upload="resolutions/pending/x.docx", action="save")
    assert client.post(reverse("events:resolution_correct"), data).status_code == 302
    assert not Resolution.objects.get().source_file


def test_an_organiser_must_choose_their_event(client):
    event = EventFactory()
    chair = organizer_of(event)
    client.force_login(chair)
    page = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT, "event": event.pk}).content.decode()
    response = client.post(reverse("events:resolution_correct"), correction_data(page, event="", action="save"))
    assert response.status_code == 400 and not Resolution.objects.exists()
    response = client.post(reverse("events:resolution_correct"), correction_data(page, action="save"))
    assert response.status_code == 302
    assert Resolution.objects.get().event == event


# --- reading --------------------------------------------------------------------------------------------------------


def test_the_resolution_page_groups_items_by_addressee_with_progress(client):
    resolution = make_resolution()
    item = resolution.items.order_by("section__position", "position").first()
    staff = staff_user()
    item_set_status(
        item=item,
        actor=staff,
        status=ResolutionItemStatus.DONE,
        evidence=EvidenceInput(kind="url", url="https://example.org/programme", title="Программа"),
    )
    response = client.get(reverse("events:resolution_detail", args=[resolution.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Правительству Амурской области" in content and "Средствам массовой информации" in content
    assert 'data-status="done"' in content
    assert 'href="https://example.org/programme"' in content
    assert '<progress value="1" max="3"' in content  # overall
    assert '<progress value="1" max="2"' in content  # the government's section


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_resolution_page_runs_a_constant_number_of_queries(client):
    government()
    small = make_resolution()
    sections = [{"addressee": f"Правительству Амурской области {n}", "items": ["А.", "Б.", "В."]} for n in range(6)]
    large = make_resolution(sections=sections)
    staff = staff_user()
    for item in large.items.all()[:5]:
        item_evidence_add(item=item, actor=staff, evidence=EvidenceInput(kind="url", url="https://e.org/"))
    client.force_login(staff)
    assert _queries(client, reverse("events:resolution_detail", args=[small.pk])) == _queries(
        client, reverse("events:resolution_detail", args=[large.pk])
    )


def test_the_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_resolution()
    url = reverse("events:resolution_list")
    one = _queries(client, url)
    for n in range(8):
        make_resolution(title=f"Резолюция {n}")
    assert _queries(client, url) == one
    content = client.get(url).content.decode()
    assert "Резолюция 7" in content


def test_the_list_is_searchable_and_exportable(client):
    make_resolution(title="Резолюция форума в Тюмени")
    make_resolution(title="Резолюция съезда")
    content = client.get(reverse("events:resolution_list"), {"q": "тюмени"}).content.decode()
    assert "Резолюция форума в Тюмени" in content and "Резолюция съезда" not in content
    csv = client.get(reverse("events:resolution_list_export", args=["csv"]))
    assert "Резолюция съезда" in b"".join(csv.streaming_content).decode("utf-8-sig")
    xlsx = client.get(reverse("events:resolution_list_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    items = client.get(reverse("events:resolution_export", args=[Resolution.objects.first().pk, "csv"]))
    assert "Освещать работу ТОС." in b"".join(items.streaming_content).decode("utf-8-sig")


# --- tracking an item -----------------------------------------------------------------------------------------------


def test_the_addressee_sets_done_with_evidence_from_the_item_page(client):
    organization = government()
    resolution = make_resolution()
    item = resolution.items.order_by("section__position", "position").first()
    client.force_login(acting_for(organization, MembershipRole.STAFF))
    url = reverse("events:resolution_item", args=[resolution.pk, item.pk])
    assert 'id="item-status-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("events:resolution_item_status", args=[resolution.pk, item.pk]),
        {
            "status-status": "done",
            "status-comment": "",
            "status-evidence_kind": "url",
            "status-evidence_target": "https://amurobl.ru/programma",
            "status-evidence_title": "Постановление",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.DONE
    assert ItemEvidence.objects.get(item=item).title == "Постановление"


def test_done_without_evidence_or_comment_shows_the_error_beside_the_form(client):
    resolution = make_resolution()
    item = resolution.items.first()
    client.force_login(staff_user())
    response = client.post(
        reverse("events:resolution_item_status", args=[resolution.pk, item.pk]), {"status-status": "done"}
    )
    assert response.status_code == 400
    assert "добавьте подтверждение" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.NOT_STARTED


def test_a_stranger_cannot_post_a_status(client):
    resolution = make_resolution()
    item = resolution.items.first()
    client.force_login(UserFactory())
    url = reverse("events:resolution_item_status", args=[resolution.pk, item.pk])
    assert client.post(url, {"status-status": "in_progress"}).status_code == 403
    assert (
        'id="item-status-form"'
        not in client.get(reverse("events:resolution_item", args=[resolution.pk, item.pk])).content.decode()
    )


def test_an_item_of_another_resolution_is_not_found(client):
    item = make_resolution().items.first()
    other = make_resolution()
    assert client.get(reverse("events:resolution_item", args=[other.pk, item.pk])).status_code == 404


def test_evidence_by_a_page_address_and_a_comment(client):
    from localbridge.practices.tests.factories import PublishedPracticeFactory

    practice = PublishedPracticeFactory()
    resolution = make_resolution()
    item = resolution.items.first()
    client.force_login(staff_user())
    response = client.post(
        reverse("events:resolution_item_evidence", args=[resolution.pk, item.pk]),
        {"evidence-evidence_kind": "practice", "evidence-evidence_target": f"http://x/practices/{practice.pk}/"},
    )
    assert response.status_code == 302
    assert ItemEvidence.objects.get(item=item).practice == practice
    response = client.post(
        reverse("events:resolution_item_comment", args=[resolution.pk, item.pk]), {"comment-text": "Идёт работа."}
    )
    assert response.status_code == 302
    page = client.get(reverse("events:resolution_item", args=[resolution.pk, item.pk])).content.decode()
    assert "Идёт работа." in page and practice.title in page


def test_an_editor_links_an_item_to_an_organisation_by_its_number(client):
    resolution = make_resolution(match_addressees=False)
    item = resolution.items.first()
    organization = government("Правительство Смоленской области")
    client.force_login(staff_user())
    response = client.post(
        reverse("events:resolution_item_edit", args=[resolution.pk, item.pk]),
        {"text": item.text, "due_on": "2026-12-31", "more": f"/organizations/{organization.pk}/"},
    )
    assert response.status_code == 302
    assert list(item.addressees.all()) == [organization]


# --- what is asked of an organisation -------------------------------------------------------------------------------


def test_what_is_asked_of_an_organisation_across_resolutions(client):
    organization = government()
    make_resolution(title="Первая резолюция")
    make_resolution(title="Вторая резолюция")
    url = reverse("events:resolution_organization", args=[organization.pk])
    response = client.get(url)
    content = response.content.decode()
    assert "Первая резолюция" in content and "Вторая резолюция" in content
    assert content.count('data-item="') == 4
    few = _queries(client, url)
    make_resolution(title="Третья резолюция")
    assert _queries(client, url) == few


def test_the_organisation_page_links_to_what_is_asked_of_it(client):
    organization = government()
    make_resolution()
    content = client.get(reverse("organizations:detail", args=[organization.pk])).content.decode()
    assert reverse("events:resolution_organization", args=[organization.pk]) in content


def test_an_organiser_corrects_the_resolution_header(client):
    event = EventFactory()
    chair = organizer_of(event)
    resolution = make_resolution(actor=chair, event=event)
    client.force_login(chair)
    url = reverse("events:resolution_edit", args=[resolution.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Исправленное название", "adopted_on": "2026-06-20", "event": event.pk})
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert (resolution.title, str(resolution.adopted_on), resolution.event) == (
        "Исправленное название",
        "2026-06-20",
        event,
    )
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_evidence_is_removed_from_the_item_page(client):
    resolution = make_resolution()
    item = resolution.items.first()
    staff = staff_user()
    evidence = item_evidence_add(item=item, actor=staff, evidence=EvidenceInput(kind="url", url="https://e.org/x"))
    url = reverse("events:resolution_evidence_remove", args=[resolution.pk, item.pk, evidence.pk])
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    client.force_login(staff)
    assert client.post(url).status_code == 302
    assert not ItemEvidence.objects.exists()
