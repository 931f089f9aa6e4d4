"""The practice bank in the JSON API, mounted at /api/v1/practices/.

Reading needs no account (anonymous callers see published practices; a session or a personal token shows what
`practice_visible_to` allows that user); writing needs a session or a token. The search endpoint returns the same
results as the web page (both call forms.practice_browse). Errors have the project's one shape (api/api.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from localbridge.api_auth import api_auth, read_auth
from localbridge.api_auth import caller as _caller
from localbridge.organizations.models import Organization
from localbridge.territories.models import Country, Municipality, Region

from . import selectors, services
from .forms import FACETS, PracticeQuery, practice_browse
from .models import Practice

router = Router(tags=["practices"])


# --- schemas ------------------------------------------------------------------------------------------------


class CodeRef(Schema):
    code: str
    name: str


class MunicipalityRef(Schema):
    id: int
    name: str


class OrganizationRef(Schema):
    id: int
    name: str
    kind: str
    role: str
    url: str


class PracticeListItem(Schema):
    id: int
    title: str
    summary: str
    snippet: str = Field(description="HTML: an excerpt with the matched words in <mark> (empty without a query)")
    url: str
    language: str
    year: int | None
    country: CodeRef | None
    region: CodeRef | None
    municipality: MunicipalityRef | None
    topics: list[CodeRef]
    organizations: list[OrganizationRef]
    is_recommended: bool
    published_at: datetime | None
    adoption_count: int
    is_generated: bool


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class PracticeSearchOut(Schema):
    items: list[PracticeListItem]
    count: int
    count_exact: bool = Field(description="false when there are more results than `count` (the search stops counting)")
    facets: dict[str, list[FacetValueOut]]
    facets_exact: bool = Field(True, description="false when the facets were counted over the first matches only")
    messages: list[str]


class PracticeFilters(Schema):
    q: str | None = Field(None, description='Words to search for (all must match); "quoted phrases"')
    topic: str | None = Field(None, description="topic code, e.g. landscaping")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, e.g. RU")
    region: str | None = Field(None, description="ISO 3166-2 code, e.g. RU-AMU")
    municipality: int | None = Field(None, description="municipality id")
    organization_kind: str | None = Field(None, description="kind of an author organisation, e.g. tos")
    year: int | None = None
    language: str | None = Field(None, description="ISO 639-1 code of the practice's language")
    recommended: bool | None = Field(None, description="true: recommended practices only")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class FigureOut(Schema):
    kind: str
    kind_display: str
    label: str
    value: Decimal
    value_before: Decimal | None
    unit: str
    currency: str
    source: str


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    caption: str
    content_type: str
    size: int
    url: str


class AdoptionOut(Schema):
    id: int
    organization: OrganizationRef
    adopted_on: date
    municipality: MunicipalityRef | None
    adaptation: str
    result: str


class PracticeDetail(PracticeListItem):
    status: str
    status_display: str
    problem: str
    actions: str
    results: str
    resources: str
    partners: str
    started_on: date | None
    ended_on: date | None
    start_year: int | None
    end_year: int | None
    tags: list[str]
    figures: list[FigureOut]
    attachments: list[AttachmentOut]
    adoptions: list[AdoptionOut]
    recommendation_note: str
    moderation_comment: str


class FigureIn(Schema):
    kind: str
    label: str = ""
    value: Decimal
    value_before: Decimal | None = None
    unit: str = ""
    currency: str = ""
    source: str = ""


class _PracticeFields(Schema):
    summary: str | None = None
    problem: str | None = None
    actions: str | None = None
    results: str | None = None
    resources: str | None = None
    partners: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    start_year: int | None = None
    end_year: int | None = None
    language: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    region: str | None = Field(None, description="ISO 3166-2 code")
    municipality: int | None = Field(None, description="municipality id")
    organizations: list[int] | None = Field(None, description="ids of author organisations you belong to")
    partner_organizations: list[int] | None = Field(None, description="ids of partner organisations")
    topics: list[str] | None = Field(None, description="topic codes")
    tags: list[str] | None = None
    figures: list[FigureIn] | None = None


class PracticeIn(_PracticeFields):
    title: str


class PracticePatch(_PracticeFields):
    title: str | None = None


class MoveIn(Schema):
    comment: str = Field("", description="remarks (return), the reason (reject, unpublish), optional otherwise")
    note: str = Field("", description="the justification (recommend, unrecommend)")


class AdoptionIn(Schema):
    organization: int = Field(description="id of your organisation that adopted the practice")
    adopted_on: date
    municipality: int | None = Field(None, description="where, when not the organisation's own municipality")
    adaptation: str = ""
    result: str = ""


# --- output ---------------------------------------------------------------------------------------------------


def _code_ref(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _municipality_ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _organization_ref(organization: Organization, role: str) -> dict[str, Any]:
    return {
        "id": organization.pk,
        "name": organization.display_name,
        "kind": organization.kind,
        "role": role,
        "url": reverse("organizations:detail", args=[organization.pk]),
    }


def _list_item(practice: Practice) -> dict[str, Any]:
    return {
        "id": practice.pk,
        "title": practice.title,
        "summary": practice.summary,
        "snippet": str(getattr(practice, "snippet", "") or ""),
        "url": reverse("practices:detail", args=[practice.pk]),
        "language": practice.language,
        "year": practice.year,
        "country": _code_ref(practice.country),
        "region": _code_ref(practice.region),
        "municipality": _municipality_ref(practice.municipality),
        "topics": [{"code": topic.code, "name": topic.name} for topic in practice.topics.all()],
        "organizations": [
            _organization_ref(link.organization, link.role) for link in practice.organization_links.all()
        ],
        "is_recommended": practice.is_recommended,
        "published_at": practice.published_at,
        "adoption_count": getattr(practice, "adoption_count", 0),
        "is_generated": practice.is_generated,
    }


def _detail(request: HttpRequest, practice: Practice) -> dict[str, Any]:
    user = _caller(request)
    adoptions = list(selectors.adoptions_for_practice(practice=practice))
    practice.adoption_count = len(adoptions)  # type: ignore[attr-defined]
    insider = user.has_perm("practices.submit_practice", practice) or user.has_perm("practices.moderation_queue")
    return {
        **_list_item(practice),
        "status": practice.status,
        "status_display": str(practice.get_status_display()),
        **{
            name: getattr(practice, name)
            for name in (
                "problem",
                "actions",
                "results",
                "resources",
                "partners",
                "started_on",
                "ended_on",
                "start_year",
                "end_year",
                "recommendation_note",
            )
        },
        "moderation_comment": practice.moderation_comment if insider else "",
        "tags": [tag.name for tag in practice.tags.all()],
        "figures": [
            {
                "kind": f.kind,
                "kind_display": str(f.get_kind_display()),
                "label": f.label,
                "value": f.value,
                "value_before": f.value_before,
                "unit": f.unit,
                "currency": f.currency,
                "source": f.source,
            }
            for f in practice.figures.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "name": a.original_name,
                "caption": a.caption,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(reverse("practices:file", args=[practice.pk, a.pk])),
            }
            for a in practice.attachments.all()
        ],
        "adoptions": [
            {
                "id": a.pk,
                "organization": _organization_ref(a.organization, "adopter"),
                "adopted_on": a.adopted_on,
                "municipality": _municipality_ref(a.municipality),
                "adaptation": a.adaptation,
                "result": a.result,
            }
            for a in adoptions
        ],
    }


def _reload(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(request, selectors.practice_get(pk=pk, user=_caller(request)))


# --- input --------------------------------------------------------------------------------------------------


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _service_fields(payload: _PracticeFields) -> dict[str, Any]:
    """The payload's given fields as service keyword arguments, references resolved to objects."""
    data = payload.dict(exclude_unset=True)
    errors: dict[str, list[ValidationError]] = {}

    def fail(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if "country" in data:
        code = (data["country"] or "").strip().upper()
        data["country"] = Country.objects.filter(code=code).first() if code else None
        if code and data["country"] is None:
            fail("country", _("Unknown country code."), "unknown_country")
    if "region" in data:
        code = (data["region"] or "").strip().upper()
        data["region"] = Region.objects.filter(code=code).first() if code else None
        if code and data["region"] is None:
            fail("region", _("Unknown region code."), "unknown_region")
    if "municipality" in data:
        pk = data["municipality"]
        data["municipality"] = Municipality.objects.filter(pk=pk).first() if pk else None
        if pk and data["municipality"] is None:
            fail("municipality", _("Unknown municipality."), "unknown_municipality")
    for name in ("organizations", "partner_organizations"):
        if name in data:
            ids = list(dict.fromkeys(data[name] or []))
            found = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
            if len(found) != len(ids):
                fail(name, _("No such organisation in the registry."), "organization_not_found")
            data[name] = [found[pk] for pk in ids if pk in found]
    if "figures" in data:
        data["figures"] = [dict(figure) for figure in data["figures"] or []]
    for name in ("topics", "tags"):
        if name in data and data[name] is None:
            data[name] = []
    for name in ("summary", "problem", "actions", "results", "resources", "partners", "language"):
        if name in data and data[name] is None:
            data[name] = ""
    if errors:
        raise ValidationError(errors)
    return data


# --- endpoints ----------------------------------------------------------------------------------------------

SEARCH_DESCRIPTION = f"""Search and browse published practices.

With `q`, the practices whose text matches every word (in any word form: «благоустройство дворов» finds
«благоустроили двор») in relevance order, each with a `snippet` (HTML with the matched words in `<mark>`); without
`q`, the latest published first. The filters narrow the results: `topic`, `country`, `region`, `municipality`,
`organization_kind`, `year`, `language`, `recommended`. A query with nothing searchable in it (only punctuation or
operators) is not an error: it is ignored and `messages` says so.

The response is `{{"items": [...], "count": N, "count_exact": true, "facets": {{...}}, "messages": [...]}}`;
`count_exact` is false when there are more than `count` results (the search stops counting at 500).

**`facets`** holds the counts of the matching practices by each filter, over the results as a whole (not one
page; over the first 500 matches when there are more, and then `facets_exact` is false), so that a client
can offer the next filters with
their numbers: one key per filter ({", ".join(FACETS)}), each a list of `{{"value", "label", "count"}}`, where
`value` is what to pass as that filter's parameter (for `recommended`: "1"), the most frequent first (years: the
latest first)."""


@router.get(
    "/",
    response=PracticeSearchOut,
    auth=read_auth,
    summary="Search practices (with facet counts)",
    description=SEARCH_DESCRIPTION,
)
def practice_search(request: HttpRequest, filters: Query[PracticeFilters]) -> dict[str, Any]:
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    data["q"] = (data.get("q") or "").strip()
    for name in ("country", "region"):
        if data.get(name):
            data[name] = data[name].strip().upper()
    if not data.get("recommended"):
        data["recommended"] = None
    result = practice_browse(PracticeQuery(**data), user=_caller(request), limit=limit, offset=offset)
    return {
        "items": [_list_item(practice) for practice in result.items],
        "count": result.count,
        "count_exact": result.count_exact,
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in result.facets.get(name, [])]
            for name in FACETS
        },
        "facets_exact": result.facets_exact,
        "messages": result.messages,
    }


@router.get("/{int:practice_id}", response=PracticeDetail, auth=read_auth, summary="One practice")
def practice_detail(request: HttpRequest, practice_id: int) -> dict[str, Any]:
    return _reload(request, practice_id)


@router.post("/", response={201: PracticeDetail}, auth=api_auth, summary="Write a practice (a draft)")
def practice_create(request: HttpRequest, payload: PracticeIn) -> Status:
    fields = _service_fields(payload)
    title = fields.pop("title")
    practice = services.practice_create(actor=request.user, title=title, **fields)
    return Status(201, _reload(request, practice.pk))


@router.patch("/{int:practice_id}", response=PracticeDetail, auth=api_auth, summary="Edit a draft")
def practice_update(request: HttpRequest, practice_id: int, payload: PracticePatch) -> dict[str, Any]:
    practice = selectors.practice_get(pk=practice_id, user=request.user)
    fields = _service_fields(payload)
    if "title" in fields and fields["title"] is None:
        raise _error("title", _("Give the practice a title."), "required")
    services.practice_update(practice=practice, actor=request.user, **fields)
    return _reload(request, practice_id)


@router.post(
    "/{int:practice_id}/adoptions",
    response={201: AdoptionOut},
    auth=api_auth,
    summary="We adopted this: record that an organisation replicated the practice",
)
def adoption_create(request: HttpRequest, practice_id: int, payload: AdoptionIn) -> Status:
    practice = selectors.practice_get(pk=practice_id, user=request.user)
    organization = Organization.objects.filter(pk=payload.organization).first()
    if organization is None:
        raise _error("organization", _("No such organisation in the registry."), "organization_not_found")
    municipality = None
    if payload.municipality is not None:
        municipality = Municipality.objects.filter(pk=payload.municipality).first()
        if municipality is None:
            raise _error("municipality", _("Unknown municipality."), "unknown_municipality")
    adoption = services.adoption_record(
        practice=practice,
        organization=organization,
        actor=request.user,
        adopted_on=payload.adopted_on,
        municipality=municipality,
        adaptation=payload.adaptation,
        result=payload.result,
    )
    return Status(
        201,
        {
            "id": adoption.pk,
            "organization": _organization_ref(organization, "adopter"),
            "adopted_on": adoption.adopted_on,
            "municipality": _municipality_ref(adoption.municipality),
            "adaptation": adoption.adaptation,
            "result": adoption.result,
        },
    )


MoveName = Literal[
    "submit", "withdraw", "resubmit", "publish", "return", "reject", "unpublish", "restore", "recommend", "unrecommend"
]


@router.post(
    "/{int:practice_id}/{action}",
    response=PracticeDetail,
    auth=api_auth,
    summary="Move a practice through moderation, or (un)recommend it",
    description="`submit`, `withdraw`, `resubmit` (its editors); `publish`, `return` (with `comment`), `reject` (with "
    "`comment`), `unpublish` (with `comment`), `restore`, `recommend` (with `note`), `unrecommend` (with `note`) "
    "(moderators).",
)
def practice_move(
    request: HttpRequest, practice_id: int, action: MoveName, payload: MoveIn | None = None
) -> dict[str, Any]:
    practice = selectors.practice_get(pk=practice_id, user=request.user)
    payload = payload or MoveIn(comment="", note="")
    if action == "recommend":
        services.practice_recommend(practice=practice, actor=request.user, note=payload.note or payload.comment)
    elif action == "unrecommend":
        services.practice_unrecommend(practice=practice, actor=request.user, note=payload.note or payload.comment)
    else:
        services.practice_move(practice=practice, actor=request.user, action=action, comment=payload.comment)
    return _reload(request, practice_id)
