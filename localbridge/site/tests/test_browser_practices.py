"""The best-practice bank's journey of the issue, in headless Chromium, with an axe check on the list, the practice
page and the form.

A ТОС chair writes a practice through the form and sends it to moderation; a moderator publishes it; a visitor
finds it on the search page by other word forms («благоустройство дворов» for «благоустроили двор»); a member of
another ТОС records that it adopted the practice, and the practice page shows where it spread.

Elements are found by ids, names and form actions rather than by visible text, so that the test keeps passing
when the Russian translations arrive. Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true
for the live server)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.organizations.models import MembershipRole, OrganizationStatus
from localbridge.organizations.tests.factories import MembershipFactory, TosFactory
from localbridge.practices.models import Adoption, Practice, PracticeStatus
from localbridge.practices.tests.factories import TopicFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Как мы благоустроили двор на улице Садовой"
SUMMARY = "Жители трёх домов собрали инициативные платежи и благоустроили двор: асфальт, фонари, лавочки."
ACTIONS = "Провели собрание, составили смету, вышли на субботники, приняли работы подрядчика."
ADAPTATION = "Сделали то же в частном секторе: вместо асфальта — отсыпка щебнем."


def log_in(page, base: str, email: str) -> None:
    browser_log_in(page, base, email, TEST_PASSWORD)


def test_a_chair_writes_a_practice_a_moderator_publishes_it_others_find_and_adopt_it(live_server, new_page):
    base = live_server.url
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")
    city = MunicipalityFactory(region=amur, country=amur.country, name_ru="Благовещенск", name_en="Blagoveshchensk")
    other_city = MunicipalityFactory(region=amur, country=amur.country, name_ru="Свободный", name_en="Svobodny")
    registered = OrganizationStatus.REGISTERED
    author_tos = TosFactory(name="ТОС «Садовый»", municipality=city, status=registered)
    adopting_tos = TosFactory(name="ТОС «Заречный»", municipality=other_city, status=registered)
    chair = UserFactory(full_name="Ольга Ильина")
    MembershipFactory(user=chair, organization=author_tos, role=MembershipRole.CHAIR)
    moderator = UserFactory(full_name="Мария Модестова", is_staff=True)
    neighbour = UserFactory(full_name="Денис Фомин")
    MembershipFactory(user=neighbour, organization=adopting_tos, role=MembershipRole.MEMBER)
    # Transactional tests flush the database between tests, the data migration's topics with it.
    landscaping = TopicFactory(code="landscaping", name_ru="Благоустройство", name_en="Landscaping and public spaces")

    # The chair writes the practice through the form and sends it to moderation.
    writer = new_page()
    log_in(writer, base, chair.email)
    writer.goto(base + reverse("practices:create"))
    assert_accessible(writer)
    writer.fill("#id_title", TITLE)
    writer.fill("#id_summary", SUMMARY)
    writer.fill("#id_actions", ACTIONS)
    writer.select_option("#id_country", str(amur.country.pk))
    writer.select_option("#id_region", str(amur.pk))  # htmx brings the region's municipalities
    writer.locator(f'#id_municipality option[value="{city.pk}"]').wait_for(state="attached")
    writer.select_option("#id_municipality", str(city.pk))
    writer.check(f'input[name=topics][value="{landscaping.pk}"], input[name=topics][value="{landscaping.code}"]')
    organization_box = writer.locator(f'input[name=organizations][value="{author_tos.pk}"]')
    if organization_box.count():
        organization_box.check()
    with writer.expect_navigation():
        writer.click("form.practice-form button[name=submit]")
    practice = Practice.objects.get(title=TITLE)
    assert writer.url == base + reverse("practices:detail", args=[practice.pk])
    assert (practice.status, practice.municipality_id, practice.author_id) == (
        PracticeStatus.ON_MODERATION,
        city.pk,
        chair.pk,
    )
    assert_accessible(writer)

    # A moderator publishes it.
    checker = new_page()
    log_in(checker, base, moderator.email)
    checker.goto(base + reverse("practices:detail", args=[practice.pk]))
    publish = reverse("practices:move", args=[practice.pk, "publish"])
    with checker.expect_navigation():
        checker.click(f'form[action="{publish}"] button[type=submit]')
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED

    # A visitor finds it by other word forms of its words.
    visitor = new_page()
    visitor.goto(base + reverse("practices:list"))
    assert_accessible(visitor)
    visitor.fill("#id_q", "благоустройство дворов")
    with visitor.expect_navigation():
        visitor.press("#id_q", "Enter")
    detail = reverse("practices:detail", args=[practice.pk])
    visitor.locator(f'main a[href="{detail}"]').first.wait_for()
    assert_accessible(visitor)
    visitor.goto(base + reverse("practices:list") + "?" + urlencode({"q": "двор Садовая"}))
    visitor.locator(f'main a[href="{detail}"]').first.wait_for()

    # A member of another ТОС records that it adopted the practice; the practice page shows where it spread.
    adopter = new_page()
    log_in(adopter, base, neighbour.email)
    adopter.goto(base + detail)
    assert_accessible(adopter)
    form = adopter.locator("form#adopt")
    form.locator("[name=adopted_on]").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    form.locator("[name=adaptation]").fill(ADAPTATION)
    with adopter.expect_navigation():
        form.locator("button[type=submit]").click()
    adoption = Adoption.objects.get(practice=practice)
    assert (adoption.organization, adoption.municipality) == (adopting_tos, other_city)
    spread = adopter.locator("#spread table.adoptions")
    spread.locator(f'a[href="{reverse("organizations:detail", args=[adopting_tos.pk])}"]').wait_for()
    assert "щебнем" in spread.inner_text()
    assert_accessible(adopter)
