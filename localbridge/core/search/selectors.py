"""Reads from the search index: search_query (what the search box does), search_parse (to tell the user that a
query had nothing searchable in it) and search_similar ("similar practices")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from localbridge.core.search import backends
from localbridge.core.search.analysis import language_code
from localbridge.core.search.facets import required_keys
from localbridge.core.search.models import SearchDocument
from localbridge.core.search.query import Group, ParsedQuery, parse_query
from localbridge.core.search.snippets import snippet

MAX_LIMIT = 1000
SIMILAR_TERMS = 12


@dataclass(frozen=True, slots=True)
class SearchHit:
    content_type_id: int
    object_id: int
    rank: float  # higher is better; comparable within one result list only
    snippet: SafeString  # HTML: escaped text with the matched words in <mark>

    @property
    def model_label(self) -> str:
        """ "app_label.model" of the indexed object (ContentType's cache: no query after the first)."""
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


def search_parse(q: str, *, language: str | None = None, prefix: bool = False) -> ParsedQuery:
    """The query as the search will understand it: `.is_empty` when there is nothing to search for (only
    punctuation or stop words), `.truncated` when it was cut to its first words."""
    return parse_query(q, language, prefix=prefix)


def _scopes(scope: str | Sequence[str]) -> list[str]:
    return [scope] if isinstance(scope, str) else [s for s in scope if isinstance(s, str)]


def _hits(rows: list[backends.Row], parsed: ParsedQuery) -> list[SearchHit]:
    if not rows:
        return []
    texts = {
        pk: (text, language)
        for pk, text, language in SearchDocument.objects.filter(id__in=[r.id for r in rows]).values_list(
            "id", "plain_text", "language"
        )
    }
    terms = parsed.highlight_terms()
    return [
        SearchHit(
            content_type_id=row.content_type_id,
            object_id=row.object_id,
            rank=row.rank,
            snippet=snippet(texts.get(row.id, ("", ""))[0], terms, texts.get(row.id, ("", ""))[1]),
        )
        for row in rows
    ]


def search_query(
    q: str,
    *,
    scope: str | Sequence[str],
    language: str | None = None,
    limit: int = 20,
    offset: int = 0,
    filter_ids: Iterable[int] | QuerySet | None = None,
    public: bool | None = True,
    prefix: bool = False,
    facets: Mapping[str, str | int] | None = None,
) -> tuple[list[SearchHit], int]:
    """Documents of `scope` matching every word (or quoted phrase) of `q`, best first, and their total count.

    - `language`: analyse the query as this language and keep only documents written in it; by default each
      word is analysed by its script (Cyrillic as Russian, Latin as English) and every language is searched.
    - `filter_ids`: keep only these object ids: a list, or a queryset of one column (`.values("pk")`) that the
      database runs as a subquery (facets chosen by the caller).
    - `public`: True (default) only public documents, False only non-public, None both.
    - `prefix`: match the last word as a prefix too (search as you type).
    - `facets`: keep only documents indexed with these filter values ({"region": "RU-MOS", "year": 2020}: all of
      them; see SearchEntry.facets). Answered by the index itself, unlike `filter_ids`.
    Never raises on what the user typed; an unsearchable query returns ([], 0)."""
    parsed = parse_query(q, language, prefix=prefix)
    filters = _filters(scope, language, filter_ids, public, facets)
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    rows, total = backends.run(parsed, filters, limit=limit, offset=offset)
    return _hits(rows, parsed), total


@dataclass(frozen=True, slots=True)
class RankedPage:
    hits: list[SearchHit]
    total: int  # how many match, up to the count cap
    exact: bool  # False: more than `total` match


def _filters(
    scope: str | Sequence[str],
    language: str | None,
    filter_ids: Iterable[int] | QuerySet | None,
    public: bool | None,
    facets: Mapping[str, str | int] | None = None,
) -> backends.Filters:
    return backends.Filters(
        scopes=_scopes(scope),
        public=public,
        language=language_code(language),
        ids=filter_ids,
        keys=required_keys(facets),
    )


def search_ranked(
    q: str,
    *,
    scope: str | Sequence[str],
    language: str | None = None,
    limit: int = 20,
    offset: int = 0,
    filter_ids: Iterable[int] | QuerySet | None = None,
    public: bool | None = True,
    prefix: bool = False,
    window: int = 200,
    count_cap: int | None = 1000,
    facets: Mapping[str, str | int] | None = None,
) -> RankedPage:
    """search_query with a bounded cost, for large collections: only a window of about `window` candidates is
    ranked (see backends.run_windowed: the newest matches on SQLite; title and summary matches first, then others,
    on PostgreSQL) and the count stops at `count_cap` (`exact` is False beyond it). When at most `window` documents
    match, the order is search_query's exactly. `count_cap=None` skips the count (total -1), for a caller that
    counts the matches itself (facet counts over search_match_sql). See docs/search.md ("Cost")."""
    parsed = parse_query(q, language, prefix=prefix)
    rows, total, exact = backends.run_windowed(
        parsed,
        _filters(scope, language, filter_ids, public, facets),
        limit=max(0, min(int(limit), MAX_LIMIT)),
        offset=max(0, int(offset)),
        window=max(1, int(window)),
        count_cap=None if count_cap is None else max(1, int(count_cap)),
    )
    return RankedPage(hits=_hits(rows, parsed), total=total, exact=exact)


def search_match_sql(
    q: str,
    *,
    scope: str | Sequence[str],
    language: str | None = None,
    filter_ids: Iterable[int] | QuerySet | None = None,
    public: bool | None = True,
    prefix: bool = False,
    limit: int | None = None,
    facets: Mapping[str, str | int] | None = None,
) -> tuple[str, list[Any]] | None:
    """SQL (and its parameters) selecting the object ids of at most `limit` documents matching `q`, for a caller's
    aggregate query (facet counts) to use as a subquery; None when the query has nothing searchable."""
    parsed = parse_query(q, language, prefix=prefix)
    filters = _filters(scope, language, filter_ids, public, facets)
    if parsed.is_empty or not filters.scopes:
        return None
    return backends.match_sql(parsed, filters, limit=limit)


def search_cursor() -> AbstractContextManager[Any]:
    """The cursor to run a statement that embeds search_match_sql() with (facet counts): on PostgreSQL it keeps
    the planner on the GIN index (with a LIMIT it may otherwise scan and read every tsvector)."""
    return backends.search_cursor()


def search_similar(
    *, obj: models.Model, scope: str | Sequence[str] | None = None, limit: int = 5, public: bool | None = True
) -> list[SearchHit]:
    """Documents sharing the most (and the rarest) words with `obj`'s indexed text: its most frequent lemmas,
    title words counted thrice and summary words twice, searched with OR. Empty if `obj` is not indexed."""
    document = (
        SearchDocument.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .only("id", "scope", "title_terms", "summary_terms", "body_terms")
        .first()
    )
    if document is None:
        return []
    counts: Counter[str] = Counter()
    for text, weight in ((document.title_terms, 3), (document.summary_terms, 2), (document.body_terms, 1)):
        for token in text.split():
            if len(token) >= 3 and not token.isdigit():
                counts[token] += weight
    parsed = ParsedQuery(
        clauses=[Group(tokens=(token,)) for token, _count in counts.most_common(SIMILAR_TERMS)], match_any=True
    )
    filters = backends.Filters(
        scopes=_scopes(scope if scope is not None else document.scope),
        public=public,
        language="",
        ids=None,
        exclude_id=document.id,
    )
    rows, _total = backends.run(parsed, filters, limit=max(0, min(int(limit), MAX_LIMIT)), offset=0)
    return _hits(rows, parsed)
