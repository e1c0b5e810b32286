"""What the admin pages share: the guard (DfE staff only; not while acting for an organisation), the names of
organisations, and how the services' records read (actors, kinds, actions)."""
from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from flask import g

from portal.adapters.gateway import ServiceError
from portal.domain.working_context import TYPE_NAMES
from portal.http.base import current_context, render, services, signed_in

ACTOR_TYPES = {"staff": "DfE staff", "school_user": "school user", "appropriate_body_user": "appropriate body user",
               "lead_provider_user": "lead provider user", "delivery_partner_user": "delivery partner user",
               "provider_user": "provider user", "lead_provider": "lead provider (API)", "system": "the service",
               "trs_console": "TRS console"}
# What became of an attempt to send a change to TRS (trs-sync's sync log).
DELIVERIES = {"delivered": "TRS took the change", "already_in_trs": "TRS already held it",
              "superseded": "A newer change was sent instead", "manual": "Sent to manual handling",
              "retry": "TRS did not answer; tried again later"}


def staff_only(view=None, *, while_acting: bool = False):
    """DfE staff only: anyone else gets the 403 page before any service is asked. While acting for an organisation
    the console (which reads across organisations) waits until they stop, unless `while_acting`."""
    def decorate(page):
        @wraps(page)
        @signed_in
        def wrapper(*args, **kwargs):
            context = current_context()
            if not context.is_staff:
                return render("errors/forbidden.html", status=403,
                              message="Only DfE staff can use the admin console.")
            if context.staff_acting is not None and not while_acting:
                return render("admin/acting.html", status=409, organisation=context.staff_acting)
            return page(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def organisation(organisation_id: str | None) -> dict | None:
    """An organisation as accounts shows it to staff (once per request), or None when there is none."""
    if not organisation_id:
        return None
    cache = g.setdefault("admin_organisations", {})
    if organisation_id not in cache:
        try:
            cache[organisation_id] = services().get(f"/accounts/organisations/{organisation_id}")
        except ServiceError as error:
            if error.status not in (403, 404, 422):
                raise
            cache[organisation_id] = None
    return cache[organisation_id]


def organisation_name(organisation_id: str | None, default: str = "an unknown organisation") -> str:
    found = organisation(organisation_id)
    return found["name"] if found else default


def type_name(organisation_type: str | None) -> str:
    return TYPE_NAMES.get(organisation_type or "", organisation_type or "")


def actor_text(actor: dict | None, reason: str | None = None) -> str:
    """Who did it, as the record kept them: name and email, what they are, and for whom they acted (and why)."""
    if not actor:
        return "Unknown"
    if actor.get("type") == "system":
        return "The service"
    who = actor.get("name") or actor.get("email") or ACTOR_TYPES.get(actor.get("type"), "Unknown")
    if actor.get("name") and actor.get("email"):
        who = f"{actor['name']} ({actor['email']})"
    kind = ACTOR_TYPES.get(actor.get("type"), actor.get("type") or "")
    text = f"{who}, {kind}" if kind and kind != who else who
    reason = reason or actor.get("acting_for_reason")
    if actor.get("type") == "staff" and actor.get("organisation_id"):
        text += f", acting for {organisation_name(actor['organisation_id'])}"
        if reason:
            text += f" (reason: {reason})"
    elif actor.get("organisation_id") and actor.get("type") not in ("system", "trs_console"):
        text += f", {organisation_name(actor['organisation_id'])}"
    return text


def moment(value) -> datetime:
    """A service's timestamp, for putting records of several services in one order."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def humanise(code: str | None) -> str:
    return (code or "").replace("_", " ").capitalize()


def staff_induction(trn: str) -> dict | None:
    """The teacher's induction record as inductions shows it to staff, or None when there is none."""
    try:
        return services().get(f"/inductions/teachers/{trn}/induction")
    except ServiceError as error:
        if error.status == 404:
            return None
        raise
