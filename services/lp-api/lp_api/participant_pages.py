"""A page of GET /api/v3/participants/ecf as one statement: the caller's token and rate limit (rate_limit),
where the page starts, the page's stored v3 documents joined into the response body, and the cursor for
the next page.

Where a page starts (v3 numbers its pages; see document_pages for the same scheme through SQLAlchemy):
page N > 1 seeks from the last key of page N-1 that this token's sync saved in `page_cursors`; without one,
the first key is found by an OFFSET over the (lead provider, sort column, id) index alone (an index-only
scan: no documents read). Either way the page itself is a seek on that index, so the last page of a sync
costs what the first does. Page 1 forgets the token's older cursors for the query (a new sync).

The documents come back as UTF-8 bytes (textsend, binary results) and are joined into '{"data":[...]}', so
Python neither parses nor re-encodes them. (Joining them in PostgreSQL with string_agg measured slower:
the one multi-megabyte value is copied several times on its way out.) The cursor for the next page comes
from the page's keys alone, read from the index (an index-only scan), so the documents are read once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from lp_api.document_pages import CURSOR_LIFETIME, DEFAULT_SORT
from lp_api.domain.ecf_participant import TRAINING_STATUSES
from lp_api.rate_limit import AUTH_COLUMNS, AUTH_CTES, Counted, counted_from
from lp_api.v3_params import ListParams, cohort_numbers

_LIFETIME = f"make_interval(secs => {int(CURSOR_LIFETIME.total_seconds())})"


@dataclass(frozen=True)
class Page:
    counted: Counted
    body: bytes  # '{"data":[...]}' (no documents when the request was over the rate limit)


def served_by_one_statement(params: ListParams) -> bool:
    """The queries this statement answers: one sort key, known training statuses, no merged-id filter,
    a page number PostgreSQL can offset to. Everything else takes the general path (participants_query)."""
    statuses = params.filter("training_status")
    return (len(params.sort) <= 1 and not params.beyond_any_data
            and params.filter("from_participant_id") is None
            and (statuses is None or set(statuses) <= set(TRAINING_STATUSES)))


def plans_for(params: ListParams) -> str:
    """'custom' when the best plan depends on the values: updated_since under another sort may be best
    served by the updated_at index and a sort (few recent changes) or by the sort column's index (many)."""
    sort = (params.sort or DEFAULT_SORT)[0]
    return "custom" if params.updated_since is not None and sort.field != "updated_at" else "generic"


def page_statement(params: ListParams) -> tuple[str, dict]:
    """The statement's text (one per shape, prepared once per connection) and its page parameters."""
    sort = (params.sort or DEFAULT_SORT)[0]
    statuses = params.filter("training_status")
    sql = _statement(sort.field, sort.descending, params.page == 1, params.cohorts is not None,
                     params.updated_since is not None, statuses is not None)
    values = {"query_key": hashlib.sha256(f"participants:{params.key}".encode()).hexdigest(),
              "page": params.page, "per_page": params.per_page, "offset": params.offset}
    if params.cohorts is not None:
        values["cohorts"] = cohort_numbers(params.cohorts) or [0]
    if params.updated_since is not None:
        values["updated_since"] = params.updated_since
    if statuses is not None:
        values["statuses"] = list(statuses)
    return sql, values


def page_from(rows: list[tuple]) -> Page | None:
    """None: no such token. The caller's row comes first, then the page's documents in order."""
    counted = counted_from(rows[0] if rows else None)
    if counted is None:
        return None
    return Page(counted=counted, body=b'{"data":[' + b",".join(row[4] for row in rows[1:]) + b"]}")


@lru_cache(maxsize=64)
def _statement(field: str, descending: bool, first_page: bool, cohorts: bool, updated_since: bool,
               statuses: bool) -> str:
    if field not in ("created_at", "updated_at"):
        raise ValueError(field)
    direction, after = ("desc", "<") if descending else ("asc", ">")
    order = f"{field} {direction}, id {direction}"
    where = "lead_provider_id = (select lead_provider_id from allowed)"
    if cohorts:
        where += " and cohorts && %(cohorts)s::integer[]"
    if updated_since:
        where += " and updated_at >= %(updated_since)s::timestamptz"
    if statuses:
        where += " and training_statuses && %(statuses)s::varchar[]"
    if first_page:
        start, seek = f""", forgotten_cursors as (
    delete from page_cursors
    where token_id = (select token_id from allowed) and not (query_key = %(query_key)s::varchar and page = 1)
      and (saved_at < now() - {_LIFETIME} or (query_key = %(query_key)s::varchar and page > 1))
)""", ""
    else:
        start = f""", start as (
    (select sort_value, last_id from page_cursors
     where token_id = (select token_id from allowed) and query_key = %(query_key)s::varchar
       and page = %(page)s::bigint - 1 and saved_at > now() - {_LIFETIME})
    union all
    (select {field}, id from participants where {where} order by {order} offset %(offset)s::bigint - 1 limit 1)
    limit 1
)"""
        seek = f" and ({field}, id) {after} (select sort_value, last_id from start)"
    return f"""with {AUTH_CTES}{start}, page_end as (
    select count(*) as n, (array_agg({field}))[count(*)] as last_value, (array_agg(id))[count(*)] as last_id
    from (select {field}, id from participants where {where}{seek} order by {order} limit %(per_page)s::integer) keys
), saved_cursor as (
    insert into page_cursors (token_id, query_key, page, sort_value, last_id)
    select (select token_id from allowed), %(query_key)s::varchar, %(page)s::bigint, last_value, last_id
    from page_end where n = %(per_page)s::integer
    on conflict (token_id, query_key, page)
    do update set sort_value = excluded.sort_value, last_id = excluded.last_id, saved_at = now()
)
select {AUTH_COLUMNS}, null::bytea from tok cross join counted
union all
(select null, null, null, null, textsend(document) from participants where {where}{seek}
 order by {order} limit %(per_page)s::integer)"""
