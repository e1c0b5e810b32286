"""The one authorisation helper every service asks: which organisations may be read, and written.

- Hat mode: only the acting organisation; without one chosen, 409 "choose an organisation".
- Blended mode: every membership, optionally filtered to one organisation on lists.
- Every create names an organisation the user may write for: 422 when missing (blended), 403 when
  it is not theirs or their role lacks the permission.
- DfE staff read across organisations; writes need a staff role that allows them. Staff acting for
  an organisation are scoped to it like a hat-mode user.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecf_shared.auth.actor import Principal
from ecf_shared.errors import Conflict, Forbidden, Invalid

ROLE_PERMISSIONS = {
    "approver": frozenset({"read", "register_teachers", "manage_users", "manage_contacts", "record_inductions"}),
    "end_user": frozenset({"read", "register_teachers", "manage_contacts", "record_inductions"}),
}
STAFF_PERMISSIONS = {
    "admin": frozenset({"read", "register_teachers", "manage_users", "manage_contacts", "record_inductions",
                        "admin_inductions", "manual_handling", "manage_finance"}),
    "support": frozenset({"read", "manage_contacts", "manual_handling"}),
    # DfE finance: read everything, and pay lead providers' statements (admin may pay them too).
    "finance": frozenset({"read", "manage_finance"}),
    "read_only": frozenset({"read"}),
}


def permissions_for(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class ReadScope:
    """Organisation ids the caller may read; `everything` for staff not acting for anyone."""

    organisation_ids: frozenset[str]
    everything: bool = False

    def allows(self, organisation_id: str | None) -> bool:
        return self.everything or (organisation_id is not None and str(organisation_id) in self.organisation_ids)


def _types(principal: Principal, organisation_types: tuple[str, ...] | None):
    return [m for m in principal.memberships if not organisation_types or m.organisation_type in organisation_types]


def readable(principal: Principal, *, organisation_id: str | None = None,
             organisation_types: tuple[str, ...] | None = None) -> ReadScope:
    requested = str(organisation_id) if organisation_id else None
    if principal.is_staff and not principal.acting_organisation_id:
        return ReadScope(frozenset({requested}) if requested else frozenset(), everything=not requested)
    if principal.is_staff or principal.mode == "hat":
        acting = principal.acting_organisation_id
        if not acting:
            raise Conflict("Choose an organisation to act for before continuing.", code="choose_organisation")
        if not principal.is_staff and not any(m.organisation_id == acting for m in _types(principal, organisation_types)):
            raise Forbidden("Your acting organisation cannot use this.", code="wrong_organisation_type")
        if requested and requested != acting:
            raise Forbidden("You are acting for another organisation.", code="not_acting_organisation")
        return ReadScope(frozenset({acting}))
    allowed = {m.organisation_id for m in _types(principal, organisation_types)}
    if requested:
        if requested not in allowed:
            raise Forbidden("You are not a member of that organisation.", code="not_your_organisation")
        return ReadScope(frozenset({requested}))
    return ReadScope(frozenset(allowed))


def writable(principal: Principal, *, organisation_id: str | None, permission: str,
             organisation_types: tuple[str, ...] | None = None, field: str = "organisation_id") -> str:
    """The organisation a create or change is made for, or the reason it may not be."""
    requested = str(organisation_id) if organisation_id else None
    if principal.is_staff:
        if permission not in STAFF_PERMISSIONS.get(principal.staff_role, frozenset()):
            raise Forbidden("Your staff role does not allow this change.", code="staff_role_forbids")
        target = principal.acting_organisation_id or requested
        if not target:
            raise Invalid("Name the organisation this is for.", fields={field: ["Name the organisation this is for."]})
        if principal.acting_organisation_id and requested and requested != principal.acting_organisation_id:
            raise Forbidden("You are acting for another organisation.", code="not_acting_organisation")
        return target
    if principal.mode == "hat":
        acting = principal.acting_organisation_id
        if not acting:
            raise Conflict("Choose an organisation to act for before continuing.", code="choose_organisation")
        if requested and requested != acting:
            raise Forbidden("You are acting for another organisation; switch to it first.", code="not_acting_organisation")
        target = acting
    else:
        if not requested:
            raise Invalid("Name the organisation this is for.", fields={field: ["Name the organisation this is for."]})
        target = requested
    membership = principal.membership(target)
    if membership is None or (organisation_types and membership.organisation_type not in organisation_types):
        raise Forbidden("You may not act for that organisation here.", code="not_your_organisation")
    if permission not in permissions_for(membership.role):
        raise Forbidden("Your role in that organisation does not allow this.", code="role_forbids")
    return target


def writable_scope(principal: Principal, *, permission: str,
                   organisation_types: tuple[str, ...] | None = None) -> ReadScope:
    """Every organisation the caller may make changes needing `permission` for, as things stand.

    Hat mode: the acting organisation, if their role there allows it (none chosen: no organisation).
    Blended mode: each membership whose role allows it. Staff whose role allows it: everything, or
    only the organisation they act for. `writable` still decides each change.
    """
    if principal.is_staff:
        if permission not in STAFF_PERMISSIONS.get(principal.staff_role, frozenset()):
            return ReadScope(frozenset())
        if principal.acting_organisation_id:
            return ReadScope(frozenset({principal.acting_organisation_id}))
        return ReadScope(frozenset(), everything=True)
    members = [m for m in _types(principal, organisation_types) if permission in permissions_for(m.role)]
    if principal.mode == "hat":
        members = [m for m in members if m.organisation_id == principal.acting_organisation_id]
    return ReadScope(frozenset(m.organisation_id for m in members))


def access(principal: Principal, permissions: tuple[str, ...] | None = None) -> dict:
    """What the caller may read and, per permission, write: {"read": scope, "write": {permission: scope}}.

    Scopes are {"everything": bool, "organisation_ids": [...]}; read needs an acting organisation in
    hat mode (without one, read is empty and `choose_organisation` is true).
    """
    def view(scope: ReadScope) -> dict:
        return {"everything": scope.everything, "organisation_ids": sorted(scope.organisation_ids)}

    try:
        read = view(readable(principal))
        choose = False
    except Conflict:
        read, choose = {"everything": False, "organisation_ids": []}, True
    names = permissions or tuple(sorted(set().union(*ROLE_PERMISSIONS.values(), *STAFF_PERMISSIONS.values())))
    return {"read": read, "choose_organisation": choose,
            "write": {name: view(writable_scope(principal, permission=name)) for name in names}}

