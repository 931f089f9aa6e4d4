"""Who sees what in the registry, and how it filters and searches (selectors.py)."""

import pytest

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations import selectors
from localbridge.organizations.models import MembershipRole, OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import (
    AdministrationFactory,
    MembershipFactory,
    OrganizationFactory,
    TosFactory,
)
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return MunicipalityFactory()


@pytest.fixture
def draft(town):
    return TosFactory(municipality=town, status=OrganizationStatus.DRAFT, name="ТОС «Черновик»")


@pytest.fixture
def public(town):
    return TosFactory(municipality=town, status=OrganizationStatus.REGISTERED, name="ТОС «Готовый»")


def visible_ids(user):
    return set(selectors.organization_visible_to(user).values_list("pk", flat=True))


def municipal_staff(municipality):
    user = UserFactory()
    MembershipFactory(user=user, organization=AdministrationFactory(municipality=municipality), role="staff")
    return user


def test_anonymous_users_see_only_public_statuses(draft, public):
    assert public.pk in visible_ids(None)
    assert draft.pk not in visible_ids(None)


def test_every_public_status_is_visible_to_everyone(town):
    shown = {s: OrganizationFactory(municipality=town, status=s) for s in OrganizationStatus.values}
    ids = visible_ids(UserFactory())
    for status, organization in shown.items():
        expected = status in {"registered", "active", "closed"}
        assert (organization.pk in ids) is expected, status


def test_a_signed_in_stranger_does_not_see_a_draft(draft):
    assert draft.pk not in visible_ids(UserFactory())


@pytest.mark.parametrize("role", MembershipRole.values)
def test_members_with_any_role_see_their_draft(draft, role):
    member = MembershipFactory(organization=draft, role=role).user
    assert draft.pk in visible_ids(member)


def test_an_inactive_membership_shows_nothing(draft):
    member = MembershipFactory(organization=draft, is_active=False).user
    assert draft.pk not in visible_ids(member)


def test_staff_of_the_same_municipality_see_its_drafts(draft, town):
    assert draft.pk in visible_ids(municipal_staff(town))


def test_staff_of_another_municipality_do_not_see_the_draft(draft):
    assert draft.pk not in visible_ids(municipal_staff(MunicipalityFactory()))


def test_a_plain_member_of_the_administration_is_not_municipal_staff(draft, town):
    user = UserFactory()
    MembershipFactory(user=user, organization=AdministrationFactory(municipality=town), role="member")
    assert draft.pk not in visible_ids(user)


def test_staff_of_an_ngo_in_the_municipality_are_not_municipal_staff(draft, town):
    user = UserFactory()
    MembershipFactory(user=user, organization=OrganizationFactory(municipality=town), role="staff")
    assert draft.pk not in visible_ids(user)


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_platform_moderators_see_everything(draft, public, flags):
    assert {draft.pk, public.pk} <= visible_ids(UserFactory(**flags))


def test_visibility_is_one_query_whatever_the_roles(django_assert_num_queries, town, draft):
    user = municipal_staff(town)
    MembershipFactory(user=user, organization=draft)
    with django_assert_num_queries(1):
        list(selectors.organization_visible_to(user))


def test_insider_check(draft, town):
    assert selectors.organization_is_insider(organization=draft, user=municipal_staff(town))
    assert not selectors.organization_is_insider(organization=draft, user=UserFactory())
    assert not selectors.organization_is_insider(organization=draft, user=None)


def test_status_choices_follow_what_the_user_may_see(draft):
    public_only = {"registered", "active", "closed"}
    assert {v for v, _ in selectors.status_choices_for(None)} == public_only
    assert {v for v, _ in selectors.status_choices_for(UserFactory())} == public_only
    member = MembershipFactory(organization=draft).user
    assert {v for v, _ in selectors.status_choices_for(member)} == set(OrganizationStatus.values)
    assert {v for v, _ in selectors.status_choices_for(UserFactory(is_staff=True))} == set(OrganizationStatus.values)


# --- filters ---------------------------------------------------------------------------------------------


def names(**filters):
    filters.setdefault("user", None)
    return [o.name for o in selectors.organization_list(**filters)]


def test_the_list_is_ordered_by_name():
    for name in ["Вектор", "Альфа", "Берёза"]:
        OrganizationFactory(name=name)
    assert names() == ["Альфа", "Берёза", "Вектор"]


def test_filter_by_region_iso_code():
    amur = MunicipalityFactory(region=RegionFactory(code="RU-AMU"))
    tomsk = MunicipalityFactory(region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    OrganizationFactory(name="Амурская", municipality=amur)
    OrganizationFactory(name="Томская", municipality=tomsk)
    assert names(region="RU-TOM") == ["Томская"]
    assert names(region="RU-XXX") == []


def test_filter_by_municipality(town):
    OrganizationFactory(name="Здесь", municipality=town)
    OrganizationFactory(name="Там")
    assert names(municipality=town.pk) == ["Здесь"]


def test_filter_by_kind(town):
    TosFactory(name="ТОС «Луч»", municipality=town, status="registered")
    OrganizationFactory(name="НКО", municipality=town, kind=OrganizationKind.NGO)
    assert names(kind="tos") == ["ТОС «Луч»"]
    assert names(kind="ngo") == ["НКО"]


def test_filter_by_status_cannot_reveal_hidden_ones(town):
    TosFactory(name="ТОС «Закрыт»", municipality=town, status="closed")
    TosFactory(name="ТОС «Черновик»", municipality=town, status="draft")
    assert names(status="closed") == ["ТОС «Закрыт»"]
    assert names(status="draft") == []
    assert names(status="draft", user=UserFactory(is_staff=True)) == ["ТОС «Черновик»"]


def test_filter_by_legal_entity(town):
    OrganizationFactory(name="Юрлицо", municipality=town, is_legal_entity=True, ogrn="1022800000009")
    OrganizationFactory(name="Без юрлица", municipality=town)
    assert names(legal_entity=True) == ["Юрлицо"]
    assert names(legal_entity=False) == ["Без юрлица"]


def make_searchable(**fields):
    from localbridge.organizations.services import organization_search_text

    organization = OrganizationFactory(**fields)
    organization.search_text = organization_search_text(organization)
    organization.save(update_fields=["search_text"])
    return organization


@pytest.mark.parametrize("query", ["тос", "ТОС", "Тос", "  тос  "])
def test_search_folds_cyrillic_case(query):
    make_searchable(name="ТОС «Северный»")
    make_searchable(name="Администрация")
    assert names(q=query) == ["ТОС «Северный»"]


@pytest.mark.parametrize("query", ["Ёлка", "ёлка", "елка", "ЕЛКА"])
def test_search_treats_yo_as_ye(query):
    make_searchable(name="ТОС «Ёлка»")
    make_searchable(name="ТОС «Елочка-2»", short_name="Ёлочка")
    make_searchable(name="ТОС «Сосна»")
    assert names(q=query) == ["ТОС «Ёлка»"]


def test_search_finds_short_and_english_names_and_registry_numbers():
    make_searchable(name="Союз российских городов", short_name="СРГ", name_en="Union of Russian Cities")
    make_searchable(name="ТОС «Луч»", registry_number="ТОС-28-000042")
    assert names(q="срг") == ["Союз российских городов"]
    assert names(q="union of russian") == ["Союз российских городов"]
    assert names(q="000042") == ["ТОС «Луч»"]


def test_search_with_like_wildcards_is_literal():
    make_searchable(name="ТОС 100% активный")
    make_searchable(name="ТОС активный")
    assert names(q="100%") == ["ТОС 100% активный"]
    assert names(q="_") == []


def test_filters_combine(town):
    make_searchable(name="ТОС «Луч»", kind="tos", municipality=town, status="registered")
    make_searchable(name="Луч (НКО)", kind="ngo", municipality=town)
    make_searchable(name="ТОС «Заря»", kind="tos", municipality=town, status="registered")
    assert names(kind="tos", q="луч", region=town.region.code) == ["ТОС «Луч»"]


def test_leaders_are_chairs_staff_and_elected_members(public):
    from localbridge.organizations.models import BodyMember

    chair = MembershipFactory(organization=public, role="chair")
    MembershipFactory(organization=public, role="member")
    BodyMember.objects.create(organization=public, full_name="Петрова Анна", role="council")
    leaders = selectors.organization_leaders(public)
    assert [m.pk for m in leaders.memberships] == [chair.pk]
    assert [b.full_name for b in leaders.body_members] == ["Петрова Анна"]


def test_my_organizations_lists_roles_and_drafts_started_without_a_role(town):
    user = UserFactory()
    member_of = MembershipFactory(user=user, role="chair").organization
    started = TosFactory(municipality=town, created_by=user, status="draft")
    TosFactory(municipality=town, created_by=user, status="registered")
    mine = selectors.my_organizations(user)
    assert [m.organization_id for m in mine["memberships"]] == [member_of.pk]
    assert [o.pk for o in mine["drafts"]] == [started.pk]


def test_a_search_sees_exactly_what_the_list_sees(town):
    hidden = {s: make_searchable(name=f"ТОС «Поиск» {s}", municipality=town, status=s) for s in OrganizationStatus}
    member = UserFactory()
    MembershipFactory(user=member, organization=hidden[OrganizationStatus.DRAFT])
    for user in (None, UserFactory(), member, municipal_staff(town), UserFactory(is_staff=True)):
        listed = {o.pk for o in selectors.organization_list(user=user)}
        found = {o.pk for o in selectors.organization_list(user=user, q="поиск")}
        assert found == listed & {o.pk for o in hidden.values()}
