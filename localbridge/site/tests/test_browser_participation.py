"""A resident's participation from the code on paper to the published results of a vote, in headless Chromium,
each person in their own browser, with an axe check on the main pages.

The municipality's staff generate residence codes on the codes page (a printable sheet); a resident reads a code
from it and confirms their residence; the resident and a neighbour support a proposal whose threshold is two, and
it goes to the administration; the resident fills a knapsack ballot, watching the remaining budget of ballot.js
change as projects are ticked, and votes; the staff close the vote and publish the results; the resident reads
the results with the funded projects and the explanation of each.

Elements are found by ids, names, data attributes and form actions rather than by visible text, so that the test
keeps passing when the Russian translations arrive. Run by `./dev test` (pytest -m browser, with
DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.participation.models import (
    BallotType,
    OutcomeRule,
    ProposalStatus,
    Residency,
    ResidencyMethod,
    ResidencyStatus,
    Vote,
    VoteStatus,
)
from localbridge.participation.services import votes as vote_services
from localbridge.participation.tests.factories import MunicipalStaffFactory, ProposalFactory, ResidentFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = "1000000"
# (title, cost): the resident ticks the first two (400,000 left), then the third (over by 150,000), then unticks it.
PROJECTS = (
    ("Детская площадка во дворе", "600000"),
    ("Скамейки на аллее", "300000"),
    ("Велопарковка у школы", "250000"),
)


def log_in(page, base: str, email: str) -> None:
    browser_log_in(page, base, email, TEST_PASSWORD)


def digits(page, selector: str) -> str:
    """The digits of an element's text (the number format differs between locales: 400 000,00 or 400,000.00)."""
    return re.sub(r"\D", "", page.locator(selector).first.inner_text())


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def move(page, base: str, vote: Vote, action: str) -> None:
    """A vote's move by its button on the staff's page."""
    page.goto(base + reverse("participation:vote_manage", args=[vote.pk]))
    click_and_wait(page, f'form[action="{reverse("participation:vote_move", args=[vote.pk, action])}"] button')


def test_a_resident_confirms_residence_supports_a_proposal_votes_and_reads_the_results(live_server, new_page):
    base = live_server.url
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")
    city = MunicipalityFactory(
        region=amur, country=amur.country, name_ru="Благовещенск", name_en="Blagoveshchensk", timezone="Asia/Yakutsk"
    )
    staff_user = MunicipalStaffFactory(municipality=city, full_name="Анна Специалистова")
    resident = UserFactory(full_name="Ольга Жителева", birth_year=1990)
    neighbour = ResidentFactory(residence=city, full_name="Игорь Соседов")
    proposal = ProposalFactory(
        municipality=city, title="Освещение дорожки к школе", support_threshold=2, answer_days=30
    )
    now = timezone.now()
    vote = vote_services.vote_create(
        municipality=city,
        actor=staff_user,
        title="Народный бюджет — 2026",
        budget=BUDGET,
        projects=[{"title": title, "cost": cost} for title, cost in PROJECTS],
        ballot_type=BallotType.KNAPSACK,
        rule=OutcomeRule.GREEDY,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
    )
    vote_services.vote_move(vote=vote, actor=staff_user, action="open")
    projects = list(vote.projects.order_by("position"))
    # The neighbour has voted for the benches: with the resident's ballot the benches come first, then the
    # playground; nobody chose the bicycle stands.
    vote_services.ballot_cast(vote=vote, actor=neighbour, choices={projects[1].pk: 1}, request_key="neighbour")

    # 1. The staff generate a batch of codes: the printable sheet shows them, once.
    staff = new_page()
    log_in(staff, base, staff_user.email)
    staff.goto(base + reverse("participation:codes_generate", args=[city.pk]))
    assert_accessible(staff)
    staff.fill("#id_batch", "ул. Ленина, 1–15")
    staff.fill("#id_count", "3")
    staff.check("#id_output_0")  # the sheet to print
    click_and_wait(staff, "main form button[type=submit]")
    codes = [c.strip() for c in staff.locator(".codes .code").all_inner_texts()]
    assert len(codes) == 3 and all(re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", c) for c in codes), codes
    assert_accessible(staff)

    # 2. The resident types a code from the sheet: the residence is confirmed at once.
    person = new_page()
    log_in(person, base, resident.email)
    person.goto(base + reverse("participation:residence_claim", args=[city.pk]))
    person.fill("#id_code-code", codes[1].lower().replace("-", " "))  # as typed from paper
    click_and_wait(person, f'form[action="{reverse("participation:residence_code", args=[city.pk])}"] button')
    residency = Residency.objects.get(user=resident, municipality=city)
    assert (residency.status, residency.method) == (ResidencyStatus.CONFIRMED, ResidencyMethod.CODE)

    # 3. The resident and the neighbour support the proposal; the second support reaches the threshold of two.
    support = f'form[action="{reverse("participation:proposal_support", args=[proposal.pk])}"] button'
    person.goto(base + reverse("participation:proposal_detail", args=[proposal.pk]))
    assert_accessible(person)
    click_and_wait(person, support)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.supports_count) == (ProposalStatus.COLLECTING, 1)
    assert person.locator("progress").get_attribute("value") == "1"
    neighbour_page = new_page()
    log_in(neighbour_page, base, neighbour.email)
    neighbour_page.goto(base + reverse("participation:proposal_detail", args=[proposal.pk]))
    click_and_wait(neighbour_page, support)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.supports_count) == (ProposalStatus.UNDER_REVIEW, 2)
    assert proposal.answer_due is not None
    assert neighbour_page.locator("main .badge.status-under_review").count() == 1
    assert neighbour_page.locator(support).count() == 0  # no longer collecting

    # 4. The knapsack ballot: the remaining budget follows the ticks (ballot.js), over the budget is flagged.
    person.goto(base + reverse("participation:vote_ballot", args=[vote.pk]))
    status = "[data-ballot-status]"
    assert digits(person, status) == "100000000"  # 1,000,000.00 left
    person.check(f"input[data-ballot-choice][value='{projects[0].pk}']")
    assert digits(person, status) == "40000000"
    person.check(f"input[data-ballot-choice][value='{projects[1].pk}']")
    assert digits(person, status) == "10000000"
    person.check(f"input[data-ballot-choice][value='{projects[2].pk}']")
    assert digits(person, status) == "15000000" and "over" in person.locator(status).get_attribute("class")
    assert_accessible(person)
    person.uncheck(f"input[data-ballot-choice][value='{projects[2].pk}']")
    assert digits(person, status) == "10000000" and "over" not in (person.locator(status).get_attribute("class") or "")
    click_and_wait(person, "form:has([data-ballot]) button[type=submit]")
    vote.refresh_from_db()
    assert vote.ballots.count() == 2
    ballot = vote.ballots.get(voter=resident)
    assert sorted(ballot.choices.values_list("project_id", flat=True)) == sorted([projects[0].pk, projects[1].pk])
    assert ballot.receipt in person.locator("body").inner_text()

    # 5. The staff close the vote and publish the results. The live server runs on the real clock and a vote
    # closes only after its closing time, so the test moves that time into the past.
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    move(staff, base, vote, "close")
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED
    move(staff, base, vote, "publish")
    vote.refresh_from_db()
    assert vote.status == VoteStatus.PUBLISHED

    # 6. The resident reads the results: the funded projects within the budget, and why each was or was not.
    person.goto(base + reverse("participation:vote_results", args=[vote.pk]))
    funded = [t.strip() for t in person.locator("tbody tr.funded th").all_inner_texts()]
    assert funded == [PROJECTS[1][0], PROJECTS[0][0]]
    assert sum(Decimal(cost) for title, cost in PROJECTS if title in funded) <= Decimal(BUDGET)
    rows = person.locator("tbody tr")
    assert rows.count() == len(PROJECTS)
    explanations = [t.strip() for t in person.locator("tbody tr td:last-child").all_inner_texts()]
    assert all(explanations) and len(set(explanations)) == len(PROJECTS), explanations
    assert_accessible(person)
