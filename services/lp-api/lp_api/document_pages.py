"""Pages of stored v3 documents (participants, partnerships) without deep OFFSET scans.

v3 numbers its pages, but a full sync asks for them in order: the last key of page N is remembered per
(token, query) in `page_cursors`, so page N+1 seeks straight to it through the (lead provider, sort
column, id) index. Without a recent cursor the page's first key is found by an OFFSET over that index
alone (an index-only scan: no documents read), then the page itself is a seek. Orders by two columns
fall back to a plain OFFSET (rare, and only for partial syncs).
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import Table, and_, delete, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from lp_api.adapters import page_cursors
from lp_api.v3_params import ListParams, SortKey

CURSOR_LIFETIME = timedelta(minutes=15)
DEFAULT_SORT = (SortKey("created_at", descending=False),)


def document_page(session: Session, table: Table, where: list, params: ListParams, *, token_id: str | None) -> list[str]:
    if params.beyond_any_data:
        return []
    sort = params.sort or DEFAULT_SORT
    if len(sort) > 1:
        order = [table.c[k.field].desc() if k.descending else table.c[k.field].asc() for k in sort] + [table.c.id.asc()]
        return list(session.execute(select(table.c.document).where(*where).order_by(*order)
                                    .limit(params.per_page).offset(params.offset)).scalars())
    column, descending = table.c[sort[0].field], sort[0].descending
    order = (column.desc(), table.c.id.desc()) if descending else (column.asc(), table.c.id.asc())
    query_key = hashlib.sha256(f"{table.name}:{params.key}".encode()).hexdigest()
    condition = list(where)
    if params.page > 1:
        start = (_cursor(session, token_id, query_key, params.page - 1) if token_id else None) or session.execute(
            select(column, table.c.id).where(*where).order_by(*order).offset(params.offset - 1).limit(1)).first()
        if start is None:
            return []
        key = tuple_(column, table.c.id)
        start = tuple_(literal(start[0], column.type), literal(start[1], table.c.id.type))
        after = key < start if descending else key > start
        condition.append(after)
    rows = session.execute(select(table.c.document, column, table.c.id).where(*condition).order_by(*order)
                           .limit(params.per_page)).all()
    if token_id and len(rows) == params.per_page:
        _remember(session, token_id, query_key, params.page, rows[-1][1], rows[-1][2])
    return [r[0] for r in rows]


def _cursor(session: Session, token_id: str, query_key: str, page: int):
    return session.execute(select(page_cursors.c.sort_value, page_cursors.c.last_id).where(
        page_cursors.c.token_id == token_id, page_cursors.c.query_key == query_key, page_cursors.c.page == page,
        page_cursors.c.saved_at > func.now() - CURSOR_LIFETIME)).first()


def _remember(session: Session, token_id: str, query_key: str, page: int, sort_value, last_id: str) -> None:
    if page == 1:  # a new sync: forget this token's old cursors
        session.execute(delete(page_cursors).where(page_cursors.c.token_id == token_id, or_(
            page_cursors.c.saved_at < func.now() - CURSOR_LIFETIME,
            and_(page_cursors.c.query_key == query_key, page_cursors.c.page > 1))))
    statement = insert(page_cursors).values(token_id=token_id, query_key=query_key, page=page, sort_value=sort_value,
                                            last_id=last_id)
    session.execute(statement.on_conflict_do_update(
        index_elements=[page_cursors.c.token_id, page_cursors.c.query_key, page_cursors.c.page],
        set_={"sort_value": statement.excluded.sort_value, "last_id": statement.excluded.last_id,
              "saved_at": func.now()}))
