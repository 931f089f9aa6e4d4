"""The practice bank's reads: one practice with its page's data, the moderation queue, "my practices", where a
practice spread (with map coordinates), what an organisation adopted, and the taxonomy with counts. Lists run a
fixed number of queries however long they are."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.practices import selectors
from localbridge.practices.models import FigureKind, PracticeFigure, PracticeStatus, Topic
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeFigureFactory,
    PracticeOrganizationFactory,
    PublishedPracticeFactory,
    TagFactory,
    member_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
S = PracticeStatus


def full_practice(**kwargs):
    practice = PublishedPracticeFactory(tags=[TagFactory(), TagFactory()], **kwargs)
    PracticeOrganizationFactory(practice=practice)
    PracticeOrganizationFactory(practice=practice, role="partner")
    PracticeFigureFactory(practice=practice)
    PracticeFigureFactory(practice=practice, kind=FigureKind.VOLUNTEERS, value=12)
    return practice


# --- one practice --------------------------------------------------------------------------------------------


def test_practice_get_loads_the_page_in_six_queries(django_assert_num_queries):
    practice = full_practice()
    with django_assert_num_queries(6):
        loaded = selectors.practice_get(pk=practice.pk, user=AnonymousUser())
        _ = (loaded.region.name, loaded.municipality.name, loaded.author.display_name)
        assert len(loaded.topics.all()) == 1
        assert len(loaded.tags.all()) == 2
        assert [link.role for link in loaded.organization_links.all()] == ["author", "partner"]
        assert [link.organization.name for link in loaded.organization_links.all()]
        assert len(loaded.figures.all()) == 2
        assert list(loaded.attachments.all()) == []


def test_a_practice_that_may_not_be_seen_is_not_found():
    draft = PracticeFactory(status=S.DRAFT)
    with pytest.raises(Http404):
        selectors.practice_get(pk=draft.pk, user=AnonymousUser())
    with pytest.raises(Http404):
        selectors.practice_get(pk=draft.pk, user=UserFactory())
    assert selectors.practice_get(pk=draft.pk, user=draft.author) == draft


def test_practice_visible_to_runs_no_query_until_evaluated(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(0):
        selectors.practice_visible_to(user)


# --- the moderation queue --------------------------------------------------------------------------------


def test_the_queue_lists_practices_on_moderation_the_longest_waiting_first():
    start = datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)
    later = PracticeFactory(status=S.ON_MODERATION, submitted_at=start + datetime.timedelta(days=2))
    earlier = PracticeFactory(status=S.ON_MODERATION, submitted_at=start)
    PracticeFactory(status=S.DRAFT)
    PublishedPracticeFactory()
    assert list(selectors.practice_list_for_moderation()) == [earlier, later]
    assert len(selectors.practice_list_for_moderation(status=[S.ON_MODERATION, S.PUBLISHED])) == 3


@pytest.mark.parametrize("size", [1, 6])
def test_the_queue_costs_three_queries_whatever_its_length(size, django_assert_num_queries):
    for _ in range(size):
        practice = PracticeFactory(status=S.ON_MODERATION)
        PracticeOrganizationFactory(practice=practice)
    with django_assert_num_queries(3):
        rows = [
            (
                p.author.display_name,
                p.region.name,
                [t.name for t in p.topics.all()],
                [link.organization.name for link in p.organization_links.all()],
            )
            for p in selectors.practice_list_for_moderation()
        ]
    assert len(rows) == size


# --- my practices ----------------------------------------------------------------------------------------


def test_my_practices_are_those_i_wrote_and_those_of_organisations_i_lead():
    user = UserFactory()
    mine = PracticeFactory(author=user)
    led = PracticeOrganizationFactory(practice=PracticeFactory(status=S.RETURNED)).practice
    chair = member_of(led.organization_links.get().organization, MembershipRole.CHAIR)
    member_only = PracticeOrganizationFactory(practice=PracticeFactory()).practice
    member_of(member_only.organization_links.get().organization, MembershipRole.MEMBER)
    assert list(selectors.practice_list_mine(user=user)) == [mine]
    assert list(selectors.practice_list_mine(user=chair)) == [led]
    assert list(selectors.practice_list_mine(user=AnonymousUser())) == []


# --- adoptions ---------------------------------------------------------------------------------------------


def test_adoptions_of_a_practice_carry_their_point_on_the_map(django_assert_num_queries):
    practice = PublishedPracticeFactory()
    placed = MunicipalityFactory(latitude=50.26, longitude=127.53)
    home = MunicipalityFactory(latitude=55.75, longitude=37.62)
    nowhere = MunicipalityFactory()
    a = AdoptionFactory(
        practice=practice,
        organization=OrganizationFactory(municipality=home),
        municipality=placed,
        adopted_on=datetime.date(2024, 1, 1),
    )
    b = AdoptionFactory(
        practice=practice,
        organization=OrganizationFactory(municipality=home),
        municipality=None,
        adopted_on=datetime.date(2024, 3, 1),
    )
    c = AdoptionFactory(
        practice=practice,
        organization=OrganizationFactory(municipality=nowhere),
        municipality=None,
        adopted_on=datetime.date(2024, 2, 1),
    )
    AdoptionFactory(
        practice=practice, organization=OrganizationFactory(status=OrganizationStatus.DRAFT, kind=OrganizationKind.TOS)
    )
    AdoptionFactory()  # another practice's
    with django_assert_num_queries(1):
        rows = [
            (x.pk, x.latitude, x.longitude, x.organization.name, x.municipality and x.municipality.name)
            for x in selectors.adoptions_for_practice(practice=practice)
        ]
    assert [(pk, lat, lon) for pk, lat, lon, *_ in rows] == [
        (b.pk, 55.75, 37.62),
        (c.pk, None, None),
        (a.pk, 50.26, 127.53),
    ]
    assert selectors.adoption_counts([practice.pk]) == {practice.pk: 3}


def test_what_an_organisation_adopted_hides_practices_no_longer_visible(django_assert_num_queries):
    adopter = OrganizationFactory()
    shown = AdoptionFactory(organization=adopter, adopted_on=datetime.date(2024, 5, 1))
    older = AdoptionFactory(organization=adopter, adopted_on=datetime.date(2023, 5, 1))
    withdrawn = AdoptionFactory(organization=adopter, practice=PracticeFactory(status=S.ARCHIVED))
    AdoptionFactory()
    with django_assert_num_queries(1):
        rows = [
            (a, a.practice.title, a.practice.region) for a in selectors.adoptions_by_organization(organization=adopter)
        ]
    assert [a for a, *_ in rows] == [shown, older]
    moderator = UserFactory(is_staff=True)
    assert withdrawn in selectors.adoptions_by_organization(organization=adopter, user=moderator)


def test_adoption_get_follows_the_practice_visibility():
    adoption = AdoptionFactory(practice=PracticeFactory(status=S.ARCHIVED))
    with pytest.raises(Http404):
        selectors.adoption_get(pk=adoption.pk, user=AnonymousUser())
    assert selectors.adoption_get(pk=adoption.pk, user=adoption.practice.author) == adoption


# --- topics -------------------------------------------------------------------------------------------------


def test_topics_count_published_practices_in_one_query(django_assert_num_queries):
    culture = Topic.objects.get(code="culture")
    PublishedPracticeFactory(topics=[culture])
    PublishedPracticeFactory(topics=[culture, Topic.objects.get(code="youth")])
    PracticeFactory(status=S.DRAFT, topics=[culture])
    Topic.objects.filter(code="tourism").update(is_active=False)
    with django_assert_num_queries(1):
        counts = {t.code: t.practice_count for t in selectors.topic_list_with_counts()}
    assert len(counts) == 17 and "tourism" not in counts
    assert (counts["culture"], counts["youth"], counts["sport"]) == (2, 1, 0)
    assert "tourism" in {t.code for t in selectors.topic_list_with_counts(include_inactive=True)}
    assert list(selectors.topic_list())[0].code == "landscaping"


def test_topic_get_by_code():
    assert selectors.topic_get(code="memory").name_ru == "Память и патриотическое воспитание"
    with pytest.raises(Http404):
        selectors.topic_get(code="nothing")


# --- figures -------------------------------------------------------------------------------------------------


def test_money_is_summed_per_currency():
    figures = [
        PracticeFigure(kind=FigureKind.MONEY, value=Decimal("100.50"), currency="RUB", source="grant"),
        PracticeFigure(kind=FigureKind.MONEY, value=Decimal("200"), currency="RUB", source="residents"),
        PracticeFigure(kind=FigureKind.MONEY, value=Decimal("50"), currency="BYN", source="sponsors"),
        PracticeFigure(kind=FigureKind.VOLUNTEERS, value=Decimal("30")),
    ]
    assert selectors.money_by_currency(figures) == {"RUB": Decimal("300.50"), "BYN": Decimal("50")}


def test_history_lists_every_recorded_move():
    from localbridge.practices import services

    author = UserFactory()
    practice = PracticeFactory(author=author)
    services.practice_submit(practice=practice, actor=author)
    assert [e.action for e in selectors.practice_history(practice=practice)] == ["submit"]
