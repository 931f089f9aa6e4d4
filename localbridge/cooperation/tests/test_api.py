import io
import json

import pytest
from django.core.management import CommandError, call_command

from localbridge.cooperation.models import TwinLink
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cooperation/municipalities/{}/suggestions"


@pytest.fixture
def network():
    russia = CountryFactory()
    germany = CountryFactory(code="DE", code3="DEU", name_ru="Германия", name_en="Germany")
    home = MunicipalityFactory(
        country=russia, name_ru="Волгоград", name_en="Volgograd", population=1_000_000, latitude=48.7, longitude=44.5
    )
    partner = MunicipalityFactory(
        country=germany,
        region=None,
        name_ru="Кёльн",
        name_en="Cologne",
        population=1_000_000,
        latitude=50.9,
        longitude=6.9,
    )
    friend = MunicipalityFactory(
        country=germany, region=None, name_ru="Бонн", name_en="Bonn", population=300_000, latitude=50.7, longitude=7.1
    )
    others = [
        MunicipalityFactory(country=russia, population=1_000_000 + i, latitude=55.0, longitude=37.0 + i)
        for i in range(3)
    ]
    TwinLink.objects.create(municipality_a=home, municipality_b=partner, source="hekman")
    TwinLink.objects.create(municipality_a=partner, municipality_b=friend, source="hekman")
    return home, partner, friend, others


def test_suggestions_come_with_scores_and_reasons(client, network):
    home, partner, friend, _others = network
    response = client.get(URL.format(home.pk), {"limit": 10})
    assert response.status_code == 200
    body = response.json()
    ids = [item["id"] for item in body]
    assert home.pk not in ids and partner.pk not in ids
    assert friend.pk in ids
    first = body[0]
    assert set(first) >= {"id", "name", "country", "lat", "lon", "score", "reasons"}
    bonn = next(item for item in body if item["id"] == friend.pk)
    assert "partners_of_partners" in [r["code"] for r in bonn["reasons"]]
    assert bonn["score"] == pytest.approx(sum(r["contribution"] for r in bonn["reasons"]), abs=1e-3)


def test_the_index_is_built_once_and_reused(client, network, django_assert_num_queries):
    home = network[0]
    client.get(URL.format(home.pk))
    # Later requests: the municipality (404 check) and the four aggregates that tell whether data changed
    # (municipalities, links, interests, published practices).
    with django_assert_num_queries(5):
        client.get(URL.format(home.pk), {"country": "DE"})


def test_a_new_link_is_seen_by_the_next_request(client, network):
    home, _partner, friend, _others = network
    assert friend.pk in [item["id"] for item in client.get(URL.format(home.pk)).json()]
    TwinLink.objects.create(municipality_a=home, municipality_b=friend, source="agreement")
    assert friend.pk not in [item["id"] for item in client.get(URL.format(home.pk)).json()]


def test_filters_and_unknown_municipality(client, network):
    home = network[0]
    assert {item["country"] for item in client.get(URL.format(home.pk), {"country": "ru"}).json()} == {"RU"}
    missing = client.get(URL.format(10**8))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert client.get(URL.format(home.pk), {"limit": 0}).status_code == 422


def test_the_command_prints_the_same_suggestions_as_json(client, network):
    home = network[0]
    out = io.StringIO()
    call_command("suggest_partners", "Волгоград", "--country", "RU", "--limit", "3", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed[0]) >= {"name", "country", "lat", "lon", "score", "reasons"}
    api = client.get(URL.format(home.pk), {"limit": 3}).json()
    assert [p["id"] for p in printed] == [a["id"] for a in api]
    assert [p["score"] for p in printed] == [a["score"] for a in api]
    out = io.StringIO()
    call_command("suggest_partners", "volgograd", "--country", "Russia", "--limit", "3", stdout=out)
    assert out.getvalue().count("\n") == 3
    with pytest.raises(CommandError):
        call_command("suggest_partners", "Нигдеград", "--country", "RU")
