"""Notify's API v2 for emails: send one, read one, list them.

POST /v2/notifications/email checks in Notify's order: the rate limit (before the body is read), the JSON, its
schema, the template, the personalisation, then the recipient.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, g, request, url_for

from . import validation
from .errors import BadRequestError, NoResultFound, RateLimitError, json_response
from .state import Email, fmt

bp = Blueprint("v2", __name__, url_prefix="/v2")
PAGE_SIZE = 250  # Notify's


def _ctx():
    return current_app.extensions["notify_standin"]


def _root() -> str:
    return request.host_url  # ends with "/", as Notify's url_root does


def template_uri(service_id: str, template_id: str) -> str:
    return f"{_root()}services/{service_id}/templates/{template_id}"


@bp.post("/notifications/email")
def send_email():
    ctx, key = _ctx(), g.api_key
    if not ctx.rate_limiter.allow(key.service_id, key.key_type):
        raise RateLimitError(key.key_type, ctx.rate_limiter.limit, ctx.rate_limiter.interval_seconds)
    body = request.get_json(force=True, silent=True)
    if body is None and request.get_data():
        raise BadRequestError("Invalid JSON supplied in POST data")
    form = validation.validate({} if body is None else body, validation.POST_EMAIL)
    template = ctx.templates.get(str(uuid.UUID(form["template_id"])))
    if template is None:
        raise BadRequestError("Template not found")
    personalisation = form.get("personalisation") or {}
    subject, text = template.render(personalisation)
    if form.get("email_reply_to_id"):
        raise BadRequestError(f"email_reply_to_id {form['email_reply_to_id']} does not exist in database for "
                              f"service id {key.service_id}")
    email = Email(id=str(uuid.uuid4()), service_id=key.service_id, key_type=key.key_type, template_id=template.id,
                  template_name=template.name, template_version=template.version,
                  email_address=form["email_address"].strip(), personalisation=personalisation,
                  reference=form.get("reference"), subject=subject, body=text, from_email=ctx.settings.from_email)
    ctx.store.add(email)
    return json_response({
        "id": email.id,
        "reference": email.reference,
        "content": {"from_email": email.from_email, "body": email.body, "subject": email.subject,
                    "one_click_unsubscribe_url": form.get("one_click_unsubscribe_url")},
        "uri": f"{_root()}v2/notifications/{email.id}",
        "template": {"id": template.id, "version": template.version, "uri": template_uri(key.service_id, template.id)},
        "scheduled_for": None,
    }, 201)


@bp.get("/notifications/<notification_id>")
def get_notification(notification_id: str):
    validation.validate({"notification_id": notification_id}, validation.NOTIFICATION_BY_ID)
    email = _ctx().store.get(g.api_key.service_id, str(uuid.UUID(notification_id)))
    if email is None:
        raise NoResultFound()
    return json_response(serialise(email))


@bp.get("/notifications")
def list_notifications():
    query = request.args.to_dict(flat=False)
    for single in ("older_than", "reference", "include_jobs"):  # one value each, as Notify takes them
        if single in query:
            query[single] = query[single][0]
    query = validation.validate(query, validation.LIST_NOTIFICATIONS)
    key = g.api_key
    emails = [e for e in _ctx().store.newest_first() if e.service_id == key.service_id and e.key_type == key.key_type]
    if "older_than" in query:
        older_than = str(uuid.UUID(query["older_than"]))
        position = next((i for i, e in enumerate(emails) if e.id == older_than), None)
        emails = [] if position is None else emails[position + 1:]
    if "reference" in query:
        emails = [e for e in emails if e.reference == query["reference"]]
    if "status" in query:
        emails = [e for e in emails if e.status in query["status"]]
    if "template_type" in query and "email" not in query["template_type"]:
        emails = []
    page = emails[:PAGE_SIZE]
    links = {"current": url_for(".list_notifications", _external=True, **query)}
    if page:
        links["next"] = url_for(".list_notifications", _external=True, **{**query, "older_than": page[-1].id})
    return json_response({"notifications": [serialise(e) for e in page], "links": links})


def serialise(email: Email) -> dict:
    """A notification as Notify's GET endpoints show it (an email has no phone number, address or cost)."""
    return {
        "id": email.id, "reference": email.reference, "email_address": email.email_address, "phone_number": None,
        "line_1": None, "line_2": None, "line_3": None, "line_4": None, "line_5": None, "line_6": None,
        "postcode": None, "type": "email", "status": email.status,
        "template": {"id": email.template_id, "version": email.template_version,
                     "uri": template_uri(email.service_id, email.template_id)},
        "body": email.body, "subject": email.subject, "created_at": fmt(email.created_at), "created_by_name": None,
        "sent_at": fmt(email.created_at), "completed_at": fmt(email.created_at), "scheduled_for": None,
        "postage": None, "one_click_unsubscribe_url": None,
        "cost_details": {}, "cost_in_pounds": 0.0, "is_cost_data_ready": True,
    }
