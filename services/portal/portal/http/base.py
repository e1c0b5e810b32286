"""What every page uses: the signed-in user's working context, the services (through the gateway, with their
access token, refreshed transparently), rendering with the navigation, and the guards in front of pages."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for

from portal.adapters.gateway import Answer, Download, ServiceError
from portal.adapters.tokens import Tokens
from portal.domain.working_context import Organisation, WorkingContext

SERVICE_NAME = "Register early career teachers"


class SignedOut(Exception):
    """There is no signed-in user any more (never signed in, signed out elsewhere, or the session ended)."""


class WrongSection(Exception):
    def __init__(self, organisation_type: str):
        self.organisation_type = organisation_type


def portal():
    return current_app.extensions["portal"]


def working_context() -> WorkingContext | None:
    data = session.get("context")
    return WorkingContext.from_dict(data) if data else None


class Services:
    """The services for this request, called with the signed-in user's access token."""

    def __init__(self):
        self.portal = portal()

    def _tokens(self) -> Tokens:
        tokens = g.get("tokens")
        if tokens is None:
            id_hash = session.id_hash if session.get("context") else None
            tokens = self.portal.tokens.load(id_hash) if id_hash else None
            if tokens is None:
                raise SignedOut()
            g.tokens = tokens
        return tokens

    def _refresh(self, stale: Tokens) -> Tokens:
        def refresher(refresh_token: str) -> dict:
            return self.portal.gateway.call("POST", "/accounts/tokens/refresh",
                                            json_body={"refresh_token": refresh_token}).body

        try:
            tokens = self.portal.tokens.refresh(session.id_hash, stale, refresher)
        except ServiceError as error:
            if error.status in (401, 403, 422):
                raise SignedOut() from error
            raise
        if tokens is None:
            raise SignedOut()
        g.tokens = tokens
        if tokens.access_token != stale.access_token:
            g.context_stale = True  # memberships, mode or acting organisation may have changed with it
        return tokens

    def _with_token(self, send):
        tokens = self._tokens()
        if not tokens.fresh:
            tokens = self._refresh(tokens)
        try:
            return send(tokens.access_token)
        except ServiceError as error:
            if error.status != 401:
                raise
        tokens = self._refresh(tokens)  # the token was refused (expired a moment ago, or revoked): once more
        try:
            return send(tokens.access_token)
        except ServiceError as error:
            if error.status == 401:
                raise SignedOut() from error
            raise

    def call(self, method: str, path: str, **kwargs) -> Answer:
        return self._with_token(lambda token: self.portal.gateway.call(method, path, token=token, **kwargs))

    def stream(self, path: str, **params) -> Download:
        """A download, passed on as it arrives (refused before its first byte as `call` is)."""
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return self._with_token(lambda token: self.portal.gateway.stream(path, token=token, params=params))

    def get(self, path: str, **params):
        return self.call("GET", path, params={k: v for k, v in params.items() if v not in (None, "")}).body

    def post(self, path: str, body: dict | None = None, **kwargs):
        return self.call("POST", path, json_body=body if body is not None else {}, **kwargs).body

    def patch(self, path: str, body: dict):
        return self.call("PATCH", path, json_body=body).body

    def delete(self, path: str):
        return self.call("DELETE", path).body


def services() -> Services:
    if "services" not in g:
        g.services = Services()
    return g.services


def refresh_context() -> WorkingContext:
    """Ask accounts who the user is now and for which organisations (after sign-in, and whenever tokens change)."""
    api = services()
    me = api.get("/accounts/me")
    organisations = api.get("/accounts/me/organisations")
    found = tuple(Organisation(**o) for o in organisations)
    acting_for = me.get("acting_organisation_id") if me.get("staff_role") else None
    if acting_for and not any(o.id == acting_for for o in found):
        # DfE staff acting for an organisation belong to none: the one they act for is theirs while they do.
        org = api.get(f"/accounts/organisations/{acting_for}")
        found += (Organisation(organisation_id=org["id"], name=org["name"], type=org["type"], role="staff",
                               urn=org.get("urn")),)
    context = WorkingContext(user_id=me["user_id"], email=me["email"], name=me.get("name"), mode=me["mode"],
                             acting_organisation_id=me.get("acting_organisation_id"), staff_role=me.get("staff_role"),
                             organisations=found, acting_for_reason=me.get("acting_for_reason") if acting_for else None)
    if session.get("context") != context.to_dict():
        session["context"] = context.to_dict()
    g.context_stale = False
    return context


def current_context() -> WorkingContext:
    context = working_context()
    if context is None:
        raise SignedOut()
    if g.get("context_stale"):
        context = refresh_context()
    return context


def safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) to go back to after signing in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def signed_in(view):
    """The page needs a signed-in user; in hat mode with several organisations, one chosen first."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        context = working_context()
        if context is None:
            return redirect(url_for("signing_in.start", next=request.full_path.rstrip("?") if request.method == "GET" else None))
        if context.needs_choice and request.endpoint not in ("organisations.choose",):
            return redirect(url_for("organisations.choose"))
        return view(*args, **kwargs)

    return wrapper


def section(organisation_type: str):
    """The page belongs to one kind of organisation (schools): the user must have one in view."""

    def decorate(view):
        @wraps(view)
        @signed_in
        def wrapper(*args, **kwargs):
            if not current_context().in_view(organisation_type):
                raise WrongSection(organisation_type)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def error_list(errors: dict) -> list[dict]:
    """The error summary's links: to the field on this page (an id; a date's first wrong part), or to the page
    that asks it (a path)."""
    def href(field: str) -> str:
        if field.startswith("/"):
            return field
        parts = errors.get(f"{field}__parts")
        return f"#{field}-{parts[0]}" if parts else f"#{field}"

    return [{"text": message, "href": href(field)} for field, message in errors.items()
            if not field.endswith("__parts")]


# Each kind of organisation's pages: (text, href, the paths that count as in it). A kind without pages yet gets
# one link to its "coming" page.
SECTION_LINKS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "school": [("ECTs", "/school/ects", ("/school/ects", "/school/register-ect")),
               ("Mentors", "/school/mentors", ("/school/mentors", "/school/register-mentor")),
               ("School users", "/school/users", ("/school/users",)),
               ("Contacts", "/school/contacts", ("/school/contacts",))],
    "appropriate_body": [("Teachers", "/appropriate-body/teachers",
                          ("/appropriate-body/teachers", "/appropriate-body/claim-an-ect", "/appropriate-body/bulk"))],
    "lead_provider": [("Schools", "/lead-provider/schools", ("/lead-provider/schools",)),
                      ("Participants", "/lead-provider/participants", ("/lead-provider/participants",))],
    "delivery_partner": [("Schools", "/delivery-partner/schools", ("/delivery-partner/schools",)),
                         ("Participants", "/delivery-partner/participants", ("/delivery-partner/participants",))],
}


def navigation(context: WorkingContext | None) -> list[dict]:
    if context is None:
        return []
    path, items = request.path, []
    for organisation_type, label in context.sections:
        links = SECTION_LINKS.get(organisation_type) or [
            (label, f"/{organisation_type.replace('_', '-')}", (f"/{organisation_type.replace('_', '-')}",))]
        items += [{"text": text, "href": href, "active": path.startswith(prefixes)} for text, href, prefixes in links]
    if context.is_staff:
        items.append({"text": "DfE admin", "href": "/admin", "active": path.startswith("/admin")})
    items.append({"text": "Settings", "href": "/settings", "active": path.startswith("/settings")})
    return items


def render(template: str, *, status: int = 200, **values):
    context = working_context()
    values.setdefault("errors", {})
    return render_template(template, context=context, navigation=navigation(context), service_name=SERVICE_NAME,
                           **values), status
