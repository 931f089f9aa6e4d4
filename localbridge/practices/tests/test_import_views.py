"""The bulk import page: moderators only; the report lists imported, skipped and rejected records."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.practices.models import Practice
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.django_db]


def upload(records, name="practices.json"):
    return SimpleUploadedFile(name, json.dumps(records, ensure_ascii=False).encode(), "application/json")


def good(title="Двор"):
    return {
        "title": title,
        "summary": "Кратко",
        "body": "Что сделали",
        "topics": ["landscaping"],
        "country": "RU",
        "region": "RU-AMU",
        "year": 2022,
    }


@pytest.fixture
def moderator(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def test_only_moderators_may_import(client):
    url = reverse("practices:import")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_the_report_lists_the_rejected_records_with_their_reasons(client, moderator):
    RegionFactory(code="RU-AMU")
    MunicipalityFactory()
    records = [good(), {"title": "Плохая", "country": "XX", "topics": ["nothing"]}]
    response = client.post(reverse("practices:import"), {"file": upload(records), "status": "published"})
    assert response.status_code == 200
    html = response.content.decode()
    assert Practice.objects.filter(status="published").count() == 1
    assert '<progress id="import-progress" value="1" max="2">' in html
    errors = html.split('class="compact import-errors"', 1)[1]  # the table of rejected records
    assert '<th scope="row">2</th>' in errors and "XX" in errors and "nothing" in errors  # in the page's language
    practice = Practice.objects.get()
    assert reverse("practices:detail", args=[practice.pk]) in html
    publish = [e for e in audit_history(obj=practice) if e.action == "publish"]
    assert [e.actor for e in publish] == [moderator]


def test_a_dry_run_saves_nothing(client, moderator):
    RegionFactory(code="RU-AMU")
    response = client.post(reverse("practices:import"), {"file": upload([good()]), "status": "draft", "dry_run": "on"})
    assert response.status_code == 200 and Practice.objects.count() == 0
    assert 'id="import-report"' in response.content.decode()


@pytest.mark.parametrize(("content", "name"), [(b"[]", "practices.txt"), (b"{}", "practices.json")])
def test_a_bad_file_is_refused_beside_the_field(client, moderator, content, name):
    response = client.post(reverse("practices:import"), {"file": SimpleUploadedFile(name, content), "status": "draft"})
    assert response.status_code == 400
    assert 'id="import-report"' not in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
