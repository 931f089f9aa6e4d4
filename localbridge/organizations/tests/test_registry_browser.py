"""The registry in headless Chromium: filter, open an organisation, and pass an axe accessibility check."""

import pytest

from localbridge.core.testing.browser import assert_accessible
from localbridge.organizations.models import BodyMember
from localbridge.organizations.services import organization_search_text
from localbridge.organizations.tests.factories import OrganizationFactory, TosFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def searchable(organization):
    organization.search_text = organization_search_text(organization)
    organization.save(update_fields=["search_text"])
    return organization


def test_a_visitor_filters_the_registry_and_opens_an_organisation(live_server, page):
    tos = searchable(
        TosFactory(
            name="ТОС «Ёлочка»", status="registered", description="Мы **убираем** дворы.", email="tos@example.org"
        )
    )
    BodyMember.objects.create(organization=tos, full_name="Петрова Анна", role="chair")
    searchable(OrganizationFactory(name="Союз городов"))
    page.goto(live_server.url + "/organizations/")
    assert_accessible(page)
    page.locator("#id_q").fill("елочка")  # by id: the label's wording depends on the translations
    page.locator("form.registry-filters button[type=submit]").click()
    page.wait_for_url("**q=*")
    assert page.get_by_role("link", name="ТОС «Ёлочка»").is_visible()
    assert page.get_by_role("link", name="Союз городов").count() == 0
    page.get_by_role("link", name="ТОС «Ёлочка»").click()
    page.wait_for_url(f"**/organizations/{tos.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("ТОС «Ёлочка»")
    assert "Петрова Анна" in page.content()
    assert_accessible(page)
