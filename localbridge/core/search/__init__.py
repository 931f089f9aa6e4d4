"""Morphology-aware full-text search, one interface over two backends (SQLite FTS5 with bm25, PostgreSQL full-text
with ts_rank_cd), both fed with text analysed here: pymorphy3 lemmas for Russian, Snowball stems for other languages,
plus word forms and Russian root prefixes. See docs/search.md.

Apps use only what this package exports:

    search_index(obj=..., scope="practices", language="ru", title=..., summary=..., body=..., public=True)
    search_remove(obj)
    hits, total = search_query("благоустройство дворов", scope="practices", limit=20, offset=0)
    register_scope("practices", reindex_callable)      # in AppConfig.ready(); `manage.py search_reindex`

The names are imported lazily (PEP 562) because core.models imports search.models while Django loads its apps."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from localbridge.core.search.analysis import lemmatize
    from localbridge.core.search.query import ParsedQuery
    from localbridge.core.search.registry import register_scope, registered_scopes, unregister_scope
    from localbridge.core.search.selectors import (
        RankedPage,
        SearchHit,
        search_cursor,
        search_match_sql,
        search_parse,
        search_query,
        search_ranked,
        search_similar,
    )
    from localbridge.core.search.services import (
        SearchEntry,
        search_clear,
        search_index,
        search_index_many,
        search_reindex,
        search_remove,
    )

_EXPORTS = {
    "lemmatize": "analysis",
    "ParsedQuery": "query",
    "register_scope": "registry",
    "registered_scopes": "registry",
    "unregister_scope": "registry",
    "RankedPage": "selectors",
    "SearchHit": "selectors",
    "search_cursor": "selectors",
    "search_match_sql": "selectors",
    "search_ranked": "selectors",
    "search_parse": "selectors",
    "search_query": "selectors",
    "search_similar": "selectors",
    "SearchEntry": "services",
    "search_clear": "services",
    "search_index": "services",
    "search_index_many": "services",
    "search_reindex": "services",
    "search_remove": "services",
}
__all__ = [
    "ParsedQuery",
    "RankedPage",
    "SearchEntry",
    "SearchHit",
    "lemmatize",
    "register_scope",
    "registered_scopes",
    "search_clear",
    "search_cursor",
    "search_index",
    "search_index_many",
    "search_match_sql",
    "search_parse",
    "search_query",
    "search_ranked",
    "search_reindex",
    "search_remove",
    "search_similar",
    "unregister_scope",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
