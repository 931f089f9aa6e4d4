"""/api/v1/practices/: the search endpoint's shape, filters, facets and hostile queries (the same results as the
web page), one practice, and the writes: create, edit, the moderation moves, the recommendation and adoptions,
with their permissions and the project's error shape."""

import pytest
from django.urls import reverse

from localbridge.accounts.models import ApiToken
from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.practices.forms import FACETS, search_module
from localbridge.practices.models import Adoption, Practice, PracticeStatus, Topic
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeOrganizationFactory,
    PublishedPracticeFactory,
    association_moderator,
    member_of,
)
from localbridge.practices.tests.test_views import HOSTILE_QUERIES
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/practices/"


def bearer(user):
    key_id, secret, token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", key_id=key_id, key_hash=ApiToken.hash_secret(secret))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def reindex():
    module = search_module()
    if module is not None:
        module.practice_search_reindex()


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


# --- search ------------------------------------------------------------------------------------------------


def test_the_search_returns_items_count_facets_and_messages(client):
    PublishedPracticeFactory(title="Двор без луж", summary="Жители убрали лужи.")
    PracticeFactory(title="Черновик")
    body = ok(client.get(URL))
    assert set(body) == {"items", "count", "count_exact", "facets", "facets_exact", "messages"}
    assert body["count"] == 1 and body["count_exact"] is True
    item = body["items"][0]
    assert {"id", "title", "summary", "snippet", "url", "topics", "region", "organizations", "adoption_count"} <= set(
        item
    )
    assert item["title"] == "Двор без луж"
    assert item["url"] == reverse("practices:detail", args=[item["id"]])
    assert set(body["facets"]) == set(FACETS)
    assert body["facets"]["topic"] == [{"value": "landscaping", "label": "Благоустройство", "count": 1}]


def test_the_search_filters_by_every_parameter(client):
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
        "region": "RU-TOM",
        "municipality": tomsk.pk,
        "organization_kind": "tos",
        "year": 2021,
        "language": "en",
        "recommended": "true",
    }
    for name, value in params.items():
        assert [i["title"] for i in ok(client.get(URL, {name: value}))["items"]] == ["Искомая"], name
    assert ok(client.get(URL, {"country": "RU"}))["count"] == 2
    assert ok(client.get(URL, {"country": "ru", **params}))["count"] == 1


def test_a_query_gives_relevance_order_and_snippets(client):
    PublishedPracticeFactory(title="Футбол во дворе", summary="Турнир.", problem="", actions="", results="")
    PublishedPracticeFactory(title="Клумбы", summary="Цветы у подъездов и немного футбола.", problem="", actions="")
    PublishedPracticeFactory(title="Хор", summary="Песни.", problem="", actions="", results="")
    reindex()
    body = ok(client.get(URL, {"q": "футбол"}))
    assert [i["title"] for i in body["items"]] == ["Футбол во дворе", "Клумбы"]
    if search_module() is not None:
        assert "<mark>" in body["items"][1]["snippet"]


def test_the_api_returns_the_same_results_as_the_web_page(client):
    for n in range(5):
        PublishedPracticeFactory(title=f"Двор {n}", summary="Двор и скамейки.")
    PublishedPracticeFactory(title="Хор", summary="Песни.", problem="", actions="", results="")
    reindex()
    params = {"q": "двор", "topic": "landscaping"}
    api_ids = [item["id"] for item in ok(client.get(URL, params))["items"]]
    web_ids = [practice.pk for practice in client.get(reverse("practices:list"), params).context["practices"]]
    assert api_ids == web_ids and len(api_ids) == 5


def test_limit_and_offset_page_through_the_results(client):
    PublishedPracticeFactory.create_batch(7)
    everything = [i["id"] for i in ok(client.get(URL, {"limit": 100}))["items"]]
    assert len(everything) == 7
    assert [i["id"] for i in ok(client.get(URL, {"limit": 3, "offset": 0}))["items"]] == everything[:3]
    assert [i["id"] for i in ok(client.get(URL, {"limit": 3, "offset": 2}))["items"]] == everything[2:5]
    assert [i["id"] for i in ok(client.get(URL, {"limit": 3, "offset": 6}))["items"]] == everything[6:]
    assert client.get(URL, {"limit": 1000}).status_code == 422


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_never_fail(client, q):
    PublishedPracticeFactory(title="Двор без луж")
    reindex()
    body = ok(client.get(URL, {"q": q}))
    assert isinstance(body["items"], list)


def test_a_query_with_nothing_to_search_says_so(client):
    PublishedPracticeFactory()
    body = ok(client.get(URL, {"q": ")))***((( NEAR"}))
    assert body["messages"]


def test_a_bad_filter_type_is_a_422_in_the_projects_shape(client):
    response = client.get(URL, {"year": "вчера"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["errors"][0]["field"] == "year"


def test_the_openapi_description_documents_the_facets(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/practices/"]["get"]
    assert "facets" in operation["description"]
    assert "facets" in str(schema["components"]["schemas"]["PracticeSearchOut"])


# --- one practice -----------------------------------------------------------------------------------------------


def test_a_published_practice_is_public_with_its_details(client):
    practice = PublishedPracticeFactory()
    AdoptionFactory(practice=practice, organization__name="ТОС «Зея»")
    body = ok(client.get(f"{URL}{practice.pk}"))
    assert body["title"] == practice.title
    assert body["status"] == "published"
    assert body["adoptions"][0]["organization"]["name"] == "ТОС «Зея»"
    assert body["adoption_count"] == 1
    assert {"problem", "actions", "results", "figures", "attachments", "tags"} <= set(body)
    assert body["moderation_comment"] == ""


def test_a_draft_is_seen_by_its_author_only(client):
    draft = PracticeFactory()
    assert client.get(f"{URL}{draft.pk}").status_code == 404
    assert client.get(f"{URL}{draft.pk}", **bearer(UserFactory())).status_code == 404
    assert ok(client.get(f"{URL}{draft.pk}", **bearer(draft.author)))["status"] == "draft"


def test_a_refused_token_is_401_not_anonymous(client):
    practice = PublishedPracticeFactory()
    response = client.get(f"{URL}{practice.pk}", HTTP_AUTHORIZATION="Bearer lb_nope_nope")
    assert response.status_code == 401


# --- writes ---------------------------------------------------------------------------------------------------


def create_payload(**overrides):
    municipality = MunicipalityFactory()
    payload = {
        "title": "Сухой двор",
        "summary": "Жители убрали лужи.",
        "actions": "Собрали сход.",
        "language": "ru",
        "municipality": municipality.pk,
        "topics": ["landscaping"],
        "tags": ["двор", "#Лужи"],
        "start_year": 2023,
        "figures": [
            {"kind": "money", "value": "150000.50", "currency": "RUB", "source": "residents"},
            {"kind": "metric", "label": "лужи", "value_before": 12, "value": 0},
        ],
    }
    payload.update(overrides)
    return payload


def test_writing_needs_credentials(client):
    response = client.post(URL, create_payload(), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_signed_in_user_creates_a_draft(client):
    user = UserFactory()
    body = ok(client.post(URL, create_payload(), content_type="application/json", **bearer(user)), 201)
    practice = Practice.objects.get(pk=body["id"])
    assert practice.author == user and practice.status == PracticeStatus.DRAFT
    assert body["region"]["code"] == "RU-AMU"
    assert body["tags"] == ["двор", "лужи"]
    assert body["figures"][0]["value"] == "150000.50"
    assert body["figures"][1]["value_before"] == "12.00"


def test_bad_input_is_a_400_with_field_errors_and_nothing_saved(client):
    user = UserFactory()
    response = client.post(
        URL,
        create_payload(topics=["no_such_topic"], region="RU-XXX"),
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert "region" in fields
    assert not Practice.objects.exists()
    response = client.post(
        URL, create_payload(topics=["no_such_topic"]), content_type="application/json", **bearer(user)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_topic"
    assert not Practice.objects.exists()


def test_an_author_organisation_must_be_ones_own(client):
    user = UserFactory()
    foreign = OrganizationFactory()
    response = client.post(
        URL, create_payload(organizations=[foreign.pk]), content_type="application/json", **bearer(user)
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "organizations"
    own = OrganizationFactory()
    member = member_of(own, MembershipRole.CHAIR)
    body = ok(
        client.post(URL, create_payload(organizations=[own.pk]), content_type="application/json", **bearer(member)),
        201,
    )
    assert [o["id"] for o in body["organizations"]] == [own.pk]


def test_patch_changes_only_the_given_fields(client):
    practice = PracticeFactory(title="Старое", summary="Старое резюме.")
    body = ok(
        client.patch(
            f"{URL}{practice.pk}", {"title": "Новое"}, content_type="application/json", **bearer(practice.author)
        )
    )
    assert body["title"] == "Новое" and body["summary"] == "Старое резюме."
    assert client.patch(
        f"{URL}{practice.pk}", {"title": "Чужое"}, content_type="application/json", **bearer(UserFactory())
    ).status_code in (403, 404)
    published = PublishedPracticeFactory()
    response = client.patch(
        f"{URL}{published.pk}", {"title": "X"}, content_type="application/json", **bearer(published.author)
    )
    assert response.status_code in (400, 403)


def test_the_moderation_workflow_through_the_api(client):
    practice = PracticeFactory()
    author = bearer(practice.author)
    moderator = bearer(association_moderator())
    submitted = client.post(f"{URL}{practice.pk}/submit", content_type="application/json", **author)
    assert ok(submitted)["status"] == "on_moderation"
    assert client.post(f"{URL}{practice.pk}/publish", {}, content_type="application/json", **author).status_code == 403
    response = client.post(f"{URL}{practice.pk}/return", {}, content_type="application/json", **moderator)
    assert response.status_code == 400
    assert response.json()["code"] == "comment_required"
    body = ok(
        client.post(
            f"{URL}{practice.pk}/return", {"comment": "Добавьте цифры."}, content_type="application/json", **moderator
        )
    )
    assert body["status"] == "returned"
    assert ok(client.get(f"{URL}{practice.pk}", **author))["moderation_comment"] == "Добавьте цифры."
    resubmitted = client.post(f"{URL}{practice.pk}/resubmit", {}, content_type="application/json", **author)
    assert ok(resubmitted)["status"] == "on_moderation"
    published = client.post(f"{URL}{practice.pk}/publish", {}, content_type="application/json", **moderator)
    assert ok(published)["status"] == "published"
    body = ok(
        client.post(
            f"{URL}{practice.pk}/recommend", {"note": "Образцовая смета."}, content_type="application/json", **moderator
        )
    )
    assert body["is_recommended"] and body["recommendation_note"] == "Образцовая смета."


def test_a_moderator_rejects(client):
    practice = PracticeFactory(status=PracticeStatus.ON_MODERATION)
    body = ok(
        client.post(
            f"{URL}{practice.pk}/reject",
            {"comment": "Реклама."},
            content_type="application/json",
            **bearer(UserFactory(is_staff=True)),
        )
    )
    assert body["status"] == "rejected"


def test_an_impossible_move_is_a_400_and_an_unknown_one_a_422(client):
    practice = PracticeFactory()
    moderator = bearer(UserFactory(is_staff=True))
    response = client.post(f"{URL}{practice.pk}/publish", {}, content_type="application/json", **moderator)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    unknown = client.post(f"{URL}{practice.pk}/explode", {}, content_type="application/json", **moderator)
    assert unknown.status_code == 422


def test_members_of_another_organisation_record_an_adoption(client):
    practice = PublishedPracticeFactory(start_year=2022)
    adopter = OrganizationFactory(kind=OrganizationKind.TOS)
    member = bearer(member_of(adopter))
    payload = {"organization": adopter.pk, "adopted_on": "2024-03-01", "adaptation": "Добавили качели."}
    body = ok(client.post(f"{URL}{practice.pk}/adoptions", payload, content_type="application/json", **member), 201)
    assert body["organization"]["id"] == adopter.pk
    assert Adoption.objects.get().adaptation == "Добавили качели."
    again = client.post(f"{URL}{practice.pk}/adoptions", payload, content_type="application/json", **member)
    assert again.status_code == 400 and again.json()["code"] == "already_adopted"


def test_only_members_record_adoptions_for_an_organisation(client):
    practice = PublishedPracticeFactory()
    adopter = OrganizationFactory()
    payload = {"organization": adopter.pk, "adopted_on": "2024-03-01"}
    response = client.post(
        f"{URL}{practice.pk}/adoptions", payload, content_type="application/json", **bearer(UserFactory())
    )
    assert response.status_code == 403
    response = client.post(
        f"{URL}{practice.pk}/adoptions",
        {"organization": 999999, "adopted_on": "2024-03-01"},
        content_type="application/json",
        **bearer(UserFactory()),
    )
    assert response.status_code == 400
    assert not Adoption.objects.exists()
