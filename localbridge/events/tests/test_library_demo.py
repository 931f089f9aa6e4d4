"""The library's demo documents (demo_library.py): the model documents the founding resolutions ask for, marked
as demonstration, published, searchable, the model charter in two dated versions; loading twice adds nothing."""

from datetime import date

import pytest

from localbridge.events.demo_library import DEMO_DOCUMENTS, load_library_demo
from localbridge.events.models import LibraryDocument, LibraryDocumentKind, LibraryDocumentStatus
from localbridge.events.selectors.library import library_search
from localbridge.events.tests.library_factories import library_topics  # noqa: F401  (an autouse fixture)
from localbridge.territories.tests.factories import CountryFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_the_demo_library_is_loaded_once_marked_and_searchable():
    CountryFactory()
    RegionFactory(code="RU-AMU")
    RegionFactory(code="RU-SMO", name_ru="Смоленская область", name_en="Smolensk")
    first = load_library_demo()
    assert (first.created, first.found) == (len(DEMO_DOCUMENTS), 0)
    again = load_library_demo()
    assert (again.created, again.found) == (0, len(DEMO_DOCUMENTS))
    assert again.line() == f"Demo library: 0 documents created, {len(DEMO_DOCUMENTS)} already there."

    documents = list(LibraryDocument.objects.all())
    assert {d.kind for d in documents} == {
        LibraryDocumentKind.MODEL_CHARTER,
        LibraryDocumentKind.MODEL_REGULATION,
        LibraryDocumentKind.MODEL_PROGRAMME,
        LibraryDocumentKind.GUIDE,
    }
    for document in documents:
        assert document.status == LibraryDocumentStatus.PUBLISHED
        assert document.is_generated and "(демо)" in document.title
        assert "(демо)" in document.current_version.text

    charter = LibraryDocument.objects.get(kind=LibraryDocumentKind.MODEL_CHARTER)
    assert [(v.number, v.published_on) for v in charter.versions.order_by("number")] == [
        (1, date(2019, 3, 15)),
        (2, date(2021, 6, 1)),
    ]
    assert "инициативные проекты" in charter.current_version.text
    regulation = LibraryDocument.objects.get(kind=LibraryDocumentKind.MODEL_REGULATION)
    assert regulation.region.code == "RU-AMU"

    found = library_search(user=None, q="модельного положения о самоуправлении")
    assert [hit.document for hit in found.items][0] == regulation
    assert library_search(user=None, q="типовые программы").items[0].document.kind == "model_programme"
