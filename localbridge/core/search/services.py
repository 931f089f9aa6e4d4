"""Writes to the search index. Apps call these from their own services, inside the transaction that changes the
object, so the index never disagrees with what was committed: search_index() after a create or an edit (also when
the object stops being public: pass public=False), search_remove() when it is deleted."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.search.analysis import index_text, language_code
from localbridge.core.search.facets import FacetValues, facet_terms
from localbridge.core.search.models import SearchDocument
from localbridge.core.search.registry import registered_scopes

MAX_FIELD_CHARS = 200_000  # analysed per field; the rest of a longer text is not indexed
MAX_PLAIN_CHARS = 20_000  # kept for snippets
_SCOPE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_MD_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`#|~]+|^\s*>+", re.MULTILINE)
_SPACES = re.compile(r"\s+")
_UPDATE_FIELDS = [
    "scope",
    "language",
    "is_public",
    "title_terms",
    "summary_terms",
    "body_terms",
    "root_terms",
    "plain_text",
    "facet_terms",
    "updated_at",
]


def indexable(text: str) -> str:
    """Text as analysed for the index: Markdown links and images reduced to their text (their addresses are not
    words of the text), NUL characters removed."""
    return _MD_IMAGE_OR_LINK.sub(r"\1", (text or "").replace("\x00", " "))


def plain(text: str) -> str:
    """Text as shown in snippets: indexable() without Markdown marks, whitespace collapsed."""
    return _SPACES.sub(" ", _MD_MARKS.sub("", indexable(text))).strip()


@dataclass(frozen=True)
class SearchEntry:
    """What an app tells the index about one object. `language` is the ISO 639-1 code of the text (ru, en, de…);
    `scope` names the collection searched together (practices, library…); `public` objects are what anonymous
    searches see; `facets` are the values its searches can filter on, e.g. {"region": "RU-MOS", "topic": ["sport",
    "youth"]} (see facets.py)."""

    obj: models.Model
    scope: str
    language: str
    title: str
    summary: str = ""
    body: str = ""
    public: bool = True
    updated_at: datetime | None = None
    facets: FacetValues = field(default_factory=dict)


def _document(entry: SearchEntry, now: datetime) -> SearchDocument:
    if not isinstance(entry.scope, str) or not _SCOPE_RE.match(entry.scope):
        raise ValidationError(
            _("A search scope is a short lower-case name of letters, digits, dots, dashes and underscores."),
            code="invalid_scope",
        )
    if entry.obj.pk is None:
        raise ValidationError(_("Only saved objects can be indexed for search."), code="unsaved_object")
    language = language_code(entry.language)
    if len(language) > 16:
        raise ValidationError(_("Unknown language code."), code="invalid_language")
    fields = [indexable(text)[:MAX_FIELD_CHARS] for text in (entry.title, entry.summary, entry.body)]
    analysed = [index_text(field, language) for field in fields]
    summary, body = plain(entry.summary[:MAX_PLAIN_CHARS]), plain(entry.body[:MAX_PLAIN_CHARS])
    return SearchDocument(
        content_type=ContentType.objects.get_for_model(entry.obj),
        object_id=int(entry.obj.pk),
        scope=entry.scope,
        language=language,
        is_public=bool(entry.public),
        title_terms=analysed[0].terms,
        summary_terms=analysed[1].terms,
        body_terms=analysed[2].terms,
        root_terms=" ".join(a.roots for a in analysed if a.roots),
        plain_text=" ".join(part for part in (summary, body) if part)[:MAX_PLAIN_CHARS],
        facet_terms=facet_terms(entry.facets),
        updated_at=entry.updated_at or now,
    )


@transaction.atomic
def search_index_many(entries: Iterable[SearchEntry], *, batch_size: int = 500, now: datetime | None = None) -> int:
    """Add or replace the index rows of many objects (an upsert per batch). Returns how many were written."""
    now = now or timezone.now()
    written = 0
    batch: list[SearchDocument] = []
    for entry in entries:
        batch.append(_document(entry, now))
        if len(batch) >= batch_size:
            written += _upsert(batch)
            batch = []
    if batch:
        written += _upsert(batch)
    return written


def _upsert(documents: list[SearchDocument]) -> int:
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=_UPDATE_FIELDS,
    )
    return len(documents)


def search_index(
    *,
    obj: models.Model,
    scope: str,
    language: str,
    title: str,
    summary: str = "",
    body: str = "",
    public: bool = True,
    updated_at: datetime | None = None,
    facets: FacetValues | None = None,
    now: datetime | None = None,
) -> None:
    """Add `obj` to the index of `scope`, or replace what the index holds for it."""
    entry = SearchEntry(
        obj=obj,
        scope=scope,
        language=language,
        title=title,
        summary=summary,
        body=body,
        public=public,
        updated_at=updated_at,
        facets=facets or {},
    )
    search_index_many([entry], now=now)


@transaction.atomic
def search_remove(obj: models.Model) -> int:
    """Take `obj` out of the index. Returns 1 if it was there, else 0."""
    if obj.pk is None:
        return 0
    deleted, _counts = SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=int(obj.pk)
    ).delete()
    return deleted


@transaction.atomic
def search_clear(*, scope: str) -> int:
    """Empty the index of one scope. Returns how many rows went."""
    deleted, _counts = SearchDocument.objects.filter(scope=scope).delete()
    return deleted


def search_reindex(*, scope: str | None = None) -> dict[str, int]:
    """Rebuild the index of one registered scope, or of all of them: each in its own transaction, the scope is
    emptied and its app's reindex callable writes it anew. Returns the number of documents per scope."""
    scopes = registered_scopes()
    if scope is not None and scope not in scopes:
        raise ValidationError(
            _("No search scope named %(scope)s is registered.") % {"scope": scope}, code="unknown_scope"
        )
    counts: dict[str, int] = {}
    for name in [scope] if scope is not None else sorted(scopes):
        with transaction.atomic():
            search_clear(scope=name)
            scopes[name]()
            counts[name] = SearchDocument.objects.filter(scope=name).count()
    return counts
