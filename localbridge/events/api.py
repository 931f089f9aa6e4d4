"""Events in the JSON API (/api/v1/events/): events, my registrations, iCalendar feeds, library documents and
resolutions with their items."""

from ninja import Router

router = Router(tags=["events"])


# ---------------------------------------------------------------------------------------------------------------
# The knowledge library: GET /library/ (search and filters) and GET /library/{id} (with its versions). Anonymous
# callers see published documents; a session or a token shows what selectors.library.library_visible_to allows.
# ---------------------------------------------------------------------------------------------------------------

from datetime import date, datetime  # noqa: E402
from typing import Any  # noqa: E402

from django.http import Http404, HttpRequest  # noqa: E402
from django.urls import reverse  # noqa: E402
from ninja import Field, Query, Schema  # noqa: E402

from localbridge.api_auth import caller, read_auth  # noqa: E402

from .models import DocumentVersion, LibraryDocument  # noqa: E402
from .selectors import library as library_selectors  # noqa: E402


class LibraryCodeRef(Schema):
    code: str
    name: str


class LibraryMunicipalityRef(Schema):
    id: int
    name: str


class LibraryVersionOut(Schema):
    number: int
    published_on: date = Field(description="The version's date")
    changes: str = Field(description="What changed from the previous version")
    file_name: str = Field(description="Empty when the version is a text without a file")
    content_type: str
    size: int
    text_source: str = Field(description="extracted (from the file), entered (typed in) or none")
    download_url: str = Field(description="The file, or the text as a .txt file when there is no file")
    created_at: datetime


class LibraryDocumentItem(Schema):
    id: int
    title: str
    kind: str = Field(description="model_charter, model_regulation, model_programme, guide, law, report, study")
    kind_display: str
    status: str = Field(description="draft, published or withdrawn")
    language: str = Field(description="ISO 639-1 code of the document's language")
    summary: str
    snippet: str = Field(description="HTML: an excerpt with the matched words in <mark> (the summary without q)")
    author: str
    published_on: date | None
    country: LibraryCodeRef | None
    region: LibraryCodeRef | None
    municipality: LibraryMunicipalityRef | None
    topics: list[LibraryCodeRef]
    current_version: LibraryVersionOut | None
    url: str
    is_generated: bool


class LibraryDocumentDetail(LibraryDocumentItem):
    text: str = Field(description="The current version's text (extracted from its file or typed in)")
    versions: list[LibraryVersionOut] = Field(description="Every version, the newest first; old ones stay")


class LibrarySearchOut(Schema):
    items: list[LibraryDocumentItem]
    count: int
    messages: list[str]


class LibraryFilters(Schema):
    q: str | None = Field(None, description='Words to search for, in any word form (all must match); "phrases"')
    kind: str | None = None
    language: str | None = Field(None, description="ISO 639-1 code")
    topic: str | None = Field(None, description="topic code of the practice bank's taxonomy, e.g. landscaping")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    region: str | None = Field(None, description="ISO 3166-2 code, e.g. RU-AMU")
    municipality: int | None = Field(None, description="municipality id")
    status: str | None = Field(None, description="draft, published or withdrawn (what the caller may see)")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


def _library_version(request: HttpRequest, document: LibraryDocument, version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "published_on": version.published_on,
        "changes": version.changes,
        "file_name": version.original_name,
        "content_type": version.content_type or "text/plain; charset=utf-8",
        "size": version.size,
        "text_source": version.text_source,
        "download_url": request.build_absolute_uri(
            reverse("events:library_download", args=[document.pk, version.number])
        ),
        "created_at": version.created_at,
    }


def _library_item(request: HttpRequest, document: LibraryDocument, snippet: str) -> dict[str, Any]:
    def code_ref(place: Any) -> dict[str, str] | None:
        return {"code": place.code, "name": place.name} if place is not None else None

    return {
        "id": document.pk,
        "title": document.title,
        "kind": document.kind,
        "kind_display": document.get_kind_display(),
        "status": document.status,
        "language": document.language,
        "summary": document.summary,
        "snippet": str(snippet),
        "author": document.author,
        "published_on": document.published_on,
        "country": code_ref(document.country),
        "region": code_ref(document.region),
        "municipality": {"id": document.municipality.pk, "name": document.municipality.name}
        if document.municipality is not None
        else None,
        "topics": [{"code": topic.code, "name": topic.name} for topic in document.topics.all()],
        "current_version": _library_version(request, document, document.current_version)
        if document.current_version is not None
        else None,
        "url": request.build_absolute_uri(reverse("events:library_document", args=[document.pk])),
        "is_generated": document.is_generated,
    }


@router.get(
    "/library/",
    response=LibrarySearchOut,
    auth=read_auth,
    summary="Search and browse the knowledge library",
    description="With `q`, the documents whose title, summary, current text, topics or territory match every "
    "word in any word form («уставы ТОС» finds «устав территориального общественного самоуправления»), best "
    "first, each with a `snippet`; without `q`, the newest first. Filters: `kind`, `language`, `topic`, "
    "`country`, `region`, `municipality`, `status`. A query with nothing searchable in it is ignored and "
    "`messages` says so.",
)
def library_list(request: HttpRequest, filters: Query[LibraryFilters]) -> dict[str, Any]:
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    values = {name: value for name, value in data.items() if value is not None}
    items, count, messages = library_selectors.library_search_window(
        user=caller(request), limit=limit, offset=offset, **values
    )
    return {
        "items": [_library_item(request, hit.document, hit.snippet) for hit in items],
        "count": count,
        "messages": messages,
    }


@router.get(
    "/library/{int:document_id}",
    response=LibraryDocumentDetail,
    auth=read_auth,
    summary="One library document with its versions",
)
def library_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    try:
        document = library_selectors.library_document_get(id=document_id, user=caller(request))
    except LibraryDocument.DoesNotExist:
        raise Http404 from None
    data = _library_item(request, document, document.summary)
    data["text"] = document.current_version.text if document.current_version is not None else ""
    data["versions"] = [
        _library_version(request, document, version) for version in document.versions.order_by("-number").defer("text")
    ]
    return data


# ---------------------------------------------------------------------------------------------------------------
# Events: GET / (the calendar's filters), GET /{id}, GET /registrations/mine, POST and DELETE /{id}/registration.
# The iCalendar feed of the same filters is a page, not an endpoint: /events/feed.ics?region=RU-AMU&kind=seminar
# (see EventPage.feed_url). Anonymous callers see published and cancelled events; organisers also their drafts.
# ---------------------------------------------------------------------------------------------------------------

from urllib.parse import urlencode as _urlencode  # noqa: E402

from django import urls as _urls  # noqa: E402

from localbridge import api_auth as _auth  # noqa: E402

from .models import Event as _Event  # noqa: E402
from .models import Registration as _Registration  # noqa: E402
from .models import RegistrationStatus as _RegistrationStatus  # noqa: E402
from .selectors import events as event_selectors  # noqa: E402
from .services import events as event_services  # noqa: E402


class EventRef(Schema):
    id: int
    name: str


class EventCodeRef(Schema):
    code: str
    name: str


class EventOrganizationOut(Schema):
    id: int
    name: str
    role: str = Field(description="organizer or partner")


class EventMaterialOut(Schema):
    id: int
    kind: str = Field(description="presentation, recording or document")
    title: str
    language: str = Field(description="ISO 639-1 code")
    url: str = Field(description="The link, or the file's download address")
    file_name: str = Field(description="Empty for a link")
    size: int


class EventSessionOut(Schema):
    id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime | None
    room: str
    speakers: str
    speaker_names: list[str] = Field(description="Speakers who are the platform's users")
    materials: list[EventMaterialOut]


class EventSeatsOut(Schema):
    capacity: int | None = Field(description="None: not limited")
    taken: int
    left: int | None
    waiting: int = Field(description="People on the waiting list")


class EventItem(Schema):
    id: int
    title: str
    kind: str = Field(
        description="seminar, training, round_table, conference, forum, congress, festival, exchange_visit"
    )
    kind_display: str
    format: str = Field(description="in_person, online or hybrid")
    status: str = Field(description="draft, published or cancelled")
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="IANA name: the times are shown in this zone on the event's page")
    venue: str
    address: str
    latitude: float | None
    longitude: float | None
    region: EventCodeRef | None
    municipality: EventRef | None
    organizations: list[EventOrganizationOut]
    topics: list[EventCodeRef]
    capacity: int | None
    seats_left: int | None = Field(description='None when seats are not limited (and in "My registrations")')
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None = Field(description="None: until the event ends")
    source_slug: str | None = Field(description="The founding resolution's file stem, for the five founding events")
    url: str
    ics_url: str


class EventRegistrationOut(Schema):
    id: int
    event_id: int
    status: str = Field(description="registered, waitlisted or cancelled")
    waitlist_position: int | None = Field(description="1 is next for a freed seat")
    attended: bool
    created_at: datetime
    promoted_at: datetime | None
    cancelled_at: datetime | None


class EventDetailOut(EventItem):
    description: str = Field(description="Markdown")
    audience: str
    online_url: str = Field(description="Given to registered people and the organisers only")
    seats: EventSeatsOut
    sessions: list[EventSessionOut]
    materials: list[EventMaterialOut] = Field(description="Materials of the whole event (sessions have their own)")
    my_registration: EventRegistrationOut | None


class EventPage(Schema):
    items: list[EventItem]
    count: int
    feed_url: str = Field(description="The iCalendar feed of the same filters, to subscribe to")


class MyRegistrationOut(EventRegistrationOut):
    event: EventItem


class EventFilters(Schema):
    region: str | None = Field(None, description="ISO 3166-2 code, e.g. RU-AMU")
    municipality: int | None = Field(None, description="municipality id")
    kind: str | None = None
    topic: str | None = Field(None, description="topic code of the practice bank's taxonomy, e.g. international")
    online: bool | None = Field(None, description="true: online and hybrid events; false: in person only")
    when: str = Field("upcoming", description="upcoming (not over, soonest first), past (latest first) or all")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(_urls.reverse(name, args=args))


def _event_material(request: HttpRequest, event: _Event, material: Any) -> dict[str, Any]:
    return {
        "id": material.pk,
        "kind": material.kind,
        "title": material.title,
        "language": material.language,
        "url": material.url or _absolute(request, "events:material", event.pk, material.pk),
        "file_name": material.original_name,
        "size": material.size,
    }


def _event_registration(registration: _Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "event_id": registration.event_id,
        "status": registration.status,
        "waitlist_position": registration.waitlist_position,
        "attended": registration.attended,
        "created_at": registration.created_at,
        "promoted_at": registration.promoted_at,
        "cancelled_at": registration.cancelled_at,
    }


def _event_item(request: HttpRequest, event: _Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "kind_display": event.get_kind_display(),
        "format": event.format,
        "status": event.status,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "venue": event.venue,
        "address": event.address,
        "latitude": float(event.latitude) if event.latitude is not None else None,
        "longitude": float(event.longitude) if event.longitude is not None else None,
        "region": {"code": event.region.code, "name": event.region.name} if event.region is not None else None,
        "municipality": {"id": event.municipality.pk, "name": event.municipality.name}
        if event.municipality is not None
        else None,
        "organizations": [
            {"id": link.organization_id, "name": link.organization.display_name, "role": link.role}
            for link in event.organizer_links.all()
        ],
        "topics": [{"code": t.code, "name": t.name} for t in event.topics.all()],
        "capacity": event.capacity,
        "seats_left": event.seats_left,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "source_slug": event.source_slug,
        "url": _absolute(request, "events:detail", event.pk),
        "ics_url": _absolute(request, "events:ics", event.pk),
    }


@router.get(
    "/",
    response=EventPage,
    auth=_auth.read_auth,
    summary="The calendar of events",
    description="Published and cancelled events with their place, organisers, topics and seats left. Filters: "
    "`region` (ISO 3166-2), `municipality` (id), `kind`, `topic` (code), `online` (true: online and hybrid; "
    "false: in person), `when` (upcoming, the default, soonest first; past, latest first; all). `feed_url` is the "
    "iCalendar feed of the same filters to subscribe to: /events/feed.ics?region=…&kind=…&topic=…"
    "&online=online|in_person&when=upcoming|past|all (without `when`: upcoming events and those of the last "
    "90 days).",
)
def event_list(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    if data["when"] == "all":
        data["when"] = None
    events = event_selectors.event_list(**data)
    page = list(events[offset : offset + limit])
    feed_query = {k: v for k, v in filters.dict().items() if k in ("region", "kind", "topic") and v}
    if filters.online is not None:
        feed_query["online"] = "online" if filters.online else "in_person"
    feed_query["when"] = filters.when
    return {
        "items": [_event_item(request, event) for event in page],
        "count": events.count(),
        "feed_url": _absolute(request, "events:feed") + "?" + _urlencode(feed_query),
    }


@router.get(
    "/registrations/mine",
    response=list[MyRegistrationOut],
    auth=_auth.api_auth,
    summary="My registrations",
    description="The caller's registrations that hold a seat or a place on the waiting list, the latest event "
    "first (at most 500).",
)
def my_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    registrations = event_selectors.registrations_mine(user=_auth.caller(request))[:500]
    return [{**_event_registration(r), "event": _event_item(request, r.event)} for r in registrations]


@router.get("/{int:event_id}", response=EventDetailOut, auth=_auth.read_auth, summary="One event")
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    """One event with its programme (sessions, their speakers and materials), its materials, its seats and the
    caller's registration. The online link only for a registered caller and the organisers."""
    user = _auth.caller(request)
    event = event_selectors.event_get(pk=event_id, user=user)
    registration = event_selectors.registration_of(event=event, user=user)
    seats = event_selectors.event_seats(event)
    seated = registration is not None and registration.status == _RegistrationStatus.REGISTERED
    data = _event_item(request, event)
    data.update(
        description=event.description,
        audience=event.audience,
        online_url=event.online_url if seated or user.has_perm("events.change_event", event) else "",
        seats={"capacity": seats.capacity, "taken": seats.taken, "left": seats.left, "waiting": seats.waiting},
        sessions=[
            {
                "id": s.pk,
                "title": s.title,
                "description": s.description,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "speakers": s.speakers,
                "speaker_names": [u.display_name for u in s.speaker_users.all()],
                "materials": [_event_material(request, event, m) for m in s.materials.all()],
            }
            for s in event.sessions.all()
        ],
        materials=[_event_material(request, event, m) for m in event.event_materials],  # type: ignore[attr-defined]
        my_registration=_event_registration(registration) if registration is not None else None,
    )
    return data


@router.post(
    "/{int:event_id}/registration",
    response=EventRegistrationOut,
    auth=_auth.api_auth,
    summary="Register for an event",
    description="A seat while there are seats, else the next place on the waiting list (`status`: registered or "
    "waitlisted, `waitlist_position`). Registering again returns the same registration. Errors (400, with a "
    "code): not_published, event_cancelled, event_over, registration_not_open, registration_closed.",
)
def event_register(request: HttpRequest, event_id: int) -> dict[str, Any]:
    user = _auth.caller(request)
    event = event_selectors.event_get(pk=event_id, user=user)
    return _event_registration(event_services.registration_create(event=event, actor=user))


@router.delete(
    "/{int:event_id}/registration",
    response=EventRegistrationOut,
    auth=_auth.api_auth,
    summary="Cancel my registration",
    description="Cancels the caller's seat or place on the waiting list; a freed seat goes to the first person "
    "waiting. Errors (400): not_registered, event_over.",
)
def event_unregister(request: HttpRequest, event_id: int) -> dict[str, Any]:
    user = _auth.caller(request)
    event = event_selectors.event_get(pk=event_id, user=user)
    return _event_registration(event_services.registration_cancel_mine(event=event, actor=user))


# ---------------------------------------------------------------------------------------------------------------
# Resolutions: GET /resolutions/ (with each one's progress) and GET /resolutions/{id} (its items grouped by
# addressee, with their registry addressees, statuses, evidence and the progress per addressee and overall).
# Resolutions are public: every caller sees every one.
# ---------------------------------------------------------------------------------------------------------------

from datetime import date as _res_date  # noqa: E402
from datetime import datetime as _res_datetime  # noqa: E402
from typing import Any as _ResAny  # noqa: E402

from django.http import HttpRequest as _ResRequest  # noqa: E402
from django.urls import reverse as _res_reverse  # noqa: E402
from ninja import Field as _ResField  # noqa: E402
from ninja import Query as _ResQuery  # noqa: E402
from ninja import Schema as _ResSchema  # noqa: E402

from localbridge.api_auth import read_auth as _res_read_auth  # noqa: E402

from .models import ItemEvidence as _ItemEvidence  # noqa: E402
from .models import Resolution as _Resolution  # noqa: E402
from .models import ResolutionItem as _ResolutionItem  # noqa: E402
from .selectors import resolutions as resolution_selectors  # noqa: E402


class ResolutionProgressOut(_ResSchema):
    total: int
    done: int
    in_progress: int
    not_accepted: int
    not_started: int
    percent: int = _ResField(description="The share of items done, 0–100")


class ResolutionEventRef(_ResSchema):
    id: int
    title: str


class ResolutionOrganizationRef(_ResSchema):
    id: int
    name: str
    url: str


class ResolutionEvidenceOut(_ResSchema):
    kind: str = _ResField(description="practice, project, contest, document (of the library) or url")
    target_id: int | None = _ResField(description="The practice's, project's, contest's or document's id")
    title: str
    url: str = _ResField(description="Its page here, or the external link")
    created_at: _res_datetime


class ResolutionItemOut(_ResSchema):
    id: int
    number: int = _ResField(description="The item's number within its addressee's section")
    text: str
    status: str = _ResField(description="not_started, in_progress, done or not_accepted")
    status_display: str
    status_changed_at: _res_datetime | None
    due_on: _res_date | None
    addressees: list[ResolutionOrganizationRef] = _ResField(description="The registry organisations it asks")
    evidence: list[ResolutionEvidenceOut]
    comments: int = _ResField(description="How many comments it has")
    url: str


class ResolutionSectionOut(_ResSchema):
    position: int
    addressee: str | None = _ResField(description="The addressee as written; null when the resolution names none")
    progress: ResolutionProgressOut
    items: list[ResolutionItemOut]


class ResolutionSummaryOut(_ResSchema):
    id: int
    title: str
    adopted_on: _res_date | None
    place: str
    event: ResolutionEventRef | None = _ResField(description="The event that adopted it, when it is public")
    progress: ResolutionProgressOut
    url: str


class ResolutionDetailOut(ResolutionSummaryOut):
    sections: list[ResolutionSectionOut]
    source_url: str = _ResField(description="The source file, or the text as entered")


class ResolutionPageOut(_ResSchema):
    items: list[ResolutionSummaryOut]
    count: int


class ResolutionFilters(_ResSchema):
    event: int | None = _ResField(None, description="Only the resolutions of this event (id)")
    q: str | None = _ResField(None, description="Words of the title or the place", max_length=200)
    limit: int = _ResField(20, ge=1, le=100)
    offset: int = _ResField(0, ge=0)


def _resolution_event(resolution: _Resolution) -> dict[str, _ResAny] | None:
    event = resolution.event
    return {"id": event.pk, "title": event.title} if event is not None and event.is_public else None


def _resolution_evidence(request: _ResRequest, evidence: _ItemEvidence) -> dict[str, _ResAny]:
    target = evidence.target
    pages = {"practice": "practices:detail", "project": "projects:detail", "contest": "contests:detail"}
    if target is None:
        url = evidence.url
    elif evidence.kind == "document":
        url = request.build_absolute_uri(_res_reverse("events:library_document", args=[target.pk]))
    else:
        url = request.build_absolute_uri(_res_reverse(pages[evidence.kind], args=[target.pk]))
    return {
        "kind": evidence.kind,
        "target_id": target.pk if target is not None else None,
        "title": evidence.title or (getattr(target, "title", "") if target is not None else evidence.url),
        "url": url,
        "created_at": evidence.created_at,
    }


def _resolution_item(request: _ResRequest, resolution: _Resolution, item: _ResolutionItem) -> dict[str, _ResAny]:
    return {
        "id": item.pk,
        "number": item.position,
        "text": item.text,
        "status": item.status,
        "status_display": item.get_status_display(),
        "status_changed_at": item.status_changed_at,
        "due_on": item.due_on,
        "addressees": [
            {
                "id": o.pk,
                "name": o.name,
                "url": request.build_absolute_uri(_res_reverse("organizations:detail", args=[o.pk])),
            }
            for o in item.addressees.all()
        ],
        "evidence": [_resolution_evidence(request, e) for e in item.evidence.all()],
        "comments": getattr(item, "comment_count", 0),
        "url": request.build_absolute_uri(_res_reverse("events:resolution_item", args=[resolution.pk, item.pk])),
    }


def _resolution_summary(request: _ResRequest, resolution: _Resolution, progress: dict[str, int]) -> dict[str, _ResAny]:
    return {
        "id": resolution.pk,
        "title": resolution.title,
        "adopted_on": resolution.adopted_on,
        "place": resolution.place,
        "event": _resolution_event(resolution),
        "progress": progress,
        "url": request.build_absolute_uri(_res_reverse("events:resolution_detail", args=[resolution.pk])),
    }


@router.get(
    "/resolutions/",
    response=ResolutionPageOut,
    auth=_res_read_auth,
    summary="List resolutions with their progress",
    description="Resolutions, the latest adopted first, each with the count of its items by status. Filters: "
    "`event` (id), `q` (words of the title or place). One query per page.",
)
def resolution_list(request: _ResRequest, filters: _ResQuery[ResolutionFilters]) -> dict[str, _ResAny]:
    resolutions = resolution_selectors.resolution_list(event_id=filters.event, q=filters.q or "")
    page = list(resolutions[filters.offset : filters.offset + filters.limit])
    items = []
    for resolution in page:
        done, in_progress = resolution.items_done, resolution.items_in_progress  # type: ignore[attr-defined]
        total, not_accepted = resolution.items_total, resolution.items_not_accepted  # type: ignore[attr-defined]
        progress = resolution_selectors.Progress(
            total=total,
            done=done,
            in_progress=in_progress,
            not_accepted=not_accepted,
            not_started=total - done - in_progress - not_accepted,
        )
        items.append(_resolution_summary(request, resolution, progress.as_dict()))
    return {"items": items, "count": resolutions.count()}


@router.get(
    "/resolutions/{int:resolution_id}",
    response=ResolutionDetailOut,
    auth=_res_read_auth,
    summary="One resolution with its items, addressees, statuses and progress",
)
def resolution_detail(request: _ResRequest, resolution_id: int) -> dict[str, _ResAny]:
    resolution = resolution_selectors.resolution_get(pk=resolution_id)
    view = resolution_selectors.resolution_detail(resolution=resolution)
    data = _resolution_summary(request, resolution, view.progress.as_dict())
    data["sections"] = [
        {
            "position": part.section.position,
            "addressee": part.section.addressee or None,
            "progress": part.progress.as_dict(),
            "items": [_resolution_item(request, resolution, item) for item in part.items],
        }
        for part in view.sections
    ]
    data["source_url"] = request.build_absolute_uri(_res_reverse("events:resolution_source", args=[resolution.pk]))
    return data
