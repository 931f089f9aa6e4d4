"""Searching the knowledge library with the platform's one morphology-aware search (core/search, scope
"library"), on SQLite and PostgreSQL alike: Russian word forms are understood, the index follows the services
(create, new version, publish, withdraw, topic renames), drafts stay hidden from those who may not see them, the
filters are answered by the index, and `search_reindex` rebuilds the scope."""

from datetime import date

import pytest

from localbridge.core.search import registered_scopes, search_query, search_reindex
from localbridge.events.models import LibraryDocumentKind
from localbridge.events.selectors.library import library_search, library_search_window
from localbridge.events.services.library import library_document_move, library_version_add
from localbridge.events.tests.library_factories import (
    library_topics,  # noqa: F401  (an autouse fixture)
    make_document,
    municipal_staff,
    platform_staff,
)
from localbridge.practices.models import Topic
from localbridge.practices.services import topic_update
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def titles(result):
    return [hit.document.title for hit in result.items]


def test_a_document_is_found_by_an_inflected_russian_word_form():
    make_document(
        title="Модельный устав территориального общественного самоуправления",
        text="Устав определяет границы территории и органы ТОС.",
        publish=True,
    )
    make_document(title="Методическое пособие по благоустройству", text="Как провести субботник.", publish=True)
    for query in ("уставы", "уставом", "модельного устава", "территориальному самоуправлению"):
        result = library_search(user=None, q=query)
        assert titles(result) == ["Модельный устав территориального общественного самоуправления"], query
    assert titles(library_search(user=None, q="благоустройство дворов")) == []
    assert titles(library_search(user=None, q="благоустройство")) == ["Методическое пособие по благоустройству"]


def test_the_current_versions_text_is_searched_and_the_old_ones_is_not():
    editor = platform_staff()
    document = make_document(editor, title="Положение о ТОС", text="Первая редакция о субботниках.", publish=True)
    assert titles(library_search(user=None, q="субботникам")) == ["Положение о ТОС"]
    library_version_add(document=document, actor=editor, text="Вторая редакция об инициативных платежах.")
    assert titles(library_search(user=None, q="субботникам")) == []
    assert titles(library_search(user=None, q="инициативный платёж")) == ["Положение о ТОС"]


def test_snippets_mark_the_matched_words():
    make_document(title="Пособие", summary="Как зарегистрировать устав ТОС.", text="Текст.", publish=True)
    hit = library_search(user=None, q="уставы").items[0]
    assert "<mark>устав</mark>" in hit.snippet


def test_drafts_and_withdrawn_documents_are_found_only_by_those_who_see_them():
    municipality = MunicipalityFactory()
    staff = municipal_staff(municipality)
    draft = make_document(staff, title="Черновик устава", municipality=municipality)
    withdrawn = make_document(title="Отозванный устав", publish=True)
    library_document_move(document=withdrawn, action="withdraw", actor=platform_staff(), comment="Устарел.")
    assert titles(library_search(user=None, q="устав")) == []
    assert titles(library_search(user=staff, q="устав")) == ["Черновик устава"]
    assert sorted(titles(library_search(user=platform_staff(), q="устав"))) == ["Отозванный устав", "Черновик устава"]
    assert titles(library_search(user=platform_staff(), q="устав", status="withdrawn")) == ["Отозванный устав"]
    library_document_move(document=draft, action="publish", actor=staff)
    assert titles(library_search(user=None, q="устав")) == ["Черновик устава"]


def test_filters_are_answered_by_the_index():
    municipality = MunicipalityFactory()
    make_document(
        title="Устав ТОС для города",
        kind=LibraryDocumentKind.MODEL_CHARTER,
        municipality=municipality,
        topics=["landscaping"],
        publish=True,
    )
    make_document(title="Устав ТОС, англоязычный", kind=LibraryDocumentKind.STUDY, language="en", publish=True)
    assert titles(library_search(user=None, q="устав", kind="model_charter")) == ["Устав ТОС для города"]
    assert titles(library_search(user=None, q="устав", language="en")) == ["Устав ТОС, англоязычный"]
    assert titles(library_search(user=None, q="устав", topic="landscaping")) == ["Устав ТОС для города"]
    assert titles(library_search(user=None, q="устав", region=municipality.region.code)) == ["Устав ТОС для города"]
    assert titles(library_search(user=None, q="устав", municipality=municipality.pk)) == ["Устав ТОС для города"]
    assert titles(library_search(user=None, q="устав", kind="law")) == []
    # the same filters without a query
    assert titles(library_search(user=None, topic="landscaping")) == ["Устав ТОС для города"]
    assert titles(library_search(user=None, country="RU", kind="study")) == []


def test_topic_and_territory_names_are_searched():
    municipality = MunicipalityFactory(name_ru="Благовещенск")
    make_document(title="Положение", text="Текст.", municipality=municipality, topics=["youth"], publish=True)
    assert titles(library_search(user=None, q="молодёжи")) == ["Положение"]
    assert titles(library_search(user=None, q="благовещенского")) == ["Положение"]


def test_a_renamed_topic_is_searched_by_its_new_name(django_capture_on_commit_callbacks):
    make_document(title="Положение", text="Текст.", topics=["youth"], publish=True)
    with django_capture_on_commit_callbacks(execute=True):
        topic_update(topic=Topic.objects.get(code="youth"), actor=platform_staff(), name_ru="Подростки и студенты")
    assert titles(library_search(user=None, q="студентов")) == ["Положение"]


def test_an_unsearchable_query_shows_every_document_with_a_message():
    make_document(title="Устав", publish=True, published_on=date(2020, 1, 1))
    make_document(title="Пособие", publish=True, published_on=date(2022, 1, 1))
    result = library_search(user=None, q="«»!!")
    assert titles(result) == ["Пособие", "Устав"]  # the newest first
    assert result.message
    items, count, messages = library_search_window(user=None, q="?", limit=1, offset=1)
    assert [hit.document.title for hit in items] == ["Устав"] and count == 2 and messages


def test_a_page_past_the_end_gives_the_last_page():
    for n in range(3):
        make_document(title=f"Устав {n}", publish=True)
    result = library_search(user=None, q="устав", page=99, per_page=2)
    assert result.page.number == 2 and len(result.items) == 1 and result.count == 3


def test_the_scope_is_registered_and_rebuilt_by_search_reindex():
    assert "library" in registered_scopes()
    make_document(title="Устав ТОС", publish=True)
    make_document(title="Черновик")
    assert search_reindex(scope="library") == {"library": 2}
    hits, total = search_query("устав", scope="library")
    assert total == 1
    # the site-wide search of every registered scope finds library documents next to practices
    hits, total = search_query("устав", scope=sorted(registered_scopes()))
    assert total == 1 and hits[0].model_label == "events.librarydocument"
