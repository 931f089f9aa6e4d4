"""The proposals' map page and its data through the test client: the page carries the filters and no proposal,
links to and from the list, the map data filters by status and says when it is cut at the cap, a marker's popup
data, and query counts that do not grow with the proposals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from localbridge.participation import selectors_proposals
from localbridge.participation.models import ProposalStatus
from localbridge.participation.tests.factories import ProposalFactory
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

PAGE_URL = reverse("participation:proposal_map_page")
DATA_URL = reverse("participation:proposal_map")


def _placed(**kwargs):
    kwargs.setdefault("latitude", Decimal("50.260500"))
    kwargs.setdefault("longitude", Decimal("127.533600"))
    return ProposalFactory(**kwargs)


def _popup_url(proposal):
    return reverse("participation:proposal_map_popup", args=[proposal.pk])


# --- the page --------------------------------------------------------------------------------------------------


def test_the_map_page_has_its_own_address_next_to_the_list():
    assert PAGE_URL == "/participation/proposals/map/"


def test_the_page_carries_the_filters_for_its_script_and_a_list_link_for_readers_without_it(client):
    municipality = MunicipalityFactory(latitude=50.290659, longitude=127.527198)
    _placed(municipality=municipality, status=ProposalStatus.ACCEPTED)
    response = client.get(PAGE_URL, {"municipality": municipality.pk, "status": "accepted"})
    assert response.status_code == 200
    assert response.context["municipality"] == municipality
    assert response.context["status"] == "accepted"
    html = response.content.decode()
    assert f'data-municipality="{municipality.pk}"' in html
    assert 'data-status="accepted"' in html
    assert 'data-lat="50.290659"' in html and 'data-lon="127.527198"' in html
    assert f'data-points-url="{DATA_URL}"' in html
    list_link = f'href="{reverse("participation:proposal_list")}?municipality={municipality.pk}&amp;status=accepted"'
    assert "<noscript>" in html and html.count(list_link) == 2  # above the map and in the note without JavaScript
    assert "vendor/leaflet-1.9.4/leaflet.js" in html and "participation/proposal_map.js" in html
    assert [row[0] for row in response.context["legend"]] == [
        s for s in ProposalStatus.values if s != ProposalStatus.DRAFT
    ]


def test_the_page_holds_no_proposal_itself(client):
    proposal = _placed(title="Сквер у реки")
    response = client.get(PAGE_URL, {"municipality": proposal.municipality_id})
    assert "Сквер у реки" not in response.content.decode()


def test_unknown_filters_show_every_municipality(client):
    _placed()
    response = client.get(PAGE_URL, {"municipality": "999999", "status": "nonsense"})
    assert response.status_code == 200
    assert response.context["municipality"] is None and response.context["status"] == ""
    assert 'data-municipality=""' in response.content.decode()


def test_a_municipality_without_coordinates_leaves_the_centre_to_the_script(client):
    municipality = MunicipalityFactory(latitude=None, longitude=None)
    _placed(municipality=municipality)
    response = client.get(PAGE_URL, {"municipality": municipality.pk})
    assert "data-lat=" not in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_page_runs_the_same_queries_however_many_proposals(client, rows, django_assert_num_queries):
    municipality = MunicipalityFactory()
    for _ in range(rows):
        _placed(municipality=municipality)
    # the filter's municipalities; the selected one is taken from them.
    with django_assert_num_queries(1):
        response = client.get(PAGE_URL, {"municipality": municipality.pk, "status": "collecting"})
    assert response.status_code == 200


def test_the_list_and_the_municipality_page_link_to_the_map_with_their_filters(client):
    municipality = MunicipalityFactory()
    _placed(municipality=municipality)
    listing = client.get(
        reverse("participation:proposal_list"), {"municipality": municipality.pk, "sort": "closest", "page": "1"}
    ).content.decode()
    assert f'href="{PAGE_URL}?municipality={municipality.pk}"' in listing
    page = client.get(reverse("participation:municipality", args=[municipality.pk])).content.decode()
    assert f'href="{PAGE_URL}?municipality={municipality.pk}"' in page


# --- the map data ----------------------------------------------------------------------------------------------


def test_the_map_data_filters_by_status_and_never_gives_drafts(client):
    municipality = MunicipalityFactory()
    collecting = _placed(municipality=municipality)
    accepted = _placed(municipality=municipality, status=ProposalStatus.ACCEPTED)
    _placed(municipality=municipality, status=ProposalStatus.DRAFT)
    rows = client.get(DATA_URL, {"municipality": municipality.pk, "status": "accepted"}).json()
    assert [row[0] for row in rows] == [accepted.pk]
    rows = client.get(DATA_URL, {"municipality": municipality.pk, "status": "draft"}).json()
    assert [row[0] for row in rows] == [accepted.pk, collecting.pk]  # not a filter: drafts stay hidden


def test_the_map_data_says_when_only_the_newest_are_given(client, monkeypatch):
    monkeypatch.setattr(selectors_proposals, "MAP_CAP", 2)
    municipality = MunicipalityFactory()
    older = _placed(municipality=municipality, latitude=Decimal("50.1"), longitude=Decimal("127.1"))
    newer = [_placed(municipality=municipality, latitude=Decimal("51.1"), longitude=Decimal("128.1")) for _ in "ab"]
    response = client.get(DATA_URL, {"municipality": municipality.pk})
    assert response["X-Map-Truncated"] == "1"
    assert [row[0] for row in response.json()] == [newer[1].pk, newer[0].pk]
    # the area around the older one holds fewer than the cap: all of it, not cut.
    response = client.get(DATA_URL, {"municipality": municipality.pk, "bbox": "50,127,50.5,127.5"})
    assert response["X-Map-Truncated"] == "0"
    assert [row[0] for row in response.json()] == [older.pk]
    # exactly the cap is not "cut"
    response = client.get(DATA_URL, {"municipality": municipality.pk, "bbox": "51,128,51.5,128.5"})
    assert response["X-Map-Truncated"] == "0" and len(response.json()) == 2


@pytest.mark.parametrize("rows", [2, 20])
def test_the_map_data_is_one_query_however_many_proposals(client, rows, django_assert_num_queries):
    municipality = MunicipalityFactory()
    for _ in range(rows):
        _placed(municipality=municipality)
    with django_assert_num_queries(1):
        response = client.get(DATA_URL, {"municipality": municipality.pk, "bbox": "50,127,51,128"})
    assert len(response.json()) == rows


# --- a marker's popup ------------------------------------------------------------------------------------------


def test_a_popup_gives_the_title_status_and_link_of_a_published_proposal(client):
    proposal = _placed(title="Сквер у реки", status=ProposalStatus.UNDER_REVIEW)
    response = client.get(_popup_url(proposal))
    assert response.status_code == 200
    assert response.json() == {
        "id": proposal.pk,
        "title": "Сквер у реки",
        "status": "under_review",
        "url": reverse("participation:proposal_detail", args=[proposal.pk]),
    }
    assert "max-age=60" in response["Cache-Control"]


def test_a_draft_or_a_missing_proposal_has_no_popup(client):
    draft = _placed(status=ProposalStatus.DRAFT)
    assert client.get(_popup_url(draft)).status_code == 404
    assert client.get(reverse("participation:proposal_map_popup", args=[999999])).status_code == 404


def test_a_popup_is_one_query(client, django_assert_num_queries):
    proposal = _placed()
    with django_assert_num_queries(1):
        assert client.get(_popup_url(proposal)).status_code == 200
