"""HTTP: an organisation's members, invitations, school contacts and audit trail."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from accounts import audit, contacts, members
from accounts.domain.model import ROLES, AuditEntry, Organisation
from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable
from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import bearer_token, current_principal, public

blp = Blueprint("members", __name__, description="Members, invitations, school contacts and the audit trail")


class MemberSchema(Schema):
    membership_id = fields.String()
    user_id = fields.String()
    organisation_id = fields.String()
    role = fields.String()
    email = fields.String()
    name = fields.String(allow_none=True)
    joined_at = fields.DateTime(allow_none=True)


class RoleSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class InviteSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    role = fields.String(load_default="end_user", validate=validate.OneOf(ROLES))


class InvitationSchema(Schema):
    invitation_id = fields.String()
    organisation_id = fields.String()
    email = fields.String()
    role = fields.String()
    state = fields.String(metadata={"description": "pending, expired, accepted or cancelled"})
    expires_at = fields.DateTime()
    sent_count = fields.Integer()
    created_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)


class InvitationForInviteeSchema(Schema):
    organisation_name = fields.String()
    organisation_type = fields.String()
    email = fields.String(metadata={"description": "The invited email address"})
    role = fields.String()
    state = fields.String(metadata={"description": "pending, expired, accepted or cancelled"})
    expires_at = fields.DateTime()
    account_exists = fields.Boolean(metadata={
        "description": "Whether an account with the invited email exists; if not, accepting needs first_name and "
                       "last_name"})


class InvitationQuerySchema(Schema):
    include_finished = fields.Boolean(load_default=False)


class AcceptSchema(Schema):
    first_name = fields.String(validate=validate.Length(max=200))
    last_name = fields.String(validate=validate.Length(max=200))


class TutorInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    email = fields.Email(required=True, validate=validate.Length(max=320))


class TutorSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()


class SchoolContactSchema(Schema):
    name = fields.String(allow_none=True)
    email = fields.String()
    role = fields.String(metadata={"description": "induction_tutor, school_contact or school_user"})


class ForLeadProvidersSchema(Schema):
    induction_tutor_name = fields.String(allow_none=True)
    induction_tutor_email = fields.String()
    school_contacts = fields.List(fields.Nested(SchoolContactSchema))


class ContactsSchema(Schema):
    organisation_id = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_email_source = fields.String(allow_none=True, metadata={"description": "school, gias or null"})
    induction_tutors = fields.List(fields.Nested(TutorSchema))
    user_emails = fields.List(fields.String())
    for_lead_providers = fields.Nested(ForLeadProvidersSchema, metadata={
        "description": "What lead providers receive about this school's contacts (lp-api applies the same rule)"})


class ContactEmailSchema(Schema):
    contact_email = fields.Email(required=True, allow_none=True, validate=validate.Length(max=320),
                                 metadata={"description": "null goes back to the school's GIAS contact email"})


class AuditQuerySchema(Schema):
    organisation_id = fields.UUID()
    subject_id = fields.String()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEntrySchema(Schema):
    id = fields.String()
    at = fields.DateTime()
    action = fields.String()
    subject = fields.Dict()
    actor = fields.Dict()
    organisation_id = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    correlation_id = fields.String(allow_none=True)


def _readable_organisation(uow, organisation_id) -> Organisation:
    readable(current_principal(), organisation_id=str(organisation_id))
    return members.organisation(uow.session, str(organisation_id))


@blp.route("/organisations/<uuid:organisation_id>/members")
class Members(MethodView):
    @blp.response(200, MemberSchema(many=True))
    def get(self, organisation_id):
        """The organisation's members and their roles (anyone who may read the organisation)."""
        with context().uow() as uow:
            org = _readable_organisation(uow, organisation_id)
            return members.members(uow.session, org.id)


@blp.route("/organisations/<uuid:organisation_id>/members/<uuid:user_id>")
class Member(MethodView):
    @blp.arguments(RoleSchema)
    @blp.response(200, MemberSchema)
    def patch(self, body, organisation_id, user_id):
        """Change a member's role (approvers). Never demotes the last approver (409 last_approver)."""
        with context().uow() as uow:
            result = members.change_role(uow, current_principal(), str(organisation_id), str(user_id), body["role"])
            uow.commit()
        return result

    @blp.response(204)
    def delete(self, organisation_id, user_id):
        """Remove a member (approvers), or leave (yourself). Never the last approver (409 last_approver)."""
        with context().uow() as uow:
            members.remove(uow, current_principal(), str(organisation_id), str(user_id))
            uow.commit()


@blp.route("/organisations/<uuid:organisation_id>/invitations")
class Invitations(MethodView):
    @blp.arguments(InvitationQuerySchema, location="query")
    @blp.response(200, InvitationSchema(many=True))
    def get(self, query, organisation_id):
        """Invitations waiting (or, with include_finished, all of them)."""
        with context().uow() as uow:
            org = _readable_organisation(uow, organisation_id)
            return members.list_invitations(uow.session, org.id, include_finished=query["include_finished"])

    @blp.arguments(InviteSchema)
    @blp.response(201, InvitationSchema)
    def post(self, body, organisation_id):
        """Invite someone by email (approvers). The invitation email (GOV.UK Notify) carries the link with its
        single-use token that expires; the token is in no answer."""
        ctx = context()
        with ctx.uow() as uow:
            view = members.invite(uow, ctx.settings, current_principal(), str(organisation_id), body["email"],
                                  body["role"])
            uow.commit()
        return view


@blp.route("/organisations/<uuid:organisation_id>/invitations/<uuid:invitation_id>/resend")
class ResendInvitation(MethodView):
    @blp.response(200, InvitationSchema)
    def post(self, organisation_id, invitation_id):
        """Send a waiting invitation again: a new email with a new token and expiry; the old link stops working."""
        ctx = context()
        with ctx.uow() as uow:
            view = members.resend(uow, ctx.settings, current_principal(), str(organisation_id), str(invitation_id))
            uow.commit()
        return view


@blp.route("/organisations/<uuid:organisation_id>/invitations/<uuid:invitation_id>")
class Invitation(MethodView):
    @blp.response(204)
    def delete(self, organisation_id, invitation_id):
        """Cancel a waiting invitation (approvers)."""
        with context().uow() as uow:
            members.cancel(uow, current_principal(), str(organisation_id), str(invitation_id))
            uow.commit()


@blp.route("/invitations/<string:token>")
@public
class InvitationForInvitee(MethodView):
    @blp.response(200, InvitationForInviteeSchema)
    def get(self, token):
        """What the invitation link's page shows (the token is the link's secret): the organisation's name and type,
        the invited email and role, the state, the expiry, and whether the invitee already has an account."""
        with context().uow() as uow:
            return members.invitation_for_invitee(uow.session, token)


@blp.route("/invitations/<string:token>/accept")
@public
class AcceptInvitation(MethodView):
    @blp.arguments(AcceptSchema)
    @blp.response(200, MemberSchema)
    def post(self, body, token):
        """Use an invitation to join. Signed in: it must be for my email. Otherwise it joins (or creates,
        with first_name and last_name) the user with the invited email, who then signs in."""
        ctx = context()
        raw = bearer_token()
        principal = Principal.from_claims(ctx.verifier.verify(raw), token=raw) if raw else None
        with ctx.uow() as uow:
            result = members.accept(uow, token, principal, first_name=body.get("first_name"),
                                    last_name=body.get("last_name"))
            uow.commit()
        return result


@blp.route("/organisations/<uuid:organisation_id>/contacts")
class Contacts(MethodView):
    @blp.response(200, ContactsSchema)
    def get(self, organisation_id):
        """The school's contacts for lead providers: induction tutors, contact email and its users' emails."""
        with context().uow() as uow:
            readable(current_principal(), organisation_id=str(organisation_id))
            return contacts.view(uow.session, contacts.school(uow.session, str(organisation_id)))

    @blp.arguments(ContactEmailSchema)
    @blp.response(200, ContactsSchema)
    def patch(self, body, organisation_id):
        """Set the school's contact email for lead providers (null: back to its GIAS contact email)."""
        with context().uow() as uow:
            result = contacts.set_contact_email(uow, current_principal(), str(organisation_id), body["contact_email"])
            uow.commit()
        return result


@blp.route("/organisations/<uuid:organisation_id>/contacts/induction-tutors")
class InductionTutors(MethodView):
    @blp.arguments(TutorInSchema)
    @blp.response(201, ContactsSchema)
    def post(self, body, organisation_id):
        """Nominate an induction tutor (name and email; they need not have an account)."""
        with context().uow() as uow:
            result = contacts.nominate_tutor(uow, current_principal(), str(organisation_id), body["name"], body["email"])
            uow.commit()
        return result


@blp.route("/organisations/<uuid:organisation_id>/contacts/induction-tutors/<uuid:tutor_id>")
class InductionTutor(MethodView):
    @blp.response(200, ContactsSchema)
    def delete(self, organisation_id, tutor_id):
        """Stop nominating an induction tutor."""
        with context().uow() as uow:
            result = contacts.remove_tutor(uow, current_principal(), str(organisation_id), str(tutor_id))
            uow.commit()
        return result


@blp.route("/audit")
class Audit(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, query):
        """The audit trail of organisations I may read (staff: all), newest first."""
        scope = readable(current_principal(), organisation_id=query.get("organisation_id"))
        with context().uow() as uow:
            q = uow.session.query(AuditEntry)
            if not scope.everything:
                q = q.filter(AuditEntry.organisation_id.in_(scope.organisation_ids))
            if query.get("subject_id"):
                q = q.filter(AuditEntry.subject_id == query["subject_id"])
            entries = q.order_by(AuditEntry.at.desc(), AuditEntry.id).limit(query["limit"]).all()
            return [audit.entry_view(e) for e in entries]
