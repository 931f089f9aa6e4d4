"""The events app's Django admin: every changelist, add page and change page opens for a superuser (models that
are entered only through the site have no add page: 403); the changelists' query counts do not grow with the rows;
what the services guard is read-only; an item's status moves through the service, with its rules."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.events.models import Event, EventStatus, ResolutionItem, ResolutionItemStatus

from .events_factories import EventFactory, RegistrationFactory
from .library_factories import library_topics, make_document  # noqa: F401  (library_topics: an autouse fixture)
from .resolution_factories import make_resolution

pytestmark = pytest.mark.django_db

EVENTS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "events"]


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _rows(count: int = 1) -> dict:
    """A few rows of every registered model."""
    objects: dict = {}
    for _n in range(count):
        event = EventFactory()
        registration = RegistrationFactory(event=event)
        document = make_document(publish=True)
        resolution = make_resolution(event=event)
        objects = {
            Event: event,
            type(registration): registration,
            type(document): document,
            type(resolution): resolution,
        }
    return objects


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_events_app_registers_its_models():
    names = {model._meta.model_name for model in EVENTS_MODELS}
    assert {"event", "registration", "librarydocument", "resolution"} <= names


@pytest.mark.parametrize("model", EVENTS_MODELS, ids=lambda m: m._meta.model_name)
def test_every_page_opens_for_a_superuser(admin_client, superuser, model):
    objects = _rows()
    model_admin = admin.site._registry[model]
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "ТОС"}).status_code == 200
    request = type("Request", (), {"user": superuser})()
    expected = 200 if model_admin.has_add_permission(request) else 403
    assert admin_client.get(_url(model, "add")).status_code == expected
    assert admin_client.get(_url(model, "change", objects[model].pk)).status_code == 200


@pytest.mark.parametrize("model", EVENTS_MODELS, ids=lambda m: m._meta.model_name)
def test_a_changelist_runs_the_same_queries_for_more_rows(admin_client, model):
    _rows()
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(_url(model, "changelist")).status_code == 200
    _rows(3)
    with CaptureQueriesContext(connection) as more:
        assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert len(more) == len(few)


def test_a_published_events_time_and_place_are_read_only(admin_client):
    published = EventFactory()
    draft = EventFactory(status=EventStatus.DRAFT, published_at=None)
    form = admin_client.get(_url(Event, "change", published.pk)).context["adminform"].form
    assert "starts_at" not in form.fields and "venue" not in form.fields and "title" in form.fields
    form = admin_client.get(_url(Event, "change", draft.pk)).context["adminform"].form
    assert "starts_at" in form.fields and "status" not in form.fields


def _item_post(resolution, item, status: str, comment: str = "") -> dict:
    """The resolution's change form as the admin posts it, with `item`'s status (and comment) changed."""
    items = list(resolution.items.order_by("pk"))
    data = {
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
    }
    for i, row in enumerate(items):
        data[f"items-{i}-id"] = str(row.pk)
        data[f"items-{i}-resolution"] = str(resolution.pk)
        data[f"items-{i}-status"] = status if row.pk == item.pk else row.status
        data[f"items-{i}-comment"] = comment if row.pk == item.pk else ""
    return data


def test_an_items_status_moves_through_the_service(admin_client):
    resolution = make_resolution()
    item = resolution.items.order_by("pk").first()
    url = _url(type(resolution), "change", resolution.pk)
    page = admin_client.get(url)
    assert page.status_code == 200
    prefix = page.context["inline_admin_formsets"][1].formset.prefix
    assert prefix == "items"
    # «Not accepted» without a comment is refused beside the row; nothing changes.
    response = admin_client.post(url, _item_post(resolution, item, ResolutionItemStatus.NOT_ACCEPTED))
    assert response.status_code == 200
    assert ResolutionItem.objects.get(pk=item.pk).status == ResolutionItemStatus.NOT_STARTED
    # With a comment it is made, with the comment and the audit row.
    response = admin_client.post(
        url, _item_post(resolution, item, ResolutionItemStatus.NOT_ACCEPTED, "Правительство отказалось.")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.NOT_ACCEPTED and item.status_changed_at is not None
    assert item.comments.get().text == "Правительство отказалось."
    assert [entry.to_status for entry in audit_history(obj=item)][-1] == ResolutionItemStatus.NOT_ACCEPTED
    # The other items kept theirs.
    assert set(resolution.items.exclude(pk=item.pk).values_list("status", flat=True)) == {
        ResolutionItemStatus.NOT_STARTED
    }


def test_a_document_corrected_in_the_admin_is_found_by_its_new_title(admin_client, django_capture_on_commit_callbacks):
    from localbridge.events.selectors.library import library_search

    from .test_resolution_views import correction_data

    document = make_document(title="Памятка председателю", publish=True)
    url = _url(type(document), "change", document.pk)
    form = correction_data(admin_client.get(url).content.decode(), title="Модельное положение о ТОС")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302
    assert [hit.document.pk for hit in library_search(user=None, q="положение").items] == [document.pk]
    assert library_search(user=None, q="памятка").items == []
