"""The search index on the database in use (run the suite on SQLite and on PostgreSQL: the expectations are the
same, so both backends find and rank alike). Indexed objects are auth groups: the index is generic over models."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localbridge.core.search import search_index, search_parse, search_query, search_remove, search_similar
from localbridge.core.search.models import SearchDocument
from localbridge.core.search.services import indexable

pytestmark = pytest.mark.django_db

_names = itertools.count()


def doc(title, summary="", body="", *, scope="test", language="ru", public=True):
    group = Group.objects.create(name=f"group {next(_names)}")
    search_index(obj=group, scope=scope, language=language, title=title, summary=summary, body=body, public=public)
    return group


def found(q, **kwargs):
    kwargs.setdefault("scope", "test")
    hits, _total = search_query(q, **kwargs)
    return [hit.object_id for hit in hits]


def test_word_forms_find_each_other():
    yard = doc("Новый двор", body="Жители сами посадили деревья.")
    assert found("дворов") == [yard.pk]
    assert found("ДВОРАМИ") == [yard.pk]


def test_landscaping_of_yards_finds_a_practice_that_landscaped_a_yard():
    practice = doc("Как мы это сделали", body="Летом жители благоустроили двор на улице Ленина.")
    doc("Другое", body="Благоустройство парка без участия жителей.")
    assert found("благоустройство дворов") == [practice.pk]


def test_twins_find_twin_cities():
    twin = doc("Города-побратимы обменялись делегациями")
    assert found("побратимы") == [twin.pk]
    assert found("городов-побратимов") == [twin.pk]
    assert found("город") == [twin.pk]


def test_ambiguous_form_is_found_by_its_less_likely_lemma():
    park = doc("Субботник", body="Субботник прошёл в парке у реки.")
    assert found("парк") == [park.pk]


def test_title_hit_outranks_summary_hit_outranks_body_hit():
    body = doc("Отчёт о работе за год", "Собрание жителей подвело итоги", "Отдельно обсудили ярмарку и её итоги.")
    summary = doc("Отчёт о работе совета", "Ярмарка собрала много жителей", "Собрание подвело итоги года.")
    title = doc("Благотворительная ярмарка", "Отчёт о работе и итоги", "Собрание жителей подвело итоги.")
    assert found("ярмарка") == [title.pk, summary.pk, body.pk]


def test_matching_by_lemma_outranks_matching_by_root_only():
    verb = doc("Отчёт", body="Двор благоустроили за лето, жители довольны результатом.")
    noun = doc("Отчёт", body="Благоустройство двора заняло лето, жители довольны результатом.")
    assert found("благоустройство двора") == [noun.pk, verb.pk]


def test_more_query_words_in_the_title_rank_higher():
    both = doc("Молодёжный обмен городов-побратимов", body="Подробности поездки.")
    one = doc("Молодёжный форум", body="Обмен опытом между городами-побратимами.")
    assert found("молодёжный обмен") == [both.pk, one.pk]


def test_quoted_phrase_needs_adjacent_words():
    adjacent = doc("Молодёжный обмен с городом-побратимом")
    apart = doc("Обмен опытом", body="Молодёжный совет провёл встречу.")
    assert set(found("молодёжный обмен")) == {adjacent.pk, apart.pk}
    assert found('"молодёжный обмен"') == [adjacent.pk]
    assert found("«молодёжного обмена»") == [adjacent.pk]


def test_prefix_search_of_the_last_word():
    practice = doc("Благоустройство сквера")
    assert found("скв") == []
    assert found("скв", prefix=True) == [practice.pk]
    assert found("благоустр") == [practice.pk]  # a long fragment is a root of its own


def test_english_stemming():
    exchange = doc("Youth exchange between twin cities", language="en")
    doc("Charity fair", language="en")
    assert found("exchanges", language="en") == [exchange.pk]
    assert found("city") == [exchange.pk]


def test_language_filter_and_mixed_languages():
    russian = doc("Молодёжный обмен", body="Программа Erasmus для городов-побратимов")
    english = doc("Youth exchange", body="Twin towns and their youth", language="en")
    assert found("erasmus") == [russian.pk]
    assert found("youth") == [english.pk]
    assert found("youth", language="ru") == []
    assert found("обмен", language="ru") == [russian.pk]


def test_removed_document_is_not_found():
    gone = doc("Ярмарка выходного дня")
    kept = doc("Ярмарка мастеров")
    assert search_remove(gone) == 1
    assert found("ярмарка") == [kept.pk]
    assert search_remove(gone) == 0
    assert not SearchDocument.objects.filter(object_id=gone.pk).exists()


def test_update_replaces_the_indexed_text():
    practice = doc("Ярмарка выходного дня")
    search_index(obj=practice, scope="test", language="ru", title="Субботник во дворе")
    assert found("ярмарка") == []
    assert found("субботник") == [practice.pk]
    assert SearchDocument.objects.filter(object_id=practice.pk).count() == 1


def test_index_write_rolls_back_with_its_transaction():
    group = Group.objects.create(name="rolled back")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        search_index(obj=group, scope="test", language="ru", title="Ярмарка")
        assert found("ярмарка") == [group.pk]
        raise Abort
    assert found("ярмарка") == []


def test_only_public_documents_by_default():
    public = doc("Ярмарка мастеров")
    draft = doc("Ярмарка выходного дня", public=False)
    assert found("ярмарка") == [public.pk]
    assert set(found("ярмарка", public=None)) == {public.pk, draft.pk}
    assert found("ярмарка", public=False) == [draft.pk]


def test_scopes_are_separate():
    practice = doc("Ярмарка мастеров", scope="practices")
    book = doc("Ярмарка мастеров", scope="library")
    assert found("ярмарка", scope="practices") == [practice.pk]
    assert found("ярмарка", scope="library") == [book.pk]
    assert sorted(found("ярмарка", scope=["practices", "library"])) == sorted([practice.pk, book.pk])


def test_filter_ids_as_a_list_and_as_a_queryset():
    first = doc("Ярмарка мастеров")
    second = doc("Ярмарка выходного дня")
    assert found("ярмарка", filter_ids=[second.pk]) == [second.pk]
    assert found("ярмарка", filter_ids=[]) == []
    subquery = Group.objects.filter(pk=first.pk).values("pk")
    assert found("ярмарка", filter_ids=subquery) == [first.pk]


def test_pagination_and_total():
    groups = [doc(f"Ярмарка номер {n}") for n in range(5)]
    hits, total = search_query("ярмарка", scope="test", limit=2, offset=0)
    assert total == 5 and len(hits) == 2
    hits, total = search_query("ярмарка", scope="test", limit=2, offset=4)
    assert total == 5 and len(hits) == 1
    hits, total = search_query("ярмарка", scope="test", limit=2, offset=50)
    assert total == 5 and hits == []
    hits, total = search_query("ярмарка", scope="test", limit=100)
    assert sorted(h.object_id for h in hits) == sorted(g.pk for g in groups)


def test_search_takes_two_queries(django_assert_num_queries):
    for n in range(5):
        doc(f"Ярмарка номер {n}", body="Ярмарка прошла в центре.")
    with django_assert_num_queries(2):
        hits, _total = search_query("ярмарка", scope="test")
    assert len(hits) == 5


def test_snippet_marks_the_words_found_and_escapes_the_text():
    doc(
        "Отчёт",
        summary="Итоги года.",
        body="В начале года <script>alert(1)</script> жители благоустроили двор, а потом открыли ярмарку.",
    )
    (hit,), _total = search_query("благоустройство дворов", scope="test")
    assert "<mark>благоустроили</mark>" in hit.snippet
    assert "<mark>двор</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet
    assert hit.model_label == "auth.group"
    assert hit.rank > 0


def test_snippet_of_a_title_only_hit_is_the_start_of_the_text():
    doc("Ярмарка", summary="Короткое описание события.", body="Подробности.")
    (hit,), _total = search_query("ярмарка", scope="test")
    assert hit.snippet.startswith("Короткое описание события.")


def test_markdown_and_nul_characters_are_indexed_as_plain_text():
    practice = doc("Ярмарка", body="**Жирный** текст со [ссылкой](https://example.org/secret)\x00 и нулём.")
    assert found("жирный") == [practice.pk]
    assert found("secret") == []
    (hit,), _total = search_query("ссылка", scope="test")
    assert "**" not in hit.snippet and "<mark>ссылкой</mark>" in hit.snippet


HOSTILE = [
    "",
    " ",
    '"foo OR',
    "NEAR(",
    "NEAR(a b, 3)",
    "*",
    "двор*",
    "AND OR NOT",
    "(((",
    ")))",
    "title_terms:двор",
    "{title_terms}: двор",
    "'; DROP TABLE core_searchdocument; --",
    "двор & | ! <-> :* 'A'",
    "\\",
    "%s %% %(x)s",
    "\x00двор",
    "«»„“",
    "^двор",
    "-двор",
    "двор " * 5000,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_raise(q):
    yard = doc("Двор", body="Двор и сквер.")
    hits, total = search_query(q, scope="test", prefix=True)
    assert total == len(hits)
    assert {h.object_id for h in hits} <= {yard.pk}


def test_hostile_query_that_has_words_still_finds():
    yard = doc("Двор", body="Двор и сквер.")
    assert found('"двор OR') == [yard.pk]
    assert found("NEAR(двор") == []  # near is a word too, and no document has it
    assert found("двор*") == [yard.pk]
    assert search_parse("*()").is_empty


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=200), prefix=st.booleans())
def test_any_text_query_never_raises(q, prefix):
    hits, total = search_query(q, scope="test", prefix=prefix)
    assert total >= len(hits)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_can_be_indexed_and_found_by_its_own_words(text):
    group, _created = Group.objects.get_or_create(name="hypothesis")
    search_index(obj=group, scope="hypothesis", language="ru", title=text, body=text)
    text = indexable(text)  # Markdown links are searched by their text
    hits, _total = search_query(text, scope="hypothesis")
    if not search_parse(text).is_empty:
        assert [h.object_id for h in hits] == [group.pk]


def test_similar_documents_share_words():
    practice = doc("Молодёжный обмен городов-побратимов", body="Школьники из городов-побратимов провели неделю.")
    similar = doc("Обмен школьниками между городами-побратимами", body="Неделя в гостях у побратимов.")
    doc("Ремонт дороги", body="Асфальт уложили за неделю.")
    hits = search_similar(obj=practice)
    assert [h.object_id for h in hits][0] == similar.pk
    assert practice.pk not in [h.object_id for h in hits]
    assert search_similar(obj=Group.objects.create(name="not indexed")) == []


def test_invalid_scope_and_unsaved_object_are_refused():
    with pytest.raises(ValidationError) as error:
        search_index(obj=Group.objects.create(name="x"), scope="Bad Scope!", language="ru", title="t")
    assert error.value.code == "invalid_scope"
    with pytest.raises(ValidationError) as error:
        search_index(obj=Group(name="unsaved"), scope="test", language="ru", title="t")
    assert error.value.code == "unsaved_object"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 only")
def test_sqlite_full_text_table_follows_the_rows():
    group = doc("Ярмарка")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('integrity-check')")
    SearchDocument.objects.filter(object_id=group.pk).delete()
    assert found("ярмарка") == []
