import pytest


@pytest.mark.django_db
def test_home_page_renders_in_russian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="ru"' in response.content.decode()


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db
def test_russian_is_the_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ru"' in response.content.decode()
    assert response["Content-Language"] == "ru"


@pytest.mark.django_db
def test_the_language_switch_selects_english_and_remembers_it(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()
    assert 'lang="ru"' in client.post("/i18n/setlang/", {"language": "ru", "next": "/"}, follow=True).content.decode()


@pytest.mark.django_db
def test_the_api_answers_in_english_with_lang_parameter(client):
    assert client.get("/api/v1/territories/regions/?lang=en")["Content-Language"] == "en"
