"""The ratings' pages through the test client: the list of published ratings, a rating's methodology and ranked
table (ties, missing values, generated figures), its CSV and XLSX download, "build your own rating" with its
validation, the operators' "save as a rating", who may open and do what, and constant query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.indicators.models import MissingRule, Normalisation, RatingMethod, RatingScope, RatingWeight
from localbridge.indicators.services_ratings import rating_method_create
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import make_world, put

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture
def world(definitions):
    return make_world()


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def make_method(w, definitions, *, code="amur-2024", published=True, **kwargs):
    method = RatingMethod.objects.create(
        code=code,
        name_ru="Рейтинг муниципальных образований Амурской области",
        name_en="Rating of the municipalities of Amur Oblast",
        year=YEAR,
        scope=RatingScope.REGION,
        region=w.region_a,
        is_published=published,
        **kwargs,
    )
    RatingWeight.objects.create(method=method, definition=definitions["tos_count"], weight=1, position=1)
    RatingWeight.objects.create(method=method, definition=definitions["roads_substandard_share"], weight=1, position=2)
    return method


def fill(w, definitions):
    """a1 and a2 tie at 50 (a1: most ТОС, worst roads; a2: no ТОС — zero —, best roads); the intra-city part has
    no roads figure: 0 for it, half the weight missing, still rated (0)."""
    put(definitions["tos_count"], w.a1, YEAR, 4)
    put(definitions["roads_substandard_share"], w.a1, YEAR, 40)
    put(definitions["roads_substandard_share"], w.a2, YEAR, 20, is_generated=True, source_note="Демо (сгенерировано)")


def rows_of(response):
    return [(line.municipality.pk, line.rank, line.score_value, line.tied) for line in response.context["lines_page"]]


# --- the list -------------------------------------------------------------------------------------------------------


def test_the_list_shows_published_ratings_to_everyone_and_drafts_to_operators(
    client, world, definitions, staff, django_assert_num_queries
):
    make_method(world, definitions)
    make_method(world, definitions, code="draft-2024", published=False)
    with django_assert_num_queries(2):  # the count, the page
        response = client.get(reverse("indicators:rating_list"))
    assert response.status_code == 200
    assert [m.code for m in response.context["page"]] == ["amur-2024"]
    assert response.context["page"][0].indicator_count == 2
    page = response.content.decode()
    assert reverse("indicators:rating_detail", args=["amur-2024"]) in page
    assert reverse("indicators:rating_custom") in page

    client.force_login(staff)
    response = client.get(reverse("indicators:rating_list"))
    assert {m.code for m in response.context["page"]} == {"amur-2024", "draft-2024"}


def test_the_list_takes_the_same_queries_however_many_ratings(client, world, definitions, django_assert_num_queries):
    for n in range(8):
        make_method(world, definitions, code=f"rating-{n}")
    with django_assert_num_queries(2):
        response = client.get(reverse("indicators:rating_list"))
    assert len(response.context["page"].object_list) == 8


# --- a rating's page ------------------------------------------------------------------------------------------------


def test_a_rating_shows_its_methodology_and_the_ranked_table_with_shared_places(client, world, definitions):
    w = world
    method = make_method(w, definitions)
    fill(w, definitions)
    response = client.get(reverse("indicators:rating_detail", args=[method.code]))
    assert response.status_code == 200
    # a1 and a2 share the first place (listed by name: Благовещенск, Свободный); the part is third
    assert rows_of(response) == [
        (w.a1.pk, 1, Decimal("50.00"), True),
        (w.a2.pk, 1, Decimal("50.00"), True),
        (w.a1_part.pk, 3, Decimal("0.00"), False),
    ]
    page = response.content.decode()
    assert 'data-normalisation="minmax"' in page and 'data-rule="exclude_over_half"' in page
    assert 'id="rating-ties"' in page and 'id="rating-scope"' in page
    # each indicator with its weight's share, its direction and its source note
    assert page.count('<tr data-code="') == 2
    assert "50,0 %" in page and "Демо (сгенерировано)" in page
    # the raw value and the normalised score; a missing value is marked
    assert 'data-missing="roads_substandard_share"' in page
    assert 'class="generated-mark"' in page and 'id="generated-notice"' in page
    assert reverse("indicators:rating_export", args=[method.code, "csv"]) in page
    assert 'id="rating-chart-data"' in page  # the chart's data; the table is the accessible alternative


def test_a_municipality_missing_over_half_the_weight_is_listed_apart(client, world, definitions):
    w = world
    method = make_method(w, definitions)
    RatingWeight.objects.filter(method=method, definition__code="roads_substandard_share").update(weight=3)
    fill(w, definitions)
    response = client.get(reverse("indicators:rating_detail", args=[method.code]))
    lines = response.context["lines_page"].object_list
    assert [(line.municipality.pk, line.rank) for line in lines] == [(w.a2.pk, 1), (w.a1.pk, 2), (w.a1_part.pk, None)]
    unrated = response.context["unrated"]
    assert [line.municipality.pk for line in unrated] == [w.a1_part.pk]
    assert [cell.weight.definition.code for cell in unrated[0].missing] == ["roads_substandard_share"]
    assert 'id="rating-unrated"' in response.content.decode()


def test_rank_normalisation_and_the_worst_rule_are_stated_and_applied(client, world, definitions):
    w = world
    method = make_method(w, definitions, normalisation=Normalisation.RANK, missing_rule=MissingRule.WORST)
    fill(w, definitions)
    response = client.get(reverse("indicators:rating_detail", args=[method.code]))
    page = response.content.decode()
    assert 'data-normalisation="rank"' in page and 'data-rule="worst"' in page
    # tos: a1 rank 1 (score 1), a2 and the part tie at rank 2.5 (score 0.25); roads: a2 1, a1 0
    assert rows_of(response) == [
        (w.a2.pk, 1, Decimal("62.50"), False),
        (w.a1.pk, 2, Decimal("50.00"), False),
        (w.a1_part.pk, 3, Decimal("12.50"), False),
    ]


def test_a_rating_page_takes_the_same_queries_however_many_municipalities(
    client, world, definitions, django_assert_num_queries
):
    w = world
    method = make_method(w, definitions)
    fill(w, definitions)
    url = reverse("indicators:rating_detail", args=[method.code])
    with django_assert_num_queries(4):  # the rating, its indicators, the municipalities, the values
        client.get(url)
    for n in range(30):
        m = MunicipalityFactory(country=w.country, region=w.region_a)
        put(definitions["tos_count"], m, YEAR, n)
        put(definitions["roads_substandard_share"], m, YEAR, n % 7)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["lines_page"].object_list) == 33


def test_a_draft_is_not_found_except_by_those_who_manage_ratings(client, world, definitions, staff):
    method = make_method(world, definitions, published=False)
    url = reverse("indicators:rating_detail", args=[method.code])
    assert client.get(url).status_code == 404
    assert client.get(reverse("indicators:rating_export", args=[method.code, "csv"])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert client.get(reverse("indicators:rating_detail", args=["nonesuch"])).status_code == 404


def test_the_rating_downloads_as_csv_and_xlsx_with_every_line(client, world, definitions):
    w = world
    method = make_method(w, definitions)
    fill(w, definitions)
    response = client.get(reverse("indicators:rating_export", args=[method.code, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows[0]) == 5 + 2 * 2 + 2
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("1", str(w.a1.pk), "50.0"),
        ("1", str(w.a2.pk), "50.0"),
        ("3", str(w.a1_part.pk), "0.0"),
    ]
    a1 = rows[1]
    assert a1[5:9] == ["4.0", "1.0", "40.0", "0.0"]  # tos value and score, roads value and score
    assert rows[3][7] == "" and rows[3][9] == "roads_substandard_share"  # missing: empty, and named
    assert rows[2][10] == "roads_substandard_share"  # a2's generated figure

    response = client.get(reverse("indicators:rating_export", args=[method.code, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4 and values[1][2] == w.a1.pk and values[1][4] == 50.0
    assert client.get(reverse("indicators:rating_export", args=[method.code, "pdf"])).status_code == 404


# --- build your own rating ------------------------------------------------------------------------------------------


def custom(client, **params):
    return client.get(reverse("indicators:rating_custom"), params)


def test_an_empty_custom_form_computes_nothing(client, world, definitions):
    response = custom(client)
    assert response.status_code == 200
    assert "result" not in response.context and not response.context["form"].is_bound
    assert 'id="rating-form"' in response.content.decode()


def test_a_custom_rating_is_the_same_page_without_saving(client, world, definitions, django_assert_num_queries):
    w = world
    fill(w, definitions)
    params = {"territory": "RU-AMU", "year": YEAR, "normalisation": "minmax", "missing_rule": "exclude_over_half"}
    params |= {"w_tos_count": "1", "w_roads_substandard_share": "1,0"}
    before = RatingMethod.objects.count()
    # the definitions, the countries and the regions (the form's choices), the municipalities, the values
    with django_assert_num_queries(5):
        response = custom(client, **params)
    assert response.status_code == 200
    assert rows_of(response) == [
        (w.a1.pk, 1, Decimal("50.00"), True),
        (w.a2.pk, 1, Decimal("50.00"), True),
        (w.a1_part.pk, 3, Decimal("0.00"), False),
    ]
    assert RatingMethod.objects.count() == before
    page = response.content.decode()
    assert 'id="rating-methodology"' not in page and 'id="methodology"' in page
    assert reverse("indicators:rating_custom_export", args=["csv"]) + "?territory=RU-AMU" in page
    assert 'id="save-rating"' not in page  # only operators save

    for n in range(20):
        m = MunicipalityFactory(country=w.country, region=w.region_a)
        put(definitions["tos_count"], m, YEAR, n)
    with django_assert_num_queries(5):
        response = custom(client, **params)
    assert len(response.context["lines_page"].object_list) == 23

    download = client.get(reverse("indicators:rating_custom_export", args=["csv"]), params)
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 24


def test_a_custom_rating_over_a_country_rates_all_its_municipalities(client, world, definitions):
    w = world
    fill(w, definitions)
    put(definitions["tos_count"], w.b1, YEAR, 10)
    response = custom(client, territory="RU", year=YEAR, normalisation="rank", missing_rule="worst", w_tos_count="2")
    assert response.status_code == 200
    assert [line.municipality.pk for line in response.context["lines_page"]][0] == w.b1.pk
    assert len(response.context["lines_page"].object_list) == 4


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"w_tos_count": ""}, "__all__", "no_indicators"),
        ({"w_tos_count": "0"}, "w_tos_count", "weight_not_positive"),
        ({"w_tos_count": "-2"}, "w_tos_count", "weight_not_positive"),
        ({"w_tos_count": "много"}, "w_tos_count", "bad_weight"),
        ({"w_tos_count": "1 000 000"}, "w_tos_count", "weight_too_large"),
        ({"territory": "RU-XXX"}, "territory", "unknown_region"),
        ({"territory": "ZZ"}, "territory", "unknown_country"),
        ({"territory": ""}, "territory", "required"),
        ({"year": "1900"}, "year", "bad_year"),
        ({"year": "год"}, "year", "invalid"),
        ({"normalisation": "zscore"}, "normalisation", "invalid_choice"),
    ],
)
def test_a_custom_rating_says_what_is_wrong_beside_the_field(client, world, definitions, params, field, code):
    data = {"territory": "RU-AMU", "year": YEAR, "normalisation": "minmax", "missing_rule": "worst"}
    data |= {"w_tos_count": "1"} | params
    response = custom(client, **data)
    assert response.status_code == 400
    assert "result" not in response.context
    errors = response.context["form"].errors.as_data()
    assert code in {e.code for e in errors[field]}
    assert 'role="alert"' in response.content.decode() or "aria-invalid" in response.content.decode()


def test_adjusting_a_saved_rating_starts_the_form_from_it(client, world, definitions):
    method = make_method(world, definitions)
    response = custom(client, **{"from": method.code})
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial["territory"] == "RU-AMU" and form.initial["year"] == YEAR
    assert form.initial["w_tos_count"] == "1" and form.initial["w_roads_substandard_share"] == "1"
    page = response.content.decode()
    assert 'value="1" inputmode="decimal"' in page or 'inputmode="decimal" size="6" class="weight" value="1"' in page
    draft = make_method(world, definitions, code="draft-2024", published=False)
    assert custom(client, **{"from": draft.code}).status_code == 404


# --- saving a rating (operators) ------------------------------------------------------------------------------------

SAVE = {
    "territory": "RU-AMU",
    "year": YEAR,
    "normalisation": "rank",
    "missing_rule": "worst",
    "w_tos_count": "2",
    "w_satisfaction_local_government": "1.5",
    "code": "amur-support",
    "name_ru": "Поддержка ТОС в Амурской области",
    "name_en": "",
    "description_ru": "",
    "description_en": "",
    "is_published": "on",
}


def test_an_operator_saves_the_built_rating_with_its_weights(client, world, definitions, staff):
    w = world
    fill(w, definitions)
    client.force_login(staff)
    page = custom(client, **{k: v for k, v in SAVE.items() if k in ("territory", "year", "w_tos_count")})
    assert 'id="save-rating"' in page.content.decode()
    response = client.post(reverse("indicators:rating_save"), SAVE)
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:rating_detail", args=["amur-support"])
    method = RatingMethod.objects.get(code="amur-support")
    assert (method.region, method.country, method.year, method.normalisation, method.missing_rule) == (
        w.region_a,
        None,
        YEAR,
        "rank",
        "worst",
    )
    assert method.is_published
    assert [(rw.definition.code, rw.weight, rw.position) for rw in method.weights.all()] == [
        ("tos_count", Decimal("2.000"), 1),
        ("satisfaction_local_government", Decimal("1.500"), 2),
    ]
    assert [e.action for e in audit_history(obj=method)] == ["create"]
    assert client.get(response["Location"]).status_code == 200

    again = client.post(reverse("indicators:rating_save"), SAVE)
    assert again.status_code == 400
    assert "code_taken" in {e.code for e in again.context["save_form"].errors.as_data()["code"]}


def test_saving_checks_the_rating_and_the_name(client, world, definitions, staff):
    client.force_login(staff)
    response = client.post(reverse("indicators:rating_save"), SAVE | {"code": "custom", "name_ru": ""})
    assert response.status_code == 400
    errors = response.context["save_form"].errors.as_data()
    assert {e.code for e in errors["code"]} == {"reserved_code"} and {e.code for e in errors["name_ru"]} == {"required"}
    response = client.post(reverse("indicators:rating_save"), SAVE | {"w_tos_count": "0"})
    assert response.status_code == 400 and "w_tos_count" in response.context["form"].errors
    assert not RatingMethod.objects.exists()


def test_only_those_who_manage_ratings_save_them(client, world, definitions):
    response = client.post(reverse("indicators:rating_save"), SAVE)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.post(reverse("indicators:rating_save"), SAVE).status_code == 403
    assert client.get(reverse("indicators:rating_save")).status_code == 405
    assert not RatingMethod.objects.exists()


def test_the_service_refuses_without_the_permission_and_checks_everything(world, definitions, staff):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        rating_method_create(actor=UserFactory(), code="x", name_ru="X", year=YEAR, region=world.region_a, weights=[])
    with pytest.raises(ValidationError) as caught:
        rating_method_create(actor=staff, code="", name_ru="", year=1800, weights=[])
    assert {"required", "bad_year", "no_indicators"} <= error_codes(caught.value)
    with pytest.raises(ValidationError) as caught:
        rating_method_create(
            actor=staff,
            code="x",
            name_ru="X",
            year=YEAR,
            country=world.country,
            weights=[(definitions["tos_count"], Decimal("1")), (definitions["tos_count"], Decimal("0.0001"))],
        )
    assert {"duplicate_indicator", "weight_not_positive"} <= error_codes(caught.value)


def test_operators_manage_ratings_with_their_weights_in_the_admin(client, world, definitions, staff):
    method = make_method(world, definitions)
    client.force_login(staff)  # platform staff without any model permission granted
    assert client.get(reverse("admin:indicators_ratingmethod_changelist")).status_code == 200
    response = client.get(reverse("admin:indicators_ratingmethod_change", args=[method.pk]))
    assert response.status_code == 200 and "weights-TOTAL_FORMS" in response.content.decode()
    assert client.get(reverse("admin:indicators_ratingmethod_add")).status_code == 200
    client.force_login(UserFactory(is_staff=False))
    assert client.get(reverse("admin:indicators_ratingmethod_changelist")).status_code == 302
