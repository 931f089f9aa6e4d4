"""The two database backends: SQLite FTS5 ranked by bm25 and PostgreSQL full-text ranked by ts_rank_cd. They receive
the same analysed text and the same parsed query, and weight the fields alike: title 10, summary 4, body 1, roots
0.5 (bm25 column weights; the tsvector weights A/B/C/D scaled the same way).

The SQL is written by hand: bm25() exists only inside a query on the FTS5 table, and the PostgreSQL query needs the
generated column that the model does not declare. Every value is passed as a parameter."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from localbridge.core.search.facets import to_fts5_keys, to_tsquery_keys
from localbridge.core.search.query import ParsedQuery, to_fts5, to_tsquery

# The title and summary alone, as the expression GIN index of migration core/0003_search_head indexes them: the
# cheap first pass of the ranking window on PostgreSQL. Must stay identical to the indexed expression.
HEAD_VECTOR = "to_tsvector('simple'::regconfig, d.title_terms || ' ' || d.summary_terms)"
# The filter keys, as the GIN expression index of migration core/0004_search_facets indexes them.
FACET_VECTOR = "to_tsvector('simple'::regconfig, d.facet_terms)"

WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 1.0, "roots": 0.5}
_PG_WEIGHTS = "{%s,%s,%s,%s}" % tuple(  # noqa: UP031 (ts_rank_cd takes them as {D,C,B,A}, scaled to at most 1)
    WEIGHTS[name] / WEIGHTS["title"] for name in ("roots", "body", "summary", "title")
)
SQLITE_WINDOW_FACTOR = 5  # bm25 costs about 1 µs a row, ts_rank_cd tens: SQLite ranks a window this much larger
_PG_NORMALIZATION = 1  # divide the rank by 1 + log(document length), as bm25 discounts long documents


@dataclass(frozen=True, slots=True)
class Filters:
    scopes: Sequence[str]
    public: bool | None
    language: str
    ids: Iterable[int] | QuerySet | None
    exclude_id: int | None = None  # a SearchDocument id to leave out (similar documents)
    keys: tuple[str, ...] = ()  # filter keys every document must have (facets.required_keys)


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    content_type_id: int
    object_id: int
    rank: float


def _where(filters: Filters) -> tuple[list[str], list[Any]]:
    clauses = ["d.scope IN (" + ", ".join(["%s"] * len(filters.scopes)) + ")"]
    params: list[Any] = list(filters.scopes)
    if filters.public is not None:
        clauses.append("d.is_public = %s")
        params.append(filters.public)
    if filters.language:
        clauses.append("d.language = %s")
        params.append(filters.language)
    if filters.exclude_id is not None:
        clauses.append("d.id <> %s")
        params.append(filters.exclude_id)
    if filters.keys and connection.vendor == "postgresql":  # on SQLite, part of the MATCH expression (_fts5)
        clauses.append(f"{FACET_VECTOR} @@ to_tsquery('simple'::regconfig, %s)")
        params.append(to_tsquery_keys(filters.keys))
    if filters.ids is not None:
        if isinstance(filters.ids, QuerySet):
            sql, sub_params = filters.ids.query.sql_with_params()
            clauses.append(f"d.object_id IN ({sql})")
            params.extend(sub_params)
        else:
            ids = [int(i) for i in filters.ids]
            if connection.vendor == "postgresql":
                clauses.append("d.object_id = ANY(%s)")
                params.append(ids)
            else:
                clauses.append("d.object_id IN (SELECT value FROM json_each(%s))")
                params.append(json.dumps(ids))
    return clauses, params


def _fts5(parsed: ParsedQuery, filters: Filters) -> str:
    """The FTS5 MATCH expression: the query, and the filter keys when there are any."""
    expression = to_fts5(parsed)
    if filters.keys and expression:
        return f"({expression}) AND {to_fts5_keys(filters.keys)}"
    return expression


def _bm25(weights: dict[str, float]) -> str:
    """bm25()'s column weights: the four text columns, and 0 for the filter keys (they never add to a score)."""
    return ", ".join(str(weights[name]) for name in ("title", "summary", "body", "roots")) + ", 0.0"


def run(parsed: ParsedQuery, filters: Filters, *, limit: int, offset: int) -> tuple[list[Row], int]:
    """The page of matching documents, best first (ties by id), and how many match in all."""
    if parsed.is_empty or not filters.scopes:
        return [], 0
    if connection.vendor == "postgresql":
        return _run_postgresql(parsed, filters, limit=limit, offset=offset)
    return _run_sqlite(parsed, filters, limit=limit, offset=offset)


def _fetch(select: str, count: str, params: list[Any], limit: int, offset: int) -> tuple[list[Row], int]:
    with connection.cursor() as cursor:
        cursor.execute(select, [*params, limit, offset])
        fetched = cursor.fetchall()
        if fetched:
            total = int(fetched[0][4])
        elif offset == 0:
            total = 0
        else:
            cursor.execute(count, params)
            total = int(cursor.fetchone()[0])
    return [Row(id=r[0], content_type_id=r[1], object_id=r[2], rank=float(r[3])) for r in fetched], total


def _run_sqlite(parsed: ParsedQuery, filters: Filters, *, limit: int, offset: int) -> tuple[list[Row], int]:
    where, params = _where(filters)
    weights = _bm25(WEIGHTS)
    conditions = " AND ".join(["core_searchdocument_fts MATCH %s", *where])
    # CROSS JOIN makes SQLite run the full-text match first and look the rows up by id; left to itself, the planner
    # may scan the scope's rows and run the match once per row.
    source = "FROM core_searchdocument_fts CROSS JOIN core_searchdocument d ON d.id = core_searchdocument_fts.rowid"
    # bm25() is only allowed in the query on the FTS5 table itself, so the window count wraps it.
    select = (
        "SELECT id, content_type_id, object_id, score, COUNT(*) OVER () FROM ("  # noqa: S608
        f"SELECT d.id, d.content_type_id, d.object_id, -bm25(core_searchdocument_fts, {weights}) AS score "
        f"{source} WHERE {conditions}) ORDER BY score DESC, id ASC LIMIT %s OFFSET %s"
    )
    count = f"SELECT COUNT(*) {source} WHERE {conditions}"
    return _fetch(select, count, [_fts5(parsed, filters), *params], limit, offset)


def _run_postgresql(parsed: ParsedQuery, filters: Filters, *, limit: int, offset: int) -> tuple[list[Row], int]:
    where, params = _where(filters)
    conditions = " AND ".join(["d.search_vector @@ q.query", *where])
    source = "FROM core_searchdocument d, to_tsquery('simple'::regconfig, %s) AS q(query)"
    select = (
        "SELECT d.id, d.content_type_id, d.object_id, "
        f"ts_rank_cd('{_PG_WEIGHTS}'::float4[], d.search_vector, q.query, {_PG_NORMALIZATION}) AS score, "
        f"COUNT(*) OVER () {source} WHERE {conditions} ORDER BY score DESC, d.id ASC LIMIT %s OFFSET %s"
    )
    count = f"SELECT COUNT(*) {source} WHERE {conditions}"
    return _fetch(select, count, [to_tsquery(parsed), *params], limit, offset)


# --- the ranking window ---------------------------------------------------------------------------------------
# Ranking costs in proportion to the matches (every match is scored before the page is taken). The windowed search
# scores a bounded set of candidates instead, and stops counting at `count_cap`. See docs/search.md, "Cost".
# - SQLite: bm25 is cheap (about 1 µs a row), but it can only be computed inside the scan of the FTS5 table, and a
#   list of candidate ids makes FTS5 re-run the whole match for each id. So the window is the newest `window`
#   matches (FTS5 walks its index in descending rowid order and stops), each scored by bm25 as it is read.
# - PostgreSQL: ts_rank_cd reads each candidate's whole tsvector from TOAST (tens of µs a row). So the window is
#   small and chosen for relevance: the first `window // 2` documents whose title or summary has every word of the
#   query (an expression GIN index on title and summary), then the first matches anywhere up to `window`, in the
#   index's order. The planner is told not to scan the table, nor walk a b-tree index, row by row: with a LIMIT it
#   would otherwise read and test one tsvector after another until enough match (730 ms instead of 10 for a
#   sequential scan, 60 ms for a walk of the scope index, measured), where the GIN index finds them at once.
# Below the window (few matches), both rank every match, exactly as run() does.


def match_sql(parsed: ParsedQuery, filters: Filters, *, limit: int | None = None) -> tuple[str, list[Any]]:
    """SQL selecting the `object_id` of (at most `limit`) matching documents, to use as a subquery."""
    where, params = _where(filters)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT d.object_id FROM core_searchdocument d "  # noqa: S608
            f"WHERE d.search_vector @@ to_tsquery('simple'::regconfig, %s) AND {' AND '.join(where)}"
        )
        params = [to_tsquery(parsed), *params]
    else:
        sql = (
            "SELECT d.object_id FROM core_searchdocument_fts CROSS JOIN core_searchdocument d "  # noqa: S608
            f"ON d.id = core_searchdocument_fts.rowid WHERE core_searchdocument_fts MATCH %s AND {' AND '.join(where)}"
        )
        params = [_fts5(parsed, filters), *params]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(int(limit))
    return sql, params


@contextmanager
def search_cursor() -> Iterator[Any]:
    """A cursor for statements that embed a full-text match. On PostgreSQL, inside a transaction told to prefer the
    indexes (see above); on SQLite, a plain cursor (a transaction there would take the write lock)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        yield cursor


def run_windowed(
    parsed: ParsedQuery, filters: Filters, *, limit: int, offset: int, window: int, count_cap: int | None
) -> tuple[list[Row], int, bool]:
    """The page of the best candidates, the number of matches (up to `count_cap`) and whether that number is
    exact (False: more than `count_cap` match). `count_cap=None`: no count (the caller counts otherwise); the
    total returned is then -1."""
    if parsed.is_empty or not filters.scopes:
        return [], 0, True
    total = -1
    with search_cursor() as cursor:
        if count_cap is not None:
            count_sql, count_params = match_sql(parsed, filters, limit=count_cap + 1)
            cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) AS m", count_params)  # noqa: S608
            total = int(cursor.fetchone()[0])
            if total == 0 or offset >= total:
                return [], min(total, count_cap), total <= count_cap
        if connection.vendor == "postgresql":
            sql, params = _ranked_postgresql(parsed, filters, window)
        else:
            sql, params = _ranked_sqlite(parsed, filters, window * SQLITE_WINDOW_FACTOR)
        cursor.execute(f"{sql} ORDER BY score DESC, id ASC LIMIT %s OFFSET %s", [*params, limit, offset])
        fetched = cursor.fetchall()
    rows = [Row(id=r[0], content_type_id=r[1], object_id=r[2], rank=float(r[3])) for r in fetched]
    if count_cap is None:
        return rows, -1, False
    return rows, min(total, count_cap), total <= count_cap


def _ranked_sqlite(parsed: ParsedQuery, filters: Filters, window: int) -> tuple[str, list[Any]]:
    where, params = _where(filters)
    weights = _bm25(WEIGHTS)
    conditions = " AND ".join(["core_searchdocument_fts MATCH %s", *where])
    sql = (
        "SELECT id, content_type_id, object_id, score FROM ("  # noqa: S608
        f"SELECT d.id, d.content_type_id, d.object_id, -bm25(core_searchdocument_fts, {weights}) AS score "
        "FROM core_searchdocument_fts CROSS JOIN core_searchdocument d ON d.id = core_searchdocument_fts.rowid "
        f"WHERE {conditions} ORDER BY core_searchdocument_fts.rowid DESC LIMIT %s)"
    )
    return sql, [_fts5(parsed, filters), *params, window]


def _ranked_postgresql(parsed: ParsedQuery, filters: Filters, window: int) -> tuple[str, list[Any]]:
    where, params = _where(filters)
    conditions = " AND ".join(where)
    query = to_tsquery(parsed)
    parts = [
        "SELECT d.id FROM core_searchdocument d "  # noqa: S608
        f"WHERE d.search_vector @@ to_tsquery('simple'::regconfig, %s) AND {conditions} LIMIT %s"
    ]
    part_params: list[Any] = [query, *params, window]
    head = to_tsquery(parsed, head=True)
    if head:
        parts.insert(
            0,
            f"SELECT d.id FROM core_searchdocument d WHERE {HEAD_VECTOR} "  # noqa: S608
            f"@@ to_tsquery('simple'::regconfig, %s) AND {conditions} LIMIT %s",
        )
        part_params = [head, *params, max(1, window // 2), *part_params]
    # The head first, then the rest, the union cut at `window`; each part in its own subquery for its own LIMIT.
    candidates = " UNION ALL ".join(f"SELECT * FROM ({part}) AS c{i}" for i, part in enumerate(parts))  # noqa: S608
    sql = (
        "SELECT d.id, d.content_type_id, d.object_id, "  # noqa: S608
        f"ts_rank_cd('{_PG_WEIGHTS}'::float4[], d.search_vector, to_tsquery('simple'::regconfig, %s), "
        f"{_PG_NORMALIZATION}) AS score FROM core_searchdocument d "
        f"WHERE d.id IN (SELECT id FROM ({candidates}) AS c LIMIT %s)"
    )
    return sql, [query, *part_params, window]
