"""What delivery partners and lead providers see in the browser (beyond v3): the schools they are partnered with,
per cohort, with each school's contacts exactly as the partnership resource sends them; the lead providers (or
delivery partners) they work with; and the participants they train, filtered, a page at a time or every one of them
as a CSV file that PostgreSQL writes (COPY) and that is passed on as it arrives.

Authorised by the caller's membership (a platform access token), not by a lead provider API token: `scope` asks
`ecf_shared.auth.authorisation.readable` which of the caller's organisations of the viewpoint's type are in view
(hat: the acting one; blended: all of them, or the one asked for; DfE staff: everything). A participant is shown
exactly when the lead provider API shows it (a provider-led training through a partnership, at a school with a URN).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, func, literal, select, true
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import ReadScope, readable
from ecf_shared.errors import Forbidden, NotFound
from lp_api.adapters import (enrolments, induction_statuses, lead_provider_delivery_partners, organisations,
                             partnerships, teachers)

CSV_CHUNK = 64 * 1024  # bytes of CSV passed on at a time
CSV_COLUMNS = ("full_name", "trn", "school_name", "school_urn", "participant_type", "cohort", "lead_provider_name",
               "delivery_partner_name", "training_status", "participant_status", "induction_status")
PARTICIPANT_TYPES = ("ect", "mentor")
TRAINING_STATUSES = ("active", "deferred", "withdrawn")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Viewpoint:
    """One kind of provider organisation looking at its data: which column holds its own organisation, and which the
    organisations on the other side of its partnerships (a filter)."""

    path: str
    organisation_type: str
    own: str
    other: str
    others_path: str
    plural: str


DELIVERY_PARTNER = Viewpoint("delivery-partner", "delivery_partner", "delivery_partner_id", "lead_provider_id",
                             "lead-providers", "delivery partners")
LEAD_PROVIDER = Viewpoint("lead-provider", "lead_provider", "lead_provider_id", "delivery_partner_id",
                          "delivery-partners", "lead providers")
VIEWPOINTS = (DELIVERY_PARTNER, LEAD_PROVIDER)


def scope(principal: Principal, viewpoint: Viewpoint, organisation_id: str | None) -> ReadScope:
    """The caller's organisations of the viewpoint's type in view; 403 for anyone with none (a school user)."""
    found = readable(principal, organisation_id=organisation_id, organisation_types=(viewpoint.organisation_type,))
    if not found.everything and not found.organisation_ids:
        raise Forbidden(f"Only {viewpoint.plural}' users can see this.", code="wrong_organisation_type")
    return found


def _in_scope(column, found: ReadScope):
    return true() if found.everything else column.in_(sorted(found.organisation_ids))


# --- the other side: lead providers a delivery partner works with, or a lead provider's delivery partners ----------

def others(session: Session, viewpoint: Viewpoint, found: ReadScope) -> list[dict]:
    own, other = lead_provider_delivery_partners.c[viewpoint.own], lead_provider_delivery_partners.c[viewpoint.other]
    query = (select(other.label("id"), func.coalesce(organisations.c.name, "").label("name"),
                    func.array_agg(lead_provider_delivery_partners.c.cohort.distinct()).label("cohorts"))
             .outerjoin(organisations, organisations.c.id == other)
             .where(_in_scope(own, found))
             .group_by(other, organisations.c.name)
             .order_by(func.lower(func.coalesce(organisations.c.name, "")), other))
    return [{"id": r.id, "name": r.name, "cohorts": sorted(r.cohorts)} for r in session.execute(query)]


# --- partnerships ----------------------------------------------------------------------------------------------------

_school = organisations.alias("school")
_lead_provider = organisations.alias("lead_provider")
_delivery_partner = organisations.alias("delivery_partner")


def _partnership_query(viewpoint: Viewpoint, found: ReadScope, filters: dict):
    trained = (select(func.count()).select_from(enrolments).where(
        enrolments.c.school_id == partnerships.c.school_id, enrolments.c.cohort == partnerships.c.cohort,
        enrolments.c.lead_provider_id == partnerships.c.lead_provider_id,
        enrolments.c.delivery_partner_id == partnerships.c.delivery_partner_id,
        func.coalesce(enrolments.c.school_urn, _school.c.urn).isnot(None)).scalar_subquery())
    where = [_in_scope(partnerships.c[viewpoint.own], found)]
    for name in ("cohort", "school_id", viewpoint.other):
        if filters.get(name) is not None:
            where.append(partnerships.c[name] == filters[name])
    return (select(partnerships.c.id, partnerships.c.cohort, partnerships.c.school_id,
                   func.coalesce(_school.c.name, "").label("school_name"), _school.c.urn.label("school_urn"),
                   partnerships.c.lead_provider_id, func.coalesce(_lead_provider.c.name, "").label("lead_provider_name"),
                   partnerships.c.delivery_partner_id,
                   func.coalesce(_delivery_partner.c.name, "").label("delivery_partner_name"),
                   partnerships.c.created_at, partnerships.c.updated_at, partnerships.c.document,
                   trained.label("participants"))
            .select_from(partnerships)
            .outerjoin(_school, _school.c.id == partnerships.c.school_id)
            .outerjoin(_lead_provider, _lead_provider.c.id == partnerships.c.lead_provider_id)
            .outerjoin(_delivery_partner, _delivery_partner.c.id == partnerships.c.delivery_partner_id)
            .where(*where))


def _partnership(row) -> dict:
    attributes = json.loads(row.document)["attributes"] if row.document else {}
    return {**{k: v for k, v in row._mapping.items() if k != "document"},
            # exactly what the lead provider API's partnership resource sends
            "contacts": {"induction_tutor_name": attributes.get("induction_tutor_name"),
                         "induction_tutor_email": attributes.get("induction_tutor_email"),
                         "school_contacts": attributes.get("school_contacts") or []}}


def partnership_page(session: Session, viewpoint: Viewpoint, found: ReadScope, filters: dict, *, offset: int,
                     limit: int) -> tuple[list[dict], int]:
    query = _partnership_query(viewpoint, found, filters)
    ordered = query.order_by(partnerships.c.cohort.desc(), func.lower(_school.c.name), partnerships.c.id)
    return _page(session, query, ordered, _partnership, offset=offset, limit=limit)


def _page(session: Session, query, ordered, shown, *, offset: int, limit: int) -> tuple[list[dict], int]:
    """A page of `ordered` (each row `shown`) and how many rows `query` has."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if offset >= total:
        return [], total
    return [shown(r) for r in session.execute(ordered.offset(offset).limit(limit))], total


def one_partnership(session: Session, viewpoint: Viewpoint, found: ReadScope, partnership_id: str) -> dict:
    """Another organisation's partnership is as unknown as a missing one."""
    row = session.execute(_partnership_query(viewpoint, found, {}).where(partnerships.c.id == partnership_id)).first()
    if row is None:
        raise NotFound("No such partnership.")
    return _partnership(row)


# --- participants ----------------------------------------------------------------------------------------------------

def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _participant_query(viewpoint: Viewpoint, found: ReadScope, filters: dict):
    urn = func.coalesce(enrolments.c.school_urn, _school.c.urn)
    is_ect = enrolments.c.participant_type == "ect"
    where = [enrolments.c.lead_provider_id.isnot(None), enrolments.c.delivery_partner_id.isnot(None), urn.isnot(None),
             _in_scope(enrolments.c[viewpoint.own], found)]
    for name in ("cohort", "school_id", "participant_type", "training_status", viewpoint.other):
        if filters.get(name) is not None:
            where.append(enrolments.c[name] == filters[name])
    search = (filters.get("q") or "").strip()
    if re.fullmatch(r"\d{7}", search):
        where.append(teachers.c.trn == search)
    elif search:
        where.append(func.concat(teachers.c.first_name, " ", teachers.c.last_name).ilike(_like(search), escape="\\"))
    return (select(enrolments.c.id, enrolments.c.teacher_id,
                   func.concat(teachers.c.first_name, " ", teachers.c.last_name).label("full_name"),
                   teachers.c.first_name, teachers.c.last_name, teachers.c.trn, enrolments.c.participant_type,
                   enrolments.c.cohort, enrolments.c.training_status, enrolments.c.participant_status,
                   case((is_ect, induction_statuses.c.status), else_=literal(None)).label("induction_status"),
                   enrolments.c.school_id, func.coalesce(_school.c.name, "").label("school_name"),
                   urn.label("school_urn"), enrolments.c.lead_provider_id,
                   func.coalesce(_lead_provider.c.name, "").label("lead_provider_name"),
                   enrolments.c.delivery_partner_id,
                   func.coalesce(_delivery_partner.c.name, "").label("delivery_partner_name"))
            .select_from(enrolments)
            .join(teachers, teachers.c.id == enrolments.c.teacher_id)
            .outerjoin(_school, _school.c.id == enrolments.c.school_id)
            .outerjoin(_lead_provider, _lead_provider.c.id == enrolments.c.lead_provider_id)
            .outerjoin(_delivery_partner, _delivery_partner.c.id == enrolments.c.delivery_partner_id)
            .outerjoin(induction_statuses, and_(is_ect, induction_statuses.c.trn == teachers.c.trn))
            .where(*where))


def _in_order(query):
    return query.order_by(func.lower(teachers.c.last_name), func.lower(teachers.c.first_name), teachers.c.trn,
                          enrolments.c.id)


def participant_page(session: Session, viewpoint: Viewpoint, found: ReadScope, filters: dict, *, offset: int,
                     limit: int) -> tuple[list[dict], int]:
    query = _participant_query(viewpoint, found, filters)
    return _page(session, query, _in_order(query), lambda r: dict(r._mapping), offset=offset, limit=limit)


def _spreadsheet_safe(column):
    """Text a spreadsheet never runs as a formula: a cell beginning = + - @ (a name, a school) gets a leading '."""
    text = cast(column, String)  # none stays none: an empty cell
    return case((func.left(text, 1).in_(FORMULA_STARTS), literal("'") + text), else_=text)


def csv_statement(engine: Engine, viewpoint: Viewpoint, found: ReadScope, filters: dict) -> tuple[str, dict]:
    """The COPY that writes the participants the filters select as CSV (a header, then a line each, by name)."""
    rows = _participant_query(viewpoint, found, filters).subquery("selected")
    query = (select(*[_spreadsheet_safe(rows.c[name]).label(name) for name in CSV_COLUMNS])
             .order_by(func.lower(rows.c.last_name), func.lower(rows.c.first_name), rows.c.trn, rows.c.id))
    compiled = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    return f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER true)", dict(compiled.params)


def participant_csv(engine: Engine, viewpoint: Viewpoint, found: ReadScope, filters: dict) -> Iterator[bytes]:
    """Every participant the filters select, as CSV, as PostgreSQL writes it (COPY ... TO STDOUT): passed on in chunks
    of CSV_CHUNK bytes as the rows arrive, so no more than a chunk is ever held, however many there are."""
    statement, params = csv_statement(engine, viewpoint, found, filters)
    with engine.connect() as conn:
        with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(statement, params) as copy:
            chunk = bytearray()
            for data in copy:
                chunk += data
                if len(chunk) >= CSV_CHUNK:
                    yield bytes(chunk)
                    chunk.clear()
            if chunk:
                yield bytes(chunk)
