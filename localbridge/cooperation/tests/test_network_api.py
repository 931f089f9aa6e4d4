"""The API's agreements (list and one, with filters and the visibility of drafts) and the network (a
municipality's or a country's nodes and edges, the network of countries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation import selectors
from localbridge.cooperation.models import AgreementKind, TwinLinkSource
from localbridge.cooperation.services import agreement_document_save, agreement_move, agreement_report_submit
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import area
from .network_data import link, make_world, signed

pytestmark = pytest.mark.django_db

AGREEMENTS = "/api/v1/cooperation/agreements"
NETWORK = "/api/v1/cooperation/network"
COUNTRIES = "/api/v1/cooperation/network/countries"


@pytest.fixture
def world():
    return make_world()


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --- agreements ---------------------------------------------------------------------------------------------


def test_the_list_shows_concluded_agreements_with_their_parties_and_areas(client, world):
    response = client.get(AGREEMENTS)
    body = response.json()
    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {world.concluded.pk, world.concluded_amu.pk}
    item = next(i for i in body["items"] if i["id"] == world.concluded.pk)
    assert set(item) >= {"title", "kind", "kind_display", "status", "status_display", "signed_on", "url"}
    assert [(p["kind"], p["id"], p["country"]) for p in item["parties"]] == [
        ("municipality", world.volgograd.pk, "RU"),
        ("municipality", world.cologne.pk, "DE"),
    ]
    assert {a["code"] for a in item["areas"]} == {"youth", "culture"}
    assert item["status"] == "signed" and item["url"] == f"/cooperation/{world.concluded.pk}/"


def test_drafts_are_listed_only_for_their_parties_people(client, world):
    assert world.draft.pk not in ids(client.get(AGREEMENTS))
    client.force_login(UserFactory())
    assert world.draft.pk not in ids(client.get(AGREEMENTS))
    client.force_login(world.staff)
    assert world.draft.pk in ids(client.get(AGREEMENTS))
    assert ids(client.get(AGREEMENTS, {"status": "draft"})) == {world.draft.pk}


def test_the_list_filters_by_kind_status_country_municipality_and_area(client, world):
    partnership = signed(world.staff, world.volgograd, world.volzhsky, kind=AgreementKind.PARTNERSHIP)
    assert ids(client.get(AGREEMENTS, {"kind": "partnership"})) == {partnership.pk}
    assert ids(client.get(AGREEMENTS, {"country": "fr"})) == {world.concluded_amu.pk}
    assert ids(client.get(AGREEMENTS, {"municipality": world.volgograd.pk})) == {world.concluded.pk, partnership.pk}
    assert ids(client.get(AGREEMENTS, {"area": "culture"})) == {world.concluded.pk}
    assert ids(client.get(AGREEMENTS, {"status": "registered"})) == set()
    assert client.get(AGREEMENTS, {"kind": "alliance"}).status_code == 422
    assert client.get(AGREEMENTS, {"country": "RUS"}).status_code == 422


def test_the_list_is_paginated_in_a_constant_number_of_queries(client, world):
    body = client.get(AGREEMENTS, {"limit": 1}).json()
    assert (len(body["items"]), body["count"]) == (1, 2)
    second = client.get(AGREEMENTS, {"limit": 1, "offset": 1}).json()
    assert {body["items"][0]["id"], second["items"][0]["id"]} == {world.concluded.pk, world.concluded_amu.pk}
    with CaptureQueriesContext(connection) as few:
        client.get(AGREEMENTS)
    for i in range(4):
        signed(world.staff, world.volgograd, MunicipalityFactory(), areas=[area("sport")], title=f"Ещё {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(AGREEMENTS).json()["count"] == 6
    assert len(many) == len(few)


def test_one_agreement_has_its_documents_languages_report_years_and_status_history(client, world):
    agreement = world.concluded
    agreement_move(
        agreement=agreement,
        action="register",
        actor=world.staff,
        registration_number="7",
        registration_authority="Облдума",
    )
    agreement_document_save(agreement=agreement, actor=world.staff, language="ru", text="Текст")
    agreement_document_save(agreement=agreement, actor=world.staff, language="de", text="Text")
    agreement_report_submit(agreement=agreement, actor=world.staff, year=2024, text="Обмен")
    response = client.get(f"{AGREEMENTS}/{agreement.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [d["language"] for d in body["documents"]] == ["de", "ru"]
    assert body["report_years"] == [2024]
    assert [(h["action"], h["to_status"]) for h in body["history"]] == [
        ("create", "draft"),
        ("submit", "awaiting_approval"),
        ("sign", "signed"),
        ("register", "registered"),
    ]
    assert all(h["at"] for h in body["history"])
    assert (body["registration_number"], body["status"]) == ("7", "registered")
    assert len(body["parties"]) == 2


def test_a_draft_is_not_found_but_for_its_parties_people(client, world):
    url = f"{AGREEMENTS}/{world.draft.pk}"
    missing = client.get(url)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    client.force_login(world.staff)
    assert client.get(url).json()["status"] == "draft"
    assert client.get(f"{AGREEMENTS}/{10**8}").status_code == 404


# --- the network ------------------------------------------------------------------------------------------------


def test_the_ego_network_has_nodes_and_edges_with_their_source(client, world):
    link(world.volzhsky, world.bonn, source=TwinLinkSource.AGREEMENT)
    body = client.get(NETWORK, {"municipality": world.volgograd.pk}).json()
    assert body["center"] == world.volgograd.pk and body["truncated"] is False
    nodes = {node["id"]: node for node in body["nodes"]}
    assert set(nodes) == {
        world.volgograd.pk,
        world.cologne.pk,
        world.coventry.pk,
        world.volzhsky.pk,
        world.blagoveshchensk.pk,
    }
    assert set(nodes[world.cologne.pk]) >= {"id", "name", "country", "lat", "lon", "population"}
    assert (nodes[world.cologne.pk]["country"], nodes[world.cologne.pk]["lat"]) == ("DE", 50.9)
    assert len(body["edges"]) == 4
    assert {e["source_kind"] for e in body["edges"]} == {"hekman"}
    assert "Wikipedia" in body["credit"]
    deeper = client.get(NETWORK, {"municipality": world.volgograd.pk, "depth": 2}).json()
    levels = {node["id"]: node["level"] for node in deeper["nodes"]}
    assert levels[world.bonn.pk] == levels[world.dijon.pk] == 2
    kinds = {(e["source"], e["target"]): e["source_kind"] for e in deeper["edges"]}
    pair = tuple(sorted((world.volzhsky.pk, world.bonn.pk)))
    assert kinds[pair] == "agreement"


def test_the_ego_network_is_capped_with_the_most_linked_partners_first(client, world):
    body = client.get(NETWORK, {"municipality": world.volgograd.pk, "depth": 2, "limit": 3}).json()
    assert body["truncated"] is True
    assert len(body["nodes"]) == 3
    kept = [node["id"] for node in body["nodes"]]
    assert kept[0] == world.volgograd.pk
    assert world.volzhsky.pk not in kept  # one link only; the others have two
    edges = {(e["source"], e["target"]) for e in body["edges"]}
    assert all(a in kept and b in kept for a, b in edges)


def test_the_ego_network_reads_in_a_constant_number_of_queries(client, world):
    url = NETWORK + f"?municipality={world.volgograd.pk}&depth=2"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        partner = MunicipalityFactory()
        link(world.volgograd, partner)
        link(partner, MunicipalityFactory())
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["nodes"]) == 18
    assert len(many) == len(few) == 5  # the 404 check, partners, their links, the kept nodes' links, the nodes


def test_a_countrys_network_keeps_its_municipalities_and_their_partners(client, world):
    body = client.get(NETWORK, {"country": "ru"}).json()
    assert body["country"] == "RU"
    levels = {node["id"]: node["level"] for node in body["nodes"]}
    assert levels == {
        world.volgograd.pk: 0,
        world.volzhsky.pk: 0,
        world.blagoveshchensk.pk: 0,
        world.no_region.pk: 0,
        world.cologne.pk: 1,
        world.coventry.pk: 1,
        world.dijon.pk: 1,
    }
    assert len(body["edges"]) == 6 and body["truncated"] is False
    small = client.get(NETWORK, {"country": "RU", "limit": 4}).json()
    assert small["truncated"] is True and len(small["nodes"]) == 4
    assert small["nodes"][0]["id"] == world.volgograd.pk


def test_the_network_needs_one_scope_and_known_ids(client, world):
    for params in ({}, {"municipality": world.volgograd.pk, "country": "RU"}):
        response = client.get(NETWORK, params)
        assert (response.status_code, response.json()["code"]) == (400, "scope_required")
    assert client.get(NETWORK, {"municipality": 10**8}).status_code == 404
    assert client.get(NETWORK, {"country": "ZZ"}).status_code == 404
    assert client.get(NETWORK, {"municipality": world.volgograd.pk, "depth": 3}).status_code == 422
    assert client.get(NETWORK, {"municipality": world.volgograd.pk, "limit": 0}).status_code == 422
    assert (
        client.get(NETWORK, {"municipality": world.volgograd.pk, "limit": selectors.GRAPH_NODE_MAX + 1}).status_code
        == 422
    )


def test_the_network_of_countries_has_weighted_edges(client, world):
    body = client.get(COUNTRIES).json()
    nodes = {node["id"]: (node["links"], node["domestic"]) for node in body["nodes"]}
    assert nodes == {"RU": (6, 2), "GB": (2, 0), "DE": (2, 1), "FR": (1, 0)}
    assert body["nodes"][0]["id"] == "RU"
    edges = {frozenset((e["source"], e["target"])): e["weight"] for e in body["edges"]}
    assert edges == {frozenset({"GB", "RU"}): 2, frozenset({"DE", "RU"}): 1, frozenset({"FR", "RU"}): 1}
    assert body["edges"][0]["weight"] == 2
    heavy = client.get(COUNTRIES, {"min_weight": 2}).json()
    assert [(e["weight"]) for e in heavy["edges"]] == [2]
    assert client.get(COUNTRIES, {"min_weight": 0}).status_code == 422
