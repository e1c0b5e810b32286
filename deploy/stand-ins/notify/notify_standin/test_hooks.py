"""/_test/... hooks: the emails received, reset, queued faults, the rate limit.

No auth. Only registered when NOTIFY_STANDIN_TEST_HOOKS is on (the default for the stand-in).
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, request

from .errors import json_response
from .limits import FaultSpecError, parse_fault
from .state import Email, fmt

bp = Blueprint("test_hooks", __name__, url_prefix="/_test")


def _ctx():
    return current_app.extensions["notify_standin"]


def _bad(detail: str):
    return json_response({"error": "invalid_test_hook_request", "detail": detail}, 400)


def _body():
    raw = request.get_data()
    try:
        return json.loads(raw) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FaultSpecError(f"body is not valid JSON: {exc}") from exc


def email_json(email: Email) -> dict:
    return {"id": email.id, "email_address": email.email_address,
            "template": {"id": email.template_id, "name": email.template_name, "version": email.template_version},
            "personalisation": email.personalisation, "reference": email.reference, "subject": email.subject,
            "body": email.body, "from_email": email.from_email, "status": email.status, "key_type": email.key_type,
            "created_at": fmt(email.created_at)}


@bp.get("/emails")
def emails():
    """Every email received, newest first; `email_address`, `reference` and `template` (id or name) filter."""
    found = _ctx().store.newest_first()
    if request.args.get("email_address"):
        found = [e for e in found if e.email_address.lower() == request.args["email_address"].strip().lower()]
    if request.args.get("reference"):
        found = [e for e in found if e.reference == request.args["reference"]]
    if request.args.get("template"):
        found = [e for e in found if request.args["template"] in (e.template_id, e.template_name)]
    return json_response({"emails": [email_json(e) for e in found]})


@bp.post("/reset")
def reset():
    ctx = _ctx()
    ctx.store.reset()
    ctx.faults.clear()
    ctx.rate_limiter.configure(ctx.settings.rate_limit, ctx.settings.rate_limit_interval_seconds)
    return json_response({"reset": True})


@bp.post("/faults")
def add_faults():
    """Queue faults for the next requests: {"mode": "500" | "429" | "timeout" | "slow", "count": N, "seconds": S,
    "requests": "send" | "get" | "all"} or a list of them."""
    try:
        body = _body()
        specs = body.get("faults") if isinstance(body, dict) and "faults" in body else body
        faults = [parse_fault(spec) for spec in (specs if isinstance(specs, list) else [specs])]
    except FaultSpecError as exc:
        return _bad(str(exc))
    _ctx().faults.add(faults)
    return json_response({"faults": _ctx().faults.to_json()})


@bp.get("/faults")
def show_faults():
    return json_response({"faults": _ctx().faults.to_json()})


@bp.delete("/faults")
def clear_faults():
    _ctx().faults.clear()
    return json_response({"faults": []})


@bp.post("/rate-limit")
def set_rate_limit():
    """{"limit": N, "interval_seconds": S}: replaces the limit and forgets the sends counted so far."""
    try:
        body = _body()
    except FaultSpecError as exc:
        return _bad(str(exc))
    if not isinstance(body, dict):
        return _bad("send {\"limit\": N, \"interval_seconds\": S}")
    limiter = _ctx().rate_limiter
    limit, interval = body.get("limit", limiter.limit), body.get("interval_seconds", limiter.interval_seconds)
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in (limit, interval)):
        return _bad("limit and interval_seconds must be positive integers")
    limiter.configure(limit, interval)
    return json_response({"limit": limit, "interval_seconds": interval})
