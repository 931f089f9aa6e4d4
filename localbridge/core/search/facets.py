"""Filter keys: the values a scope's searches filter on (a region, a topic, a year), stored with each document as
opaque tokens in the index (SearchDocument.facet_terms) so that both backends answer a filtered search by
intersecting posting lists: FTS5 matches the keys' column, PostgreSQL a GIN index on their tsvector.

A key is the filter's name and the value's UTF-8 bytes in hex ("region" + "RU-MOS" → "regionx52552d4d4f53"): one
token of letters and digits whatever the value holds, which neither tokenizer splits or folds, and which no word
of a text can be (the keys sit in a column of their own anyway)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NAME_RE = re.compile(r"^[a-z]{1,32}$")
MAX_VALUE_CHARS = 200

FacetValues = Mapping[str, Iterable[str | int] | str | int | None]


def facet_key(name: str, value: str | int) -> str:
    """The index token of one filter value."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValidationError(_("A filter name is a short word of lower-case Latin letters."), code="invalid_facet")
    text = str(value).strip()[:MAX_VALUE_CHARS]
    return f"{name}x{text.encode().hex()}"


def _values(values: Iterable[str | int] | str | int | None) -> list[str | int]:
    if values is None:
        return []
    if isinstance(values, str | int):
        return [values]
    return list(values)


def facet_terms(facets: FacetValues) -> str:
    """The keys of a document: every value of every filter it can be found by ('' for none), space-separated."""
    keys = {facet_key(name, value) for name, values in facets.items() for value in _values(values) if str(value)}
    return " ".join(sorted(keys))


def required_keys(facets: Mapping[str, str | int] | None) -> tuple[str, ...]:
    """The keys a search requires: one value per filter, all of them (empty values are no filter)."""
    if not facets:
        return ()
    return tuple(sorted({facet_key(name, value) for name, value in facets.items() if str(value).strip()}))


def to_fts5_keys(keys: Iterable[str]) -> str:
    """An FTS5 expression requiring every key, in the keys' column only."""
    return "facet_terms : (" + " AND ".join(f'"{key}"' for key in keys) + ")"


def to_tsquery_keys(keys: Iterable[str]) -> str:
    """A tsquery text requiring every key (to match the keys' own tsvector)."""
    return " & ".join(f"'{key}'" for key in keys)
