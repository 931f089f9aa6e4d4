"""Filter keys in the search index (facets.py) on the database in use: a search with `facets` finds exactly the
documents indexed with every required value, whatever the values hold, and the keys never change the ranking."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection

from localbridge.core.search import search_index, search_match_sql, search_query, search_ranked
from localbridge.core.search.facets import facet_key, facet_terms, required_keys
from localbridge.core.search.models import SearchDocument

pytestmark = pytest.mark.django_db

_names = itertools.count()


def doc(title, body="", **facets):
    group = Group.objects.create(name=f"group {next(_names)}")
    search_index(obj=group, scope="test", language="ru", title=title, body=body, facets=facets)
    return group


def found(q, **facets):
    hits, total = search_query(q, scope="test", facets=facets)
    assert total == len(hits)
    return [hit.object_id for hit in hits]


def test_a_filter_keeps_only_documents_with_that_value():
    moscow = doc("Ярмарка во дворе", region="RU-MOS", year=2020)
    kazan = doc("Ярмарка в парке", region="RU-TA", year=2020)
    assert found("ярмарка", region="RU-MOS") == [moscow.pk]
    assert found("ярмарка", region="RU-TA", year=2020) == [kazan.pk]
    assert found("ярмарка", region="RU-TA", year=2021) == []
    assert sorted(found("ярмарка", year="2020")) == sorted([moscow.pk, kazan.pk])


def test_a_document_with_several_values_of_a_filter_is_found_by_each():
    both = doc("Спортивная площадка", topic=["sport", "youth"])
    doc("Спортивный праздник", topic=["sport"])
    assert found("спорт", topic="youth") == [both.pk]
    assert len(found("спорт", topic="sport")) == 2


def test_empty_filter_values_are_no_filter():
    first, second = doc("Ярмарка", region="RU-MOS"), doc("Ярмарка", region=None)
    assert sorted(found("ярмарка", region="")) == sorted([first.pk, second.pk])
    assert SearchDocument.objects.get(object_id=second.pk).facet_terms == ""


@pytest.mark.parametrize(
    "value", ["Нижний Новгород", "quote \" and ' apostrophe", "a AND b OR NOT c", "NEAR(x y)", "*", "😀", " 7 "]
)
def test_any_value_is_one_key_the_index_matches_exactly(value):
    exact = doc("Ярмарка", place=value)
    doc("Ярмарка", place=value + "x")
    assert found("ярмарка", place=value) == [exact.pk]


def test_filters_do_not_change_the_ranking():
    docs = [
        doc("Ярмарка выходного дня", "Ярмарка и ещё раз ярмарка", region="RU-MOS"),
        doc("Собрание", "На собрании обсудили ярмарку", region="RU-MOS"),
        doc("Ярмарка", "", region="RU-MOS"),
    ]
    plain = search_query("ярмарка", scope="test")[0]
    filtered = search_query("ярмарка", scope="test", facets={"region": "RU-MOS"})[0]
    assert [h.object_id for h in filtered] == [h.object_id for h in plain]
    assert [round(h.rank, 9) for h in filtered] == [round(h.rank, 9) for h in plain]
    assert {h.object_id for h in plain} == {d.pk for d in docs}


def test_the_bounded_search_and_the_match_subquery_filter_alike():
    moscow = doc("Двор", region="RU-MOS")
    doc("Двор", region="RU-TA")
    page = search_ranked("двор", scope="test", facets={"region": "RU-MOS"}, window=10, count_cap=10)
    assert [h.object_id for h in page.hits] == [moscow.pk]
    assert (page.total, page.exact) == (1, True)
    sql, params = search_match_sql("двор", scope="test", facets={"region": "RU-MOS"})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert [row[0] for row in cursor.fetchall()] == [moscow.pk]


def test_keys_are_single_tokens_of_letters_and_digits():
    key = facet_key("region", "RU-MOS")
    assert key.isalnum() and key == key.lower()
    assert facet_terms({"topic": ["b", "a", "a"], "year": 2020, "none": None}).split() == sorted(
        {facet_key("topic", "a"), facet_key("topic", "b"), facet_key("year", 2020)}
    )
    assert required_keys({"region": "", "year": 2020}) == (facet_key("year", 2020),)


def test_a_filter_name_must_be_a_plain_word():
    with pytest.raises(ValidationError):
        facet_key("organization_kind", "tos")
    with pytest.raises(ValidationError):
        facet_key("region:x", "RU-MOS")
