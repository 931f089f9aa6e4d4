"""The registry's web pages: the list with filters, pagination and exports; an organisation's page; document
downloads; the user's own organisations; and query counts that stay constant as lists grow."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

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

LIST_URL = reverse("organizations:list")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def searchable(organization):
    organization.search_text = organization_search_text(organization)
    organization.save(update_fields=["search_text"])
    return organization


def add_document(organization, *, title="Устав", is_public=True, content_type="application/pdf"):
    return Document.objects.create(
        organization=organization,
        title=title,
        kind="charter",
        file=SimpleUploadedFile("ustav.pdf", PDF),
        original_name="Устав ТОС.pdf",
        content_type=content_type,
        size=len(PDF),
        is_public=is_public,
    )


# --- the list ----------------------------------------------------------------------------------------------


def test_the_registry_lists_public_organisations_with_a_count(client):
    OrganizationFactory(name="Союз городов")
    TosFactory(name="ТОС «Скрытый»", status="draft")
    response = client.get(LIST_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Союз городов" in body
    assert "Скрытый" not in body
    assert response.context["page"].paginator.count == 1


def test_the_filter_form_has_a_label_for_every_field(client):
    body = client.get(LIST_URL).content.decode()
    for field in ["q", "region", "municipality", "kind", "status", "legal_entity"]:
        assert f'<label for="id_{field}">' in body


def test_the_list_filters_by_every_field(client):
    town = MunicipalityFactory(region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    searchable(TosFactory(name="ТОС «Луч»", municipality=town, status="registered"))
    searchable(
        TosFactory(
            name="ТОС «Луч-2»", municipality=town, status="registered", is_legal_entity=True, ogrn="1027000000005"
        )
    )
    searchable(TosFactory(name="ТОС «Луч-3»", municipality=town, status="closed"))
    searchable(OrganizationFactory(name="Луч (НКО)", municipality=town))
    searchable(TosFactory(name="ТОС «Луч» в Амуре", status="registered"))
    params = {
        "region": "RU-TOM",
        "municipality": town.pk,
        "kind": "tos",
        "status": "registered",
        "legal_entity": "no",
        "q": "ЛУЧ",
    }
    response = client.get(LIST_URL, params)
    assert [o.name for o in response.context["organizations"]] == ["ТОС «Луч»"]
    assert response.context["form"].errors == {}


def test_municipalities_of_the_chosen_region_are_offered(client):
    amur_town = MunicipalityFactory(name_ru="Благовещенск")
    MunicipalityFactory(name_ru="Томск", region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    body = client.get(LIST_URL, {"region": "RU-AMU"}).content.decode()
    assert f'<option value="{amur_town.pk}">Благовещенск</option>' in body
    assert "Томск<" not in body


def test_a_bad_filter_value_is_reported_beside_its_field_and_ignored(client):
    OrganizationFactory(name="Видимая")
    response = client.get(LIST_URL, {"kind": "spaceship", "region": "RU-XXX"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"kind", "region"}
    assert 'id="id_kind_errors"' in response.content.decode()
    assert [o.name for o in response.context["organizations"]] == ["Видимая"]


def test_anonymous_users_cannot_filter_by_a_hidden_status(client):
    TosFactory(name="ТОС «Черновик»", status="draft")
    response = client.get(LIST_URL, {"status": "draft"})
    assert "status" in response.context["form"].errors
    assert "Черновик" not in response.content.decode()


def test_moderators_can_filter_by_draft(client):
    TosFactory(name="ТОС «Черновик»", status="draft")
    client.force_login(UserFactory(is_staff=True))
    response = client.get(LIST_URL, {"status": "draft"})
    assert [o.name for o in response.context["organizations"]] == ["ТОС «Черновик»"]


def test_the_list_is_paginated_and_pages_keep_the_filters(client):
    town = MunicipalityFactory()
    OrganizationFactory.create_batch(30, municipality=town, kind="ngo")
    first = client.get(LIST_URL, {"kind": "ngo"})
    assert len(first.context["organizations"]) == 25
    assert "kind=ngo&amp;page=2" in first.content.decode()
    second = client.get(LIST_URL, {"kind": "ngo", "page": 2})
    assert len(second.context["organizations"]) == 5
    assert client.get(LIST_URL, {"page": "999"}).context["page"].number == 2


def test_export_links_carry_the_filters_but_not_the_page(client):
    OrganizationFactory()
    body = client.get(LIST_URL, {"kind": "ngo", "page": 1}).content.decode()
    assert reverse("organizations:export", args=["csv"]) + "?kind=ngo" in body
    assert reverse("organizations:export", args=["xlsx"]) + "?kind=ngo" in body


# --- exports ----------------------------------------------------------------------------------------------


@pytest.fixture
def export_rows():
    town = MunicipalityFactory()
    searchable(TosFactory(name="ТОС «Ёлка»", municipality=town, status="registered", registry_number="R-1"))
    searchable(TosFactory(name="ТОС «Берёза»", municipality=town, status="active"))
    searchable(TosFactory(name="ТОС «Тайный»", municipality=town, status="draft"))
    OrganizationFactory.create_batch(30, municipality=town, name="НКО")
    return town


def test_csv_export_holds_every_filtered_row_not_just_a_page(client, export_rows):
    response = client.get(reverse("organizations:export", args=["csv"]), {"kind": "tos"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, data = rows[0], rows[1:]
    assert header[0] == "ID" and len(header) == len(data[0])
    assert {row[1] for row in data} == {"ТОС «Берёза»", "ТОС «Ёлка»"}
    assert any("R-1" in row for row in data)


def test_csv_export_follows_the_search(client, export_rows):
    response = client.get(reverse("organizations:export", args=["csv"]), {"q": "елка"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["ТОС «Ёлка»"]


def test_xlsx_export_holds_the_filtered_rows(client, export_rows):
    response = client.get(reverse("organizations:export", args=["xlsx"]), {"kind": "ngo"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 30
    assert {row[1] for row in rows[1:]} == {"НКО"}


def test_an_unknown_export_format_is_404(client):
    assert client.get(reverse("organizations:export", args=["pdf"])).status_code == 404


def test_moderators_export_drafts_too(client, export_rows):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("organizations:export", args=["csv"]), {"kind": "tos"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "ТОС «Тайный»" in text


# --- an organisation's page -------------------------------------------------------------------------------


def test_the_organisation_page_shows_what_the_registry_knows(client):
    chair = UserFactory(full_name="Иванова Мария", email="chair@example.org", phone="+7 900 000-00-00")
    tos = TosFactory(
        status="registered",
        registry_number="ТОС-28-000001",
        is_legal_entity=True,
        ogrn="1022800000009",
        description="Мы **убираем** дворы.<script>alert(1)</script>",
        website="https://tos.example.org",
        email="tos@example.org",
        phone="+7 4162 00-00-00",
    )
    MembershipFactory(organization=tos, user=chair, role="chair")
    BodyMember.objects.create(organization=tos, full_name="Петров Пётр", role="council")
    add_document(tos, title="Устав ТОС")
    body = client.get(reverse("organizations:detail", args=[tos.pk])).content.decode()
    assert tos.name.replace("«", "&laquo;") in body or tos.name in body
    assert "Иванова Мария" in body and "Петров Пётр" in body
    assert "chair@example.org" not in body and "+7 900" not in body  # users' contacts are never shown
    assert "tos@example.org" in body and "https://tos.example.org" in body
    assert "<strong>убираем</strong>" in body and "<script>alert" not in body
    assert "ТОС-28-000001" in body and "1022800000009" in body
    assert tos.municipality.name_ru in body and tos.region.name_ru in body
    assert tos.tos.territory_name in body
    assert "Устав ТОС" in body and reverse("organizations:document", args=[tos.pk, tos.documents.get().pk]) in body
    assert 'class="badge status-registered"' in body


def test_an_invisible_organisation_is_404(client):
    draft = TosFactory(status="draft")
    assert client.get(reverse("organizations:detail", args=[draft.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("organizations:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("organizations:detail", args=[987654])).status_code == 404


def test_a_member_sees_the_draft_page(client):
    draft = TosFactory(status="draft")
    client.force_login(MembershipFactory(organization=draft, role="chair").user)
    assert client.get(reverse("organizations:detail", args=[draft.pk])).status_code == 200


def test_private_documents_are_listed_for_insiders_only(client):
    org = OrganizationFactory()
    add_document(org, title="Открытый протокол")
    add_document(org, title="Внутренний протокол", is_public=False)
    url = reverse("organizations:detail", args=[org.pk])
    body = client.get(url).content.decode()
    assert "Открытый протокол" in body and "Внутренний протокол" not in body
    client.force_login(MembershipFactory(organization=org).user)
    assert "Внутренний протокол" in client.get(url).content.decode()


# --- document downloads -----------------------------------------------------------------------------------


def test_a_public_document_downloads_as_an_attachment_with_its_verified_type(client):
    org = OrganizationFactory()
    document = add_document(org)
    response = client.get(reverse("organizations:document", args=[org.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_an_unverified_stored_type_is_served_as_octet_stream(client):
    org = OrganizationFactory()
    document = add_document(org, content_type="text/html")
    response = client.get(reverse("organizations:document", args=[org.pk, document.pk]))
    assert response["Content-Type"] == "application/octet-stream"


def test_a_private_document_is_refused_to_outsiders(client):
    org = OrganizationFactory()
    document = add_document(org, is_public=False)
    url = reverse("organizations:document", args=[org.pk, document.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["member", "municipal_staff", "moderator"])
def test_a_private_document_downloads_for_insiders(client, who):
    org = OrganizationFactory()
    document = add_document(org, is_public=False)
    if who == "member":
        user = MembershipFactory(organization=org).user
    elif who == "municipal_staff":
        user = UserFactory()
        MembershipFactory(user=user, organization=AdministrationFactory(municipality=org.municipality), role="staff")
    else:
        user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(reverse("organizations:document", args=[org.pk, document.pk])).status_code == 200


def test_documents_of_an_invisible_organisation_are_404(client):
    draft = TosFactory(status="draft")
    document = add_document(draft)
    assert client.get(reverse("organizations:document", args=[draft.pk, document.pk])).status_code == 404


def test_a_document_is_found_only_under_its_own_organisation(client):
    document = add_document(OrganizationFactory())
    other = OrganizationFactory()
    assert client.get(reverse("organizations:document", args=[other.pk, document.pk])).status_code == 404


# --- my organisations -------------------------------------------------------------------------------------


def test_my_organisations_needs_a_login(client):
    response = client.get(reverse("organizations:my"))
    assert response.status_code == 302


def test_my_organisations_lists_roles_with_statuses_and_drafts(client):
    user = UserFactory()
    tos = TosFactory(name="ТОС «Мой»", status="submitted")
    MembershipFactory(user=user, organization=tos, role="chair")
    TosFactory(name="ТОС «Начатый»", status="draft", created_by=user)
    client.force_login(user)
    body = client.get(reverse("organizations:my")).content.decode()
    assert "ТОС «Мой»" in body and "status-submitted" in body
    assert "ТОС «Начатый»" in body


# --- query counts stay constant as lists grow ---------------------------------------------------------------


def make_registry(count):
    regions = [RegionFactory(code=f"RU-T{i}", name_ru=f"Регион {i}") for i in range(3)]
    towns = [MunicipalityFactory(region=regions[i % 3]) for i in range(6)]
    Organization.objects.bulk_create(
        [
            Organization(
                kind="tos" if i % 2 else "ngo",
                name=f"Организация {i:04d}",
                status="registered",
                country=towns[i % 6].country,
                region=towns[i % 6].region,
                municipality=towns[i % 6],
                is_legal_entity=i % 3 == 0,
                ogrn="1022800000009" if i % 3 == 0 else "",
                search_text=f"организация {i:04d}",
            )
            for i in range(count)
        ]
    )
    return towns


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("params", [{}, {"region": "RU-T1", "kind": "tos", "q": "организация"}])
def test_the_list_makes_the_same_number_of_queries_for_10_and_500(client, signed_in, params):
    if signed_in:
        client.force_login(UserFactory())
    make_registry(10)
    small = count_queries(client, LIST_URL, params)
    make_registry(490)
    assert Organization.objects.count() == 500
    assert count_queries(client, LIST_URL, params) == small


def test_the_list_query_count_is_small(client, django_assert_max_num_queries):
    make_registry(50)
    with django_assert_max_num_queries(4):  # regions, the count, the page; nothing per row
        client.get(LIST_URL)


def test_the_organisation_page_makes_the_same_number_of_queries_for_many_documents_and_leaders(client):
    org = OrganizationFactory()
    url = reverse("organizations:detail", args=[org.pk])

    def grow(n):
        for _ in range(n):
            add_document(org)
            MembershipFactory(organization=org, role="chair")
            BodyMember.objects.create(organization=org, full_name="Член совета")

    grow(1)
    few = count_queries(client, url)
    grow(20)
    assert count_queries(client, url) == few


def test_my_organisations_makes_the_same_number_of_queries_for_many_roles(client):
    user = UserFactory()
    client.force_login(user)
    MembershipFactory(user=user)
    few = count_queries(client, reverse("organizations:my"))
    for _ in range(20):
        MembershipFactory(user=user, organization=TosFactory(status="registered"))
    assert count_queries(client, reverse("organizations:my")) == few


def test_a_tos_page_with_its_registration_panel_keeps_a_constant_query_count(client):
    tos = TosFactory(status="registered")
    url = reverse("organizations:detail", args=[tos.pk])

    def grow(n):
        for _ in range(n):
            add_document(tos)
            MembershipFactory(organization=tos, role="staff")
            BodyMember.objects.create(organization=tos, full_name="Член совета", role="council")

    grow(1)
    client.get(url)  # warms Django's content-type cache (the panel's history looks it up once per process)
    few = count_queries(client, url)
    grow(15)
    assert count_queries(client, url) == few
