"""GET /api/v1/organizations/ and /api/v1/organizations/{id}: shape, filters, visibility by session and token."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localbridge.accounts.models import ApiToken
from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import BodyMember, Document, Organization
from localbridge.organizations.services import organization_search_text
from localbridge.organizations.tests.factories import (
    AdministrationFactory,
    MembershipFactory,
    OrganizationFactory,
    TosFactory,
)
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/"


def searchable(organization):
    organization.search_text = organization_search_text(organization)
    organization.save(update_fields=["search_text"])
    return organization


def bearer(user):
    key_id, secret, token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", key_id=key_id, key_hash=ApiToken.hash_secret(secret))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def registry():
    amur = MunicipalityFactory()
    tomsk = MunicipalityFactory(region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    return {
        "luch": searchable(TosFactory(name="ТОС «Луч»", municipality=amur, status="registered")),
        "yolka": searchable(
            TosFactory(
                name="ТОС «Ёлка»", municipality=tomsk, status="active", is_legal_entity=True, ogrn="1027000000005"
            )
        ),
        "ngo": searchable(OrganizationFactory(name="НКО «Берег»", municipality=amur)),
        "draft": searchable(TosFactory(name="ТОС «Черновик»", municipality=amur, status="draft")),
        "amur": amur,
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_the_list_is_paginated_as_items_and_count(client, registry):
    body = client.get(URL, {"limit": 2}).json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 3
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert {"id", "kind", "name", "status", "region", "municipality", "is_legal_entity", "url"} <= set(item)
    assert client.get(URL, {"limit": 2, "offset": 2}).json()["items"][0]["id"] not in {i["id"] for i in body["items"]}


def test_list_items_carry_the_territory(client, registry):
    items = {i["id"]: i for i in client.get(URL).json()["items"]}
    luch = items[registry["luch"].pk]
    assert luch["region"] == {"code": "RU-AMU", "name": "Амурская область"}
    assert luch["municipality"]["id"] == registry["amur"].pk
    assert luch["kind"] == "tos" and luch["status"] == "registered"


def test_anonymous_callers_see_public_organisations_only(client, registry):
    assert registry["draft"].pk not in ids(client.get(URL))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "tos"}, {"luch", "yolka"}),
        ({"region": "RU-TOM"}, {"yolka"}),
        ({"status": "active"}, {"yolka", "ngo"}),
        ({"legal_entity": "true"}, {"yolka"}),
        ({"legal_entity": "false"}, {"luch", "ngo"}),
        ({"q": "ЕЛКА"}, {"yolka"}),
        ({"q": "тос", "region": "RU-AMU"}, {"luch"}),
        ({"kind": "tos", "region": "RU-AMU", "q": "луч"}, {"luch"}),
    ],
)
def test_every_filter(client, registry, params, expected):
    assert ids(client.get(URL, params)) == {registry[name].pk for name in expected}


def test_filter_by_municipality(client, registry):
    assert ids(client.get(URL, {"municipality": registry["amur"].pk})) == {registry["luch"].pk, registry["ngo"].pk}


def test_a_bad_filter_is_a_422_with_a_field(client):
    response = client.get(URL, {"kind": "spaceship"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"][0]["field"] == "kind"


def test_a_session_shows_what_the_user_may_see(client, registry):
    member = MembershipFactory(organization=registry["draft"]).user
    client.force_login(member)
    assert registry["draft"].pk in ids(client.get(URL))


def test_a_token_shows_what_the_user_may_see(client, registry):
    staff = UserFactory()
    MembershipFactory(user=staff, organization=AdministrationFactory(municipality=registry["amur"]), role="staff")
    assert registry["draft"].pk in ids(client.get(URL, **bearer(staff)))
    assert registry["draft"].pk in ids(client.get(URL, {"status": "draft"}, **bearer(staff)))


def test_a_bad_token_is_refused_not_treated_as_anonymous(client, registry):
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer lb_nope_nope")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_detail_includes_leaders_territory_and_document_metadata(client, registry):
    luch = registry["luch"]
    MembershipFactory(organization=luch, role="chair", user=UserFactory(full_name="Иванова Мария", email="m@x.org"))
    BodyMember.objects.create(organization=luch, full_name="Петров Пётр", role="council")
    Document.objects.create(
        organization=luch,
        title="Устав",
        kind="charter",
        file=SimpleUploadedFile("u.pdf", b"%PDF-1.4 test"),
        original_name="u.pdf",
        content_type="application/pdf",
        size=13,
    )
    Document.objects.create(
        organization=luch,
        title="Внутреннее",
        file=SimpleUploadedFile("p.pdf", b"%PDF-1.4 private"),
        original_name="p.pdf",
        content_type="application/pdf",
        size=16,
        is_public=False,
    )
    response = client.get(f"{URL}{luch.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "ТОС «Луч»"
    assert body["territory"]["name"] == luch.tos.territory_name
    assert body["region"]["code"] == "RU-AMU" and body["country"] == "RU"
    assert {(leader["name"], leader["role"]) for leader in body["leaders"]} == {
        ("Иванова Мария", "chair"),
        ("Петров Пётр", "council"),
    }
    assert "m@x.org" not in response.content.decode()
    assert [d["title"] for d in body["documents"]] == ["Устав"]
    document = body["documents"][0]
    assert document["content_type"] == "application/pdf" and document["size"] == 13
    assert document["download_url"].endswith(
        f"/organizations/{luch.pk}/documents/{luch.documents.get(title='Устав').pk}/"
    )
    download = client.get(document["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_detail_of_an_invisible_organisation_is_404(client, registry):
    response = client.get(f"{URL}{registry['draft'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{URL}{registry['draft'].pk}", **bearer(UserFactory(is_staff=True))).status_code == 200


def test_the_api_list_makes_the_same_number_of_queries_for_10_and_500(client):
    town = MunicipalityFactory()

    def add(n):
        Organization.objects.bulk_create(
            [
                Organization(kind="ngo", name=f"НКО {i}", country=town.country, region=town.region, municipality=town)
                for i in range(n)
            ]
        )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"limit": 100}).status_code == 200
        return len(captured)

    add(10)
    few = count()
    add(490)
    assert count() == few


def test_the_schema_lists_the_registry_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/organizations/" in paths
    assert "/api/v1/organizations/{organization_id}" in paths
