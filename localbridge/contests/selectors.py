"""Reads of the contests module. Who may see what is decided here in SQL, never by a loop over rows, with the same
rules as rules.py:

- a contest in a public status (announced and later, PUBLIC_CONTEST_STATUSES) is seen by everyone; a draft by
  the active chair and staff of its organiser and by platform staff;
- results are public once the contest is finished; organisers may preview the computed ranking while it is in
  "ranking" (the views decide that with `contests.manage_contest`; the API shows nothing before publication);
- an application is read by its organisation's members, its assigned experts and the organisers
  (`contests.view_application`, checked by the caller on the one object).

Lists choose their select_related / prefetch_related here, so that pages and exports run a constant number of
queries however many rows they show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from localbridge.organizations.models import Membership, Organization
from localbridge.territories.models import Region

from .models import (
    PUBLIC_CONTEST_STATUSES,
    ZERO,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    BudgetLine,
    Contest,
    ContestStatus,
    Criterion,
    Result,
    Score,
)
from .rules import ACTING_ROLES, signed_in

# What a list row of contests shows, fetched with the contest in one query.
CONTEST_LIST_RELATED = ("organizer", "region", "country")
# What a list row of applications shows.
APPLICATION_LIST_RELATED = ("organization", "nomination")
CENT = Decimal("0.01")


def _is_platform_staff(user: Any) -> bool:
    return signed_in(user) and bool(user.is_staff or user.is_superuser)


def _organized_by(user: Any) -> Any:
    """The organisations `user` acts for (chair or staff), as a subquery of organisation ids."""
    return Membership.objects.filter(user=user, is_active=True, role__in=ACTING_ROLES).values("organization_id")


# --- contests -------------------------------------------------------------------------------------------------


def contest_visible_to(user: Any) -> QuerySet[Contest]:
    """Every contest `user` may see (anonymous users pass None or an AnonymousUser). Lazy: the organiser check is
    a subquery of the same SQL."""
    contests = Contest.objects.all()
    public = Q(status__in=PUBLIC_CONTEST_STATUSES)
    if not signed_in(user):
        return contests.filter(public)
    if _is_platform_staff(user):
        return contests
    return contests.filter(public | Q(organizer_id__in=_organized_by(user)))


def _local_today(time_zone: str, now: datetime) -> date:
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def _zone(contest: Contest) -> ZoneInfo:
    try:
        return ZoneInfo(contest.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def contest_deadline(contest: Contest) -> datetime | None:
    """The end of the closing day in the contest's time zone (the same rule as services.contest_deadline)."""
    if contest.applications_close is None:
        return None
    return datetime.combine(contest.applications_close, time(23, 59, 59), tzinfo=_zone(contest))


def contest_accepting(contest: Contest, now: datetime | None = None) -> bool:
    if contest.status != ContestStatus.ANNOUNCED or contest.applications_close is None:
        return False
    today = (now or timezone.now()).astimezone(_zone(contest)).date()
    opens = contest.applications_open
    return (opens is None or opens <= today) and today <= contest.applications_close


def accepting_filter(*, now: datetime | None = None) -> Q:
    """Contests accepting applications at `now`: announced, with today (in each contest's own time zone) between
    the opening day and the closing day, both inclusive (applications close at the end of the closing day). One
    query finds the time zones in use; the filter itself is SQL."""
    now = now or timezone.now()
    zones = (
        Contest.objects.filter(status=ContestStatus.ANNOUNCED).order_by().values_list("time_zone", flat=True).distinct()
    )
    condition = Q(pk__in=[])
    for zone in zones:
        today = _local_today(zone, now)
        condition |= (
            Q(time_zone=zone)
            & (Q(applications_open__isnull=True) | Q(applications_open__lte=today))
            & Q(applications_close__gte=today)
        )
    return Q(status=ContestStatus.ANNOUNCED) & condition


def contest_list(
    *,
    user: Any = None,
    status: str | None = None,
    region: str | None = None,
    organizer: int | None = None,
    accepting: bool = False,
    q: str | None = None,
    now: datetime | None = None,
) -> QuerySet[Contest]:
    """Contests `user` may see, announced and later (a draft only when `status="draft"` is asked for and the user
    may see it), the latest closing first. Filters: `status` (a ContestStatus value), `region` (ISO 3166-2 code),
    `organizer` (organisation id), `accepting` (accepting applications now), `q` (words of the title)."""
    contests = contest_visible_to(user)
    contests = contests.filter(status=status) if status else contests.filter(status__in=PUBLIC_CONTEST_STATUSES)
    if region:
        contests = contests.filter(region__code=region.strip().upper())
    if organizer:
        contests = contests.filter(organizer_id=organizer)
    if accepting:
        contests = contests.filter(accepting_filter(now=now))
    if q and q.strip():
        contests = contests.filter(title__icontains=q.strip())
    return contests.select_related(*CONTEST_LIST_RELATED).order_by(F("applications_close").desc(nulls_last=True), "-pk")


def contest_get(*, pk: int, user: Any) -> Contest:
    """One contest with everything its page shows (organiser, territory, nominations, criteria, documents:
    six queries), or Http404 when `user` may not see it."""
    contest = (
        contest_visible_to(user)
        .select_related("organizer", "region", "country")
        .prefetch_related("nominations", "criteria", "required_documents", "municipalities", "countries")
        .filter(pk=pk)
        .first()
    )
    if contest is None:
        raise Http404
    return contest


def application_counts(contest: Contest) -> dict[str, int]:
    """How many applications the contest has in each status (one query); every status is a key."""
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    rows = Application.objects.filter(contest=contest).order_by().values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


# --- results --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsSummary:
    pool: Decimal
    awarded: Decimal
    funded: int
    ranked: int
    currency: str

    @property
    def remaining(self) -> Decimal:
        return (self.pool - self.awarded).quantize(CENT)


def contest_results(contest: Contest) -> QuerySet[Result]:
    """The contest's ranking in the order the ranking wrote it (Result.position: nomination groups, each by
    rank), each row with its application, applicant and nomination (one query). Whether the caller may see it is the
    caller's check (published results, or an organiser's preview)."""
    return (
        Result.objects.filter(contest=contest)
        .select_related("application", "application__organization", "nomination")
        .defer("application__problem", "application__goals", "application__expected_results")
        .order_by("position", "rank", "pk")
    )


def results_summary(contest: Contest) -> ResultsSummary:
    """The pool, the total awarded and the number of funded and ranked applications (one query)."""
    totals = Result.objects.filter(contest=contest).aggregate(
        awarded=Sum("amount"), funded=Count("pk", filter=Q(funded=True)), ranked=Count("pk")
    )
    return ResultsSummary(
        pool=contest.prize_pool.quantize(CENT),
        awarded=(totals["awarded"] or ZERO).quantize(CENT),
        funded=totals["funded"] or 0,
        ranked=totals["ranked"] or 0,
        currency=contest.currency,
    )


def _in_municipality(municipality_id: int, prefix: str = "") -> Q:
    """Applications (through `prefix`) carried out in the municipality: their own place, or where none is given,
    the applicant organisation's municipality."""
    return Q(**{f"{prefix}municipality_id": municipality_id}) | Q(
        **{f"{prefix}municipality__isnull": True, f"{prefix}organization__municipality_id": municipality_id}
    )


def finished_contests_in(municipality_id: int) -> QuerySet[Contest]:
    """Contests with published results that ranked applications carried out in the municipality, the latest
    results first, each annotated with `ranked` and `funded` (how many of those applications were ranked, and
    funded). One query. Published results are public, so no user is needed."""
    here = _in_municipality(municipality_id, "results__application__")
    return (
        Contest.objects.filter(status=ContestStatus.FINISHED)
        .annotate(ranked=Count("results", filter=here), funded=Count("results", filter=here & Q(results__funded=True)))
        .filter(ranked__gt=0)
        .order_by(F("results_published_at").desc(nulls_last=True), "-pk")
    )


def municipality_results(*, contest_id: int, municipality_id: int) -> QuerySet[Result]:
    """The published results of a finished contest for applications carried out in the municipality: the funded
    first, then the others, each group in the order of the published list; with the application, the applicant
    and the contest (one query). Empty when the contest is not finished."""
    return (
        Result.objects.filter(contest_id=contest_id, contest__status=ContestStatus.FINISHED)
        .filter(_in_municipality(municipality_id, "application__"))
        .select_related("application", "application__organization", "contest")
        .order_by("-funded", "position", "rank", "pk")
    )


def criterion_means(result: Result, criteria: list[Criterion]) -> list[Decimal | None]:
    """A result's mean score per criterion, in the order of `criteria` (None where not scored). Result.criteria
    keys are criterion ids (as strings in JSON)."""
    values = result.criteria or {}
    means: list[Decimal | None] = []
    for criterion in criteria:
        raw = values.get(str(criterion.pk), values.get(criterion.pk))  # type: ignore[call-overload]
        means.append(None if raw is None else Decimal(str(raw)).quantize(CENT, rounding=ROUND_HALF_UP))
    return means


# --- applications -----------------------------------------------------------------------------------------


def applications_for_organizer(
    contest: Contest, *, status: str | None = None, nomination: int | None = None, include_drafts: bool = False
) -> QuerySet[Application]:
    """The contest's applications for its organisers (the caller checks `contests.view_all_applications`): by
    number, with applicant and nomination (one query). Drafts are the applicants' own business and are left out
    unless asked for."""
    applications = Application.objects.filter(contest=contest)
    if status:
        applications = applications.filter(status=status)
    elif not include_drafts:
        applications = applications.exclude(status=ApplicationStatus.DRAFT)
    if nomination:
        applications = applications.filter(nomination_id=nomination)
    return applications.select_related(*APPLICATION_LIST_RELATED).order_by("number", "submitted_at", "pk")


def application_totals(applications: QuerySet[Application]) -> dict[str, Any]:
    """The count and the sums of project cost and grant requested over `applications` (one query)."""
    totals = applications.order_by().aggregate(
        count=Count("pk"), total_cost=Sum("total_cost"), grant_requested=Sum("grant_requested")
    )
    total_cost = (totals["total_cost"] or ZERO).quantize(CENT)
    grant = (totals["grant_requested"] or ZERO).quantize(CENT)
    return {
        "count": totals["count"] or 0,
        "total_cost": total_cost,
        "grant_requested": grant,
        "cofinancing": (total_cost - grant).quantize(CENT),
    }


def my_applications(user: Any) -> QuerySet[Application]:
    """The applications of the organisations where `user` has an active role (chair, staff or member), in any
    status, the last changed first, each with its contest, applicant and nomination (one query)."""
    if not signed_in(user):
        return Application.objects.none()
    member_of = Membership.objects.filter(user=user, is_active=True).values("organization_id")
    return (
        Application.objects.filter(organization_id__in=member_of)
        .select_related("contest", "organization", "nomination")
        .order_by("-updated_at", "-pk")
    )


def application_get(*, contest_pk: int, pk: int) -> Application:
    """One application of the contest with everything its page shows (contest and its organiser, applicant,
    nomination, municipality, budget lines, activities, attachments with their requirement), or Http404. The
    caller checks `contests.view_application`."""
    application = (
        Application.objects.select_related(
            "contest", "contest__organizer", "organization", "nomination", "municipality", "submitted_by"
        )
        .prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "pk")),
            "activities",
            Prefetch("attachments", queryset=ApplicationAttachment.objects.select_related("requirement")),
        )
        .filter(contest_id=contest_pk, pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def budget_totals(lines: list[BudgetLine]) -> dict[str, Decimal]:
    """The budget's totals: the whole and each source of money (from lines already loaded)."""
    totals = dict.fromkeys(("total", *BudgetLine.SOURCES), ZERO)
    for line in lines:
        for name in totals:
            totals[name] += getattr(line, name) or ZERO
    return {name: value.quantize(CENT) for name, value in totals.items()}


def scores_for_export(contest: Contest) -> QuerySet[Score]:
    """Every score of the contest with its application, applicant, expert and criterion, in application, expert
    and criterion order (one query). For the organisers only (`contests.view_all_scores`)."""
    return (
        Score.objects.filter(assignment__application__contest=contest)
        .select_related(
            "assignment__application",
            "assignment__application__organization",
            "assignment__expert__user",
            "criterion",
        )
        .order_by(
            "assignment__application__number",
            "assignment__application_id",
            "assignment__expert_id",
            "criterion__position",
            "criterion_id",
        )
    )


def contest_regions() -> QuerySet[Region]:
    """Regions of public contests, for the list's filter (one query)."""
    public = Contest.objects.filter(status__in=PUBLIC_CONTEST_STATUSES, region__isnull=False).values("region_id")
    return Region.objects.filter(pk__in=public).order_by("name_ru")


def contest_organizers() -> QuerySet[Organization]:
    """Organisations that announced a public contest, for the list's filter (one query)."""
    public = Contest.objects.filter(status__in=PUBLIC_CONTEST_STATUSES).values("organizer_id")
    return Organization.objects.filter(pk__in=public).order_by("name")
