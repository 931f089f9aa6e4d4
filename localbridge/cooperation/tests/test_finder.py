"""The partner finder's scoring, on a hand-built index (no database)."""

import math

import pytest

from localbridge.cooperation import finder
from localbridge.cooperation.finder import WEIGHTS, Filters, Index, suggest

HOME, PARTNER_DE, PARTNER_FR, FRIEND_OF_FRIENDS, BORDER, SAME_SIZE, SAME_INTERESTS = 1, 2, 3, 4, 5, 6, 7


@pytest.fixture
def index() -> Index:
    rows = [
        (HOME, "Дом", "Home", "RU", "urban_okrug", 100_000, 50.0, 40.0),
        (PARTNER_DE, "Партнёр-1", "Partner 1", "DE", "foreign", 900_000, 52.0, 13.0),
        (PARTNER_FR, "Партнёр-2", "Partner 2", "FR", "foreign", 900_000, 48.0, 2.0),
        (FRIEND_OF_FRIENDS, "Друг", "Friend", "IT", "foreign", None, 10.0, 100.0),
        (BORDER, "Сосед", "Neighbour", "UA", "foreign", None, 50.5, 40.5),
        (SAME_SIZE, "Ровня", "Peer", "RU", "urban_okrug", 100_000, 60.0, 130.0),
        (SAME_INTERESTS, "Единомышленник", "Like-minded", "JP", "foreign", None, 35.0, 139.0),
    ]
    links = [(HOME, PARTNER_DE), (PARTNER_FR, HOME), (PARTNER_DE, FRIEND_OF_FRIENDS), (PARTNER_FR, FRIEND_OF_FRIENDS)]
    interests = {HOME: frozenset({"youth", "tourism"}), SAME_INTERESTS: frozenset({"youth", "sport"})}
    return Index.build(rows, links, interests=interests, area_names={"youth": "молодёжь"})


def contributions(index: Index, candidate: int) -> dict[str, float]:
    _score, reasons = finder.explain(index, index.position[HOME], index.position[candidate])
    return {r.code: r.contribution for r in reasons}


def test_never_itself_or_an_existing_partner(index):
    ids = [s.id for s in suggest(index, HOME, limit=100)]
    assert sorted(ids) == [FRIEND_OF_FRIENDS, BORDER, SAME_SIZE, SAME_INTERESTS]
    for partner in (PARTNER_DE, PARTNER_FR):
        assert HOME not in [s.id for s in suggest(index, partner, limit=100)]
        assert partner not in [s.id for s in suggest(index, partner, limit=100)]


def test_partners_of_partners_count_common_partners_up_to_three(index):
    assert contributions(index, FRIEND_OF_FRIENDS) == pytest.approx(
        {
            "partners_of_partners": WEIGHTS["partners_of_partners"] * 2 / 3,
            "well_connected": WEIGHTS["well_connected"] * math.log(3) / math.log(31),
            "new_country": WEIGHTS["new_country"],
        }
    )


def test_a_border_neighbour_is_close_and_in_another_country(index):
    assert contributions(index, BORDER) == pytest.approx(
        {
            "border_neighbour": WEIGHTS["border_neighbour"],
            "distance": WEIGHTS["distance"],
            "new_country": WEIGHTS["new_country"],
        }
    )
    narrow = finder.explain(index, index.position[HOME], index.position[BORDER], border_km=10)[1]
    assert "border_neighbour" not in {r.code for r in narrow}


def test_similar_size_and_type_and_no_bonus_for_ones_own_country(index):
    assert contributions(index, SAME_SIZE) == pytest.approx(
        {"similar_size": WEIGHTS["similar_size"], "same_type": WEIGHTS["same_type"]}
    )


def test_size_similarity_fades_to_nothing_at_eight_times(index):
    ctx = finder._context(index, index.position[PARTNER_DE], finder.BORDER_KM)
    assert "similar_size" not in finder._values(ctx, index.position[HOME])  # nine times smaller
    assert finder._values(ctx, index.position[PARTNER_FR])["similar_size"] == 1.0


def test_shared_interests_are_the_share_of_what_the_municipality_seeks(index):
    result = contributions(index, SAME_INTERESTS)
    assert result == pytest.approx(
        {"shared_interests": WEIGHTS["shared_interests"] / 2, "new_country": WEIGHTS["new_country"]}
    )
    reason = next(
        r
        for r in finder.explain(index, index.position[HOME], index.position[SAME_INTERESTS])[1]
        if r.code == "shared_interests"
    )
    assert "молодёжь" in reason.text


def test_the_score_is_the_sum_of_the_reasons_shown_and_ranks_the_list(index):
    suggestions = suggest(index, HOME, limit=10)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    for s in suggestions:
        assert s.score == pytest.approx(sum(r.contribution for r in s.reasons), abs=1e-4)
        assert all(r.contribution > 0 and r.text for r in s.reasons)
        assert [r.contribution for r in s.reasons] == sorted((r.contribution for r in s.reasons), reverse=True)


def test_the_fast_score_agrees_with_the_explanation_for_every_pair(index):
    for me in range(len(index.ids)):
        ctx = finder._context(index, me, finder.BORDER_KM)
        for j in range(len(index.ids)):
            assert finder._score(ctx, j) == pytest.approx(finder._explain(ctx, j)[0])


def test_filters_restrict_the_candidates(index):
    def ids(**kwargs):
        return {s.id for s in suggest(index, HOME, limit=10, filters=Filters(**kwargs))}

    assert ids(country="UA") == {BORDER}
    assert ids(cross_border_only=True) == {BORDER}
    assert ids(max_km=1000) == {BORDER}
    assert ids(area="youth") == {SAME_INTERESTS}
    assert ids(min_population=50_000, max_population=200_000) == {SAME_SIZE}


def test_the_partners_of_partners_reason_names_them(index):
    reasons = finder.explain(index, index.position[HOME], index.position[FRIEND_OF_FRIENDS])[1]
    text = next(r.text for r in reasons if r.code == "partners_of_partners")
    assert "Партнёр-1" in text and "Партнёр-2" in text


def test_an_unknown_municipality_gets_no_suggestions(index):
    assert suggest(index, 999, limit=10) == []
    assert suggest(index, HOME, limit=0) == []
