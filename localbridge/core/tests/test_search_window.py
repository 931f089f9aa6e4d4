"""The bounded-cost search (search_ranked) and the match subquery (search_match_sql), on the database in use: below
the window it orders exactly as search_query; beyond it, the count stops at its cap and says so, and the page is
the best of the window (the head, title and summary matches, kept on PostgreSQL)."""

import itertools

import pytest
from django.contrib.auth.models import Group

from localbridge.core.search import search_cursor, search_index, search_match_sql, search_query, search_ranked

pytestmark = pytest.mark.django_db

_names = itertools.count()


def doc(title, summary="", body="", *, scope="test", public=True):
    group = Group.objects.create(name=f"window {next(_names)}")
    search_index(obj=group, scope=scope, language="ru", title=title, summary=summary, body=body, public=public)
    return group


@pytest.fixture
def corpus():
    docs = [
        doc("Отчёт о работе за год", "Собрание жителей", "Отдельно обсудили ярмарку."),
        doc("Ярмарка выходного дня", "Фермеры и ремесленники"),
        doc("Благотворительная ярмарка", "Ярмарка выпечки", "Ярмарка собрала деньги."),
        doc("Субботник", "Уборка двора", "После субботника устроили ярмарку."),
        doc("Ярмарочный день", "Торговля на площади"),
    ]
    doc("Черновик ярмарки", public=False)
    doc("Ярмарка в другой коллекции", scope="other")
    return docs


def test_below_the_window_the_order_is_search_querys(corpus):
    hits, total = search_query("ярмарка", scope="test")
    page = search_ranked("ярмарка", scope="test", window=50, count_cap=100)
    assert [h.object_id for h in page.hits] == [h.object_id for h in hits]
    assert (page.total, page.exact) == (total, True)
    assert [h.snippet for h in page.hits] == [h.snippet for h in hits]


def test_pages_of_the_ranked_search(corpus):
    whole = [h.object_id for h in search_ranked("ярмарка", scope="test").hits]
    first = search_ranked("ярмарка", scope="test", limit=2)
    rest = search_ranked("ярмарка", scope="test", limit=10, offset=2)
    assert [h.object_id for h in first.hits + rest.hits] == whole
    assert search_ranked("ярмарка", scope="test", offset=100).hits == []


def test_the_count_stops_at_its_cap_and_says_so(corpus):
    page = search_ranked("ярмарка", scope="test", count_cap=2)
    assert (page.total, page.exact) == (2, False)  # "more than 2"
    assert len(page.hits) == 4  # the window still ranks every match


def test_a_small_window_ranks_title_and_summary_matches(corpus):
    page = search_ranked("ярмарка", scope="test", window=2, limit=10)
    assert page.hits
    assert len(page.hits) <= 10
    found = {h.object_id for h in page.hits}
    all_hits = {h.object_id for h in search_query("ярмарка", scope="test")[0]}
    assert found <= all_hits


@pytest.mark.parametrize("q", ["", "!!!", "и в на", '"', "((", "*"])
def test_nothing_searchable_gives_nothing(corpus, q):
    page = search_ranked(q, scope="test")
    assert (page.hits, page.total, page.exact) == ([], 0, True)
    assert search_match_sql(q, scope="test") is None


def test_the_match_subquery_selects_the_matching_object_ids(corpus):
    sql, params = search_match_sql("ярмарка", scope="test")
    with search_cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS m", params)  # noqa: S608
        assert cursor.fetchone()[0] == search_query("ярмарка", scope="test")[1]
    sql, params = search_match_sql("ярмарка", scope="test", limit=2, filter_ids=[corpus[1].pk, corpus[2].pk])
    with search_cursor() as cursor:
        cursor.execute(sql, params)
        assert sorted(row[0] for row in cursor.fetchall()) == sorted([corpus[1].pk, corpus[2].pk])
