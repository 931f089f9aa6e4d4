import pytest


@pytest.mark.django_db
def test_home_page_renders_in_russian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="ru"' in response.content.decode()


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    assert client.get("/healthz").json()["status"] == "ok"
