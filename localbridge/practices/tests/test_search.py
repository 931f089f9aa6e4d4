"""Searching the practice bank (practices/search.py), on SQLite and PostgreSQL alike: the index follows the
services' events, Russian word forms and English are understood, hostile queries never raise, filters and
facet counts agree with the database, the same top results come out on both databases, and the cost caps
(count, facets, ranking window) say when they cut."""

import pytest
from django.db import connection

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.search import search_query
from localbridge.organizations.models import OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.practices import search as practice_search_module
from localbridge.practices import services
from localbridge.practices.models import Practice, PracticeStatus, Topic
from localbridge.practices.search import (
    connect,
    practice_search,
    practice_search_index,
    practice_search_reindex,
    practice_similar,
)
from localbridge.practices.tests.conftest import NOW
from localbridge.practices.tests.factories import (
    PracticeOrganizationFactory,
    PublishedPracticeFactory,
    TagFactory,
)
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = PracticeStatus


@pytest.fixture(autouse=True)
def _connected():
    connect()


def published(title, summary="", *, index=True, topics=None, **kwargs):
    kwargs.setdefault("problem", "")
    kwargs.setdefault("actions", "")
    kwargs.setdefault("results", "")
    practice = PublishedPracticeFactory(
        title=title, summary=summary, topics=[Topic.objects.get(code=c) for c in (topics or ["landscaping"])], **kwargs
    )
    if index:
        practice_search_index([practice.pk])
    return practice


def titles(result):
    return [hit.practice.title for hit in result.items]


# --- the index follows the services ------------------------------------------------------------------------


def test_the_index_follows_create_publish_unpublish_and_delete(django_capture_on_commit_callbacks):
    author = UserFactory()
    moderator = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        practice = services.practice_create(
            actor=author,
            now=NOW,
            title="Сквер у школы",
            summary="Жители высадили липы.",
            problem="Пустырь.",
            actions="Субботник.",
            results="Сквер.",
            language="ru",
            municipality=MunicipalityFactory(),
            topics=["ecology"],
            start_year=2023,
        )
    assert practice_search(q="сквер").count == 0  # a draft is indexed, but not public
    assert search_query("сквер", scope="practices", public=False)[1] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_submit(practice=practice, actor=author, now=NOW)
        services.practice_publish(practice=practice, actor=moderator, now=NOW)
    assert titles(practice_search(q="скверы")) == ["Сквер у школы"]
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_unpublish(practice=practice, actor=moderator, comment="Устарело", now=NOW)
    assert practice_search(q="сквер").count == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_delete(practice=practice, actor=moderator, now=NOW)
    assert search_query("сквер", scope="practices", public=None)[1] == 0


def test_a_renamed_topic_is_found_in_its_practices(django_capture_on_commit_callbacks):
    practice = published("Лавочки во дворе", topics=["older_people"])
    topic = Topic.objects.get(code="older_people")
    assert practice_search(q="долголетие").count == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_update(topic=topic, actor=UserFactory(is_superuser=True), name_ru="Активное долголетие")
    assert [hit.practice for hit in practice_search(q="долголетие").items] == [practice]


def test_the_index_filters_follow_recommendation_and_edits(django_capture_on_commit_callbacks):
    """With a query the index itself filters (each practice's filter values are keys of its row), so they must
    follow every change of those values."""
    practice = published("Ярмарка добрых дел", topics=["charity"], year=2022, start_year=2022)
    moderator = UserFactory(is_staff=True)
    assert practice_search(q="ярмарка", recommended="1").count == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_recommend(practice=practice, actor=moderator, note="Легко повторить.", now=NOW)
    assert titles(practice_search(q="ярмарка", recommended="1")) == ["Ярмарка добрых дел"]
    assert titles(practice_search(q="ярмарка", topic="charity", year=2022)) == ["Ярмарка добрых дел"]
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_unrecommend(practice=practice, actor=moderator, note="Устарело.", now=NOW)
    assert practice_search(q="ярмарка", recommended="1").count == 0
    assert practice_search(q="ярмарка").count == 1


def test_reindex_rebuilds_the_scope_from_the_practices():
    published("Ярмарка добрых дел", index=False)
    PublishedPracticeFactory(title="Черновик ярмарки", status=S.DRAFT)
    assert practice_search(q="ярмарка").count == 0
    assert practice_search_reindex() == 2
    assert titles(practice_search(q="ярмарки")) == ["Ярмарка добрых дел"]


def test_tags_topics_territory_and_organisation_names_are_searchable():
    tos = OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.ACTIVE, name="ТОС «Черёмушки»")
    practice = published(
        "Праздник двора",
        topics=["culture"],
        tags=[TagFactory(name="фестиваль")],
        municipality=MunicipalityFactory(name_ru="Город Тында", name_en="Tynda"),
    )
    PracticeOrganizationFactory(practice=practice, organization=tos)
    practice_search_index([practice.pk])
    for q in ("фестивали", "культура", "Тында", "черемушки", "Tynda", "Амурская область"):
        assert [hit.practice for hit in practice_search(q=q).items] == [practice], q


# --- word forms, languages, hostile input --------------------------------------------------------------------


def test_word_forms_roots_and_hyphenated_words():
    courtyard = published("Как мы благоустроили двор", "Жители сами благоустроили двор у дома 5.")
    twins = published("Города-побратимы обмениваются делегациями", "Молодёжный обмен.", topics=["international"])
    published("Библиотека под открытым небом", "Книги на скамейках.", topics=["culture"])
    assert [hit.practice for hit in practice_search(q="благоустройство дворов").items] == [courtyard]
    assert [hit.practice for hit in practice_search(q="побратимы").items] == [twins]
    assert [hit.practice for hit in practice_search(q="город-побратим").items] == [twins]
    snippet = practice_search(q="благоустройство дворов").items[0].snippet
    assert "<mark>" in snippet


def test_english_and_mixed_queries():
    english = published(
        "Twin towns youth exchange", "Young volunteers visited their partner town.", language="en", topics=["youth"]
    )
    russian = published("Волонтёры в парке", "Молодые волонтёры убирают парк по субботам.", topics=["volunteering"])
    assert [hit.practice for hit in practice_search(q="volunteering exchanges").items] == [english]
    assert [hit.practice for hit in practice_search(q="волонтёр").items] == [russian]
    assert [hit.practice for hit in practice_search(q="волонтёры parks").items] == []  # every word must match
    assert {hit.practice for hit in practice_search(q="youth", language="en").items} == {english}


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "((((",
        "двор)",
        "NEAR(двор лужи)",
        "двор AND OR NOT",
        "*",
        "двор*",
        "title_terms: двор",
        "'; DROP TABLE practices_practice; --",
        "двор\x00лужи",
        "«»",
        "ы" * 5000,
        "двор " * 400,
        "😀 🏡",
        "%_%",
        "{title_terms}: двор",
    ],
)
def test_hostile_queries_never_raise(q):
    published("Двор без луж")
    result = practice_search(q=q, topic="landscaping", year="abc", municipality="1; --", page="-3")
    assert result.count >= 0
    assert result.page == 1
    assert Practice.objects.count() == 1


@pytest.mark.parametrize("q", ["!!!", "   ?  ", "и в на", "«»", "()"])
def test_a_query_with_nothing_searchable_says_so(q):
    published("Двор без луж")
    result = practice_search(q=q)
    assert result.items == [] and result.count == 0
    assert result.message


def test_a_blank_query_lists_the_newest_first_with_summaries():
    older = published("Старая практика", "Кратко о старом.", published_at=NOW.replace(year=2020))
    newer = published("Новая практика", "Кратко о <новом>.", published_at=NOW)
    result = practice_search(q="  ")
    assert [hit.practice for hit in result.items] == [newer, older]
    assert result.message == ""
    assert result.items[0].snippet == "Кратко о &lt;новом&gt;."
    assert result.items[0].rank is None


def test_nothing_found_has_a_message():
    published("Двор без луж")
    result = practice_search(q="космодром")
    assert result.items == [] and result.message


# --- filters and facets ---------------------------------------------------------------------------------------


@pytest.fixture
def corpus():
    """Six published practices across two regions, three years, two languages, topics and organisation kinds,
    and one draft that must never count."""
    ru = CountryFactory()
    kz = CountryFactory(code="KZ", code3="KAZ", name_ru="Казахстан", name_en="Kazakhstan")
    amur = RegionFactory()
    tver = RegionFactory(code="RU-TVE", name_ru="Тверская область", name_en="Tver Oblast", country=ru)
    almaty = RegionFactory(code="KZ-75", name_ru="Алматы", name_en="Almaty", country=kz)
    blag = MunicipalityFactory(region=amur, country=ru)
    tver_city = MunicipalityFactory(region=tver, country=ru)
    almaty_city = MunicipalityFactory(region=almaty, country=kz)
    tos = OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.ACTIVE)
    admin = OrganizationFactory(kind=OrganizationKind.ADMINISTRATION, status=OrganizationStatus.ACTIVE)
    rows = [
        ("Двор для всех", blag, 2022, "ru", ["landscaping"], [tos], False),
        ("Двор и сквер", blag, 2023, "ru", ["landscaping", "ecology"], [tos, admin], True),
        ("Чистый двор", tver_city, 2023, "ru", ["ecology"], [admin], False),
        ("Двор-музей", tver_city, 2024, "ru", ["culture", "memory"], [], False),
        ("Courtyard for everyone", almaty_city, 2024, "en", ["landscaping"], [tos], False),
        ("Спортивный двор", almaty_city, 2024, "ru", ["sport"], [], True),
    ]
    practices = []
    for title, municipality, year, language, topics, organizations, recommended in rows:
        practice = published(
            title,
            "Двор. Courtyard.",
            index=False,
            municipality=municipality,
            start_year=year,
            year=year,
            language=language,
            topics=topics,
            is_recommended=recommended,
        )
        for organization in organizations:
            PracticeOrganizationFactory(practice=practice, organization=organization)
        practices.append(practice)
    PublishedPracticeFactory(title="Двор-черновик", status=S.DRAFT, municipality=blag)
    practice_search_reindex()
    return {"practices": practices, "amur": amur, "blag": blag, "tos": tos}


def counts(result, facet):
    return {value.value: value.count for value in result.facets[facet]}


def test_facet_counts_over_the_whole_bank(corpus):
    result = practice_search(q="")
    assert result.count == 6 and result.count_exact and result.facets_exact
    assert counts(result, "topic") == {"landscaping": 3, "ecology": 2, "culture": 1, "memory": 1, "sport": 1}
    assert counts(result, "country") == {"RU": 4, "KZ": 2}
    assert counts(result, "region") == {"RU-AMU": 2, "RU-TVE": 2, "KZ-75": 2}
    assert counts(result, "municipality") == {str(corpus["blag"].pk): 2} | {
        k: 2 for k in counts(result, "municipality") if k != str(corpus["blag"].pk)
    }
    assert len(result.facets["municipality"]) == 3
    assert counts(result, "year") == {"2024": 3, "2023": 2, "2022": 1}
    assert [v.value for v in result.facets["year"]] == ["2024", "2023", "2022"]
    assert counts(result, "language") == {"ru": 5, "en": 1}
    assert counts(result, "recommended") == {"1": 2}
    assert counts(result, "organization_kind") == {"tos": 3, "administration": 2}
    assert {v.value: v.label for v in result.facets["country"]} == {"RU": "Россия", "KZ": "Казахстан"}


def test_facet_counts_follow_the_query_and_the_filters(corpus):
    result = practice_search(q="двор", region="ru-amu")
    assert result.filters == {"region": "RU-AMU"}
    assert sorted(titles(result)) == ["Двор для всех", "Двор и сквер"]
    assert counts(result, "topic") == {"landscaping": 2, "ecology": 1}
    assert counts(result, "organization_kind") == {"tos": 2, "administration": 1}
    assert [v.selected for v in result.facets["region"]] == [True]
    result = practice_search(q="двор", topic="ecology", year=2023)
    assert sorted(titles(result)) == ["Двор и сквер", "Чистый двор"]
    assert counts(result, "recommended") == {"1": 1}
    result = practice_search(q="двор", organization_kind="administration", recommended="1")
    assert titles(result) == ["Двор и сквер"]
    assert titles(practice_search(q="courtyard", language="en", country="kz")) == ["Courtyard for everyone"]
    assert practice_search(q="двор", topic="no-such-topic").count == 0


def test_facets_agree_with_a_plain_count_for_every_value(corpus):
    result = practice_search(q="двор")
    base = Practice.objects.filter(status=S.PUBLISHED)
    for value in result.facets["topic"]:
        assert value.count == base.filter(topics__code=value.value).count()
    for value in result.facets["region"]:
        assert value.count == base.filter(region__code=value.value).count()
        assert practice_search(q="двор", region=value.value).count == value.count


def test_a_search_makes_the_same_number_of_queries_whatever_it_finds(corpus, django_assert_num_queries):
    # facets (which count the matches too), four facet labels, ranked candidates, snippets, practices, their
    # topics; on PostgreSQL the facets and the ranking each run in a (nested) transaction that keeps the planner
    # on the GIN indexes (savepoint, two settings, release)
    expected = 9 + (8 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        many = practice_search(q="двор")
    assert many.count == 6
    published("Двор-2", "Двор.")
    with django_assert_num_queries(expected):
        practice_search(q="двор")


def test_the_caps_say_when_they_cut(corpus, monkeypatch):
    monkeypatch.setattr(practice_search_module, "COUNT_CAP", 3)
    monkeypatch.setattr(practice_search_module, "FACET_CAP", 4)
    monkeypatch.setattr(practice_search_module, "RANK_WINDOW", 2)
    result = practice_search(q="двор")
    assert (result.count, result.count_exact, result.facets_exact) == (3, False, False)
    assert sum(counts(result, "country").values()) == 5  # counted over the first FACET_CAP + 1 only
    assert result.items  # the best of the window (on PostgreSQL its two parts may overlap)
    browse = practice_search(q="")
    assert (browse.count, browse.count_exact, browse.facets_exact) == (3, False, False)


def test_pages(corpus):
    first = practice_search(q="двор", per_page=4)
    second = practice_search(q="двор", per_page=4, page=2)
    assert first.has_next and not first.has_previous and second.has_previous and not second.has_next
    assert len(first.items) == 4 and len(second.items) == 2
    assert not {h.practice for h in first.items} & {h.practice for h in second.items}


# --- ranking alike on both databases --------------------------------------------------------------------------


def test_the_same_top_results_on_both_databases():
    """The expected order is written once: this test runs on SQLite and on PostgreSQL."""
    published("Благоустройство двора на Лесной", "Двор благоустроили всем домом.")
    published("Субботник в сквере", "Убрали сквер, а потом благоустроили двор соседей.")
    published("Ремонт дворовой площадки", "Площадка во дворе.", problem="Благоустройство давно не проводилось.")
    published("Побратимы из Харбина", "Молодёжный обмен городов-побратимов.", topics=["international"])
    published("Обмен делегациями", "Города-побратимы принимают школьников.", topics=["international"])
    assert titles(practice_search(q="благоустройство двора")) == [
        "Благоустройство двора на Лесной",
        "Ремонт дворовой площадки",
        "Субботник в сквере",
    ]
    assert titles(practice_search(q="побратимы")) == ["Побратимы из Харбина", "Обмен делегациями"]


def test_similar_practices():
    base = published("Ярмарка добрых дел", "Благотворительная ярмарка выпечки в поддержку многодетных семей.")
    close = published("Осенняя ярмарка", "Ярмарка выпечки и поделок, выручка — многодетным семьям.")
    published("Турнир по мини-футболу", "Спортивный праздник двора.", topics=["sport"])
    draft = PublishedPracticeFactory(title="Ярмарка выпечки", summary="Выпечка для семей.", status=S.DRAFT)
    practice_search_index([draft.pk])
    assert [hit.practice for hit in practice_similar(base)] == [close]
