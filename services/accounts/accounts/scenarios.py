"""Demo scenarios, like the designers' internal settings page: each run creates a fresh, separate set
of organisations and personas (sign in as them with persona sign-in, or through the DfE Sign-in stand-in).

    python -m accounts scenario "school with 3 users, one of them an approver"
    python -m accounts scenario school-with-3-users
    POST /scenarios {"name": ...}   (only when SCENARIOS_ENABLED; DfE staff admins only)
"""
from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable

from accounts import audit, members
from accounts.adapters import start_mappers
from accounts.domain.model import Organisation, User
from ecf_shared.errors import NotFound
from ecf_shared.events.envelope import SYSTEM, Actor
from ecf_shared.uow import UnitOfWork


class Builder:
    """Creates organisations and people for one scenario run, audited and published like any change."""

    def __init__(self, uow, actor: Actor, staff_reason: str | None = None):
        self.uow, self.actor, self.staff_reason = uow, actor, staff_reason
        self.tag = f"{random.randrange(16 ** 4):04x}"
        self.organisations: list[dict] = []
        self.personas: list[dict] = []

    def _free(self, column, digits: int) -> str:
        low = 9 * 10 ** (digits - 1)
        while True:
            value = str(random.randrange(low, 10 ** digits))
            if not self.uow.session.query(Organisation).filter(column == value).first():
                return value

    def organisation(self, type_: str, name: str, **values) -> Organisation:
        if type_ == "school":
            values.setdefault("urn", self._free(Organisation.urn, 6))
            values.setdefault("establishment_type", "Community school")
            values.setdefault("state_funded", True)
            values.setdefault("eligible", True)
            values.setdefault("contact_email", f"office@school-{self.tag}.example")
        if type_ in ("lead_provider", "training_provider"):
            values.setdefault("ukprn", self._free(Organisation.ukprn, 8))
        org = Organisation(type=type_, name=f"{name} {self.tag}", status="open", **values)
        self.uow.session.add(org)
        self.uow.session.flush()
        audit.record(self.uow.session, actor=self.actor, action="organisation_created", subject_type="organisation",
                     subject_id=org.id, organisation_id=org.id, after=org.event_data(), staff_reason=self.staff_reason)
        self.uow.publish("accounts.organisation.created", org.event_data(), actor=self.actor)
        self.organisations.append({"id": org.id, "name": org.name, "type": org.type, "urn": org.urn, "ukprn": org.ukprn})
        return org

    def person(self, first: str, last: str, domain: str, note: str, memberships=(), staff_role: str | None = None) -> User:
        email = f"{first}.{last}.{self.tag}@{domain}".lower()
        user = User(email=email, first_name=first, last_name=last, staff_role=staff_role)
        self.uow.session.add(user)
        self.uow.session.flush()
        audit.record(self.uow.session, actor=self.actor, action="user_created", subject_type="user", subject_id=user.id,
                     after={"email": email, "first_name": first, "last_name": last, "staff_role": staff_role},
                     staff_reason=self.staff_reason)
        for org, role in memberships:
            locked, _ = members.lock_memberships(self.uow.session, org.id)
            members.add_membership(self.uow, locked, user, role, self.actor, via="scenario")
        self.personas.append({"email": email, "name": user.name, "note": note, "staff_role": staff_role,
                              "memberships": [{"organisation_id": o.id, "name": o.name, "role": r} for o, r in memberships]})
        return user


def provider_user_with_5_organisations(b: Builder) -> None:
    orgs = [b.organisation("appropriate_body", "Northgate Teaching School Hub"),
            b.organisation("appropriate_body", "Southmere Teaching School Hub"),
            b.organisation("lead_provider", "Compass Teacher Development"),
            b.organisation("delivery_partner", "Lakeside Delivery Partnership"),
            b.organisation("training_provider", "Anchor Training")]
    b.person("Pat", "Provider", "providers.example", "provider user with access to 5 organisations (hat mode: choose one)",
             [(orgs[0], "approver"), *[(o, "end_user") for o in orgs[1:]]])


def school_with_3_users(b: Builder) -> None:
    school = b.organisation("school", "Elm Grove Primary School")
    b.person("Ann", "Approver", f"school-{b.tag}.example", "school approver", [(school, "approver")])
    b.person("Ed", "Enduser", f"school-{b.tag}.example", "school end user", [(school, "end_user")])
    b.person("Eve", "Enduser", f"school-{b.tag}.example", "another school end user", [(school, "end_user")])


def appropriate_body_user(b: Builder) -> None:
    ab = b.organisation("appropriate_body", "Westfield Teaching School Hub")
    b.person("Abe", "Body", "hub.example", "appropriate body user", [(ab, "approver")])


def staff_admin(b: Builder) -> None:
    b.person("Stella", "Staff", "education.gov.uk", "DfE staff admin", staff_role="admin")


SCENARIOS: dict[str, tuple[str, Callable[[Builder], None]]] = {
    "provider-user-with-5-organisations": ("provider user with access to 5 organisations",
                                           provider_user_with_5_organisations),
    "school-with-3-users": ("school with 3 users, one of them an approver", school_with_3_users),
    "appropriate-body-user": ("appropriate body user", appropriate_body_user),
    "staff-admin": ("staff admin", staff_admin),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def find(name: str) -> str:
    wanted = _slug(name)
    for slug, (description, _) in SCENARIOS.items():
        if wanted in (slug, _slug(description)):
            return slug
    raise NotFound(f"No scenario {name!r}; there are: {', '.join(SCENARIOS)}.", code="scenario_not_found")


def listing() -> list[dict]:
    return [{"name": slug, "description": description} for slug, (description, _) in SCENARIOS.items()]


def create(uow, name: str, actor: Actor = SYSTEM, staff_reason: str | None = None) -> dict:
    slug = find(name)
    description, build = SCENARIOS[slug]
    b = Builder(uow, actor, staff_reason)
    build(b)
    return {"scenario": slug, "description": description, "organisations": b.organisations, "personas": b.personas}


def command(db, argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "--list"):
        print("usage: python -m accounts scenario NAME\n\nscenarios:")
        for s in listing():
            print(f"  {s['name']:<36} {s['description']}")
        return 0 if argv else 2
    start_mappers()
    try:
        with UnitOfWork(db, producer="accounts") as uow:
            result = create(uow, " ".join(argv))
            uow.commit()
    except NotFound as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0
