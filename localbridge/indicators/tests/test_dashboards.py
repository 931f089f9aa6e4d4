"""A municipality's dashboard (the chosen indicator's trend, its table and downloads) and a region's comparison of
its municipalities (ranking with ties and unknown values, change since the year before, the region's figure,
downloads), through the test client, with constant query counts."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from localbridge.indicators.models import IndicatorValue
from localbridge.indicators.selectors_dashboards import this_year
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import make_world, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(definitions):
    return make_world()


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def read_xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- a municipality's dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_draws_the_first_indicator_with_values_and_its_table(client, world, definitions):
    w = world
    put(definitions["tos_count"], w.a1, 2023, 2)
    put(definitions["tos_count"], w.a1, 2025, 4)
    put(definitions["satisfaction_local_government"], w.a1, 2024, "45.25")
    response = client.get(reverse("indicators:municipality", args=[w.a1.pk]))
    assert response.status_code == 200
    assert response.context["chosen"].definition.code == "tos_count"
    assert response.context["trend"] == [(2023, 2), (2024, 0), (2025, 4)]  # a computed count not stored is zero
    data = response.context["chart_data"]
    assert data["years"] == [2023, 2024, 2025]
    assert data["indicators"]["tos_count"]["values"] == [2, 0, 4]
    assert data["indicators"]["satisfaction_local_government"]["values"] == [None, 45.25, None]
    page = response.content.decode()
    assert 'id="trend-chart"' in page and 'id="trend-data"' in page and 'class="sparkline"' in page
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in page and "indicators/charts.js" in page
    csv_url = reverse("indicators:municipality_values_export", args=[w.a1.pk, "csv"])
    assert f'href="{csv_url}?indicator=tos_count"' in page
    assert f'href="{reverse("indicators:region", args=["RU-AMU"])}?indicator=tos_count"' in page
    assert "<script>" not in page  # no inline script (the CSP refuses it)


def test_generated_figures_are_marked_in_the_table_and_the_page_says_so(client, world, definitions):
    w = world
    put(definitions["tos_count"], w.a1, 2024, 2)
    put(definitions["satisfaction_local_government"], w.a1, 2024, "45.25", is_generated=True)
    url = reverse("indicators:municipality", args=[w.a1.pk])
    page = client.get(url).content.decode()
    assert page.count("data-generated") == 1 and 'id="generated-note"' in page
    IndicatorValue.objects.filter(is_generated=True).update(is_generated=False)
    page = client.get(url).content.decode()
    assert "data-generated" not in page and 'id="generated-note"' not in page


def test_the_chosen_indicator_comes_from_the_query_and_an_unknown_one_is_a_404(client, world, definitions):
    w = world
    put(definitions["tos_count"], w.a1, 2024, 2)
    put(definitions["satisfaction_local_government"], w.a1, 2024, "45.25")
    url = reverse("indicators:municipality", args=[w.a1.pk])
    response = client.get(url, {"indicator": "satisfaction_local_government"})
    assert response.context["chosen"].definition.code == "satisfaction_local_government"
    assert response.context["trend"] == [(2024, Decimal("45.25"))]
    assert '<option value="satisfaction_local_government" selected>' in response.content.decode()
    assert client.get(url, {"indicator": "no_such_indicator"}).status_code == 404


def test_a_municipality_without_values_says_so_and_draws_nothing(client, world):
    response = client.get(reverse("indicators:municipality", args=[world.b1.pk]))
    assert response.status_code == 200
    assert response.context["chosen"] is not None
    assert 'id="trend-chart"' not in response.content.decode()


def test_the_dashboard_takes_the_same_queries_for_one_value_and_for_many(
    client, world, definitions, django_assert_num_queries
):
    w = world
    url = reverse("indicators:municipality", args=[w.a1.pk])
    put(definitions["tos_count"], w.a1, 2025, 1)
    with django_assert_num_queries(3):  # the municipality, the definitions, the values
        client.get(url, {"indicator": "tos_count"})
    for code in ("tos_count", "tos_residents", "money_total", "satisfaction_local_government", "volunteers"):
        for year in range(2008, 2025):
            put(definitions[code], w.a1, year, year)
    with django_assert_num_queries(3):
        response = client.get(url, {"indicator": "money_total"})
    assert response.context["dashboard"].years == list(range(2016, 2026))


def test_the_download_has_every_year_zero_for_absent_counts_and_leaves_unknown_values_out(client, world, definitions):
    w = world
    w.a1.oktmo = "10701000"
    w.a1.save()
    put(definitions["tos_count"], w.a1, 2010, 2, source_note="")
    put(definitions["satisfaction_local_government"], w.a1, 2024, "45.25", source_note="Опрос", is_generated=True)
    put(definitions["tos_count"], w.a2, 2024, 9)  # another municipality
    rows = read_csv(client.get(reverse("indicators:municipality_values_export", args=[w.a1.pk, "csv"])))
    header, lines = rows[0], rows[1:]
    assert len(header) == 10
    by_key = {(line[2], line[5]): line for line in lines}
    assert by_key[("tos_count", "2010")][6] == "2"
    assert by_key[("tos_count", "2024")][6] == "0"  # zero: the municipality has values that year, no ТОС stored
    assert by_key[("satisfaction_local_government", "2024")][6] == "45.25"
    assert by_key[("satisfaction_local_government", "2024")][8] == "Опрос"
    assert by_key[("satisfaction_local_government", "2024")][9] != ""  # generated
    assert ("satisfaction_local_government", "2010") not in by_key  # unknown, not zero
    assert by_key[("tos_count", "2010")][0] == w.a1.name and by_key[("tos_count", "2010")][1] == "10701000"

    one = read_csv(
        client.get(reverse("indicators:municipality_values_export", args=[w.a1.pk, "csv"]), {"indicator": "tos_count"})
    )
    assert [(line[2], line[5], line[6]) for line in one[1:]] == [("tos_count", "2010", "2"), ("tos_count", "2024", "0")]
    sheet = read_xlsx(
        client.get(reverse("indicators:municipality_values_export", args=[w.a1.pk, "xlsx"]), {"indicator": "tos_count"})
    )
    assert [(row[5], row[6]) for row in sheet[1:]] == [(2010, 2), (2024, 0)]  # numbers, not text


def test_downloads_refuse_an_unknown_format_indicator_or_municipality(client, world):
    w = world
    assert client.get(reverse("indicators:municipality_values_export", args=[w.a1.pk, "pdf"])).status_code == 404
    url = reverse("indicators:municipality_values_export", args=[w.a1.pk, "csv"])
    assert client.get(url, {"indicator": "nope"}).status_code == 404
    assert client.get(reverse("indicators:municipality_values_export", args=[999999, "csv"])).status_code == 404


def test_the_download_takes_three_queries(client, world, definitions, django_assert_num_queries):
    w = world
    for year in range(2015, 2025):
        put(definitions["tos_count"], w.a1, year, 1)
        put(definitions["money_total"], w.a1, year, 100)
    with django_assert_num_queries(3):
        response = client.get(reverse("indicators:municipality_values_export", args=[w.a1.pk, "csv"]))
        rows = read_csv(response)
    assert len(rows) > 20


# --- a region's comparison ----------------------------------------------------------------------------------------


@pytest.fixture
def ranked(world, definitions):
    """tos_count in RU-AMU: Свободный 7, Благовещенск 3 and its Северный район 3 (a tie), Зея none stored (zero);
    the year before Свободный had 5, Благовещенск 3; the region's own figure 12 (11 the year before)."""
    w = world
    zeya = MunicipalityFactory(country=w.country, region=w.region_a, name_ru="Зея", population=20_000)
    tos = definitions["tos_count"]
    put(tos, w.a2, 2025, 7)
    put(tos, w.a1, 2025, 3)
    put(tos, w.a1_part, 2025, 3)
    put(tos, w.a2, 2024, 5)
    put(tos, w.a1, 2024, 3)
    put(tos, w.region_a, 2025, 12)
    put(tos, w.region_a, 2024, 11)
    put(tos, w.b1, 2025, 50)  # another region
    return w, zeya


def test_a_region_ranks_its_municipalities_with_ties_and_the_change(client, ranked):
    w, zeya = ranked
    response = client.get(reverse("indicators:region", args=["RU-AMU"]), {"indicator": "tos_count", "year": 2025})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    rows = [(r.municipality.name_ru, r.rank, r.value, r.change) for r in comparison.rows]
    assert rows == [
        ("Свободный", 1, 7, 2),
        ("Благовещенск", 2, 3, 0),
        ("Северный район", 2, 3, 3),  # nothing stored in 2024: zero then
        ("Зея", 4, 0, 0),  # a computed count not stored is zero
    ]
    assert comparison.region_value == 12 and comparison.region_change == 1
    assert comparison.municipal_sum == 10  # Северный район is part of Благовещенск: counted once
    assert comparison.known == 4
    assert [bar["name"] for bar in response.context["chart_data"]["bars"]] == [r[0] for r in rows]
    page = response.content.decode()
    assert 'id="comparison-chart"' in page and 'id="comparison-data"' in page
    assert f"{reverse('indicators:municipality', args=[zeya.pk])}?indicator=tos_count" in page
    assert f"{reverse('indicators:region_export', args=['RU-AMU', 'csv'])}?indicator=tos_count&amp;year=2025" in page


def test_unknown_values_are_listed_last_and_lower_is_better_ranks_upwards(client, world, definitions):
    w = world
    roads = definitions["roads_substandard_share"]
    assert roads.lower_is_better and not roads.zero_when_absent
    put(roads, w.a1, 2024, "40.5")
    put(roads, w.a2, 2024, "12.25")
    response = client.get(reverse("indicators:region", args=["ru-amu"]), {"indicator": roads.code, "year": 2024})
    rows = [(r.municipality.name_ru, r.rank, r.value) for r in response.context["comparison"].rows]
    assert rows == [
        ("Свободный", 1, Decimal("12.25")),
        ("Благовещенск", 2, Decimal("40.5")),
        ("Северный район", None, None),
    ]
    comparison = response.context["comparison"]
    assert comparison.region_value is None and comparison.municipal_sum is None  # a share does not add up
    assert comparison.municipal_median == Decimal("26.375")
    assert 'data-rank=""' in response.content.decode()


def test_the_year_defaults_to_the_latest_with_values_and_a_bad_year_is_said_beside_the_select(client, ranked):
    url = reverse("indicators:region", args=["RU-AMU"])
    response = client.get(url, {"indicator": "tos_count"})
    assert response.context["year"] == 2025
    for bad in ("abc", "1800", str(this_year() + 1)):
        response = client.get(url, {"indicator": "tos_count", "year": bad})
        assert response.status_code == 200
        assert response.context["year"] == 2025
        assert response.context["form"].errors["year"][0]
        assert 'class="errorlist' in response.content.decode()
    response = client.get(url, {"indicator": "tos_count", "year": "2024"})
    assert [r.rank for r in response.context["comparison"].rows] == [1, 2, 3, 3]  # 5, 3, then two zeros


def test_unknown_region_or_indicator_is_a_404(client, ranked):
    assert client.get(reverse("indicators:region", args=["RU-XXX"])).status_code == 404
    assert client.get(reverse("indicators:region", args=["RU-AMU"]), {"indicator": "nope"}).status_code == 404
    assert client.get(reverse("indicators:region_export", args=["RU-XXX", "csv"])).status_code == 404


def test_the_comparison_takes_the_same_queries_for_few_municipalities_and_many(
    client, ranked, definitions, django_assert_num_queries
):
    w, _zeya = ranked
    url = reverse("indicators:region", args=["RU-AMU"])
    with django_assert_num_queries(5):  # region, definitions, the latest year, municipalities, values
        client.get(url, {"indicator": "tos_count"})
    with django_assert_num_queries(4):  # the year given
        client.get(url, {"indicator": "tos_count", "year": 2025})
    for n in range(30):
        municipality = MunicipalityFactory(country=w.country, region=w.region_a, parent=w.a1 if n % 5 == 0 else None)
        put(definitions["tos_count"], municipality, 2025, n)
        put(definitions["tos_count"], municipality, 2024, n + 1)
    with django_assert_num_queries(4):
        response = client.get(url, {"indicator": "tos_count", "year": 2025})
    assert len(response.context["comparison"].rows) == 34


def test_the_comparison_is_paged_and_its_chart_follows_the_page(client, ranked, monkeypatch):
    monkeypatch.setattr("localbridge.indicators.views_dashboards.REGION_PAGE", 3)
    url = reverse("indicators:region", args=["RU-AMU"])
    first = client.get(url, {"indicator": "tos_count", "year": 2025})
    assert [bar["name"] for bar in first.context["chart_data"]["bars"]] == [
        "Свободный",
        "Благовещенск",
        "Северный район",
    ]
    second = client.get(url, {"indicator": "tos_count", "year": 2025, "page": 2})
    assert [row.municipality.name_ru for row in second.context["page"].object_list] == ["Зея"]
    assert [row.rank for row in second.context["page"].object_list] == [4]
    assert 'rel="prev"' in second.content.decode()


def test_the_comparison_downloads_as_csv_and_xlsx(client, ranked):
    url = reverse("indicators:region_export", args=["RU-AMU", "csv"])
    rows = read_csv(client.get(url, {"indicator": "tos_count", "year": 2025}))
    assert [(r[0], r[1], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("1", "Свободный", "7", "5", "2"),
        ("2", "Благовещенск", "3", "3", "0"),
        ("2", "Северный район", "3", "0", "3"),
        ("4", "Зея", "0", "0", "0"),
    ]
    assert rows[3][3] == "Благовещенск"  # part of
    sheet = read_xlsx(
        client.get(reverse("indicators:region_export", args=["RU-AMU", "xlsx"]), {"indicator": "tos_count"})
    )
    assert sheet[1][:2] == [1, "Свободный"] and sheet[1][6] == 7
    bad = client.get(url, {"indicator": "tos_count", "year": "20x5"})
    assert bad.status_code == 400
    assert client.get(reverse("indicators:region_export", args=["RU-AMU", "ods"])).status_code == 404
