"""The indicators pages through the test client: the catalogue, a municipality's table over the years (constant
query count), the staff's entry form, the operators' import and recomputation, and who may open what."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.tests.factories import municipal_staff
from localbridge.indicators.models import IndicatorValue, Level
from localbridge.organizations.models import OrganizationStatus
from localbridge.organizations.tests.factories import TosFactory

from .factories import at, make_world, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(definitions):
    return make_world()


def test_the_catalogue_lists_every_indicator_with_its_methodology(client, definitions, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("indicators:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<dt id="') == len(definitions)
    assert "Доля населения, проживающего на территориях ТОС" in page and "Росстат на 1 января" in page
    assert 'id="recompute"' not in page


def test_a_municipalitys_table_shows_values_by_year_with_zero_for_absent_counts(client, world, definitions):
    w = world
    put(definitions["tos_count"], w.a1, 2024, 3)
    put(definitions["tos_count"], w.a1, 2025, 4)
    put(definitions["tos_residents_share"], w.a1, 2025, "6.5")
    put(definitions["satisfaction_local_government"], w.a1, 2024, "45.25")
    put(definitions["money_total"], w.a1, 2025, "1234567.5")
    put(definitions["tos_count"], w.a2, 2020, 9)  # another municipality
    response = client.get(reverse("indicators:municipality", args=[w.a1.pk]))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.years == [2024, 2025]
    rows = {row.definition.code: row.cells for _label, group in dashboard.groups for row in group}
    assert rows["tos_count"] == [3, 4]
    assert rows["tos_residents_share"] == [None, Decimal("6.5")]  # a share is not known, not zero
    assert rows["practices_published"] == [0, 0]  # a computed count without a value is zero
    assert rows["satisfaction_local_government"] == [Decimal("45.25"), None]
    page = response.content.decode()
    assert "1 234 567,50" in page.replace("\xa0", " ")  # the definition's two decimals, Russian separators
    assert "45,3" in page  # one decimal


def test_the_municipality_page_takes_the_same_queries_however_many_values(
    client, world, definitions, django_assert_num_queries
):
    w = world
    url = reverse("indicators:municipality", args=[w.a1.pk])
    put(definitions["tos_count"], w.a1, 2025, 1)
    with django_assert_num_queries(3):  # the municipality, the definitions, the values
        client.get(url)
    for code in ("tos_count", "tos_residents", "money_total", "satisfaction_local_government"):
        for year in range(2010, 2025):
            put(definitions[code], w.a1, year, year)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.context["dashboard"].years == list(range(2016, 2026))  # the last ten years


def test_an_unknown_municipality_is_a_404(client, definitions):
    assert client.get(reverse("indicators:municipality", args=[999999])).status_code == 404


def test_staff_enter_a_value_on_the_form_and_see_errors_beside_the_fields(client, world, definitions):
    w = world
    staff = municipal_staff(w.a1)
    client.force_login(staff)
    url = reverse("indicators:enter", args=[w.a1.pk])
    assert 'id="enter-values"' in client.get(reverse("indicators:municipality", args=[w.a1.pk])).content.decode()
    response = client.post(
        url, {"definition": definitions["volunteers"].pk, "year": 2024, "value": "не число", "source_note": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"value", "source_note"} and not IndicatorValue.objects.exists()
    response = client.post(
        url, {"definition": definitions["volunteers"].pk, "year": 2024, "value": "1 250", "source_note": "Реестр"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.value, value.entered_by, value.source_note) == (1250, staff, "Реестр")
    page = client.get(url).content.decode()
    assert 'data-code="volunteers" data-year="2024"' in page
    response = client.post(reverse("indicators:value_remove", args=[w.a1.pk, value.pk]))
    assert response.status_code == 302 and not IndicatorValue.objects.exists()


def test_others_may_not_open_the_entry_form(client, world):
    w = world
    url = reverse("indicators:enter", args=[w.a1.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(municipal_staff(w.a2))
    assert client.get(url).status_code == 403
    assert 'id="enter-values"' not in client.get(reverse("indicators:municipality", args=[w.a1.pk])).content.decode()


def test_an_operator_imports_a_file_and_reads_the_report(client, world):
    w = world
    client.force_login(UserFactory(is_staff=True))
    data = f"code,municipality,year,value\nsmb_per_10000,{w.a1.pk},2024,310\nsmb_per_10000,{w.a1.pk},2024x,1\n"
    upload = SimpleUploadedFile("values.csv", data.encode(), content_type="text/csv")
    response = client.post(reverse("indicators:import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-report"' in page and 'data-row="3" data-code="bad_year"' in page
    assert IndicatorValue.objects.get().value == 310
    broken = SimpleUploadedFile("values.csv", b"year\n2024\n", content_type="text/csv")
    response = client.post(reverse("indicators:import"), {"file": broken})
    assert response.context["form"].non_field_errors() and 'id="import-report"' not in response.content.decode()


def test_only_operators_import_and_recompute(client, world):
    client.force_login(municipal_staff(world.a1))
    assert client.get(reverse("indicators:import")).status_code == 403
    assert client.post(reverse("indicators:recompute")).status_code == 403


def test_an_operator_recomputes_on_demand(client, world, settings):
    settings.INDICATORS_FIRST_YEAR = 2024
    TosFactory(municipality=world.a1, status=OrganizationStatus.ACTIVE, registered_at=at(2024))
    client.force_login(UserFactory(is_staff=True))
    assert 'id="recompute"' in client.get(reverse("indicators:list")).content.decode()
    response = client.post(reverse("indicators:recompute"), {"year": "2024"}, follow=True)
    assert response.status_code == 200
    assert IndicatorValue.objects.filter(definition__code="tos_count", level=Level.MUNICIPALITY, year=2024).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("Пересчитано" in m or "Recomputed" in m for m in messages)
