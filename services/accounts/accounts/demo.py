"""Demo scenarios for the local run: organisations and personas (idempotent)."""
from __future__ import annotations

import uuid

from accounts import audit, contacts
from accounts.adapters import start_mappers
from accounts.domain.model import Membership, Organisation, User
from ecf_shared.events.envelope import SYSTEM
from ecf_shared.uow import UnitOfWork

NS = uuid.UUID("9b8f0c7e-3c1a-4a8e-9d51-6f1f3f8b2a10")


def _id(key: str) -> str:
    return str(uuid.uuid5(NS, key))


ORGANISATIONS = [
    dict(key="school-1", type="school", name="Oakfield Primary School", urn="100001", status="open",
         contact_email="office@oakfield.example", establishment_type="Community school", state_funded=True, eligible=True),
    dict(key="school-2", type="school", name="Riverside Academy", urn="100002", status="open",
         contact_email="admin@riverside.example", establishment_type="Academy converter", state_funded=True, eligible=True),
    dict(key="school-3", type="school", name="Hillside Primary School", urn="100003", status="open",
         contact_email="office@hillside.example", establishment_type="Academy sponsor led", state_funded=True,
         eligible=True),
    dict(key="lp-1", type="lead_provider", name="Northern Lights Teaching", ukprn="10000001", status="open"),
    dict(key="lp-2", type="lead_provider", name="Brightside Learning", ukprn="10000002", status="open"),
    dict(key="dp-1", type="delivery_partner", name="Delta Partners", status="open"),
    dict(key="ab-1", type="appropriate_body", name="Kingsbridge Teaching School Hub", status="open"),
    dict(key="ab-2", type="appropriate_body", name="Westmoor Teaching School Hub", status="open"),
    dict(key="tp-1", type="training_provider", name="Harbour Training", status="open"),
]

PERSONAS = [
    dict(key="alice", email="alice@oakfield.example", first="Alice", last="Approver",
         memberships=[("school-1", "approver")], note="school approver at Oakfield"),
    dict(key="bob", email="bob@oakfield.example", first="Bob", last="Teacher",
         memberships=[("school-1", "end_user")], note="school end user at Oakfield"),
    dict(key="carol", email="carol@oakfield.example", first="Carol", last="Clerk",
         memberships=[("school-1", "end_user")], note="another Oakfield end user"),
    dict(key="priya", email="priya@providers.example", first="Priya", last="Multi",
         memberships=[("ab-1", "end_user"), ("ab-2", "end_user"), ("school-2", "end_user"), ("tp-1", "approver"),
                      ("dp-1", "end_user")], note="provider user with access to 5 organisations"),
    dict(key="sasha", email="sasha@trust.example", first="Sasha", last="Trust",
         memberships=[("school-2", "end_user"), ("school-3", "approver")],
         note="works for two schools of a trust (Riverside and Hillside)"),
    dict(key="abby", email="abby@kingsbridge.example", first="Abby", last="Body",
         memberships=[("ab-1", "approver")], note="appropriate body user"),
    dict(key="hana", email="hana@hubs.example", first="Hana", last="Hub",
         memberships=[("ab-1", "end_user"), ("ab-2", "end_user")],
         note="appropriate body user at two teaching school hubs (Kingsbridge and Westmoor)"),
    dict(key="dana", email="dana@deltapartners.example", first="Dana", last="Delivery",
         memberships=[("dp-1", "end_user")],
         note="delivery partner user (Delta Partners, working with Northern Lights and Brightside)"),
    dict(key="leo", email="leo@northernlights.example", first="Leo", last="Lead",
         memberships=[("lp-1", "end_user")], note="lead provider user (Northern Lights Teaching)"),
    dict(key="sam", email="sam@education.gov.uk", first="Sam", last="Staff", staff_role="admin",
         memberships=[], note="DfE staff admin"),
    dict(key="fiona", email="fiona@education.gov.uk", first="Fiona", last="Finance", staff_role="finance",
         memberships=[], note="DfE finance: pays lead providers' statements"),
]


def organisation_id(key: str) -> str:
    return _id(f"org:{key}")


def dsi_organisation_id(key: str) -> str:
    """The organisation's id in DfE Sign-in (the stand-in's demo seed uses the same ids)."""
    return _id(f"dsi-org:{key}")


def seed(db) -> list[dict]:
    """Create or refresh the demo organisations and personas; publishes organisation events, and the contacts
    of every school whose members changed (lead providers see them as real sign-ups would show them)."""
    start_mappers()
    with UnitOfWork(db, producer="accounts") as uow:
        changed: set[str] = set()
        for spec in ORGANISATIONS:
            values = {k: v for k, v in spec.items() if k != "key"}
            org = uow.session.get(Organisation, organisation_id(spec["key"]))
            if org is None:
                org = Organisation(id=organisation_id(spec["key"]), dsi_organisation_id=dsi_organisation_id(spec["key"]),
                                   **values)
                uow.session.add(org)
                uow.session.flush()
                audit.record(uow.session, actor=SYSTEM, action="organisation_created", subject_type="organisation",
                             subject_id=org.id, organisation_id=org.id, after=org.event_data())
                uow.publish("accounts.organisation.created", org.event_data())
                changed.add(org.id)
        for spec in PERSONAS:
            user_id = _id(f"user:{spec['key']}")
            user = uow.session.get(User, user_id)
            if user is None:
                user = User(id=user_id, email=spec["email"], first_name=spec["first"], last_name=spec["last"],
                            staff_role=spec.get("staff_role"))
                uow.session.add(user)
                uow.session.flush()
            for org_key, role in spec["memberships"]:
                org_id = organisation_id(org_key)
                if not uow.session.query(Membership).filter_by(user_id=user_id, organisation_id=org_id).first():
                    uow.session.add(Membership(user_id=user_id, organisation_id=org_id, role=role))
                    changed.add(org_id)
        for org_id in sorted(changed):
            org = uow.session.get(Organisation, org_id)
            if org.is_school:
                contacts.publish(uow, org, SYSTEM)
        uow.commit()
    return [{"email": p["email"], "note": p["note"]} for p in PERSONAS]


def personas(db_session) -> list[dict]:
    """The demo personas as they are now (those still active), with their organisations."""
    from accounts.sessions import memberships_of

    found = []
    for spec in PERSONAS:
        user = db_session.get(User, _id(f"user:{spec['key']}"))
        if user is None or not user.active:
            continue
        found.append({"email": user.email, "name": user.name, "note": spec["note"], "staff_role": user.staff_role,
                      "organisations": [{"organisation_id": o.id, "name": o.name, "type": o.type, "role": m.role,
                                         "urn": o.urn} for m, o in memberships_of(db_session, user.id)]})
    return found
