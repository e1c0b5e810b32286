"""HTTP entrypoints: thin functions that turn a request into a command or query."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate
from sqlalchemy import or_

from accounts import sessions
from accounts.domain.model import ORGANISATION_TYPES, Organisation, User
from ecf_shared.auth.authorisation import readable
from ecf_shared.db import contains_pattern
from ecf_shared.errors import NotFound
from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal, public

blp = Blueprint("accounts", __name__, description="Sign-in, tokens, organisations and memberships")


def _key():
    return current_app.extensions["ecf"].extras["signing_key"]


class TokensSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    mode = fields.String()
    acting_organisation_id = fields.String(allow_none=True)
    acting_for = fields.Dict(allow_none=True)


class PersonaSignInSchema(Schema):
    email = fields.Email(required=True)


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=10, max=200))


class ActingOrganisationSchema(Schema):
    organisation_id = fields.UUID(required=True)


class ModeSchema(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(("hat", "blended")))
    make_default = fields.Boolean(load_default=False)


class OrganisationSchema(Schema):
    id = fields.String()
    type = fields.String()
    name = fields.String()
    urn = fields.String(allow_none=True)
    ukprn = fields.String(allow_none=True)
    dsi_organisation_id = fields.String(allow_none=True)
    status = fields.String()
    contact_email = fields.String(allow_none=True)
    establishment_type = fields.String(allow_none=True)
    state_funded = fields.Boolean(allow_none=True)
    eligible = fields.Boolean(allow_none=True)


class OrganisationQuerySchema(Schema):
    type = fields.String(validate=validate.OneOf(ORGANISATION_TYPES))
    organisation_id = fields.UUID()
    q = fields.String(validate=[validate.Length(min=1, max=200), validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL.")],
                      metadata={"description": "part of the name (any case), or a URN or UKPRN exactly (what DfE staff "
                                               "search by)"})


class MembershipOutSchema(Schema):
    organisation_id = fields.String()
    organisation_type = fields.String()
    role = fields.String()


class MeSchema(Schema):
    user_id = fields.String()
    email = fields.String()
    name = fields.String(allow_none=True)
    staff_role = fields.String(allow_none=True)
    mode = fields.String()
    acting_organisation_id = fields.String(allow_none=True)
    acting_for_reason = fields.String(allow_none=True)
    memberships = fields.List(fields.Nested(MembershipOutSchema))


class MyOrganisationSchema(Schema):
    organisation_id = fields.String()
    name = fields.String()
    type = fields.String()
    role = fields.String()
    urn = fields.String(allow_none=True)


class PersonaSchema(Schema):
    email = fields.String()
    name = fields.String()
    note = fields.String()
    staff_role = fields.String(allow_none=True)
    organisations = fields.List(fields.Nested(MyOrganisationSchema))


class JwksSchema(Schema):
    keys = fields.List(fields.Dict(), required=True)


@blp.route("/.well-known/jwks.json")
@public
class Jwks(MethodView):
    @blp.response(200, JwksSchema)
    def get(self):
        """The public keys that verify accounts' access tokens."""
        return _key().jwks()


@blp.route("/sign-in/persona")
@public
class PersonaSignIn(MethodView):
    @blp.arguments(PersonaSignInSchema)
    @blp.response(200, TokensSchema)
    def post(self, body):
        """Sign in as a demo persona (local demos only; off unless PERSONA_SIGNIN_ENABLED)."""
        ctx = context()
        if not ctx.settings.persona_signin_enabled:
            raise NotFound("Persona sign-in is not enabled here.")
        with ctx.uow() as uow:
            user = (uow.session.query(User).filter(User.active.is_(True))
                    .filter(User.email.ilike(body["email"])).first())
            if user is None:
                raise NotFound("No demo persona with that email.", code="persona_not_found")
            tokens = sessions.start(uow.session, ctx.settings, _key(), user)
            uow.commit()
        return tokens


@blp.route("/sign-in/personas")
@public
class Personas(MethodView):
    @blp.response(200, PersonaSchema(many=True))
    def get(self):
        """The demo personas one can sign in as (local demos only; 404 unless PERSONA_SIGNIN_ENABLED)."""
        from accounts import demo

        ctx = context()
        if not ctx.settings.persona_signin_enabled:
            raise NotFound("Persona sign-in is not enabled here.")
        with ctx.uow() as uow:
            return demo.personas(uow.session)


@blp.route("/tokens/refresh")
@public
class Refresh(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokensSchema)
    def post(self, body):
        """Exchange a refresh token for a new access token (the refresh token rotates)."""
        ctx = context()
        with ctx.uow() as uow:
            tokens = sessions.refresh(uow.session, ctx.settings, _key(), body["refresh_token"])
            uow.commit()
        return tokens


@blp.route("/sign-out")
class SignOut(MethodView):
    @blp.response(204)
    def post(self):
        """End this session: its refresh token stops working."""
        principal = current_principal()
        with context().uow() as uow:
            sessions.end(uow.session, principal.session_id, principal.user_id)
            uow.commit()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who I am, my memberships, my way of working and the organisation I act for."""
        p = current_principal()
        return {"user_id": p.user_id, "email": p.email, "name": p.name, "staff_role": p.staff_role, "mode": p.mode,
                "acting_organisation_id": p.acting_organisation_id, "acting_for_reason": p.acting_for_reason,
                "memberships": [{"organisation_id": m.organisation_id, "organisation_type": m.organisation_type,
                                 "role": m.role} for m in p.memberships]}


@blp.route("/me/organisations")
class MyOrganisations(MethodView):
    @blp.response(200, MyOrganisationSchema(many=True))
    def get(self):
        """Every organisation I belong to, with its name and my role there, whatever my way of working (what a
        chooser or a filter by organisation lists)."""
        p = current_principal()
        with context().uow() as uow:
            return [{"organisation_id": o.id, "name": o.name, "type": o.type, "role": m.role, "urn": o.urn}
                    for m, o in sessions.memberships_of(uow.session, p.user_id)]


@blp.route("/me/acting-organisation")
class ActingOrganisation(MethodView):
    @blp.arguments(ActingOrganisationSchema)
    @blp.response(200, TokensSchema)
    def post(self, body):
        """Choose the organisation to act for (hat mode); only one of my own memberships."""
        p, ctx = current_principal(), context()
        with ctx.uow() as uow:
            tokens = sessions.choose_acting_organisation(uow.session, ctx.settings, _key(), p.session_id, p.user_id,
                                                         str(body["organisation_id"]))
            uow.commit()
        return tokens


@blp.route("/me/mode")
class Mode(MethodView):
    @blp.arguments(ModeSchema)
    @blp.response(200, TokensSchema)
    def post(self, body):
        """Switch between the hat and blended ways of working (optionally as my default)."""
        p, ctx = current_principal(), context()
        with ctx.uow() as uow:
            tokens = sessions.switch_mode(uow.session, ctx.settings, _key(), p.session_id, p.user_id, body["mode"],
                                          make_default=body["make_default"], principal=p)
            uow.commit()
        return tokens


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, OrganisationSchema(many=True))
    def get(self, query):
        """Organisations I may read: in hat mode the acting one, in blended mode all mine; staff see all."""
        scope = readable(current_principal(), organisation_id=query.get("organisation_id"))
        with context().uow() as uow:
            q = uow.session.query(Organisation)
            if not scope.everything:
                q = q.filter(Organisation.id.in_(scope.organisation_ids))
            if query.get("type"):
                q = q.filter(Organisation.type == query["type"])
            if query.get("q", "").strip():
                wanted = query["q"].strip()
                q = q.filter(or_(Organisation.name.ilike(contains_pattern(wanted), escape="\\"), Organisation.urn == wanted,
                                 Organisation.ukprn == wanted))
            return q.order_by(Organisation.name).limit(500).all()


@blp.route("/organisations/<uuid:organisation_id>")
class OrganisationById(MethodView):
    @blp.response(200, OrganisationSchema)
    def get(self, organisation_id):
        """One organisation I may read (in hat mode only the acting one, even when asked by id)."""
        readable(current_principal(), organisation_id=str(organisation_id))
        with context().uow() as uow:
            org = uow.session.get(Organisation, str(organisation_id))
            if org is None:
                raise NotFound("No such organisation.", code="organisation_not_found")
            return org


class StaffActingSchema(Schema):
    organisation_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=5, max=1000),
                           metadata={"description": "Why: a support ticket, a request from the organisation..."})


@blp.route("/staff/acting")
class StaffActing(MethodView):
    @blp.arguments(StaffActingSchema)
    @blp.response(200, TokensSchema)
    def post(self, body):
        """DfE staff: begin acting for an organisation, with a reason (recorded, audited, in every event)."""
        from accounts import staff

        p, ctx = current_principal(), context()
        with ctx.uow() as uow:
            tokens = staff.start(uow, ctx.settings, _key(), p, str(body["organisation_id"]), body["reason"])
            uow.commit()
        return tokens


@blp.route("/staff/acting/end")
class StaffActingEnd(MethodView):
    @blp.response(200, TokensSchema)
    def post(self):
        """DfE staff: stop acting for the organisation."""
        from accounts import staff

        p, ctx = current_principal(), context()
        with ctx.uow() as uow:
            tokens = staff.end(uow, ctx.settings, _key(), p)
            uow.commit()
        return tokens


class ScenarioSchema(Schema):
    name = fields.String(required=True, metadata={"description": "e.g. school-with-3-users (see GET /scenarios)"})


class ScenarioListSchema(Schema):
    name = fields.String()
    description = fields.String()


class ScenarioResultSchema(Schema):
    scenario = fields.String()
    description = fields.String()
    organisations = fields.List(fields.Dict())
    personas = fields.List(fields.Dict())


def _scenarios_allowed():
    from ecf_shared.errors import Forbidden

    if not context().settings.scenarios_enabled:
        raise NotFound("Scenarios are not enabled here.", code="scenarios_disabled")
    principal = current_principal()
    if principal.staff_role != "admin":
        raise Forbidden("Only DfE staff admins create scenarios.", code="staff_admin_only")
    return principal


@blp.route("/scenarios")
class Scenarios(MethodView):
    @blp.response(200, ScenarioListSchema(many=True))
    def get(self):
        """The demo scenarios (off unless SCENARIOS_ENABLED; DfE staff admins only)."""
        from accounts import scenarios

        _scenarios_allowed()
        return scenarios.listing()

    @blp.arguments(ScenarioSchema)
    @blp.response(201, ScenarioResultSchema)
    def post(self, body):
        """Create a fresh copy of a demo scenario: its organisations and personas."""
        from accounts import audit, scenarios

        principal = _scenarios_allowed()
        with context().uow() as uow:
            result = scenarios.create(uow, body["name"], actor=audit.actor_of(principal, None),
                                      staff_reason=principal.acting_for_reason)
            uow.commit()
        return result


class ScopeSchema(Schema):
    everything = fields.Boolean()
    organisation_ids = fields.List(fields.String())


class AccessSchema(Schema):
    read = fields.Nested(ScopeSchema)
    choose_organisation = fields.Boolean(metadata={"description": "hat mode with no acting organisation chosen"})
    write = fields.Dict(keys=fields.String(), values=fields.Nested(ScopeSchema))


@blp.route("/me/access")
class MyAccess(MethodView):
    @blp.response(200, AccessSchema)
    def get(self):
        """Which organisations I may read, and per permission which I may change (the shared helper's answer)."""
        from ecf_shared.auth.authorisation import access

        return access(current_principal())
