"""Reads of the knowledge library: who sees which documents (in SQL), a document with its versions, the list's
filter choices, and the library's search, which is the platform's one morphology-aware search (core/search) over
the "library" scope that services/library.py keeps in step.

Visibility (rules.py says the same per object; keep the two alike): published documents for everyone; all of them
for library curators (platform staff, associations' acting chairs and staff); besides, a signed-in user sees the
documents they created and those of the municipalities whose administration they work for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from localbridge.core.rules import signed_in
from localbridge.core.search import search_parse, search_query
from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind
from localbridge.practices.models import PRACTICE_LANGUAGES, Topic
from localbridge.territories.models import Country, Municipality, Region

from ..models import DocumentVersion, LibraryDocument, LibraryDocumentKind, LibraryDocumentStatus
from ..rules import user_is_library_curator

SEARCH_SCOPE = "library"
PER_PAGE = 20
MAX_PER_PAGE = 100
QUERY_MAX_CHARS = 500
EXCERPT_CHARS = 1500
EXPORT_SEARCH_MAX = 1000  # an export of a search holds its best matches, at most this many
FILTERS = ("kind", "language", "topic", "country", "region", "municipality", "status")


def library_staff_municipalities(user: Any) -> QuerySet[Membership, Any]:
    """The ids of the municipalities whose administration `user` is staff of, as a subquery."""
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values("organization__municipality_id")


def library_visible_to(user: Any) -> QuerySet[LibraryDocument]:
    """The documents `user` may see, as one SQL filter (no per-row checks)."""
    documents = LibraryDocument.objects.all()
    if not signed_in(user):
        return documents.filter(status=LibraryDocumentStatus.PUBLISHED)
    if user_is_library_curator(user):
        return documents
    return documents.filter(
        Q(status=LibraryDocumentStatus.PUBLISHED)
        | Q(created_by=user)
        | Q(municipality_id__in=library_staff_municipalities(user))
    )


def _with_relations(documents: QuerySet[LibraryDocument]) -> QuerySet[LibraryDocument]:
    return documents.select_related("country", "region", "municipality", "current_version").prefetch_related("topics")


def library_document_get(*, id: int, user: Any) -> LibraryDocument:
    """A document the user may see, with its territory, current version, creator and topics. Raises
    LibraryDocument.DoesNotExist otherwise."""
    return _with_relations(library_visible_to(user).select_related("created_by")).get(pk=id)


def library_versions(document: LibraryDocument) -> list[DocumentVersion]:
    """Every version, the newest first, with who added it (the text is not loaded: a page lists dates)."""
    return list(document.versions.select_related("created_by").defer("text").order_by("-number"))


def library_version_get(*, document: LibraryDocument, number: int) -> DocumentVersion:
    return document.versions.get(number=number)


def library_excerpt(document: LibraryDocument, limit: int = EXCERPT_CHARS) -> tuple[str, bool]:
    """The beginning of the current version's text, cut at a word, and whether it was cut."""
    version = document.current_version
    text = version.text if version is not None else ""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut[limit // 2 :] else cut, True


# --- filters --------------------------------------------------------------------------------------------------------


def _text(value: Any, limit: int = 64) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def clean_library_filters(raw: dict[str, Any]) -> dict[str, str]:
    """The filters that make sense, as strings; nonsense is dropped (a filter never raises)."""
    cleaned: dict[str, str] = {}
    kind = _text(raw.get("kind")).lower()
    if kind in LibraryDocumentKind.values:
        cleaned["kind"] = kind
    language = _text(raw.get("language")).lower()
    if language in dict(PRACTICE_LANGUAGES):
        cleaned["language"] = language
    topic = _text(raw.get("topic")).lower()
    if topic:
        cleaned["topic"] = topic
    for name in ("country", "region"):
        value = _text(raw.get(name)).upper()
        if value:
            cleaned[name] = value
    municipality = raw.get("municipality")
    text = str(municipality).strip() if isinstance(municipality, int | str) else ""
    if text.isdigit() and len(text) <= 9:
        cleaned["municipality"] = text
    status = _text(raw.get("status")).lower()
    if status in LibraryDocumentStatus.values:
        cleaned["status"] = status
    return cleaned


def library_filter(documents: QuerySet[LibraryDocument], filters: dict[str, str]) -> QuerySet[LibraryDocument]:
    """`documents` passing the (cleaned) filters."""
    if "kind" in filters:
        documents = documents.filter(kind=filters["kind"])
    if "language" in filters:
        documents = documents.filter(language=filters["language"])
    if "topic" in filters:
        documents = documents.filter(topics__code=filters["topic"])
    if "country" in filters:
        documents = documents.filter(country__code=filters["country"])
    if "region" in filters:
        documents = documents.filter(region__code=filters["region"])
    if "municipality" in filters:
        documents = documents.filter(municipality_id=int(filters["municipality"]))
    if "status" in filters:
        documents = documents.filter(status=filters["status"])
    return documents


def _label(obj: Any) -> str:
    english = (get_language() or "ru").startswith("en")
    return obj.name_en if english and obj.name_en else obj.name_ru


def library_filter_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    """The choices of the list's filters: the kinds, the topics of the taxonomy, and the languages and territories
    that the documents the user sees have (a constant number of queries)."""
    visible = library_visible_to(user)
    languages = dict(PRACTICE_LANGUAGES)
    used_languages = sorted(set(visible.order_by().values_list("language", flat=True).distinct()))
    return {
        "kind": [(value, str(label)) for value, label in LibraryDocumentKind.choices],
        "language": [(code, str(languages.get(code, code))) for code in used_languages],
        "topic": [(t.code, _label(t)) for t in Topic.objects.filter(is_active=True).order_by("position", "pk")],
        "country": sorted(
            ((c.code, _label(c)) for c in Country.objects.filter(pk__in=visible.values("country_id"))),
            key=lambda choice: choice[1],
        ),
        "region": sorted(
            ((r.code, _label(r)) for r in Region.objects.filter(pk__in=visible.values("region_id"))),
            key=lambda choice: choice[1],
        ),
        "municipality": sorted(
            ((str(m.pk), _label(m)) for m in Municipality.objects.filter(pk__in=visible.values("municipality_id"))),
            key=lambda choice: choice[1],
        ),
    }


# --- searching ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryHit:
    document: LibraryDocument
    snippet: SafeString  # HTML: matched words in <mark> (with a query), else the escaped summary


@dataclass
class LibrarySearchResult:
    query: str
    page: Page  # of LibraryHit
    count: int
    filters: dict[str, str] = field(default_factory=dict)
    searched: bool = False  # the query had words to search for: the order is by relevance
    message: str = ""

    @property
    def items(self) -> list[LibraryHit]:
        return list(self.page.object_list)


def _load(ids: list[int]) -> dict[int, LibraryDocument]:
    return {d.pk: d for d in _with_relations(LibraryDocument.objects.filter(pk__in=ids))}


def _page_number(value: Any) -> int:
    text = str(value).strip() if isinstance(value, int | str) else ""
    return max(1, int(text)) if text.isdigit() and len(text) <= 6 else 1


def _run(
    user: Any, query: str, cleaned: dict[str, str], *, limit: int, offset: int
) -> tuple[list[LibraryHit], int, bool]:
    """One window of the results: its hits, how many match in all, and whether the query was searched (else the
    newest documents passing the filters)."""
    visible = library_visible_to(user)
    if search_parse(query).is_empty:
        ordered = library_filter(visible, cleaned).order_by(F("published_on").desc(nulls_last=True), "-pk")
        total = ordered.count()
        documents = list(_with_relations(ordered)[offset : offset + limit]) if offset < total else []
        return [LibraryHit(document=d, snippet=escape(d.summary)) for d in documents], total, False
    facets = {name: value for name, value in cleaned.items() if name != "status"}
    # Anonymous users see what the index calls public; others what library_visible_to lets them see.
    restricted = signed_in(user) or "status" in cleaned
    scope = library_filter(visible, {"status": cleaned["status"]} if "status" in cleaned else {})
    hits, total = search_query(
        query,
        scope=SEARCH_SCOPE,
        limit=limit,
        offset=offset,
        public=None if restricted else True,
        filter_ids=scope.values("pk") if restricted else None,
        facets=facets,
    )
    loaded = _load([hit.object_id for hit in hits])
    items = [LibraryHit(document=loaded[hit.object_id], snippet=hit.snippet) for hit in hits if hit.object_id in loaded]
    return items, total, True


def library_search_window(
    *, user: Any, q: str = "", limit: int = PER_PAGE, offset: int = 0, **filters: Any
) -> tuple[list[LibraryHit], int, list[str]]:
    """library_search by limit and offset (the API): the hits, the total and messages for the user."""
    query = (q if isinstance(q, str) else "")[:QUERY_MAX_CHARS]
    limit = max(1, min(int(limit), MAX_PER_PAGE))
    items, total, searched = _run(user, query, clean_library_filters(filters), limit=limit, offset=max(0, int(offset)))
    messages = []
    if query.strip() and not searched:
        messages.append(_("There are no words to search for in your query, so all documents are shown."))
    return items, total, messages


def library_search(
    *, user: Any, q: str = "", page: Any = 1, per_page: int = PER_PAGE, **filters: Any
) -> LibrarySearchResult:
    """The documents `user` sees that match `q` (every word, in any word form; "quoted phrases") and the filters,
    best first; without a query, the newest first. Filters: kind, language, topic (code), country and region (ISO
    codes), municipality (id), status (for editors). Never raises on what a user typed; a page number past the
    end gives the last page.

    Queries, whatever the size of the library: with a query, the search's page (with its total) and its snippets'
    texts; without, the count and the page; then the page's documents and their topics."""
    query = (q if isinstance(q, str) else "")[:QUERY_MAX_CHARS]
    cleaned = clean_library_filters(filters)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    number = _page_number(page)
    items, total, searched = _run(user, query, cleaned, limit=per_page, offset=(number - 1) * per_page)
    paginator = Paginator(range(total), per_page)
    if total and number > paginator.num_pages:
        number = paginator.num_pages
        items, total, searched = _run(user, query, cleaned, limit=per_page, offset=(number - 1) * per_page)
    result = LibrarySearchResult(
        query=query, page=Page(items, number, paginator), count=total, filters=cleaned, searched=searched
    )
    if query.strip() and not searched:
        result.message = _("There are no words to search for in your query, so all documents are shown.")
    elif searched and not items:
        result.message = _("Nothing found. Try other words or fewer filters.")
    return result


def library_export_rows(*, user: Any, q: str = "", **filters: Any) -> Iterator[LibraryDocument]:
    """Every document of the list as the user filtered it, for a CSV or XLSX download: the newest first, or with a
    query its best EXPORT_SEARCH_MAX matches in relevance order. Read in chunks, whatever the size."""
    query = (q if isinstance(q, str) else "")[:QUERY_MAX_CHARS]
    cleaned = clean_library_filters(filters)
    if search_parse(query).is_empty:
        ordered = library_filter(library_visible_to(user), cleaned).order_by(
            F("published_on").desc(nulls_last=True), "-pk"
        )
        yield from _with_relations(ordered).iterator(chunk_size=500)
        return
    items, _total, _searched = _run(user, query, cleaned, limit=EXPORT_SEARCH_MAX, offset=0)
    yield from (hit.document for hit in items)
