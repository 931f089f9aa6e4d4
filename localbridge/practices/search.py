"""Full-text search of the practice bank, on top of localbridge.core.search (docs/search.md).

- Keeping the index in step: connect() subscribes to the bank's domain events (events.py); every create, edit,
  move, recommendation and deletion re-reads the practice and indexes it (public when published) or drops it.
  A renamed topic re-indexes its practices. register_scope("practices", practice_search_reindex) lets
  `manage.py search_reindex` rebuild it all.
- practice_search(): what the search page and the API both return: the page of practices (relevance order with
  snippets when there is a query, newest first otherwise), the count, and facet counts by topic, country,
  region, municipality, organisation kind, year, language and recommendation over the matching set.
- practice_similar(): "similar practices" for a practice page.

Search covers published practices only (drafts are found under "my practices" and in the moderation queue), so
anonymous and signed-in users get the same results.

Cost at scale (200,000 practices): only a window of candidates is ranked, the count stops at COUNT_CAP ("more
than 500") and the facets are counted over at most FACET_CAP matching practices; beyond it they are lower
bounds (`facets_exact` is False). See docs/search.md, "Cost".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from localbridge.core.events import subscribe
from localbridge.core.search import (
    SearchEntry,
    register_scope,
    search_cursor,
    search_index_many,
    search_match_sql,
    search_parse,
    search_ranked,
    search_remove,
    search_similar,
)
from localbridge.organizations.models import OrganizationKind
from localbridge.territories.models import Country, Municipality, Region

from .events import PracticeChanged, PracticePublished, PracticeRemoved, TopicChanged
from .models import (
    PRACTICE_LANGUAGES,
    Practice,
    PracticeOrganization,
    PracticeStatus,
    Topic,
)

SCOPE = "practices"
PER_PAGE = 20
MAX_PER_PAGE = 100
RANK_WINDOW = 100  # candidates ranked (PostgreSQL; SQLite ranks five times as many): see core.search.search_ranked
COUNT_CAP = 500  # the count stops here: "more than 500 practices" (at most FACET_CAP: the facets count too)
FACET_CAP = 500  # facets are counted over at most this many matching practices (+1, to know if there are more)
REINDEX_BATCH = 500
MAX_MUNICIPALITIES = 30  # values shown in the municipality facet
FACETS = ("topic", "country", "region", "municipality", "organization_kind", "year", "language", "recommended")


# --- keeping the index in step -------------------------------------------------------------------------------


def _with_relations(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    return practices.select_related("country", "region", "municipality").prefetch_related(
        "topics",
        "tags",
        Prefetch("organization_links", queryset=PracticeOrganization.objects.select_related("organization")),
    )


def practice_search_entry(practice: Practice) -> SearchEntry:
    """What the index holds for a practice (its relations should be prefetched: see _with_relations): the title,
    the summary, and as the body the sections, tags, topic names, territory and organisation names."""
    names: list[str] = []
    for topic in practice.topics.all():
        names += [topic.name_ru, topic.name_en]
    for place in (practice.country, practice.region, practice.municipality):
        if place is not None:
            names += [place.name_ru, place.name_en]
    for link in practice.organization_links.all():
        names += [link.organization.name, link.organization.short_name, link.organization.name_en]
    body = "\n\n".join(
        part
        for part in (
            practice.search_body(),
            " ".join(tag.name for tag in practice.tags.all()),
            "\n".join(name for name in names if name),
        )
        if part
    )
    return SearchEntry(
        obj=practice,
        scope=SCOPE,
        language=practice.language,
        title=practice.title,
        summary=practice.summary,
        body=body,
        public=practice.status == PracticeStatus.PUBLISHED,
        updated_at=practice.updated_at,
        facets=_facet_values(practice),
    )


def _facet_values(practice: Practice) -> dict[str, Any]:
    """The filter values a practice is found by (the keys of its index row): the same as _filtered() tests."""
    return {
        "topic": [topic.code for topic in practice.topics.all()],
        "country": practice.country.code if practice.country else None,
        "region": practice.region.code if practice.region else None,
        "municipality": practice.municipality_id,
        "organizationkind": [link.organization.kind for link in practice.organization_links.all()],
        "year": practice.year,
        "language": practice.language,
        "recommended": "1" if practice.is_recommended else None,
    }


def _facet_filter(filters: dict[str, str]) -> dict[str, str]:
    """The cleaned filters as the index's filter keys name them."""
    return {name.replace("_", ""): value for name, value in filters.items()}


def practice_search_index(practice_ids: Iterable[int]) -> int:
    """(Re)index these practices as the database holds them now; those that no longer exist leave the index.
    Returns how many were indexed."""
    ids = sorted({int(i) for i in practice_ids})
    written = 0
    for start in range(0, len(ids), REINDEX_BATCH):
        chunk = ids[start : start + REINDEX_BATCH]
        practices = list(_with_relations(Practice.objects.filter(pk__in=chunk)))
        written += search_index_many((practice_search_entry(p) for p in practices), batch_size=REINDEX_BATCH)
        for gone in set(chunk) - {p.pk for p in practices}:
            search_remove(Practice(pk=gone))
    return written


def _all_ids() -> Iterator[int]:
    yield from Practice.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)


def practice_search_reindex() -> int:
    """Index every practice (the callable `search_reindex` runs for the "practices" scope)."""
    return practice_search_index(_all_ids())


def _on_practice(event: PracticePublished | PracticeChanged) -> None:
    practice_search_index([event.practice_id])


def _on_removed(event: PracticeRemoved) -> None:
    search_remove(Practice(pk=event.practice_id))


def _on_topic(event: TopicChanged) -> None:
    # A topic's names are part of its practices' indexed text.
    if event.action != "create":
        practice_search_index(
            Practice.topics.through.objects.filter(topic_id=event.topic_id).values_list("practice_id", flat=True)
        )


def connect() -> None:
    """Subscribe the index to the bank's events and register the scope (from PracticesConfig.ready())."""
    subscribe(PracticePublished, _on_practice)
    subscribe(PracticeChanged, _on_practice)
    subscribe(PracticeRemoved, _on_removed)
    subscribe(TopicChanged, _on_topic)
    register_scope(SCOPE, practice_search_reindex)


# --- searching -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter parameter takes: a topic or territory code, a municipality id, a kind, a year…
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class PracticeHit:
    practice: Practice
    snippet: SafeString  # HTML: matched words in <mark> (with a query), else the escaped summary
    rank: float | None = None  # relevance, higher is better; None without a query


@dataclass
class PracticeSearchResult:
    """What the search page and the API show. `count` is exact when `count_exact`, else "more than count"."""

    query: str
    items: list[PracticeHit]
    count: int
    count_exact: bool
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_exact: bool = True  # False: counted over the first FACET_CAP matches only, so lower bounds
    filters: dict[str, str] = field(default_factory=dict)  # the filters applied, as given (normalised)
    message: str = ""  # for the user, e.g. when the query had nothing searchable
    truncated: bool = False  # only the first 500 characters / 12 words of the query were used

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _text(value: Any, limit: int = 100) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    text = str(value).strip() if isinstance(value, int | str) else ""
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _clean_filters(raw: dict[str, Any]) -> dict[str, str]:
    """The filters that make sense, as strings; nonsense is dropped (a filter never raises)."""
    cleaned: dict[str, str] = {}
    for name in ("topic", "country", "region", "language", "organization_kind"):
        value = _text(raw.get(name), 64)
        if value:
            cleaned[name] = value.upper() if name in ("country", "region") else value.lower()
    for name in ("municipality", "year"):
        number = _int(raw.get(name))
        if number is not None:
            cleaned[name] = str(number)
    recommended = raw.get("recommended")
    if recommended is True or _text(recommended).lower() in ("1", "true", "yes", "on"):
        cleaned["recommended"] = "1"
    return cleaned


def _filtered(filters: dict[str, str]) -> QuerySet[Practice]:
    """Published practices passing the filters, for browsing without a query. Written so that the planner can walk
    an index in publication order: codes become ids in scalar subqueries (an equality the indexes lead with, where a
    join or an IN list made SQLite read the rows of a whole topic or of every published practice), and the topic
    and organisation-kind filters are EXISTS tests of each candidate through the link tables' unique indexes."""
    practices = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
    if "topic" in filters:
        topic = Topic.objects.filter(code=filters["topic"]).values("pk")[:1]
        practices = practices.filter(
            Exists(Practice.topics.through.objects.filter(practice_id=OuterRef("pk"), topic_id=Subquery(topic)))
        )
    if "country" in filters:
        practices = practices.filter(country_id=Subquery(Country.objects.filter(code=filters["country"]).values("pk")))
    if "region" in filters:
        practices = practices.filter(region_id=Subquery(Region.objects.filter(code=filters["region"]).values("pk")))
    if "municipality" in filters:
        practices = practices.filter(municipality_id=int(filters["municipality"]))
    if "organization_kind" in filters:
        practices = practices.filter(
            Exists(
                PracticeOrganization.objects.filter(
                    practice_id=OuterRef("pk"), organization__kind=filters["organization_kind"]
                )
            )
        )
    if "year" in filters:
        practices = practices.filter(year=int(filters["year"]))
    if "language" in filters:
        practices = practices.filter(language=filters["language"])
    if "recommended" in filters:
        practices = practices.filter(is_recommended=True)
    return practices


# One statement counts every facet over the matching set `m`, materialised once (MATERIALIZED: PostgreSQL 12+,
# SQLite 3.35+), whatever the number of facets: the full-text match is never re-run per facet. {join} is CROSS JOIN
# on SQLite, which makes its planner start from the (small) matching set rather than scan the link tables.
_FACET_SQL = """
WITH ids(pk) AS MATERIALIZED ({ids}),
m AS MATERIALIZED (
    SELECT p.id, p.country_id, p.region_id, p.municipality_id, p.year, p.language, p.is_recommended
    FROM ids JOIN practices_practice p ON p.id = ids.pk
)
SELECT 'total', '', COUNT(*) FROM m
UNION ALL SELECT 'country', CAST(country_id AS TEXT), COUNT(*) FROM m WHERE country_id IS NOT NULL GROUP BY country_id
UNION ALL SELECT 'region', CAST(region_id AS TEXT), COUNT(*) FROM m WHERE region_id IS NOT NULL GROUP BY region_id
UNION ALL SELECT 'municipality', CAST(municipality_id AS TEXT), COUNT(*) FROM m
    WHERE municipality_id IS NOT NULL GROUP BY municipality_id
UNION ALL SELECT 'year', CAST(year AS TEXT), COUNT(*) FROM m WHERE year IS NOT NULL GROUP BY year
UNION ALL SELECT 'language', language, COUNT(*) FROM m GROUP BY language
UNION ALL SELECT 'recommended', '1', COUNT(*) FROM m WHERE is_recommended
UNION ALL SELECT 'topic', CAST(t.topic_id AS TEXT), COUNT(*) FROM m
    {join} practices_practice_topics t ON t.practice_id = m.id GROUP BY t.topic_id
UNION ALL SELECT 'organization_kind', o.kind, COUNT(DISTINCT m.id) FROM m
    {join} practices_practiceorganization po ON po.practice_id = m.id
    {join} organizations_organization o ON o.id = po.organization_id GROUP BY o.kind
"""


def _count_facets(ids_sql: str, params: list[Any], *, full_text: bool) -> tuple[int, dict[str, dict[str, int]]]:
    """How many practices `ids_sql` selects (at most FACET_CAP + 1) and the facet counts over them.
    `full_text`: the ids come from a full-text match (search_cursor keeps PostgreSQL's planner on the GIN index)."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    with search_cursor() if full_text else connection.cursor() as cursor:
        join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
        cursor.execute(_FACET_SQL.format(ids=ids_sql, join=join), params)
        for name, value, count in cursor.fetchall():
            if name == "total":
                total = int(count)
            elif int(count) > 0:
                counts[name][str(value)] = int(count)
    return total, counts


def _names(model: Any, ids: Iterable[str], *, code: bool) -> dict[str, tuple[str, str]]:
    """raw id → (filter value, label in the active language) for a model with name_ru/name_en (and code)."""
    english = (get_language() or "ru").startswith("en")
    fields = ("pk", "code", "name_ru", "name_en") if code else ("pk", "pk", "name_ru", "name_en")
    rows = model.objects.filter(pk__in=[int(i) for i in ids]).order_by().values_list(*fields)
    return {
        str(pk): (str(value), (name_en if english and name_en else name_ru)) for pk, value, name_ru, name_en in rows
    }


def _label_facets(counts: dict[str, dict[str, int]], filters: dict[str, str]) -> dict[str, list[FacetValue]]:
    """Facet values with their labels and filter values, the most frequent first (years: the latest first); the
    municipality facet keeps its MAX_MUNICIPALITIES most frequent values (and the selected one)."""
    selected_municipality = filters.get("municipality")
    top = sorted(counts["municipality"].items(), key=lambda item: (-item[1], int(item[0])))[:MAX_MUNICIPALITIES]
    counts["municipality"] = dict(top) | (
        {selected_municipality: counts["municipality"][selected_municipality]}
        if selected_municipality in counts["municipality"]
        else {}
    )
    kinds = dict(OrganizationKind.choices)
    languages = dict(PRACTICE_LANGUAGES)
    labels: dict[str, dict[str, tuple[str, str]]] = {  # facet → raw value → (filter value, label)
        "topic": _names(Topic, counts["topic"], code=True),
        "country": _names(Country, counts["country"], code=True),
        "region": _names(Region, counts["region"], code=True),
        "municipality": _names(Municipality, counts["municipality"], code=False),
        "organization_kind": {v: (v, str(kinds.get(v, v))) for v in counts["organization_kind"]},
        "language": {v: (v, str(languages.get(v, v))) for v in counts["language"]},
        "year": {v: (v, v) for v in counts["year"]},
        "recommended": {"1": ("1", _("Recommended"))},
    }
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        values = [
            FacetValue(
                value=labels[name][raw][0],
                label=labels[name][raw][1],
                count=count,
                selected=filters.get(name) == labels[name][raw][0],
            )
            for raw, count in counts[name].items()
            if raw in labels[name]
        ]
        if name == "year":
            values.sort(key=lambda v: -int(v.value))
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[name] = values
    return facets


def _load(ids: list[int]) -> dict[int, Practice]:
    practices = Practice.objects.filter(pk__in=ids).select_related("country", "region", "municipality")
    return {
        p.pk: p
        for p in practices.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")))
    }


def _summary_snippet(practice: Practice) -> SafeString:
    return escape(practice.summary)


def practice_search(
    *,
    q: str = "",
    user: Any = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    facets: bool = True,
    **filters: Any,
) -> PracticeSearchResult:
    """Search published practices. `q` in Russian, English or both (word forms understood; "quoted phrases");
    `filters`: topic (code), country (ISO alpha-2), region (ISO 3166-2), municipality (id), organization_kind,
    year, language, recommended. Relevance order when `q` has words, newest first when it is blank. Never raises on
    what a user typed: a query with nothing searchable gives no items and a `message`.

    Queries: the count, the page, the snippets' texts, the page's practices and topics, one for all the facet
    counts and four for their labels, whatever the size of the bank. `user` is accepted for the page's sake:
    every user sees the same published practices."""
    del user  # the same results for everyone: search covers published practices
    query = q if isinstance(q, str) else ""
    cleaned = _clean_filters(filters)
    page = max(1, _int(page) or 1)
    per_page = max(1, min(_int(per_page) or PER_PAGE, MAX_PER_PAGE))
    offset = (page - 1) * per_page
    base = _filtered(cleaned)
    parsed = search_parse(query)
    result = PracticeSearchResult(
        query=query,
        items=[],
        count=0,
        count_exact=True,
        page=page,
        per_page=per_page,
        filters=cleaned,
        truncated=parsed.truncated,
    )
    if query.strip() and parsed.is_empty:
        result.message = _("The query has no words to search for: type a word or two from a practice.")
        return result
    counted: int | None = None
    if not parsed.is_empty:
        # With a query, the index itself filters (each practice's filter values are keys of its index row).
        keys = _facet_filter(cleaned)
        facet_ids = search_match_sql(query, scope=SCOPE, facets=keys, limit=FACET_CAP + 1)
        if facets and facet_ids is not None:
            # The facets' statement counts the matches too (up to FACET_CAP + 1): no separate count.
            counted, counts = _count_facets(*facet_ids, full_text=True)
            result.facets = _label_facets(counts, cleaned)
            result.facets_exact = counted <= FACET_CAP
        if counted != 0:
            ranked = search_ranked(
                query,
                scope=SCOPE,
                limit=per_page,
                offset=offset,
                facets=keys,
                window=RANK_WINDOW,
                count_cap=None if counted is not None else COUNT_CAP,
            )
            practices = _load([hit.object_id for hit in ranked.hits])
            result.items = [
                PracticeHit(practice=practices[hit.object_id], snippet=hit.snippet, rank=hit.rank)
                for hit in ranked.hits
                if hit.object_id in practices
            ]
            result.count, result.count_exact = ranked.total, ranked.exact
        if counted is not None:
            result.count, result.count_exact = min(counted, COUNT_CAP), counted <= COUNT_CAP
    else:
        newest = base.order_by("-published_at", "-pk")
        page_ids = list(newest.values_list("pk", flat=True)[offset : offset + per_page])
        practices = _load(page_ids)
        result.items = [PracticeHit(practice=practices[i], snippet=_summary_snippet(practices[i])) for i in page_ids]
        if facets:
            browse_sql, browse_params = newest.values("pk")[: FACET_CAP + 1].query.sql_with_params()
            counted, counts = _count_facets(browse_sql, list(browse_params), full_text=False)
            result.facets = _label_facets(counts, cleaned)
            result.facets_exact = counted <= FACET_CAP
        else:
            counted = newest.values("pk")[: COUNT_CAP + 1].count()
        result.count, result.count_exact = min(counted, COUNT_CAP), counted <= COUNT_CAP
    if not result.items and not result.message and query.strip():
        result.message = _("Nothing found. Try other words or fewer filters.")
    return result


def practice_similar(practice: Practice, limit: int = 5) -> list[PracticeHit]:
    """Published practices that share the most (and the rarest) words with `practice`, the closest first."""
    hits = search_similar(obj=practice, scope=SCOPE, limit=max(0, min(int(limit), 50)))
    practices = _load([hit.object_id for hit in hits])
    return [
        PracticeHit(practice=practices[hit.object_id], snippet=hit.snippet, rank=hit.rank)
        for hit in hits
        if hit.object_id in practices and practices[hit.object_id].status == PracticeStatus.PUBLISHED
    ]
