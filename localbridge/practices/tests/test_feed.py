"""The Atom feed of newly published practices: well-formed Atom, published practices only and the newest first,
?topic= and ?region= filters, and nonsense filters that still give a valid feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from localbridge.practices.models import Topic
from localbridge.practices.tests.factories import PracticeFactory, PublishedPracticeFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

FEED_URL = reverse("practices:feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, params=None):
    response = client.get(FEED_URL, params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314  (our own response)
    assert root.tag == f"{ATOM}feed"
    return root


def entry_titles(root):
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


def test_the_feed_is_valid_atom_with_published_practices_newest_first(client):
    old = PublishedPracticeFactory(title="Старая", summary="Про <двор> & сквер.")
    old.published_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    old.save(update_fields=["published_at"])
    PublishedPracticeFactory(title="Новая")
    PracticeFactory(title="Черновик")
    root = feed(client)
    assert root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}id")
    assert root.findtext(f"{ATOM}updated")
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    assert entry_titles(root) == ["Новая", "Старая"]
    entry = root.findall(f"{ATOM}entry")[1]
    link = entry.find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("practices:detail", args=[old.pk]))
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}published").startswith("2024-01-01")
    assert "<двор>" in entry.findtext(f"{ATOM}summary") or "&lt;двор&gt;" in entry.findtext(f"{ATOM}summary")
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Благоустройство"]


def test_the_feed_filters_by_topic_and_region(client):
    tomsk = MunicipalityFactory(region=RegionFactory(code="RU-TOM", name_ru="Томская область"))
    PublishedPracticeFactory(title="Спорт в Томске", municipality=tomsk, topics=[Topic.objects.get(code="sport")])
    PublishedPracticeFactory(title="Спорт в Амуре", topics=[Topic.objects.get(code="sport")])
    PublishedPracticeFactory(title="Клумбы в Томске", municipality=tomsk)
    assert sorted(entry_titles(feed(client, {"topic": "sport"}))) == ["Спорт в Амуре", "Спорт в Томске"]
    assert sorted(entry_titles(feed(client, {"region": "RU-TOM"}))) == ["Клумбы в Томске", "Спорт в Томске"]
    assert entry_titles(feed(client, {"topic": "sport", "region": "ru-tom"})) == ["Спорт в Томске"]
    self_link = feed(client, {"topic": "sport"}).find(f"{ATOM}link[@rel='self']").get("href")
    assert "topic=sport" in self_link


@pytest.mark.parametrize("params", [{"topic": "<script>"}, {"region": "'; DROP"}, {"topic": "x" * 500}, {"page": "-1"}])
def test_nonsense_filters_still_give_a_valid_feed(client, params):
    PublishedPracticeFactory(title="Видимая")
    titles = entry_titles(feed(client, params))
    assert titles in (["Видимая"], [])


def test_an_empty_bank_gives_a_valid_empty_feed(client):
    assert entry_titles(feed(client)) == []


def test_the_list_page_links_to_the_feed(client):
    body = client.get(reverse("practices:list")).content.decode()
    assert 'type="application/atom+xml"' in body and FEED_URL in body
