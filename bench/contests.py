"""Contests at national scale: one contest with 10,000 generated applications (submitted and admitted, written
with bulk_create on top of `seed_registry`'s generated organisations) and 300 accepted experts, some with declared
conflicts of interest. Measured: the automatic assignment of experts (`services.assignments_auto` once, as a build
fact; the pure `assignment.assign` on the same input as a scenario), the ranking (`services.results_compute` once
after a score for every criterion of every assignment, as a build fact, then repeated as a scenario), and the
pages that read the outcome: the public results page, the results API and the organiser's list of applications."""

import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from bench.base import Built, Scenario

NAME = "contests"
TITLE = "Contests: expert assignment, ranking and results"
DEFAULT_SCALE = 10_000
SCALE_UNIT = "applications"
EXPERTS = 300
CONFLICTS_PER_EXPERT = 3
NOTES = """\
- The build writes the applicants (`seed_registry`: one organisation per five applications, at most 2,000), the
  applications (status admitted, numbered, with a grant requested and a cost), 300 experts (accepted) and three
  declared conflicts each with bulk_create; then it runs `services.assignments_auto` on the whole contest (three
  experts per application: 30,000 assignments at full scale) and records its time; then it bulk-creates a score
  for every criterion (ten, the Presidential Grants Fund template) of every assignment, marks them completed and
  runs `services.results_compute` (the ranking with the awards), recording its time.
- "assign()" measures the pure assignment (contests/assignment.py) on the same applications, experts and
  conflicts, without the database: the part of assignments_auto that is calculation.
- "results_compute" repeats the ranking: it reads every completed evaluation with its scores, aggregates,
  ranks, awards and replaces the Result rows. The contest is finished for the pages; each repetition moves it to
  the ranking stage with one UPDATE, computes, and moves it back (two single-row UPDATEs, negligible).
- The results page and the API are read anonymously; the organiser's list of applications as the organiser's
  staff user (its first page). The results page shows a hundred lines a page and the API a hundred by default
  (`limit`, at most 1,000): the first measurement rendered all 10,000 lines, 3.9 s (page) and 1.2 s (API) on
  SQLite; Result.position (the line's place, indexed) lets both read a slice instead of sorting the contest.
- The ranking (about 3 s for 10,000 applications, 300,000 scores) runs once when the organiser closes the
  evaluation, and again on "recompute": reading the scores and writing 10,000 Result rows dominate (SQLite writes
  them in batches of 83 rows, hence its query count). Within the request, but a rare action of one organiser;
  a background task is the next step if contests grow further.
- Warm-up: 3 requests (`--warmup 3`), as a repeated ranking takes seconds."""


def _experts_for(scale: int) -> int:
    return max(6, min(EXPERTS, scale // 33))


def build(*, scale: int, seed: int) -> Built:
    from localbridge.accounts.models import User
    from localbridge.contests import services
    from localbridge.contests.models import (
        Application,
        ApplicationStatus,
        Assignment,
        Conflict,
        Contest,
        ContestScope,
        ContestStatus,
        Criterion,
        Expert,
        ExpertStatus,
        Result,
        Score,
    )
    from localbridge.organizations.models import MembershipRole, Organization, OrganizationKind
    from localbridge.organizations.services import membership_grant, organization_create
    from localbridge.territories.models import Region

    rng = random.Random(seed)
    now = timezone.now()
    organizations = max(50, min(2000, scale // 5))
    started = time.perf_counter()
    call_command("seed_registry", organizations=organizations, seed=seed, verbosity=0)
    registry_s = time.perf_counter() - started

    region = Region.objects.filter(country__code="RU").order_by("pk").first()
    organiser_org = organization_create(
        actor=None,
        kind=OrganizationKind.REGIONAL_AUTHORITY,
        name="Организатор конкурса бенчмарка (сгенерировано)",
        region=region,
        is_generated=True,
    )
    organiser = User.objects.create_user(
        "bench-organiser@example.org", None, full_name="Организатор бенчмарка (сгенерировано)"
    )
    membership_grant(actor=None, organization=organiser_org, user=organiser, role=MembershipRole.STAFF)
    contest = services.contest_create(
        actor=organiser,
        organizer=organiser_org,
        title="Конкурс бенчмарка (сгенерировано)",
        rules="Сгенерированный конкурс для измерения производительности.",
        scope=ContestScope.INTERNATIONAL,
        applications_open=(now - timedelta(days=60)).date(),
        applications_close=(now - timedelta(days=40)).date(),
        prize_pool=Decimal("500000000"),
        max_grant=Decimal("300000"),
        experts_per_application=3,
        min_pass_score=Decimal("40"),
    )
    services.contest_apply_template(contest=contest, actor=organiser, template="pgf10")
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.EVALUATION)
    contest.refresh_from_db()

    started = time.perf_counter()
    applicant_ids = list(
        Organization.objects.filter(is_generated=True, kind__in=[OrganizationKind.TOS, OrganizationKind.NGO])
        .order_by("pk")
        .values_list("pk", flat=True)
    ) or list(Organization.objects.filter(is_generated=True).values_list("pk", flat=True))
    submitted = now - timedelta(days=50)
    applications = []
    for index in range(scale):
        cost = Decimal(rng.randrange(100_000, 600_000, 1000))
        grant = min(cost * Decimal("0.8"), Decimal("300000")).quantize(Decimal("0.01"))
        title = f"Проект № {index + 1} (сгенерировано)"
        applications.append(
            Application(
                contest=contest,
                organization_id=applicant_ids[index % len(applicant_ids)],
                status=ApplicationStatus.ADMITTED,
                number=f"{contest.pk}-{index + 1:05d}",
                title=title,
                title_key=title.casefold(),
                problem="Сгенерированная заявка.",
                beneficiaries=rng.randint(50, 5000),
                submitted_at=submitted + timedelta(seconds=index * 60),
                total_cost=cost,
                grant_requested=grant,
                created_at=submitted,
                updated_at=submitted,
            )
        )
    Application.objects.bulk_create(applications, batch_size=2000)
    expert_count = _experts_for(scale)
    User.objects.bulk_create(
        [
            User(email=f"bench-expert{n}@example.org", full_name=f"Эксперт {n} (сгенерировано)", password="!")
            for n in range(expert_count)
        ]
    )
    users = list(User.objects.filter(email__startswith="bench-expert").order_by("pk"))
    Expert.objects.bulk_create(
        [Expert(contest=contest, user=user, status=ExpertStatus.ACCEPTED, responded_at=now) for user in users]
    )
    experts = list(Expert.objects.filter(contest=contest).order_by("pk"))
    Conflict.objects.bulk_create(
        [
            Conflict(expert=expert, organization_id=organization_id, comment="Сгенерированный конфликт.")
            for expert in experts
            for organization_id in rng.sample(applicant_ids, min(CONFLICTS_PER_EXPERT, len(applicant_ids)))
        ],
        ignore_conflicts=True,
    )
    data_s = time.perf_counter() - started

    started = time.perf_counter()
    assignments = services.assignments_auto(contest=contest, actor=organiser, now=now)
    assign_s = time.perf_counter() - started

    started = time.perf_counter()
    criteria = list(Criterion.objects.filter(contest=contest).values_list("pk", flat=True))
    Assignment.objects.filter(application__contest=contest).update(completed_at=now)
    batch: list[Any] = []
    for assignment_id in Assignment.objects.filter(application__contest=contest).values_list("pk", flat=True):
        batch += [
            Score(assignment_id=assignment_id, criterion_id=c, value=Decimal(rng.randint(3, 10)), updated_at=now)
            for c in criteria
        ]
        if len(batch) >= 10_000:
            Score.objects.bulk_create(batch)
            batch = []
    Score.objects.bulk_create(batch)
    scores_s = time.perf_counter() - started

    started = time.perf_counter()
    services.results_compute(contest=contest, actor=organiser, now=now)
    ranking_s = time.perf_counter() - started
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.FINISHED, results_published_at=now)
    return Built(
        facts={
            "applications": Application.objects.filter(contest=contest).count(),
            "experts": len(experts),
            "conflicts": Conflict.objects.filter(expert__contest=contest).count(),
            "criteria": len(criteria),
            "assignments": assignments,
            "scores": Score.objects.filter(assignment__application__contest=contest).count(),
            "results": Result.objects.filter(contest=contest).count(),
            "funded": Result.objects.filter(contest=contest, funded=True).count(),
            "generated_organisations": organizations,
            "seed_registry_s": round(registry_s, 1),
            "applications_experts_written_s": round(data_s, 1),
            "assignments_auto_s": round(assign_s, 2),
            "scores_written_s": round(scores_s, 1),
            "results_compute_s": round(ranking_s, 2),
        },
        context=_context(contest.pk, organiser.pk),
    )


def _context(contest_id: int, organiser_id: int) -> dict[str, Any]:
    return {"contest": contest_id, "organiser": organiser_id}


def reuse(*, scale: int, seed: int, facts: dict[str, Any]) -> Built:
    """The data a previous build made (`--reuse`): the benchmark's contest and organiser."""
    from localbridge.accounts.models import User
    from localbridge.contests.models import Contest

    contest = Contest.objects.filter(title="Конкурс бенчмарка (сгенерировано)").first()
    organiser = User.objects.filter(email="bench-organiser@example.org").first()
    if contest is None or organiser is None or contest.applications.count() != scale:
        raise SystemExit(f"--reuse: the database does not hold the benchmark's contest of {scale} applications")
    return Built(facts=dict(facts), context=_context(contest.pk, organiser.pk))


def _assign_input(contest_id: int) -> tuple[list[tuple[int, int]], list[tuple[int, frozenset[int]]], int]:
    from localbridge.contests.models import ADMITTED_STATUSES, Application, Contest, Expert, ExpertStatus
    from localbridge.contests.selectors_evaluation import expert_blocked_organizations

    contest = Contest.objects.get(pk=contest_id)
    applications = list(
        Application.objects.filter(contest=contest, status__in=ADMITTED_STATUSES)
        .order_by("submitted_at", "number", "pk")
        .values_list("pk", "organization_id")
    )
    experts = list(Expert.objects.filter(contest=contest, status=ExpertStatus.ACCEPTED).order_by("pk"))
    blocked = expert_blocked_organizations(experts)
    return applications, [(e.pk, blocked[e.pk]) for e in experts], contest.experts_per_application


def _rank(contest_id: int, organiser: Any) -> None:
    from localbridge.contests import services
    from localbridge.contests.models import Contest, ContestStatus

    Contest.objects.filter(pk=contest_id).update(status=ContestStatus.RANKING)
    contest = Contest.objects.get(pk=contest_id)
    services.results_compute(contest=contest, actor=organiser)
    Contest.objects.filter(pk=contest_id).update(status=ContestStatus.FINISHED)


def scenarios(built: Built) -> list[Scenario]:
    from localbridge.accounts.models import User
    from localbridge.contests.assignment import assign

    contest_id = built.context["contest"]
    organiser = User.objects.get(pk=built.context["organiser"])
    applications, experts, per_application = _assign_input(contest_id)
    return [
        Scenario(
            "assign",
            f"assign(): {len(applications)} applications × {per_application} of {len(experts)} experts (pure)",
            lambda i: "contests.assignment.assign(applications, experts, experts_per_application)",
            call=lambda i: assign(applications, experts, per_application, {}),
        ),
        Scenario(
            "results_compute",
            "results_compute: the ranking and awards of the whole contest",
            lambda i: "contests.services.results_compute(contest)",
            call=lambda i: _rank(contest_id, organiser),
        ),
        Scenario("results_page", "Results page (public)", lambda i: f"/contests/{contest_id}/results/"),
        Scenario("results_api", "Results API (public)", lambda i: f"/api/v1/contests/{contest_id}/results"),
        Scenario(
            "organizer_applications",
            "Organiser's list of applications (first page)",
            lambda i: f"/contests/{contest_id}/applications/",
            user=organiser,
        ),
    ]
