from marshmallow import Schema, fields, validate

from ecf_shared.contracts import Contract, register
from ecf_shared.contracts.fields import ORGANISATION_TYPES, URN


class OrganisationSchema(Schema):
    organisation_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ORGANISATION_TYPES))
    name = fields.String(required=True)
    urn = URN(allow_none=True, load_default=None)
    ukprn = fields.String(allow_none=True, load_default=None)
    dsi_organisation_id = fields.String(allow_none=True, load_default=None)
    status = fields.String(required=True, validate=validate.OneOf(("open", "closed", "proposed_to_close")))
    contact_email = fields.Email(allow_none=True, load_default=None)
    establishment_type = fields.String(allow_none=True, load_default=None)
    state_funded = fields.Boolean(allow_none=True, load_default=None)
    eligible = fields.Boolean(allow_none=True, load_default=None)


class ContactSchema(Schema):
    name = fields.String(allow_none=True, load_default=None)
    email = fields.Email(required=True)


class SchoolContactsSchema(Schema):
    organisation_id = fields.UUID(required=True)
    contact_email = fields.Email(allow_none=True, load_default=None)
    induction_tutors = fields.List(fields.Nested(ContactSchema), required=True)
    user_emails = fields.List(fields.Email(), load_default=list)


_READERS = ("inductions", "lp-api", "registrations")
_ORG = ("organisation_id",)

register(
    Contract("accounts.organisation.created", 1, "accounts", _READERS, OrganisationSchema,
             "An organisation (school, lead provider, delivery partner, appropriate body, ...) was created.", _ORG),
    Contract("accounts.organisation.updated", 1, "accounts", _READERS, OrganisationSchema,
             "An organisation's details changed; the payload is the whole organisation.", _ORG),
    Contract("accounts.organisation.closed", 1, "accounts", _READERS, OrganisationSchema,
             "An organisation was closed (for schools: closed in GIAS).", _ORG),
    Contract("accounts.school_contacts.changed", 1, "accounts", ("lp-api",), SchoolContactsSchema,
             "A school's contact email, nominated induction tutors or user emails changed.", _ORG),
)


class MembershipSchema(Schema):
    membership_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("approver", "end_user")))
    email = fields.Email(required=True)
    name = fields.String(allow_none=True, load_default=None)
    previous_role = fields.String(allow_none=True, load_default=None)


class InvitationSchema(Schema):
    invitation_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("approver", "end_user")))
    expires_at = fields.AwareDateTime(required=True)
    user_id = fields.UUID(allow_none=True, load_default=None)


class StaffActingSchema(Schema):
    user_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    reason = fields.String(required=True)


# Every service that takes users' writes keeps a copy of memberships (ecf_shared.auth.revocation).
_MEMBERSHIP_READERS = ("registrations", "inductions", "lp-api", "trs-sync")

register(
    Contract("accounts.membership.added", 1, "accounts", _MEMBERSHIP_READERS, MembershipSchema,
             "A user joined an organisation (invitation accepted, DfE Sign-in, or staff action).", ordered_by=("user_id",)),
    Contract("accounts.membership.removed", 1, "accounts", _MEMBERSHIP_READERS, MembershipSchema,
             "A user left or was removed from an organisation: their writes there are refused as soon as each "
             "service has it; their reads, and new tokens, end at their next refresh.", ordered_by=("user_id",)),
    Contract("accounts.membership.role_changed", 1, "accounts", _MEMBERSHIP_READERS, MembershipSchema,
             "A member's role changed (by an approver, DfE Sign-in or staff): once each service has it, a demoted "
             "member's writes with a token from before are refused until they refresh it.", ordered_by=("user_id",)),
    Contract("accounts.invitation.sent", 1, "accounts", (), InvitationSchema, "An approver invited someone by email."),
    Contract("accounts.invitation.accepted", 1, "accounts", (), InvitationSchema, "An invitation was used to join."),
    Contract("accounts.staff_acting.started", 1, "accounts", (), StaffActingSchema,
             "A DfE staff user began acting for an organisation, with a reason."),
    Contract("accounts.staff_acting.ended", 1, "accounts", (), StaffActingSchema,
             "A DfE staff user stopped acting for an organisation."),
)
