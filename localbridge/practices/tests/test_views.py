"""The practice bank's web pages: the search page (facets, snippets, pagination, exports, hostile queries), a
practice's page (figures, files, history, moderation, similar practices, where it spread, "we adopted this"), the
write/edit form, the moderators' queue, "my practices", the organisation page's practices panel, permissions
(403/404) and query counts that stay constant as lists grow."""

import base64
import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.practices import services
from localbridge.practices.forms import search_module
from localbridge.practices.models import (
    Adoption,
    FigureKind,
    MoneySource,
    Practice,
    PracticeAttachment,
    PracticeOrganizationRole,
    PracticeStatus,
    Topic,
)
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeFigureFactory,
    PracticeOrganizationFactory,
    PublishedPracticeFactory,
    association_moderator,
    member_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("practices:list")
CREATE_URL = reverse("practices:create")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HOSTILE_QUERIES = [
    '"',
    '""""',
    "«»",
    "двор NEAR(сквер, 3)",
    "NEAR",
    "*",
    "двор*",
    "двор AND OR NOT сквер",
    "AND",
    "OR OR OR",
    "(((двор",
    "двор)))",
    "title:двор",
    "'; DROP TABLE practices_practice; --",
    "!!!???...,,,;;;",
    "—–-·•",
    "%_%",
    "\\",
    "<script>alert(1)</script>",
    "двор " * 400,
]


def detail_url(practice):
    return reverse("practices:detail", args=[practice.pk])


def reindex():
    """Index every practice when the search integration is installed (the pages fall back to a plain list
    without it)."""
    module = search_module()
    if module is not None:
        module.practice_search_reindex()


def query_count(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def body_of(response):
    return response.content.decode()


# --- the search page ---------------------------------------------------------------------------------------------


def test_the_list_shows_published_practices_only(client):
    PublishedPracticeFactory(title="Двор без луж")
    PracticeFactory(title="Черновик о скверах")
    PracticeFactory(title="На модерации", status=PracticeStatus.ON_MODERATION)
    response = client.get(LIST_URL)
    body = body_of(response)
    assert response.status_code == 200
    assert "Двор без луж" in body
    assert "Черновик" not in body and "На модерации" not in body
    assert response.context["page"].paginator.count == 1


def test_the_list_page_has_a_labelled_search_box_and_an_atom_link(client):
    body = body_of(client.get(LIST_URL, {"topic": "sport", "region": "RU-AMU"}))
    assert '<label for="id_q">' in body
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]+href="/practices/feed/\?', body)
    assert "topic=sport" in body and "region=RU-AMU" in body
    assert '<html lang="ru">' in body


def test_facets_show_counts_and_link_to_narrower_results(client):
    sport = Topic.objects.get(code="sport")
    PublishedPracticeFactory.create_batch(2, topics=[sport])
    PublishedPracticeFactory(title="Только благоустройство")
    response = client.get(LIST_URL)
    groups = {group["name"]: group for group in response.context["facet_groups"]}
    topics = {value["label"]: value["count"] for value in groups["topic"]["values"]}
    assert topics == {"Спорт": 2, "Благоустройство": 1}
    assert 'href="?topic=sport"' in body_of(response)
    narrowed = client.get(LIST_URL, {"topic": "sport"})
    assert narrowed.context["page"].paginator.count == 2
    assert "Только благоустройство" not in body_of(narrowed)
    chosen = {g["name"]: g for g in narrowed.context["facet_groups"]}["topic"]
    assert [v["label"] for v in chosen["values"] if v["selected"]] == ["Спорт"]
    with translation.override("ru"):
        assert gettext("remove this filter") in body_of(narrowed)


def test_every_facet_filters_the_list(client):
    tomsk = MunicipalityFactory(region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    wanted = PublishedPracticeFactory(
        title="Искомая",
        municipality=tomsk,
        language="en",
        start_year=2021,
        year=2021,
        is_recommended=True,
        recommendation_note="Образец.",
        topics=[Topic.objects.get(code="youth")],
    )
    PracticeOrganizationFactory(practice=wanted, organization__kind=OrganizationKind.TOS)
    PublishedPracticeFactory(title="Другая")
    params = {
        "topic": "youth",
        "country": "RU",
        "region": "RU-TOM",
        "municipality": tomsk.pk,
        "organization_kind": "tos",
        "year": 2021,
        "language": "en",
        "recommended": "1",
    }
    for name, value in params.items():
        titles = [p.title for p in client.get(LIST_URL, {name: value}).context["practices"]]
        assert "Искомая" in titles, name
        if name != "country":
            assert "Другая" not in titles, name
    assert [p.title for p in client.get(LIST_URL, params).context["practices"]] == ["Искомая"]


def test_a_bad_filter_value_is_ignored_with_a_message(client):
    PublishedPracticeFactory(title="Видимая")
    response = client.get(LIST_URL, {"year": "вчера", "region": "<b>", "municipality": "-1"})
    assert response.status_code == 200
    assert [p.title for p in response.context["practices"]] == ["Видимая"]
    assert set(response.context["form"].errors) == {"year", "region", "municipality"}


def test_searching_finds_a_practice_by_its_words_and_highlights_them(client):
    PublishedPracticeFactory(title="Скамейки во дворе", summary="Жители поставили скамейки у подъездов.")
    PublishedPracticeFactory(title="Турнир по футболу", summary="Команды дворов сыграли турнир.")
    reindex()
    response = client.get(LIST_URL, {"q": "скамейки"})
    assert [p.title for p in response.context["practices"]] == ["Скамейки во дворе"]
    if search_module() is not None:
        assert "<mark>" in body_of(response)


def test_searching_understands_word_forms(client):
    if search_module() is None:
        pytest.skip("the search integration (practices/search.py) is not installed")
    PublishedPracticeFactory(
        title="Как мы благоустроили двор",
        summary="Жители сами благоустроили двор.",
        problem="",
        actions="",
        results="",
    )
    PublishedPracticeFactory(
        title="Шахматный клуб", summary="Клуб для пенсионеров.", problem="", actions="", results=""
    )
    reindex()
    response = client.get(LIST_URL, {"q": "благоустройство дворов"})
    assert [p.title for p in response.context["practices"]] == ["Как мы благоустроили двор"]
    assert response.context["result"].searched


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_never_fail(client, q):
    PublishedPracticeFactory(title="Двор без луж")
    reindex()
    response = client.get(LIST_URL, {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body_of(response)


def test_a_query_of_punctuation_only_shows_everything_with_a_message(client):
    PublishedPracticeFactory(title="Двор без луж")
    reindex()
    response = client.get(LIST_URL, {"q": "((( *** ))) !!!"})
    assert [p.title for p in response.context["practices"]] == ["Двор без луж"]
    assert response.context["result"].messages
    assert 'class="message"' in body_of(response)


def test_a_two_thousand_character_query_is_cut_with_a_message(client):
    PublishedPracticeFactory(title="Двор без луж")
    reindex()
    response = client.get(LIST_URL, {"q": "двор " * 400})
    assert response.status_code == 200
    with translation.override("ru"):
        expected = gettext("Your query is very long: only its first words were searched for.")
    assert expected in response.context["result"].messages


def test_the_list_is_paginated_and_keeps_the_filters(client):
    PublishedPracticeFactory.create_batch(30, topics=[Topic.objects.get(code="sport")])
    first = client.get(LIST_URL, {"topic": "sport"})
    assert len(first.context["practices"]) == 25
    assert "topic=sport&amp;page=2" in body_of(first)
    second = client.get(LIST_URL, {"topic": "sport", "page": 2})
    assert len(second.context["practices"]) == 5
    assert client.get(LIST_URL, {"page": "999"}).context["page"].number == 2
    assert client.get(LIST_URL, {"page": "abc"}).context["page"].number == 1


def _many_published(n):
    municipality = MunicipalityFactory()
    organization = OrganizationFactory(kind=OrganizationKind.TOS, municipality=municipality)
    practices = PublishedPracticeFactory.create_batch(
        n, municipality=municipality, title="Двор без луж", summary="Жители отремонтировали двор."
    )
    for practice in practices:
        PracticeOrganizationFactory(practice=practice, organization=organization)
        AdoptionFactory(practice=practice)
    reindex()


@pytest.mark.parametrize("params", [{}, {"q": "двор"}, {"topic": "landscaping", "region": "RU-AMU"}])
def test_the_list_makes_as_many_queries_for_100_practices_as_for_10(client, params):
    _many_published(10)
    few = query_count(client, LIST_URL, params)
    _many_published(90)
    assert query_count(client, LIST_URL, params) == few


def test_export_links_carry_the_search_but_not_the_page(client):
    PublishedPracticeFactory()
    reindex()
    body = body_of(client.get(LIST_URL, {"topic": "landscaping", "q": "двор", "page": 1}))
    assert reverse("practices:export", args=["csv"]) + "?q=" in body
    assert "topic=landscaping" in body
    assert "page=1" not in body.split(reverse("practices:export", args=["csv"]))[1].split('"')[0]


def test_the_csv_export_has_the_current_results(client):
    PublishedPracticeFactory(title="Спортивная площадка", topics=[Topic.objects.get(code="sport")])
    PublishedPracticeFactory(title="Клумбы")
    PracticeFactory(title="Черновик")
    response = client.get(reverse("practices:export", args=["csv"]), {"topic": "sport"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][1] == "Спортивная площадка"
    assert rows[1][-1].endswith(reverse("practices:detail", args=[rows[1][0]]))


def test_the_xlsx_export_opens_with_every_result(client):
    PublishedPracticeFactory.create_batch(3)
    response = client.get(reverse("practices:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert rows[0][0] == "ID"


def test_an_export_of_more_than_one_batch_has_every_row(client):
    PublishedPracticeFactory.create_batch(130)
    response = client.get(reverse("practices:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 131
    assert len({row[0] for row in rows[1:]}) == 130


def test_an_unknown_export_format_is_404(client):
    assert client.get(reverse("practices:export", args=["pdf"])).status_code == 404


def test_the_english_interface_is_complete_on_the_list(client):
    PublishedPracticeFactory()
    client.cookies["django_language"] = "en"
    body = body_of(client.get(LIST_URL))
    assert '<html lang="en">' in body
    assert "Search the practices" in body and "Filters" in body


# --- a practice's page -------------------------------------------------------------------------------------------


def test_a_published_practice_is_public_and_a_draft_is_not(client):
    published = PublishedPracticeFactory(title="Открытая")
    draft = PracticeFactory(title="Закрытая")
    assert client.get(detail_url(published)).status_code == 200
    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(draft.author)
    response = client.get(detail_url(draft))
    assert response.status_code == 200
    assert "status-draft" in body_of(response)


def test_the_page_shows_every_section(client):
    author_org = OrganizationFactory(name="ТОС «Северный»", kind=OrganizationKind.TOS)
    partner = OrganizationFactory(name="Фонд «Добро»")
    practice = PublishedPracticeFactory(
        title="Двор мечты",
        summary="Коротко о главном.",
        problem="Лужи **везде**.",
        actions="Собрали сход.",
        results="Сухо.",
        resources="Смета и техника.",
        partners="Администрация района.",
        tags=[],
    )
    PracticeOrganizationFactory(practice=practice, organization=author_org)
    PracticeOrganizationFactory(practice=practice, organization=partner, role=PracticeOrganizationRole.PARTNER)
    services_tags = practice.tags
    services_tags.create(name="субботник")
    body = body_of(client.get(detail_url(practice)))
    for text in [
        "Двор мечты",
        "Коротко о главном.",
        "<strong>везде</strong>",
        "Собрали сход.",
        "Сухо.",
        "Смета и техника.",
        "Администрация района.",
        "ТОС «Северный»",
        "Фонд «Добро»",
        "Благоустройство",
        "#субботник",
        "Амурская область",
    ]:
        assert text in body, text


def test_markdown_is_sanitised(client):
    practice = PublishedPracticeFactory(actions="<script>alert(1)</script> [x](javascript:alert(1))")
    body = body_of(client.get(detail_url(practice)))
    assert "<script>alert(1)" not in body
    assert 'href="javascript' not in body


def test_figures_are_grouped_with_money_by_source_and_currency(client):
    practice = PublishedPracticeFactory()
    PracticeFigureFactory(practice=practice, kind=FigureKind.BENEFICIARIES, value=1200, label="жителей")
    PracticeFigureFactory(practice=practice, kind=FigureKind.VOLUNTEERS, value=45)
    PracticeFigureFactory(
        practice=practice, kind=FigureKind.MONEY, value=150000, currency="RUB", source=MoneySource.RESIDENTS
    )
    PracticeFigureFactory(
        practice=practice, kind=FigureKind.MONEY, value=50000, currency="RUB", source=MoneySource.MUNICIPAL_BUDGET
    )
    PracticeFigureFactory(practice=practice, kind=FigureKind.MONEY, value=700, currency="EUR", source=MoneySource.GRANT)
    PracticeFigureFactory(
        practice=practice, kind=FigureKind.METRIC, value=0, value_before=12, label="луж во дворе", unit="шт."
    )
    response = client.get(detail_url(practice))
    figures = response.context["figures"]
    assert [f.value for f in figures["beneficiaries"]] == [1200]
    assert [f.value for f in figures["volunteers"]] == [45]
    assert len(figures["money"]) == 3
    assert dict(figures["money_totals"]) == {"EUR": 700, "RUB": 200000}
    body = body_of(response)
    assert "луж во дворе" in body and "EUR" in body and "RUB" in body
    assert '<th scope="col"' in body


def test_photos_show_inline_and_documents_download_through_a_checked_view(client):
    practice = PracticeFactory()
    services.practice_attach(
        practice=practice, actor=practice.author, upload=SimpleUploadedFile("двор.png", PNG), caption="Двор"
    )
    services.practice_attach(practice=practice, actor=practice.author, upload=SimpleUploadedFile("смета.pdf", PDF))
    photo, document = PracticeAttachment.objects.filter(practice=practice).order_by("position")
    photo_url = reverse("practices:file", args=[practice.pk, photo.pk])
    document_url = reverse("practices:file", args=[practice.pk, document.pk])
    # The practice is a draft: its files are as private as it is.
    assert client.get(photo_url).status_code == 404
    client.force_login(practice.author)
    body = body_of(client.get(detail_url(practice)))
    assert f'<img src="{photo_url}" alt="Двор"' in body
    assert f'href="{document_url}" download' in body
    image = client.get(photo_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    assert image["X-Content-Type-Options"] == "nosniff"
    pdf = client.get(document_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("practices:file", args=[practice.pk + 1000, photo.pk])).status_code == 404


def test_the_recommended_badge_shows_its_justification(client):
    practice = PublishedPracticeFactory(is_recommended=True, recommendation_note="Сделано руками жителей.")
    body = body_of(client.get(detail_url(practice)))
    assert "badge recommended" in body
    assert "Сделано руками жителей." in body


def test_history_and_status_are_for_its_editors_and_moderators(client):
    practice = PracticeFactory()
    services.practice_submit(practice=practice, actor=practice.author)
    moderator = UserFactory(is_staff=True)
    services.practice_publish(practice=practice, actor=moderator)
    anonymous = client.get(detail_url(practice))
    assert "history" not in anonymous.context
    assert "status-published" not in body_of(anonymous)
    client.force_login(practice.author)
    rows = client.get(detail_url(practice)).context["history"]
    assert [row["action"] for row in rows] == ["submit", "publish"]
    client.force_login(moderator)
    assert "history" in client.get(detail_url(practice)).context


def test_moderation_actions_are_offered_to_moderators_only(client):
    practice = PracticeFactory(status=PracticeStatus.ON_MODERATION)
    client.force_login(practice.author)
    author_page = client.get(detail_url(practice)).context
    assert [m["name"] for m in author_page["editor_moves"]] == ["withdraw"]
    assert author_page["moderator_moves"] == []
    client.force_login(association_moderator())
    moderator_page = client.get(detail_url(practice))
    assert {m["name"] for m in moderator_page.context["moderator_moves"]} == {"publish", "return", "reject"}
    assert 'name="comment"' in body_of(moderator_page)


def test_where_it_spread_lists_adoptions_and_feeds_the_map(client):
    practice = PublishedPracticeFactory()
    town = MunicipalityFactory(name_ru="Зея", latitude=53.73, longitude=127.27)
    AdoptionFactory(practice=practice, organization__name="ТОС «Зея»", municipality=town)
    AdoptionFactory(practice=practice, organization__name="ТОС «Без координат»")
    response = client.get(detail_url(practice))
    body = body_of(response)
    assert "ТОС «Зея»" in body and "ТОС «Без координат»" in body
    island = re.search(r'<script id="practice-map-data" type="application/json">(.*?)</script>', body, re.S)
    assert island is not None
    data = json.loads(island.group(1))
    assert [(p["name"], p["lat"], p["lng"]) for p in data["points"]] == [("ТОС «Зея»", 53.73, 127.27)]
    assert "practices/map.js" in body
    assert "<script>" not in body  # no inline script: CSP


def test_members_of_other_organisations_may_record_an_adoption(client):
    practice = PublishedPracticeFactory()
    other = OrganizationFactory(name="ТОС «Восход»", kind=OrganizationKind.TOS)
    member = member_of(other)
    client.force_login(member)
    page = client.get(detail_url(practice))
    assert page.context["can_adopt"]
    assert 'action="' + reverse("practices:adopt", args=[practice.pk]) + '"' in body_of(page)
    response = client.post(
        reverse("practices:adopt", args=[practice.pk]),
        {"organization": other.pk, "adopted_on": "2024-06-01", "adaptation": "Добавили качели.", "result": "Сухо."},
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get(practice=practice)
    assert adoption.organization == other and adoption.adaptation == "Добавили качели."
    # Recorded once: the organisation is no longer offered.
    assert not client.get(detail_url(practice)).context["can_adopt"]


def test_an_adoption_with_a_bad_date_is_refused_beside_the_field(client):
    practice = PublishedPracticeFactory(start_year=2023)
    other = OrganizationFactory()
    client.force_login(member_of(other))
    response = client.post(
        reverse("practices:adopt", args=[practice.pk]), {"organization": other.pk, "adopted_on": "2001-01-01"}
    )
    assert response.status_code == 400
    assert "adopted_on" in response.context["adoption_form"].errors
    assert 'id="adopt_adopted_on_error' in body_of(response)
    assert not Adoption.objects.exists()


def test_users_without_an_organisation_are_not_offered_the_adoption_form(client):
    practice = PublishedPracticeFactory()
    client.force_login(UserFactory())
    assert not client.get(detail_url(practice)).context["can_adopt"]
    stranger_org = OrganizationFactory()
    response = client.post(
        reverse("practices:adopt", args=[practice.pk]), {"organization": stranger_org.pk, "adopted_on": "2024-01-01"}
    )
    assert response.status_code == 400
    assert not Adoption.objects.exists()


def test_similar_practices_share_topics_or_words(client):
    sport = Topic.objects.get(code="sport")
    practice = PublishedPracticeFactory(title="Футбольное поле во дворе", topics=[sport])
    PublishedPracticeFactory(title="Футбольный турнир дворов", topics=[sport])
    PublishedPracticeFactory(title="Хор ветеранов", topics=[Topic.objects.get(code="culture")], summary="Песни.")
    reindex()
    similar = [p.title for p in client.get(detail_url(practice)).context["similar"]]
    assert "Футбольный турнир дворов" in similar
    assert "Футбольное поле во дворе" not in similar


def test_the_practice_page_makes_as_many_queries_for_many_figures_files_and_adoptions_as_for_one(client):
    practice = PublishedPracticeFactory()
    PracticeOrganizationFactory(practice=practice)
    PracticeFigureFactory(practice=practice)
    AdoptionFactory(practice=practice)
    PublishedPracticeFactory()  # a similar one
    reindex()
    moderator = UserFactory(is_staff=True)
    client.force_login(moderator)
    few = query_count(client, detail_url(practice))
    for _ in range(10):
        PracticeOrganizationFactory(practice=practice, role=PracticeOrganizationRole.PARTNER)
        PracticeFigureFactory(practice=practice)
        AdoptionFactory(practice=practice)
        PublishedPracticeFactory()
    reindex()
    assert query_count(client, detail_url(practice)) == few


# --- moderation through the pages ----------------------------------------------------------------------------


def move(client, practice, action, **data):
    return client.post(reverse("practices:move", args=[practice.pk, action]), data)


def test_the_author_sends_to_moderation_and_a_moderator_publishes(client):
    practice = PracticeFactory()
    client.force_login(practice.author)
    assert move(client, practice, "submit").status_code == 302
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.ON_MODERATION
    client.force_login(association_moderator())
    assert move(client, practice, "publish").status_code == 302
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED


def test_return_and_reject_need_a_comment(client):
    practice = PracticeFactory(status=PracticeStatus.ON_MODERATION)
    client.force_login(UserFactory(is_staff=True))
    response = move(client, practice, "return", comment="")
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.ON_MODERATION
    messages = [str(m) for m in client.get(detail_url(practice)).context["messages"]]
    assert messages
    move(client, practice, "return", comment="Добавьте цифры.")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.RETURNED
    assert practice.moderation_comment == "Добавьте цифры."


def test_a_moderator_rejects_with_a_reason(client):
    practice = PracticeFactory(status=PracticeStatus.ON_MODERATION)
    client.force_login(UserFactory(is_staff=True))
    move(client, practice, "reject", comment="Это реклама.")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REJECTED


def test_the_author_sees_the_moderators_remarks(client):
    practice = PracticeFactory(status=PracticeStatus.ON_MODERATION)
    services.practice_return(practice=practice, actor=UserFactory(is_staff=True), comment="Нужны фото.")
    client.force_login(practice.author)
    assert "Нужны фото." in body_of(client.get(detail_url(practice)))


def test_a_moderator_recommends_and_withdraws_the_recommendation(client):
    practice = PublishedPracticeFactory()
    client.force_login(UserFactory(is_staff=True))
    url = reverse("practices:recommend", args=[practice.pk])
    client.post(url, {"note": ""})
    practice.refresh_from_db()
    assert not practice.is_recommended
    client.post(url, {"note": "Образцовая смета.", "recommend": "1"})
    practice.refresh_from_db()
    assert practice.is_recommended and practice.recommendation_note == "Образцовая смета."
    client.post(url, {"note": "Устарело.", "unrecommend": "1"})
    practice.refresh_from_db()
    assert not practice.is_recommended


def test_a_moderator_unpublishes_with_a_reason(client):
    practice = PublishedPracticeFactory()
    client.force_login(UserFactory(is_staff=True))
    move(client, practice, "unpublish", comment="Жалоба жителей.")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.ARCHIVED
    client.logout()
    assert client.get(detail_url(practice)).status_code == 404


@pytest.mark.parametrize("action", ["publish", "return", "reject"])
def test_others_cannot_moderate(client, action):
    practice = PracticeFactory(status=PracticeStatus.ON_MODERATION)
    client.force_login(practice.author)  # four eyes: not even a moderator moderates their own practice
    assert move(client, practice, action, comment="x").status_code == 403
    client.force_login(UserFactory())
    assert move(client, practice, action, comment="x").status_code == 404  # cannot even see it
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.ON_MODERATION


def test_recommending_is_for_moderators(client):
    practice = PublishedPracticeFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("practices:recommend", args=[practice.pk]), {"note": "Хочу."})
    assert response.status_code == 403


def test_anonymous_moves_go_to_the_login_page_and_unknown_moves_are_404(client):
    practice = PublishedPracticeFactory()
    response = move(client, practice, "unpublish", comment="x")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(is_staff=True))
    assert move(client, practice, "explode").status_code == 404
    assert client.get(reverse("practices:move", args=[practice.pk, "publish"])).status_code == 405


# --- writing and editing ---------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Сухой двор",
        "summary": "Жители убрали лужи.",
        "language": "ru",
        "actions": "Собрали сход и деньги.",
        "start_year": "2023",
        "topics": [str(Topic.objects.get(code="landscaping").pk)],
        "tags": "двор, лужи",
        "figures-TOTAL_FORMS": "3",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "50",
        "figures-0-kind": "money",
        "figures-0-value": "150000",
        "figures-0-currency": "rub",
        "figures-0-source": "residents",
        "figures-1-kind": "beneficiaries",
        "figures-1-value": "300",
    }
    data.update(overrides)
    return data


def test_the_form_needs_a_signed_in_user(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_form_has_a_label_for_every_field(client):
    client.force_login(UserFactory())
    body = body_of(client.get(CREATE_URL))
    for name in ["title", "summary", "language", "problem", "actions", "results", "resources", "partners"]:
        assert f'<label for="id_{name}"' in body, name
    for name in ["started_on", "ended_on", "start_year", "end_year", "country", "region", "municipality", "tags"]:
        assert f'<label for="id_{name}"' in body, name
    assert '<label for="id_figures-0-kind"' in body
    assert '<label for="id_attachments"' in body


def test_writing_a_practice_saves_a_draft_with_everything(client):
    municipality = MunicipalityFactory()
    organization = OrganizationFactory(kind=OrganizationKind.TOS)
    user = member_of(organization, MembershipRole.CHAIR)
    client.force_login(user)
    response = client.post(
        CREATE_URL,
        form_data(
            region=str(municipality.region_id),
            municipality=str(municipality.pk),
            organizations=[str(organization.pk)],
            attachments=[SimpleUploadedFile("двор.png", PNG), SimpleUploadedFile("смета.pdf", PDF)],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    practice = Practice.objects.get()
    assert response["Location"] == detail_url(practice)
    assert practice.status == PracticeStatus.DRAFT and practice.author == user
    assert practice.municipality == municipality and practice.country == municipality.country
    assert [t.code for t in practice.topics.all()] == ["landscaping"]
    assert sorted(t.name for t in practice.tags.all()) == ["двор", "лужи"]
    assert [(f.kind, f.currency) for f in practice.figures.order_by("position")] == [
        ("money", "RUB"),
        ("beneficiaries", ""),
    ]
    assert [link.organization for link in practice.organization_links.all()] == [organization]
    assert sorted(a.kind for a in practice.attachments.all()) == ["document", "photo"]


def test_save_and_send_to_moderation(client):
    client.force_login(UserFactory())
    municipality = MunicipalityFactory()
    response = client.post(CREATE_URL, form_data(municipality=str(municipality.pk), submit="1"))
    assert response.status_code == 302
    assert Practice.objects.get().status == PracticeStatus.ON_MODERATION


def test_an_incomplete_practice_is_saved_but_not_sent(client):
    client.force_login(UserFactory())
    response = client.post(CREATE_URL, form_data(summary="", submit="1"))
    practice = Practice.objects.get()
    assert practice.status == PracticeStatus.DRAFT
    assert response["Location"] == reverse("practices:edit", args=[practice.pk])
    edit = client.get(response["Location"])
    assert edit.context["missing"]


def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    response = client.post(CREATE_URL, form_data(title="", start_year="1066"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "title" in errors
    assert 'id="id_title_error' in body_of(response)
    assert not Practice.objects.exists()


def test_a_bad_figure_is_reported_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    response = client.post(CREATE_URL, form_data(**{"figures-0-currency": "", "figures-0-source": ""}))
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()
    assert not Practice.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is a program")
    response = client.post(CREATE_URL, form_data(attachments=[fake]))
    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not Practice.objects.exists()


def test_an_organisation_the_user_does_not_belong_to_is_refused(client):
    client.force_login(UserFactory())
    foreign = OrganizationFactory()
    response = client.post(CREATE_URL, form_data(organizations=[str(foreign.pk)]))
    assert response.status_code == 400
    assert "organizations" in response.context["form"].errors
    assert not Practice.objects.exists()


def test_the_municipalities_follow_the_region(client):
    client.force_login(UserFactory())
    amur = MunicipalityFactory(name_ru="Благовещенск")
    MunicipalityFactory(name_ru="Томск", region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    response = client.get(CREATE_URL, {"partial": "place", "region": amur.region_id}, HTTP_HX_REQUEST="true")
    body = body_of(response)
    assert body.lstrip().startswith('<div id="practice-place">')
    assert "Благовещенск" in body and "Томск" not in body
    form = body_of(client.get(CREATE_URL))
    assert 'hx-get="' + CREATE_URL + '"' in form and 'hx-target="#practice-place"' in form


def test_without_javascript_the_refresh_button_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    amur = MunicipalityFactory(name_ru="Благовещенск")
    response = client.post(CREATE_URL, form_data(region=str(amur.region_id), refresh="1"))
    assert response.status_code == 200
    body = body_of(response)
    assert "Благовещенск" in body and 'value="Сухой двор"' in body
    assert not Practice.objects.exists()


def test_the_author_edits_a_draft(client):
    practice = PracticeFactory(title="Старое")
    PracticeFigureFactory(practice=practice)
    client.force_login(practice.author)
    page = client.get(reverse("practices:edit", args=[practice.pk]))
    assert 'value="Старое"' in body_of(page)
    assert page.context["formset"].initial[0]["kind"] == "beneficiaries"
    data = form_data(title="Новое")
    response = client.post(reverse("practices:edit", args=[practice.pk]), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Новое"
    assert practice.figures.count() == 2


def test_others_cannot_edit_and_published_practices_are_not_editable(client):
    practice = PracticeFactory()
    url = reverse("practices:edit", args=[practice.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    organization = OrganizationFactory()
    PracticeOrganizationFactory(practice=practice, organization=organization)
    client.force_login(member_of(organization, MembershipRole.MEMBER))  # sees it, may not edit it
    assert client.get(url).status_code == 403
    published = PublishedPracticeFactory()
    client.force_login(published.author)
    assert client.get(reverse("practices:edit", args=[published.pk])).status_code == 403


def test_the_author_removes_a_file(client):
    practice = PracticeFactory()
    attachment = services.practice_attach(
        practice=practice, actor=practice.author, upload=SimpleUploadedFile("смета.pdf", PDF)
    )
    client.force_login(practice.author)
    body = body_of(client.get(reverse("practices:edit", args=[practice.pk])))
    assert f'form="detach-{attachment.pk}"' in body
    response = client.post(reverse("practices:detach", args=[practice.pk, attachment.pk]))
    assert response.status_code == 302
    assert not PracticeAttachment.objects.exists()


def test_the_author_deletes_a_draft(client):
    practice = PracticeFactory()
    client.force_login(practice.author)
    url = reverse("practices:delete", args=[practice.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Practice.objects.exists()
    other = PublishedPracticeFactory()
    client.force_login(other.author)
    assert client.post(reverse("practices:delete", args=[other.pk])).status_code == 403


# --- the moderators' queue and "my practices" ------------------------------------------------------------------


def test_the_moderation_queue_is_for_moderators(client):
    PracticeFactory(title="Ждёт решения", status=PracticeStatus.ON_MODERATION)
    PracticeFactory(title="Черновик")
    url = reverse("practices:moderation_queue")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(association_moderator())
    response = client.get(url)
    assert [p.title for p in response.context["practices"]] == ["Ждёт решения"]
    returned = client.get(url, {"status": "returned"})
    assert list(returned.context["practices"]) == []
    assert client.get(url, {"status": "nonsense"}).context["status"] == PracticeStatus.ON_MODERATION


def test_the_queue_makes_as_many_queries_for_100_practices_as_for_10(client):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("practices:moderation_queue")

    def fill(n):
        for practice in PracticeFactory.create_batch(n, status=PracticeStatus.ON_MODERATION):
            PracticeOrganizationFactory(practice=practice)

    fill(10)
    few = query_count(client, url)
    fill(90)
    assert query_count(client, url) == few


def test_my_practices_lists_every_status(client):
    user = UserFactory()
    PracticeFactory(author=user, title="Мой черновик")
    PublishedPracticeFactory(author=user, title="Моя опубликованная")
    PracticeFactory(title="Чужая")
    client.force_login(user)
    response = client.get(reverse("practices:mine"))
    titles = {p.title for p in response.context["practices"]}
    assert titles == {"Мой черновик", "Моя опубликованная"}


def test_my_practices_makes_as_many_queries_for_100_as_for_10(client):
    user = UserFactory()
    client.force_login(user)
    PracticeFactory.create_batch(10, author=user)
    few = query_count(client, reverse("practices:mine"))
    PracticeFactory.create_batch(90, author=user)
    assert query_count(client, reverse("practices:mine")) == few


# --- the organisation page -------------------------------------------------------------------------------------


def test_the_organisation_page_shows_its_practices_and_adoptions(client):
    organization = OrganizationFactory(name="ТОС «Радуга»", kind=OrganizationKind.TOS)
    own = PublishedPracticeFactory(title="Наш двор")
    PracticeOrganizationFactory(practice=own, organization=organization)
    hidden = PracticeFactory(title="Наш черновик")
    PracticeOrganizationFactory(practice=hidden, organization=organization)
    AdoptionFactory(organization=organization, practice__title="Чужой сквер")
    body = body_of(client.get(reverse("organizations:detail", args=[organization.pk])))
    assert "Наш двор" in body and "Чужой сквер" in body
    assert "Наш черновик" not in body
    assert reverse("practices:detail", args=[own.pk]) in body


def test_an_organisation_without_practices_shows_no_panel(client):
    organization = OrganizationFactory()
    response = client.get(reverse("organizations:detail", args=[organization.pk]))
    assert response.context["panels"] == []


def test_the_organisation_page_makes_as_many_queries_for_many_practices_as_for_one(client):
    organization = OrganizationFactory(kind=OrganizationKind.TOS)

    def fill(n):
        for _ in range(n):
            PracticeOrganizationFactory(practice=PublishedPracticeFactory(), organization=organization)
            AdoptionFactory(organization=organization)

    url = reverse("organizations:detail", args=[organization.pk])
    fill(1)
    few = query_count(client, url)
    fill(30)
    many = query_count(client, url)
    assert many <= few + 2  # a count for each list once it passes the panel's 20 rows
    fill(10)
    assert query_count(client, url) == many


def test_a_count_the_search_stopped_at_says_more_than(client, monkeypatch):
    module = search_module()
    if module is None:
        pytest.skip("the search integration (practices/search.py) is not installed")
    monkeypatch.setattr(module, "COUNT_CAP", 3)  # the cap is a thousand; three keep the test small
    PublishedPracticeFactory.create_batch(5)
    response = client.get(LIST_URL)
    assert not response.context["result"].count_exact
    assert response.context["page"].paginator.count == 3
    assert 'class="count-capped"' in body_of(response)
