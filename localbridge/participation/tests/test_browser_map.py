"""The proposals' map page in headless Chromium: the markers of a municipality's published proposals appear, a
marker's popup (fetched when it opens) links to the proposal, beyond the cap the page says so and asks again for
the area in view, and without JavaScript the page points to the list. Axe and the Content-Security-Policy are
checked. Map tiles are not fetched (no network in tests).

Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from localbridge.core.testing.browser import assert_accessible
from localbridge.participation import selectors_proposals
from localbridge.participation.models import ProposalStatus
from localbridge.participation.tests.factories import ProposalFactory
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offline(page):
    """No map tiles from the network: they are answered empty."""
    page.route("https://*.tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=""))
    return page


@pytest.fixture
def blagoveshchensk():
    municipality = MunicipalityFactory(name_ru="Благовещенск", latitude=50.290659, longitude=127.527198)
    proposals = [
        ProposalFactory(
            municipality=municipality,
            title="Сквер на набережной",
            latitude=Decimal("50.251000"),
            longitude=Decimal("127.540000"),
        ),
        ProposalFactory(
            municipality=municipality,
            title="Освещение улицы Ленина",
            status=ProposalStatus.UNDER_REVIEW,
            latitude=Decimal("50.262000"),
            longitude=Decimal("127.520000"),
        ),
        ProposalFactory(
            municipality=municipality,
            title="Детская площадка в Моховой Пади",
            status=ProposalStatus.ACCEPTED,
            latitude=Decimal("50.330000"),
            longitude=Decimal("127.480000"),
        ),
    ]
    ProposalFactory(municipality=municipality, status=ProposalStatus.DRAFT, latitude=50.3, longitude=127.5)
    ProposalFactory(municipality=municipality, title="Без места")  # no point: not on the map
    return municipality, proposals


def test_the_markers_appear_and_a_popup_links_to_the_proposal(live_server, page, blagoveshchensk):
    municipality, proposals = blagoveshchensk
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    offline(page)
    page.goto(f"{live_server.url}{reverse('participation:proposal_list')}?municipality={municipality.pk}")
    page.locator(f"a[href^='{reverse('participation:proposal_map_page')}']").first.click()
    page.wait_for_load_state()

    pins = page.locator("#proposal-map .leaflet-marker-icon.proposal-pin")
    pins.first.wait_for()
    page.locator("#proposal-map[data-loaded='1']").wait_for()
    assert pins.count() == 3
    assert page.locator("#proposal-map .proposal-pin.status-accepted").count() == 1
    assert page.locator("#proposal-map .proposal-pin.status-under_review").count() == 1
    assert page.locator("#proposal-map-status").inner_text() == ""  # all of them are drawn
    assert_accessible(page)

    accepted = proposals[2]
    with page.expect_response(lambda r: r.url.endswith(f"/proposals/map/{accepted.pk}.json")):
        page.locator("#proposal-map .proposal-pin.status-accepted").click()
    link = page.locator(".leaflet-popup-content a", has_text="Детская площадка в Моховой Пади")
    link.wait_for()
    assert page.locator(".leaflet-popup-content .proposal-pin.status-accepted").count() == 1
    # axe measures colours as drawn: wait until the popup has faded in.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert_accessible(page)
    with page.expect_navigation():
        link.click()
    assert page.url == live_server.url + reverse("participation:proposal_detail", args=[accepted.pk])
    assert page.locator("h1").inner_text() == "Детская площадка в Моховой Пади"
    assert errors == []


def test_a_marker_opens_its_popup_from_the_keyboard(live_server, page, blagoveshchensk):
    municipality, proposals = blagoveshchensk
    offline(page)
    page.goto(f"{live_server.url}{reverse('participation:proposal_map_page')}?municipality={municipality.pk}")
    pin = page.locator("#proposal-map .proposal-pin.status-under_review")
    pin.wait_for()
    assert pin.get_attribute("role") == "button" and str(proposals[1].pk) in pin.get_attribute("title")
    pin.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content a", has_text="Освещение улицы Ленина").wait_for()


def test_the_status_filter_draws_only_that_status(live_server, page, blagoveshchensk):
    municipality, _ = blagoveshchensk
    offline(page)
    page.goto(f"{live_server.url}{reverse('participation:proposal_map_page')}?municipality={municipality.pk}")
    page.locator("#proposal-map[data-loaded='1']").wait_for()
    page.select_option("#id_status", "collecting")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button").click()
    page.locator("#proposal-map[data-loaded='1']").wait_for()
    pins = page.locator("#proposal-map .leaflet-marker-icon.proposal-pin")
    assert pins.count() == 1 and page.locator("#proposal-map .status-collecting").count() == 1


def test_beyond_the_cap_the_page_says_so_and_asks_for_the_area_in_view(live_server, page, monkeypatch):
    monkeypatch.setattr(selectors_proposals, "MAP_CAP", 2)  # the live server runs in this process
    municipality = MunicipalityFactory(name_ru="Благовещенск", latitude=50.290659, longitude=127.527198)
    # The oldest lies 130 m north-east of the second; the newest is far away, so the first view holds the newest
    # two, and zooming in beside the second shows an area with the oldest and the second only.
    oldest = ProposalFactory(municipality=municipality, latitude=Decimal("50.261000"), longitude=Decimal("127.531000"))
    ProposalFactory(
        municipality=municipality,
        status=ProposalStatus.UNDER_REVIEW,
        latitude=Decimal("50.260000"),
        longitude=Decimal("127.530000"),
    )
    ProposalFactory(
        municipality=municipality,
        status=ProposalStatus.ACCEPTED,
        latitude=Decimal("50.900000"),
        longitude=Decimal("128.500000"),
    )
    offline(page)
    page.goto(f"{live_server.url}{reverse('participation:proposal_map_page')}?municipality={municipality.pk}")
    page.locator("#proposal-map[data-loaded='1']").wait_for()
    pins = page.locator("#proposal-map .leaflet-marker-icon.proposal-pin")
    assert pins.count() == 2  # the newest two
    assert page.locator("#proposal-map .status-collecting").count() == 0
    truncated = page.locator("#proposal-map").get_attribute("data-msg-truncated")
    assert page.locator("#proposal-map-status").inner_text() == truncated
    assert_accessible(page)

    # A resident double-clicks beside the second proposal, zooming in there: the page asks for the area in view.
    second = page.locator("#proposal-map .proposal-pin.status-under_review")
    for _ in range(4):
        second.scroll_into_view_if_needed()
        box = second.bounding_box()
        with page.expect_response(lambda r: "bbox=" in r.url and r.url.split("?")[0].endswith("/map.json")) as answer:
            page.mouse.dblclick(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2 - 20)
        bbox = parse_qs(urlsplit(answer.value.url).query)["bbox"][0]
        page.locator(f"#proposal-map[data-area='{bbox}']").wait_for()  # that area is drawn
        if page.locator("#proposal-map .status-collecting").count():
            break
    assert page.locator("#proposal-map .status-collecting").count() == 1, f"proposal {oldest.pk} is not drawn"
    assert page.locator("#proposal-map .status-accepted").count() == 0  # out of the area: removed
    area_all = page.locator("#proposal-map").get_attribute("data-msg-area-all")
    page.wait_for_function("text => document.getElementById('proposal-map-status').textContent === text", arg=area_all)


def test_without_javascript_the_page_points_to_the_list(live_server, browser, blagoveshchensk):
    municipality, _ = blagoveshchensk
    context = browser.new_context(locale="ru-RU", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('participation:proposal_map_page')}?municipality={municipality.pk}")
        list_url = f"{reverse('participation:proposal_list')}?municipality={municipality.pk}"
        assert page.locator(f"noscript a[href='{list_url}'], a[href='{list_url}']").count() >= 1
        assert not page.locator("#proposal-map").is_visible()
        with page.expect_navigation():
            page.locator(f"a.proposal-list-link[href='{list_url}']").click()
        assert page.locator("tbody tr").count() == 4  # the list: every published proposal, placed or not
    finally:
        context.close()
