"""The two database backends: SQLite FTS5 ranked by bm25 and PostgreSQL full-text ranked by ts_rank_cd. They receive
the same analysed text and the same parsed query, and weight the fields alike: title 10, summary 4, body 1, roots
0.5 (bm25 column weights; the tsvector weights A/B/C/D scaled the same way).

The SQL is written by hand: bm25() exists only inside a query on the FTS5 table, and the PostgreSQL query needs the
generated column that the model does not declare. Every value is passed as a parameter."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from localbridge.core.search.query import ParsedQuery, to_fts5, to_tsquery

WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 1.0, "roots": 0.5}
_PG_WEIGHTS = "{%s,%s,%s,%s}" % tuple(  # noqa: UP031 (ts_rank_cd takes them as {D,C,B,A}, scaled to at most 1)
    WEIGHTS[name] / WEIGHTS["title"] for name in ("roots", "body", "summary", "title")
)
_PG_NORMALIZATION = 1  # divide the rank by 1 + log(document length), as bm25 discounts long documents


@dataclass(frozen=True, slots=True)
class Filters:
    scopes: Sequence[str]
    public: bool | None
    language: str
    ids: Iterable[int] | QuerySet | None
    exclude_id: int | None = None  # a SearchDocument id to leave out (similar documents)


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
    weights = ", ".join(str(WEIGHTS[name]) for name in ("title", "summary", "body", "roots"))
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
    return _fetch(select, count, [to_fts5(parsed), *params], limit, offset)


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
