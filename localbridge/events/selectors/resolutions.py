"""Reads of resolutions and their items: lists with their progress, a resolution grouped by addressee, what is
asked of an organisation, and the registry matches of an addressee's name. Each read runs a constant number of
queries, whatever the number of items."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from localbridge.contests.selectors import contest_visible_to
from localbridge.core.rules import is_platform_staff, signed_in
from localbridge.core.search.analysis import lemmatize
from localbridge.core.text import normalize_for_search
from localbridge.organizations.models import PUBLIC_STATUSES, Membership, MembershipRole, Organization
from localbridge.practices.selectors import practice_visible_to
from localbridge.projects.selectors import project_visible_to

from ..models import (
    Event,
    EventOrganization,
    EvidenceKind,
    ItemComment,
    ItemEvidence,
    LibraryDocument,
    LibraryDocumentStatus,
    OrganizerRole,
    Resolution,
    ResolutionItem,
    ResolutionItemStatus,
    ResolutionSection,
)

# How far back the "enter a resolution" form offers platform staff the events (older ones: `?event=<id>`).
RESOLUTION_EVENTS_WINDOW = timedelta(days=2 * 365)

# --- progress -------------------------------------------------------------------------------------------------------


@dataclass
class Progress:
    """How far a set of items has got: counts by status and the share done."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_accepted: int = 0
    not_started: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, status: str) -> None:
        self.total += 1
        if status == ResolutionItemStatus.DONE:
            self.done += 1
        elif status == ResolutionItemStatus.IN_PROGRESS:
            self.in_progress += 1
        elif status == ResolutionItemStatus.NOT_ACCEPTED:
            self.not_accepted += 1
        else:
            self.not_started += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "done": self.done,
            "in_progress": self.in_progress,
            "not_accepted": self.not_accepted,
            "not_started": self.not_started,
            "percent": self.percent,
        }


def progress_of(statuses: Iterable[str]) -> Progress:
    progress = Progress()
    for status in statuses:
        progress.add(status)
    return progress


# --- lists ----------------------------------------------------------------------------------------------------------


def resolution_list(*, event_id: int | None = None, q: str = "") -> QuerySet[Resolution]:
    """Every resolution (they are public), the newest adopted first, with its event and its items counted by status
    (one query for a page)."""
    resolutions = Resolution.objects.select_related("event").annotate(
        items_total=Count("items"),
        items_done=Count("items", filter=Q(items__status=ResolutionItemStatus.DONE)),
        items_in_progress=Count("items", filter=Q(items__status=ResolutionItemStatus.IN_PROGRESS)),
        items_not_accepted=Count("items", filter=Q(items__status=ResolutionItemStatus.NOT_ACCEPTED)),
    )
    if event_id is not None:
        resolutions = resolutions.filter(event_id=event_id)
    needle = " ".join(q.split())
    if needle:
        # A plain substring of the title or the place, folded alike on both databases (titles are short).
        ids = [
            pk
            for pk, title, place in Resolution.objects.values_list("pk", "title", "place")
            if normalize_for_search(needle) in normalize_for_search(f"{title} {place}")
        ]
        resolutions = resolutions.filter(pk__in=ids)
    return resolutions.order_by("-adopted_on", "-pk")


def _evidence_queryset() -> QuerySet[ItemEvidence]:
    return ItemEvidence.objects.select_related("practice", "project", "contest", "document").order_by(
        "created_at", "pk"
    )


def _items_queryset() -> QuerySet[ResolutionItem]:
    return (
        ResolutionItem.objects.order_by("position", "pk")
        .prefetch_related(
            Prefetch("addressees", queryset=Organization.objects.order_by("name", "pk")),
            Prefetch("evidence", queryset=_evidence_queryset()),
        )
        .annotate(comment_count=Count("comments"))
    )


def resolution_get(*, pk: int) -> Resolution:
    """A resolution with its event and its creator, or Http404."""
    resolution = Resolution.objects.select_related("event", "created_by").filter(pk=pk).first()
    if resolution is None:
        raise Http404
    return resolution


@dataclass
class SectionView:
    section: ResolutionSection
    items: list[ResolutionItem]
    progress: Progress


@dataclass
class ResolutionView:
    resolution: Resolution
    sections: list[SectionView] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)


def resolution_detail(*, resolution: Resolution) -> ResolutionView:
    """The resolution's items grouped by addressee, with each addressee's progress and the overall one, the items'
    registry addressees and evidence (five queries whatever the number of items)."""
    sections = list(
        ResolutionSection.objects.filter(resolution=resolution)
        .order_by("position")
        .prefetch_related(Prefetch("items", queryset=_items_queryset()))
    )
    view = ResolutionView(resolution=resolution)
    for section in sections:
        items = list(section.items.all())
        for item in items:
            item.resolution = resolution  # the page needs no second read of it
            view.progress.add(item.status)
        view.sections.append(SectionView(section=section, items=items, progress=progress_of(i.status for i in items)))
    return view


def item_get(*, pk: int, resolution_pk: int | None = None) -> ResolutionItem:
    """One item with its resolution (and event), section, registry addressees and evidence, or Http404."""
    items = _items_queryset().select_related("resolution", "resolution__event", "section").filter(pk=pk)
    if resolution_pk is not None:
        items = items.filter(resolution_id=resolution_pk)
    item = items.first()
    if item is None:
        raise Http404
    return item


def item_comments(*, item: ResolutionItem) -> QuerySet[ItemComment]:
    return ItemComment.objects.filter(item=item).select_related("author").order_by("created_at", "pk")


def items_for_organization(*, organization: Organization) -> QuerySet[ResolutionItem]:
    """What is asked of `organization`: the items addressed to it across resolutions, the newest resolutions first,
    each with its resolution and section and evidence (three queries)."""
    return (
        ResolutionItem.objects.filter(addressees=organization)
        .select_related("resolution", "resolution__event", "section")
        .prefetch_related(Prefetch("evidence", queryset=_evidence_queryset()))
        .order_by("-resolution__adopted_on", "resolution_id", "section__position", "position")
    )


def organization_item_progress(*, organization: Organization) -> Progress:
    rows = ResolutionItem.objects.filter(addressees=organization).values_list("status", flat=True)
    return progress_of(rows)


# --- who may choose what --------------------------------------------------------------------------------------------


def events_for_resolution(
    user: Any, *, also: int | None = None, chosen: int | None = None, now: datetime | None = None
) -> QuerySet[Event]:
    """The events `user` is offered when entering a resolution, the latest first: those an organisation they act
    for (chair or staff) organises; for platform staff, who may choose any event, those that started within
    RESOLUTION_EVENTS_WINDOW and the upcoming ones (the list stays short as years pass) plus `chosen` (the event
    already picked: from the address, `?event=<id>`, or the form sent); and for everyone event `also` (a
    resolution's current event)."""
    events = Event.objects.order_by("-starts_at", "-pk")
    wanted = Q(pk=also) if also is not None else Q(pk__in=[])
    if is_platform_staff(user):
        recent = Q(starts_at__gte=(now or timezone.now()) - RESOLUTION_EVENTS_WINDOW)
        return events.filter(recent | wanted | (Q(pk=chosen) if chosen is not None else Q(pk__in=[])))
    if signed_in(user):
        acting = Membership.objects.filter(
            user=user, is_active=True, role__in=(MembershipRole.CHAIR, MembershipRole.STAFF)
        ).values("organization_id")
        organised = EventOrganization.objects.filter(role=OrganizerRole.ORGANIZER, organization_id__in=acting)
        wanted |= Q(pk__in=organised.values("event_id"))
    return events.filter(wanted)


def organizations_by_ids(ids: Iterable[int]) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=set(ids)).order_by("name", "pk"))


def resolution_items_user_may_update(user: Any, resolution: Resolution) -> set[int] | None:
    """The ids of the resolution's items `user` may update as an addressee's acting chair or staff (one query);
    the editors' rights are checked separately."""
    if not signed_in(user):
        return set()
    acting = Membership.objects.filter(
        user=user, is_active=True, role__in=(MembershipRole.CHAIR, MembershipRole.STAFF)
    ).values("organization_id")
    return set(ResolutionItem.objects.filter(resolution=resolution, addressees__in=acting).values_list("pk", flat=True))


def event_for_source_slug(slug: str) -> Event | None:
    """The event that adopted the founding resolution `slug` (Event.source_slug), if the events demo made it."""
    return Event.objects.filter(source_slug=slug).first()


def resolution_for_source_slug(slug: str) -> Resolution | None:
    return Resolution.objects.filter(source_slug=slug).first()


def organizations_acting_for(user: Any) -> QuerySet[Organization]:
    if not signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=(MembershipRole.CHAIR, MembershipRole.STAFF),
    ).distinct()


# --- evidence targets -----------------------------------------------------------------------------------------------


def evidence_target(kind: str, pk: int) -> Any:
    """The public practice, project, contest or library document numbered `pk`, or None: evidence is shown to
    everyone, so it may only point at what everyone can see."""
    if kind == EvidenceKind.PRACTICE:
        return practice_visible_to(None).filter(pk=pk).first()
    if kind == EvidenceKind.PROJECT:
        return project_visible_to(None).filter(pk=pk).first()
    if kind == EvidenceKind.CONTEST:
        return contest_visible_to(None).filter(pk=pk).first()
    if kind == EvidenceKind.DOCUMENT:
        return LibraryDocument.objects.filter(pk=pk, status=LibraryDocumentStatus.PUBLISHED).first()
    return None


# --- matching addressees to the registry ----------------------------------------------------------------------------

_PARENTHESES = re.compile(r"\(([^()]{3,})\)")
_CAPITALISED = re.compile(r"(?<!^)\b([А-ЯЁA-Z][а-яёa-z]{3,}|[А-ЯЁA-Z]{3,})")
_CANDIDATE_LIMIT = 2000


def _lemmas(text: str) -> tuple[str, ...]:
    return tuple(lemmatize(text.replace("«", " ").replace("»", " "), "ru"))


def _contains(whole: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return size > 0 and any(whole[i : i + size] == part for i in range(len(whole) - size + 1))


def _candidate_organizations(label: str) -> list[tuple[int, str, str]]:
    """Registry organisations whose names may match `label`: those whose names contain the stem of the label's
    most specific word (a capitalised word after the first, such as the region's name), read as (id, name, short
    name) only."""
    folded = normalize_for_search(label)
    words = [normalize_for_search(w) for w in _CAPITALISED.findall(label.replace("«", " ").replace("»", " "))]
    stems = [word[: max(4, len(word) - 3)] for word in words if len(word) >= 4]
    organizations = Organization.objects.filter(status__in=PUBLIC_STATUSES)
    if stems:
        needle = max(stems, key=len)
        organizations = organizations.filter(search_text__contains=needle)
    else:
        first = folded.split(" ")[0] if folded else ""
        if len(first) < 4:
            return []
        organizations = organizations.filter(search_text__contains=first[: max(4, len(first) - 3)])
    return list(organizations.order_by("pk").values_list("pk", "name", "short_name")[:_CANDIDATE_LIMIT])


def organizations_for_addressee(label: str) -> list[Organization]:
    """The registry organisations an addressee heading names, matched by name or short name whatever the case
    («Правительству Амурской области» → «Правительство Амурской области»): the words' lemmas are compared, so the
    dative of a heading matches the nominative of a name. A bracketed part («… (Департаменту Смоленской области
    по внутренней политике)») is matched on its own too. An exact match wins; else the organisations whose whole
    name appears in the heading, the longest names only. Generic headings («Органам местного самоуправления»)
    match nothing and stay free text."""
    label = " ".join((label or "").split())
    if not label:
        return []
    parts = [label, _PARENTHESES.sub(" ", label).strip(), *_PARENTHESES.findall(label)]
    wanted = [_lemmas(part) for part in dict.fromkeys(p for p in parts if p)]
    wanted = [w for w in wanted if w]
    if not wanted:
        return []
    exact: set[int] = set()
    contained: dict[int, int] = {}
    seen: set[int] = set()
    for part in dict.fromkeys(p for p in parts if p):
        for pk, name, short_name in _candidate_organizations(part):
            if pk in seen:
                continue
            seen.add(pk)
            names = [_lemmas(name)] + ([_lemmas(short_name)] if short_name else [])
            if any(n and n in wanted for n in names):
                exact.add(pk)
                continue
            longest = max((len(n) for n in names if len(n) >= 2 and any(_contains(w, n) for w in wanted)), default=0)
            if longest:
                contained[pk] = longest
    if exact:
        chosen = exact
    elif contained:
        best = max(contained.values())
        chosen = {pk for pk, size in contained.items() if size == best}
    else:
        return []
    return list(Organization.objects.filter(pk__in=chosen).order_by("name", "pk"))


def user_acts_for(user: Any, organization: Organization) -> bool:
    """An active chair or staff membership of `user` in `organization` (one query)."""
    if not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user,
        organization=organization,
        is_active=True,
        role__in=(MembershipRole.CHAIR, MembershipRole.STAFF),
    ).exists()
