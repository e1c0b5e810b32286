"""Every read copy registrations keeps takes a late older event without going back in time (ecf_shared.ordering)."""
import uuid


from ecf_shared.testing import ordering
from ecf_shared.testing.ordering import OrderingCase

ORGANISATION, SCHOOL, LEAD_PROVIDER = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
PARTNERSHIP, DELIVERY_PARTNER, NEWER_DELIVERY_PARTNER = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())


def organisation(name, status="open"):
    return {"organisation_id": ORGANISATION, "type": "school", "name": name, "urn": "100001", "status": status}


def partnership(delivery_partner_id):
    return {"partnership_id": PARTNERSHIP, "lead_provider_id": LEAD_PROVIDER, "delivery_partner_id": delivery_partner_id,
            "school_id": SCHOOL, "cohort": 2026}


def organisation_shown(svc):
    return ordering.one(svc, "select name, status from organisations where id = :id", id=ORGANISATION)


def partnership_shown(svc):
    return ordering.one(svc, "select delivery_partner_id from partnerships where school_id = :s", s=SCHOOL)[0]


RENAMED = ("accounts.organisation.updated", organisation("Hopper Academy"))
CASES = {
    "accounts.organisation.created": OrderingCase(
        newer=RENAMED, older=("accounts.organisation.created", organisation("Hopper Primary")),
        shown=organisation_shown, expected=("Hopper Academy", "open")),
    "accounts.organisation.updated": OrderingCase(
        newer=RENAMED, older=("accounts.organisation.updated", organisation("Hopper Junior")),
        given=[("accounts.organisation.created", organisation("Hopper Primary"))],
        shown=organisation_shown, expected=("Hopper Academy", "open")),
    "accounts.organisation.closed": OrderingCase(
        newer=("accounts.organisation.updated", organisation("Hopper Academy", status="open")),
        older=("accounts.organisation.closed", organisation("Hopper Primary", status="closed")),
        shown=organisation_shown, expected=("Hopper Academy", "open")),
    "lp-api.partnership.created": OrderingCase(
        newer=("lp-api.partnership.updated", partnership(NEWER_DELIVERY_PARTNER)),
        older=("lp-api.partnership.created", partnership(DELIVERY_PARTNER)),
        shown=partnership_shown, expected=NEWER_DELIVERY_PARTNER),
    "lp-api.partnership.updated": OrderingCase(
        newer=("lp-api.partnership.updated", partnership(NEWER_DELIVERY_PARTNER)),
        older=("lp-api.partnership.updated", partnership(DELIVERY_PARTNER)),
        given=[("lp-api.partnership.created", partnership(str(uuid.uuid4())))],
        shown=partnership_shown, expected=NEWER_DELIVERY_PARTNER),
}
NOT_READ_COPIES = {
    "lp-api.participant.action_requested": "a lead provider's request applied to registrations' own training, checked "
                                           "against its rules as it stands (test_lead_provider_events)",
}


test_every_consumed_event_has_an_ordering_case, test_a_late_older_event_leaves_the_newer_change_standing = \
    ordering.tests("registrations", CASES, NOT_READ_COPIES)
