"""The finder's "publishes practices on topics you seek" component: pure scoring on a hand-built index, and the
index's practice topics as the selectors read them from the practice bank."""

from importlib import import_module

import pytest

from localbridge.cooperation import finder, selectors
from localbridge.cooperation.finder import WEIGHTS, Index
from localbridge.cooperation.models import CooperationArea, MunicipalityInterest
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.practices.models import PracticeOrganizationRole, PracticeStatus
from localbridge.practices.tests.factories import (
    PracticeFactory,
    PracticeOrganizationFactory,
    PublishedPracticeFactory,
    TopicFactory,
)
from localbridge.territories.tests.factories import MunicipalityFactory

HOME, PUBLISHER, HALF, NOTHING = 1, 2, 3, 4


@pytest.fixture
def index() -> Index:
    rows = [
        (HOME, "Дом", "Home", "RU", "urban_okrug", None, None, None),
        (PUBLISHER, "Издатель", "Publisher", "DE", "foreign", None, None, None),
        (HALF, "Половина", "Half", "FR", "foreign", None, None, None),
        (NOTHING, "Ничего", "Nothing", "IT", "foreign", None, None, None),
    ]
    return Index.build(
        rows,
        [],
        interests={HOME: frozenset({"youth", "healthcare"})},
        practice_topics={
            PUBLISHER: frozenset({"youth", "older_people", "landscaping"}),
            HALF: frozenset({"youth"}),
            NOTHING: frozenset({"landscaping"}),  # a topic of no area the home seeks
        },
        topic_names={"youth": "Молодёжь", "older_people": "Старшее поколение"},
    )


def contributions(index: Index, candidate: int) -> dict[str, float]:
    _score, reasons = finder.explain(index, index.position[HOME], index.position[candidate])
    return {r.code: r.contribution for r in reasons}


def test_practice_topics_contribute_the_share_of_sought_areas_covered_by_published_topics(index):
    # youth -> {youth}; healthcare -> {health, older_people}: the publisher covers both areas, HALF one of two.
    assert contributions(index, PUBLISHER) == pytest.approx({"practice_topics": WEIGHTS["practice_topics"]})
    assert contributions(index, HALF) == pytest.approx({"practice_topics": WEIGHTS["practice_topics"] / 2})
    assert "practice_topics" not in contributions(index, NOTHING)


def test_the_reason_names_the_topics_it_matched(index):
    reasons = finder.explain(index, index.position[HOME], index.position[PUBLISHER])[1]
    text = next(r.text for r in reasons if r.code == "practice_topics")
    assert "Молодёжь" in text and "Старшее поколение" in text
    assert "landscaping" not in text  # published, but not sought


def test_no_sought_areas_no_practice_topics(index):
    ctx = finder._context(index, index.position[PUBLISHER], finder.BORDER_KM)
    assert "practice_topics" not in finder._values(ctx, index.position[HALF])


def test_the_fast_score_agrees_with_the_explanation_with_practice_topics(index):
    for me in range(len(index.ids)):
        ctx = finder._context(index, me, finder.BORDER_KM)
        for j in range(len(index.ids)):
            assert finder._score(ctx, j) == pytest.approx(finder._explain(ctx, j)[0])


def test_practice_topics_rank_a_publisher_above_an_equal_candidate(index):
    ranked = [s.id for s in finder.suggest(index, HOME, limit=3)]
    assert ranked.index(PUBLISHER) < ranked.index(HALF) < ranked.index(NOTHING)


def test_every_seeded_area_maps_to_seeded_topics():
    seeded_topics = {code for code, _ru, _en in import_module("localbridge.practices.migrations.0002_topics").TOPICS}
    seeded_areas = {
        code for code, _ru, _en in import_module("localbridge.cooperation.migrations.0002_seed_areas").AREAS
    }
    assert set(finder.AREA_TOPICS) == seeded_areas
    assert set().union(*finder.AREA_TOPICS.values()) <= seeded_topics


# --- the index reads the practice bank -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_index_holds_the_topics_of_published_practices_of_the_municipality_and_its_organisations():
    seeker = MunicipalityFactory(name_ru="Искатель")
    publisher = MunicipalityFactory(name_ru="Издатель")
    by_organisation = MunicipalityFactory(name_ru="Через ТОС")
    youth = TopicFactory(code="youth", name_ru="Молодёжь")
    sport = TopicFactory(code="sport", name_ru="Спорт")
    PublishedPracticeFactory(municipality=publisher, topics=[youth])
    PracticeFactory(municipality=publisher, topics=[sport], status=PracticeStatus.DRAFT)  # unpublished: not counted
    practice = PublishedPracticeFactory(municipality=None, region=None, country=None, topics=[sport])
    PracticeOrganizationFactory(
        practice=practice,
        organization=OrganizationFactory(municipality=by_organisation),
        role=PracticeOrganizationRole.AUTHOR,
    )
    interest = MunicipalityInterest.objects.create(municipality=seeker)
    interest.areas.set(CooperationArea.objects.filter(code__in=["youth", "sport"]))

    index = selectors.partner_index()
    assert index.practice_topics[index.position[publisher.pk]] == frozenset({"youth"})
    assert index.practice_topics[index.position[by_organisation.pk]] == frozenset({"sport"})
    suggestions = {s.id: s for s in selectors.partner_suggestions(municipality_id=seeker.pk, limit=10)}
    reasons = {r.code: r for r in suggestions[publisher.pk].reasons}
    assert reasons["practice_topics"].contribution == pytest.approx(WEIGHTS["practice_topics"] / 2)
    assert "Молодёжь" in reasons["practice_topics"].text


@pytest.mark.django_db
def test_publishing_a_practice_is_seen_by_the_next_request():
    seeker = MunicipalityFactory()
    publisher = MunicipalityFactory()
    interest = MunicipalityInterest.objects.create(municipality=seeker)
    interest.areas.set(CooperationArea.objects.filter(code="tourism"))
    assert selectors.partner_index().practice_topics == {}
    PublishedPracticeFactory(municipality=publisher, topics=[TopicFactory(code="tourism")])
    index = selectors.partner_index()
    assert index.practice_topics == {index.position[publisher.pk]: frozenset({"tourism"})}


@pytest.mark.django_db
def test_an_area_added_later_maps_to_the_topic_of_the_same_name():
    area = CooperationArea.objects.create(code="volunteers", name_ru="Волонтёрство", name_en="Volunteering")
    TopicFactory(code="volunteering", name_ru="Волонтёрство", name_en="Volunteering")
    index = selectors.partner_index()
    assert index.area_topics[area.code] == frozenset({"volunteering"})
    assert index.area_topics["youth"] == finder.AREA_TOPICS["youth"]
