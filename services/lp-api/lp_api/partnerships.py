"""Partnerships (lead provider + delivery partner + school, for a cohort) and the delivery partners a
lead provider may work with per cohort. lp-api owns both; registrations learns of partnerships from
lp-api.partnership.created / updated.
"""
from __future__ import annotations

import json
import uuid

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecf_shared.uow import UnitOfWork
from lp_api.adapters import lead_provider_delivery_partners, organisations, partnerships, school_contacts
from lp_api.api_audit import Caller, audit
from lp_api.domain.ecf_partnership import ecf_partnership_resource
from lp_api.domain.ecf_participant import same_content
from lp_api.domain.timestamps import v3_datetime
from lp_api.read_model_time import moved_forward, transaction_time
from lp_api.statements.store import ensure_statements
from lp_api.v3_bodies import attributes_of, cohort_or_none, invalid, uuid_or_none
from lp_api.v3_errors import V3Error, not_found

EXISTS = "Partnership already exists"
OTHER_PROVIDER = "Recruited by other provider"
NOT_YOUR_DELIVERY_PARTNER = "Not a delivery partner you have a relationship with for this cohort"
SCHOOL_NOT_FUNDED = ("The school you have entered has not registered to deliver DfE-funded training. "
                     "Contact the school for more information.")


def add_delivery_partner(session: Session, caller: Caller, delivery_partner_id: str, cohort: int) -> bool:
    """True when the relationship is new."""
    added = session.execute(insert(lead_provider_delivery_partners).values(
        lead_provider_id=caller.lead_provider_id, delivery_partner_id=delivery_partner_id, cohort=cohort)
        .on_conflict_do_nothing().returning(lead_provider_delivery_partners.c.cohort)).first()
    if added:
        audit(session, caller, "delivery_partner_added", "delivery_partner", delivery_partner_id, {"cohort": cohort})
    ensure_statements(session, caller.lead_provider_id, cohort)  # working in a cohort: its output statements
    return added is not None


def create_partnership(uow: UnitOfWork, caller: Caller, body) -> str:
    attributes = attributes_of(body, "ecf-partnership")
    cohort = cohort_or_none(attributes.get("cohort"))
    if cohort is None:
        raise invalid("cohort", "The '#/cohort' you have entered is invalid. Check cohort details and try again.")
    school = _organisation(uow.session, uuid_or_none(attributes.get("school_id")), "school")
    if school is None:
        raise invalid("school_id", "The '#/school_id' you have entered is invalid. Check school details and try again. "
                      "Contact the DfE for support if you are unable to find the '#/school_id'.")
    delivery_partner_id = _delivery_partner_id(uow.session, attributes.get("delivery_partner_id"))
    if not school["eligible"] or school["status"] == "closed":
        raise V3Error(422, SCHOOL_NOT_FUNDED, f"School {school['urn']} is not eligible for DfE-funded training")
    _check_relationship(uow.session, caller.lead_provider_id, delivery_partner_id, cohort)
    _check_not_partnered(uow.session, caller.lead_provider_id, school, cohort)
    now = transaction_time(uow.session)
    row = {"id": str(uuid.uuid4()), "lead_provider_id": caller.lead_provider_id, "school_id": school["id"],
           "delivery_partner_id": delivery_partner_id, "cohort": cohort, "created_at": now, "updated_at": now}
    try:
        with uow.session.begin_nested():
            uow.session.execute(partnerships.insert().values(**row, document=""))
    except IntegrityError:  # another request partnered the school for this cohort meanwhile
        _check_not_partnered(uow.session, caller.lead_provider_id, school, cohort)
        raise
    refresh_partnerships(uow.session, partnerships.c.id == row["id"])
    uow.publish("lp-api.partnership.created", _event(row), actor=caller.actor)
    audit(uow.session, caller, "partnership_created", "partnership", row["id"], _event(row))
    return partnership_document(uow.session, caller.lead_provider_id, row["id"])


def change_delivery_partner(uow: UnitOfWork, caller: Caller, partnership_id: str, body) -> str:
    current = uow.session.execute(select(partnerships).where(
        partnerships.c.id == partnership_id, partnerships.c.lead_provider_id == caller.lead_provider_id)
        .with_for_update()).mappings().first()
    if current is None:
        raise not_found()
    attributes = attributes_of(body, "ecf-partnership-update")
    delivery_partner_id = _delivery_partner_id(uow.session, attributes.get("delivery_partner_id"))
    if delivery_partner_id != current["delivery_partner_id"]:
        _check_relationship(uow.session, caller.lead_provider_id, delivery_partner_id, current["cohort"])
        uow.session.execute(update(partnerships).where(partnerships.c.id == partnership_id)
                            .values(delivery_partner_id=delivery_partner_id))
        refresh_partnerships(uow.session, partnerships.c.id == partnership_id)
        event = {**_event(current), "delivery_partner_id": delivery_partner_id,
                 "previous_delivery_partner_id": current["delivery_partner_id"]}
        uow.publish("lp-api.partnership.updated", event, actor=caller.actor)
        audit(uow.session, caller, "partnership_delivery_partner_changed", "partnership", partnership_id, event)
    return partnership_document(uow.session, caller.lead_provider_id, partnership_id)


def partnership_document(session: Session, lead_provider_id: str, partnership_id: str) -> str | None:
    return session.execute(select(partnerships.c.document).where(
        partnerships.c.id == partnership_id, partnerships.c.lead_provider_id == lead_provider_id)).scalar()


def refresh_partnerships(session: Session, where) -> None:
    """Recompute partnership documents (school details, delivery partner name, contacts); only real changes
    are written, and they move updated_at."""
    rows = list(session.execute(select(partnerships).where(where).order_by(partnerships.c.id).with_for_update())
                .mappings())
    if not rows:
        return
    organisation_ids = {r["school_id"] for r in rows} | {r["delivery_partner_id"] for r in rows}
    orgs = {o["id"]: o for o in session.execute(select(organisations).where(
        organisations.c.id.in_(organisation_ids))).mappings()}
    contacts = {c["school_id"]: c for c in session.execute(select(school_contacts).where(
        school_contacts.c.school_id.in_({r["school_id"] for r in rows}))).mappings()}
    for row in rows:
        delivery_partner = orgs.get(row["delivery_partner_id"])
        document = ecf_partnership_resource(row, school=orgs.get(row["school_id"]),
                                            delivery_partner_name=delivery_partner["name"] if delivery_partner else None,
                                            contacts=contacts.get(row["school_id"]), updated_at=None)
        if row["document"] and same_content(json.loads(row["document"]), document):
            continue
        updated_at = moved_forward(session, row["updated_at"]) if row["document"] else row["updated_at"]
        document["attributes"]["updated_at"] = v3_datetime(updated_at)
        session.execute(update(partnerships).where(partnerships.c.id == row["id"]).values(
            updated_at=updated_at, document=json.dumps(document, separators=(",", ":"))))


def _event(row: dict) -> dict:
    return {k: row[k] for k in ("delivery_partner_id", "school_id", "cohort", "lead_provider_id")} | {
        "partnership_id": row["id"]}


def _organisation(session: Session, organisation_id: str | None, type_: str) -> dict | None:
    if organisation_id is None:
        return None
    return session.execute(select(organisations).where(organisations.c.id == organisation_id,
                                                       organisations.c.type == type_)).mappings().first()


def _delivery_partner_id(session: Session, raw) -> str:
    delivery_partner = _organisation(session, uuid_or_none(raw), "delivery_partner")
    if delivery_partner is None:
        raise invalid("delivery_partner_id", "The '#/delivery_partner_id' you have entered is invalid. "
                      "Check delivery partner details and try again.")
    return delivery_partner["id"]


def _check_relationship(session: Session, lead_provider_id: str, delivery_partner_id: str, cohort: int) -> None:
    cohorts = sorted(session.execute(select(lead_provider_delivery_partners.c.cohort).where(
        lead_provider_delivery_partners.c.lead_provider_id == lead_provider_id,
        lead_provider_delivery_partners.c.delivery_partner_id == delivery_partner_id)).scalars())
    if cohort not in cohorts:
        available = (f"Delivery partner is available for {', '.join(map(str, cohorts))} cohort only" if cohorts
                     else "You have no relationship with this delivery partner")
        raise V3Error(422, NOT_YOUR_DELIVERY_PARTNER, available)


def _check_not_partnered(session: Session, lead_provider_id: str, school: dict, cohort: int) -> None:
    existing = session.execute(select(partnerships).where(partnerships.c.school_id == school["id"],
                                                          partnerships.c.cohort == cohort)).mappings().first()
    if existing is None:
        return
    if existing["lead_provider_id"] == lead_provider_id:
        raise V3Error(422, EXISTS, f"Partnership with school {school['urn']} for cohort {cohort} and delivery partner "
                      f"{existing['delivery_partner_id']} already exists")
    raise V3Error(422, OTHER_PROVIDER, "This partnership cannot be created as it has already partnered with "
                  "another provider")
