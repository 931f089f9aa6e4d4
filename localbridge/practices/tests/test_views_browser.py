"""The practice bank's pages in headless Chromium with an axe accessibility check and no breach of the
Content-Security-Policy: the search page with facets, a practice's page with its figures, photo, map and the
"we adopted this" form, the write form, and the moderators' view. Map tiles are not fetched (no network in tests).

Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import base64
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.organizations.models import OrganizationKind
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.practices import services
from localbridge.practices.forms import search_module
from localbridge.practices.models import FigureKind, MoneySource, PracticeStatus
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeFigureFactory,
    PracticeOrganizationFactory,
    PublishedPracticeFactory,
    TopicFactory,
    member_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def offline(page):
    """No map tiles from the network."""
    page.route("https://*.tile.openstreetmap.org/**", lambda route: route.abort())
    return page


def log_in(page, base, user):
    browser_log_in(page, base, user.email, TEST_PASSWORD)


@pytest.fixture
def bank():
    # Transactional tests flush the database between tests, the migration's topics with it.
    TopicFactory(code="landscaping", name_ru="Благоустройство", name_en="Landscaping and public spaces")
    home = MunicipalityFactory(name_ru="Благовещенск", latitude=50.29, longitude=127.53)
    author_org = OrganizationFactory(name="ТОС «Северный»", kind=OrganizationKind.TOS, municipality=home)
    practice = PublishedPracticeFactory(
        title="Как мы благоустроили двор",
        summary="Жители сами благоустроили двор и собрали деньги.",
        municipality=home,
        is_recommended=True,
        recommendation_note="Образцовое софинансирование жителей.",
    )
    PracticeOrganizationFactory(practice=practice, organization=author_org)
    PracticeFigureFactory(practice=practice, kind=FigureKind.BENEFICIARIES, value=1200, label="жителей")
    PracticeFigureFactory(
        practice=practice, kind=FigureKind.MONEY, value=150000, currency="RUB", source=MoneySource.RESIDENTS
    )
    PracticeFigureFactory(practice=practice, kind=FigureKind.METRIC, value=0, value_before=12, label="луж")
    zeya = MunicipalityFactory(name_ru="Зея", latitude=53.73, longitude=127.27)
    AdoptionFactory(practice=practice, organization__name="ТОС «Зея»", municipality=zeya)
    draft = PracticeFactory(status=PracticeStatus.DRAFT, author=UserFactory())
    services.practice_attach(practice=draft, actor=draft.author, upload=SimpleUploadedFile("двор.png", PNG))
    PublishedPracticeFactory(title="Скамейки у подъездов", summary="Двор и скамейки.")
    PublishedPracticeFactory.create_batch(3)
    adopter = OrganizationFactory(name="ТОС «Восход»", kind=OrganizationKind.TOS)
    module = search_module()
    if module is not None:
        module.practice_search_reindex()
    return {"practice": practice, "adopter": adopter, "member": member_of(adopter), "draft": draft}


def test_the_search_and_practice_pages_are_accessible(live_server, page, bank):
    base = live_server.url
    offline(page)
    page.goto(base + reverse("practices:list") + "?q=двор")
    page.locator(".practice-results .practice-item").first.wait_for()
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
    assert_accessible(page)
    page.goto(base + reverse("practices:list") + "?q=" + "(((*** NEAR")
    assert page.locator(".search-messages .message").count() >= 1
    assert_accessible(page)
    page.goto(base + reverse("practices:detail", args=[bank["practice"].pk]))
    page.locator("#practice-map.leaflet-container").wait_for()
    assert page.locator("#practice-map .leaflet-interactive").count() == 2  # the practice and one adoption
    assert_accessible(page)


def test_a_member_of_another_organisation_records_an_adoption_on_an_accessible_page(live_server, page, bank):
    base = live_server.url
    offline(page)
    log_in(page, base, bank["member"])
    page.goto(base + reverse("practices:detail", args=[bank["practice"].pk]))
    page.locator("form#adopt").wait_for()
    assert_accessible(page)
    page.fill("#adopt_adopted_on", (datetime.date.today() - datetime.timedelta(days=3)).isoformat())
    page.fill("#adopt_adaptation", "Добавили качели.")
    with page.expect_navigation():
        page.click("form#adopt button[type=submit]")
    assert page.locator("table.adoptions").inner_text().count("ТОС «Восход»") == 1


def test_the_write_form_and_the_authors_draft_are_accessible(live_server, page, bank):
    base = live_server.url
    offline(page)
    log_in(page, base, bank["draft"].author)
    page.goto(base + reverse("practices:create"))
    assert_accessible(page)
    page.goto(base + reverse("practices:edit", args=[bank["draft"].pk]))
    assert_accessible(page)
    page.goto(base + reverse("practices:detail", args=[bank["draft"].pk]))
    page.locator(".practice-photos img").wait_for()
    # The photo is served (permission-checked) and decodes: wait for it to load rather than read it mid-flight.
    page.wait_for_function(
        "() => { const img = document.querySelector('.practice-photos img'); return img && img.complete; }"
    )
    assert page.locator(".practice-photos img").evaluate("img => img.naturalWidth") == 1
    assert_accessible(page)


def test_the_moderators_pages_are_accessible(live_server, page, bank):
    base = live_server.url
    offline(page)
    services.practice_submit(practice=bank["draft"], actor=bank["draft"].author)
    log_in(page, base, UserFactory(is_staff=True))
    page.goto(base + reverse("practices:moderation_queue"))
    assert page.locator("table tbody tr").count() == 1
    assert_accessible(page)
    page.goto(base + reverse("practices:detail", args=[bank["draft"].pk]))
    page.locator("section.moderation").wait_for()
    assert_accessible(page)
