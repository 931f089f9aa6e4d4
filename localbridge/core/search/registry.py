"""Which app rebuilds which scope of the search index. An app registers, in its AppConfig.ready():

    register_scope("practices", practices.services.practice_search_reindex)

The callable takes no arguments and (re)indexes every object of its scope with search_index()/search_index_many();
`search_reindex` (the service and the management command) empties the scope first."""

from collections.abc import Callable

ReindexCallable = Callable[[], object]

_scopes: dict[str, ReindexCallable] = {}


def register_scope(scope: str, reindex: ReindexCallable) -> None:
    """Register (or replace) the callable that rebuilds `scope`."""
    _scopes[scope] = reindex


def unregister_scope(scope: str) -> None:
    _scopes.pop(scope, None)


def registered_scopes() -> dict[str, ReindexCallable]:
    return dict(_scopes)
