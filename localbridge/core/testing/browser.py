"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, with an axe accessibility check.

Playwright's own browser download does not work on these machines; the system browser is used instead."""

import os
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: ./dev test installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="ru-RU")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []  # type: ignore[attr-defined]

    def on_console(message: object) -> None:
        if "Content Security Policy" in message.text:  # type: ignore[attr-defined]
            page.csp_violations.append(message.text)  # type: ignore[attr-defined]

    page.on("console", on_console)
    yield page
    context.close()


def assert_accessible(page: object, *, allow: tuple[str, ...] = ()) -> None:
    """Run axe on the current page; fail with the violations (rule id, impact, first target) if any, and if the
    page broke a rule of the Content-Security-Policy (an inline script or style, a foreign host)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v["id"] not in allow]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target'] if v['nodes'] else ''}"
            for v in violations
        ]
        raise AssertionError("Accessibility violations:\n" + "\n".join(lines))
    csp_violations = getattr(page, "csp_violations", [])
    assert csp_violations == [], csp_violations


@pytest.fixture
def new_page(browser: object) -> Iterator[object]:
    """A factory of pages in browser contexts of their own (a person in their own browser), each watched for
    breaches of the Content-Security-Policy: the test fails if any page broke it."""
    contexts: list[object] = []
    breaches: list[str] = []

    def make() -> object:
        context = browser.new_context(locale="ru-RU")  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: breaches.append(m.text) if "Content Security Policy" in m.text else None)
        return page

    yield make
    for context in contexts:
        context.close()  # type: ignore[attr-defined]
    assert breaches == [], breaches


def log_in(page: object, base: str, email: str, password: str) -> None:
    """Sign in through the log-in form and wait for the page it leads to."""
    from django.urls import reverse

    page.goto(base + reverse("account_login"))  # type: ignore[attr-defined]
    page.fill("#id_login", email)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.click("form.form-login button[type=submit]")  # type: ignore[attr-defined]
