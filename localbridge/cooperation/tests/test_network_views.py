"""The network of a country and of a region (counts aggregated in SQL), the graph pages and the agreement form's
municipality picker, through the selectors and the test client, with query counts that do not grow with the
network."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.cooperation import selectors
from localbridge.cooperation.models import Agreement, TwinLinkSource
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import area
from .network_data import link, make_world, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def counts(rows):
    """{code: count} of the selectors' rows (CountedRow) or of the page's rows (dicts)."""
    return {
        (r["code"] if isinstance(r, dict) else r.code): (r["count"] if isinstance(r, dict) else r.count) for r in rows
    }


# --- selectors ----------------------------------------------------------------------------------------------


def test_a_country_counts_each_link_once_by_partner_country(world):
    scope = selectors.NetworkScope(country=world.russia)
    assert selectors.network_totals(scope) == {"links": 6, "within": 2, "from_agreements": 0}
    rows = selectors.network_by_partner_country(scope)
    assert counts(rows) == {"GB": 2, "RU": 2, "DE": 1, "FR": 1}
    assert [row.share for row in rows][:2] == [1.0, 1.0]
    assert rows[-1].share == 0.5


def test_a_country_counts_links_by_region_once_per_region(world):
    rows = selectors.network_by_region(selectors.NetworkScope(country=world.russia))
    # Волгоград–Благовещенск counts for both regions, Волгоград–Волжский once for RU-VGG.
    assert counts(rows) == {"RU-VGG": 4, "RU-AMU": 2, "": 1}


def test_a_region_counts_only_its_municipalities_links(world):
    scope = selectors.NetworkScope(country=world.russia, region=world.vgg)
    assert selectors.network_totals(scope) == {"links": 4, "within": 1, "from_agreements": 0}
    assert counts(selectors.network_by_partner_country(scope)) == {"RU": 2, "DE": 1, "GB": 1}


def test_areas_come_from_concluded_agreements_of_the_scope(world):
    rows, total = selectors.network_by_area(selectors.NetworkScope(country=world.russia))
    assert (counts(rows), total) == ({"youth": 2, "culture": 1}, 2)  # the draft's "sport" is not counted
    rows, total = selectors.network_by_area(selectors.NetworkScope(country=world.russia, region=world.amu))
    assert (counts(rows), total) == ({"youth": 1}, 1)
    rows, total = selectors.network_by_area(selectors.NetworkScope(country=world.germany))
    assert (counts(rows), total) == ({"youth": 1, "culture": 1}, 1)


def test_the_most_linked_municipalities_come_first_with_their_link_counts(world):
    linked, count = selectors.network_linked_municipalities(selectors.NetworkScope(country=world.russia), limit=3)
    assert [(m.id, m.link_count) for m in linked][:2] == [(world.volgograd.pk, 4), (world.blagoveshchensk.pk, 2)]
    assert world.tynda.pk not in {m.id for m in linked}
    assert linked[0].region_name == "Волгоградская область"
    assert (len(linked), count) == (3, 4)


def test_the_link_list_puts_the_scopes_end_first(world):
    links = list(selectors.network_link_list(selectors.NetworkScope(country=world.germany)))
    homes = {
        (link.municipality_a if link.a_in_scope else link.municipality_b).name_ru
        for link in links
        if not (link.municipality_a.country_id == link.municipality_b.country_id == world.germany.pk)
    }
    assert homes == {"Кёльн"}
    assert len(links) == 2


def test_links_from_agreements_are_counted_as_such(world):
    link(world.tynda, world.bonn, source=TwinLinkSource.AGREEMENT)
    totals = selectors.network_totals(selectors.NetworkScope(country=world.russia, region=world.amu))
    assert totals == {"links": 3, "within": 0, "from_agreements": 1}


# --- the country and region pages -------------------------------------------------------------------------------


def test_the_country_page_shows_the_counts_the_top_the_map_and_the_credit(client, world):
    response = client.get(reverse("cooperation:network_country", args=["ru"]))
    assert response.status_code == 200
    context = response.context
    assert counts(context["by_country"]) == {"GB": 2, "RU": 2, "DE": 1, "FR": 1}
    assert counts(context["by_region"]) == {"RU-VGG": 4, "RU-AMU": 2, "": 1}
    assert counts(context["by_area"]) == {"youth": 2, "culture": 1}
    assert context["top"][0].id == world.volgograd.pk
    assert {p["name"] for p in context["map_data"]["points"]} == {
        "Волгоград",
        "Волжский",
        "Благовещенск",
        "Безрегионный",
    }
    assert len(context["page"].object_list) == 6
    html = response.content.decode()
    assert 'id="network-area-map-data"' in html
    assert "Hekman" in html
    assert reverse("cooperation:network_region", args=["RU-VGG"]) in html
    assert "network-credit" in html and "CC BY-SA" in html and 'data-table="by-area"' in html


def test_the_region_page_shows_its_municipalities_links(client, world):
    response = client.get(reverse("cooperation:network_region", args=["ru-vgg"]))
    assert response.status_code == 200
    assert response.context["totals"]["links"] == 4
    assert counts(response.context["by_country"]) == {"RU": 2, "DE": 1, "GB": 1}
    assert "by_region" not in response.context
    assert reverse("cooperation:network_country", args=["RU"]) in response.content.decode()


def test_unknown_country_or_region_is_not_found(client, world):
    assert client.get(reverse("cooperation:network_country", args=["ZZ"])).status_code == 404
    assert client.get(reverse("cooperation:network_region", args=["RU-ZZZ"])).status_code == 404
    assert client.get(reverse("cooperation:network_country_graph", args=["ZZ"])).status_code == 404
    assert client.get(reverse("cooperation:network_graph", args=[10**8])).status_code == 404


def grow(world, n):
    """n more Russian municipalities in both regions, each linked abroad and at home, and a concluded agreement."""
    for i in range(n):
        town = MunicipalityFactory(
            country=world.russia, region=world.vgg if i % 2 else world.amu, latitude=50.0 + i, longitude=40.0
        )
        link(town, world.coventry)
        link(town, world.volgograd)
        signed(world.staff, world.volgograd, town, areas=[area("tourism")], title=f"Соглашение {i}")


@pytest.mark.parametrize("name, args", [("network_country", ["RU"]), ("network_region", ["RU-VGG"])])
def test_the_country_and_region_pages_read_in_the_same_number_of_queries_as_the_network_grows(
    client, world, name, args
):
    url = reverse(f"cooperation:{name}", args=args)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(world, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["totals"]["links"] > 6
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_countries_page_lists_countries_and_pairs_with_the_graphs_source(client, world):
    response = client.get(reverse("cooperation:network_countries"))
    assert response.status_code == 200
    rows = {row["id"]: (row["links"], row["domestic"]) for row in response.context["country_rows"]}
    assert rows == {"RU": (6, 2), "GB": (2, 0), "DE": (2, 1), "FR": (1, 0)}
    assert response.context["link_count"] == 7
    assert [(p["source"], p["target"], p["weight"]) for p in response.context["pairs"]][0][2] == 2
    html = response.content.decode()
    assert reverse("api-v1:network_countries") in html
    assert "cytoscape-3.34.4/cytoscape.min.js" in html
    assert 'id="__________cytoscape_stylesheet"' in html  # no inline <style> under the CSP
    assert "Hekman" in html


def test_the_countries_page_reads_in_the_same_number_of_queries_as_the_network_grows(client, world):
    url = reverse("cooperation:network_countries")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow(world, 4)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- the graph pages ----------------------------------------------------------------------------------------------


def test_the_ego_graph_page_has_the_same_nodes_in_a_table_and_the_api_as_source(client, world):
    url = reverse("cooperation:network_graph", args=[world.volgograd.pk])
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0]["id"] == world.volgograd.pk and rows[0]["level"] == 0
    assert {r["id"] for r in rows if r["level"] == 2} == {world.bonn.pk, world.dijon.pk, world.no_region.pk}
    html = response.content.decode()
    assert f"/api/v1/cooperation/network?municipality={world.volgograd.pk}&amp;depth=2" in html
    assert "Hekman" in html
    partners_only = client.get(url, {"depth": "1"})
    assert {r["level"] for r in partners_only.context["rows"]} == {0, 1}
    assert client.get(url, {"depth": "nonsense"}).context["depth"] == 2


def test_the_ego_graph_page_reads_in_the_same_number_of_queries_as_partners_grow(client, world):
    url = reverse("cooperation:network_graph", args=[world.volgograd.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        partner = MunicipalityFactory()
        link(world.volgograd, partner)
        link(partner, MunicipalityFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 18
    assert len(many) == len(few)


def test_the_country_graph_page_lists_the_countrys_municipalities_and_partners(client, world):
    response = client.get(reverse("cooperation:network_country_graph", args=["RU"]))
    assert response.status_code == 200
    levels = {row["id"]: row["level"] for row in response.context["rows"]}
    assert levels[world.volgograd.pk] == 0 and levels[world.cologne.pk] == 1
    assert world.bonn.pk not in levels  # a partner of a partner abroad


def test_the_existing_network_pages_link_to_the_new_ones(client, world):
    html = client.get(reverse("cooperation:network", args=[world.volgograd.pk])).content.decode()
    assert reverse("cooperation:network_graph", args=[world.volgograd.pk]) in html
    assert reverse("cooperation:network_country", args=["RU"]) in html
    assert reverse("cooperation:network_region", args=["RU-VGG"]) in html
    html = client.get(reverse("cooperation:network_search")).content.decode()
    assert reverse("cooperation:network_countries") in html


# --- the agreement form's municipality picker ----------------------------------------------------------------


def test_the_picker_offers_municipalities_by_name_or_number(client, world):
    url = reverse("cooperation:party_options")
    response = client.get(url, {"municipalities": "волго"})
    assert [m.pk for m in response.context["options"]] == [world.volgograd.pk]
    assert f'value="{world.volgograd.pk}"' in response.content.decode()
    response = client.get(url, {"municipalities": f"{world.cologne.pk}, {world.bonn.pk}"})
    assert [m.pk for m in response.context["options"]] == [world.cologne.pk, world.bonn.pk]
    assert client.get(url, {"municipalities": "Нигдеград"}).context["options"] == []


def test_an_agreement_takes_its_parties_by_name_ticked_boxes_or_numbers(client, world):
    client.force_login(world.staff)
    url = reverse("cooperation:create")
    response = client.post(
        url,
        {"title": "По именам", "kind": "partnership", "municipalities": [str(world.coventry.pk), "волгоград"]},
    )
    assert response.status_code == 302, response.context["form"].errors
    agreement = Agreement.objects.get(title="По именам")
    assert {p.municipality_id for p in agreement.parties.all()} == {world.volgograd.pk, world.coventry.pk}
    response = client.post(
        url, {"title": "По номерам", "kind": "partnership", "municipalities": f"{world.volgograd.pk}, {world.dijon.pk}"}
    )
    assert response.status_code == 302


def test_an_ambiguous_or_unknown_name_is_an_error_beside_the_field_with_the_candidates(client, world):
    twin = MunicipalityFactory(name_ru="Волгоград", country=world.russia, region=world.amu)
    client.force_login(world.staff)
    before = Agreement.objects.count()
    response = client.post(
        reverse("cooperation:create"),
        {"title": "Неясно", "kind": "partnership", "municipalities": ["Волгоград", "Кёльн"]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["municipalities"]] == ["ambiguous_municipality"]
    assert {m.pk for m in form.fields["municipalities"].widget.options} == {world.volgograd.pk, twin.pk}
    html = response.content.decode()
    assert f'value="{twin.pk}" data-party-option' in html  # offered as a box to tick
    response = client.post(
        reverse("cooperation:create"),
        {"title": "Неясно", "kind": "partnership", "municipalities": ["Волгогр", "Нигдеград"]},
    )
    codes = [e.code for e in response.context["form"].errors.as_data()["municipalities"]]
    assert codes == ["unknown_municipality", "unknown_municipality"]
    assert Agreement.objects.count() == before


def test_the_edit_form_shows_the_parties_ticked_by_name(client, world):
    client.force_login(world.staff)
    html = client.get(reverse("cooperation:edit", args=[world.draft.pk])).content.decode()
    assert f'name="municipalities" value="{world.volgograd.pk}" checked' in html
    assert "Ковентри" in html
    assert reverse("cooperation:party_options") in html
