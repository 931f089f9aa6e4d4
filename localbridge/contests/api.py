"""Contests in the JSON API, mounted at /api/v1/contests/.

Reading contests needs no account (anonymous callers see announced and later contests; a session or a personal
token also shows the drafts of the organisations the caller acts for). Results answer 404 until they are
published (the organisers' preview is a web page only). "My applications" needs a session or a token. Money is
a string with two decimals ("1000000.00"), never a float. Lists are paginated by `limit`/`offset` and answer
`{"items": [...], "count": N}`, like the other lists of the API. Errors have the project's one shape
(api/api.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from localbridge.api_auth import api_auth, read_auth
from localbridge.api_auth import caller as _caller

from . import selectors
from .models import Application, Contest, ContestStatus

router = Router(tags=["contests"])
CENT = Decimal("0.01")
RESULTS_LIMIT = 100  # lines of the ranking per request, by default
RESULTS_MAX_LIMIT = 1000


def money(value: Decimal | None) -> str | None:
    """Money as a string with two decimals."""
    return None if value is None else str(value.quantize(CENT))


# --- schemas ------------------------------------------------------------------------------------------------

Money = str


class Ref(Schema):
    id: int
    name: str


class CodeRef(Schema):
    code: str
    name: str


class OrganizerRef(Schema):
    id: int
    name: str
    url: str


class ContestListItem(Schema):
    id: int
    title: str
    summary: str
    status: str
    status_display: str
    organizer: OrganizerRef
    scope: str
    region: CodeRef | None
    country: CodeRef | None
    currency: str
    prize_pool: Money
    max_grant: Money | None
    applications_open: date | None
    applications_close: date | None
    deadline: datetime | None = Field(description="the end of the closing day in the contest's time zone")
    accepting: bool
    url: str


class ContestPage(Schema):
    items: list[ContestListItem]
    count: int


class NominationOut(Schema):
    id: int
    name: str
    description: str
    pool: Money | None


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    scale_min: int
    scale_max: int
    weight: str


class DocumentOut(Schema):
    id: int
    name: str
    description: str


class ContestDetail(ContestListItem):
    rules: str = Field(description="Markdown")
    eligible_kinds: list[str]
    municipalities: list[Ref]
    countries: list[CodeRef]
    time_zone: str
    review_until: date | None
    evaluation_until: date | None
    results_on: date | None
    min_cofinancing_percent: str
    min_pass_score: str
    experts_per_application: int
    award_rule: str
    tie_break: str
    results_published_at: datetime | None
    nominations: list[NominationOut]
    criteria: list[CriterionOut]
    required_documents: list[DocumentOut]


class ContestFilters(Schema):
    status: ContestStatus | None = Field(None, description="a stage: announced, review, evaluation, ranking…")
    region: str | None = Field(None, description="ISO 3166-2 code, e.g. RU-AMU")
    organizer: int | None = Field(None, description="organiser organisation id")
    accepting: bool = Field(False, description="true: only contests accepting applications now")
    q: str | None = Field(None, description="words of the title")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class ResultItem(Schema):
    number: str
    title: str
    organization: str
    nomination: str | None
    score: str = Field(description="0–100, two decimals")
    rank: int
    amount: Money
    funded: bool


class ResultsOut(Schema):
    contest: int
    pool: Money
    awarded: Money
    currency: str
    count: int
    items: list[ResultItem]


class MyApplication(Schema):
    id: int
    number: str
    title: str
    status: str
    status_display: str
    contest: Ref
    organization: Ref
    nomination: str | None
    total_cost: Money
    grant_requested: Money
    submitted_at: datetime | None
    url: str


class MyApplicationPage(Schema):
    items: list[MyApplication]
    count: int


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


# --- output ---------------------------------------------------------------------------------------------------


def _code_ref(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _list_item(contest: Contest) -> dict[str, Any]:
    return {
        "id": contest.pk,
        "title": contest.title,
        "summary": contest.summary,
        "status": contest.status,
        "status_display": str(contest.get_status_display()),
        "organizer": {
            "id": contest.organizer_id,
            "name": contest.organizer.display_name,
            "url": reverse("organizations:detail", args=[contest.organizer_id]),
        },
        "scope": contest.scope,
        "region": _code_ref(contest.region),
        "country": _code_ref(contest.country),
        "currency": contest.currency,
        "prize_pool": money(contest.prize_pool),
        "max_grant": money(contest.max_grant),
        "applications_open": contest.applications_open,
        "applications_close": contest.applications_close,
        "deadline": selectors.contest_deadline(contest),
        "accepting": selectors.contest_accepting(contest),
        "url": reverse("contests:detail", args=[contest.pk]),
    }


def _detail(contest: Contest) -> dict[str, Any]:
    return {
        **_list_item(contest),
        "rules": contest.rules,
        "eligible_kinds": list(contest.eligible_kinds or []),
        "municipalities": [{"id": m.pk, "name": m.name} for m in contest.municipalities.all()],
        "countries": [{"code": c.code, "name": c.name} for c in contest.countries.all()],
        "time_zone": contest.time_zone,
        "review_until": contest.review_until,
        "evaluation_until": contest.evaluation_until,
        "results_on": contest.results_on,
        "min_cofinancing_percent": str(contest.min_cofinancing_percent.quantize(CENT)),
        "min_pass_score": str(contest.min_pass_score.quantize(CENT)),
        "experts_per_application": contest.experts_per_application,
        "award_rule": contest.award_rule,
        "tie_break": contest.tie_break,
        "results_published_at": contest.results_published_at,
        "nominations": [
            {"id": n.pk, "name": n.name, "description": n.description, "pool": money(n.pool)}
            for n in contest.nominations.all()
        ],
        "criteria": [
            {
                "id": c.pk,
                "name": c.name,
                "description": c.description,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
                "weight": str(c.weight),
            }
            for c in contest.criteria.all()
        ],
        "required_documents": [
            {"id": d.pk, "name": d.name, "description": d.description} for d in contest.required_documents.all()
        ],
    }


def _my_application(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "number": application.number,
        "title": application.title,
        "status": application.status,
        "status_display": str(application.get_status_display()),
        "contest": {"id": application.contest_id, "name": application.contest.title},
        "organization": {"id": application.organization_id, "name": application.organization.display_name},
        "nomination": application.nomination.name if application.nomination else None,
        "total_cost": money(application.total_cost),
        "grant_requested": money(application.grant_requested),
        "submitted_at": application.submitted_at,
        "url": reverse("contests:application", args=[application.contest_id, application.pk]),
    }


# --- endpoints ----------------------------------------------------------------------------------------------


@router.get("/", response=ContestPage, auth=read_auth, summary="List contests")
def contest_list(request: HttpRequest, filters: Query[ContestFilters]) -> dict[str, Any]:
    """Contests announced and later, the latest closing first. Filters: `status`, `region` (ISO 3166-2 code),
    `organizer` (organisation id), `accepting` (true: accepting applications now), `q` (words of the title)."""
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    contests = selectors.contest_list(user=_caller(request), **data)
    return {"items": [_list_item(c) for c in contests[offset : offset + limit]], "count": contests.count()}


@router.get("/my/applications", response=MyApplicationPage, auth=api_auth, summary="My organisations' applications")
def my_applications(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The applications of the organisations where the caller has an active role, the last changed first."""
    applications = selectors.my_applications(request.auth)  # type: ignore[attr-defined]
    items = applications[page.offset : page.offset + page.limit]
    return {"items": [_my_application(a) for a in items], "count": applications.count()}


@router.get("/{int:contest_id}", response=ContestDetail, auth=read_auth, summary="One contest")
def contest_detail(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    return _detail(selectors.contest_get(pk=contest_id, user=_caller(request)))


@router.get(
    "/{int:contest_id}/results",
    response=ResultsOut,
    auth=read_auth,
    summary="A contest's published results",
    description="The ranking with the amounts awarded, once the results are published; 404 before that (to "
    "everyone). `score` is out of 100. `count` is the number of ranked applications; `items` are the lines "
    f"from `offset`, at most `limit` (default {RESULTS_LIMIT}, at most {RESULTS_MAX_LIMIT}), in rank order "
    "(nomination by nomination).",
)
def contest_results(
    request: HttpRequest, contest_id: int, limit: int = RESULTS_LIMIT, offset: int = 0
) -> dict[str, Any]:
    contest = selectors.contest_get(pk=contest_id, user=_caller(request))
    if contest.status != ContestStatus.FINISHED:
        raise Http404
    summary = selectors.results_summary(contest)
    limit = max(1, min(limit, RESULTS_MAX_LIMIT))
    offset = max(0, offset)
    return {
        "contest": contest.pk,
        "count": summary.ranked,
        "pool": money(summary.pool),
        "awarded": money(summary.awarded),
        "currency": summary.currency,
        "items": [
            {
                "number": r.application.number,
                "title": r.application.title,
                "organization": r.application.organization.display_name,
                "nomination": r.nomination.name if r.nomination else None,
                "score": str(r.score.quantize(CENT)),
                "rank": r.rank,
                "amount": money(r.amount) or "0.00",
                "funded": r.funded,
            }
            for r in selectors.contest_results(contest)[offset : offset + limit]
        ],
    }
